import { describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { memoryLogger } from '../../src/app/logger.js';
import { createScheduler, retryDelayMs } from '../../src/app/notifications/scheduler.js';
import { JobDeferred } from '../../src/app/notifications/jobs.js';

const at = (date: string, hh: number, mm: number): Date => londonInstantAt(parseLocalDate(date), hh, mm);

function harness(options: { failDailyTimes?: number; deferDailyTimes?: number } = {}) {
  let now = at('2026-11-23', 7, 0);
  const runs: string[] = [];
  let failures = options.failDailyTimes ?? 0;
  let deferrals = options.deferDailyTimes ?? 0;
  const logger = memoryLogger();
  const scheduler = createScheduler({
    clock: () => now,
    at: { hour: 7, minute: 30 },
    logger,
    tickMs: 3_600_000,
    deliveryEveryMs: 5 * 60_000,
    daily: () => {
      runs.push(`daily ${now.toISOString()}`);
      if (deferrals > 0) {
        deferrals -= 1;
        return Promise.reject(new JobDeferred('a review-sweep runs on another instance', now));
      }
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error('graph unavailable'));
      }
      return Promise.resolve({ sent: 1 });
    },
    delivery: () => {
      runs.push(`delivery ${now.toISOString()}`);
      return Promise.resolve({ sent: 0 });
    },
  });
  return {
    scheduler,
    runs,
    logger,
    set now(value: Date) {
      now = value;
    },
  };
}

