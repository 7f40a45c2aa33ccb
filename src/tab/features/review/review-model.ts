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
  /** A group's decision: everyone in the group and whether each attended (absent in drafts kept before it). */
  readonly members?: readonly MemberRow[];
  /** The targets a decision that opens a linked case names, one per line. */
  readonly linkedTargets?: string;
}

export interface MemberRow {
  readonly name: string;
  readonly role: string;
  readonly attended: boolean;
}

export const emptyMember = (): MemberRow => ({ name: '', role: '', attended: true });

export const emptyDraft = (): ReviewDraft => ({
  ratings: {},
  comments: {},
  evidence: '',
  nextSteps: '',
  outcomeId: '',
  attendees: [],
  members: [emptyMember()],
  linkedTargets: '',
});

/** The lines of a text box that say something: one target each. */
export const targetLines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** The outcome chosen, where it opens a linked case. */
export function linkedCaseOf(view: CaseView, outcomeId: string) {
  return view.derived.outcomes.find((o) => o.id === outcomeId)?.opensLinkedCase;
}

/** Whether the review judges each target (false: a decision on the case as a whole). */
export const judgesTargets = (view: CaseView): boolean => view.derived.perTarget !== false;

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
  for (const target of judgesTargets(view) ? (view.plan?.content.targets ?? []) : []) {
    if (draft.ratings[target.id] === undefined)
      problems[`rating-${target.id}`] = `Say how far target ${target.id} has been met.`;
  }
  if (draft.outcomeId === '') problems.outcome = 'Choose the outcome of the review.';
  if (view.derived.membersRecorded === true) {
    const members = (draft.members ?? []).filter((m) => m.name.trim() !== '');
    if (members.length === 0) problems.members = 'Name the members of the group and whether each attended.';
    else if (!members.some((m) => m.attended)) problems.members = 'At least one member attended the decision.';
  }
  const linked = linkedCaseOf(view, draft.outcomeId);
  if (linked?.targetsRequired === true && targetLines(draft.linkedTargets ?? '').length === 0)
    problems.linkedTargets = 'Name the targets the new case addresses, one per line.';
  return problems;
}

export function reviewBody(view: CaseView, draft: ReviewDraft): RecordReviewBody {
  const trimmed = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
  return {
    progress: (judgesTargets(view) ? (view.plan?.content.targets ?? []) : []).flatMap((t) => {
      const rating = draft.ratings[t.id];
      if (rating === undefined) return [];
      const comment = trimmed(draft.comments[t.id] ?? '');
      return [{ targetId: t.id, rating, ...(comment === undefined ? {} : { comment }) }];
    }),
    ...(trimmed(draft.evidence) === undefined ? {} : { evidence: trimmed(draft.evidence) }),
    ...(trimmed(draft.nextSteps) === undefined ? {} : { nextSteps: trimmed(draft.nextSteps) }),
    attendees: draft.attendees,
    outcomeId: draft.outcomeId,
    ...(view.derived.membersRecorded === true
      ? {
          members: (draft.members ?? [])
            .filter((m) => m.name.trim() !== '')
            .map((m) => ({
              name: m.name.trim(),
              ...(m.role.trim() === '' ? {} : { role: m.role.trim() }),
              attended: m.attended,
            })),
        }
      : {}),
    ...(linkedCaseOf(view, draft.outcomeId) === undefined
      ? {}
      : { linkedCaseTargets: targetLines(draft.linkedTargets ?? '').map((text) => ({ text })) }),
  };
}

/** A review can be recorded on an agreed plan at a stage with outcomes, by one of its reviewers. */
export function canRecordReview(view: CaseView, upn: string): boolean {
  // A decision on the case as a whole (the Executive Group) waits on no plan; a review of targets needs the agreed plan.
  const decision = !judgesTargets(view) && view.status === 'awaiting_decision';
  if (
    (view.status !== 'active' && !decision) ||
    view.view === 'trainee' ||
    view.derived.outcomes.length === 0 ||
    (!decision && view.plan?.agreedOn === undefined)
  )
    return false;
  const reviewers = new Set((view.derived.reviewers ?? []).map((r) => r.id));
  const me = upn.toLowerCase();
  const myRoles = view.people.filter((p) => p.id.toLowerCase() === me).map((p) => p.role);
  // Course team members who are not named on the case may also record; the server checks.
  return reviewers.size === 0 || myRoles.length === 0 || myRoles.some((r) => reviewers.has(r));
}
