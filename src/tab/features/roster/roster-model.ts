import { PLACEMENT_CSV_COLUMNS } from '../../../contract/placements';
import type { PlacementImportResult, PlacementInput, PlacementRow } from '../../api/types';

/**
 * The roster page's rules, apart from React: what an import preview says, which problems belong
 * to which line, when the import may be confirmed, and the edit form's fields to and from a row.
 */

/** The CSV header the import reads, in the documented order (a template for the course team). */
export const CSV_HEADER = PLACEMENT_CSV_COLUMNS.map((c) => c.name).join(',');
export const REQUIRED_COLUMNS = PLACEMENT_CSV_COLUMNS.filter((c) => c.required).map((c) => c.name);

const count = (n: number, one: string, many: string): string => `${String(n)} ${n === 1 ? one : many}`;

/** "2 new rows, 1 changed, 3 unchanged" — what an import does or would do. */
export function importCounts(result: Pick<PlacementImportResult, 'created' | 'updated' | 'unchanged'>): string {
  return [
    count(result.created, 'new row', 'new rows'),
    `${String(result.updated)} changed`,
    `${String(result.unchanged)} unchanged`,
  ].join(', ');
}

/** The sentence above the preview or after the import. */
export function importSummary(result: PlacementImportResult): string {
  if (result.errors.length > 0) {
    const lines = new Set(result.errors.map((e) => e.line)).size;
    return `Nothing can be imported yet: ${count(result.errors.length, 'problem', 'problems')} on ${count(lines, 'line', 'lines')}. Correct the file and check it again.`;
  }
  if (result.written) return `Imported: ${importCounts(result)}.`;
  if (result.created + result.updated === 0)
    return `Nothing to import: every row is already on the roster as it is (${count(result.unchanged, 'row', 'rows')}).`;
  return `Checked, nothing written yet: ${importCounts(result)}. Import to write these changes.`;
}

/** The import may be confirmed after a clean dry run that changes something. */
export function canConfirm(result: PlacementImportResult | undefined): boolean {
  return result !== undefined && result.dryRun && result.errors.length === 0 && result.created + result.updated > 0;
}

export interface LineProblems {
  readonly line: number;
  readonly messages: readonly string[];
}

/** The problems by line, in line order, each message naming its column when it has one. */
export function problemsByLine(result: Pick<PlacementImportResult, 'errors'>): LineProblems[] {
  const byLine = new Map<number, string[]>();
  for (const e of result.errors) {
    const list = byLine.get(e.line) ?? [];
    list.push(e.column === undefined || e.column === '' ? e.message : `${e.column}: ${e.message}`);
    byLine.set(e.line, list);
  }
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([line, messages]) => ({ line, messages }));
}

export const ACTION_LABELS: Readonly<Record<PlacementImportResult['rows'][number]['action'], string>> = {
  create: 'New',
  update: 'Changed',
  unchanged: 'Unchanged',
};

/** "Mentor: Bethany Cole; Tutor: Owen Pritchard" — who the row names, for the table. */
export function staffLine(
  row: Pick<PlacementRow, 'mentors' | 'tutor' | 'professionalMentor' | 'programmeLead'>,
): string {
  const parts: string[] = [];
  if (row.mentors.length > 0)
    parts.push(`${row.mentors.length === 1 ? 'Mentor' : 'Mentors'}: ${row.mentors.map((m) => m.name).join(', ')}`);
  if (row.tutor) parts.push(`Tutor: ${row.tutor.name}`);
  if (row.professionalMentor) parts.push(`Professional mentor: ${row.professionalMentor.name}`);
  if (row.programmeLead) parts.push(`Programme lead: ${row.programmeLead.name}`);
  return parts.length === 0 ? 'No staff named' : parts.join('; ');
}

/** "Rows 26–50 of 120". */
export function pageLabel(offset: number, shown: number, total: number): string {
  if (total === 0) return 'No rows';
  return `Rows ${String(offset + 1)}–${String(offset + shown)} of ${String(total)}`;
}

