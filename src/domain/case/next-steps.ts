import { workingDaysBetween, type LocalDate, type WorkingCalendar } from '../calendar/index.js';
import type { Procedure, Stage } from '../procedure/schema.js';
import { calendarFor, planRulesOf } from './command-kit.js';
import { outstandingSignatories, planEditorsOnCase, signingBlockerOf } from './queries.js';
import type { CaseState } from './types.js';

/**
 * What a case is waiting for, and from whom: the one reading of a case behind the case page's
 * "next step" block, everyone's "What you need to do" (GET /api/me/todo) and the button a
 * Teams card offers the person who sees it (`awaitedAction`), so all three always agree. Each
 * step names the form on the case page that does it (`form`), so a link can open the case at
 * that form. Pure: the same state, procedure and day give the same steps.
 */

/** The kinds of step a case can wait for. */
export const NEXT_STEP_KINDS = [
  'perceptions',
  'sign',
  'complete_plan',
  'review',
  'meeting',
  'decision',
  'follow_up',
] as const;
/** The forms on the case page a step opens (their anchors there). */
export const NEXT_STEP_FORMS = ['perceptions', 'sign', 'edit-plan', 'review', 'meetings', 'actions'] as const;

export type NextStepKind = (typeof NEXT_STEP_KINDS)[number];

/** The form on the case page a step opens (its anchor there). */
export type NextStepForm = (typeof NEXT_STEP_FORMS)[number];

export interface NextStepPerson {
  readonly id: string;
  readonly name: string;
  readonly roleLabel: string;
}

export interface NextStep {
  readonly kind: NextStepKind;
  /** What is to be done, as an instruction to whoever does it: "Sign the plan". */
  readonly title: string;
  /** More in a sentence: what the plan still needs, when and where the meeting is. */
  readonly detail: string | undefined;
  readonly form: NextStepForm;
  /** The people on the case it is awaited from: any one of them (each of them, for a meeting). */
  readonly from: readonly NextStepPerson[];
  /** The course team can (also) do it. */
  readonly courseTeam: boolean;
  /** By when, where the procedure gives a date. */
  readonly by: LocalDate | undefined;
  readonly overdue: boolean;
}

/** A review is "due" from this many working days before its date: a working week. */
export const REVIEW_DUE_WORKING_DAYS = 5;
/** A review meeting is "coming up" this many days ahead. */
export const MEETING_AHEAD_DAYS = 14;

const roleLabelIn = (procedure: Procedure, roleId: string): string =>
  procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;

function peopleIn(procedure: Procedure, state: CaseState, roles: ReadonlySet<string>): NextStepPerson[] {
  return state.people
    .filter((p) => roles.has(p.role))
    .map((p) => ({ id: p.id, name: p.name, roleLabel: roleLabelIn(procedure, p.role) }));
}

/** Who records the stage's review: its reviewers (or those who speak for the course team) and anyone an outcome names. */
export function reviewerRolesOf(stage: Stage | undefined): string[] {
  const review = stage?.review;
  if (!review) return [];
  return [
    ...new Set([
      ...(review.agreedWithCourseTeam ? review.courseTeamRoles : review.reviewers),
      ...review.outcomes.flatMap((o) => o.by),
    ]),
  ];
}

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function step(fields: Omit<NextStep, 'detail' | 'by' | 'overdue' | 'courseTeam'> & Partial<NextStep>): NextStep {
  return { detail: undefined, by: undefined, overdue: false, courseTeam: false, ...fields };
}

