import type { Caller } from './caller.js';
import type { UseCaseDeps } from './deps.js';
import { NotAllowedError } from './errors.js';
import type { Logger } from './logger.js';
import { loadVisibleCase } from './cases/load-case.js';

/**
 * Who looked: every read of a case (the API and the tab on it, a card refreshed, opened or acted
 * on, a card sent in answer to a chat message, a form PDF, a subject access export) is one entry
 * in the access log, so a provider can tell a trainee who has seen their record. A list that
 * shows a case's details to someone (the case list, "what you need to do", search results in
 * Teams) is a read of each case on it, as `list`: one entry per case on the page shown, at most
 * one per person and case every LIST_REPEAT_MS. Counts and reports that name no case are not. Entries are kept in memory and written in one batch
 * every few seconds and on close, so a person's read stays one round trip to the store.
 */
export const ACCESS_HOWS = ['api', 'pdf', 'card', 'export', 'list'] as const;
export type AccessHow = (typeof ACCESS_HOWS)[number];

export interface AccessEntry {
  /** The caller's sign-in name (lower case). */
  readonly personId: string;
  /** Their display name as their token or Teams gave it, so the log reads as names. */
  readonly personName: string;
  readonly caseId: string;
  readonly how: AccessHow;
  /** ISO instant. */
  readonly at: string;
}

/** Where entries are kept (src/store/access-log.ts: a SharePoint list). */
export interface AccessLogStore {
  /** Writes the entries (one `$batch` per 20); answers those that were not written. */
  append(entries: readonly AccessEntry[]): Promise<readonly AccessEntry[]>;
  /** Every entry about one case, oldest first. */
  forCase(caseId: string): Promise<AccessEntry[]>;
  /** Every read one person made, oldest first. */
  byPerson(personId: string): Promise<AccessEntry[]>;
  /** Deletes entries older than `cutoff`; answers how many went. */
  deleteBefore(cutoff: Date): Promise<number>;
}

