import { z } from 'zod';
import { localDateSchema } from '../domain/calendar/index.js';
import { openCaseInputSchema } from '../domain/case/index.js';
import { CASE_STATUSES } from '../domain/case/types.js';

/**
 * Requests besides the case commands (commands.ts): what the server parses every body and query
 * string with, and what the OpenAPI document describes.
 */

/** POST /api/cases: the open-case input plus which procedure it runs under. */
export const openCaseRequestSchema = openCaseInputSchema.extend({
  procedureId: z.string().min(1).max(80),
  /**
   * The course team opens a second case while one is open, on purpose: only where the procedure
   * allows parallel cases. Otherwise a trainee's open case answers 409 naming it.
   */
  parallel: z.boolean().optional(),
});

/** Query string of GET /api/cases. */
export const listCasesQuerySchema = z.strictObject({
  status: z.enum([...CASE_STATUSES, 'open']).optional(),
  procedure: z.string().max(80).optional(),
  stage: z.string().max(60).optional(),
  programme: z.string().max(200).optional(),
  /** Cases whose next review is before this date (exclusive). */
  reviewDueBefore: localDateSchema.optional(),
  /** Only cases naming the caller. */
  mine: z.enum(['true', 'false']).optional(),
  /** Trainee name or case reference (substring, case-insensitive). */
  search: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).optional(),
});

/** Query string of GET /api/cases/{caseId}/sent-notifications. */
export const caseNotificationsQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Words in the subject, recipient or kind (case-insensitive). */
  search: z.string().max(200).optional(),
});

/** Query string of GET /api/reports. */
export const reportQuerySchema = z.strictObject({
  /** Cases opened on or after this date. */
  from: localDateSchema.optional(),
  /** Cases opened on or before this date. */
  to: localDateSchema.optional(),
  procedure: z.string().max(80).optional(),
  programme: z.string().max(200).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

export const PEOPLE_SEARCH_MIN = 2;
export const PEOPLE_SEARCH_MAX = 100;
/** At most this many people per answer. */
export const PEOPLE_SEARCH_LIMIT = 10;

const searchText = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'is missing: add ?search= with the start of a name or an email address'
        : 'must be given once, as text',
  })
  .trim()
  .min(PEOPLE_SEARCH_MIN, `needs at least ${PEOPLE_SEARCH_MIN} characters`)
  .max(PEOPLE_SEARCH_MAX, `can be at most ${PEOPLE_SEARCH_MAX} characters`);

/** Query string of GET /api/people. */
export const peopleQuerySchema = z.strictObject({
  /** The start of a name (any word of it) or of an email address; 2 to 100 characters once trimmed. */
  search: searchText,
});

/**
 * Move a case to the version of its procedure that runs now (administrators). `toHash` names
 * that version as the case view showed it (`procedure.runningVersion.hash`), so a procedure
 * changed again since is not taken on unseen.
 */
export const moveProcedureVersionRequest = z.strictObject({
  toHash: z.string().regex(/^[0-9a-f]{64}$/, 'the hash of a procedure version (64 hexadecimal digits)'),
});
