import type { StoredCase } from '../domain/ports.js';
import type { CaseAccess } from './access.js';

/**
 * Outcomes of a use case that are not domain rule violations. Edges map them: REST to
 * 404/412/428, card actions (later) to their own error responses.
 */

/** No such case, or one the caller may not know exists: the same answer for both. */
export class CaseNotFoundError extends Error {
  override readonly name = 'CaseNotFoundError';
  constructor(readonly caseId: string) {
    super(`Case ${caseId} not found`);
  }
}

/** The caller's version is not the case's version (a stale If-Match, or a lost race on write). */
export class StaleCaseError extends Error {
  override readonly name = 'StaleCaseError';
  constructor(
    readonly current: StoredCase,
    readonly access: Exclude<CaseAccess, 'none'>,
  ) {
    super(`Case ${current.state.id} is at version ${current.state.version}`);
  }
}

/** The caller gave no version to write against. */
export class VersionRequiredError extends Error {
  override readonly name = 'VersionRequiredError';
}

/** The input did not match the command's schema. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly issues: readonly { readonly path: string; readonly message: string }[]) {
    super(`Invalid input: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`);
  }
}