export function nextSteps(
  procedure: Procedure,
  state: CaseState,
  today: LocalDate,
  calendar: WorkingCalendar,
): NextStep[] {
  if (state.status === 'closed') return [];
  const stage = procedure.stages.find((s) => s.id === state.stageId);
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  const steps: NextStep[] = [];
  const plan = state.plan;

  if (plan && plan.agreedOn === undefined) {
    // Perceptions first: the trainee gives their view of the concerns before anyone signs.
    if (planRulesOf(procedure, plan).fields.includes('trainee_perceptions') && plan.perceptions === undefined) {
      steps.push(
        step({
          kind: 'perceptions',
          title: 'Give your perceptions of the concerns',
          detail: 'The trainee’s own view of the concerns, recorded on the plan before it is signed.',
          form: 'perceptions',
          from: peopleIn(procedure, state, traineeRoles),
        }),
      );
    }
    // What signing would refuse today (the same check signing makes), put right by whoever may edit the plan.
    const blocker = signingBlockerOf(procedure, state, { calendar, today });
    if (blocker !== undefined) {
      steps.push(
        step({
          kind: 'complete_plan',
          title:
            blocker.part === 'review_date'
              ? 'Choose a review date the plan can be signed with'
              : 'Complete the plan so it can be signed',
          detail: blocker.message,
          form: 'edit-plan',
          from: planEditorsOnCase(procedure, state).map((p) => ({
            id: p.id,
            name: p.name,
            roleLabel: roleLabelIn(procedure, p.role),
          })),
          courseTeam: true,
        }),
      );
    } else {
      // One step per signature still needed: "the trainee", "the mentor or the tutor" (any one of them).
      for (const o of outstandingSignatories(procedure, state)) {
        if (o.people.length === 0) continue;
        steps.push(
          step({
            kind: 'sign',
            title: 'Sign the plan',
            form: 'sign',
            from: o.people.map((p) => ({ id: p.id, name: p.name, roleLabel: roleLabelIn(procedure, p.role) })),
          }),
        );
      }
    }
  }

  const reviewDate = state.status === 'active' && state.paused === undefined ? plan?.content.reviewDate : undefined;
  if (reviewDate !== undefined) {
    const overdue = reviewDate < today;
    const reviewerRoles = new Set(reviewerRolesOf(stage));
    const reviewers = peopleIn(procedure, state, reviewerRoles);
    if (overdue || workingDaysBetween(calendar, today, reviewDate) <= REVIEW_DUE_WORKING_DAYS) {
      steps.push(
        step({
          kind: 'review',
          title: 'Complete the review',
          form: 'review',
          from: reviewers,
          courseTeam: stage?.review?.agreedWithCourseTeam === true,
          by: reviewDate,
          overdue,
        }),
      );
    }
    if (!overdue && daysBetween(today, reviewDate) <= MEETING_AHEAD_DAYS) {
      const meeting = plan?.reviewMeeting;
      const where =
        meeting === undefined
          ? undefined
          : [
              `at ${meeting.startTime}`,
              meeting.mode === 'online'
                ? 'online'
                : meeting.location === undefined
                  ? undefined
                  : `at ${meeting.location}`,
            ]
              .filter((s) => s !== undefined)
              .join(', ');
      steps.push(
        step({
          kind: 'meeting',
          title: 'Review meeting',
          detail: where === undefined ? undefined : `The review meeting is ${where}.`,
          form: 'meetings',
          // The reviewers have the review itself on their list; the meeting is for everyone else on the case.
          from: state.people
            .filter((p) => !reviewerRoles.has(p.role))
            .map((p) => ({ id: p.id, name: p.name, roleLabel: roleLabelIn(procedure, p.role) })),
          by: reviewDate,
        }),
      );
    }
    const acknowledged = state.acknowledgements.some(
      (a) => a.about === 'review_overdue' && a.reviewDate === reviewDate,
    );
    if (overdue && !acknowledged) {
      steps.push(
        step({
          kind: 'follow_up',
          title: 'Follow up the overdue review',
          form: 'actions',
          from: [],
          courseTeam: true,
          by: reviewDate,
          overdue: true,
        }),
      );
    }
  }

  if (state.status === 'awaiting_decision' && stage) {
    const title =
      stage.panel !== undefined
        ? 'Convene the panel and record its decision'
        : stage.plan !== undefined
          ? `Start the plan for ${stage.title}`
          : `Decide what happens next at ${stage.title}`;
    steps.push(step({ kind: 'decision', title, form: 'actions', from: [], courseTeam: true }));
  }
  return steps;
}

/** Whether a step is awaited from this person (by sign-in name). */
export function isAwaitedFrom(s: NextStep, personId: string): boolean {
  const id = personId.toLowerCase();
  return s.from.some((p) => p.id.toLowerCase() === id);
}

/** What a case awaits from one person that a card can offer as its button: their signature, or the review they carry out. */
export type AwaitedAction = Extract<NextStepKind, 'sign' | 'review'>;

/**
 * The step a card's button does for this person (by sign-in name), read from the same steps as
 * the tab's next-step block: "Sign the plan" when a signature of theirs is still needed, else
 * "Complete the review" when the review is due or overdue and they record it; nothing otherwise.
 */
export function awaitedAction(
  procedure: Procedure,
  state: CaseState,
  personId: string,
  today: LocalDate,
  calendar: WorkingCalendar = calendarFor(procedure),
): AwaitedAction | undefined {
  for (const s of nextSteps(procedure, state, today, calendar)) {
    if ((s.kind === 'sign' || s.kind === 'review') && isAwaitedFrom(s, personId)) return s.kind;
  }
  return undefined;
}
