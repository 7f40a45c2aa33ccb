import { z } from 'zod';
import { formatLongDate, isAfter, isBefore, localDateSchema } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  assertNotPaused,
  assertOpen,
  currentStage,
  EventBuilder,
  isCourseTeam,
  roleLabel,
  rolesOnCase,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { datedMilestones } from '../queries.js';
import { applyOutcome } from '../transitions.js';
import { assertTasksDoneBeforeDecision } from './stage-tasks.js';
import { PROGRESS_RATINGS, type CaseState } from '../types.js';
import type { Outcome, ReviewRules } from '../../procedure/schema.js';
import { decideLinkedCase, linkedCaseTargetsSchema } from './linked-case.js';

export const recordReviewInputSchema = z.strictObject({
  reviewedOn: localDateSchema.optional(),
  progress: z
    .array(
      z.strictObject({
        targetId: z.string().max(20),
        rating: z.enum(PROGRESS_RATINGS),
        comment: z.string().trim().max(2000).optional(),
      }),
    )
    .max(20)
    .default([]),
  evidence: z.string().trim().max(8000).optional(),
  notes: z.string().trim().max(8000).optional(),
  /** Role ids present at the review. */
  attendees: z.array(z.string().max(60)).max(30).default([]),
  outcomeId: z.string().max(60),
  nextSteps: z.string().trim().max(4000).optional(),
  /**
   * A group's decision (the review's membersRecorded): everyone in the group by name, with whether
   * they attended; at least one attended.
   */
  members: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(200),
        role: z.string().trim().max(200).optional(),
        attended: z.boolean(),
      }),
    )
    .max(30)
    .optional(),
  /** Where the outcome opens a linked case: the targets it carries (see linked-case.ts). */
  linkedCaseTargets: linkedCaseTargetsSchema.optional(),
});

export type RecordReviewInput = z.infer<typeof recordReviewInputSchema>;

function assertCondition(outcome: Outcome, progress: RecordReviewInput['progress']): void {
  switch (outcome.condition) {
    case undefined:
      return;
    case 'all_targets_met':
      if (progress.some((p) => p.rating !== 'met')) {
        throw new DomainError(
          'outcome_not_allowed',
          `"${outcome.label}" needs every target met; record the targets as they stand or choose another outcome.`,
        );
      }
      return;
    case 'some_target_not_met':
      if (progress.every((p) => p.rating === 'met')) {
        throw new DomainError(
          'outcome_not_allowed',
          `"${outcome.label}" applies only when targets have not been met; every target is recorded as met.`,
        );
      }
      return;
  }
}

/**
 * RCTTP: "A report is prepared and presented to the Executive Group. Options available to the
 * Executive Group include: …" — the group decides, so its members and who attended are recorded
 * with the decision, not the chair who records it alone.
 */
function groupMembers(
  review: ReviewRules,
  members: RecordReviewInput['members'],
): { name: string; role?: string; attended: boolean }[] | undefined {
  if (!review.membersRecorded) {
    if (members !== undefined && members.length > 0) {
      throw new DomainError('invalid_input', `${review.title} does not record a group's members.`);
    }
    return undefined;
  }
  if (members === undefined || members.length === 0) {
    throw new DomainError(
      'missing_field',
      `${review.title} is the group's decision: list its members and whether each attended.`,
    );
  }
  const seen = new Set<string>();
  for (const m of members) {
    const key = m.name.toLowerCase();
    if (seen.has(key)) throw new DomainError('invalid_input', `${m.name} is listed twice among the members.`);
    seen.add(key);
  }
  if (!members.some((m) => m.attended)) {
    throw new DomainError('invalid_input', `${review.title}: no member attended, so the group made no decision.`);
  }
  return members.map((m) => ({ name: m.name, ...(m.role ? { role: m.role } : {}), attended: m.attended }));
}

