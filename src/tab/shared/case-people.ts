import type { CaseView, Me } from '../api/types';
import { humanise } from './format';

/**
 * Who is who on a case, as its view says: names and the provider's role labels, and where the
 * signed-in person stands. The server decides who may do what (and says so in a sentence when it
 * refuses); standing only chooses what to offer, so nobody is shown a form that cannot apply to them.
 */

export function roleLabel(view: CaseView, roleId: string): string {
  return (
    view.people.find((p) => p.role === roleId)?.roleLabel ??
    view.formerPeople.find((p) => p.role === roleId)?.roleLabel ??
    humanise(roleId)
  );
}

/**
 * The person's name on the case, or when they were on it and left (a signature they gave still
 * says who gave it), else the sign-in name as given.
 */
/**
 * A person's name for their sign-in name: people on the case, people who were, then the names the
 * server gave the event trail (`events`: course team members on no case), else the sign-in name.
 */
export function personName(
  view: CaseView,
  personId: string,
  events: readonly { readonly actorId: string; readonly actorName?: string | undefined }[] = [],
): string {
  const id = personId.toLowerCase();
  return (
    view.people.find((p) => p.id.toLowerCase() === id)?.name ??
    view.formerPeople.find((p) => p.id.toLowerCase() === id)?.name ??
    events.find((e) => e.actorId.toLowerCase() === id && e.actorName !== undefined)?.actorName ??
    personId
  );
}

export interface Standing {
  /** Course team for this case's programme (or admin). */
  readonly courseTeam: boolean;
  /** Named on the case in a role that is not the trainee's. */
  readonly staff: boolean;
  /** The case's trainee. */
  readonly trainee: boolean;
  readonly roles: readonly string[];
}

export function standingOf(view: CaseView, me: Me | undefined, upn: string): Standing {
  const id = upn.toLowerCase();
  const roles = view.people.filter((p) => p.id.toLowerCase() === id).map((p) => p.role);
  const courseTeam =
    view.view === 'full' &&
    me !== undefined &&
    me.can.openCases &&
    (me.programmes === 'all' || me.programmes.includes(view.placement.programme));
  const trainee = roles.includes('trainee') || view.view === 'trainee';
  return {
    courseTeam,
    // Staff named on the case read it in the staff view (no health details); the course team in full.
    staff: view.view !== 'trainee' && (courseTeam || roles.some((r) => r !== 'trainee')),
    trainee,
    roles,
  };
}
