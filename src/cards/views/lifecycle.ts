import { formatLongDate, type LocalDate } from '../../domain/calendar/index.js';
import {
  awaitedAction,
  calendarFor,
  nextReviewDate,
  outstandingSignatories,
  suspenderOf,
  type Person,
  type CaseState,
  type CloseResolution,
  type Review,
  type StageEntry,
} from '../../domain/case/index.js';
import type { Outcome, Procedure } from '../../domain/procedure/schema.js';
import { actionData } from '../actions.js';
import { cardText, escapeCardText } from '../escape.js';
import {
  caseFacts,
  caseHeader,
  currentTargets,
  longDate,
  nameOf,
  RATING_COLORS,
  RATING_LABELS,
  roleLabelOf,
  stageOf,
  stageTitle,
  targetBudget,
  targetViews,
  traineeOf,
  type CardSource,
  type CaseHeaderView,
  type FactView,
  type TargetView,
} from './common.js';
import { MAX_REFRESH_USER_IDS } from './review.js';

export interface CaseSummaryView {
  readonly header: CaseHeaderView;
  readonly facts: readonly FactView[];
  readonly targets: readonly TargetView[];
  readonly hasTargets: boolean;
  /** The viewer's own next step, as a button: sign the plan, or complete the review. */
  readonly hasSign: boolean;
  readonly openSign: Record<string, unknown>;
  readonly hasReview: boolean;
  readonly openReview: Record<string, unknown>;
  readonly refresh: Record<string, unknown>;
  readonly refreshUserIds: readonly string[];
}

export interface CaseSummaryOptions {
  /** Whose card this is (their sign-in name): their awaited action becomes a button. */
  readonly viewerId?: string | undefined;
  /** Teams user ids of people, where known: refresh.userIds, so each of them gets their own button. */
  readonly teamsUserIdOf?: (person: Person) => string | undefined;
}

/**
 * The card the message extension returns and anyone can share in a chat. Everyone from whom
 * the case awaits something is named in `refresh.userIds`: their Teams client asks the bot for
 * the card again (Universal Actions) and gets it with their button (Sign, Complete the review);
 * anyone else sees the summary as it was sent.
 */
export function caseSummaryView(source: CardSource, options: CaseSummaryOptions = {}): CaseSummaryView {
  const { procedure, state, today } = source;
  // The same rule as the tab's next step (domain/case/next-steps.ts): the button is what the tab leads with.
  const calendar = calendarFor(procedure);
  const awaits = (personId: string) => awaitedAction(procedure, state, personId, today, calendar);
  const viewerAwaits = options.viewerId === undefined ? undefined : awaits(options.viewerId);
  const teamsUserIdOf = options.teamsUserIdOf;
  const refreshUserIds =
    teamsUserIdOf === undefined
      ? []
      : [
          ...new Set(
            state.people
              .filter((p) => awaits(p.id) !== undefined)
              .map(teamsUserIdOf)
              .filter((id): id is string => id !== undefined && id !== ''),
          ),
        ].slice(0, MAX_REFRESH_USER_IDS);
  const next = nextReviewDate(state);
  const waiting = outstandingSignatories(procedure, state);
  const facts: FactView[] = [
    ...caseFacts(source),
    { title: 'Status', value: caseHeader(source).status },
    { title: 'Opened', value: formatLongDate(state.openedOn) },
  ];
  if (next) facts.push({ title: 'Next review', value: `${formatLongDate(next)}${next < today ? ' (overdue)' : ''}` });
  if (waiting.length > 0) {
    facts.push({
      title: 'Awaiting',
      value: waiting.map((w) => escapeCardText(w.roles.map((r) => roleLabelOf(procedure, r)).join(' or '))).join(', '),
    });
  }
  const targets = state.status === 'closed' ? [] : targetViews(procedure, currentTargets(state));
  return {
    header: caseHeader(source),
    facts,
    targets,
    hasTargets: targets.length > 0,
    hasSign: viewerAwaits === 'sign',
    openSign: actionData('open_sign', state.id, state.version),
    hasReview: viewerAwaits === 'review',
    openReview: actionData('open_review', state.id, state.version),
    refresh: actionData('refresh', state.id, state.version, { card: 'case_summary' }),
    refreshUserIds,
  };
}

