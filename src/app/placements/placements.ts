import type { z } from 'zod';
import {
  listPlacementsQuerySchema,
  PLACEMENT_CSV_COLUMNS,
  placementImportQuerySchema,
  placementImportRequest,
  placementImportRow,
} from '../../contract/placements.js';
import { londonDateOf, localDateSchema, type LocalDate } from '../../domain/calendar/index.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { isAdmin, isCourseTeamFor } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { InputError, UseCaseError } from '../errors.js';
import { parseInput } from '../cases/parse-input.js';
import { parseCsv } from './csv.js';
import {
  isCurrent,
  placementIdOf,
  placementKeyOf,
  type Placement,
  type RosterPerson,
  type StoredPlacement,
} from './roster.js';

/**
 * The course team keeps the placement roster: they list it, import their placement system's
 * export (a dry run first shows every row's fate and every problem by line; nothing is written
 * while any row has a problem), and only ever for programmes they are course team of (an
 * admin: any).
 */

export interface PlacementView extends StoredPlacement {
  readonly current: boolean;
}

export interface PlacementPage {
  readonly items: readonly PlacementView[];
  readonly total: number;
  readonly nextCursor: string | undefined;
}

const DEFAULT_LIMIT = 100;

function assertRosterKeeper(caller: Caller): void {
  if (isAdmin(caller) || caller.actor.appRoles.includes('course_team')) return;
  throw new UseCaseError(
    'forbidden',
    "The placement roster is kept by the course team. Ask your programme's course team to change it.",
    `${caller.actor.id} is not course team`,
  );
}

export function viewOf(row: StoredPlacement, today: LocalDate): PlacementView {
  return { ...row, current: isCurrent(row, today) };
}

export async function listPlacements(deps: UseCaseDeps, caller: Caller, rawQuery: unknown): Promise<PlacementPage> {
  assertRosterKeeper(caller);
  const q = parseInput(listPlacementsQuerySchema, rawQuery);
  const today = londonDateOf(deps.clock());
  const search = q.search?.trim().toLowerCase();
  const rows = (await deps.placements.all())
    .filter((row) => isCourseTeamFor(caller, row.programme))
    .filter((row) => q.programme === undefined || row.programme === q.programme)
    .filter((row) => q.current !== 'true' || isCurrent(row, today))
    .filter(
      (row) =>
        search === undefined ||
        search === '' ||
        row.trainee.name.toLowerCase().includes(search) ||
        row.trainee.id.includes(search),
    )
    .sort(
      (a, b) =>
        a.programme.localeCompare(b.programme) ||
        a.trainee.name.localeCompare(b.trainee.name) ||
        a.startsOn.localeCompare(b.startsOn),
    );
  const offset = offsetOf(q.cursor);
  const limit = q.limit ?? DEFAULT_LIMIT;
  const items = rows.slice(offset, offset + limit).map((row) => viewOf(row, today));
  const next = offset + limit < rows.length ? Buffer.from(`p${offset + limit}`).toString('base64url') : undefined;
  return { items, total: rows.length, nextCursor: next };
}

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^p(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1])
    throw new InputError([{ path: 'cursor', message: 'is not a cursor this server gave out; start again without it' }]);
  return Number(match[1]);
}

// --- import ------------------------------------------------------------------------------

type ImportRow = z.infer<typeof placementImportRow>;

export interface ImportIssue {
  readonly line: number;
  readonly column?: string;
  readonly message: string;
}

