import {
  addDuration,
  addYears,
  type Duration,
  addWorkingDays,
  describeDuration,
  describeNonWorkingReason,
  formatLongDate,
  isAfter,
  nonWorkingReason,
  type LocalDate,
  type WorkingCalendar,
} from '../calendar/index.js';
import { DomainError } from '../errors.js';
import { findFrameworkEntry } from '../frameworks/framework.js';
import type { PlanRules, Procedure, SignatureRequirement } from '../procedure/schema.js';
import type { CaseState, FrameworkLink, Plan, PlanContent, Signature } from './types.js';

/**
 * The rules a plan must satisfy: limits checked as it is edited (targets, links, window) and
 * completeness checked before anyone signs. Each rule throws a DomainError with its own code.
 */

export interface ReviewWindow {
  /** The first date a review may be set for: the day after the plan starts. */
  readonly earliest: LocalDate;
  /** The latest review date, or undefined when the procedure sets no limit. */
  readonly latest: LocalDate | undefined;
  /** The procedure's own words for the window (shown beside the date), when it sets one. */
  readonly description: string | undefined;
  /** The limit as a phrase that fits inside a sentence: "within 10 working days of the plan being agreed". */
  readonly limit: string | undefined;
}

/**
 * The window counts from the day the plan is agreed (provisionally: today, while drafting),
 * lengthened by working days the case was paused for health.
 */
export function reviewWindow(
  rules: PlanRules,
  startsOn: LocalDate,
  calendar: WorkingCalendar,
  pausedWorkingDays = 0,
): ReviewWindow {
  const latest = rules.reviewWindow ? windowEnd(calendar, startsOn, rules.reviewWindow, pausedWorkingDays) : undefined;
  return {
    earliest: startsOn,
    latest,
    description: rules.reviewWindow
      ? (rules.reviewWindowText ?? `within ${describeDuration(rules.reviewWindow)} of the plan being agreed`)
      : undefined,
    limit: rules.reviewWindow ? `within ${describeDuration(rules.reviewWindow)} of the plan being agreed` : undefined,
  };
}

/** The last day of a window from `startsOn`, lengthened by the working days a health pause stopped the clock. */
export function windowEnd(
  calendar: WorkingCalendar,
  startsOn: LocalDate,
  duration: Duration,
  pausedWorkingDays = 0,
): LocalDate {
  return addWorkingDays(calendar, addDuration(calendar, startsOn, duration), pausedWorkingDays);
}

export function assertReviewDateInWindow(reviewDate: LocalDate, window: ReviewWindow): void {
  if (!isAfter(reviewDate, window.earliest)) {
    throw new DomainError(
      'review_date_outside_window',
      `The review date must be after ${formatLongDate(window.earliest)}, the day the plan starts.`,
      { reviewDate, earliest: window.earliest },
    );
  }
  if (window.latest !== undefined && isAfter(reviewDate, window.latest)) {
    throw new DomainError(
      'review_date_outside_window',
      // The procedure's own words for the window are a sentence of their own (shown beside the
      // date in the tab); the refusal names the limit in a phrase, so it reads as one sentence.
      `The review date ${formatLongDate(reviewDate)} is too late: the review must be on or before ${formatLongDate(window.latest)}${window.limit === undefined ? '' : `, ${window.limit}`}.`,
      { reviewDate, latest: window.latest },
    );
  }
}

/** What a review date is checked against besides the window: the provider's calendar, the placement, today. */
export interface ReviewDateContext {
  readonly calendar: WorkingCalendar;
  /** The last day of the trainee's placement, where the case knows it. */
  readonly placementEndsOn: LocalDate | undefined;
  readonly today: LocalDate;
}

/**
 * What is doubtful about a review date, one sentence each: a day nobody works (a weekend, an
 * England and Wales bank holiday, a provider closure), a day after the placement has ended, or a
 * date more than a year away. Where the procedure sets no review window these are warnings the
 * person sees; where it sets one, `assertReviewDateFits` refuses the date.
 */
export function reviewDateConcerns(reviewDate: LocalDate, ctx: ReviewDateContext): string[] {
  const concerns: string[] = [];
  const on = formatLongDate(reviewDate);
  const closed = nonWorkingReason(ctx.calendar, reviewDate);
  if (closed !== undefined) concerns.push(`${on} is not a working day (${describeNonWorkingReason(closed)}).`);
  if (ctx.placementEndsOn !== undefined && isAfter(reviewDate, ctx.placementEndsOn))
    concerns.push(`${on} is after the placement ends on ${formatLongDate(ctx.placementEndsOn)}.`);
  if (isAfter(reviewDate, addYears(ctx.today, 1))) concerns.push(`${on} is more than a year away.`);
  return concerns;
}

/**
 * The window's own limits, and where the procedure sets a window, a date on a working day within
 * the placement: a procedure that says when the review happens means a day the people can meet.
 */
