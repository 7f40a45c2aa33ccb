import { z } from 'zod';
import { formatLongDate, isAfter, localDateSchema, type LocalDate } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import type { Outcome, Procedure } from '../../procedure/schema.js';
import {
  actorDisplayName,
  assertCourseTeam,
  EventBuilder,
  findOutcome,
  isCourseTeam,
  roleLabel,
  rolesOnCase,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { APPEAL_OUTCOMES, type CaseState } from '../types.js';

/**
 * What follows a decision, recorded on the case it decided (open or closed by it): a fee the
 * course team waives with the letter to the trainee (BCU), and a trainee's appeal with its
 * outcome (RCTTP).
 */

/** Every decision taken on the case, oldest first: review outcomes and panel decisions, with the outcome each names. */
export function decisionsOn(
  procedure: Procedure,
  state: CaseState,
): { readonly outcome: Outcome; readonly on: LocalDate; readonly by: string }[] {
  const fromReviews = state.reviews.flatMap((r) => {
    const outcome = findOutcome(procedure, r.stageId, r.outcomeId);
    return outcome ? [{ outcome, on: r.reviewedOn, by: r.recordedBy }] : [];
  });
  const fromPanels = state.panels.flatMap((p) =>
    p.meetings.flatMap((m) => {
      if (m.decisionId === undefined) return [];
      const outcome = findOutcome(procedure, p.stageId, m.decisionId, p.panelId);
      return outcome ? [{ outcome, on: m.heldOn, by: '' }] : [];
    }),
  );
  return [...fromReviews, ...fromPanels].sort((a, b) => a.on.localeCompare(b.on));
}

/** The decision whose fee the course team may still waive (the latest that brings one, not yet waived). */
export function feeToWaive(
  procedure: Procedure,
  state: CaseState,
):
  { readonly decision: Outcome; readonly on: LocalDate; readonly amount: string; readonly letter: string } | undefined {
  const decision = decisionsOn(procedure, state).findLast((d) => d.outcome.waivableFee !== undefined);
  const fee = decision?.outcome.waivableFee;
  if (!decision || !fee || state.feeWaivers.some((w) => w.outcomeId === decision.outcome.id)) return undefined;
  return { decision: decision.outcome, on: decision.on, amount: fee.amount, letter: fee.letter };
}

/** Whether the actor may record an appeal and its outcome on this case (the course team, or the roles the procedure names). */
export function mayRecordAppeal(procedure: Procedure, state: CaseState, actor: CommandContext['actor']): boolean {
  const rule = procedure.appeal;
  if (!rule) return false;
  return isCourseTeam(actor) || rolesOnCase(state, actor).some((r) => rule.recordedBy.includes(r));
}

/**
 * What can be recorded about an appeal now: the outcome of one waiting for it, or a new appeal
 * against the latest decision the procedure lets the trainee appeal; nothing where neither applies.
 */
export function appealToRecord(
  procedure: Procedure,
  state: CaseState,
):
  | { readonly kind: 'outcome'; readonly appeal: CaseState['appeals'][number] }
  | { readonly kind: 'lodge'; readonly against: Outcome; readonly decidedOn: LocalDate }
  | undefined {
  const rule = procedure.appeal;
  if (!rule) return undefined;
  const waiting = state.appeals.find((a) => a.decision === undefined);
  if (waiting) return { kind: 'outcome', appeal: waiting };
  const decision = decisionsOn(procedure, state).findLast((d) => rule.against.includes(d.outcome.id));
  return decision ? { kind: 'lodge', against: decision.outcome, decidedOn: decision.on } : undefined;
}

export const waiveFeeInputSchema = z.strictObject({
  /** Why the exceptional circumstances apply (kept on the case; the letter says the fee is waived). */
  reason: z.string().trim().min(1).max(2000),
});
export type WaiveFeeInput = z.infer<typeof waiveFeeInputSchema>;

/**
 * BCU: "Resitting a placement, as a consequence of a failed first attempt, will incur a cost to the
 * trainee of £1125 … There may be exceptional circumstances where this fee can be waived; however
 * the course team will confirm this in writing to the trainee where such a circumstance will
 * apply." The course team alone waives it, after the decision that brought it, once; the letter
 * is written here and kept in the event as sent.
 */
export function waiveFee(ctx: CommandContext, state: CaseState, input: WaiveFeeInput): CommandResult {
  const { procedure } = ctx;
  assertCourseTeam(ctx.actor, 'waive a fee');
  const decision = decisionsOn(procedure, state).findLast((d) => d.outcome.waivableFee !== undefined);
  const fee = decision?.outcome.waivableFee;
  if (!decision || !fee) {
    throw new DomainError('outcome_not_allowed', 'No decision on this case brings a fee that can be waived.');
  }
  if (state.feeWaivers.some((w) => w.outcomeId === decision.outcome.id)) {
    throw new DomainError('invalid_input', `The fee of ${fee.amount} has already been waived on this case.`);
  }
  const trainee = state.people.find((p) => procedure.roles.find((r) => r.id === p.role)?.side === 'trainee');
  const byName = actorDisplayName(ctx.actor);
  const today = todayOf(ctx);
  const letter = [
    `Dear ${trainee?.name ?? 'trainee'},`,
    `Case ${state.reference}: ${decision.outcome.label.replace(/\.$/, '')}.`,
    fee.letter,
    `The course team confirms in writing that exceptional circumstances apply in your case and the fee of ${fee.amount} is waived. You will not be charged it.`,
    `The reason: ${input.reason}`,
    `${byName}, for the course team, ${formatLongDate(today)}.`,
  ].join('\n\n');
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('fee_waived', {
    outcomeId: decision.outcome.id,
    amount: fee.amount,
    reason: input.reason,
    letter: letter.slice(0, 8000),
    byName,
  });
  return builder.result();
}

export const lodgeAppealInputSchema = z.strictObject({
  /** The day the trainee made the appeal. */
  lodgedOn: localDateSchema,
  grounds: z.string().trim().min(1).max(4000),
  /** The appeal is about how the procedure was followed, not the judgement itself. */
  procedural: z.boolean(),
});
export type LodgeAppealInput = z.infer<typeof lodgeAppealInputSchema>;

export const decideAppealInputSchema = z.strictObject({
  appealId: z.string().max(20),
  decidedOn: localDateSchema.optional(),
  outcome: z.enum(APPEAL_OUTCOMES),
  reasons: z.string().trim().min(1).max(4000),
});
export type DecideAppealInput = z.infer<typeof decideAppealInputSchema>;

function assertMayRecordAppeal(ctx: CommandContext, state: CaseState): NonNullable<Procedure['appeal']> {
  const rule = ctx.procedure.appeal;
  if (!rule) throw new DomainError('outcome_not_allowed', `${ctx.procedure.name} has no appeal to record.`);
  if (!isCourseTeam(ctx.actor) && !rolesOnCase(state, ctx.actor).some((r) => rule.recordedBy.includes(r))) {
    throw new DomainError(
      'not_permitted',
      `An appeal is recorded by ${[...rule.recordedBy.map((r) => roleLabel(ctx.procedure, r)), 'the course team'].join(', ')}.`,
    );
  }
  return rule;
}

/**
 * RCTTP: "Any trainee wishing to do so may only make an appeal against the Partnership's decision
 * about the recommendation for the award of QTS on a procedural basis and may not appeal against
 * the outcome." Recorded once that decision is on the case, on a procedural basis only.
 */
export function lodgeAppeal(ctx: CommandContext, state: CaseState, input: LodgeAppealInput): CommandResult {
  const rule = assertMayRecordAppeal(ctx, state);
  const decision = decisionsOn(ctx.procedure, state).findLast((d) => rule.against.includes(d.outcome.id));
  if (!decision) {
    throw new DomainError(
      'outcome_not_allowed',
      `There is no decision on this case that can be appealed (the procedure: “${rule.text}”).`,
    );
  }
  if (!input.procedural) throw new DomainError('not_permitted', rule.text);
  const today = todayOf(ctx);
  if (isAfter(input.lodgedOn, today))
    throw new DomainError('invalid_date', 'An appeal cannot be lodged in the future.');
  if (isAfter(decision.on, input.lodgedOn)) {
    throw new DomainError(
      'invalid_date',
      `The decision was made on ${formatLongDate(decision.on)}; an appeal against it cannot be earlier.`,
    );
  }
  if (state.appeals.some((a) => a.against === decision.outcome.id && a.decision === undefined)) {
    throw new DomainError('invalid_input', 'An appeal against this decision is already waiting for its outcome.');
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('appeal_lodged', {
    appealId: `A${state.appeals.length + 1}`,
    lodgedOn: input.lodgedOn,
    grounds: input.grounds,
    against: decision.outcome.id,
    byName: actorDisplayName(ctx.actor),
  });
  return builder.result();
}

/** The outcome of an appeal lodged on the case. */
export function decideAppeal(ctx: CommandContext, state: CaseState, input: DecideAppealInput): CommandResult {
  assertMayRecordAppeal(ctx, state);
  const appeal = state.appeals.find((a) => a.id === input.appealId);
  if (!appeal) throw new DomainError('invalid_input', `There is no appeal ${input.appealId} on this case.`);
  if (appeal.decision !== undefined) {
    throw new DomainError('invalid_input', `Appeal ${appeal.id} already has its outcome.`);
  }
  const today = todayOf(ctx);
  const decidedOn = input.decidedOn ?? today;
  if (isAfter(decidedOn, today))
    throw new DomainError('invalid_date', 'An outcome cannot be recorded for a future date.');
  if (isAfter(appeal.lodgedOn, decidedOn)) {
    throw new DomainError(
      'invalid_date',
      `The appeal was lodged on ${formatLongDate(appeal.lodgedOn)}; its outcome cannot be earlier.`,
    );
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('appeal_decided', {
    appealId: appeal.id,
    decidedOn,
    outcome: input.outcome,
    reasons: input.reasons,
    byName: actorDisplayName(ctx.actor),
  });
  return builder.result();
}
