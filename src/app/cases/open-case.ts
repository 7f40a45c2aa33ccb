import { openCaseRequestSchema } from '../../contract/requests.js';
import { randomUUID } from 'node:crypto';
import { calendarFor, openCase as openCaseCommand } from '../../domain/case/index.js';
import type { StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { actorForCase } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { parseInput } from './parse-input.js';
import { getProcedureIn } from './procedures.js';

export interface OpenCaseResult {
  readonly stored: StoredCase;
  readonly procedure: Procedure;
}

export async function openCase(
  deps: UseCaseDeps,
  caller: Caller,
  body: unknown,
  caseId: string = randomUUID(),
): Promise<OpenCaseResult> {
  const { procedureId, ...input } = parseInput(openCaseRequestSchema, body);
  const procedure = getProcedureIn(deps.procedures, procedureId);
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  const trainee = input.people.find((p) => traineeRoles.has(p.role));
  const previousCases = trainee ? await deps.repository.countForTrainee(trainee.id, procedure.id) : 0;
  const actor = actorForCase(caller, input.placement.programme);
  const result = openCaseCommand(
    { procedure, calendar: calendarFor(procedure), now: deps.clock(), actor },
    { caseId, previousCases },
    input,
  );
  const stored = await deps.repository.create(result);
  deps.logger.info('case opened', { caseId, procedureId, actor: actor.id });
  deps.notify?.({ procedure, before: undefined, after: stored.state, events: result.events });
  return { stored, procedure };
}
