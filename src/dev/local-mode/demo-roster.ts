import {
  placementIdOf,
  placementKeyOf,
  roleForColumn,
  type Placement,
  type PlacementRoster,
  type RosterPerson,
} from '../../app/placements/roster.js';
import { parseLocalDate, type LocalDate } from '../../domain/calendar/index.js';
import type { Procedure, RosterColumn } from '../../domain/procedure/schema.js';
import { DEMO_PROVIDERS, type DemoProvider } from './personas.js';

/**
 * Local mode's placement roster, from the demo people: each demo trainee's row names the staff
 * the demo cases put on that trainee's first case (the same `index % holders` choice as
 * demo-data.ts), for the academic year that includes today, so the demo cases and the roster
 * agree and a demo mentor can raise a concern about their own trainees only.
 */
export function demoPlacements(procedures: readonly Procedure[], today: LocalDate): Placement[] {
  const year = Number(today.slice(0, 4));
  const startYear = Number(today.slice(5, 7)) >= 9 ? year : year - 1;
  const startsOn = parseLocalDate(`${String(startYear)}-09-01`);
  const endsOn = parseLocalDate(`${String(startYear + 1)}-08-31`);
  const out: Placement[] = [];
  for (const provider of DEMO_PROVIDERS) {
    const procedure = procedures.find((p) => p.id === provider.procedureId);
    if (!procedure) continue;
    provider.trainees.forEach((trainee, index) => {
      const holder = (column: RosterColumn): RosterPerson | undefined => {
        const person = staffFor(provider, roleForColumn(procedure, column), index);
        return person ? { id: person.upn, name: person.name } : undefined;
      };
      const mentor = holder('mentor');
      out.push({
        trainee: { id: trainee.upn, name: trainee.name },
        programme: provider.programme,
        provider: provider.providerName,
        school: provider.school,
        schoolContactEmail: undefined,
        mentors: mentor ? [mentor] : [],
        tutor: holder('tutor'),
        professionalMentor: holder('professional_mentor'),
        programmeLead: holder('programme_lead'),
        startsOn,
        endsOn,
      });
    });
  }
  return out;
}

function staffFor(
  provider: DemoProvider,
  role: string | undefined,
  index: number,
): { upn: string; name: string } | undefined {
  if (role === undefined) return undefined;
  const holders = provider.staff[role] ?? [];
  return holders[index % Math.max(holders.length, 1)];
}

/** Adds the demo rows that are not there yet (a row the course team edited is left as it is). */
export async function loadDemoRoster(
  roster: PlacementRoster,
  procedures: readonly Procedure[],
  today: LocalDate,
  now: Date,
): Promise<number> {
  const existing = new Set((await roster.all()).map((row) => row.key));
  let created = 0;
  for (const placement of demoPlacements(procedures, today)) {
    const key = placementKeyOf(placement);
    if (existing.has(key)) continue;
    await roster.save({
      ...placement,
      id: placementIdOf(key),
      key,
      version: 1,
      updatedAt: now.toISOString(),
      updatedBy: 'local-mode demo data',
    });
    created += 1;
  }
  return created;
}