export function assertReviewDateFits(reviewDate: LocalDate, window: ReviewWindow, ctx: ReviewDateContext): void {
  assertReviewDateInWindow(reviewDate, window);
  if (window.latest === undefined) return;
  const concerns = reviewDateConcerns(reviewDate, ctx);
  if (concerns.length > 0) {
    throw new DomainError(
      'review_date_outside_window',
      `The review date cannot be ${formatLongDate(reviewDate)}: ${concerns.join(' ')} Choose a working day${ctx.placementEndsOn === undefined ? '' : ' before the placement ends'}, on or before ${formatLongDate(window.latest)}.`,
      { reviewDate, concerns },
    );
  }
}

function assertLinks(procedure: Procedure, rules: PlanRules, links: readonly FrameworkLink[], where: string): void {
  for (const link of links) {
    const framework = procedure.frameworks.find((f) => f.id === link.frameworkId);
    if (!framework || !rules.frameworks.includes(link.frameworkId)) {
      throw new DomainError('unknown_framework_item', `${where} links to a framework this plan does not use.`, {
        link,
      });
    }
    if (!findFrameworkEntry(framework, link.code)) {
      throw new DomainError(
        'unknown_framework_item',
        `${where} links to "${link.code}", which is not in the ${framework.name}.`,
        {
          link,
        },
      );
    }
  }
}

/** Limits that hold for every saved draft, so the person sees them as they type. */
export function assertPlanWithinLimits(
  procedure: Procedure,
  rules: PlanRules,
  content: PlanContent,
  window: ReviewWindow,
  dateContext?: ReviewDateContext,
): void {
  if (rules.maxTargets !== undefined && content.targets.length > rules.maxTargets) {
    throw new DomainError(
      'too_many_targets',
      `${rules.title} allows at most ${rules.maxTargets} target${rules.maxTargets === 1 ? '' : 's'}; this draft has ${content.targets.length}.`,
      { max: rules.maxTargets, count: content.targets.length },
    );
  }
  const ids = new Set<string>();
  const parties = new Set([...rules.actionParties, ...rules.responsibilities.map((r) => r.code)]);
  content.targets.forEach((target, index) => {
    const where = `Target ${index + 1}`;
    if (ids.has(target.id)) throw new DomainError('invalid_input', `${where} repeats the id "${target.id}".`);
    ids.add(target.id);
    assertLinks(procedure, rules, target.links, where);
    for (const action of target.actions) {
      if (!parties.has(action.party)) {
        throw new DomainError(
          'invalid_input',
          `${where} gives an action to "${action.party}", who has no actions on this form.`,
          {
            party: action.party,
            allowed: [...parties],
          },
        );
      }
    }
  });
  content.concerns.forEach((concern, index) => {
    assertLinks(procedure, rules, concern.links, `Concern ${index + 1}`);
    if (concern.grade !== undefined && !rules.grades?.scale.some((g) => g.id === concern.grade)) {
      throw new DomainError(
        'invalid_input',
        rules.grades
          ? `Concern ${index + 1} is graded "${concern.grade}", which is not on the scale: ${rules.grades.scale.map((g) => g.label).join(', ')}.`
          : `${rules.title} does not grade concerns.`,
      );
    }
  });
  if (rules.oneTargetPerObservation && content.targets.filter((t) => t.observationFocus).length > 1) {
    throw new DomainError('invalid_input', 'Only one target can be the focus of an observation at any one time.');
  }
  for (const measure of content.supportMeasures) {
    if (measure.trim() === '') throw new DomainError('invalid_input', 'A support measure cannot be empty.');
  }
  // Bright Futures: "Preliminary ONLINE meeting". A form that names the meeting's mode refuses another.
  const mode = rules.meeting?.mode;
  if (mode !== undefined && mode !== 'any' && content.meeting.mode !== undefined && content.meeting.mode !== mode) {
    throw new DomainError(
      'invalid_input',
      `${rules.title} is agreed at ${mode === 'online' ? 'an online' : 'an in-person'} meeting.`,
      { mode },
    );
  }
  if (content.reviewDate !== undefined) {
    if (dateContext === undefined) assertReviewDateInWindow(content.reviewDate, window);
    else assertReviewDateFits(content.reviewDate, window, dateContext);
  }
}

/** Who is on the case, as the completeness check needs it: the roles held, and their labels for messages. */
export interface RolesOnCase {
  readonly held: ReadonlySet<string>;
  readonly label: (role: string) => string;
}

