import type { z } from 'zod';
import { DomainError } from '../../errors.js';
import { getStage } from '../../procedure/load-procedure.js';
import type { Outcome, Procedure } from '../../procedure/schema.js';
import { EventBuilder, todayOf, type CommandContext, type CommandResult } from '../command-kit.js';
import { toContent } from '../apply-event.js';
import type { PlanContentData } from '../events.js';
import { assertPlanWithinLimits } from '../plan-rules.js';
import { EMPTY_PLAN, enterStage } from '../transitions.js';
import type { CaseState, LinkedCaseDecision } from '../types.js';
import { planDraftSchema, toPlanContent } from './edit-plan.js';

/**
 * Decisions that lead on to a new case (an outcome's `opensLinkedCase`): BCU's Placement Review
 * Panel offering "a second and final attempt with a RIT in place to address identified targets",
 * RCTTP's Executive Group deciding "Further teaching placement and/or training against a Progress
 * Support Plan". The decision closes this case and, in the same append, fixes the new case's id,
 * reference and the targets it carries (linked_case_decided). Opening the new case is a second
 * write, to another case; `openLinkedCase` builds it from that event alone, so running it again
 * (a retry, the sweep after a crash between the two writes) builds the same case, and the
 * repository's create of an id that already exists leaves the one already opened.
 */

/** The targets a decision names for the linked case: as a plan's targets are drafted. */
export const linkedCaseTargetsSchema = planDraftSchema.shape.targets;
type LinkedCaseTargets = z.output<typeof linkedCaseTargetsSchema>;

/** "BCU-RIT-7" → "BCU-RIT-7/2"; "BCU-RIT-7/2" → "BCU-RIT-7/3" (a further decision on the linked case). */
function linkedReference(state: CaseState): string {
  const match = /^(.*)\/(\d+)$/.exec(state.reference);
  const base = match?.[1] ?? state.reference;
  const next = (match?.[2] === undefined ? 1 : Number(match[2])) + 1 + state.linkedCases.length;
  const suffix = `/${next}`;
  return `${base.slice(0, 60 - suffix.length)}${suffix}`;
}

/** The linked case's id: derived from this case and the decision's place in its trail, so it is the same on every run. */
function linkedCaseId(state: CaseState, seq: number): string {
  return `${state.id.slice(0, 64)}-L${seq}`;
}

function contentFor(targets: LinkedCaseTargets): PlanContentData {
  const drafted = toPlanContent({ ...planDraftSchema.parse({}), targets });
  return { ...EMPTY_PLAN, targets: drafted.targets };
}

/**
 * Records that `outcome` opens a linked case with `targets`, before the outcome's own effect (which
 * closes this case). Targets given for an outcome that opens no case are refused, as are none where
 * the procedure says the targets are identified with the decision.
 */
export function decideLinkedCase(
  builder: EventBuilder,
  ctx: CommandContext,
  outcome: Outcome,
  from: { readonly panelId?: string },
  targets: LinkedCaseTargets | undefined,
): void {
  const linked = outcome.opensLinkedCase;
  if (linked === undefined) {
    if (targets !== undefined && targets.length > 0) {
      throw new DomainError(
        'invalid_input',
        `“${outcome.label}” does not open a new case, so it carries no targets; leave linkedCaseTargets out.`,
      );
    }
    return;
  }
  const named = targets ?? [];
  if (linked.targetsRequired && named.length === 0) {
    throw new DomainError(
      'missing_field',
      `“${outcome.label}”: name the targets the new case addresses (linkedCaseTargets), at least one.`,
    );
  }
  const stage = getStage(ctx.procedure, linked.stage);
  const rules = stage.plan;
  if (!rules) throw new DomainError('invalid_procedure', `${stage.title} has no plan form for the linked case.`);
  const content = contentFor(named);
  // The new case's form must accept the targets as they are (how many, and the framework items they cite).
  assertPlanWithinLimits(ctx.procedure, rules, toContent(content), {
    earliest: todayOf(ctx),
    latest: undefined,
    description: undefined,
    limit: undefined,
  });
  const state = builder.state;
  const seq = state.version + 1;
  builder.add('linked_case_decided', {
    caseId: linkedCaseId(state, seq),
    reference: linkedReference(state),
    stageId: stage.id,
    outcomeId: outcome.id,
    ...(from.panelId === undefined ? {} : { panelId: from.panelId }),
    targets: content.targets,
  });
}

/**
 * The linked case a decision fixed: the same trainee and people, placement and reasons as the case
 * it came from, opened at the decision's stage with a first plan starting from the decision's
 * targets, and linked back to it. Built from the decision alone: the same input builds the same case.
 */
export function openLinkedCase(ctx: CommandContext, source: CaseState, link: LinkedCaseDecision): CommandResult {
  const { procedure } = ctx;
  assertSameProcedure(procedure, source);
  const stage = getStage(procedure, link.stageId);
  const builder = new EventBuilder(ctx, link.caseId, undefined);
  builder.add('case_opened', {
    reference: link.reference,
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    reasons: [...source.reasons],
    people: source.people.map((p) => ({ role: p.role, id: p.id, name: p.name, email: p.email })),
    placement: {
      school: source.placement.school,
      programme: source.placement.programme,
      ...(source.placement.subject === undefined ? {} : { subject: source.placement.subject }),
      ...(source.placement.phase === undefined ? {} : { phase: source.placement.phase }),
      ...(source.placement.startsOn === undefined ? {} : { startsOn: source.placement.startsOn }),
      ...(source.placement.endsOn === undefined ? {} : { endsOn: source.placement.endsOn }),
      ...(source.placement.schoolContactEmail === undefined
        ? {}
        : { schoolContactEmail: source.placement.schoolContactEmail }),
    },
    linkedFrom: { caseId: source.id, reference: source.reference, outcomeId: link.outcomeId },
  });
  const content: PlanContentData = {
    ...EMPTY_PLAN,
    targets: link.targets.map((t) => ({
      id: t.id,
      text: t.text,
      links: t.links.map((l) => ({ ...l })),
      actions: t.actions.map((a) => ({ ...a })),
      observationFocus: t.observationFocus,
      ...(t.successCriteria === undefined ? {} : { successCriteria: t.successCriteria }),
      ...(t.timescale === undefined ? {} : { timescale: t.timescale }),
      ...(t.supportRequired === undefined ? {} : { supportRequired: t.supportRequired }),
      ...(t.monitoring === undefined ? {} : { monitoring: t.monitoring }),
    })),
  };
  enterStage(builder, ctx, stage, 'opened', { startPlan: true, content });
  return builder.result();
}

function assertSameProcedure(procedure: Procedure, source: CaseState): void {
  if (procedure.id !== source.procedureId) {
    throw new DomainError('invalid_input', `Case ${source.reference} is not under ${procedure.name}.`);
  }
}
