import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { batchResultError, executeBatch } from './batch.js';
import { observedRetryOptions } from './client.js';
import {
  classifyGraphError,
  ConflictError,
  failureFromError,
  GraphStoreError,
  isDuplicateKeyFailure,
  isEtagConflictFailure,
  isNonIndexedQueryFailure,
} from './errors.js';
import { assertHttpsLink, parseGraphJson, pathSegment } from './graph-json.js';
import { assertColumnName, eq, formatOrderBy } from './odata.js';
import type { ODataFilter, OrderBy } from './odata.js';

/** Where a list lives. Ids, not names: names are for provisioning only. */
export interface ListRef {
  readonly siteId: string;
  readonly listId: string;
}

/** What Trellis writes into a column. Arrays are multi-value choice columns. */
export type FieldValue = string | number | boolean | null | readonly string[];
export type FieldValues = Readonly<Record<string, FieldValue>>;

export interface ListItem<F> {
  readonly id: string;
  /** Opaque concurrency token; pass it back to updateItem unchanged. */
  readonly eTag: string;
  readonly fields: F;
  readonly createdDateTime?: string | undefined;
  readonly lastModifiedDateTime?: string | undefined;
}

export interface CreateItemResult<F> {
  readonly item: ListItem<F>;
  /** false: an item with this key already existed (ours from an earlier attempt, or someone else's). */
  readonly created: boolean;
}

export interface ItemQuery {
  readonly filter?: ODataFilter;
  readonly orderBy?: readonly OrderBy[];
  /** Page size, 1..5000 (Graph silently caps larger values and defaults to 200). */
  readonly top?: number;
  /** Columns to return; defaults to the store's `select`. */
  readonly select?: readonly string[];
  /**
   * Send `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly` so a filter or sort on a
   * non-indexed column runs. Only for lists known to stay well under 5,000 items: past the
   * list view threshold such queries fail however they are phrased.
   */
  readonly preferNonIndexed?: boolean;
}

export interface ListItemStoreOptions<F> {
  /** Parses `fields` (system fields are present too; a z.object drops what it does not name). */
  readonly fields: z.ZodType<F>;
  /** Columns to fetch; all of them when omitted (hidden ones only appear when named). */
  readonly select?: readonly string[];
  /** Unique, indexed column whose value makes createItem idempotent. */
  readonly keyField?: string;
}

export const GRAPH_MAX_PAGE_SIZE = 5000;
const NON_INDEXED_PREFER = 'HonorNonIndexedQueriesWarningMayFailRandomly';

const rawListItemSchema = z
  .object({
    id: z.string(),
    eTag: z.string().optional(),
    createdDateTime: z.string().optional(),
    lastModifiedDateTime: z.string().optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const fieldValueSetSchema = z.record(z.string(), z.unknown());

const itemPageSchema = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
});

/** `/sites/{site}/lists/{list}/items` with both ids checked. */
export function listItemsPath(list: ListRef): string {
  return `/sites/${pathSegment(list.siteId, 'siteId')}/lists/${pathSegment(list.listId, 'listId')}/items`;
}

export function listItemPath(list: ListRef, itemId: string): string {
  return `${listItemsPath(list)}/${pathSegment(itemId, 'itemId')}`;
}

/** Query-string value for `expand`, selecting only the named columns when given. */
export function expandFields(select: readonly string[] | undefined): string {
  if (select === undefined || select.length === 0) return 'fields';
  for (const name of select) assertColumnName(name);
  return `fields(select=${select.join(',')})`;
}

/**
 * Parses one listItem as Graph returns it (GET, POST, delta, $batch body). The eTag comes
 * from the item, or from `fields@odata.etag` when only the field set carries it.
 */
export function parseListItem<F>(raw: unknown, fieldsSchema: z.ZodType<F>, context: string): ListItem<F> {
  const item = parseGraphJson(rawListItemSchema, raw, context);
  const rawFields = item.fields ?? {};
  const eTag = item.eTag ?? stringOrUndefined(rawFields['@odata.etag']);
  if (eTag === undefined) throw new GraphStoreError('data_error', `${context}: item ${item.id} has no eTag`);
  return {
    id: item.id,
    eTag,
    fields: parseGraphJson(fieldsSchema, rawFields, `${context}: fields of item ${item.id}`),
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
  };
}

/**
 * Typed operations on one SharePoint list. Every update carries If-Match; every create is
 * keyed, so a re-sent POST (SDK retry after 503/504, a crash and re-run, two instances)
 * finds the existing row instead of writing a second one.
 */
