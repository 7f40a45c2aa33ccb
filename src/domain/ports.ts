import type { LocalDate } from './calendar/index.js';
import type { CaseEvent, CaseEventOf } from './case/events.js';
import { nextReviewDate } from './case/queries.js';
import type { CaseState, CaseStatus, CloseResolution } from './case/types.js';

/**
 * Ports the domain owns; adapters in src/store implement them. Everything that
 * crosses is a domain type: SharePoint column names never come through here.
 */

/** What a list view shows of a case, kept on the case's own row so dashboards read no trails. */
export interface CaseSummary {
  readonly id: string;
  readonly reference: string;
  readonly procedureId: string;
  readonly stageId: string;
  readonly status: CaseStatus;
  readonly paused: boolean;
  readonly programme: string;
  readonly school: string;
  readonly traineeId: string;
  readonly traineeName: string;
  /** Everyone named on the case, by role: what "my cases" and access checks use. */
  readonly people: readonly { readonly role: string; readonly id: string; readonly name: string }[];
  readonly reasons: readonly string[];
  readonly openedOn: LocalDate;
  readonly nextReviewDate: LocalDate | undefined;
  /** Signatures still needed on the current plan (0 once agreed). */
  readonly awaitingSignatures: boolean;
  readonly closedOn: LocalDate | undefined;
  readonly resolution: CloseResolution | undefined;
  readonly outcomeId: string | undefined;
  readonly version: number;
  readonly updatedAt: string;
}

export function summarise(state: CaseState, traineeRoles: readonly string[] = ['trainee']): CaseSummary {
  const trainee = state.people.find((p) => traineeRoles.includes(p.role));
  return {
    id: state.id,
    reference: state.reference,
    procedureId: state.procedureId,
    stageId: state.stageId,
    status: state.status,
    paused: state.paused !== undefined,
    programme: state.placement.programme,
    school: state.placement.school,
    traineeId: trainee?.id ?? '',
    traineeName: trainee?.name ?? '',
    people: state.people.map((p) => ({ role: p.role, id: p.id, name: p.name })),
    reasons: state.reasons,
    openedOn: state.openedOn,
    nextReviewDate: nextReviewDate(state),
    awaitingSignatures: state.status === 'planning' || state.status === 'awaiting_signatures',
    closedOn: state.closure?.on,
    resolution: state.closure?.resolution,
    outcomeId: state.closure?.outcomeId,
    version: state.version,
    updatedAt: state.updatedAt,
  };
}

/** The dashboard's order: the soonest review first (cases with none last), then by reference. */
export function byReviewThenReference(a: CaseSummary, b: CaseSummary): number {
  const ra = a.nextReviewDate ?? '9999-12-31';
  const rb = b.nextReviewDate ?? '9999-12-31';
  return ra < rb ? -1 : ra > rb ? 1 : a.reference.localeCompare(b.reference);
}

/** A case as stored: its state, its trail, and the version token the next write must present. */
export interface StoredCase {
  readonly state: CaseState;
  readonly events: readonly CaseEvent[];
  /** Opaque concurrency token (the store's eTag); sent back with the next write. */
  readonly etag: string;
}

export interface CaseQuery {
  readonly status?: CaseStatus | 'open';
  readonly procedureId?: string;
  readonly stageId?: string;
  readonly programme?: string;
  /** Cases whose next review is on or before this date. */
  readonly reviewDueOnOrBefore?: LocalDate;
  /** Cases naming this person (any role). */
  readonly personId?: string;
  /** Trainee name or case reference, case-insensitive prefix or substring. */
  readonly search?: string;
  readonly limit?: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface CasePage {
  readonly items: readonly CaseSummary[];
  readonly nextCursor: string | undefined;
  readonly total: number;
  /** Rows that could not be read (edited by hand into a bad state); the rest still load. */
  readonly problems: readonly { readonly caseId: string; readonly message: string }[];
}

/**
 * Someone else changed the case since it was read. Carries the case as it is now, so the
 * person can see what changed and retry without retyping.
 */
export class CaseConflictError extends Error {
  override readonly name = 'CaseConflictError';
  constructor(readonly current: StoredCase) {
    super(`Case ${current.state.reference} was changed by someone else (now at version ${current.state.version}).`);
  }
}

/**
 * Storage failed in a way no port caller can fix by changing its request: the storage service
 * was busy or unreachable (`transient`: try again shortly; nothing is known to be half-done)
 * or answered something Trellis could not use. Adapters raise their own subclasses; callers
 * outside the adapter branch only on this class, never on a storage service's own codes.
 */
export abstract class StoreError extends Error {
  /** True when trying again shortly may succeed (throttled, unreachable). */
  abstract readonly transient: boolean;
  /** True when the storage refused the request itself (a query or text it cannot take). */
  abstract readonly rejected: boolean;
  /** Seconds the storage asked callers to wait, when it said so. */
  abstract readonly retryAfterSeconds: number | undefined;
  /** Safe to show to a person: no column names, no service detail. */
  abstract readonly userMessage: string;
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

/** A stored case that cannot be read back (a row edited by hand, a damaged event). */
export class CaseDataError extends Error {
  override readonly name = 'CaseDataError';
  constructor(
    readonly caseId: string,
    readonly problem: string,
  ) {
    super(`Case ${caseId} cannot be read: ${problem}`);
  }
}

export interface CaseRepository {
  /** Stores a newly opened case; idempotent for the same case id and events. */
  create(opened: { readonly state: CaseState; readonly events: readonly CaseEvent[] }): Promise<StoredCase>;
  /** Appends a command's events to a case last read at `etag`; a concurrent change raises a conflict carrying the current case. */
  append(
    current: StoredCase,
    result: { readonly state: CaseState; readonly events: readonly CaseEvent[] },
  ): Promise<StoredCase>;
  /** The whole case, or undefined when there is none with that id. */
  find(caseId: string): Promise<StoredCase | undefined>;
  list(query: CaseQuery): Promise<CasePage>;
  /** Every case of a trainee under a procedure (re-initiation rules, one open case at a time). */
  casesOfTrainee(traineeId: string, procedureId: string): Promise<readonly CaseSummary[]>;
  /**
   * Removes a corrected wording from storage once its `text_corrected` event is appended: the
   * stored rows of the events it names (and the projection rows copied from them) are rewritten
   * to hold the new wording. Idempotent: rows already rewritten are left alone. Answers how many
   * rows this call rewrote.
   */
  removeCorrectedWording(correction: CaseEventOf<'text_corrected'>): Promise<number>;
}
