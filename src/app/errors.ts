import { DOMAIN_ERROR_CODES, isDomainError, type DomainErrorCode } from '../domain/errors.js';
import { isStoreError, type StoredCase } from '../domain/ports.js';
import type { CaseAccess } from './access.js';

/**
 * The one error vocabulary of Trellis. Every failure a person can meet has a code from
 * `APP_ERROR_CODES`: the domain's rule codes plus the few the use cases add here. Each code
 * comes with a sentence meant for the person (`userMessage`) and a detail for the logs
 * (`message`). The edges map every code exhaustively — problem+json at the HTTP edge
 * (src/server/http/errors.ts), a card or an error response at the Teams edge
 * (src/bot/errors.ts) — through `Record<AppErrorCode, …>` tables, so a new code without a
 * mapping fails the build. People only ever see `userMessage`.
 */
export const USE_CASE_ERROR_CODES = [
  /** No such thing, or one the caller may not know exists: the same answer for both. */
  'not_found',
  /** The caller's version is not the current one (stale If-Match, a lost race, an old card). */
  'precondition_failed',
  /** A write came without the version it was meant for. */
  'precondition_required',
  /** The request's input did not match its schema. */
  'invalid_request',
  /** The caller is known but this act is for someone else (reports, retries, people search). */
  'forbidden',
  /** The thing exists but is not in a state this act applies to (a notification already retried). */
  'conflict',
  /** The trainee already has an open case under this procedure: the answer names it. */
  'case_already_open',
  /**
   * The course team asked to open a case for a trainee the placement roster does not have in
   * that programme: the sentence says to add them to the roster first.
   */
  'not_on_roster',
  /** Storage was busy or unreachable: nothing is known to be half-done; try again shortly. */
  'service_unavailable',
  /** A defect: logged with its detail, shown to people as a plain apology. */
  'internal_error',
] as const;

export type UseCaseErrorCode = (typeof USE_CASE_ERROR_CODES)[number];
export type AppErrorCode = DomainErrorCode | UseCaseErrorCode;
export const APP_ERROR_CODES: readonly AppErrorCode[] = [...DOMAIN_ERROR_CODES, ...USE_CASE_ERROR_CODES];

/** An expected outcome of a use case that is not a rule of the procedure. */
export class UseCaseError extends Error {
  override readonly name: string = 'UseCaseError';
  constructor(
    readonly code: UseCaseErrorCode,
    /** Safe to show to the person: says what happened and what they can do. */
    readonly userMessage: string,
    /** For the logs: may name ids and internal facts. */
    detail: string = userMessage,
  ) {
    super(detail);
  }
}

/** The trainee has an open case under the procedure already (one at a time, unless the procedure allows parallel cases). */
export class CaseAlreadyOpenError extends UseCaseError {
  override readonly name = 'CaseAlreadyOpenError';
  constructor(readonly open: { readonly id: string; readonly reference: string }) {
    super(
      'case_already_open',
      `This trainee already has an open case under this procedure: ${open.reference}. Add to that case, or close it first.`,
      `Case ${open.id} is open for the trainee`,
    );
  }
}

export class CaseNotFoundError extends UseCaseError {
  override readonly name = 'CaseNotFoundError';
  constructor(readonly caseId: string) {
    super(
      'not_found',
      `There is no case "${caseId.slice(0, 80)}" that you can see. Check the link, or ask the course team for access.`,
      `Case ${caseId} not found or not visible`,
    );
  }
}

/** The caller's version is not the case's version: carries the case as it now is, for their view. */
export class StaleCaseError extends UseCaseError {
  override readonly name = 'StaleCaseError';
  constructor(
    readonly current: StoredCase,
    readonly access: Exclude<CaseAccess, 'none'>,
  ) {
    super(
      'precondition_failed',
      `Case ${current.state.reference} was changed by someone else (it is now at version ${current.state.version}). Look at the case as it is now, then try again.`,
      `Case ${current.state.id} is at version ${current.state.version}`,
    );
  }
}

export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** The input did not match the schema: each issue names the field and what is wrong with it. */
export class InputError extends UseCaseError {
  override readonly name = 'InputError';
  constructor(readonly issues: readonly InputIssue[]) {
    super(
      'invalid_request',
      `The request is not valid: ${issues
        .slice(0, 3)
        .map((i) => `${i.path || 'body'} ${i.message}`)
        .join('; ')}.`,
      `Invalid input: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
    );
  }
}

/** The caller may not do this at all (as opposed to a procedure rule, which is a domain error). */
export class NotAllowedError extends UseCaseError {
  override readonly name = 'NotAllowedError';
  constructor(userMessage: string, detail?: string) {
    super('forbidden', userMessage, detail);
  }
}

/** A failure reduced to what an edge needs: its code, the sentence for the person, the detail for logs. */
export interface Failure {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly detail: string;
  /** Seconds to wait before trying again, for `service_unavailable`. */
  readonly retryAfterSeconds?: number;
  readonly error: unknown;
}

const INTERNAL_MESSAGE =
  'Trellis could not complete this. Try again; if it keeps happening, tell your Trellis administrator.';
const PROCEDURE_DEFECT_MESSAGE =
  'Trellis could not run this procedure. Tell your Trellis administrator; nothing was saved.';

/** Seconds suggested when storage was busy and did not say how long to wait. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Classifies anything thrown by a use case, so each edge can map it without knowing its class. */
export function failureOf(error: unknown): Failure {
  if (error instanceof UseCaseError) {
    return { code: error.code, userMessage: error.userMessage, detail: error.message, error };
  }
  if (isDomainError(error)) {
    // A broken procedure definition is a defect, not something the person can fix.
    if (error.code === 'invalid_procedure') {
      return { code: 'internal_error', userMessage: PROCEDURE_DEFECT_MESSAGE, detail: error.message, error };
    }
    return { code: error.code, userMessage: error.userMessage, detail: error.message, error };
  }
  if (isStoreError(error) && error.transient) {
    return {
      code: 'service_unavailable',
      userMessage: `${error.userMessage} Nothing was lost.`,
      detail: error.message,
      retryAfterSeconds: Math.ceil(error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS),
      error,
    };
  }
  return {
    code: 'internal_error',
    userMessage: INTERNAL_MESSAGE,
    detail: error instanceof Error ? error.message : String(error),
    error,
  };
}
