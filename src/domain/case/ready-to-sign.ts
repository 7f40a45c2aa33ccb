import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import { DomainError } from '../errors.js';
import type { Procedure } from '../procedure/schema.js';
import { planRulesOf, roleLabel } from './command-kit.js';
import { assertPlanComplete, assertReviewDateFits, reviewWindow } from './plan-rules.js';
import type { CaseState, Person, Plan } from './types.js';

/**
 * Ready to sign: the one answer to "what would signing refuse, today". `sign_plan` applies it to
 * every signature; the case page, the next steps and the notification planner ask it before
 * saying the plan can be signed or asking anyone to sign, so none of them can disagree with what
 * signing then does.
 *
 * Signing checks what the form needs (targets, the review date, the statement of concern, the
 * actions, grades lined up with targets) and the review date by the same rules as editing the
 * plan, counted from the day of signing: after today, within the procedure's window, and where
 * the procedure sets a window, on a working day (not a weekend, an England and Wales bank holiday
 * or a provider closure) and not after the placement ends. A date that was fine when the draft
 * was written can stop being fine (the day passes, the placement's end moves earlier), and the
 * plan then waits for a new date before anyone is asked to sign.
 */

/** The day signing is asked about, and the provider's calendar it is counted in. */
export interface SigningDay {
  readonly calendar: WorkingCalendar;
  readonly today: LocalDate;
}

/** Throws the DomainError signing would refuse with today, if any. */
export function assertReadyToSign(procedure: Procedure, state: CaseState, plan: Plan, day: SigningDay): void {
  const rules = planRulesOf(procedure, plan);
  assertPlanComplete(rules, plan.content, {
    held: new Set(state.people.map((p) => p.role)),
    label: (role) => roleLabel(procedure, role),
  });
  const reviewDate = plan.content.reviewDate;
  if (reviewDate === undefined) {
    throw new DomainError('review_date_missing', `${rules.title} needs a review date before it can be signed.`);
  }
  // The window counts from the day the plan is agreed: provisionally today.
  assertReviewDateFits(reviewDate, reviewWindow(rules, day.today, day.calendar), {
    calendar: day.calendar,
    placementEndsOn: state.placement.endsOn,
    today: day.today,
  });
}

/** What keeps the plan being drawn up from being signed today, and which part of it has to change. */
export interface SigningBlocker {
  /** The sentence signing would refuse with. */
  readonly message: string;
  /** The review date, or something else on the form (targets, actions, the statement of concern). */
  readonly part: 'review_date' | 'form';
}

/**
 * Whether the plan being drawn up passes every check signing would make today, and if not, what
 * signing would refuse. Signature requests go out only once it is ready, so nobody is asked to
 * sign a form they cannot sign; until then the case says what is missing. Undefined once agreed,
 * with no plan, or on a closed case.
 */
export function signingBlockerOf(procedure: Procedure, state: CaseState, day: SigningDay): SigningBlocker | undefined {
  const plan = state.plan;
  if (!plan || plan.agreedOn !== undefined || state.status === 'closed') return undefined;
  try {
    assertReadyToSign(procedure, state, plan, day);
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const part =
      error.code === 'review_date_missing' || error.code === 'review_date_outside_window' ? 'review_date' : 'form';
    return { message: error.userMessage, part };
  }
}

/** The sentence signing would refuse with today, or undefined when the plan can be signed. */
export function signingBlocker(procedure: Procedure, state: CaseState, day: SigningDay): string | undefined {
  return signingBlockerOf(procedure, state, day)?.message;
}

/**
 * The people named on the case who may put right what keeps a plan from being signed: whoever may
 * edit the plan, that is staff named on the case (the course team may too, and is not named here).
 */
export function planEditorsOnCase(procedure: Procedure, state: CaseState): Person[] {
  return state.people.filter((p) => procedure.roles.find((r) => r.id === p.role)?.side !== 'trainee');
}
