import { calendarFor, nextReviewDate, type Person } from '../../domain/case/index.js';
import { londonDateOf, workingDaysBetween } from '../../domain/calendar/index.js';
import { actionData, commentInputId, ratingInputId } from '../actions.js';
import { escapeCardText, plainCardText } from '../escape.js';
import {
  caseHeader,
  currentTargets,
  longDate,
  outcomeViews,
  peopleInRoles,
  relativeWorkingDays,
  reviewersOf,
  reviewRulesOf,
  roleLabelOf,
  targetViews,
  type CardSource,
  type CaseHeaderView,
  type OutcomeView,
  type TargetView,
} from './common.js';

/** Teams lets a card name at most 60 people whose client refreshes it (Universal Actions). */
export const MAX_REFRESH_USER_IDS = 60;

/** Past this many targets the form drops the per-target comment boxes to stay inside 28 KB. */
export const MAX_TARGETS_WITH_COMMENTS = 8;

export interface ReviewDueView {
  readonly header: CaseHeaderView;
  readonly kicker: string;
  readonly title: string;
  readonly when: string;
  readonly reviewTitle: string;
  readonly reviewers: string;
  readonly meeting: string;
  readonly hasMeeting: boolean;
  readonly targets: readonly TargetView[];
  readonly hasTargets: boolean;
  readonly openReview: Record<string, unknown>;
}

function reviewDate(source: CardSource) {
  return nextReviewDate(source.state) ?? source.state.plan?.content.reviewDate;
}

function meetingText(source: CardSource): string {
  const meeting = reviewRulesOf(source.procedure, source.state)?.meeting;
  if (!meeting) return '';
  const mode =
    meeting.mode === 'online'
      ? 'An online meeting'
      : meeting.mode === 'in_person'
        ? 'A meeting in person'
        : 'A meeting';
  const who = meeting.attendees.map((r) => roleLabelOf(source.procedure, r)).join(', ');
  // "may be invited": named as invited at the chair's choice, never as expected.
  const optional = meeting.optionalAttendees.map((r) => roleLabelOf(source.procedure, r)).join(', ');
  const invited = optional === '' ? '' : ` ${optional} may be invited.`;
  return escapeCardText(`${who ? `${mode} with: ${who}.` : `${mode}.`}${invited}`);
}

/** The reminder a mentor and tutor get before (and on) the review date. */
export function reviewDueView(source: CardSource): ReviewDueView {
  const { procedure, state, today } = source;
  const due = reviewDate(source);
  const review = reviewRulesOf(procedure, state);
  const when = due ? relativeWorkingDays(procedure, today, due) : 'not yet set';
  const meeting = meetingText(source);
  const targets = targetViews(procedure, currentTargets(state));
  return {
    header: caseHeader(source, 'review'),
    kicker: due === today ? 'REVIEW DUE TODAY' : 'REVIEW COMING UP',
    title: `${escapeCardText(review?.title ?? 'Review')} on ${longDate(due)}`,
    when: `Due ${when}.`,
    reviewTitle: escapeCardText(review?.title ?? 'Review'),
    reviewers: peopleInRoles(procedure, state, review?.reviewers ?? []).join('  \n'),
    meeting,
    hasMeeting: meeting !== '',
    targets,
    hasTargets: targets.length > 0,
    openReview: actionData('open_review', state.id, state.version),
  };
}

export interface ReviewFormView {
  readonly header: CaseHeaderView;
  readonly editable: boolean;
  readonly notice: string;
  readonly hasNotice: boolean;
  readonly title: string;
  readonly dueOn: string;
  readonly reviewers: string;
  readonly readOnlyNote: string;
  readonly perTarget: boolean;
  readonly targets: readonly (TargetView & {
    readonly ratingId: string;
    readonly commentId: string;
    readonly commentLabel: string;
    readonly askComment: boolean;
  })[];
  readonly hasTargets: boolean;
  readonly evidenceRequired: boolean;
  readonly evidenceLabel: string;
  readonly outcomes: readonly OutcomeView[];
  readonly attendeeChoices: readonly { readonly title: string; readonly value: string }[];
  readonly submit: Record<string, unknown>;
  readonly refresh: Record<string, unknown>;
  readonly refreshUserIds: readonly string[];
}

export interface ReviewFormOptions {
  /** The form for a reviewer; the read-only view for anyone else. */
  readonly editable: boolean;
  /** The Teams user id (MRI, "8:orgid:<object id>") of a person, where known: refresh.userIds. */
  readonly teamsUserIdOf: (person: Person) => string | undefined;
  /** A sentence saying why the card changed (a stale card answered with the current one). */
  readonly notice?: string;
}

/**
 * The review form: progress per target, evidence, the stage's outcomes with their plain
 * explanations. Sent as the read-only view; `refresh.userIds` names the reviewers on the case,
 * whose clients ask the bot for the editable form (Universal Actions).
 */
