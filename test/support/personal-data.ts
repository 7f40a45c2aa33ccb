import { ADMIN_PERSONA, DEMO_PROVIDERS, type DemoPerson } from '../../src/dev/local-mode/personas.js';

/** Every demo person local mode knows: course teams, staff, trainees and the administrator. */
export function demoPeople(): DemoPerson[] {
  const people: DemoPerson[] = [ADMIN_PERSONA];
  for (const provider of DEMO_PROVIDERS) {
    people.push(provider.courseTeam, ...provider.trainees);
    for (const staff of Object.values(provider.staff)) people.push(...staff);
  }
  return people;
}

/**
 * What of these people a text gives away: each display name, address and the address's local
 * part (the name as a sign-in) found in it, case-insensitively. Empty means none.
 */
export function personalDataIn(text: string, people: readonly DemoPerson[] = demoPeople()): string[] {
  const haystack = text.toLowerCase();
  const found = new Set<string>();
  for (const person of people) {
    const local = person.upn.slice(0, person.upn.indexOf('@'));
    for (const needle of [person.name, person.upn, local])
      if (needle.length > 3 && haystack.includes(needle.toLowerCase())) found.add(needle);
  }
  return [...found];
}