describe('the in-process scheduler', () => {
  it('runs the review sweep once on a working day at 07:30 London time, and delivery passes between', async () => {
    const h = harness();
    await h.scheduler.tick(); // 07:00: too early for the sweep; a delivery pass
    h.now = at('2026-11-23', 7, 3);
    await h.scheduler.tick(); // within five minutes of the last delivery pass: nothing
    h.now = at('2026-11-23', 7, 30);
    await h.scheduler.tick();
    h.now = at('2026-11-23', 9, 0);
    await h.scheduler.tick(); // the sweep has run today: a delivery pass only
    expect(h.runs).toEqual([
      `delivery ${at('2026-11-23', 7, 0).toISOString()}`,
      `daily ${at('2026-11-23', 7, 30).toISOString()}`,
      `delivery ${at('2026-11-23', 9, 0).toISOString()}`,
    ]);
    expect(h.scheduler.lastDailyRun).toBe('2026-11-23');
    h.scheduler.stop();
  });

  it('skips weekends and bank holidays (the domain calendar), and catches up when started late', async () => {
    const h = harness();
    h.now = at('2026-11-28', 8, 0); // Saturday
    await h.scheduler.tick();
    h.now = at('2026-12-25', 8, 0); // Christmas Day, a Friday
    await h.scheduler.tick();
    expect(h.runs.filter((r) => r.startsWith('daily'))).toEqual([]);
    h.now = at('2026-12-29', 16, 45); // Tuesday after the Boxing Day substitute: started late, runs at once
    await h.scheduler.tick();
    expect(h.runs.filter((r) => r.startsWith('daily'))).toEqual([`daily ${at('2026-12-29', 16, 45).toISOString()}`]);
    h.scheduler.stop();
  });

  it('a failed sweep is logged and tried again after a wait; two ticks at once run it once', async () => {
    const h = harness({ failDailyTimes: 1 });
    h.now = at('2026-11-24', 7, 45);
    await Promise.all([h.scheduler.tick(), h.scheduler.tick()]);
    expect(h.runs).toHaveLength(1);
    expect(h.logger.lines.some((l) => l.level === 'error' && l.message.includes('review sweep failed'))).toBe(true);
    expect(h.scheduler.lastDailyRun).toBeUndefined();
    h.now = at('2026-11-24', 7, 47);
    await h.scheduler.tick();
    expect(h.runs.filter((r) => r.startsWith('daily'))).toHaveLength(2);
    expect(h.scheduler.lastDailyRun).toBe('2026-11-24');
    h.scheduler.stop();
  });

  it('a sweep deferred (held on another instance) is neither a failure nor done: the next tick looks again', async () => {
    const h = harness({ deferDailyTimes: 2 });
    h.now = at('2026-11-24', 7, 45);
    await h.scheduler.tick();
    h.now = at('2026-11-24', 7, 46);
    await h.scheduler.tick();
    expect(h.scheduler.lastDailyRun).toBeUndefined();
    expect(h.logger.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    // No failure wait: the very next tick runs it.
    h.now = at('2026-11-24', 7, 47);
    await h.scheduler.tick();
    expect(h.runs.filter((r) => r.startsWith('daily'))).toHaveLength(3);
    expect(h.scheduler.lastDailyRun).toBe('2026-11-24');
    h.scheduler.stop();
  });

  it('backs off while the sweep keeps failing (2, 4, 8 … minutes, at most an hour), and starts afresh the next day', async () => {
    const h = harness({ failDailyTimes: 20 });
    const dailies = (): number => h.runs.filter((r) => r.startsWith('daily')).length;
    // A tick every minute from 07:30 to 09:35: failures at 07:30, 07:32, 07:36, 07:44, 08:00, 08:32, then an hour.
    for (let minute = 0; minute <= 125; minute += 1) {
      h.now = new Date(at('2026-11-24', 7, 30).getTime() + minute * 60_000);
      await h.scheduler.tick();
    }
    expect(h.runs.filter((r) => r.startsWith('daily'))).toEqual(
      [
        [7, 30],
        [7, 32],
        [7, 36],
        [7, 44],
        [8, 0],
        [8, 32],
        [9, 32],
      ].map(([hh, mm]) => `daily ${at('2026-11-24', hh ?? 0, mm ?? 0).toISOString()}`),
    );
    expect(retryDelayMs(1)).toBe(2 * 60_000);
    expect(retryDelayMs(10)).toBe(60 * 60_000);
    // The next working day's sweep is not held back by yesterday's failures.
    const before = dailies();
    h.now = at('2026-11-25', 7, 30);
    await h.scheduler.tick();
    expect(dailies()).toBe(before + 1);
    h.scheduler.stop();
  });

  it("runs the weekly job once a week after that day's sweep, and tries a failure again after a wait", async () => {
    let now = at('2026-11-25', 7, 0); // a Wednesday
    const runs: string[] = [];
    let failWeekly = 1;
    const scheduler = createScheduler({
      clock: () => now,
      at: { hour: 7, minute: 30 },
      logger: memoryLogger(),
      tickMs: 3_600_000,
      daily: () => Promise.resolve(runs.push(`daily ${now.toISOString()}`)),
      delivery: () => Promise.resolve(),
      weekly: {
        name: 'retention run',
        run: () => {
          runs.push(`weekly ${now.toISOString()}`);
          if (failWeekly > 0) {
            failWeekly -= 1;
            return Promise.reject(new Error('graph unavailable'));
          }
          return Promise.resolve();
        },
      },
    });
    const times = [
      at('2026-11-25', 7, 0), // too early for either
      at('2026-11-25', 7, 30), // the sweep
      at('2026-11-25', 7, 31), // the weekly job, which fails
      at('2026-11-25', 7, 32), // inside the wait: nothing
      at('2026-11-25', 7, 34), // tried again: runs
      at('2026-11-26', 7, 30), // Thursday: the sweep
      at('2026-11-26', 7, 40), // the week's job has run: nothing
      at('2026-11-30', 7, 30), // Monday: the sweep
      at('2026-11-30', 7, 31), // a new week: the weekly job
    ];
    for (const time of times) {
      now = time;
      await scheduler.tick();
    }
    const iso = (date: string, hh: number, mm: number): string => at(date, hh, mm).toISOString();
    expect(runs).toEqual([
      `daily ${iso('2026-11-25', 7, 30)}`,
      `weekly ${iso('2026-11-25', 7, 31)}`,
      `weekly ${iso('2026-11-25', 7, 34)}`,
      `daily ${iso('2026-11-26', 7, 30)}`,
      `daily ${iso('2026-11-30', 7, 30)}`,
      `weekly ${iso('2026-11-30', 7, 31)}`,
    ]);
    expect(scheduler.lastWeeklyRun).toBe('2026-11-30');
    scheduler.stop();
  });
});