export class ListItemStore<F> {
  constructor(
    private readonly client: Client,
    readonly list: ListRef,
    private readonly options: ListItemStoreOptions<F>,
  ) {
    // Checked now so a bad ref fails when the store is built, not on the first write.
    listItemsPath(list);
    if (options.keyField !== undefined) assertColumnName(options.keyField);
  }

  parseItem(raw: unknown, context = 'Reading a list item'): ListItem<F> {
    return parseListItem(raw, this.options.fields, context);
  }

  /** The item, or a `not_found` GraphStoreError. */
  async getItem(itemId: string): Promise<ListItem<F>> {
    return (await this.readItem(itemId)).item;
  }

  /** The item, or undefined when it does not exist. */
  async findItem(itemId: string): Promise<ListItem<F> | undefined> {
    try {
      return await this.getItem(itemId);
    } catch (error) {
      if (error instanceof GraphStoreError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  /** Looks an item up by the store's key column (indexed, so no Prefer header is needed). */
  async findByKey(key: string | number): Promise<ListItem<F> | undefined> {
    const keyField = this.requireKeyField();
    for await (const page of this.queryItems({ filter: eq(keyField, key), top: 2 })) {
      // SharePoint enforces uniqueness case-insensitively and so does its eq on text.
      const [first] = page;
      if (first !== undefined) return first;
    }
    return undefined;
  }

  /**
   * Creates the item unless one with the same key exists. A duplicate-key answer (409
   * nameAlreadyExists, or 400/500 "duplicate values were found") is not an error here: it
   * is how a re-sent or concurrent create learns that the row is already there.
   */
  async createItem(fields: FieldValues): Promise<CreateItemResult<F>> {
    const keyField = this.requireKeyField();
    const key = fields[keyField];
    if (!(typeof key === 'string' && key.trim() !== '') && !(typeof key === 'number' && Number.isFinite(key))) {
      throw new GraphStoreError('bad_request', `createItem needs a value for the key column ${keyField}`);
    }
    const context = `Creating an item in list ${this.list.listId}`;
    try {
      const body: unknown = await this.client.api(listItemsPath(this.list)).post({ fields });
      return { item: this.parseItem(body, context), created: true };
    } catch (error) {
      const failure = failureFromError(error);
      if (failure === undefined || !isDuplicateKeyFailure(failure)) throw classifyGraphError(error, context);
      const existing = await this.findByKey(key);
      if (existing !== undefined) return { item: existing, created: false };
      // Duplicate reported but nothing found: it was deleted in between, or the key differs
      // only in a way the filter treats differently. Do not guess; let the caller decide.
      throw classifyGraphError(error, `${context}: key ${keyField} is taken but no item has it`);
    }
  }

  /**
   * Updates the given columns if the item still has `eTag`. On 412 (or 409 resourceModified)
   * throws ConflictError carrying the item as it is now.
   *
   * One subtle case: the SDK re-sends a PATCH that got 503/504, and if the first attempt
   * was applied the re-send fails the If-Match check against our own write. So when the
   * request was re-sent and the item now holds exactly the values we sent, that 412 is our
   * own success, not someone else's change.
   */
  async updateItem(itemId: string, fields: FieldValues, eTag: string): Promise<ListItem<F>> {
    if (eTag.trim() === '' || eTag.trim() === '*') {
      throw new GraphStoreError(
        'bad_request',
        'updateItem needs the eTag read with the item; "*" would allow lost updates',
      );
    }
    const context = `Updating item ${itemId} in list ${this.list.listId}`;
    // An object, not a local boolean: the flag is set from inside the SDK's retry callback.
    const attempt = { resent: false };
    const retryOptions = observedRetryOptions(this.client, { onRetry: () => (attempt.resent = true) });
    let body: unknown;
    try {
      body = await this.client
        .api(`${listItemPath(this.list, itemId)}/fields`)
        .header('If-Match', eTag)
        .middlewareOptions([retryOptions])
        .patch(fields);
    } catch (error) {
      const failure = failureFromError(error);
      if (failure === undefined || !isEtagConflictFailure(failure)) throw classifyGraphError(error, context);
      const current = await this.readItem(itemId);
      if (attempt.resent && fieldsHoldValues(current.rawFields, fields)) return current.item;
      throw new ConflictError(current.item, `${context}: the item changed since it was read (eTag ${eTag})`, {
        status: failure.status,
        graphCode: failure.graphCode,
        requestId: failure.requestId,
        cause: error,
      });
    }
    const fieldSet = parseGraphJson(fieldValueSetSchema, body, context);
    const newETag = stringOrUndefined(fieldSet['@odata.etag']);
    // Graph does not promise an eTag on the PATCH answer; without one the caller could not
    // write again, so read the item back.
    if (newETag === undefined) return this.getItem(itemId);
    return {
      id: itemId,
      eTag: newETag,
      fields: parseGraphJson(this.options.fields, fieldSet, `${context}: fields`),
      lastModifiedDateTime: stringOrUndefined(fieldSet.Modified),
    };
  }

  /**
   * Updates the given columns without If-Match. Only for a writer that owns the row by its own
   * protocol (the outbox's claimant recording what happened to its send): a stale reader's
   * conditional write then loses to this one, never the other way round. Everything else uses
   * updateItem.
   */
  async overwriteItem(itemId: string, fields: FieldValues): Promise<void> {
    const context = `Updating item ${itemId} in list ${this.list.listId}`;
    try {
      await this.client.api(`${listItemPath(this.list, itemId)}/fields`).patch(fields);
    } catch (error) {
      throw classifyGraphError(error, context);
    }
  }

  /**
   * Deletes the item; with an eTag, only if unchanged. Returns false when it was already gone
   * (possibly removed by an earlier, re-sent attempt of this same call).
   */
  async deleteItem(itemId: string, options: { readonly eTag?: string } = {}): Promise<boolean> {
    const context = `Deleting item ${itemId} in list ${this.list.listId}`;
    const request = this.client.api(listItemPath(this.list, itemId));
    if (options.eTag !== undefined) request.header('If-Match', options.eTag);
    try {
      await request.delete();
      return true;
    } catch (error) {
      const failure = failureFromError(error);
      if (failure?.status === 404) return false;
      if (failure !== undefined && isEtagConflictFailure(failure)) {
        const current = await this.findItem(itemId);
        if (current === undefined) return false;
        throw new ConflictError(current, `${context}: the item changed since it was read`, {
          status: failure.status,
          graphCode: failure.graphCode,
          requestId: failure.requestId,
          cause: error,
        });
      }
      throw classifyGraphError(error, context);
    }
  }

  /**
   * Pages through matching items, one Graph request per page. nextLinks are followed as
   * given (absolute https) and the Prefer header is sent again on each, since Graph checks
   * the index rule on every page.
   */
  async *queryItems(query: ItemQuery = {}): AsyncGenerator<ListItem<F>[], void, undefined> {
    yield* this.pagesFrom(this.firstPageUrl(query), query, `Querying list ${this.list.listId}`);
  }

  /**
   * Several queries at once: their first pages in `$batch`es of 20 (one round trip for twenty
   * queries; each still a query to SharePoint's budget), any further pages followed one by one.
   * Answers every query's items, in the order of the queries.
   */
  async queryAll(queries: readonly ItemQuery[]): Promise<ListItem<F>[][]> {
    const context = `Querying list ${this.list.listId}`;
    const outcome = await executeBatch(
      this.client,
      queries.map((query, index) => ({ id: String(index + 1), method: 'GET', url: this.firstPageUrl(query) })),
    );
    const answers: ListItem<F>[][] = [];
    for (const [index, result] of outcome.results.entries()) {
      const failure = batchResultError(result, context);
      if (failure !== undefined) throw failure;
      const page = parseGraphJson(itemPageSchema, result.body, context);
      const items = page.value.map((raw) => this.parseItem(raw, context));
      const link = page['@odata.nextLink'];
      if (link !== undefined) {
        const query = queries[index] ?? {};
        for await (const more of this.pagesFrom(assertHttpsLink(link, context), query, context)) items.push(...more);
      }
      answers.push(items);
    }
    return answers;
  }

  private async *pagesFrom(
    first: string,
    query: ItemQuery,
    context: string,
  ): AsyncGenerator<ListItem<F>[], void, undefined> {
    const headers: Record<string, string> = query.preferNonIndexed === true ? { Prefer: NON_INDEXED_PREFER } : {};
    let next: string | undefined = first;
    while (next !== undefined) {
      let body: unknown;
      try {
        body = await this.client.api(next).headers(headers).get();
      } catch (error) {
        throw this.queryError(error, query, context);
      }
      const page = parseGraphJson(itemPageSchema, body, context);
      yield page.value.map((raw) => this.parseItem(raw, context));
      const link = page['@odata.nextLink'];
      next = link === undefined ? undefined : assertHttpsLink(link, context);
    }
  }

  private firstPageUrl(query: ItemQuery): string {
    const params = [`expand=${expandFields(query.select ?? this.options.select)}`];
    if (query.filter !== undefined) params.push(`$filter=${encodeURIComponent(query.filter.expression)}`);
    if (query.orderBy !== undefined && query.orderBy.length > 0) {
      params.push(`$orderby=${encodeURIComponent(formatOrderBy(query.orderBy))}`);
    }
    if (query.top !== undefined) {
      if (!Number.isInteger(query.top) || query.top < 1 || query.top > GRAPH_MAX_PAGE_SIZE) {
        throw new GraphStoreError('bad_request', `Page size must be 1..${GRAPH_MAX_PAGE_SIZE}, got ${query.top}`);
      }
      params.push(`$top=${query.top}`);
    }
    // Built by hand: the SDK's query helpers do not percent-encode values, so a `&` or `#`
    // inside a quoted literal would otherwise split the query string.
    return `${listItemsPath(this.list)}?${params.join('&')}`;
  }

  private queryError(error: unknown, query: ItemQuery, context: string): GraphStoreError {
    const failure = failureFromError(error);
    if (failure !== undefined && isNonIndexedQueryFailure(failure)) {
      const columns = [
        ...new Set([...(query.filter?.columns ?? []), ...(query.orderBy ?? []).map((order) => order.column)]),
      ];
      return new GraphStoreError(
        'bad_request',
        `${context}: filter or sort uses a column that is not indexed (${columns.join(', ') || 'unknown'}). ` +
          'Index it in the list schema, or pass preferNonIndexed for a list that stays well under 5,000 items. ' +
          `Graph said: ${failure.message ?? ''}`,
        { status: failure.status, graphCode: failure.graphCode, requestId: failure.requestId, cause: error },
      );
    }
    return classifyGraphError(error, context);
  }

  private async readItem(itemId: string): Promise<{ item: ListItem<F>; rawFields: Record<string, unknown> }> {
    const context = `Reading item ${itemId} in list ${this.list.listId}`;
    let body: unknown;
    try {
      body = await this.client
        .api(`${listItemPath(this.list, itemId)}?expand=${expandFields(this.options.select)}`)
        .get();
    } catch (error) {
      throw classifyGraphError(error, context);
    }
    const raw = parseGraphJson(rawListItemSchema, body, context);
    return { item: this.parseItem(body, context), rawFields: raw.fields ?? {} };
  }

  private requireKeyField(): string {
    const { keyField } = this.options;
    if (keyField === undefined)
      throw new GraphStoreError('bad_request', `List ${this.list.listId} has no key column configured`);
    return keyField;
  }
}

/** Drains a paged query into one array; stops early once `limit` items are collected. */
export async function collectAll<T>(
  pages: AsyncIterable<readonly T[]>,
  options: { readonly limit?: number } = {},
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) {
    for (const item of page) {
      if (options.limit !== undefined && all.length >= options.limit) return all;
      all.push(item);
    }
  }
  return all;
}

/**
 * True when every value we wrote is what the item now holds. Strict on purpose: a false
 * "no" only costs a ConflictError the caller can resolve, a false "yes" would hide a
 * concurrent change.
 */
export function fieldsHoldValues(stored: Readonly<Record<string, unknown>>, written: FieldValues): boolean {
  return Object.entries(written).every(([name, value]) => fieldValueEquals(stored[name], value));
}

function fieldValueEquals(stored: unknown, written: FieldValue): boolean {
  if (written === null) return stored === null || stored === undefined || stored === '';
  if (typeof written === 'number') return typeof stored === 'number' ? stored === written : Number(stored) === written;
  if (typeof written === 'boolean') return stored === written;
  if (typeof written === 'string') {
    if (stored === written) return true;
    // SharePoint normalises date-times: whole seconds (milliseconds dropped), offsets to Z.
    return (
      typeof stored === 'string' &&
      isIsoDateTime(written) &&
      isIsoDateTime(stored) &&
      Math.floor(Date.parse(stored) / 1000) === Math.floor(Date.parse(written) / 1000)
    );
  }
  if (!Array.isArray(stored)) return false;
  const storedValues = new Set(stored.map(String));
  return storedValues.size === new Set(written).size && written.every((value) => storedValues.has(value));
}

function isIsoDateTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
