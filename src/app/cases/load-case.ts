import type { StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { accessTo, type CaseAccess } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { CaseNotFoundError } from '../errors.js';
import { getProcedureIn, traineeRolesOf } from './procedures.js';
import { recordRead, type AccessHow } from '../access-log.js';

export interface VisibleCase {
  readonly stored: StoredCase;
  readonly procedure: Procedure;
  readonly access: Exclude<CaseAccess, 'none'>;
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
  return { stored, procedure: getProcedureIn(deps.procedures, state.procedureId), access };
}