export interface ConcernRaisedView {
  readonly header: CaseHeaderView;
  readonly raisedBy: string;
  readonly reasons: readonly { readonly label: string }[];
  readonly concernStatement: string;
  readonly hasConcernStatement: boolean;
  readonly people: readonly FactView[];
  readonly acknowledge: Record<string, unknown>;
}

/** Posted to the course team channel when a case is opened, from the tab or from a message. */
export function concernRaisedView(source: CardSource): ConcernRaisedView {
  const { procedure, state } = source;
  const statement = state.plan?.content.concernStatement ?? '';
  return {
    header: caseHeader(source),
    raisedBy: `Raised by ${nameOf(state, state.openedBy)} on ${formatLongDate(state.openedOn)}`,
    reasons: state.reasons.map((id) => ({
      label: escapeCardText(procedure.reasons.find((r) => r.id === id)?.label ?? id),
    })),
    concernStatement: statement ? cardText(statement, 800) : '',
    hasConcernStatement: statement !== '',
    people: state.people.map((p) => ({
      title: escapeCardText(roleLabelOf(procedure, p.role)),
      value: cardText(p.name, 120),
    })),
    acknowledge: actionData('acknowledge', state.id, state.version, { about: 'concern_raised' }),
  };
}

const ENTRY_TEXT: Record<StageEntry, string> = {
  opened: 'The case was opened at this stage.',
  plan_agreed: 'The plan was agreed and signed.',
  outcome: 'A review outcome moved the case on.',
  escalation: 'The course team escalated the case.',
  decision: 'A panel decision moved the case on.',
};

export interface StageChangedView {
  readonly header: CaseHeaderView;
  readonly from: string;
  readonly to: string;
  readonly on: string;
  readonly why: string;
  readonly reason: string;
  readonly hasReason: boolean;
  readonly next: string;
}

function whatHappensNext(procedure: Procedure, stageId: string): string {
  const stage = stageOf(procedure, stageId);
  if (!stage) return '';
  if (stage.description) return escapeCardText(stage.description);
  if (stage.plan) return `Next: ${escapeCardText(stage.plan.title)}, agreed and signed.`;
  if (stage.review) return `Next: ${escapeCardText(stage.review.title)}.`;
  return '';
}

/** Posted when the case moves stage. `reason` is the course team's words for an escalation. */
export function stageChangedView(source: CardSource, reason?: string): StageChangedView {
  const { procedure, state } = source;
  const visits = state.stageHistory;
  const current = visits.at(-1);
  const previous = visits.at(-2);
  const lastReview = state.reviews.at(-1);
  const outcome = lastReview ? outcomeOf(procedure, lastReview) : undefined;
  const why =
    current?.via === 'outcome' && outcome
      ? `Review outcome: ${escapeCardText(outcome.label)}.`
      : ENTRY_TEXT[current?.via ?? 'opened'];
  return {
    header: caseHeader(source),
    from: previous ? escapeCardText(stageTitle(procedure, previous.stageId)) : 'None',
    to: escapeCardText(stageTitle(procedure, state.stageId)),
    on: current ? formatLongDate(current.enteredOn) : '',
    why,
    reason: reason ? cardText(reason, 800) : '',
    hasReason: reason !== undefined && reason !== '',
    next: whatHappensNext(procedure, state.stageId),
  };
}

function outcomeOf(procedure: Procedure, review: Review): Outcome | undefined {
  return stageOf(procedure, review.stageId)?.review?.outcomes.find((o) => o.id === review.outcomeId);
}

