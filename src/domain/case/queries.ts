import { addDays, addWeeks, type LocalDate, type WorkingCalendar } from '../calendar/index.js';
import type { InformRule, NotifyTrigger, Procedure, Recipient, Stage } from '../procedure/schema.js';
import { planRulesOf, currentStage } from './command-kit.js';
import { outstandingSignatures, reviewWindow, unsignedHolders, type ReviewWindow } from './plan-rules.js';
import type { CaseState, Person } from './types.js';

/** Read-side questions about a case that views, notifications and the sweep ask. */

export { signingBlocker, signingBlockerOf, planEditorsOnCase } from './ready-to-sign.js';

/** The date the next review is due, while an agreed plan awaits it and the clock runs. */
export function nextReviewDate(state: CaseState): LocalDate | undefined {
  if (state.status !== 'active' || state.paused) return undefined;
  return state.plan?.content.reviewDate;
}

export interface OutstandingSignatory {
  readonly roles: readonly string[];
  readonly people: readonly Person[];
}

/** Who still has to sign the current plan. */
export function outstandingSignatories(procedure: Procedure, state: CaseState): OutstandingSignatory[] {
  const plan = state.plan;
  if (!plan || plan.agreedOn !== undefined || state.status === 'closed') return [];
  return outstandingSignatures(planRulesOf(procedure, plan), state, plan).map((requirement) => ({
    roles: requirement.anyOf,
    people: unsignedHolders(requirement, plan.signatures, state.people),
  }));
}

/** The review window of the current plan: provisional while drafting (from `today`), fixed once agreed. */
export function currentReviewWindow(
  procedure: Procedure,
  state: CaseState,
  calendar: WorkingCalendar,
  today: LocalDate,
): ReviewWindow | undefined {
  const plan = state.plan;
  if (!plan) return undefined;
  return reviewWindow(planRulesOf(procedure, plan), plan.agreedOn ?? today, calendar, plan.pausedWorkingDays);
}

export interface DatedMilestone {
  readonly id: string;
  readonly label: string;
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly deadline: boolean;
}

/** A milestone with its dates and, once recorded, when it was done and by whom. */
export interface MilestoneStatus extends DatedMilestone {
  readonly done: { readonly on: LocalDate; readonly byName: string } | undefined;
}

/**
 * The current stage's milestones as dates, each marked done once recorded in this visit of the
 * stage. Empty for a stage with no week-by-week plan or a closed case.
 */
export function milestoneStatuses(
  stage: Stage,
  state: Pick<CaseState, 'stageId' | 'stageStartsOn' | 'stageHistory' | 'milestonesDone'>,
): MilestoneStatus[] {
  if (stage.id !== state.stageId) return [];
  const visit = state.stageHistory.length - 1;
  return datedMilestones(stage, state.stageStartsOn).map((m) => {
    const done = state.milestonesDone.find(
      (d) => d.stageId === stage.id && d.milestoneId === m.id && d.visit === visit,
    );
    return { ...m, done: done ? { on: done.on, byName: done.byName } : undefined };
  });
}

/** The stage's week-by-week plan as dates: week 1 starts on the stage's start date. */
export function datedMilestones(stage: Stage, startsOn: LocalDate): DatedMilestone[] {
  return stage.milestones.map((m) => ({
    id: m.id,
    label: m.label,
    from: addWeeks(startsOn, m.fromWeek - 1),
    to: addDays(addWeeks(startsOn, m.toWeek), -1),
    deadline: m.deadline,
  }));
}

export type ResolvedRecipient =
  | { readonly kind: 'person'; readonly person: Person; readonly because: Recipient }
  | { readonly kind: 'course_mailbox' | 'course_team_channel'; readonly because: Recipient }
  | { readonly kind: 'office'; readonly office: string; readonly label: string; readonly because: Recipient };

export interface InformDecision {
  readonly rule: InformRule;
  readonly recipients: readonly ResolvedRecipient[];
}

/**
 * Who the procedure says must be told about an event at a stage: "a copy is sent to the course
 * mailbox", "if the university tutor is not present … inform them", "all correspondence copied
 * to the Director". `absentRoles` come from the meeting record; `outcomeId` filters outcome rules.
 */
export function whoIsInformed(
  procedure: Procedure,
  state: CaseState,
  stageId: string,
  trigger: NotifyTrigger,
  options: { readonly outcomeId?: string; readonly presentRoles?: readonly string[] } = {},
): InformDecision[] {
  const stage = procedure.stages.find((s) => s.id === stageId) ?? currentStage(state, procedure);
  return stage.inform
    .filter((rule) => rule.on === trigger)
    .filter(
      (rule) =>
        rule.outcomes.length === 0 || (options.outcomeId !== undefined && rule.outcomes.includes(options.outcomeId)),
    )
    .map((rule) => ({
      rule,
      recipients: rule.to.flatMap((recipient): ResolvedRecipient[] => {
        switch (recipient.kind) {
          case 'course_mailbox':
          case 'course_team_channel':
            return [{ kind: recipient.kind, because: recipient }];
          case 'office':
            return [{ kind: 'office', office: recipient.office, label: recipient.label, because: recipient }];
          case 'role': {
            const holders = state.people.filter((p) => p.role === recipient.role);
            if (holders.length === 0 && recipient.otherwise) {
              return [
                {
                  kind: 'office',
                  office: recipient.otherwise.office,
                  label: recipient.otherwise.label,
                  because: recipient,
                },
              ];
            }
            return holders.map((person) => ({ kind: 'person', person, because: recipient }));
          }
          case 'role_if_absent':
            if (options.presentRoles?.includes(recipient.role)) return [];
            return state.people
              .filter((p) => p.role === recipient.role)
              .map((person) => ({ kind: 'person', person, because: recipient }));
        }
      }),
    }))
    .filter((decision) => decision.recipients.length > 0);
}

/**
 * Who suspended the placement, as the notices name them: the person on the case (with their
 * role); otherwise a course team member by the name the event kept; otherwise, for an event
 * stored without a name or an actor who has none (kept under their sign-in name), the sign-in name.
 */
export type Suspender =
  | { readonly kind: 'on_case'; readonly person: Person }
  | { readonly kind: 'course_team'; readonly name: string }
  | { readonly kind: 'sign_in'; readonly id: string };

export function suspenderOf(
  state: CaseState,
  suspension: { readonly by: string; readonly byName?: string | undefined },
): Suspender {
  const person = state.people.find((p) => p.id.toLowerCase() === suspension.by.toLowerCase());
  if (person) return { kind: 'on_case', person };
  const { byName } = suspension;
  if (byName !== undefined && byName.trim() !== '' && byName !== suspension.by)
    return { kind: 'course_team', name: byName };
  return { kind: 'sign_in', id: suspension.by };
}
