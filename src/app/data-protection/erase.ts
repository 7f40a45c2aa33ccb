import { eraseCaseRequest } from '../../contract/data-protection.js';
import { londonDateOf } from '../../domain/calendar/index.js';
import { summarise } from '../../domain/ports.js';
import { isAdmin } from '../access.js';
import type { Caller } from '../caller.js';
import { parseInput } from '../cases/parse-input.js';
import { traineeRolesOf } from '../cases/procedures.js';
import { CaseNotFoundError, NotAllowedError } from '../errors.js';
import type { Tombstone } from '../ports.js';
import { finishRemoval, type RetentionDeps } from './retention.js';

/**
 * An administrator erases a case on request (a successful erasure request, a case about the
 * wrong person): the same tombstone and the same deletion as retention, open or closed, with
 * the administrator and their reason on the tombstone. Asking again answers the same tombstone
 * (and finishes a removal a crash cut short).
 */
export async function eraseCase(
  deps: RetentionDeps,
  caller: Caller,
  caseId: string,
  rawBody: unknown,
): Promise<Tombstone> {
  const { reason } = parseInput(eraseCaseRequest, rawBody);
  if (!isAdmin(caller)) {
    throw new NotAllowedError(
      'Erasing a case is for a Trellis administrator. Ask one, with the request that asks for it.',
      `${caller.actor.id} may not erase case ${caseId}`,
    );
  }
  const earlier = await deps.records.findTombstone(caseId);
  if (earlier !== undefined) {
    if (earlier.state === 'removing') await finishRemoval(deps.records, caseId);
    return { ...earlier, state: 'removed' };
  }
  const stored = await deps.repository.find(caseId);
  if (!stored) throw new CaseNotFoundError(caseId);
  const { state } = stored;
  const procedure = deps.procedures.find((p) => p.id === state.procedureId);
  const summary = summarise(state, [...traineeRolesOf(deps.procedures, state.procedureId)]);
  const tombstone = await deps.records.beginRemoval({
    caseId,
    providerId: procedure?.provider.id ?? state.procedureId,
    procedureId: state.procedureId,
    programme: summary.programme,
    openedOn: summary.openedOn,
    closedOn: summary.closedOn,
    removedOn: londonDateOf(deps.clock()),
    action: 'erase',
    policy: 'erased on request',
    state: 'removing',
    counts: undefined,
    requestedBy: caller.actor.id,
    reason,
  });
  await finishRemoval(deps.records, caseId);
  deps.logger.info('case erased', { caseId });
  return { ...tombstone, state: 'removed' };
}
