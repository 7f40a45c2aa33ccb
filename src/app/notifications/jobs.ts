import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import { failureOf } from '../errors.js';

/**
 * Background jobs started from a request (POST /api/jobs/review-sweep answers 202 at once and
 * GET /api/jobs/{id} reports), so no request waits on a sweep that may take minutes behind an
 * ingress that cuts requests at about four — and the scheduler's own passes.
 *
 * Jobs are kept in the store (a `Trellis Jobs` list), not in the process: a job started on one
 * instance is read the same on every other. Each kind of job has one lease row there; starting
 * a job takes the lease with a conditional write (If-Match on the row's version), so across all
 * instances only one job of a kind runs at a time. Asking for another while one runs answers the
 * one already running (joins it); a scheduled pass that finds the lease taken waits for its next
 * turn. The running instance renews the lease and the job's heartbeat every `heartbeatMs`; an
 * instance that dies stops renewing, so once the lease has run out the job reads as failed
 * (abandoned) and the next start takes the lease over.
 *
 * A failed run backs off for every instance: the lease row counts failures in a row and names a
 * time before which scheduled runs do not try again (2, 4, 8 … minutes, at most an hour); a
 * success starts the count again. Someone asking from the API is not made to wait for it.
 *
 * Leases and heartbeats read real time (`leaseNow`), not the dev clock local mode lets people
 * move; instances' clocks are assumed to agree within seconds (NTP), far less than a lease.
 */

/** A retention dry run is a kind of its own, so asking for a real run never gets a dry run already going. */
export type JobKind = 'review-sweep' | 'retention' | 'retention-dry-run';
export type JobState = 'running' | 'succeeded' | 'failed';

export interface JobView<Result> {
  readonly id: string;
  readonly kind: JobKind;
  readonly state: JobState;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly result?: Result;
  /** Why it failed, in words for the person who started it. */
  readonly error?: string;
}

/** A job as the store keeps it. */
export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly state: JobState;
  /** The instance running it (host:pid). */
  readonly owner: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Last sign of life from its instance (real time). */
  readonly heartbeatAt: string;
  /** What it did, as plain JSON. */
  readonly result?: unknown;
  readonly error?: string;
}

/** The lease of one kind of job, as read from the store. */
export interface JobLease {
  readonly kind: JobKind;
  /** Who holds it and until when; none when free. */
  readonly holder?: JobLeaseHolder;
  /** Failed runs in a row. */
  readonly failures: number;
  /** After failures, scheduled runs wait until then. */
  readonly retryAt?: string;
  /** The London date of the last successful daily run. */
  readonly lastSucceededOn?: string;
  /** The store's concurrency token for this reading, passed back to writeLease. */
  readonly version: string;
}

export interface JobLeaseHolder {
  /** The job holding it; none for a scheduled pass (which has no job record). */
  readonly jobId?: string;
  readonly owner: string;
  readonly until: string;
}

/** What writeLease sets: the whole lease but its version. */
export type JobLeaseState = Omit<JobLease, 'kind' | 'version'>;

/** Where jobs and leases are kept (src/store/jobs.ts over the Trellis Jobs list). */
export interface JobStore {
  findLease(kind: JobKind): Promise<JobLease | undefined>;
  /**
   * Writes the lease if it is still as `read` (its version), or creates it when `read` is
   * undefined. Answers 'lost' when another instance wrote first.
   */
  writeLease(kind: JobKind, read: JobLease | undefined, next: JobLeaseState): Promise<JobLease | 'lost'>;
  /** Creates or overwrites the job (only the instance running a job writes it). */
  saveJob(job: JobRecord): Promise<void>;
  findJob(id: string): Promise<JobRecord | undefined>;
  /** Deletes the jobs started before this instant (not the leases); answers how many. */
  removeJobsStartedBefore(at: string): Promise<number>;
}

/** Thrown by runScheduled when the work is not run now: someone else holds the lease, or failures made it wait. */
export class JobDeferred extends Error {
  override readonly name = 'JobDeferred';
  constructor(
    message: string,
    /** When it is worth trying again (real time). */
    readonly until: Date,
  ) {
    super(message);
  }
}

