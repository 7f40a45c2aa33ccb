import { createHash } from 'node:crypto';
import type { LocalDate } from '../../domain/calendar/index.js';
import type { Person } from '../../domain/case/types.js';
import { ROSTER_COLUMNS, type Procedure, type RosterColumn } from '../../domain/procedure/schema.js';

/**
 * The placement roster: who mentors and tutors whom. One row per trainee, programme and term,
 * kept by the course team from their placement system's export (CSV import, or row edits).
 * Staff may open a case only for a trainee whose current row names them, and the people on
 * such a case come from the row, never from the request.
 *
 * A row's key is its trainee, programme and term start (lower case): importing the same
 * trainee, programme and term again updates that row instead of adding one.
 */

export interface RosterPerson {
  /** Sign-in name (UPN), lower case: the id people have on cases. */
  readonly id: string;
  readonly name: string;
}

export interface Placement {
  readonly trainee: RosterPerson;
  readonly programme: string;
  /** The provider as the placement system names it; optional. */
  readonly provider: string | undefined;
  readonly school: string;
  readonly schoolContactEmail: string | undefined;
  /** The school's mentor(s). */
  readonly mentors: readonly RosterPerson[];
  /** The provider's tutor (link tutor, partnership tutor, course tutor: see a procedure's `roster`). */
  readonly tutor: RosterPerson | undefined;
  readonly professionalMentor: RosterPerson | undefined;
  /**
   * The provider's programme lead for the trainee (a SCITT's programme lead, a course leader):
   * the person a procedure that needs one on every case (`programme_lead`, or the role its
   * `roster` maps the column to) gets from the roster. Absent on rows kept before the column.
   */
  readonly programmeLead?: RosterPerson | undefined;
  readonly startsOn: LocalDate;
  readonly endsOn: LocalDate;
}

export interface StoredPlacement extends Placement {
  /** Stable id derived from the key (`placementIdOf`). */
  readonly id: string;
  readonly key: string;
  /** 1 on import, +1 on every change: the ETag is `"v<version>"`. */
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** Where the roster is kept (src/store: a SharePoint list). */
export interface PlacementRoster {
  /** Every row (one per trainee and term: a provider has hundreds to a few thousand). */
  all(): Promise<readonly StoredPlacement[]>;
  /** The rows of one trainee (indexed). */
  forTrainee(traineeId: string): Promise<readonly StoredPlacement[]>;
  find(id: string): Promise<StoredPlacement | undefined>;
  /** Creates the row with this key, or replaces it (version + 1); `expectedVersion` guards an edit. */
  save(row: StoredPlacement, expectedVersion?: number): Promise<StoredPlacement>;
  /** False when there was no such row. */
  remove(id: string): Promise<boolean>;
}

export function placementKeyOf(row: Pick<Placement, 'trainee' | 'programme' | 'startsOn'>): string {
  return `${row.trainee.id.trim().toLowerCase()}|${row.programme.trim().toLowerCase()}|${row.startsOn}`;
}

export function placementIdOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/** Rows whose term includes `today`. */
export function isCurrent(row: Placement, today: LocalDate): boolean {
  return row.startsOn <= today && today <= row.endsOn;
}

/** The people of a roster column, lower-cased ids. */
export function columnPeople(row: Placement, column: RosterColumn): readonly RosterPerson[] {
  switch (column) {
    case 'mentor':
      return row.mentors;
    case 'tutor':
      return row.tutor ? [row.tutor] : [];
    case 'professional_mentor':
      return row.professionalMentor ? [row.professionalMentor] : [];
    case 'programme_lead':
      return row.programmeLead ? [row.programmeLead] : [];
  }
}

/**
 * Which procedure role a roster column fills: the procedure's `roster` mapping, else the role of
 * the same id where the procedure has one, else none.
 */
export function roleForColumn(procedure: Procedure, column: RosterColumn): string | undefined {
  const mapped = procedure.roster?.[column];
  if (mapped !== undefined) return mapped;
  return procedure.roles.some((r) => r.id === column) ? column : undefined;
}

/** The procedure roles a person holds on a roster row. */
export function rosterRolesOf(procedure: Procedure, row: Placement, personId: string): string[] {
  const id = personId.toLowerCase();
  const roles: string[] = [];
  for (const column of ROSTER_COLUMNS) {
    const role = roleForColumn(procedure, column);
    if (role !== undefined && columnPeople(row, column).some((p) => p.id.toLowerCase() === id)) roles.push(role);
  }
  return roles;
}

/** The people of a new case as the roster row names them: the trainee and every column the procedure has a role for. */
export function casePeopleFromRoster(procedure: Procedure, row: Placement): Person[] {
  const traineeRole = procedure.roles.find((r) => r.side === 'trainee')?.id ?? 'trainee';
  const asPerson = (role: string, p: RosterPerson): Person => ({
    role,
    id: p.id.toLowerCase(),
    name: p.name,
    email: p.id.toLowerCase(),
  });
  const people: Person[] = [asPerson(traineeRole, row.trainee)];
  for (const column of ROSTER_COLUMNS) {
    const role = roleForColumn(procedure, column);
    const definition = procedure.roles.find((r) => r.id === role);
    if (role === undefined || !definition) continue;
    const holders = columnPeople(row, column);
    for (const person of definition.multiple ? holders : holders.slice(0, 1)) {
      if (!people.some((p) => p.role === role && p.id === person.id.toLowerCase())) people.push(asPerson(role, person));
    }
  }
  return people;
}
