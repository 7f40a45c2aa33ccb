import { moveProcedureVersionRequest } from '../../contract/requests.js';
import { calendarFor, isCurrentFor, moveToProcedureVersion } from '../../domain/case/index.js';
import { DomainError } from '../../domain/errors.js';
import { CaseConflictError, type StoredCase } from '../../domain/ports.js';
import { versionLabel } from '../../domain/procedure/versions.js';
import { actorForCase, isAdmin } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { StaleCaseError } from '../errors.js';
import { loadVisibleCase } from './load-case.js';
import { parseInput } from './parse-input.js';
import { versionsOf } from './procedure-versions.js';
import type { RunCaseCommandResult } from './run-case-command.js';

/**
 * An administrator moves an open case to the version of its procedure that runs now: the case
 * then follows that version's rules (windows, targets, outcomes, who is told) from its current
 * stage on. `toHash` must name the running version (as the case view showed it), and the case
 * must be at the version the caller last saw (If-Match). The event lists what changed.
 */
export async function moveCaseToProcedureVersion(
  deps: UseCaseDeps,
  request: {
    readonly caller: Caller;
    readonly caseId: string;
    readonly expectedVersion: number | 'any';
    readonly input: unknown;
  },
): Promise<RunCaseCommandResult> {
  const { toHash } = parseInput(moveProcedureVersionRequest, request.input);
  const visible = await loadVisibleCase(deps, request.caller, request.caseId, 'api');
  const { stored, procedure } = visible;
  if (
    request.expectedVersion !== 'any' &&
    !isCurrentFor(stored.events, stored.state.version, request.expectedVersion)
  ) {
    throw new StaleCaseError(stored, visible.access);
  }
  if (!isAdmin(request.caller)) {
    throw new DomainError(
      'not_permitted',
      'Only a Trellis administrator can move a case to another version of its procedure.',
    );
  }
  const running = await versionsOf(deps).keepRunning(stored.state.procedureId);
  if (running.hash !== toHash) {
    throw new DomainError(
      'version_not_movable',
      `That is not the version of ${running.procedure.name} that runs now (${versionLabel(running.procedure.version)}); look at the case again to see what moving it would change.`,
    );
  }
  const actor = actorForCase(request.caller, stored.state.placement.programme);
  const result = moveToProcedureVersion(
    { procedure, calendar: calendarFor(procedure), now: deps.clock(), actor, trail: stored.events },
    stored.state,
    running,
  );
  let saved: StoredCase;
  try {
    saved = await deps.repository.append(stored, result);
  } catch (error) {
    if (error instanceof CaseConflictError) throw new StaleCaseError(error.current, visible.access);
    throw error;
  }
  deps.logger.info('case moved to procedure version', {
    caseId: stored.state.id,
    procedureId: stored.state.procedureId,
    version: saved.state.version,
  });
  deps.notify?.({ procedure: running.procedure, before: stored.state, after: saved.state, events: result.events });
  return { stored: saved, procedure: running.procedure, access: visible.access, eventsAdded: result.events.length };
}
