import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { classifyGraphError, GraphStoreError } from './errors.js';

/**
 * Shared plumbing for reading Graph: every body is parsed with zod at this boundary, every
 * path segment is checked, every collection is paged the same way.
 */

/** Parses a Graph response body; a shape we did not expect is a `data_error`, not a crash later. */
export function parseGraphJson<T>(schema: z.ZodType<T>, value: unknown, context: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new GraphStoreError('data_error', `${context}: unexpected response shape: ${z.prettifyError(result.error)}`, {
    cause: result.error,
  });
}

/** Characters RFC 3986 allows in a path segment, minus `%` so nothing arrives pre-encoded. */
const SAFE_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;

/**
 * Site ids (`host,guid,guid`), list GUIDs and item ids go into URL paths verbatim, so one
 * carrying `/`, `?` or `#` could address a different resource. Refuse rather than encode:
 * Graph ids never contain those characters, so seeing one is a bug upstream.
 */
export function pathSegment(value: string, what: string): string {
  if (!SAFE_SEGMENT.test(value) || value === '.' || value === '..') {
    throw new GraphStoreError('bad_request', `${what} is not a valid Graph id: ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * nextLink/deltaLink/Location must be absolute https: SDK 3.0.7 only strips host and
 * version from https URLs and would glue anything else onto the base URL as a path.
 */
export function assertHttpsLink(link: string, context: string): string {
  if (!link.startsWith('https://')) {
    throw new GraphStoreError('data_error', `${context}: Graph returned a non-https link: ${link}`);
  }
  return link;
}

const collectionPageSchema = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
});

/** GETs a small collection (lists, columns) and follows nextLinks to the end. */
export async function getAllPages<T>(
  client: Client,
  path: string,
  itemSchema: z.ZodType<T>,
  context: string,
): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    let body: unknown;
    try {
      body = await client.api(next).get();
    } catch (error) {
      throw classifyGraphError(error, context);
    }
    const page = parseGraphJson(collectionPageSchema, body, context);
    for (const raw of page.value) items.push(parseGraphJson(itemSchema, raw, context));
    const link = page['@odata.nextLink'];
    next = link === undefined ? undefined : assertHttpsLink(link, context);
  }
  return items;
}
