import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { DirectoryPerson, PeopleDirectory } from '../domain/people-directory.js';
import { classifyGraphError } from './graph/errors.js';
import { parseGraphJson } from './graph/graph-json.js';

/**
 * The people directory through Graph (application permission User.Read.All):
 *
 *   GET /users?$search="displayName:<text>" OR "mail:<text>"
 *             &$select=id,displayName,mail,userPrincipalName,jobTitle&$top=<limit>
 *   ConsistencyLevel: eventual
 *
 * `$search` on directory objects is an advanced query: without the header Graph answers 400.
 * displayName is matched by words (a word of the name starts with a word of the text, any
 * order); mail by "starts with". Graph shapes stop here: callers get DirectoryPerson.
 */

/** Graph's own cap for `$top` on users. */
export const DIRECTORY_MAX_TOP = 999;

const SELECT = ['id', 'displayName', 'mail', 'userPrincipalName', 'jobTitle'] as const;

/** Properties the text is searched in, joined with OR. */
const SEARCHED = ['displayName', 'mail'] as const;

/**
 * What may go into a search clause: letters (with their accents), digits, spaces and the
 * punctuation names and addresses carry (O'Neill, O’Neill, Smith-Jones, jo.bloggs@school, j_b).
 * Anything else becomes a space. So no `"` or `\` ever reaches a clause and the text can never
 * close its clause and add another; no `&` either (Graph's known issue with `&` in `$search`).
 * Graph splits words on symbols itself, so dropping the rest loses no matches.
 */
const NOT_SEARCHABLE = /[^\p{L}\p{M}\p{N}\s'’.@_-]+/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;

/** The text as it goes into the clauses; empty when nothing searchable is left. */
export function searchableText(text: string): string {
  const cleaned = text.normalize('NFC').replace(NOT_SEARCHABLE, ' ').replace(/\s+/g, ' ').trim();
  return HAS_WORD.test(cleaned) ? cleaned : '';
}

/** `"displayName:jo bloggs" OR "mail:jo bloggs"`: the `$search` value, before URL encoding. */
export function searchExpression(text: string): string {
  return SEARCHED.map((property) => `"${property}:${text}"`).join(' OR ');
}

const userSchema = z
  .object({
    id: z.string().optional(),
    displayName: z.string().nullish(),
    mail: z.string().nullish(),
    userPrincipalName: z.string().nullish(),
    jobTitle: z.string().nullish(),
  })
  .loose();

const pageSchema = z.object({ value: z.array(z.unknown()) }).loose();

const blankToUndefined = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

/** One Graph user as a DirectoryPerson; undefined for entries a case could not name (no sign-in name). */
export function toDirectoryPerson(raw: unknown): DirectoryPerson | undefined {
  const parsed = userSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const upn = blankToUndefined(parsed.data.userPrincipalName)?.toLowerCase();
  if (upn === undefined) return undefined;
  return {
    upn,
    name: blankToUndefined(parsed.data.displayName) ?? upn,
    email: (blankToUndefined(parsed.data.mail) ?? upn).toLowerCase(),
    jobTitle: blankToUndefined(parsed.data.jobTitle),
  };
}

export class GraphPeopleDirectory implements PeopleDirectory {
  constructor(private readonly client: Client) {}

  async search(text: string, limit: number): Promise<readonly DirectoryPerson[]> {
    const searchable = searchableText(text);
    if (searchable === '') return [];
    const top = Math.min(Math.max(Math.floor(limit), 1), DIRECTORY_MAX_TOP);
    // Built by hand and percent-encoded: the SDK's query helpers send values as they are.
    const url = `/users?$search=${encodeURIComponent(searchExpression(searchable))}&$select=${SELECT.join(',')}&$top=${String(top)}`;
    const context = 'Searching the directory';
    let body: unknown;
    try {
      body = await this.client.api(url).header('ConsistencyLevel', 'eventual').get();
    } catch (error) {
      throw classifyGraphError(error, context);
    }
    const page = parseGraphJson(pageSchema, body, context);
    const people = new Map<string, DirectoryPerson>();
    for (const raw of page.value) {
      const person = toDirectoryPerson(raw);
      if (person !== undefined && !people.has(person.upn)) people.set(person.upn, person);
    }
    return [...people.values()].slice(0, top);
  }
}
