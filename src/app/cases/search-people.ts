import { PEOPLE_SEARCH_LIMIT, peopleQuerySchema } from '../../contract/requests.js';
import type { DirectoryPerson, PeopleDirectory } from '../../domain/people-directory.js';
import { isStoreError } from '../../domain/ports.js';
import { isAdmin } from '../access.js';
import type { Caller } from '../caller.js';
import { InputError, NotAllowedError } from '../errors.js';
import { parseInput } from './parse-input.js';

/**
 * GET /api/people?search=: people in the directory for the new-case wizard's pickers.
 * Only for those who open cases from the tab: the course team (of at least one programme) and
 * admins, as GET /api/me's `can.openCases` says. Trellis reads the directory with its own
 * application permission, so letting anyone else search would let a school mentor (often a guest
 * account, which Entra keeps from browsing the directory) list the provider's staff and trainees.
 * Named mentors and tutors raise concerns from Teams, naming the trainee from the message.
 */

export interface PersonView {
  readonly upn: string;
  readonly name: string;
  readonly email: string;
  readonly jobTitle: string | null;
}

export interface PeopleSearchDeps {
  readonly directory: PeopleDirectory;
}

/** Whether the caller may search the directory: see the comment at the top. */
export function mayUseDirectory(caller: Caller): boolean {
  if (isAdmin(caller)) return true;
  return caller.actor.appRoles.includes('course_team') && (caller.programmes === 'all' || caller.programmes.length > 0);
}

function byNameThenUpn(a: DirectoryPerson, b: DirectoryPerson): number {
  return a.name.localeCompare(b.name, 'en-GB', { sensitivity: 'base' }) || a.upn.localeCompare(b.upn);
}

export async function searchPeople(
  deps: PeopleSearchDeps,
  caller: Caller,
  query: unknown,
): Promise<{ readonly people: readonly PersonView[] }> {
  // Who may comes first: a refusal says nothing about the input.
  if (!mayUseDirectory(caller)) {
    throw new NotAllowedError(
      'Looking people up is for the course team, who open cases from the tab. Ask your course team to add the person you need.',
      `${caller.actor.id} may not search the directory`,
    );
  }
  const { search } = parseInput(peopleQuerySchema, query);
  let found: readonly DirectoryPerson[];
  try {
    found = await deps.directory.search(search, PEOPLE_SEARCH_LIMIT);
  } catch (error) {
    // Graph refused the text itself (its syntax rules, not ours): the caller's input, not a fault.
    if (isStoreError(error) && error.rejected) {
      throw new InputError([
        { path: 'search', message: 'could not be searched for; try the start of a name or an email address' },
      ]);
    }
    throw error;
  }
  const people = [...found].sort(byNameThenUpn).slice(0, PEOPLE_SEARCH_LIMIT);
  return { people: people.map((p) => ({ upn: p.upn, name: p.name, email: p.email, jobTitle: p.jobTitle ?? null })) };
}