/** The edit form: every field a row's details can change (its trainee, programme and term start cannot). */
export interface RowForm {
  readonly provider: string;
  readonly school: string;
  readonly schoolContactEmail: string;
  readonly mentorUpns: string;
  readonly mentorNames: string;
  readonly tutorUpn: string;
  readonly tutorName: string;
  readonly professionalMentorUpn: string;
  readonly professionalMentorName: string;
  readonly programmeLeadUpn: string;
  readonly programmeLeadName: string;
  readonly termEnd: string;
}

export const FORM_LABELS: Readonly<Record<keyof RowForm, string>> = {
  school: 'School',
  schoolContactEmail: 'School contact email',
  provider: 'Provider',
  mentorUpns: 'Mentor sign-in names (separate with ;)',
  mentorNames: 'Mentor names (same order, separate with ;)',
  tutorUpn: 'Tutor sign-in name',
  tutorName: 'Tutor name',
  professionalMentorUpn: 'Professional mentor sign-in name',
  professionalMentorName: 'Professional mentor name',
  programmeLeadUpn: 'Programme lead sign-in name',
  programmeLeadName: 'Programme lead name',
  termEnd: 'Last day of the placement (YYYY-MM-DD)',
};

export function formOfRow(row: PlacementRow): RowForm {
  return {
    provider: row.provider ?? '',
    school: row.school,
    schoolContactEmail: row.schoolContactEmail ?? '',
    mentorUpns: row.mentors.map((m) => m.id).join('; '),
    mentorNames: row.mentors.map((m) => m.name).join('; '),
    tutorUpn: row.tutor?.id ?? '',
    tutorName: row.tutor?.name ?? '',
    professionalMentorUpn: row.professionalMentor?.id ?? '',
    professionalMentorName: row.professionalMentor?.name ?? '',
    programmeLeadUpn: row.programmeLead?.id ?? '',
    programmeLeadName: row.programmeLead?.name ?? '',
    termEnd: row.endsOn,
  };
}

/** The edit as the API takes it: the row's key as it is, the form's fields, blanks left out. */
export function inputOfForm(row: PlacementRow, form: RowForm): PlacementInput {
  const optional = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
  const fields: Record<string, string | undefined> = {
    provider: optional(form.provider),
    school_contact_email: optional(form.schoolContactEmail),
    mentor_upns: optional(form.mentorUpns),
    mentor_names: optional(form.mentorNames),
    tutor_upn: optional(form.tutorUpn),
    tutor_name: optional(form.tutorName),
    professional_mentor_upn: optional(form.professionalMentorUpn),
    professional_mentor_name: optional(form.professionalMentorName),
    programme_lead_upn: optional(form.programmeLeadUpn),
    programme_lead_name: optional(form.programmeLeadName),
  };
  return {
    trainee_upn: row.trainee.id,
    trainee_name: row.trainee.name,
    programme: row.programme,
    school: form.school.trim(),
    term_start: row.startsOn,
    term_end: form.termEnd.trim(),
    ...Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)),
  };
}

/** Whether the form differs from the row it was opened on. */
export function formChanged(row: PlacementRow, form: RowForm): boolean {
  const before = formOfRow(row);
  return (Object.keys(before) as (keyof RowForm)[]).some((k) => before[k].trim() !== form[k].trim());
}

/** The sentence for a 412 on an edit or removal: the row changed, or went, since it was shown. */
export function conflictSentence(row: PlacementRow, current: PlacementRow | undefined): string {
  if (current === undefined)
    return `Someone else removed the roster row for ${row.trainee.name} since you opened it. Nothing was changed.`;
  return `Someone else changed the roster row for ${row.trainee.name} since you opened it, so your change was not saved. This is the row as it is now; edit it again if your change still applies.`;
}