export interface Jobs<Result> {
  /**
   * Starts the work as a job unless a job of that kind already runs on some instance; answers
   * the job started, or the one already running (`joined`). Undefined `job` with `joined`: a
   * scheduled pass without a job record holds the lease.
   */
  start(
    kind: JobKind,
    work: () => Promise<Result>,
  ): Promise<{ readonly job: JobView<Result>; readonly joined: boolean } | { readonly busy: JobLeaseHolder }>;
  /** The job, from whichever instance ran it; undefined when there is none of these kinds. */
  find(id: string): Promise<JobView<Result> | undefined>;
  /**
   * The stored job of any kind (one read of the store, which every registry of a process shares),
   * for an answer that asks each registry in turn without reading again: see `view`.
   */
  lookup(id: string): Promise<JobRecord | undefined>;
  /** A stored job as this registry reports it; undefined when it is not one of its kinds. */
  view(record: JobRecord): JobView<Result> | undefined;
  /**
   * A scheduled pass: runs the work here under the kind's lease and answers its result, or
   * throws JobDeferred (taken elsewhere, or backing off after failures, or — with `day` — that
   * day's run already succeeded on some instance, which answers undefined instead).
   */
  runScheduled(
    kind: JobKind,
    work: () => Promise<Result>,
    options?: { readonly day?: string },
  ): Promise<Result | undefined>;
  /** Settles when every job started here so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * At start: frees the leases an earlier life of this instance held when it stopped (killed or
   * crashed mid-run), and marks its job failed, so nobody waits for the lease to run out. Answers
   * how many it freed.
   */
  recover(): Promise<number>;
}

export interface JobsOptions<Result> {
  readonly store: JobStore;
  /** The kinds this registry runs and reports (find answers nothing for others). */
  readonly kinds: readonly JobKind[];
  /** Reads a stored result back; one that does not parse is left out of the answer. */
  readonly result: z.ZodType<Result>;
  /** The application clock, for startedAt and finishedAt (the dev clock in local mode). */
  readonly clock: () => Date;
  /** Real time, for leases and heartbeats. */
  readonly leaseNow?: () => Date;
  readonly logger: Logger;
  /** Names this instance (host:pid). */
  readonly owner: string;
  /**
   * Whether a holder is an earlier life of this instance (the same lasting instance name, another
   * process): such a lease is stale, since this instance runs nothing it does not know of. Without
   * a lasting name nothing is, and a dead instance's lease runs out by itself.
   */
  readonly earlierLife?: (owner: string) => boolean;
  /** How long a lease holds without renewal (default two minutes). */
  readonly leaseMs?: number;
  /** How often the running instance renews it (default a quarter of the lease). */
  readonly heartbeatMs?: number;
  /** The wait before storing a finished job again while storage is busy, times the attempt (default a second). */
  readonly outcomeRetryMs?: number;
}

export const DEFAULT_LEASE_MS = 2 * 60_000;
/**
 * Days a finished job is kept for GET /api/jobs/{id}. A retention run's result names the cases it
 * removed (ids and references), so job rows must not outlive them by long: older ones are deleted
 * after a job finishes, at most once an hour per instance.
 */
export const KEEP_JOB_DAYS = 7;
const PRUNE_EVERY_MS = 60 * 60_000;
const JOIN_LOOKS = 20;
const JOIN_LOOK_MS = 250;
/** Tries at storing a finished job while storage is busy, a second more apart each time. */
const OUTCOME_ATTEMPTS = 4;
const OUTCOME_RETRY_MS = 1_000;
const FIRST_RETRY_MS = 2 * 60_000;
const LONGEST_RETRY_MS = 60 * 60_000;