export function reviewFormView(source: CardSource, options: ReviewFormOptions): ReviewFormView {
  const { procedure, state } = source;
  const review = reviewRulesOf(procedure, state);
  const perTarget = review?.perTarget ?? false;
  const targets = perTarget
    ? targetViews(procedure, currentTargets(state)).map((t) => ({
        ...t,
        ratingId: ratingInputId(t.id),
        commentId: commentInputId(t.id),
        commentLabel: `Comment on ${t.number.toLowerCase()} (optional)`,
        // A comment box per target only while the card has room for it.
        askComment: currentTargets(state).length <= MAX_TARGETS_WITH_COMMENTS,
      }))
    : [];
  const reviewers = reviewersOf(procedure, state);
  const refreshUserIds = reviewers
    .map(options.teamsUserIdOf)
    .filter((id): id is string => id !== undefined && id !== '')
    .slice(0, MAX_REFRESH_USER_IDS);
  const reviewerNames = peopleInRoles(procedure, state, review?.reviewers ?? []);
  return {
    header: caseHeader(source, 'review'),
    editable: options.editable,
    notice: options.notice ? escapeCardText(options.notice) : '',
    hasNotice: options.notice !== undefined && options.notice !== '',
    title: escapeCardText(review?.title ?? 'Review'),
    dueOn: `Due ${longDate(reviewDate(source))}`,
    reviewers: reviewerNames.join('  \n'),
    readOnlyNote:
      reviewerNames.length > 0
        ? 'This review is recorded by the people below. The form opens for them on this card.'
        : 'This review is recorded by the course team in Trellis.',
    perTarget,
    targets,
    hasTargets: targets.length > 0,
    evidenceRequired: review?.evidenceRequired ?? false,
    evidenceLabel: review?.evidenceRequired ? 'Evidence seen (required)' : 'Evidence seen',
    outcomes: outcomeViews(review?.outcomes ?? []),
    attendeeChoices: [...new Set(state.people.map((p) => p.role))].map((role) => ({
      title: plainCardText(roleLabelOf(procedure, role)),
      value: role,
    })),
    submit: actionData('record_review', state.id, state.version, { targetIds: targets.map((t) => t.id) }),
    refresh: actionData('refresh', state.id, state.version, { card: 'review_form' }),
    refreshUserIds,
  };
}

export interface OverdueEscalationView {
  readonly header: CaseHeaderView;
  readonly title: string;
  readonly overdue: string;
  readonly reviewers: string;
  readonly lastActivity: string;
  readonly acknowledge: Record<string, unknown>;
}

/** Posted to the course team's channel when a review date passes without a review. */
export function overdueEscalationView(source: CardSource): OverdueEscalationView {
  const { procedure, state, today } = source;
  const due = reviewDate(source);
  const review = reviewRulesOf(procedure, state);
  const days = due ? workingDaysBetween(calendarFor(procedure), due, today) : 0;
  return {
    header: { ...caseHeader(source, 'review'), status: 'Review overdue', statusColor: 'Attention' },
    title: `${escapeCardText(review?.title ?? 'Review')} is overdue`,
    overdue: due
      ? `Due ${longDate(due)}: ${days} working ${days === 1 ? 'day' : 'days'} overdue.`
      : 'No review date is set.',
    reviewers: peopleInRoles(procedure, state, review?.reviewers ?? []).join('  \n') || 'Nobody named on the case',
    lastActivity: `Last change to the case: ${longDate(londonDateOf(new Date(state.updatedAt)))}.`,
    acknowledge: actionData('acknowledge', state.id, state.version, { about: 'review_overdue' }),
  };
}

/** What the review form submitted, as parsed: carried unchanged into the confirmation step. */
export interface ReviewSubmission {
  readonly caseId: string;
  readonly version: number;
  readonly progress: readonly {
    readonly targetId: string;
    readonly rating: string;
    readonly comment?: string | undefined;
  }[];
  readonly evidence?: string | undefined;
  readonly nextSteps?: string | undefined;
  readonly outcomeId: string;
  readonly attendees: readonly string[];
}

/**
 * The data the confirmation's "Yes, close the case" sends: the review form's own submission
 * (its inputs under their input ids) with `confirmClose`, so the review is recorded exactly as
 * it was filled in.
 */
export function confirmedReviewData(submission: ReviewSubmission): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const p of submission.progress) {
    inputs[ratingInputId(p.targetId)] = p.rating;
    if (p.comment !== undefined) inputs[commentInputId(p.targetId)] = p.comment;
  }
  return actionData('record_review', submission.caseId, submission.version, {
    targetIds: submission.progress.map((p) => p.targetId),
    ...inputs,
    ...(submission.evidence === undefined ? {} : { evidence: submission.evidence }),
    ...(submission.nextSteps === undefined ? {} : { nextSteps: submission.nextSteps }),
    outcomeId: submission.outcomeId,
    attendees: submission.attendees.join(','),
    confirmClose: true,
  });
}
