import { editPlan } from '../../src/domain/case/commands/edit-plan.js';
import { recordTraineePerceptions } from '../../src/domain/case/commands/record-trainee-perceptions.js';
import { calendarFor, planRulesOf } from '../../src/domain/case/command-kit.js';
import { recordReview } from '../../src/domain/case/commands/record-review.js';
import { outstandingSignatories } from '../../src/domain/case/queries.js';
import { aDraft, personFor, type CaseDriver } from '../../src/domain/case/testing.js';
import type { CommandResult } from '../../src/domain/case/command-kit.js';
import type { CaseState, Person, ProgressRating } from '../../src/domain/case/types.js';
import type { PlanDraft } from '../../src/domain/case/commands/edit-plan.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { parseLocalDate, type LocalDate, type WorkingCalendar } from '../../src/domain/calendar/index.js';
import { enhancedSupport } from '../../src/domain/procedures/index.js';
import { openWalk, progressOf, sign } from '../../src/domain/procedures/walks/walk-kit.js';
import type { Notification } from '../../src/notify/notification.js';
import { planNotifications, type NotifyConfig } from '../../src/notify/plan.js';

/** Test kit: drive a seed procedure through the real commands and plan each step's notifications. */

export const CONFIG: NotifyConfig = { courseMailbox: 'course.team@provider.test' };

export function peopleFor(procedure: Procedure, roles: readonly string[]): Person[] {
  return roles.filter((r) => procedure.roles.some((x) => x.id === r)).map((role) => personFor(role));
}

export function open(
  procedure: Procedure,
  roles: readonly string[],
  on = '2026-11-02',
  by = 'course_team',
  caseId = 'case-1',
): CaseDriver {
  return openWalk(procedure, {
    on,
    by,
    caseId,
    input: {
      reference: 'CASE-1',
      reasons: [procedure.reasons[0]?.id ?? 'progress'],
      people: peopleFor(procedure, roles),
      placement: {
        school: 'Oak Primary',
        programme: 'PGCE Primary 2026/27',
        subject: 'Primary',
        phase: undefined,
        startsOn: undefined,
        endsOn: undefined,
      },
    },
  });
}

/** The day the driver's clock shows and the procedure's calendar: what the planner is told, as the server tells it. */
export function dayOf(c: CaseDriver): { readonly today: LocalDate; readonly calendar: WorkingCalendar } {
  return { today: c.clock.today, calendar: calendarFor(c.procedure) };
}

/** Runs one step and returns what it owes, planned from before/after/events like the server will. */
export function step(
  c: CaseDriver,
  config: NotifyConfig,
  act: () => CommandResult | readonly CommandResult[],
): Notification[] {
  const before: CaseState = c.state;
  const results = act();
  const events = (Array.isArray(results) ? results : [results]).flatMap((r: CommandResult) => r.events);
  return planNotifications({ procedure: c.procedure, before, after: c.state, events, config, ...dayOf(c) });
}

export function draftPlan(
  c: CaseDriver,
  overrides: Partial<PlanDraft> = {},
  withdrawSignatures = false,
): CommandResult {
  const draft = aDraft(c.procedure, overrides);
  // "Agreed actions for both the trainee and all those working with them": one for each party the form names who is on the case.
  const plan = c.state.plan;
  const parties = plan
    ? planRulesOf(c.procedure, plan).actionParties.filter(
        (p) => p !== 'trainee' && c.state.people.some((x) => x.role === p),
      )
    : [];
  const targets = draft.targets.map((t) => ({
    ...t,
    actions: [
      ...t.actions,
      ...parties
        .filter((p) => !t.actions.some((a) => a.party === p))
        .map((party) => ({ party, text: 'Observe and give weekly feedback.' })),
    ],
  }));
  return c.run('course_team', editPlan, { plan: { ...draft, targets }, withdrawSignatures });
}

/** Every outstanding signatory signs (the first role of each requirement that someone holds). */
export function signAll(c: CaseDriver): CommandResult[] {
  const results: CommandResult[] = [];
  const plan = c.state.plan;
  if (plan && plan.perceptions === undefined && planRulesOf(c.procedure, plan).fields.includes('trainee_perceptions')) {
    results.push(c.run('trainee', recordTraineePerceptions, { text: 'I understand the concerns.' }));
  }
  for (let guard = 0; guard < 10; guard += 1) {
    const next = outstandingSignatories(c.procedure, c.state)[0];
    if (!next) break;
    const person = next.people[0];
    if (!person) throw new Error(`nobody holds ${next.roles.join('/')}`);
    results.push(sign(c, person.role));
  }
  // A form with no signatories: a member of staff at the meeting records the agreement.
  if (c.state.plan?.agreedOn === undefined) {
    const staff = ['tutor', 'partnership_tutor', 'course_tutor', 'mentor'].find((r) =>
      c.state.people.some((p) => p.role === r),
    );
    if (staff) results.push(sign(c, staff));
  }
  return results;
}

export function review(
  c: CaseDriver,
  outcomeId: string,
  ratings: readonly ProgressRating[],
  attendees: readonly string[] = [],
): CommandResult {
  return c.run('course_team', recordReview, {
    progress: progressOf(c.state, ratings),
    evidence: 'Observed lessons.',
    attendees: [...attendees],
    outcomeId,
  });
}

/** "kind channel recipient[+form]" lines, sorted, for readable expectations. */
export function summary(ns: readonly Notification[]): string[] {
  return ns
    .map((n) => {
      const r = n.recipient;
      const who = r.kind === 'person' ? r.role : r.kind === 'office' ? `office:${r.office}` : r.kind;
      return `${n.kind} ${n.channel} ${who}${n.attachForm ? ' +form' : ''}`;
    })
    .sort();
}

/**
 * Enhanced Support walked through the real commands to Step 5, where the placement may be
 * suspended: the Step 2 review finds insufficient progress, the Step 3 plan is agreed, and the
 * Step 4 formal review finds no progress.
 */
export function atEnhancedSupportStep5(roles: readonly string[]): CaseDriver {
  const c = open(enhancedSupport, roles);
  const meeting = (heldOn: string) => ({
    heldOn: parseLocalDate(heldOn),
    attendees: ['trainee', 'mentor', 'tutor'],
    placementConcern: false,
  });
  draftPlan(c, { reviewDate: parseLocalDate('2026-11-13'), meeting: meeting('2026-11-02') });
  signAll(c);
  c.clock.set(parseLocalDate('2026-11-13'));
  review(c, 'insufficient_progress', ['not_met']);
  draftPlan(c, { reviewDate: parseLocalDate('2026-11-27'), meeting: meeting('2026-11-13') });
  signAll(c);
  c.clock.set(parseLocalDate('2026-11-27'));
  review(c, 'no_progress', ['not_met']);
  if (c.state.stageId !== 'step_5') throw new Error(`expected Step 5, the case is at ${c.state.stageId}`);
  return c;
}
