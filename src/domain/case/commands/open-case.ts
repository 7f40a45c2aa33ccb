import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { getStage } from '../../procedure/load-procedure.js';
import { EventBuilder, isCourseTeam, type CommandContext, type CommandResult } from '../command-kit.js';
import { placementSchema } from '../events.js';
import { EMPTY_PLAN, enterStage } from '../transitions.js';
import type { Stage } from '../../procedure/schema.js';
import type { PlanContentData } from '../events.js';

export const personInputSchema = z.strictObject({
  role: z.string().min(1).max(60),
  id: z.string().trim().min(3).max(320),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
});

export const openCaseInputSchema = z.strictObject({
  reference: z.string().trim().min(1).max(60),
  /** Open directly at a later stage, where the procedure allows it. */
  stageId: z.string().max(60).optional(),
  reasons: z.array(z.string().max(60)).min(1).max(10),
  people: z.array(personInputSchema).min(1).max(40),
  placement: placementSchema,
  reinitiation: z
    .strictObject({ groundId: z.string().max(60), evidence: z.string().trim().max(2000).optional() })
    .optional(),
  /**
   * What the concern is, in the words of whoever raises it (a trainee raising their own, where the
   * procedure lets them): the first plan's statement of concern, or its first concern where the
   * form has no statement.
   */
  concern: z.string().trim().min(1).max(4000).optional(),
});

export type OpenCaseInput = z.infer<typeof openCaseInputSchema>;

export interface OpenCaseFacts {
  readonly caseId: string;
  /** Earlier cases for this trainee under this procedure (from the repository). */
  readonly previousCases: number;
  /** The hash of the procedure's definition (procedure/versions.ts), kept so the case follows this version. */
  readonly procedureHash?: string;
}

function assertPeople(ctx: CommandContext, input: OpenCaseInput): void {
  const { procedure } = ctx;
  const seen = new Set<string>();
  for (const person of input.people) {
    const role = procedure.roles.find((r) => r.id === person.role);
    if (!role) throw new DomainError('invalid_input', `"${person.role}" is not a role in ${procedure.name}.`);
    const key = `${person.role}|${person.id.toLowerCase()}`;
    if (seen.has(key)) throw new DomainError('invalid_input', `${person.name} is listed twice as ${role.label}.`);
    seen.add(key);
  }
  for (const role of procedure.roles) {
    const holders = input.people.filter((p) => p.role === role.id);
    if (role.requiredOnCase && holders.length === 0) {
      throw new DomainError('missing_field', `A case needs a ${role.label}.`, { role: role.id });
    }
    if (!role.multiple && holders.length > 1) {
      throw new DomainError('invalid_input', `A case has one ${role.label}; ${holders.length} were given.`, {
        role: role.id,
      });
    }
  }
  const traineeRoles = procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id);
  if (input.people.filter((p) => traineeRoles.includes(p.role)).length !== 1) {
    throw new DomainError('invalid_input', 'A case is for exactly one trainee.');
  }
}

function assertMayRaise(ctx: CommandContext, input: OpenCaseInput): void {
  if (isCourseTeam(ctx.actor)) return;
  const { procedure } = ctx;
  const actorRoles = input.people.filter((p) => p.id.toLowerCase() === ctx.actor.id.toLowerCase()).map((p) => p.role);
  const allowed =
    procedure.raisedBy.length > 0
      ? procedure.raisedBy
      : procedure.roles.filter((r) => r.side !== 'trainee').map((r) => r.id);
  if (!actorRoles.some((role) => allowed.includes(role))) {
    const labels = allowed.map((id) => procedure.roles.find((r) => r.id === id)?.label ?? id).join(', ');
    throw new DomainError(
      'not_permitted',
      `In ${procedure.name} a concern is raised by the course team or: ${labels}.`,
    );
  }
}

/** The RCTTP rule: procedures may be initiated a second time only on the grounds it lists. */
function assertReinitiation(ctx: CommandContext, input: OpenCaseInput, previousCases: number): void {
  const rule = ctx.procedure.reinitiation;
  if (!rule) return;
  if (previousCases === 0) {
    if (input.reinitiation)
      throw new DomainError(
        'invalid_input',
        'This is the first case for this trainee; there is nothing to re-initiate.',
      );
    return;
  }
  if (previousCases > 1) {
    throw new DomainError(
      'reinitiation_not_allowed',
      `${ctx.procedure.name} can be initiated a second time, but not a third.`,
    );
  }
  const grounds = rule.grounds.map((g) => g.label).join('; ');
  if (!input.reinitiation) {
    throw new DomainError(
      'reinitiation_not_allowed',
      `This trainee has been through ${ctx.procedure.name} before. It can be initiated a second time only for: ${grounds}.`,
    );
  }
  const ground = rule.grounds.find((g) => g.id === input.reinitiation?.groundId);
  if (!ground) throw new DomainError('reinitiation_not_allowed', `That is not one of the grounds: ${grounds}.`);
  if (ground.evidence !== undefined && !input.reinitiation.evidence) {
    throw new DomainError('missing_field', `${ground.label} must be supported by ${ground.evidence}.`);
  }
  if (ground.caseByCase && !isCourseTeam(ctx.actor)) {
    throw new DomainError(
      'not_permitted',
      'Other extenuating circumstances are considered case by case by the course team.',
    );
  }
}

function concernContent(stage: Stage, concern: string): PlanContentData {
  if (!stage.plan) {
    throw new DomainError(
      'invalid_input',
      `${stage.title} starts without a plan form, so the concern is given to the course team another way; leave "concern" out.`,
    );
  }
  return stage.plan.fields.includes('concern_statement')
    ? { ...EMPTY_PLAN, concernStatement: concern }
    : { ...EMPTY_PLAN, concerns: [{ text: concern, links: [] }] };
}

export function openCase(ctx: CommandContext, facts: OpenCaseFacts, input: OpenCaseInput): CommandResult {
  const { procedure } = ctx;
  // Who may raise comes first: a refusal should not reveal other validation details.
  assertMayRaise(ctx, input);
  for (const reason of input.reasons) {
    if (!procedure.reasons.some((r) => r.id === reason)) {
      throw new DomainError('invalid_input', `"${reason}" is not a reason ${procedure.provider.shortName} uses.`);
    }
  }
  assertPeople(ctx, input);
  const firstStage = procedure.stages[0];
  if (!firstStage) throw new DomainError('invalid_procedure', `${procedure.name} has no stages.`);
  const stage = input.stageId === undefined ? firstStage : getStage(procedure, input.stageId);
  if (stage.id !== firstStage.id && !stage.openable) {
    throw new DomainError(
      'stage_not_enterable',
      `${procedure.name} starts at ${firstStage.title}; a case cannot be opened at ${stage.title}.`,
    );
  }
  assertReinitiation(ctx, input, facts.previousCases);

  const builder = new EventBuilder(ctx, facts.caseId, undefined);
  builder.add('case_opened', {
    reference: input.reference,
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    ...(facts.procedureHash === undefined ? {} : { procedureHash: facts.procedureHash }),
    reasons: input.reasons,
    people: input.people.map((p) => ({ ...p, id: p.id.toLowerCase(), email: p.email.toLowerCase() })),
    placement: input.placement,
    ...(input.reinitiation ? { reinitiation: input.reinitiation } : {}),
  });
  enterStage(builder, ctx, stage, 'opened', {
    startPlan: true,
    ...(input.concern === undefined ? {} : { content: concernContent(stage, input.concern) }),
  });
  return builder.result();
}