/** What the form needs before anyone signs it. */
export function assertPlanComplete(rules: PlanRules, content: PlanContent, roles: RolesOnCase): void {
  if (content.targets.length < Math.max(rules.minTargets, 1)) {
    throw new DomainError(
      'no_targets',
      `${rules.title} needs at least ${Math.max(rules.minTargets, 1)} target before it can be signed.`,
    );
  }
  if (content.reviewDate === undefined) {
    throw new DomainError('review_date_missing', `${rules.title} needs a review date before it can be signed.`);
  }
  if (rules.fields.includes('concern_statement') && !content.concernStatement?.trim()) {
    throw new DomainError('missing_field', `${rules.title} needs the statement of concern before it can be signed.`);
  }
  if (rules.grades) assertGradesAligned(rules, content);
  content.targets.forEach((target, index) => {
    if (rules.targetsLinkedToFramework && target.links.length === 0) {
      throw new DomainError(
        'missing_field',
        `Target ${index + 1} must be linked to at least one standard or tracker item.`,
      );
    }
    if (rules.fields.includes('success_criteria') && !target.successCriteria?.trim()) {
      throw new DomainError('missing_field', `Target ${index + 1} needs success criteria.`);
    }
    if (
      rules.fields.includes('trainee_actions') &&
      !target.actions.some((a) => a.party === 'trainee' || a.party === 'T')
    ) {
      throw new DomainError('missing_field', `Target ${index + 1} needs an action for the trainee.`);
    }
    if (rules.actionsForEveryParty) {
      const missing = rules.actionParties.filter(
        (party) => roles.held.has(party) && !target.actions.some((a) => a.party === party && a.text.trim() !== ''),
      );
      if (missing.length > 0) {
        throw new DomainError(
          'missing_field',
          `Target ${index + 1} needs agreed actions for everyone working with the trainee; add one for ${missing.map(roles.label).join(', ')}.`,
          {
            target: index + 1,
            parties: missing,
          },
        );
      }
    }
  });
}

/**
 * Enhanced Support: "there must be clear alignment between the identified issues, the grades
 * given and the targets set". Each concern graded below expectation is addressed by at least one
 * target linked to one of the concern's standards. (A concern recorded before the form graded
 * concerns has no grade, and is not held to it.)
 */
function assertGradesAligned(rules: PlanRules, content: PlanContent): void {
  const grades = rules.grades;
  if (!grades) return;
  const below = new Set(grades.scale.filter((g) => g.belowExpectation).map((g) => g.id));
  const key = (l: FrameworkLink): string => `${l.frameworkId}|${l.code}`;
  const targeted = new Set(content.targets.flatMap((t) => t.links.map(key)));
  content.concerns.forEach((concern, index) => {
    if (concern.grade === undefined || !below.has(concern.grade)) return;
    if (concern.links.some((l) => targeted.has(key(l)))) return;
    const grade = grades.scale.find((g) => g.id === concern.grade)?.label ?? concern.grade;
    throw new DomainError(
      'invalid_input',
      concern.links.length === 0
        ? `Concern ${index + 1} is graded ${grade}: link it to the standard it is about, and set a target against that standard, so the issue, its grade and the targets line up.`
        : `Concern ${index + 1} is graded ${grade}, but no target addresses it: add a target linked to ${concern.links.map((l) => l.code).join(' or ')}, so the issue, its grade and the targets line up.`,
      { concern: index + 1, grade: concern.grade },
    );
  });
}

/**
 * A requirement counts when someone holding one of its roles has signed, or, for an `everyone`
 * requirement, when each person on the case in those roles has signed in one of them.
 */
export function isRequirementMet(
  requirement: SignatureRequirement,
  signatures: readonly Signature[],
  people: CaseState['people'],
): boolean {
  if (!requirement.everyone) return signatures.some((s) => requirement.anyOf.includes(s.role));
  const holders = people.filter((p) => requirement.anyOf.includes(p.role));
  return holders.length > 0 && holders.every((p) => signatures.some((s) => s.personId === p.id && s.role === p.role));
}

/** People named on the case who still have to sign for a requirement (all holders until one signs, for `anyOf`). */
export function unsignedHolders(
  requirement: SignatureRequirement,
  signatures: readonly Signature[],
  people: CaseState['people'],
): CaseState['people'] {
  const holders = people.filter((p) => requirement.anyOf.includes(p.role));
  if (!requirement.everyone) return isRequirementMet(requirement, signatures, people) ? [] : holders;
  return holders.filter((p) => !signatures.some((s) => s.personId === p.id && s.role === p.role));
}

/** Requirements that apply to this case ("if applicable" ones only when someone holds the role). */
export function applicableRequirements(rules: PlanRules, state: CaseState): SignatureRequirement[] {
  return rules.signatures.required.filter((r) => !r.whenAssigned || state.people.some((p) => r.anyOf.includes(p.role)));
}

export function outstandingSignatures(rules: PlanRules, state: CaseState, plan: Plan): SignatureRequirement[] {
  return applicableRequirements(rules, state).filter((r) => !isRequirementMet(r, plan.signatures, state.people));
}
