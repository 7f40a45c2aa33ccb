import type { CaseEvent, CaseState } from '../../domain/case/index.js';
import type { PeopleDirectory } from '../../domain/people-directory.js';
import type { Logger } from '../logger.js';

/**
 * People's names for the sign-in names in a case's trail, so the history reads "Mark Whitfield
 * opened the case" and never an address: first whoever is or was named on the case, then the
 * names the trail itself kept (the course team's acknowledgements and suspensions), then the
 * organisation's directory (an exact match on the sign-in name) for the rest, such as a course
 * team member who is on no case. A name not found anywhere is left out: the trail then shows the
 * sign-in name, as before. The directory may refuse (no permission): the names found so far stand.
 */
export async function actorNames(
  state: CaseState,
  events: readonly CaseEvent[],
  directory: PeopleDirectory | undefined,
  logger: Logger,
): Promise<ReadonlyMap<string, string>> {
  const names = new Map<string, string>();
  const add = (id: string, name: string | undefined): void => {
    const key = id.toLowerCase();
    if (name !== undefined && name.trim() !== '' && name !== id && !names.has(key)) names.set(key, name);
  };
  for (const p of state.people) add(p.id, p.name);
  for (const f of state.formerPeople) add(f.person.id, f.person.name);
  for (const event of events) {
    const byName = (event.data as { readonly byName?: unknown }).byName;
    if (typeof byName === 'string') add(event.actorId, byName);
  }
  const unknown = [...new Set(events.map((e) => e.actorId.toLowerCase()))].filter((id) => !names.has(id));
  if (directory !== undefined) {
    await Promise.all(
      unknown.map(async (id) => {
        try {
          const found = await directory.search(id, 5);
          add(id, found.find((p) => p.upn.toLowerCase() === id || p.email.toLowerCase() === id)?.name);
        } catch (error) {
          logger.warn('a name for the event trail could not be looked up', {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }),
    );
  }
  return names;
}
