import { z } from 'zod';

/**
 * Wire primitives shared by every part of the contract. The contract describes JSON as it
 * travels: a field the server leaves undefined is absent, so it is `.optional()` here.
 */

/** A calendar date, `YYYY-MM-DD` (England's date for "today"). */
export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** An instant, ISO 8601 in UTC. */
export const instant = z.string().min(1);

/** Sign-in name (UPN), lower case: the id people have on cases. */
export const personId = z.string().max(320);

export const roleRef = z.strictObject({ id: z.string(), label: z.string() });

/** The `{ items }` envelope of a list that has no paging. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/** One field's problem in a refused request. */
export const inputIssue = z.strictObject({ path: z.string(), message: z.string() });

/**
 * problem+json (RFC 9457) for every error: `code` is stable (what clients branch on), `detail`
 * a sentence a person can act on. `errors` on 400, `current` (the case now) on 412, `openCase` on
 * a 409 case_already_open; `requestId` on every problem.
 */
export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    errors: z.array(inputIssue).optional(),
    current: z.unknown().optional(),
    /** On 409 case_already_open: the trainee's open case under the procedure. */
    openCase: z.strictObject({ id: z.string(), reference: z.string() }).optional(),
    /** The request's id (also in the `x-request-id` header): quote it when asking for help. */
    requestId: z.string().optional(),
  })
  .loose();
