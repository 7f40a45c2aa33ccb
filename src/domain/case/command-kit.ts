import { londonDateOf, makeWorkingCalendar, type LocalDate, type WorkingCalendar } from '../calendar/index.js';
import { DomainError } from '../errors.js';
import { getStage } from '../procedure/load-procedure.js';
import type { Outcome, PlanRules, Procedure, Stage } from '../procedure/schema.js';
import { applyEvent } from './apply-event.js';
import { caseEvent, type CaseEvent, type CaseEventData, type CaseEventOf, type CaseEventType } from './events.js';
import type { Actor, CaseState, Plan } from './types.js';

/** Everything a command needs besides the case: the procedure, the provider calendar, the clock. */
export interface CommandContext {
  readonly procedure: Procedure;
  readonly calendar: WorkingCalendar;
  /** The instant the command runs: passed in, never read from the clock. */
  readonly now: Date;
  readonly actor: Actor;
  /** The case's event trail as read (corrections applied): only commands about recorded events need it. */
  readonly trail?: readonly CaseEvent[];
}

export interface CommandResult {
  readonly state: CaseState;
  readonly events: readonly CaseEvent[];
}

export function calendarFor(procedure: Procedure): WorkingCalendar {
  return makeWorkingCalendar({
    closures: procedure.calendar.closures.map((c) =>
      typeof c === 'string'
        ? (c as LocalDate)
        : { from: c.from as LocalDate, to: c.to as LocalDate, ...(c.reason === undefined ? {} : { reason: c.reason }) },
    ),
  });
}

export function todayOf(ctx: CommandContext): LocalDate {
  return londonDateOf(ctx.now);
}

/**
 * Collects a command's events and folds each into the state as it is added, so later
 * decisions in the same command see earlier ones (e.g. the stage entered after an outcome).
 */
export class EventBuilder {
  private current: CaseState | undefined;
  private readonly produced: CaseEvent[] = [];

  constructor(
    private readonly ctx: CommandContext,
    private readonly caseId: string,
    start: CaseState | undefined,
  ) {
    this.current = start;
  }

  get state(): CaseState {
    if (!this.current) throw new DomainError('invalid_input', 'The case has not been opened.');
    return this.current;
  }

  add<T extends CaseEventType>(type: T, data: CaseEventData<T>): CaseEventOf<T> {
    const event = caseEvent(
      type,
      {
        caseId: this.caseId,
        seq: (this.current?.version ?? 0) + 1,
        at: this.ctx.now.toISOString(),
        on: todayOf(this.ctx),
        actorId: this.ctx.actor.id,
      },
      data,
    );
    this.current = applyEvent(this.current, event);
    this.produced.push(event);
    return event;
  }

  result(): CommandResult {
    return { state: this.state, events: this.produced };
  }
}

// ---------------------------------------------------------------------------------------
// Who is asking

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The name an event keeps for who did it (their sign-in name when they have none), within the events' 200-character limit. */
export function actorDisplayName(actor: Actor): string {
  return (actor.name.trim() || actor.id).slice(0, 200);
}

export function isCourseTeam(actor: Actor): boolean {
  return actor.appRoles.includes('course_team') || actor.appRoles.includes('admin');
}

/** The procedure roles the actor holds on this case. */
export function rolesOnCase(state: CaseState, actor: Actor): string[] {
  return state.people.filter((p) => sameId(p.id, actor.id)).map((p) => p.role);
}

function traineeRoles(procedure: Procedure): Set<string> {
  return new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
}

export function isTraineeOnCase(state: CaseState, procedure: Procedure, actor: Actor): boolean {
  const trainee = traineeRoles(procedure);
  return rolesOnCase(state, actor).some((role) => trainee.has(role));
}

/** Course team, or a member of staff named on the case (anyone but the trainee). */
export function assertStaff(state: CaseState, procedure: Procedure, actor: Actor, doing: string): void {
  if (isCourseTeam(actor)) return;
  const trainee = traineeRoles(procedure);
  if (rolesOnCase(state, actor).some((role) => !trainee.has(role))) return;
  throw new DomainError('not_permitted', `Only the course team or staff named on this case can ${doing}.`);
}

export function assertCourseTeam(actor: Actor, doing: string): void {
  if (!isCourseTeam(actor)) throw new DomainError('not_permitted', `Only the course team can ${doing}.`);
}

export function assertOnCase(state: CaseState, actor: Actor, doing: string): void {
  if (isCourseTeam(actor) || rolesOnCase(state, actor).length > 0) return;
  throw new DomainError('not_permitted', `Only people named on this case can ${doing}.`);
}

// ---------------------------------------------------------------------------------------
// Case state guards, in the order commands apply them: closed beats paused beats stage rules.

export function assertOpen(state: CaseState): void {
  if (state.status === 'closed') {
    throw new DomainError('case_closed', `Case ${state.reference} is closed; nothing more can be recorded on it.`);
  }
}

export function assertNotPaused(state: CaseState, doing: string): void {
  if (state.paused) {
    throw new DomainError('case_paused', `Case ${state.reference} is paused, so you cannot ${doing}. Resume it first.`);
  }
}

export function currentStage(state: CaseState, procedure: Procedure): Stage {
  return getStage(procedure, state.stageId);
}

export function requirePlan(state: CaseState): Plan {
  if (!state.plan) throw new DomainError('plan_not_agreed', 'There is no plan on this case yet.');
  return state.plan;
}

/** The rules a plan was drafted under: its stage's own, or the revising outcome's. */
export function planRulesOf(procedure: Procedure, plan: Pick<Plan, 'rulesFrom'>): PlanRules {
  const outcomeRef = plan.rulesFrom.outcome;
  if (outcomeRef) {
    const outcome = findOutcome(procedure, outcomeRef.stageId, outcomeRef.outcomeId, outcomeRef.panelId);
    if (outcome?.effect.type === 'revise' && outcome.effect.plan) return outcome.effect.plan;
  }
  const rules = getStage(procedure, plan.rulesFrom.stageId).plan;
  if (!rules)
    throw new DomainError('unknown_stage', 'The stage this plan was drafted at has no plan form.', {
      stageId: plan.rulesFrom.stageId,
    });
  return rules;
}

export function findOutcome(
  procedure: Procedure,
  stageId: string,
  outcomeId: string,
  panelId?: string,
): Outcome | undefined {
  if (panelId !== undefined) {
    return procedure.panels.find((p) => p.id === panelId)?.decisions.find((d) => d.id === outcomeId);
  }
  return procedure.stages.find((s) => s.id === stageId)?.review?.outcomes.find((o) => o.id === outcomeId);
}

export function roleLabel(procedure: Procedure, roleId: string): string {
  return procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;
}
