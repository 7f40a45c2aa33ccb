import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger } from '../app/logger.js';
import { ABANDONED, createJobs, JobDeferred, type Jobs } from '../app/notifications/jobs.js';
import { StoreError } from '../domain/ports.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../../test/support/provisioned-emulator.js';
import type { JobStore } from '../app/notifications/jobs.js';
import { GraphJobStore } from './jobs.js';

/**
 * Jobs kept in the Trellis Jobs list, as several instances see them: each "instance" here is a
 * registry of its own (its own store adapter and name) on one emulator. Lease time is a fake
 * clock the test moves, so nothing waits for a lease to run out.
 */

class BusyStore extends StoreError {
  readonly transient = true;
  readonly rejected = false;
  readonly retryAfterSeconds = 30;
  readonly userMessage = 'Storage is busy.';
}

const LEASE_MS = 60_000;
let emulator: ProvisionedEmulator;
const time = { now: Date.parse('2026-11-23T10:00:00Z') };
const clock = (): Date => new Date(time.now);

beforeAll(async () => {
  emulator = await startProvisionedEmulator();
});

afterAll(async () => {
  await emulator.close();
});

function instance(owner: string, logger = memoryLogger(), earlierLife?: (owner: string) => boolean): Jobs<number> {
  return createJobs<number>({
    ...(earlierLife === undefined ? {} : { earlierLife }),
    store: new GraphJobStore(emulator.client, emulator.site.lists.jobs),
    kinds: ['review-sweep'],
    result: z.number(),
    clock,
    leaseNow: clock,
    logger,
    owner,
    leaseMs: LEASE_MS,
    // Never within a test: the fake clock, not a timer, decides when a lease runs out.
    heartbeatMs: 3_600_000,
  });
}

/** Work that finishes when the test says. */
function gate(): { readonly work: () => Promise<number>; open(value: number): void } {
  let open: (value: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    open = resolve;
  });
  return {
    work: () => done,
    open: (value) => {
      open(value);
    },
  };
}

/** The Jobs list, refusing as busy the first `refusals` writes of a finished job. */
function busyOnFinish(refusals: number): JobStore {
  const store = new GraphJobStore(emulator.client, emulator.site.lists.jobs);
  let left = refusals;
  return Object.assign(Object.create(store) as JobStore, {
    saveJob: (record: Parameters<JobStore['saveJob']>[0]) => {
      if (record.state !== 'running' && left > 0) {
        left -= 1;
        return Promise.reject(new BusyStore('Graph answered 503'));
      }
      return store.saveJob(record);
    },
  });
}

