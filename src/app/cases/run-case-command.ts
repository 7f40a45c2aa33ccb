import { calendarFor, correctionRemovesOldText, isCurrentFor } from '../../domain/case/index.js';
import { CaseConflictError, type StoredCase } from '../../domain/ports.js';
import { accessTo, actorForCase } from '../access.js';
import type { Caller } from '../caller.js';
import { CASE_COMMANDS, type CaseCommand, type CaseCommandName } from './case-commands.js';
import type { UseCaseDeps } from '../deps.js';
import { CaseAlreadyOpenError, StaleCaseError } from '../errors.js';
import { loadVisibleCase, type VisibleCase } from './load-case.js';
import type { AccessHow } from '../access-log.js';
import { parseInput } from './parse-input.js';
import { traineeRolesOf } from './procedures.js';
import { openLinkedCases } from './linked-cases.js';

export interface RunCaseCommandRequest {
  readonly caller: Caller;
  readonly caseId: string;
  /** The version the caller last saw (from If-Match), or 'any' for `If-Match: *`. */
  readonly expectedVersion: number | 'any';
  readonly command: CaseCommandName;
  readonly input: unknown;
  /** How the case after the command is shown to the caller (its answer is a read, for the access log). */
  readonly read?: AccessHow;
}

export interface RunCaseCommandResult extends VisibleCase {
  readonly eventsAdded: number;
}

/**
 * The one path every case command takes, from REST now and from bot card actions later:
 * parse → load → authorise (404 if not visible) → check the version (events since that change
 * nothing the caller decided on do not count) → run the domain command
 * → append. Nothing is written unless every step before the append succeeded.
 */
export async function runCaseCommand(deps: UseCaseDeps, request: RunCaseCommandRequest): Promise<RunCaseCommandResult> {
  const definition = CASE_COMMANDS[request.command] as CaseCommand;
  const input = parseInput(definition.schema, request.input);
  const visible = await loadVisibleCase(deps, request.caller, request.caseId, request.read);
  const { stored, procedure } = visible;
  // Only events that change nothing the caller decided on (an acknowledgement) may have come
  // in between; the command then runs on the case as it now is and appends against its eTag.
  if (
    request.expectedVersion !== 'any' &&
    !isCurrentFor(stored.events, stored.state.version, request.expectedVersion)
  ) {
    throw new StaleCaseError(stored, visible.access);
  }
  if (request.command === 'reopen') await assertNoOtherOpenCase(deps, visible);
  const actor = actorForCase(request.caller, stored.state.placement.programme);
  const result = definition.run(
    { procedure, calendar: calendarFor(procedure), now: deps.clock(), actor, trail: stored.events },
    stored.state,
    input,
  );
  let saved: StoredCase;
  try {
    saved = await deps.repository.append(stored, result);
  } catch (error) {
    if (error instanceof CaseConflictError) {
      const now = error.current.state;
      const access = accessTo(
        request.caller,
        { programme: now.placement.programme, people: now.people },
        traineeRolesOf(deps.procedures, now.procedureId),
      );
      throw new StaleCaseError(error.current, access === 'none' ? visible.access : access);
    }
    throw error;
  }
  // Who acted is in the case's own trail: a log line names no one (sign-in names are personal data).
  // A wording corrected for inaccuracy (or as excessive) leaves storage too, now the correction
  // that supersedes it is in; earlier corrections of the case are finished too if a run was cut short.
  for (const event of request.command === 'correct_text' ? saved.events : []) {
    if (event.type === 'text_corrected' && correctionRemovesOldText(event.data.reason)) {
      await deps.repository.removeCorrectedWording(event);
    }
  }
  deps.logger.info('case command', {
    caseId: stored.state.id,
    command: request.command,
    version: saved.state.version,
  });
  deps.notify?.({ procedure, before: stored.state, after: saved.state, events: result.events });
  // A decision that opens a linked case: open it now. It is stored with the decision already, so a
  // failure here leaves the decision standing and the sweep opens the case (linked-cases.ts).
  if (result.events.some((e) => e.type === 'linked_case_decided')) {
    try {
      await openLinkedCases(deps, procedure, saved);
    } catch (error) {
      deps.logger.error('linked case not opened yet; the sweep will open it', {
        caseId: stored.state.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { stored: saved, procedure, access: visible.access, eventsAdded: result.events.length };
}

/**
 * A trainee has one open case per procedure (unless the procedure allows parallel cases): a
 * case is not reopened while another has been opened for the trainee since it closed.
 */
async function assertNoOtherOpenCase(deps: UseCaseDeps, visible: VisibleCase): Promise<void> {
  const { stored, procedure } = visible;
  if (procedure.parallelCases) return;
  const traineeRoles = traineeRolesOf(deps.procedures, procedure.id);
  const trainee = stored.state.people.find((p) => traineeRoles.has(p.role));
  if (!trainee) return;
  const cases = await deps.repository.casesOfTrainee(trainee.id.trim().toLowerCase(), procedure.id);
  const open = cases.find((c) => c.id !== stored.state.id && c.status !== 'closed');
  if (open) throw new CaseAlreadyOpenError({ id: open.id, reference: open.reference });
}
