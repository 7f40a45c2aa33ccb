import type { RecordReviewBody } from '../../api/trellis-api';
import { PROGRESS_RATINGS, type CaseView, type ProgressRating } from '../../api/types';

/** The review form's draft: what the person has typed so far, kept across a conflict. */
export interface ReviewDraft {
  readonly ratings: Readonly<Record<string, ProgressRating | undefined>>;
  readonly comments: Readonly<Record<string, string>>;
  readonly evidence: string;
  readonly nextSteps: string;
  readonly outcomeId: string;
  readonly attendees: readonly string[];
}

export const emptyDraft = (): ReviewDraft => ({
  ratings: {},
  comments: {},
  evidence: '',
  nextSteps: '',
  outcomeId: '',
  attendees: [],
});

/** A stored draft of the review form (localStorage) still has the form's shape. */
export function isReviewDraft(value: unknown): value is ReviewDraft {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d.ratings === 'object' &&
    d.ratings !== null &&
    typeof d.comments === 'object' &&
    d.comments !== null &&
    typeof d.evidence === 'string' &&
    typeof d.nextSteps === 'string' &&
    typeof d.outcomeId === 'string' &&
    Array.isArray(d.attendees) &&
    d.attendees.every((a) => typeof a === 'string')
  );
}

export const isRating = (value: string): value is ProgressRating =>
  (PROGRESS_RATINGS as readonly string[]).includes(value);

/** The chosen outcome, where it closes the case (or hands it on): the form asks for confirmation first. */
export function closingOutcome(view: CaseView, outcomeId: string): CaseView['derived']['outcomes'][number] | undefined {
  const outcome = view.derived.outcomes.find((o) => o.id === outcomeId);
  return outcome?.effect.type === 'close' || outcome?.effect.type === 'hand_off' ? outcome : undefined;
}

/** What is missing before the review can be sent, per field; empty when ready. */
export function draftProblems(view: CaseView, draft: ReviewDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const target of view.plan?.content.targets ?? []) {
    if (draft.ratings[target.id] === undefined)
      problems[`rating-${target.id}`] = `Say how far target ${target.id} has been met.`;
  }
  if (draft.outcomeId === '') problems.outcome = 'Choose the outcome of the review.';
  return problems;
}

export function reviewBody(view: CaseView, draft: ReviewDraft): RecordReviewBody {
  const trimmed = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
  return {
    progress: (view.plan?.content.targets ?? []).flatMap((t) => {
      const rating = draft.ratings[t.id];
      if (rating === undefined) return [];
      const comment = trimmed(draft.comments[t.id] ?? '');
      return [{ targetId: t.id, rating, ...(comment === undefined ? {} : { comment }) }];
    }),
    ...(trimmed(draft.evidence) === undefined ? {} : { evidence: trimmed(draft.evidence) }),
    ...(trimmed(draft.nextSteps) === undefined ? {} : { nextSteps: trimmed(draft.nextSteps) }),
    attendees: draft.attendees,
    outcomeId: draft.outcomeId,
  };
}

/** A review can be recorded on an agreed plan at a stage with outcomes, by one of its reviewers. */
export function canRecordReview(view: CaseView, upn: string): boolean {
  if (
    view.status !== 'active' ||
    view.view === 'trainee' ||
    view.derived.outcomes.length === 0 ||
    view.plan?.agreedOn === undefined
  )
    return false;
  const reviewers = new Set((view.derived.reviewers ?? []).map((r) => r.id));
  const me = upn.toLowerCase();
  const myRoles = view.people.filter((p) => p.id.toLowerCase() === me).map((p) => p.role);
  // Course team members who are not named on the case may also record; the server checks.
  return reviewers.size === 0 || myRoles.length === 0 || myRoles.some((r) => reviewers.has(r));
}
