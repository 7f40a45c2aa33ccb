import type { Actor } from '../domain/case/types.js';
import type { Caller } from './caller.js';

/**
 * Who may see which case, in one place:
 *  - admin (app role Admin): every case, in full;
 *  - course team (app role CourseTeam): every case of their programmes, in full
 *    (dev tokens: the `programmes` claim; tenant mode: TRELLIS_COURSE_TEAM_PROGRAMMES);
 *  - anyone else named on a case in a staff role (mentor, tutor, professional mentor …): that
 *    case in the staff view (see `STAFF_VIEW_HIDES`: no health details);
 *  - a trainee: only their own case, in the trainee view (see `TRAINEE_VIEW_HIDES`).
 * A case someone may not see does not exist for them: the API answers 404, never 403.
 * What each view leaves out is applied in one place: `redactFor` in views/case-view.ts.
 */
export type CaseAccess = 'full' | 'staff' | 'trainee' | 'none';

export interface CaseAccessFacts {
  readonly programme: string;
  readonly people: readonly { readonly role: string; readonly id: string }[];
}

/** What the trainee view leaves out, and why (documented in the API description too). */
export const TRAINEE_VIEW_HIDES = [
  'panel membership, attendance, chair and the rationale of panel meetings (the deliberations); the decision itself is shown',
  "a group decision's members and who attended (`reviews[].members`, RCTTP's Executive Group): its deliberations like a panel's; the decision is shown",
  "review notes (`notes`): the reviewers' internal notes; progress, evidence, outcome and next steps are shown",
  'the evidence written for a second initiation (`reinitiation.evidence`, e.g. what a medical certificate says): free text given with a ground is for the course team only; the ground is shown',
] as const;

/**
 * What the staff view (people named on the case who are not the course team: school mentors,
 * professional mentors, tutors) leaves out: the trainee's health and personal circumstances,
 * which only the course team and the trainee see.
 */
export const STAFF_VIEW_HIDES = [
  'why a case is paused (`paused.reason`): it reads "Paused" whatever the reason, so a health pause is not disclosed',
  "the ground and evidence of a second initiation (`reinitiation`, e.g. RCTTP's long term illness supported by a medical certificate)",
  "why a fee was waived and the letter confirming it to the trainee (`feeWaivers[].reason`, `.letter`, and the fee letter PDF): they tell the trainee's circumstances (a bereavement, an illness); that a fee of that amount was waived, when and by whom is shown",
] as const;

export function coversProgramme(caller: Caller, programme: string): boolean {
  return caller.programmes === 'all' || caller.programmes.includes(programme);
}

export function isAdmin(caller: Caller): boolean {
  return caller.actor.appRoles.includes('admin');
}

export function isCourseTeamFor(caller: Caller, programme: string): boolean {
  return isAdmin(caller) || (caller.actor.appRoles.includes('course_team') && coversProgramme(caller, programme));
}

/** `traineeRoles`: the procedure's roles on the trainee side. */
export function accessTo(caller: Caller, facts: CaseAccessFacts, traineeRoles: ReadonlySet<string>): CaseAccess {
  if (isCourseTeamFor(caller, facts.programme)) return 'full';
  const roles = facts.people.filter((p) => p.id.toLowerCase() === caller.actor.id).map((p) => p.role);
  if (roles.length === 0) return 'none';
  return roles.some((role) => !traineeRoles.has(role)) ? 'staff' : 'trainee';
}

/**
 * The actor the domain sees for this case: course-team powers only on the programmes the
 * caller covers, so being course team elsewhere gives nothing extra here.
 */
export function actorForCase(caller: Caller, programme: string): Actor {
  if (isCourseTeamFor(caller, programme)) return caller.actor;
  return { ...caller.actor, appRoles: caller.actor.appRoles.filter((r) => r !== 'course_team') };
}

/** May see cohort reports (over the cases they can see). */
export function mayReport(caller: Caller): boolean {
  return caller.actor.appRoles.includes('admin') || caller.actor.appRoles.includes('course_team');
}