describe('jobs kept in the store', () => {
  it("a finished job's outcome is stored again while storage is busy; when it never is, that is a warning", async () => {
    for (const [refusals, state] of [
      [2, 'succeeded'],
      [9, 'running'],
    ] as const) {
      const logger = memoryLogger();
      const jobs = createJobs<number>({
        store: busyOnFinish(refusals),
        kinds: ['review-sweep'],
        result: z.number(),
        clock,
        leaseNow: clock,
        logger,
        owner: `busy:${String(refusals)}`,
        leaseMs: LEASE_MS,
        heartbeatMs: 3_600_000,
        outcomeRetryMs: 1,
      });
      const started = await jobs.start('review-sweep', () => Promise.resolve(7));
      if (!('job' in started)) throw new Error('not started');
      await jobs.idle();
      expect(await instance('reader:1').find(started.job.id)).toMatchObject({ state });
      const said = logger.lines.filter((e) => e.message.startsWith('job outcome not recorded'));
      expect(said.map((e) => e.level)).toEqual(state === 'running' ? ['warn'] : []);
    }
  });

  it('a job started on one instance is read the same on another, running and finished', async () => {
    const [a, b] = [instance('a:1'), instance('b:1')];
    const g = gate();
    const started = await a.start('review-sweep', g.work);
    if (!('job' in started)) throw new Error('not started');
    expect(started.joined).toBe(false);
    expect(await b.find(started.job.id)).toMatchObject({ id: started.job.id, state: 'running' });
    g.open(42);
    await a.idle();
    expect(await b.find(started.job.id)).toMatchObject({ state: 'succeeded', result: 42 });
    expect(await b.find('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await b.find('not-a-job-id')).toBeUndefined();
  });

  it('two instances starting at once run one job: the other joins it', async () => {
    const [a, b] = [instance('a:2'), instance('b:2')];
    const g = gate();
    let runs = 0;
    const work = (): Promise<number> => {
      runs += 1;
      return g.work();
    };
    const [first, second] = await Promise.all([a.start('review-sweep', work), b.start('review-sweep', work)]);
    if (!('job' in first) || !('job' in second)) throw new Error('not started');
    expect(second.job.id).toBe(first.job.id);
    expect([first.joined, second.joined].sort()).toEqual([false, true]);
    g.open(1);
    await Promise.all([a.idle(), b.idle()]);
    expect(runs).toBe(1);
    // Free again: the next start is a new job.
    const next = await b.start('review-sweep', () => Promise.resolve(2));
    if (!('job' in next)) throw new Error('not started');
    expect(next.joined).toBe(false);
    await b.idle();
  });

  it('a scheduled pass finds the lease taken and waits; an API start meets it as busy', async () => {
    const [a, b] = [instance('a:3'), instance('b:3')];
    const g = gate();
    const pass = a.runScheduled('review-sweep', g.work);
    // Until the pass holds the lease, a start could still win it: wait for the pass to hold it.
    let answer: Awaited<ReturnType<Jobs<number>['start']>> | undefined;
    for (let i = 0; i < 50 && answer === undefined; i += 1) {
      const tried = await b.runScheduled('review-sweep', () => Promise.resolve(0)).catch((e: unknown) => e);
      if (tried instanceof JobDeferred) answer = await b.start('review-sweep', () => Promise.resolve(0));
    }
    expect(answer).toMatchObject({ busy: { owner: 'a:3' } });
    g.open(5);
    expect(await pass).toBe(5);
  });

  it('a failed run is failed for everyone, and every instance backs off before the next scheduled run', async () => {
    const logger = memoryLogger();
    const [a, b] = [instance('a:4', logger), instance('b:4')];
    const started = await a.start('review-sweep', () => Promise.reject(new BusyStore('throttled')));
    if (!('job' in started)) throw new Error('not started');
    await a.idle();
    expect(await b.find(started.job.id)).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('Storage is busy.') as string,
    });
    // Storage busy is the weather: a warning, not an error.
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    let ran = false;
    const deferred = await b
      .runScheduled('review-sweep', () => {
        ran = true;
        return Promise.resolve(1);
      })
      .catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(deferred).toBeInstanceOf(JobDeferred);
    expect(deferred instanceof JobDeferred ? deferred.until.getTime() - time.now : 0).toBe(2 * 60_000);
    // A second failure in a row waits twice as long.
    time.now += 2 * 60_000;
    await expect(b.runScheduled('review-sweep', () => Promise.reject(new Error('a bug')))).rejects.toThrow('a bug');
    const again = await a.runScheduled('review-sweep', () => Promise.resolve(1)).catch((e: unknown) => e);
    expect(again instanceof JobDeferred ? again.until.getTime() - time.now : 0).toBe(4 * 60_000);
    time.now += 4 * 60_000;
    expect(await a.runScheduled('review-sweep', () => Promise.resolve(3))).toBe(3);
    // A success starts the count again: no wait.
    expect(await b.runScheduled('review-sweep', () => Promise.resolve(4))).toBe(4);
  });

  it("a day's run done on one instance is skipped by the others", async () => {
    const [a, b] = [instance('a:5'), instance('b:5')];
    expect(await a.runScheduled('review-sweep', () => Promise.resolve(7), { day: '2026-11-23' })).toBe(7);
    let ran = false;
    const skipped = await b.runScheduled(
      'review-sweep',
      () => {
        ran = true;
        return Promise.resolve(8);
      },
      { day: '2026-11-23' },
    );
    expect([skipped, ran]).toEqual([undefined, false]);
    expect(await b.runScheduled('review-sweep', () => Promise.resolve(9), { day: '2026-11-24' })).toBe(9);
  });

  it('a job whose instance died reads as failed once its lease runs out, and the next start takes over', async () => {
    const [dead, b] = [instance('dead:6'), instance('b:6')];
    const g = gate();
    const started = await dead.start('review-sweep', g.work);
    if (!('job' in started)) throw new Error('not started');
    // Within the lease it is running, and another start joins it.
    time.now += LEASE_MS / 2;
    expect(await b.find(started.job.id)).toMatchObject({ state: 'running' });
    expect(await b.start('review-sweep', () => Promise.resolve(0))).toMatchObject({ joined: true });
    // Its instance never renews: past the lease it was abandoned.
    time.now += LEASE_MS;
    expect(await b.find(started.job.id)).toMatchObject({ state: 'failed', error: ABANDONED });
    const taken = await b.start('review-sweep', () => Promise.resolve(10));
    if (!('job' in taken)) throw new Error('not started');
    expect(taken.joined).toBe(false);
    expect(taken.job.id).not.toBe(started.job.id);
    await b.idle();
    expect(await b.find(taken.job.id)).toMatchObject({ state: 'succeeded', result: 10 });
    g.open(0);
    await dead.idle();
  });

  it('jobs older than a week are removed after a later job finishes; leases stay', async () => {
    const a = instance('a:8');
    const old = await a.start('review-sweep', () => Promise.resolve(1));
    if (!('job' in old)) throw new Error('not started');
    await a.idle();
    time.now += 8 * 24 * 60 * 60_000;
    // Another instance (this one pruned within the hour) finishes a job, and prunes.
    const b = instance('b:8');
    const recent = await b.start('review-sweep', () => Promise.resolve(2));
    if (!('job' in recent)) throw new Error('not started');
    await b.idle();
    expect(await b.find(old.job.id)).toBeUndefined();
    expect(await b.find(recent.job.id)).toMatchObject({ state: 'succeeded', result: 2 });
    expect(await new GraphJobStore(emulator.client, emulator.site.lists.jobs).findLease('review-sweep')).toBeDefined();
  });

  it('a registry reports only its own kinds', async () => {
    const sweeps = instance('a:7');
    const retention = createJobs<number>({
      store: new GraphJobStore(emulator.client, emulator.site.lists.jobs),
      kinds: ['retention'],
      result: z.number(),
      clock,
      logger: memoryLogger(),
      owner: 'a:7',
    });
    const started = await retention.start('retention', () => Promise.resolve(1));
    if (!('job' in started)) throw new Error('not started');
    await retention.idle();
    expect(await retention.find(started.job.id)).toMatchObject({ kind: 'retention', state: 'succeeded' });
    expect(await sweeps.find(started.job.id)).toBeUndefined();
  });

  it('a restarted instance frees the lease its earlier life held, and that job reads as failed at once', async () => {
    // web-1 is the instance's lasting name (as App Service gives); the process behind it changes.
    const lifeOf = (pid: number): Jobs<number> =>
      instance(
        `web-1/host:${String(pid)}`,
        memoryLogger(),
        (owner) => owner.startsWith('web-1/') && owner !== `web-1/host:${String(pid)}`,
      );
    const other = instance('web-2/host:7');
    const first = lifeOf(100);
    const started = await first.start('review-sweep', () => new Promise<number>(() => undefined));
    if (!('job' in started)) throw new Error('not started');
    // Killed mid-run: the lease is still held, and another instance would join the dead job.
    expect(await other.start('review-sweep', gate().work)).toMatchObject({ joined: true, job: { id: started.job.id } });
    // Without a lasting name, nothing is recovered and nothing is read.
    expect(await instance('host:100').recover()).toBe(0);
    const second = lifeOf(101);
    expect(await second.recover()).toBe(1);
    expect(await other.find(started.job.id)).toMatchObject({ state: 'failed', error: ABANDONED });
    expect(await second.recover()).toBe(0);
    const g = gate();
    const next = await other.start('review-sweep', g.work);
    if (!('job' in next)) throw new Error('not started');
    expect(next.joined).toBe(false);
    g.open(7);
    await other.idle();
    expect(await second.find(next.job.id)).toMatchObject({ state: 'succeeded', result: 7 });
  });

  it('a restarted instance takes a lease its earlier life still holds as free, even before recovering', async () => {
    const earlier = instance('web-3/host:1');
    const started = await earlier.start('review-sweep', () => new Promise<number>(() => undefined));
    if (!('job' in started)) throw new Error('not started');
    const restarted = instance('web-3/host:2', memoryLogger(), (owner) => owner === 'web-3/host:1');
    expect(await restarted.runScheduled('review-sweep', () => Promise.resolve(3))).toBe(3);
  });
});
