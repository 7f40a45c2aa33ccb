import { failureOf } from '../errors.js';
import {
  addDays,
  dayOfWeek,
  isWorkingDay,
  londonDateOf,
  londonInstantAt,
  makeWorkingCalendar,
  type LocalDate,
  type WorkingCalendar,
} from '../../domain/calendar/index.js';
import type { Logger } from '../logger.js';
import { JobDeferred } from './jobs.js';

/**
 * The in-process scheduler for the notification jobs. It reads the injected clock (the dev clock
 * in local mode, so moving "today" forward runs that morning's sweep) on every tick:
 *  - the daily review sweep, once per working day (England and Wales bank holidays skipped) at
 *    or after the configured Europe/London time; a process started later that day runs it then;
 *  - a delivery pass every `deliveryEveryMs`: due retries, stale claims, and recovery of recent
 *    commands whose delivery was interrupted.
 *  - a weekly job (the retention run), when given: once per week (Monday to Sunday, London), at
 *    or after the same time on the first day this instance sees that week, after the day's
 *    sweep; a failure is tried again after the same doubling wait, within the week.
 * Several instances may each run the scheduler: the jobs run under a lease kept in the store
 * (jobs.ts), so one sweep runs at a time across them, and a daily or weekly run one instance has
 * done is skipped by the others; the outbox's unique keys and If-Match claims keep every
 * notification once-only whatever happens (TRELLIS_SCHEDULER=off leaves the daily sweep to a
 * scheduled job). A job that throws JobDeferred (the lease is held elsewhere, or failures made
 * every instance wait) is neither a failure nor done: it is looked at again on the next tick. A
 * run never overlaps itself. A failed sweep is logged and tried again after a wait that doubles with
 * each failure (2, 4, 8 … minutes, at most an hour), so a Graph outage is not met with a sweep a
 * minute from every instance; a success, or a new day, starts the count again.
 */

export interface SchedulerOptions {
  readonly clock: () => Date;
  readonly at: { readonly hour: number; readonly minute: number };
  readonly daily: () => Promise<unknown>;
  readonly delivery: () => Promise<unknown>;
  /** Once a week (retention); the job itself is safe to run on several instances. */
  readonly weekly?: { readonly name: string; readonly run: () => Promise<unknown> };
  readonly logger: Logger;
  readonly calendar?: WorkingCalendar;
  /** How often the clock is looked at (default one minute). */
  readonly tickMs?: number;
  readonly deliveryEveryMs?: number;
}

export interface Scheduler {
  /** One look at the clock; what the timer calls. Exposed for tests. */
  tick(): Promise<void>;
  /** The London date of the last daily run this instance started. */
  readonly lastDailyRun: LocalDate | undefined;
  /** The Monday of the last week whose weekly job ran here. */
  readonly lastWeeklyRun: LocalDate | undefined;
  stop(): void;
}

export const DEFAULT_DELIVERY_EVERY_MS = 5 * 60_000;
const FIRST_RETRY_MS = 2 * 60_000;
const LONGEST_RETRY_MS = 60 * 60_000;

/** How long to wait after the nth failure in a row (n ≥ 1). */
export function retryDelayMs(failures: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const calendar = options.calendar ?? makeWorkingCalendar();
  const deliveryEvery = options.deliveryEveryMs ?? DEFAULT_DELIVERY_EVERY_MS;
  let lastDaily: LocalDate | undefined;
  let lastDeliveryAt = Number.NEGATIVE_INFINITY;
  /** Failures in a row of today's sweep, and when it may be tried again. */
  let failures = 0;
  let failedOn: LocalDate | undefined;
  let retryAt = Number.NEGATIVE_INFINITY;
  let lastWeekly: LocalDate | undefined;
  let weeklyFailures = 0;
  let weeklyRetryAt = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const run = async (name: string, job: () => Promise<unknown>): Promise<void> => {
    try {
      const result = await job();
      options.logger.info(`${name} finished`, { result });
    } catch (error) {
      if (error instanceof JobDeferred) {
        options.logger.info(`${name} not run now`, { reason: error.message, until: error.until.toISOString() });
        throw error;
      }
      // Storage busy (Graph throttling or unavailable) is the weather, not a fault: the pass is
      // tried again later; anything else is a failure someone should look at.
      const failure = failureOf(error);
      if (failure.code === 'service_unavailable')
        options.logger.warn(`${name} stopped: storage busy`, { error: failure.detail });
      else options.logger.error(`${name} failed`, { code: failure.code, error: failure.detail });
      throw error;
    }
  };

  const once = async (): Promise<void> => {
    const now = options.clock();
    const today = londonDateOf(now);
    const dueAt = londonInstantAt(today, options.at.hour, options.at.minute);
    if (failedOn !== today) {
      failures = 0;
      retryAt = Number.NEGATIVE_INFINITY;
    }
    if (
      lastDaily !== today &&
      isWorkingDay(calendar, today) &&
      now.getTime() >= dueAt.getTime() &&
      now.getTime() >= retryAt
    ) {
      try {
        await run('review sweep', options.daily);
        lastDaily = today;
        lastDeliveryAt = now.getTime();
        failures = 0;
      } catch (error) {
        // Held elsewhere or backing off for every instance: the next tick looks again.
        if (error instanceof JobDeferred) return;
        // Not marked as run: tried again once the wait is over.
        failures += 1;
        failedOn = today;
        retryAt = now.getTime() + retryDelayMs(failures);
        options.logger.warn('review sweep will be tried again', {
          failures,
          at: new Date(retryAt).toISOString(),
        });
      }
      return;
    }
    const week = addDays(today, 1 - dayOfWeek(today));
    const { weekly } = options;
    if (
      weekly !== undefined &&
      lastWeekly !== week &&
      lastDaily === today &&
      now.getTime() >= dueAt.getTime() &&
      now.getTime() >= weeklyRetryAt
    ) {
      try {
        await run(weekly.name, weekly.run);
        lastWeekly = week;
        weeklyFailures = 0;
        weeklyRetryAt = Number.NEGATIVE_INFINITY;
      } catch (error) {
        if (error instanceof JobDeferred) return;
        weeklyFailures += 1;
        weeklyRetryAt = now.getTime() + retryDelayMs(weeklyFailures);
      }
      return;
    }
    if (now.getTime() - lastDeliveryAt >= deliveryEvery) {
      await run('delivery pass', options.delivery).catch(() => undefined);
      lastDeliveryAt = now.getTime();
    }
  };

  const tick = (): Promise<void> => {
    // A slow run is never overlapped by the next tick.
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  };

  timer = setInterval(() => {
    void tick();
  }, options.tickMs ?? 60_000);
  timer.unref();

  return {
    tick,
    get lastDailyRun() {
      return lastDaily;
    },
    get lastWeeklyRun() {
      return lastWeekly;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
