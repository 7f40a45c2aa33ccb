import {
  isWorkingDay,
  nonWorkingReason,
  describeNonWorkingReason,
  parseLocalDate,
  type LocalDate,
} from '../../calendar/index.js';
import { calendarFor, type CommandContext, type CommandResult } from '../../case/command-kit.js';
import { openCase, type OpenCaseInput } from '../../case/commands/open-case.js';
import { signPlan } from '../../case/commands/sign-plan.js';
import type { InformDecision } from '../../case/queries.js';
import { actorFor, CaseDriver, Clock, courseTeam } from '../../case/testing.js';
import type { CaseState, Person, ProgressRating, TargetProgress } from '../../case/types.js';
import { DomainError } from '../../errors.js';
import type { Procedure } from '../../procedure/schema.js';

/**
 * Helpers for the engine walks in this folder: each seed procedure is driven through the real
 * commands from opening to every terminal outcome. Nothing here imports the test runner, so a
 * helper fails by throwing a plain Error that names what went wrong.
 */

/** A date the walk acts on: refused unless it is a working day in the provider's calendar. */
export function workday(procedure: Procedure, date: string): LocalDate {
  const day = parseLocalDate(date);
  const calendar = calendarFor(procedure);
  const reason = nonWorkingReason(calendar, day);
  if (!isWorkingDay(calendar, day)) {
    throw new Error(
      `${date} is not a working day for ${procedure.provider.shortName}${reason ? ` (${describeNonWorkingReason(reason)})` : ''}`,
    );
  }
  return day;
}

/** Moves the walk's clock to a working day. */
export function on(c: CaseDriver, date: string): LocalDate {
  const day = workday(c.procedure, date);
  c.clock.set(day);
  return day;
}

export interface Opening {
  readonly on: string;
  /** Who raises the concern: a role on the case, or the course team. */
  readonly by: string;
  readonly input: OpenCaseInput;
  readonly previousCases?: number;
  readonly caseId?: string;
}

export function openingContext(procedure: Procedure, clock: Clock, actor: CommandContext['actor']): CommandContext {
  return { procedure, calendar: calendarFor(procedure), now: clock.now, actor };
}

function openingActor(opening: Opening): CommandContext['actor'] {
  if (opening.by === 'course_team') return courseTeam;
  const person = opening.input.people.find((p) => p.role === opening.by);
  if (!person) throw new Error(`nobody holds ${opening.by} on the case being opened`);
  return actorFor(person);
}

/** Opens a case through the real command and returns a driver holding its trail. */
export function openWalk(procedure: Procedure, opening: Opening): CaseDriver {
  const clock = new Clock(workday(procedure, opening.on));
  const ctx = openingContext(procedure, clock, openingActor(opening));
  const result = openCase(
    ctx,
    { caseId: opening.caseId ?? 'walk-1', previousCases: opening.previousCases ?? 0 },
    opening.input,
  );
  return new CaseDriver(procedure, clock, result);
}

/** Runs a command as one particular person (several people can hold a role such as mentor). */
export function runAs<I>(
  c: CaseDriver,
  person: Person,
  command: (ctx: CommandContext, state: CaseState, input: I) => CommandResult,
  input: I,
): CommandResult {
  const result = command(c.context(actorFor(person)), c.state, input);
  c.state = result.state;
  c.events.push(...result.events);
  return result;
}

/** Signs the current plan as the (first) holder of a role, typing their full name. */
export function sign(c: CaseDriver, role: string): CommandResult {
  return c.run(role, signPlan, { role, typedName: c.person(role).name });
}

/**
 * Runs a command that must be refused: returns the DomainError, and checks the refusal left the
 * case and its trail exactly as they were.
 */
export function refusal(c: CaseDriver, act: () => unknown): DomainError {
  const before = c.state;
  const count = c.events.length;
  try {
    act();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (c.state !== before || c.events.length !== count) {
      throw new Error(`the refused command (${error.code}) changed the case`, { cause: error });
    }
    return error;
  }
  throw new Error('the command was accepted, but the procedure should have refused it');
}

/** Progress for every target on the current plan, in order: one rating each, with the evidence seen. */
export function progressOf(
  state: CaseState,
  ratings: readonly ProgressRating[],
  comment = 'Seen in observed lessons',
): TargetProgress[] {
  const targets = state.plan?.content.targets ?? [];
  if (ratings.length !== targets.length) {
    throw new Error(`the plan has ${targets.length} target(s); ${ratings.length} rating(s) were given`);
  }
  return targets.map((t, i) => ({ targetId: t.id, rating: ratings[i] ?? 'not_met', comment: `${comment} (${t.id})` }));
}

/** The stage history as "stage/via" strings. */
export function history(state: CaseState): string[] {
  return state.stageHistory.map((v) => `${v.stageId}/${v.via}`);
}

/** Recipients as readable strings: "course_mailbox", "office:school", "tutor:helen.okafor@bcu.ac.uk". */
export function recipients(decisions: readonly InformDecision[]): string[] {
  return decisions.flatMap((decision) =>
    decision.recipients.map((r) => {
      switch (r.kind) {
        case 'person':
          return `${r.person.role}:${r.person.email}`;
        case 'office':
          return `office:${r.office}`;
        case 'course_mailbox':
        case 'course_team_channel':
          return r.kind;
      }
    }),
  );
}