export function recordReview(ctx: CommandContext, state: CaseState, input: RecordReviewInput): CommandResult {
  const { procedure, actor } = ctx;
  assertOpen(state);
  assertNotPaused(state, 'record a review');
  const stage = currentStage(state, procedure);
  const review = stage.review;
  if (!review) {
    throw new DomainError(
      stage.panel === undefined ? 'outcome_not_allowed' : 'panel_not_convened',
      stage.panel === undefined
        ? `${stage.title} has no review.`
        : `${stage.title} ends with the panel's decision, not a review.`,
    );
  }
  const roles = rolesOnCase(state, actor);
  // Those who speak for the course team take part in a review agreed with it.
  const reviewers = [...review.reviewers, ...(review.agreedWithCourseTeam ? review.courseTeamRoles : [])];
  const choosers = review.outcomes.flatMap((o) => o.by);
  if (!isCourseTeam(actor) && !roles.some((r) => reviewers.includes(r) || choosers.includes(r))) {
    throw new DomainError(
      'not_permitted',
      `${review.title} is carried out by ${review.reviewers.map((r) => roleLabel(procedure, r)).join(', ')} or the course team.`,
    );
  }
  const plan = state.plan;
  // The agreed plan is what is judged, whether its review stage was entered on agreement or by an
  // outcome (Bright Futures Stage 3 reviews the Stage 2 targets): a plan being drafted or signed has none.
  if (review.perTarget && plan?.agreedOn === undefined) {
    throw new DomainError('plan_not_agreed', 'The targets under review have not been agreed and signed yet.');
  }
  const outcome = review.outcomes.find((o) => o.id === input.outcomeId);
  if (!outcome) {
    throw new DomainError(
      'unknown_outcome',
      `${stage.title} ends in one of: ${review.outcomes.map((o) => o.label).join('; ')}.`,
      { outcomes: review.outcomes.map((o) => o.id) },
    );
  }
  // Bright Futures: "If concerns are ongoing, Lead will initiate Stage 2".
  if (outcome.by.length > 0 && !isCourseTeam(actor) && !roles.some((r) => outcome.by.includes(r))) {
    throw new DomainError(
      'not_permitted',
      `“${outcome.label}” is decided by ${[...outcome.by.map((r) => roleLabel(procedure, r)), 'the course team'].join(' or ')}.`,
    );
  }
  if (outcome.by.length === 0 && !isCourseTeam(actor) && !roles.some((r) => reviewers.includes(r))) {
    throw new DomainError(
      'not_permitted',
      `“${outcome.label}” is decided by ${[...reviewers.map((r) => roleLabel(procedure, r)), 'the course team'].join(' or ')}.`,
    );
  }
  // BCU Stage 4: "contacts the course team to discuss the trainee's progress … It is agreed that …".
  if (review.agreedWithCourseTeam && !isCourseTeam(actor) && !roles.some((r) => review.courseTeamRoles.includes(r))) {
    throw new DomainError(
      'not_permitted',
      `${review.title}: the outcome is agreed with the course team, so it is recorded by the course team${
        review.courseTeamRoles.length > 0
          ? ` or the ${review.courseTeamRoles.map((r) => roleLabel(procedure, r)).join(' or ')} named on the case`
          : ''
      }.`,
    );
  }
  assertTasksDoneBeforeDecision(state, stage);
  const today = todayOf(ctx);
  const reviewedOn = input.reviewedOn ?? today;
  if (isAfter(reviewedOn, today))
    throw new DomainError('invalid_date', 'A review cannot be recorded for a future date.');
  const after =
    review.afterMilestone === undefined
      ? undefined
      : datedMilestones(stage, state.stageStartsOn).find((m) => m.id === review.afterMilestone);
  if (after !== undefined && isBefore(reviewedOn, after.from)) {
    throw new DomainError(
      'invalid_date',
      `${review.title} cannot be dated before ${formatLongDate(after.from)}: it follows “${after.label.trim().replace(/\.$/, '')}”, which starts that day.`,
      {
        milestone: after.id,
        from: after.from,
      },
    );
  }
  if (plan?.agreedOn !== undefined && review.perTarget && isBefore(reviewedOn, plan.agreedOn)) {
    throw new DomainError(
      'invalid_date',
      `The review cannot be before the plan was agreed on ${formatLongDate(plan.agreedOn)}.`,
    );
  }
  if (review.perTarget && plan) {
    const ids = new Set(plan.content.targets.map((t) => t.id));
    const seen = new Set<string>();
    for (const p of input.progress) {
      if (!ids.has(p.targetId))
        throw new DomainError('unknown_target', `There is no target ${p.targetId} on this plan.`);
      if (seen.has(p.targetId))
        throw new DomainError('invalid_input', `Target ${p.targetId} has two progress records.`);
      seen.add(p.targetId);
    }
    const missing = plan.content.targets.filter((t) => !seen.has(t.id));
    if (missing.length > 0) {
      throw new DomainError(
        'missing_field',
        `Record progress for every target: ${missing.map((t) => t.id).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
      );
    }
  } else if (input.progress.length > 0) {
    throw new DomainError('invalid_input', `${review.title} does not record progress per target.`);
  }
  if (review.evidenceRequired && !input.evidence) {
    throw new DomainError(
      'missing_field',
      `${review.title} is made on the full range of evidence: say what evidence was used.`,
    );
  }
  for (const attendee of input.attendees) {
    if (!procedure.roles.some((r) => r.id === attendee))
      throw new DomainError('invalid_input', `"${attendee}" is not a role in this procedure.`);
  }
  assertCondition(outcome, input.progress);
  const members = groupMembers(review, input.members);

  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('review_recorded', {
    // Reviews set aside on reopening keep their ids: a new review never reuses one.
    reviewId: `R${state.reviews.length + state.setAsideReviews.length + 1}`,
    stageId: stage.id,
    ...(review.perTarget && plan ? { planVersion: plan.version } : {}),
    reviewedOn,
    progress: input.progress.map((p) => ({
      targetId: p.targetId,
      rating: p.rating,
      ...(p.comment ? { comment: p.comment } : {}),
    })),
    ...(input.evidence ? { evidence: input.evidence } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
    attendees: input.attendees,
    outcomeId: outcome.id,
    ...(input.nextSteps ? { nextSteps: input.nextSteps } : {}),
    ...(members === undefined ? {} : { members }),
  });
  decideLinkedCase(builder, ctx, outcome, {}, input.linkedCaseTargets);
  applyOutcome(builder, ctx, outcome, { stageId: stage.id });
  return builder.result();
}