/** How long scheduled runs wait after the nth failure in a row (n ≥ 1): 2, 4, 8 … minutes, at most an hour. */
export function jobRetryDelayMs(failures: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

export const ABANDONED =
  'The instance running this job stopped before it finished. Nothing it did is lost: the next run picks up what it left.';

export function createJobs<Result>(options: JobsOptions<Result>): Jobs<Result> {
  const { store, logger } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.floor(leaseMs / 4);
  const leaseNow = options.leaseNow ?? (() => new Date());
  const running = new Map<JobKind, { readonly view: JobView<Result>; readonly done: Promise<void> }>();
  const inFlight = new Set<Promise<void>>();
  let prunedAt = Number.NEGATIVE_INFINITY;
  const prune = async (): Promise<void> => {
    if (leaseNow().getTime() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = leaseNow().getTime();
    try {
      const before = new Date(options.clock().getTime() - KEEP_JOB_DAYS * 24 * 60 * 60_000).toISOString();
      const removed = await store.removeJobsStartedBefore(before);
      if (removed > 0) logger.info('old jobs removed', { removed });
    } catch (error) {
      logger.warn('old jobs not removed', { error: failureOf(error).detail });
    }
  };

  const later = (ms: number): string => new Date(leaseNow().getTime() + ms).toISOString();
  const earlierLife = options.earlierLife ?? (() => false);
  const held = (lease: JobLease | undefined): JobLeaseHolder | undefined =>
    lease?.holder !== undefined &&
    Date.parse(lease.holder.until) > leaseNow().getTime() &&
    !earlierLife(lease.holder.owner)
      ? lease.holder
      : undefined;

  /** Takes the kind's lease for this instance, or answers who holds it. */
  const acquire = async (
    kind: JobKind,
    jobId: string | undefined,
    alreadyRead?: { readonly lease: JobLease | undefined },
  ): Promise<{ readonly lease: JobLease } | { readonly busy: JobLeaseHolder } | { readonly lost: true }> => {
    const read = alreadyRead === undefined ? await store.findLease(kind) : alreadyRead.lease;
    const holder = held(read);
    if (holder !== undefined) return { busy: holder };
    const next: JobLeaseState = {
      holder: { ...(jobId === undefined ? {} : { jobId }), owner: options.owner, until: later(leaseMs) },
      failures: read?.failures ?? 0,
      ...(read?.retryAt === undefined ? {} : { retryAt: read.retryAt }),
      ...(read?.lastSucceededOn === undefined ? {} : { lastSucceededOn: read.lastSucceededOn }),
    };
    const written = await store.writeLease(kind, read, next);
    return written === 'lost' ? { lost: true } : { lease: written };
  };

  /** Runs the work holding the lease: renews it while it runs, and frees it (with the outcome) after. */
  const runHolding = async (
    kind: JobKind,
    lease: JobLease,
    work: () => Promise<Result>,
    beat: () => Promise<void>,
    day: string | undefined,
  ): Promise<{ ok: true; result: Result } | { ok: false; error: unknown }> => {
    // An object, not a local: the renewal timer replaces it (undefined once the lease was taken over).
    const holding: { current: JobLease | undefined } = { current: lease };
    let renewing: Promise<void> | undefined;
    const timer = setInterval(() => {
      renewing ??= (async () => {
        try {
          const current = holding.current;
          if (current?.holder !== undefined) {
            const renewed = await store.writeLease(kind, current, {
              ...stateOf(current),
              holder: { ...current.holder, until: later(leaseMs) },
            });
            if (renewed === 'lost') {
              logger.warn('job lease taken over by another instance', { kind });
              holding.current = undefined;
            } else holding.current = renewed;
          }
          await beat();
        } catch (error) {
          logger.warn('job lease not renewed', { kind, error: failureOf(error).detail });
        } finally {
          renewing = undefined;
        }
      })();
    }, heartbeatMs);
    timer.unref();
    let outcome: { ok: true; result: Result } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await work() };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearInterval(timer);
      await renewing;
    }
    // Freed with the outcome: failures counted (and a wait set) for every instance, or cleared.
    const free = async (read: JobLease | undefined): Promise<JobLease | 'lost'> => {
      const failures = outcome.ok ? 0 : (read?.failures ?? 0) + 1;
      const lastSucceededOn = outcome.ok && day !== undefined ? day : read?.lastSucceededOn;
      return store.writeLease(kind, read, {
        failures,
        ...(outcome.ok ? {} : { retryAt: later(jobRetryDelayMs(failures)) }),
        ...(lastSucceededOn === undefined ? {} : { lastSucceededOn }),
      });
    };
    try {
      if (holding.current !== undefined && (await free(holding.current)) === 'lost') {
        // Renewed elsewhere or edited: free it only if it is still ours.
        const now = await store.findLease(kind);
        if (now?.holder?.owner === options.owner && now.holder.jobId === lease.holder?.jobId) await free(now);
      }
    } catch (error) {
      logger.warn('job lease not freed: it runs out by itself', { kind, error: failureOf(error).detail });
    }
    return outcome;
  };

  const logFailure = (kind: JobKind, id: string | undefined, error: unknown): string => {
    const failure = failureOf(error);
    // Storage busy (Graph throttling or unavailable) is the weather, not a fault: the job says
    // so and is run again later; anything else is a failure someone should look at.
    if (failure.code === 'service_unavailable')
      logger.warn('job stopped: storage busy', { kind, id, error: failure.detail });
    else logger.error('job failed', { kind, id, code: failure.code, error: failure.detail });
    return failure.userMessage;
  };

  /**
   * Stores a finished job, asking again a few times while storage is busy: the work is done, and
   * until its row says so the job reads as running (then, once its heartbeat is old, as failed).
   */
  const recordOutcome = async (finished: JobRecord): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await store.saveJob(finished);
        return;
      } catch (error) {
        const failure = failureOf(error);
        const busy = failure.code === 'service_unavailable';
        if (busy && attempt < OUTCOME_ATTEMPTS) {
          await sleep((options.outcomeRetryMs ?? OUTCOME_RETRY_MS) * attempt);
          continue;
        }
        const details = { kind: finished.kind, id: finished.id, error: failure.detail };
        // Busy storage is the weather (the job then reads as failed once its lease runs out);
        // anything else is a fault someone should look at.
        if (busy) logger.warn('job outcome not recorded: storage busy', details);
        else logger.error('job outcome not recorded', details);
        return;
      }
    }
  };

  const viewOf = (record: JobRecord): JobView<Result> => {
    const abandoned = record.state === 'running' && Date.parse(record.heartbeatAt) + leaseMs < leaseNow().getTime();
    let result: Result | undefined;
    if (record.result !== undefined) {
      const parsed = options.result.safeParse(record.result);
      if (parsed.success) result = parsed.data;
      else logger.warn('job result unreadable', { kind: record.kind, id: record.id });
    }
    return {
      id: record.id,
      kind: record.kind,
      state: abandoned ? 'failed' : record.state,
      startedAt: record.startedAt,
      ...(record.finishedAt === undefined ? {} : { finishedAt: record.finishedAt }),
      ...(result === undefined ? {} : { result }),
      ...(abandoned ? { error: ABANDONED } : record.error === undefined ? {} : { error: record.error }),
    };
  };

  /**
   * The job holding a lease. The holder takes the lease first and writes its job just after, so
   * a start that lost the race by a moment may look before that write: it looks again briefly.
   */
  const jobOf = async (id: string): Promise<JobRecord | undefined> => {
    for (let look = 0; look < JOIN_LOOKS; look += 1) {
      const found = await store.findJob(id);
      if (found !== undefined) return found;
      await sleep(JOIN_LOOK_MS);
    }
    return undefined;
  };

  const ownView = (record: JobRecord): JobView<Result> | undefined =>
    options.kinds.includes(record.kind) ? viewOf(record) : undefined;

  const track = (done: Promise<void>): void => {
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  return {
    async start(kind, work) {
      const here = running.get(kind);
      if (here !== undefined) return { job: here.view, joined: true };
      const id = randomUUID();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const taken = await acquire(kind, id);
        if ('lost' in taken) continue;
        if ('busy' in taken) {
          const other = taken.busy.jobId === undefined ? undefined : await jobOf(taken.busy.jobId);
          if (other !== undefined) return { job: viewOf(other), joined: true };
          return { busy: taken.busy };
        }
        const record: JobRecord = {
          id,
          kind,
          state: 'running',
          owner: options.owner,
          startedAt: options.clock().toISOString(),
          heartbeatAt: leaseNow().toISOString(),
        };
        try {
          await store.saveJob(record);
        } catch (error) {
          // Not recorded: the lease is let go at once rather than left to run out.
          await store.writeLease(kind, taken.lease, freed(taken.lease)).catch(() => 'lost');
          throw error;
        }
        const view = viewOf(record);
        const done = (async () => {
          const outcome = await runHolding(
            kind,
            taken.lease,
            work,
            () => store.saveJob({ ...record, heartbeatAt: leaseNow().toISOString() }),
            undefined,
          );
          const finishedAt = options.clock().toISOString();
          const finished: JobRecord = outcome.ok
            ? {
                ...record,
                state: 'succeeded',
                finishedAt,
                heartbeatAt: leaseNow().toISOString(),
                result: outcome.result,
              }
            : {
                ...record,
                state: 'failed',
                finishedAt,
                heartbeatAt: leaseNow().toISOString(),
                error: logFailure(kind, id, outcome.error),
              };
          await recordOutcome(finished);
          await prune();
        })().finally(() => running.delete(kind));
        running.set(kind, { view, done });
        track(done);
        return { job: view, joined: false };
      }
      throw new Error(`the ${kind} lease kept changing under this instance`);
    },

    async find(id) {
      const record = await store.findJob(id);
      return record === undefined ? undefined : ownView(record);
    },

    lookup: (id) => store.findJob(id),

    view: ownView,

    async runScheduled(kind, work, runOptions = {}) {
      const read = await store.findLease(kind);
      if (runOptions.day !== undefined && read?.lastSucceededOn === runOptions.day) return undefined;
      const holder = held(read);
      if (holder !== undefined)
        throw new JobDeferred(`a ${kind} runs on ${holder.owner}`, new Date(Date.parse(holder.until)));
      if (read?.retryAt !== undefined && Date.parse(read.retryAt) > leaseNow().getTime())
        throw new JobDeferred(
          `${kind} backing off after ${String(read.failures)} failures`,
          new Date(Date.parse(read.retryAt)),
        );
      // The lease just read is the one written over: a change since makes the write 'lost'.
      const taken = await acquire(kind, undefined, { lease: read });
      if (!('lease' in taken))
        throw new JobDeferred(`a ${kind} started elsewhere first`, new Date(leaseNow().getTime() + leaseMs));
      const done = runHolding(kind, taken.lease, work, () => Promise.resolve(), runOptions.day);
      const settled = done.then(() => undefined);
      track(settled);
      const outcome = await done;
      if (!outcome.ok) throw outcome.error;
      return outcome.result;
    },

    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    async recover() {
      if (options.earlierLife === undefined) return 0;
      let freedLeases = 0;
      for (const kind of options.kinds) {
        const lease = await store.findLease(kind);
        const holder = lease?.holder;
        if (lease === undefined || holder === undefined || !earlierLife(holder.owner)) continue;
        if ((await store.writeLease(kind, lease, freed(lease))) === 'lost') continue;
        freedLeases += 1;
        const job = holder.jobId === undefined ? undefined : await store.findJob(holder.jobId);
        if (job?.state === 'running')
          await store.saveJob({
            ...job,
            state: 'failed',
            finishedAt: options.clock().toISOString(),
            heartbeatAt: leaseNow().toISOString(),
            error: ABANDONED,
          });
        logger.warn('job lease of an earlier life of this instance freed', { kind, owner: holder.owner });
      }
      return freedLeases;
    },
  };
}

function stateOf(lease: JobLease): JobLeaseState {
  return {
    ...(lease.holder === undefined ? {} : { holder: lease.holder }),
    failures: lease.failures,
    ...(lease.retryAt === undefined ? {} : { retryAt: lease.retryAt }),
    ...(lease.lastSucceededOn === undefined ? {} : { lastSucceededOn: lease.lastSucceededOn }),
  };
}

/** The lease let go, everything else as it was. */
function freed(lease: JobLease): JobLeaseState {
  const { holder: _holder, ...rest } = stateOf(lease);
  return rest;
}