export interface ImportResult {
  readonly dryRun: boolean;
  /** False on a dry run and whenever a row has a problem: then nothing was written. */
  readonly written: boolean;
  readonly rows: readonly { line: number; action: 'create' | 'update' | 'unchanged'; row: PlacementView }[];
  readonly errors: readonly ImportIssue[];
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

const EMAIL = /^[^\s@,;"<>]+@[^\s@,;"<>]+\.[^\s@,;"<>]+$/;
const COLUMN_NAMES: readonly string[] = PLACEMENT_CSV_COLUMNS.map((c) => c.name);

function rowsFromCsv(csv: string): { rows: { line: number; row: ImportRow }[]; errors: ImportIssue[] } {
  const parsed = parseCsv(csv);
  const errors: ImportIssue[] = [];
  if (parsed.problem) errors.push(parsed.problem);
  const [header, ...records] = parsed.records;
  if (!header) return { rows: [], errors: [{ line: 1, message: 'The file is empty: it needs a header row.' }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => n !== '' && !COLUMN_NAMES.includes(n));
  if (unknown.length > 0)
    errors.push({
      line: header.line,
      message: `Unknown column(s): ${unknown.join(', ')}. The columns are: ${COLUMN_NAMES.join(', ')}.`,
    });
  const missing = PLACEMENT_CSV_COLUMNS.filter((c) => c.required && !names.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) errors.push({ line: header.line, message: `Missing column(s): ${missing.join(', ')}.` });
  if (errors.length > 0) return { rows: [], errors };
  const rows: { line: number; row: ImportRow }[] = [];
  for (const record of records) {
    if (record.fields.every((f) => f.trim() === '')) continue;
    if (record.fields.length > names.length) {
      errors.push({ line: record.line, message: `${record.fields.length} values for ${names.length} columns.` });
      continue;
    }
    const values: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = record.fields[i]?.trim() ?? '';
      if (value !== '') values[name] = value;
    });
    const checked = placementImportRow.safeParse({
      trainee_upn: values.trainee_upn ?? '',
      trainee_name: values.trainee_name ?? '',
      programme: values.programme ?? '',
      school: values.school ?? '',
      term_start: values.term_start ?? '',
      term_end: values.term_end ?? '',
      ...Object.fromEntries(
        Object.entries(values).filter(([k]) =>
          [
            'provider',
            'school_contact_email',
            'mentor_upns',
            'mentor_names',
            'tutor_upn',
            'tutor_name',
            'professional_mentor_upn',
            'professional_mentor_name',
            'programme_lead_upn',
            'programme_lead_name',
          ].includes(k),
        ),
      ),
    });
    if (!checked.success) {
      for (const issue of checked.error.issues.slice(0, 5))
        errors.push({ line: record.line, column: issue.path.map(String).join('.'), message: issue.message });
      continue;
    }
    rows.push({ line: record.line, row: checked.data });
  }
  return { rows, errors };
}

const listOf = (value: string | readonly string[] | undefined): string[] =>
  value === undefined
    ? []
    : (typeof value === 'string' ? value.split(';') : [...value]).map((v) => v.trim()).filter((v) => v !== '');

function knownProvider(procedures: readonly Procedure[], name: string): boolean {
  const n = name.trim().toLowerCase();
  return procedures.some(
    (p) => p.provider.name.toLowerCase() === n || p.provider.shortName.toLowerCase() === n || p.provider.id === n,
  );
}

/** A checked row, or the problems with it (each naming its column). */
function placementOf(
  caller: Caller,
  procedures: readonly Procedure[],
  row: ImportRow,
): { placement: Placement } | { issues: { column: string; message: string }[] } {
  const issues: { column: string; message: string }[] = [];
  const person = (column: string, upn: string | undefined, name: string | undefined): RosterPerson | undefined => {
    if (upn === undefined || upn.trim() === '') {
      if (name !== undefined && name.trim() !== '') issues.push({ column, message: 'a name without a sign-in name' });
      return undefined;
    }
    const id = upn.trim().toLowerCase();
    if (!EMAIL.test(id)) {
      issues.push({ column, message: `"${upn.slice(0, 80)}" is not a sign-in name (name@domain)` });
      return undefined;
    }
    return { id, name: name?.trim() || id };
  };
  const trainee = person('trainee_upn', row.trainee_upn, row.trainee_name);
  if (!trainee && row.trainee_upn.trim() === '') issues.push({ column: 'trainee_upn', message: 'is required' });
  if (row.trainee_name.trim() === '') issues.push({ column: 'trainee_name', message: 'is required' });
  const programme = row.programme.trim();
  if (programme === '') issues.push({ column: 'programme', message: 'is required' });
  else if (!isCourseTeamFor(caller, programme))
    issues.push({ column: 'programme', message: `you are not course team of "${programme.slice(0, 200)}"` });
  if (row.provider !== undefined && row.provider.trim() !== '' && !knownProvider(procedures, row.provider))
    issues.push({
      column: 'provider',
      message: `"${row.provider.slice(0, 200)}" is not a provider whose procedure Trellis runs`,
    });
  if (row.school.trim() === '') issues.push({ column: 'school', message: 'is required' });
  const contact = row.school_contact_email?.trim();
  if (contact !== undefined && contact !== '' && !EMAIL.test(contact))
    issues.push({ column: 'school_contact_email', message: 'is not an email address' });
  const date = (column: string, value: string): LocalDate | undefined => {
    const parsed = localDateSchema.safeParse(value.trim());
    if (parsed.success) return parsed.data;
    issues.push({ column, message: 'is not a date as YYYY-MM-DD' });
    return undefined;
  };
  const startsOn = date('term_start', row.term_start);
  const endsOn = date('term_end', row.term_end);
  if (startsOn !== undefined && endsOn !== undefined && endsOn < startsOn)
    issues.push({ column: 'term_end', message: 'is before term_start' });
  const mentorIds = listOf(row.mentor_upns);
  const mentorNames = listOf(row.mentor_names);
  if (mentorNames.length > mentorIds.length)
    issues.push({ column: 'mentor_names', message: 'more names than mentor sign-in names' });
  const mentors = mentorIds
    .map((id, i) => person('mentor_upns', id, mentorNames[i]))
    .filter((p): p is RosterPerson => p !== undefined);
  const tutor = person('tutor_upn', row.tutor_upn, row.tutor_name);
  const professionalMentor = person(
    'professional_mentor_upn',
    row.professional_mentor_upn,
    row.professional_mentor_name,
  );
  const programmeLead = person('programme_lead_upn', row.programme_lead_upn, row.programme_lead_name);
  if (trainee && [...mentors, tutor, professionalMentor, programmeLead].some((p) => p?.id === trainee.id))
    issues.push({ column: 'trainee_upn', message: 'the trainee is also named as their own mentor or tutor' });
  if (issues.length > 0 || !trainee || startsOn === undefined || endsOn === undefined) return { issues };
  return {
    placement: {
      trainee: { id: trainee.id, name: row.trainee_name.trim() },
      programme,
      provider: row.provider?.trim() || undefined,
      school: row.school.trim(),
      schoolContactEmail: contact || undefined,
      mentors,
      tutor,
      professionalMentor,
      programmeLead,
      startsOn,
      endsOn,
    },
  };
}

const sameContent = (a: Placement, b: Placement): boolean =>
  JSON.stringify(contentOf(a)) === JSON.stringify(contentOf(b));

function contentOf(p: Placement): Placement {
  return {
    trainee: p.trainee,
    programme: p.programme,
    provider: p.provider,
    school: p.school,
    schoolContactEmail: p.schoolContactEmail,
    mentors: p.mentors,
    tutor: p.tutor,
    professionalMentor: p.professionalMentor,
    programmeLead: p.programmeLead,
    startsOn: p.startsOn,
    endsOn: p.endsOn,
  };
}

/**
 * Imports rows into the roster (by key: trainee, programme, term start). With `dryRun=true`, or
 * while any row has a problem, nothing is written and the answer says what would happen.
 */
export async function importPlacements(
  deps: UseCaseDeps,
  caller: Caller,
  rawQuery: unknown,
  body: unknown,
): Promise<ImportResult> {
  assertRosterKeeper(caller);
  const query = parseInput(placementImportQuerySchema, rawQuery);
  const request = parseInput(placementImportRequest, body);
  const dryRun = query.dryRun === 'true';
  const source =
    'csv' in request
      ? rowsFromCsv(request.csv)
      : { rows: request.rows.map((row, i) => ({ line: i + 1, row })), errors: [] as ImportIssue[] };
  const errors: ImportIssue[] = [...source.errors];
  const today = londonDateOf(deps.clock());
  const now = deps.clock().toISOString();
  const existing = new Map((await deps.placements.all()).map((row) => [row.key, row]));
  const seen = new Map<string, number>();
  const planned: { line: number; action: 'create' | 'update' | 'unchanged'; row: StoredPlacement }[] = [];
  for (const { line, row } of source.rows) {
    const checked = placementOf(caller, deps.procedures, row);
    if ('issues' in checked) {
      for (const issue of checked.issues) errors.push({ line, ...issue });
      continue;
    }
    const key = placementKeyOf(checked.placement);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({
        line,
        message: `the same trainee, programme and term start as line ${earlier}: one row per trainee and term`,
      });
      continue;
    }
    seen.set(key, line);
    const before = existing.get(key);
    const action = before === undefined ? 'create' : sameContent(before, checked.placement) ? 'unchanged' : 'update';
    planned.push({
      line,
      action,
      row:
        action === 'unchanged' && before
          ? before
          : {
              ...checked.placement,
              id: placementIdOf(key),
              key,
              version: (before?.version ?? 0) + 1,
              updatedAt: now,
              updatedBy: caller.actor.id,
            },
    });
  }
  const count = (action: string): number => planned.filter((p) => p.action === action).length;
  const write = !dryRun && errors.length === 0;
  if (write) {
    for (const plan of planned) {
      if (plan.action === 'unchanged') continue;
      await deps.placements.save(plan.row, existing.get(plan.row.key)?.version);
    }
    deps.logger.info('placements imported', {
      created: count('create'),
      updated: count('update'),
    });
  }
  errors.sort((a, b) => a.line - b.line);
  return {
    dryRun,
    written: write,
    rows: planned.map((p) => ({ line: p.line, action: p.action, row: viewOf(p.row, today) })),
    errors: errors.slice(0, 500),
    created: count('create'),
    updated: count('update'),
    unchanged: count('unchanged'),
  };
}