export interface OutcomeRecordedView {
  readonly header: CaseHeaderView;
  readonly reviewTitle: string;
  readonly reviewedOn: string;
  readonly outcome: string;
  readonly explanation: string;
  readonly traineeNotice: string;
  readonly hasTraineeNotice: boolean;
  readonly progress: readonly {
    readonly number: string;
    readonly text: string;
    readonly rating: string;
    readonly color: string;
    readonly comment: string;
    readonly hasComment: boolean;
  }[];
  readonly hasProgress: boolean;
  readonly evidence: string;
  readonly hasEvidence: boolean;
  readonly nextSteps: string;
  readonly hasNextSteps: boolean;
  readonly recordedBy: string;
  readonly now: string;
}

/** After a review: what was decided, progress per target, and where the case is now. */
export function outcomeRecordedView(
  source: CardSource,
  review: Review | undefined = source.state.reviews.at(-1),
): OutcomeRecordedView {
  const { procedure, state } = source;
  if (!review) throw new Error(`Case ${state.id} has no review to show.`);
  const outcome = outcomeOf(procedure, review);
  // The plan the review judged: the one before any revised plan the outcome started.
  const judged = [state.plan, ...state.previousPlans].find((p) => p?.version === review.planVersion);
  const targets = judged?.content.targets ?? [];
  const budget = targetBudget(review.progress.length);
  const progress = review.progress.map((p) => {
    const index = targets.findIndex((t) => t.id === p.targetId);
    const target = targets[index];
    return {
      number: index >= 0 ? `Target ${index + 1}` : p.targetId,
      text: target ? cardText(target.text, Math.min(budget.text, 300)) : '',
      rating: RATING_LABELS[p.rating],
      color: RATING_COLORS[p.rating],
      comment: p.comment && budget.criteria > 0 ? cardText(p.comment, budget.criteria) : '',
      hasComment: p.comment !== undefined && p.comment !== '' && budget.criteria > 0,
    };
  });
  const stage = stageOf(procedure, review.stageId);
  return {
    header: caseHeader(source),
    reviewTitle: escapeCardText(stage?.review?.title ?? 'Review'),
    reviewedOn: `Reviewed ${formatLongDate(review.reviewedOn)}`,
    outcome: escapeCardText(outcome?.label ?? review.outcomeId),
    explanation: outcome ? escapeCardText(outcome.explanation) : '',
    traineeNotice: outcome?.traineeNotice ? escapeCardText(outcome.traineeNotice) : '',
    hasTraineeNotice: outcome?.traineeNotice !== undefined,
    progress,
    hasProgress: progress.length > 0,
    evidence: review.evidence ? cardText(review.evidence, 1200) : '',
    hasEvidence: review.evidence !== undefined && review.evidence !== '',
    nextSteps: review.nextSteps ? cardText(review.nextSteps, 800) : '',
    hasNextSteps: review.nextSteps !== undefined && review.nextSteps !== '',
    recordedBy: `Recorded by ${nameOf(state, review.recordedBy)}`,
    now:
      state.status === 'closed'
        ? 'The case is now closed.'
        : `The case is now at ${escapeCardText(stageTitle(procedure, state.stageId))}${nextReviewDate(state) ? `, next review ${longDate(nextReviewDate(state))}` : ''}.`,
  };
}

const RESOLUTION_LABELS: Record<CloseResolution, string> = {
  resolved: 'Resolved: the concerns were addressed',
  decision: 'Closed by a decision',
  withdrawn: 'Withdrawn',
  referred: 'Referred on',
  handed_off: 'Handed on to another procedure',
  closed_by_course_team: 'Closed by the course team',
  opened_in_error: 'Closed as opened in error',
};

export interface CaseClosedView {
  readonly header: CaseHeaderView;
  readonly title: string;
  readonly facts: readonly FactView[];
  readonly reason: string;
  readonly hasReason: boolean;
}

