import type { StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { accessTo, type CaseAccess } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { CaseNotFoundError } from '../errors.js';
import { traineeRolesOf } from './procedures.js';
import { versionsOf, type ProcedureVersion } from './procedure-versions.js';
import { recordRead, type AccessHow } from '../access-log.js';

export interface VisibleCase {
  readonly stored: StoredCase;
  /** The version of its procedure the case follows (which may be older than the one that runs now). */
  readonly procedure: Procedure;
  readonly access: Exclude<CaseAccess, 'none'>;
  /** The version new cases open under, when the case follows another (what the case view offers to move it to). */
  readonly running?: ProcedureVersion;
}

/** The version of the case's procedure new cases open under, when it is not the one the case follows. */
export function runningVersionFor(deps: UseCaseDeps, stored: StoredCase): ProcedureVersion | undefined {
  const running = versionsOf(deps).runningVersion(stored.state.procedureId);
  const follows = stored.state.procedureHash;
  return running === undefined || follows === undefined || running.hash === follows ? undefined : running;
}

/**
 * Loads a case the caller may see; anything else (missing or not theirs) is CaseNotFoundError.
 * `read`: the case is being shown to the caller this way, so the read goes in the access log.
 */
export async function loadVisibleCase(
  deps: UseCaseDeps,
  caller: Caller,
  caseId: string,
  read?: AccessHow,
): Promise<VisibleCase> {
  const stored = await deps.repository.find(caseId);
  if (!stored) throw new CaseNotFoundError(caseId);
  const { state } = stored;
  const access = accessTo(
    caller,
    { programme: state.placement.programme, people: state.people },
    traineeRolesOf(deps.procedures, state.procedureId),
  );
  if (access === 'none') throw new CaseNotFoundError(caseId);
  if (read !== undefined) recordRead(deps, caller, state.id, read);
  const procedure = await versionsOf(deps).of(state);
  const running = runningVersionFor(deps, stored);
  return { stored, procedure, access, ...(running === undefined ? {} : { running }) };
}