/** The buffer in front of the store: what the use cases record reads with. */
export interface AccessRecorder {
  record(entry: AccessEntry): void;
  /** Writes what is buffered now (readers of the log call it first, so they see the latest reads). */
  flush(): Promise<void>;
  forCase(caseId: string): Promise<AccessEntry[]>;
  byPerson(personId: string): Promise<AccessEntry[]>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

/** Default retention of access log entries: one year. */
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 365;
/** Entries are written at least this often. */
const FLUSH_EVERY_MS = 5_000;
/** A buffer this full is written at once, without waiting for the timer. */
const FLUSH_AT = 100;
/** Kept for a store that keeps failing; past this the oldest are dropped (and the loss logged). */
const MAX_BUFFERED = 10_000;
/**
 * A case shown again in the same person's lists within this time is not recorded again: a
 * dashboard refreshed all morning says once per quarter of an hour that they saw the case, not
 * fifty times a page. Every other read is recorded each time.
 */
const LIST_REPEAT_MS = 15 * 60 * 1000;
/** Bound on the people × cases remembered for that; past it the older ones are forgotten. */
const MAX_REMEMBERED_LISTINGS = 50_000;

export function createAccessRecorder(options: {
  readonly store: AccessLogStore;
  readonly logger: Logger;
  readonly flushEveryMs?: number;
}): AccessRecorder {
  let buffer: AccessEntry[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    // One write at a time, in order: a flush waits for the one before it.
    writing = writing.then(async () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      let left: readonly AccessEntry[];
      let error: string | undefined;
      try {
        left = await options.store.append(batch);
      } catch (thrown) {
        left = batch;
        error = thrown instanceof Error ? thrown.message : 'unknown failure';
      }
      if (left.length === 0) return;
      // Kept for the next flush: a store that is busy now loses no entry.
      buffer = [...left, ...buffer];
      const dropped = buffer.length - MAX_BUFFERED;
      if (dropped > 0) buffer = buffer.slice(dropped);
      options.logger.warn('access log not written; kept for the next try', {
        entries: left.length,
        dropped: Math.max(0, dropped),
        ...(error === undefined ? {} : { error }),
      });
    });
    return writing;
  };
  const timer = setInterval(() => void flush(), options.flushEveryMs ?? FLUSH_EVERY_MS);
  timer.unref();
  /** person|case → when a list last showed it to them (ms), for LIST_REPEAT_MS. */
  const listed = new Map<string, number>();
  const seenInList = (entry: AccessEntry): boolean => {
    const key = `${entry.personId}|${entry.caseId}`;
    const at = Date.parse(entry.at);
    const last = listed.get(key);
    if (last !== undefined && at >= last && at - last < LIST_REPEAT_MS) return true;
    if (listed.size >= MAX_REMEMBERED_LISTINGS) {
      for (const [k, t] of listed) if (at - t >= LIST_REPEAT_MS) listed.delete(k);
      if (listed.size >= MAX_REMEMBERED_LISTINGS) listed.clear();
    }
    listed.set(key, at);
    return false;
  };
  return {
    record(entry) {
      if (entry.how === 'list' && seenInList(entry)) return;
      buffer.push(entry);
      if (buffer.length >= FLUSH_AT) void flush();
    },
    flush,
    async forCase(caseId) {
      await flush();
      return options.store.forCase(caseId);
    },
    async byPerson(personId) {
      await flush();
      return options.store.byPerson(personId);
    },
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** Records that the caller read this case, when the deps carry an access log. */
export function recordRead(deps: UseCaseDeps, caller: Caller, caseId: string, how: AccessHow): void {
  deps.accessLog?.record({
    personId: caller.actor.id.toLowerCase(),
    personName: caller.actor.name,
    caseId,
    how,
    at: deps.clock().toISOString(),
  });
}

/** Records that the caller was shown each of these cases (a list page, search results): one entry per case. */
export function recordReads(deps: UseCaseDeps, caller: Caller, caseIds: Iterable<string>, how: AccessHow): void {
  for (const caseId of new Set(caseIds)) recordRead(deps, caller, caseId, how);
}

/**
 * Deletes access log entries older than the retention (default a year). The retention job
 * calls it; answers how many entries went and the cutoff used.
 */
export async function pruneAccessLog(
  store: Pick<AccessLogStore, 'deleteBefore'>,
  options: { readonly now: Date; readonly retentionDays?: number },
): Promise<{ readonly deleted: number; readonly before: string }> {
  const days = options.retentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`Access log retention must be whole days, got ${days}`);
  const cutoff = new Date(options.now.getTime() - days * 24 * 60 * 60 * 1000);
  const deleted = await store.deleteBefore(cutoff);
  return { deleted, before: cutoff.toISOString() };
}

export interface CaseAccessLog {
  readonly caseId: string;
  readonly reference: string;
  readonly entries: readonly {
    readonly personId: string;
    /** The name the case knows them by, else the name they signed in with. */
    readonly name: string;
    /** Their role on the case, when they are named on it. */
    readonly role?: string;
    readonly how: AccessHow;
    readonly at: string;
  }[];
}

/**
 * A case's access log, newest first: for the course team of its programme and administrators
 * only. Mentors, tutors and the trainee see the case but not who else looked at it (a trainee
 * asks for it through a subject access export).
 */
export async function caseAccessLog(deps: UseCaseDeps, caller: Caller, caseId: string): Promise<CaseAccessLog> {
  const { stored, access } = await loadVisibleCase(deps, caller, caseId);
  if (access !== 'full')
    throw new NotAllowedError('Only the course team of this programme sees who has looked at a case.');
  const entries = deps.accessLog ? await deps.accessLog.forCase(caseId) : [];
  const people = new Map(stored.state.people.map((p) => [p.id.toLowerCase(), p]));
  return {
    caseId: stored.state.id,
    reference: stored.state.reference,
    entries: [...entries].reverse().map((entry) => {
      const person = people.get(entry.personId);
      return {
        personId: entry.personId,
        name: person?.name ?? entry.personName,
        ...(person ? { role: person.role } : {}),
        how: entry.how,
        at: entry.at,
      };
    }),
  };
}
