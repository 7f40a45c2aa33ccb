import { bindCard, type AdaptiveCardJson } from './templates.js';
import type {
  CaseClosedView,
  CaseSummaryView,
  ConcernRaisedView,
  OutcomeRecordedView,
  PlacementSuspendedView,
  StageChangedView,
} from './views/lifecycle.js';
import type { NoticeCardView } from './views/notice-card.js';
import type { PlanAgreedView, SignatureRequestView } from './views/plan.js';
import type { OverdueEscalationView, ReviewDueView, ReviewFormView } from './views/review.js';

/**
 * Pure builders: a view model in, a bound Adaptive Card out. View models are
 * built from the case and its procedure by the functions in ./views; keeping the two apart
 * lets a test or the outbox viewer bind a card from any view without a case.
 */

export const buildReviewDueCard = (view: ReviewDueView): AdaptiveCardJson => bindCard('review_due', view);
export const buildReviewFormCard = (view: ReviewFormView): AdaptiveCardJson => bindCard('review_form', view);
export const buildSignatureRequestCard = (view: SignatureRequestView): AdaptiveCardJson =>
  bindCard('signature_request', view);
export const buildCaseSummaryCard = (view: CaseSummaryView): AdaptiveCardJson => bindCard('case_summary', view);
export const buildPlanAgreedCard = (view: PlanAgreedView): AdaptiveCardJson => bindCard('plan_agreed', view);
export const buildStageChangedCard = (view: StageChangedView): AdaptiveCardJson => bindCard('stage_changed', view);
export const buildOutcomeRecordedCard = (view: OutcomeRecordedView): AdaptiveCardJson =>
  bindCard('outcome_recorded', view);
/** A notification's own words as a card: decisions, and notices the course team must pass on. */
export const buildNoticeCard = (view: NoticeCardView): AdaptiveCardJson => bindCard('notice_card', view);
export const buildCaseClosedCard = (view: CaseClosedView): AdaptiveCardJson => bindCard('case_closed', view);
export const buildConcernRaisedCard = (view: ConcernRaisedView): AdaptiveCardJson => bindCard('concern_raised', view);
export const buildOverdueEscalationCard = (view: OverdueEscalationView): AdaptiveCardJson =>
  bindCard('overdue_escalation', view);
export const buildPlacementSuspendedCard = (view: PlacementSuspendedView): AdaptiveCardJson =>
  bindCard('placement_suspended', view);