// --- row edits ---------------------------------------------------------------------------

/** The row, if the caller keeps the roster of its programme; otherwise it does not exist for them. */
async function keptRow(deps: UseCaseDeps, caller: Caller, id: string): Promise<StoredPlacement> {
  assertRosterKeeper(caller);
  const row = await deps.placements.find(id);
  if (!row || !isCourseTeamFor(caller, row.programme))
    throw new UseCaseError(
      'not_found',
      'There is no such roster row that you keep.',
      `Placement ${id} not found or not kept by ${caller.actor.id}`,
    );
  return row;
}

function assertVersion(row: StoredPlacement, expected: number | 'any'): void {
  if (expected !== 'any' && expected !== row.version)
    throw new UseCaseError(
      'precondition_failed',
      `The roster row for ${row.trainee.name} was changed by someone else (it is now at version ${row.version}). Look at it as it is now, then try again.`,
      `Placement ${row.id} is at version ${row.version}`,
    );
}

/**
 * Replaces a row's details (school, mentors, tutor, professional mentor, term end, provider,
 * contact). Its key — trainee, programme and term start — stays: a row for another trainee,
 * programme or term is a new row (import it, and delete this one).
 */
export async function updatePlacement(
  deps: UseCaseDeps,
  caller: Caller,
  id: string,
  expectedVersion: number | 'any',
  body: unknown,
): Promise<PlacementView> {
  const row = await keptRow(deps, caller, id);
  assertVersion(row, expectedVersion);
  const input = parseInput(placementImportRow, body);
  const checked = placementOf(caller, deps.procedures, input);
  if ('issues' in checked)
    throw new InputError(checked.issues.map((issue) => ({ path: issue.column, message: issue.message })));
  if (placementKeyOf(checked.placement) !== row.key)
    throw new InputError([
      {
        path: 'trainee_upn',
        message: 'the trainee, programme and term start identify the row and cannot change: import a new row instead',
      },
    ]);
  const saved = await deps.placements.save(
    {
      ...checked.placement,
      id: row.id,
      key: row.key,
      version: row.version + 1,
      updatedAt: deps.clock().toISOString(),
      updatedBy: caller.actor.id,
    },
    row.version,
  );
  deps.logger.info('placement updated', { placement: row.id });
  return viewOf(saved, londonDateOf(deps.clock()));
}

export async function deletePlacement(
  deps: UseCaseDeps,
  caller: Caller,
  id: string,
  expectedVersion: number | 'any',
): Promise<void> {
  const row = await keptRow(deps, caller, id);
  assertVersion(row, expectedVersion);
  await deps.placements.remove(row.id);
  deps.logger.info('placement deleted', { placement: row.id });
}
