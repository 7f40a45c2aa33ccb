import type { LocalDate } from '../calendar/index.js';

/**
 * The case aggregate: one trainee on one placement under one procedure.
 * State is only ever produced by folding the event trail (apply-event.ts), so replaying the
 * trail always rebuilds it.
 */

export const APP_ROLES = ['course_team', 'admin'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/** Who is asking. `id` is the person's sign-in name (UPN), compared case-insensitively. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly appRoles: readonly AppRole[];
}

export interface Person {
  /** A role id from the procedure ("mentor", "partnership_tutor"). */
  readonly role: string;
  /** Sign-in name (UPN); also the email address in most tenants. */
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

export interface Placement {
  readonly school: string;
  readonly subject: string | undefined;
  readonly phase: string | undefined;
  /** Programme or cohort, e.g. "PGCE Secondary 2026/27": the course team's channel filters on it. */
  readonly programme: string;
  readonly startsOn: LocalDate | undefined;
  readonly endsOn: LocalDate | undefined;
  /** The school's contact address (school office or headteacher), where the course team gave one. */
  readonly schoolContactEmail?: string | undefined;
}

export interface FrameworkLink {
  readonly frameworkId: string;
  readonly code: string;
}

export interface Concern {
  readonly text: string;
  readonly links: readonly FrameworkLink[];
  /** The grade given against the grade descriptors, where the form grades concerns (a scale id). */
  readonly grade?: string | undefined;
}

export interface TargetAction {
  /** A role id, or a responsibility code such as RCTTP's "T", "S", "RCTTP". */
  readonly party: string;
  readonly text: string;
}

export interface Target {
  readonly id: string;
  readonly text: string;
  readonly links: readonly FrameworkLink[];
  readonly actions: readonly TargetAction[];
  readonly successCriteria: string | undefined;
  readonly timescale: string | undefined;
  readonly supportRequired: string | undefined;
  readonly monitoring: string | undefined;
  /** The target that current observations focus on. */
  readonly observationFocus: boolean;
}

export interface PlanMeeting {
  readonly heldOn: LocalDate | undefined;
  readonly mode: 'online' | 'in_person' | undefined;
  /** Role ids present, so the procedure can inform those absent. */
  readonly attendees: readonly string[];
  /** The concern relates to the school placement (Mid-Essex: professional tutor and subject mentor attend). */
  readonly placementConcern: boolean;
}

export interface PlanContent {
  readonly concernStatement: string | undefined;
  readonly concerns: readonly Concern[];
  readonly targets: readonly Target[];
  readonly trainingNeeds: string | undefined;
  readonly supportMeasures: readonly string[];
  readonly reviewDate: LocalDate | undefined;
  readonly meeting: PlanMeeting;
}

export const MEETING_KINDS = ['plan', 'review'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** How a meeting is (or was) held. */
export const MEETING_MODES_HELD = ['online', 'in_person'] as const;
export type MeetingModeHeld = (typeof MEETING_MODES_HELD)[number];

export interface MeetingAttendee {
  readonly personId: string;
  readonly role: string;
  readonly name: string;
}

/** A meeting that was held, as recorded on the case. */
export interface MeetingRecord {
  readonly id: string;
  readonly kind: MeetingKind;
  readonly stageId: string;
  readonly planVersion: number;
  readonly heldOn: LocalDate;
  readonly startTime: string | undefined;
  readonly mode: MeetingModeHeld;
  readonly location: string | undefined;
  readonly onlineLink: string | undefined;
  readonly attendees: readonly MeetingAttendee[];
  readonly placementConcern: boolean | undefined;
  /** Internal notes, hidden from the trainee like review notes. */
  readonly notes: string | undefined;
  readonly recordedBy: string;
  readonly recordedOn: LocalDate;
}

/** When and where a plan's review is held; the date is the plan's review date. */
export interface ReviewMeetingPlan {
  readonly startTime: string;
  readonly durationMinutes: number;
  readonly mode: MeetingModeHeld;
  readonly location: string | undefined;
}

export interface Signature {
  readonly role: string;
  readonly personId: string;
  readonly typedName: string;
  readonly signedOn: LocalDate;
  readonly at: string;
  /**
   * The first day the plan's wording was corrected after this signature was given: the
   * signature stands, given to the earlier wording.
   */
  readonly wordingCorrectedOn?: LocalDate;
}

export interface TraineePerceptions {
  readonly text: string;
  readonly recordedBy: string;
  readonly recordedOn: LocalDate;
}

/** Where a plan's rules come from: a stage's own plan, or an outcome's revised-plan rules. */
export interface PlanRulesSource {
  readonly stageId: string;
  readonly outcome: { readonly stageId: string; readonly outcomeId: string; readonly panelId?: string } | undefined;
}

export interface Plan {
  /** 1 for the first plan on the case, then 2, 3 … for revised plans. */
  readonly version: number;
  /** The stage the plan is drafted at. */
  readonly stageId: string;
  /** The stage whose review judges it. */
  readonly reviewAt: string;
  readonly rulesFrom: PlanRulesSource;
  readonly content: PlanContent;
  readonly perceptions: TraineePerceptions | undefined;
  readonly signatures: readonly Signature[];
  readonly agreedOn: LocalDate | undefined;
  /** Working days the case was paused for health since agreement: they extend the window. */
  readonly pausedWorkingDays: number;
  readonly extensions: readonly { readonly from: LocalDate; readonly to: LocalDate; readonly reason: string }[];
  /** The review meeting as scheduled; undefined until someone chooses it (the defaults then apply). */
  readonly reviewMeeting: ReviewMeetingPlan | undefined;
}

export const PROGRESS_RATINGS = ['met', 'partly_met', 'not_met'] as const;
export type ProgressRating = (typeof PROGRESS_RATINGS)[number];

export interface TargetProgress {
  readonly targetId: string;
  readonly rating: ProgressRating;
  readonly comment: string | undefined;
}

export interface Review {
  readonly id: string;
  readonly stageId: string;
  readonly planVersion: number | undefined;
  readonly reviewedOn: LocalDate;
  readonly progress: readonly TargetProgress[];
  readonly evidence: string | undefined;
  readonly notes: string | undefined;
  readonly attendees: readonly string[];
  readonly outcomeId: string;
  readonly nextSteps: string | undefined;
  readonly recordedBy: string;
  /** A group's decision: its members and who attended (absent for a review by named roles). */
  readonly members?: readonly GroupMember[];
}

export interface GroupMember {
  readonly name: string;
  readonly role: string | undefined;
  readonly attended: boolean;
}

/** A case this one leads on to, or came from: a decision that opens a linked case. */
export interface CaseLink {
  readonly caseId: string;
  readonly reference: string;
  readonly outcomeId: string;
}

/** A linked case a decision on this case opened (or is opening): its id and reference, fixed with the decision. */
export interface LinkedCaseDecision extends CaseLink {
  readonly stageId: string;
  readonly panelId: string | undefined;
  readonly decidedOn: LocalDate;
  readonly decidedBy: string;
  readonly targets: readonly Target[];
}

export interface FeeWaiver {
  readonly outcomeId: string;
  readonly amount: string;
  /** Why it was waived; undefined in the staff view (the trainee's circumstances). */
  readonly reason: string | undefined;
  /** The letter sent to the trainee, as sent; undefined in the staff view, like the reason. */
  readonly letter: string | undefined;
  readonly by: string;
  readonly byName: string;
  readonly on: LocalDate;
}

export const APPEAL_OUTCOMES = ['upheld', 'not_upheld', 'withdrawn'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

export interface Appeal {
  readonly id: string;
  readonly lodgedOn: LocalDate;
  readonly grounds: string;
  /** The decision appealed against (an outcome id). */
  readonly against: string;
  readonly recordedBy: string;
  readonly recordedByName: string;
  readonly decision:
    | { readonly on: LocalDate; readonly outcome: AppealOutcome; readonly reasons: string; readonly byName: string }
    | undefined;
}

export interface PanelMember {
  readonly id: string;
  readonly name: string;
  readonly role: string | undefined;
}

export interface PanelMeetingRecord {
  readonly heldOn: LocalDate;
  readonly attendees: readonly string[];
  readonly decisionId: string | undefined;
  readonly rationale: string | undefined;
}

export interface PanelState {
  readonly panelId: string;
  readonly stageId: string;
  readonly convenedOn: LocalDate;
  readonly members: readonly PanelMember[];
  readonly evidence: readonly string[];
  readonly chair: string | undefined;
  readonly meetings: readonly PanelMeetingRecord[];
  readonly decisionId: string | undefined;
}

/**
 * Why a recorded text is corrected (the right to rectification):
 * - `inaccurate`: it is wrong; the old wording is removed from storage, not only superseded.
 * - `incomplete`: it is right as far as it goes; the fuller text supersedes it and the earlier
 *   wording stays in the stored trail as what was recorded then.
 * - `excessive`: it holds more personal data than the record needs (a health detail, a third
 *   party); like `inaccurate`, the old wording is removed from storage.
 */
export const CORRECTION_REASONS = ['inaccurate', 'incomplete', 'excessive'] as const;
export type CorrectionReason = (typeof CORRECTION_REASONS)[number];

/** Reasons whose correction removes the earlier wording from storage. */
export function correctionRemovesOldText(reason: CorrectionReason): boolean {
  return reason !== 'incomplete';
}

/** A recorded text that was corrected: where, when, by whom and why (never the old wording). */
export interface TextCorrection {
  /** The event that recorded the text, and the field within its data ("content.concerns.0.text"). */
  readonly seq: number;
  readonly field: string;
  /** The plan whose wording it was, when it was a plan's. */
  readonly planVersion: number | undefined;
  readonly reason: CorrectionReason;
  readonly explanation: string;
  readonly by: string;
  readonly byName: string;
  readonly on: LocalDate;
  readonly at: string;
}

export const CASE_STATUSES = ['planning', 'awaiting_signatures', 'active', 'awaiting_decision', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CLOSE_RESOLUTIONS = [
  'resolved',
  'decision',
  'withdrawn',
  'referred',
  'handed_off',
  'closed_by_course_team',
  /** Closed by the course team as opened in error: it never counts as an earlier case of the trainee. */
  'opened_in_error',
] as const;
export type CloseResolution = (typeof CLOSE_RESOLUTIONS)[number];

export const PAUSE_REASONS = ['health', 'bereavement', 'other_leave'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export interface StageVisit {
  readonly stageId: string;
  readonly enteredOn: LocalDate;
  readonly via: StageEntry;
}

export const STAGE_ENTRIES = ['opened', 'plan_agreed', 'outcome', 'escalation', 'decision'] as const;
export type StageEntry = (typeof STAGE_ENTRIES)[number];

/** Someone who was named on the case and left it (replaced or removed). */
export interface FormerPerson {
  readonly person: Person;
  readonly until: LocalDate;
  readonly reason: string;
}

/** Notices the course team acknowledges ("we have this in hand"): a raised concern, an overdue review. */
export const NOTICE_KINDS = ['concern_raised', 'review_overdue'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * One acknowledgement on the record. What it acknowledges is `about` plus the stage the concern
 * was raised at (concern_raised) or the review date that passed (review_overdue).
 */
export interface NoticeAcknowledgement {
  readonly about: NoticeKind;
  readonly stageId: string;
  readonly reviewDate: LocalDate | undefined;
  readonly by: string;
  readonly byName: string;
  readonly on: LocalDate;
  readonly at: string;
}

/** A closed case reopened by the course team: what the closure was and why it was undone. */
export interface Reopening {
  readonly on: LocalDate;
  readonly by: string;
  readonly byName: string;
  readonly reason: string;
  readonly closedOn: LocalDate;
  readonly resolution: CloseResolution;
  readonly outcomeId: string | undefined;
  readonly setAsideReviewId: string | undefined;
}

/** A milestone of the stage's week-by-week plan recorded as done; `visit` as for tasks. */
export interface MilestoneDone {
  readonly stageId: string;
  readonly milestoneId: string;
  readonly by: string;
  readonly byName: string;
  readonly on: LocalDate;
  readonly note: string | undefined;
  readonly visit: number;
}

export interface CaseState {
  readonly id: string;
  readonly reference: string;
  readonly procedureId: string;
  /** The procedure's `version` when the case was opened (a whole number or the provider's label). */
  readonly procedureVersion: number | string;
  /**
   * The definition the case follows: the hash of the procedure version it was opened under or
   * last moved to (kept in the Trellis Procedure Versions list). Undefined for a case opened
   * before versions were kept: it follows the definition that runs now.
   */
  readonly procedureHash: string | undefined;
  readonly reasons: readonly string[];
  readonly people: readonly Person[];
  readonly placement: Placement;
  readonly openedOn: LocalDate;
  readonly openedBy: string;
  readonly reinitiation: { readonly groundId: string; readonly evidence: string | undefined } | undefined;
  readonly status: CaseStatus;
  readonly stageId: string;
  readonly stageStartsOn: LocalDate;
  readonly stageHistory: readonly StageVisit[];
  readonly plan: Plan | undefined;
  readonly previousPlans: readonly Plan[];
  readonly reviews: readonly Review[];
  readonly panels: readonly PanelState[];
  /** `visit` is the index in `stageHistory` of the stage visit the task was done in: a stage entered again does its tasks again. */
  readonly tasksDone: readonly {
    readonly stageId: string;
    readonly taskId: string;
    readonly by: string;
    readonly on: LocalDate;
    readonly note: string | undefined;
    readonly visit: number;
  }[];
  /** `reason` is undefined only in a view for someone the reason is not shown to (a health pause reads "Paused"). */
  readonly paused: { readonly since: LocalDate; readonly reason: PauseReason | undefined } | undefined;
  /** `byName` is undefined for a suspension recorded before the trail kept the name. */
  readonly placementSuspended:
    | { readonly on: LocalDate; readonly by: string; readonly byName: string | undefined; readonly reason: string }
    | undefined;
  /** The course team's acknowledgements of notices, first one per concern or review date. */
  readonly acknowledgements: readonly NoticeAcknowledgement[];
  readonly closure:
    | {
        readonly on: LocalDate;
        readonly resolution: CloseResolution;
        readonly outcomeId: string | undefined;
        readonly reason: string | undefined;
        readonly handOffTo: string | undefined;
      }
    | undefined;
  /** People who were named on the case and have left it: their signatures still say who gave them. */
  readonly formerPeople: readonly FormerPerson[];
  /** Earlier placements, newest last, each with the day the move took effect. */
  readonly formerPlacements: readonly {
    readonly placement: Placement;
    readonly until: LocalDate;
    readonly reason: string;
  }[];
  /** Plan meetings and review meetings held, oldest first. */
  readonly meetings: readonly MeetingRecord[];
  /** Recorded texts corrected since, oldest first. */
  readonly corrections: readonly TextCorrection[];
  /** The case this one continues, opened by a decision on it. */
  readonly linkedFrom: CaseLink | undefined;
  /** Cases decisions on this one opened, oldest first. */
  readonly linkedCases: readonly LinkedCaseDecision[];
  /** Fees waived by the course team, each with the letter sent. */
  readonly feeWaivers: readonly FeeWaiver[];
  /** Appeals against decisions on the case. */
  readonly appeals: readonly Appeal[];
  /** The status the case had when it last closed: a reopened case returns to it. */
  readonly statusBeforeClosure: CaseStatus | undefined;
  /** The pause in force when the case last closed (closing ends it): a reopened case is paused again. */
  readonly pausedBeforeClosure: CaseState['paused'];
  /** Each time the course team reopened the case after a closure made by mistake, oldest first. */
  readonly reopenings: readonly Reopening[];
  /** Reviews whose closing outcome was set aside when the case was reopened: kept for the history. */
  readonly setAsideReviews: readonly Review[];
  /** Milestones of a week-by-week plan recorded as done, per stage visit. */
  readonly milestonesDone: readonly MilestoneDone[];
  /** Number of events applied: the case's version for optimistic concurrency. */
  readonly version: number;
  readonly updatedAt: string;
}
