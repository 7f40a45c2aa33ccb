import { z } from 'zod';
import { localDate, personId } from './common.js';

/**
 * The placement roster on the wire: who mentors and tutors whom, per trainee, programme and
 * term. The course team imports it from their placement system's CSV export.
 */

/** The CSV columns an import reads (header row, any order, case-insensitive). */
export const PLACEMENT_CSV_COLUMNS = [
  { name: 'trainee_upn', required: true, about: "the trainee's sign-in name (email address)" },
  { name: 'trainee_name', required: true, about: "the trainee's name" },
  { name: 'programme', required: true, about: 'the programme, exactly as Trellis names it' },
  { name: 'provider', required: false, about: "the provider's name (checked against the procedures Trellis runs)" },
  { name: 'school', required: true, about: 'the placement school' },
  { name: 'school_contact_email', required: false, about: "the school's contact for the placement" },
  {
    name: 'mentor_upns',
    required: false,
    about: "the school mentor(s)' sign-in names, separated by semicolons",
  },
  { name: 'mentor_names', required: false, about: 'their names, in the same order, separated by semicolons' },
  { name: 'tutor_upn', required: false, about: "the provider's tutor (link, partnership or course tutor)" },
  { name: 'tutor_name', required: false, about: "the tutor's name" },
  { name: 'professional_mentor_upn', required: false, about: "the school's professional mentor" },
  { name: 'professional_mentor_name', required: false, about: "the professional mentor's name" },
  {
    name: 'programme_lead_upn',
    required: false,
    about: "the provider's programme lead (or course leader) for the trainee, where a procedure puts one on every case",
  },
  { name: 'programme_lead_name', required: false, about: "the programme lead's name" },
  { name: 'term_start', required: true, about: 'first day of the placement, YYYY-MM-DD' },
  { name: 'term_end', required: true, about: 'last day of the placement, YYYY-MM-DD' },
] as const;

export const rosterPerson = z.strictObject({ id: personId, name: z.string().max(200) });

export const placementRow = z.strictObject({
  id: z.string(),
  /** trainee|programme|term start, lower case: importing the same again updates the row. */
  key: z.string(),
  version: z.number().int(),
  trainee: rosterPerson,
  programme: z.string(),
  provider: z.string().optional(),
  school: z.string(),
  schoolContactEmail: z.string().optional(),
  mentors: z.array(rosterPerson),
  tutor: rosterPerson.optional(),
  professionalMentor: rosterPerson.optional(),
  programmeLead: rosterPerson.optional(),
  startsOn: localDate,
  endsOn: localDate,
  /** Today falls within the term. */
  current: z.boolean(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

export const placementPage = z.strictObject({
  items: z.array(placementRow),
  total: z.number().int(),
  nextCursor: z.string().optional(),
});

export const listPlacementsQuerySchema = z.strictObject({
  programme: z.string().max(200).optional(),
  /** Trainee name or sign-in name (substring, case-insensitive). */
  search: z.string().max(200).optional(),
  /** Only rows whose term includes today. */
  current: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).optional(),
});

/** One row of a JSON import: the CSV columns as fields (semicolon lists as arrays). */
export const placementImportRow = z.strictObject({
  trainee_upn: z.string().max(320),
  trainee_name: z.string().max(200),
  programme: z.string().max(200),
  provider: z.string().max(200).optional(),
  school: z.string().max(200),
  school_contact_email: z.string().max(320).optional(),
  mentor_upns: z.union([z.string().max(2000), z.array(z.string().max(320)).max(10)]).optional(),
  mentor_names: z.union([z.string().max(2000), z.array(z.string().max(200)).max(10)]).optional(),
  tutor_upn: z.string().max(320).optional(),
  tutor_name: z.string().max(200).optional(),
  professional_mentor_upn: z.string().max(320).optional(),
  professional_mentor_name: z.string().max(200).optional(),
  programme_lead_upn: z.string().max(320).optional(),
  programme_lead_name: z.string().max(200).optional(),
  term_start: z.string().max(20),
  term_end: z.string().max(20),
});

/** POST /api/placements/import: the CSV export as text, or rows as JSON. */
export const placementImportRequest = z.union([
  z.strictObject({ csv: z.string().min(1).max(4_000_000) }),
  z.strictObject({ rows: z.array(placementImportRow).min(1).max(5000) }),
]);

export const placementImportQuerySchema = z.strictObject({
  /** true: check and preview only; nothing is written. */
  dryRun: z.enum(['true', 'false']).optional(),
});

export const placementImportIssue = z.strictObject({
  /** The line of the CSV file (the header is line 1), or the row's position + 1 in a JSON import. */
  line: z.number().int(),
  column: z.string().optional(),
  message: z.string(),
});

export const placementImportResult = z.strictObject({
  dryRun: z.boolean(),
  /** False on a dry run and whenever a row has a problem: then nothing was written. */
  written: z.boolean(),
  /** Every readable row and what the import does (or would do) with it. */
  rows: z.array(
    z.strictObject({
      line: z.number().int(),
      action: z.enum(['create', 'update', 'unchanged']),
      row: placementRow,
    }),
  ),
  /** Rows that cannot be imported; while there are any, nothing is written. */
  errors: z.array(placementImportIssue),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});