/** Posted when a case closes, for whatever reason. */
export function caseClosedView(source: CardSource): CaseClosedView {
  const { procedure, state } = source;
  const closure = state.closure;
  if (!closure) throw new Error(`Case ${state.id} is not closed.`);
  const lastReview = state.reviews.at(-1);
  const outcome =
    closure.outcomeId && lastReview?.outcomeId === closure.outcomeId ? outcomeOf(procedure, lastReview) : undefined;
  const trainee = traineeOf(procedure, state);
  const facts: FactView[] = [
    { title: 'Closed', value: formatLongDate(closure.on) },
    { title: 'Resolution', value: RESOLUTION_LABELS[closure.resolution] },
    { title: 'Opened', value: formatLongDate(state.openedOn) },
    { title: 'Last stage', value: escapeCardText(stageTitle(procedure, state.stageId)) },
    { title: 'Reviews', value: String(state.reviews.length) },
  ];
  if (outcome) facts.splice(2, 0, { title: 'Outcome', value: escapeCardText(outcome.label) });
  if (closure.handOffTo) facts.push({ title: 'Continues under', value: cardText(closure.handOffTo, 200) });
  return {
    header: caseHeader(source),
    title: `Case closed for ${cardText(trainee?.name ?? 'the trainee', 120)}`,
    facts,
    reason: closure.reason ? cardText(closure.reason, 800) : '',
    hasReason: closure.reason !== undefined && closure.reason !== '',
  };
}

/** A suspension as the trail records it: the day, who (their sign-in name and display name) and the reason they gave. */
export interface Suspension {
  readonly on: LocalDate;
  readonly by: string;
  /** Absent on a suspension stored before the trail kept the name. */
  readonly byName?: string | undefined;
  readonly reason: string;
}

/** Who reads the card: the trainee's own copy is worded for them. */
export type SuspensionAudience = 'staff' | 'trainee';

export interface PlacementSuspendedView {
  readonly header: CaseHeaderView;
  readonly kicker: string;
  readonly title: string;
  readonly facts: readonly FactView[];
  readonly reason: string;
  readonly hasReason: boolean;
  readonly next: string;
}

/** "Dr Catherine Lloyd (Course leader)", "Mark Whitfield (course team)" or "The course team (sign-in name)", escaped. */
function suspendedBy(procedure: Procedure, state: CaseState, suspension: Suspension): string {
  const who = suspenderOf(state, suspension);
  switch (who.kind) {
    case 'on_case':
      return `${cardText(who.person.name, 120)} (${escapeCardText(roleLabelOf(procedure, who.person.role))})`;
    case 'course_team':
      return `${cardText(who.name, 120)} (course team)`;
    case 'sign_in':
      return who.id === '' ? 'The course team' : `The course team (${cardText(who.id, 120)})`;
  }
}

/**
 * Sent when the course team suspends the placement: to the channel and 1:1 to everyone on the
 * case. It shows the suspension and the case header only, nothing the trainee view hides
 * (review notes, panel deliberations), so the trainee's copy differs only in its words.
 */
export function placementSuspendedView(
  source: CardSource,
  suspension: Suspension,
  audience: SuspensionAudience,
): PlacementSuspendedView {
  const { procedure, state } = source;
  const header = caseHeader(source);
  const by = suspendedBy(procedure, state, suspension);
  const forTrainee = audience === 'trainee';
  const facts: FactView[] = [
    { title: 'Suspended from', value: formatLongDate(suspension.on) },
    { title: 'Suspended by', value: by },
    ...(forTrainee ? [] : [{ title: 'Trainee', value: header.trainee }]),
    { title: 'School', value: header.school },
    { title: 'Stage', value: header.stage },
  ];
  const reason = cardText(suspension.reason, 800);
  return {
    header,
    kicker: 'PLACEMENT SUSPENDED',
    title: forTrainee ? 'Your placement is suspended' : `Placement suspended for ${header.trainee}`,
    facts,
    reason,
    hasReason: reason !== '',
    next: forTrainee
      ? 'You will not teach on this placement for now. We know this may be hard to hear: your course team will be in touch soon to talk it through with you, to explain what happens next and the support available to you.'
      : `${header.trainee} does not teach on this placement while it is suspended. The course team will be in touch with everyone on the case about the next steps.`,
  };
}
