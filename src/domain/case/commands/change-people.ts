import { z } from 'zod';
import { formatLongDate, isAfter, isBefore, localDateSchema, type LocalDate } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import type { Procedure, Role } from '../../procedure/schema.js';
import {
  actorDisplayName,
  assertCourseTeam,
  assertOpen,
  EventBuilder,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import type { CaseState, Person } from '../types.js';
import { personInputSchema } from './open-case.js';

/**
 * People and placement change on a case: a mentor leaves, a tutor is replaced, the trainee moves
 * to another school (RCTTP: "The school that agrees to accept the trainee for the deferred final
 * assessment placement", whose "School Mentor(s)" judge it). Each change is an event from an
 * effective date with a reason; access follows the case's people at once, and signatures already
 * given stay on the plan under the name of whoever gave them.
 */

const newcomerSchema = personInputSchema.omit({ role: true });

export const changePersonInputSchema = z
  .strictObject({
    role: z.string().min(1).max(60),
    /** Sign-in name of the person leaving the role (remove or replace). */
    removeId: z.string().trim().min(3).max(320).optional(),
    /** The person joining the role (add or replace). */
    add: newcomerSchema.optional(),
    /** The day the change takes effect: today or earlier, not before the case was opened. Today if left out. */
    effectiveOn: localDateSchema.optional(),
    reason: z.string().trim().min(1).max(2000),
  })
  .refine((input) => input.removeId !== undefined || input.add !== undefined, {
    message: 'name someone to add, someone to remove, or both to replace one with the other',
  });
export type ChangePersonInput = z.infer<typeof changePersonInputSchema>;

export const changePlacementInputSchema = z.strictObject({
  school: z.string().trim().min(1).max(200),
  startsOn: localDateSchema.optional(),
  endsOn: localDateSchema.optional(),
  /**
   * The school-side people at the new school (its mentor(s), a professional mentor …): they
   * replace everyone on the case in those roles. Roles not given keep their people.
   */
  people: z.array(personInputSchema).max(10).default([]),
  /** The new school's contact address (school office or headteacher): where "the school" is sent what it is told. */
  schoolContactEmail: z.email().max(320).optional(),
  effectiveOn: localDateSchema.optional(),
  reason: z.string().trim().min(1).max(2000),
});
export type ChangePlacementInput = z.infer<typeof changePlacementInputSchema>;

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function roleOf(procedure: Procedure, roleId: string): Role {
  const role = procedure.roles.find((r) => r.id === roleId);
  if (!role) throw new DomainError('invalid_input', `"${roleId}" is not a role in ${procedure.name}.`);
  return role;
}

function effectiveDate(ctx: CommandContext, state: CaseState, given: LocalDate | undefined): LocalDate {
  const today = todayOf(ctx);
  const on = given ?? today;
  if (isAfter(on, today))
    throw new DomainError('invalid_date', 'Record the change on or after the day it takes effect, not before.');
  if (isBefore(on, state.openedOn))
    throw new DomainError(
      'invalid_date',
      `The case was opened on ${formatLongDate(state.openedOn)}; a change cannot take effect before that.`,
    );
  return on;
}

/** Checks one change against the case as it stands and returns the people it removes and adds. */
function planChange(
  procedure: Procedure,
  state: CaseState,
  change: { readonly role: string; readonly removeId: string | undefined; readonly add: Person | undefined },
): { readonly removed: Person | undefined; readonly added: Person | undefined } {
  const role = roleOf(procedure, change.role);
  if (role.side === 'trainee')
    throw new DomainError(
      'not_permitted',
      `A case is about one trainee: the ${role.label} cannot be changed. Close this case and open one for the other trainee.`,
    );
  const holders = state.people.filter((p) => p.role === role.id);
  const removed = change.removeId === undefined ? undefined : holders.find((p) => sameId(p.id, change.removeId ?? ''));
  if (change.removeId !== undefined && !removed)
    throw new DomainError('person_not_on_case', `${change.removeId} is not the ${role.label} on this case.`, {
      role: role.id,
    });
  const added = change.add;
  if (added) {
    if (holders.some((p) => sameId(p.id, added.id) && p !== removed))
      throw new DomainError('person_already_on_case', `${added.name} is already the ${role.label} on this case.`, {
        role: role.id,
      });
    if (!role.multiple && holders.length - (removed ? 1 : 0) >= 1)
      throw new DomainError(
        'person_already_on_case',
        `A case has one ${role.label}: replace ${holders[0]?.name ?? 'them'} rather than adding ${added.name}.`,
        { role: role.id },
      );
  } else if (role.requiredOnCase && holders.length === 1) {
    throw new DomainError(
      'missing_field',
      `A case needs a ${role.label}: replace ${removed?.name ?? 'them'} with someone rather than removing them.`,
      { role: role.id },
    );
  }
  return { removed, added };
}

/** Adds, removes or replaces one person in one role (course team). */
export function changePerson(ctx: CommandContext, state: CaseState, input: ChangePersonInput): CommandResult {
  const { procedure, actor } = ctx;
  assertCourseTeam(actor, 'change who is named on a case');
  assertOpen(state);
  const effectiveOn = effectiveDate(ctx, state, input.effectiveOn);
  const added = input.add ? { role: input.role, ...input.add } : undefined;
  const change = planChange(procedure, state, { role: input.role, removeId: input.removeId, add: added });
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('person_changed', {
    role: input.role,
    ...(change.added ? { added: change.added } : {}),
    ...(change.removed ? { removed: { ...change.removed } } : {}),
    effectiveOn,
    reason: input.reason,
    byName: actorDisplayName(actor),
  });
  return builder.result();
}

/**
 * Moves the placement to another school, with the school's people in the roles they take (the
 * mentor(s) who will see the trainee there); everyone else on the case stays (course team).
 */
export function changePlacement(ctx: CommandContext, state: CaseState, input: ChangePlacementInput): CommandResult {
  const { procedure, actor } = ctx;
  assertCourseTeam(actor, 'move a placement to another school');
  assertOpen(state);
  const effectiveOn = effectiveDate(ctx, state, input.effectiveOn);
  const current = state.placement;
  if (input.school.toLowerCase() === current.school.toLowerCase() && input.people.length === 0)
    throw new DomainError('invalid_input', `The placement is already at ${current.school}.`);
  const startsOn = input.startsOn ?? effectiveOn;
  const endsOn = input.endsOn;
  if (endsOn !== undefined && isBefore(endsOn, startsOn))
    throw new DomainError('invalid_date', 'The placement cannot end before it starts.');
  const seen = new Set<string>();
  for (const person of input.people) {
    const role = roleOf(procedure, person.role);
    if (role.side !== 'school')
      throw new DomainError(
        'invalid_input',
        `${person.name} is given as ${role.label}, which is not a role at the school; change it on the case's people instead.`,
        { role: role.id },
      );
    const key = `${person.role}|${person.id.toLowerCase()}`;
    if (seen.has(key)) throw new DomainError('invalid_input', `${person.name} is listed twice as ${role.label}.`);
    seen.add(key);
    if (!role.multiple && input.people.filter((p) => p.role === role.id).length > 1)
      throw new DomainError('invalid_input', `A case has one ${role.label}.`, { role: role.id });
  }

  const builder = new EventBuilder(ctx, state.id, state);
  const byName = actorDisplayName(actor);
  builder.add('placement_changed', {
    placement: {
      school: input.school,
      ...(current.subject === undefined ? {} : { subject: current.subject }),
      ...(current.phase === undefined ? {} : { phase: current.phase }),
      programme: current.programme,
      startsOn,
      ...(endsOn === undefined ? {} : { endsOn }),
      ...(input.schoolContactEmail === undefined ? {} : { schoolContactEmail: input.schoolContactEmail }),
    },
    effectiveOn,
    reason: input.reason,
    byName,
  });
  // Everyone in a role the new school fills leaves it (the mentors stay with their school); the newcomers join.
  const roles = [...new Set(input.people.map((p) => p.role))];
  for (const roleId of roles) {
    const newcomers = input.people.filter((p) => p.role === roleId);
    const leaving = builder.state.people.filter((p) => p.role === roleId);
    const staying = leaving.filter((p) => newcomers.some((n) => sameId(n.id, p.id)));
    for (const person of leaving.filter((p) => !staying.includes(p))) {
      const replacement = newcomers.find(
        (n) => !builder.state.people.some((p) => p.role === roleId && sameId(p.id, n.id)),
      );
      builder.add('person_changed', {
        role: roleId,
        removed: { ...person },
        ...(replacement ? { added: { ...replacement } } : {}),
        effectiveOn,
        reason: `The placement moved to ${input.school}.`,
        byName,
      });
    }
    for (const person of newcomers.filter(
      (n) => !builder.state.people.some((p) => p.role === roleId && sameId(p.id, n.id)),
    )) {
      builder.add('person_changed', {
        role: roleId,
        added: { ...person },
        effectiveOn,
        reason: `The placement moved to ${input.school}.`,
        byName,
      });
    }
  }
  return builder.result();
}
