import { correctTrail } from './corrections.js';
import { addDays, londonInstantAt, type LocalDate } from '../calendar/index.js';
import type { Procedure } from '../procedure/schema.js';
import { calendarFor, type CommandContext, type CommandResult } from './command-kit.js';
import type { OpenCaseInput } from './commands/open-case.js';
import type { PlanDraft } from './commands/edit-plan.js';
import type { Actor, CaseState, Person } from './types.js';

/**
 * Builders with defaults for tests and demo data: a clock that only moves when
 * told, people named by role, and a driver that threads state through commands.
 */

export const courseTeam: Actor = { id: 'course.lead@provider.test', name: 'Course Lead', appRoles: ['course_team'] };

export function personFor(role: string, overrides: Partial<Person> = {}): Person {
  const id = overrides.id ?? `${role.replace(/_/g, '.')}@provider.test`;
  return {
    role,
    id,
    email: id,
    name:
      overrides.name ??
      role
        .split('_')
        .map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`)
        .join(' '),
    ...overrides,
  };
}

export function actorFor(person: Person): Actor {
  return { id: person.id, name: person.name, appRoles: [] };
}

export function openInput(procedure: Procedure, overrides: Partial<OpenCaseInput> = {}): OpenCaseInput {
  const people = procedure.roles.filter((r) => r.requiredOnCase || r.side === 'trainee').map((r) => personFor(r.id));
  return {
    reference: 'CASE-1',
    reasons: [procedure.reasons[0]?.id ?? 'progress'],
    people,
    placement: { school: 'Oak Primary', programme: 'PGCE Primary 2026/27', subject: 'Primary' },
    ...overrides,
  };
}

export function aDraft(procedure: Procedure, overrides: Partial<PlanDraft> = {}, targets = 1): PlanDraft {
  const framework = procedure.frameworks[0];
  const group = framework?.groups[0];
  const links = framework && group ? [{ frameworkId: framework.id, code: group.code }] : [];
  return {
    concernStatement: 'Behaviour routines are not yet established.',
    concerns: [{ text: 'Low-level disruption goes unchallenged.', links }],
    targets: Array.from({ length: targets }, (_, i) => ({
      text: `Target ${i + 1}: establish routines`,
      links,
      actions: [{ party: 'trainee', text: 'Plan and rehearse entry routines.' }],
      successCriteria: 'Lessons start promptly with all pupils engaged.',
      timescale: 'Two weeks',
      observationFocus: false,
    })),
    supportMeasures: [],
    meeting: { attendees: [], placementConcern: false },
    ...overrides,
  };
}

/** A test clock in London time: `on('2026-11-23')` at 10:00. */
export class Clock {
  private day: LocalDate;
  constructor(start: LocalDate) {
    this.day = start;
  }
  get today(): LocalDate {
    return this.day;
  }
  get now(): Date {
    return londonInstantAt(this.day, 10, 0);
  }
  advance(days: number): void {
    this.day = addDays(this.day, days);
  }
  set(day: LocalDate): void {
    this.day = day;
  }
}

/** Threads a case through commands, keeping every event so tests can replay the trail. */
export class CaseDriver {
  state: CaseState;
  readonly events: CommandResult['events'][number][] = [];

  constructor(
    readonly procedure: Procedure,
    readonly clock: Clock,
    opened: CommandResult,
  ) {
    this.state = opened.state;
    this.events.push(...opened.events);
  }

  context(actor: Actor): CommandContext {
    return {
      procedure: this.procedure,
      calendar: calendarFor(this.procedure),
      now: this.clock.now,
      actor,
      trail: correctTrail(this.events),
    };
  }

  person(role: string): Person {
    const person = this.state.people.find((p) => p.role === role);
    if (!person) throw new Error(`no ${role} on the case`);
    return person;
  }

  as(role: string): Actor {
    return role === 'course_team' ? courseTeam : actorFor(this.person(role));
  }

  run<I>(
    role: string,
    command: (ctx: CommandContext, state: CaseState, input: I) => CommandResult,
    input: I,
  ): CommandResult {
    const result = command(this.context(this.as(role)), this.state, input);
    this.state = result.state;
    this.events.push(...result.events);
    return result;
  }
}
