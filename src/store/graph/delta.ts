import { GraphError } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { observedRetryOptions } from './client.js';
import { classifyGraphError, GraphStoreError } from './errors.js';
import { assertHttpsLink, parseGraphJson } from './graph-json.js';
import { expandFields, GRAPH_MAX_PAGE_SIZE, listItemsPath, parseListItem } from './items.js';
import type { ListItem, ListRef } from './items.js';

/**
 * An in-memory mirror of one list kept current through Graph delta. The first sync
 * enumerates the list; later syncs follow the stored deltaLink, so an unchanged list costs
 * one small request (1 resource unit, against 2 for a fresh enumeration).
 */

export interface DeltaCacheOptions<F> {
  readonly fields: z.ZodType<F>;
  readonly select?: readonly string[];
  /** Items per page on enumeration; Graph's default (200) when omitted. */
  readonly pageSize?: number;
}

export interface DeltaSyncResult {
  /** HTTP requests this sync made, SDK retries included. */
  readonly requests: number;
  readonly upserted: number;
  readonly deleted: number;
  /** True when the cache was rebuilt from a full enumeration (first sync or after 410). */
  readonly full: boolean;
  /** True when Graph answered 410 and the sync started over from its Location. */
  readonly restarted: boolean;
}

const deltaEntrySchema = z
  .object({
    id: z.string(),
    deleted: z.object({ state: z.string().optional() }).loose().optional(),
  })
  .loose();

const deltaPageSchema = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

type DeltaChange<F> =
  { readonly kind: 'upsert'; readonly item: ListItem<F> } | { readonly kind: 'delete'; readonly id: string };

interface Enumeration<F> {
  readonly changes: readonly DeltaChange<F>[];
  readonly deltaLink: string;
}

export class DeltaCache<F> {
  private readonly cached = new Map<string, ListItem<F>>();
  private deltaLink: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private last: DeltaSyncResult | undefined;

  constructor(
    private readonly client: Client,
    readonly list: ListRef,
    private readonly options: DeltaCacheOptions<F>,
  ) {
    listItemsPath(list);
    const { pageSize } = options;
    if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > GRAPH_MAX_PAGE_SIZE)) {
      throw new GraphStoreError('bad_request', `Delta page size must be 1..${GRAPH_MAX_PAGE_SIZE}, got ${pageSize}`);
    }
  }

  /**
   * Brings the cache up to date. Syncs never interleave. A caller arriving while one runs
   * joins the single sync queued after it (which starts after the caller arrived, so it sees
   * every change made before the call), so fifty concurrent dashboard loads cost at most two
   * syncs, not fifty in a row.
   */
  sync(): Promise<DeltaSyncResult> {
    if (this.waiting !== undefined) return this.waiting;
    const run = this.queue.then(() => {
      if (this.waiting === run) this.waiting = undefined;
      return this.syncOnce();
    });
    this.waiting = run;
    this.queue = run.catch(() => undefined);
    return run;
  }

  private waiting: Promise<DeltaSyncResult> | undefined;

  items(): ListItem<F>[] {
    return [...this.cached.values()];
  }

  get(id: string): ListItem<F> | undefined {
    return this.cached.get(id);
  }

  /** Goes up whenever a sync changed the cache: lets callers keep things derived from it until then. */
  get generation(): number {
    return this.changes;
  }

  private changes = 0;

  get size(): number {
    return this.cached.size;
  }

  /** Result of the most recent successful sync. */
  get lastSync(): DeltaSyncResult | undefined {
    return this.last;
  }

  private async syncOnce(): Promise<DeltaSyncResult> {
    const counter = { requests: 0 };
    const storedLink = this.deltaLink;
    let full = storedLink === undefined;
    let restarted = false;
    let enumeration: Enumeration<F>;
    try {
      enumeration = await this.enumerate(storedLink ?? this.initialUrl(), counter);
    } catch (error) {
      const restartFrom = goneLocation(error);
      if (restartFrom === undefined) throw classifyGraphError(error, `Syncing list ${this.list.listId}`);
      // 410: the token can no longer be served. Graph's Location starts a fresh
      // enumeration; the result replaces the cache, deletes included.
      restarted = true;
      full = true;
      enumeration = await this.enumerate(restartFrom === '' ? this.initialUrl() : restartFrom, counter);
    }

    const result = this.apply(enumeration.changes, full);
    this.deltaLink = enumeration.deltaLink;
    this.last = { requests: counter.requests, ...result, full, restarted };
    return this.last;
  }

  private apply(changes: readonly DeltaChange<F>[], full: boolean): { upserted: number; deleted: number } {
    if (full) this.cached.clear();
    // "The delta feed shows the latest state for each item": apply in order, last one wins.
    let upserted = 0;
    let deleted = 0;
    for (const change of changes) {
      if (change.kind === 'upsert') {
        this.cached.set(change.item.id, change.item);
        upserted += 1;
      } else if (this.cached.delete(change.id)) {
        deleted += 1;
      }
    }
    if (full || upserted > 0 || deleted > 0) this.changes += 1;
    return { upserted, deleted };
  }

  /** Follows pages from `start` until a deltaLink. Nothing is applied until the end, so a failed sync leaves the cache as it was. */
  private async enumerate(start: string, counter: { requests: number }): Promise<Enumeration<F>> {
    const context = `Syncing list ${this.list.listId}`;
    const changes: DeltaChange<F>[] = [];
    let next = assertHttpsOrPath(start, context);
    for (;;) {
      counter.requests += 1;
      const retryOptions = observedRetryOptions(this.client, { onRetry: () => (counter.requests += 1) });
      const body: unknown = await this.client.api(next).middlewareOptions([retryOptions]).get();
      const page = parseGraphJson(deltaPageSchema, body, context);
      for (const raw of page.value) changes.push(this.parseChange(raw, context));
      const deltaLink = page['@odata.deltaLink'];
      if (deltaLink !== undefined) return { changes, deltaLink: assertHttpsLink(deltaLink, context) };
      const nextLink = page['@odata.nextLink'];
      if (nextLink === undefined)
        throw new GraphStoreError('data_error', `${context}: delta page has neither nextLink nor deltaLink`);
      next = assertHttpsLink(nextLink, context);
    }
  }

  private parseChange(raw: unknown, context: string): DeltaChange<F> {
    const entry = parseGraphJson(deltaEntrySchema, raw, context);
    if (entry.deleted !== undefined) return { kind: 'delete', id: entry.id };
    return { kind: 'upsert', item: parseListItem(raw, this.options.fields, context) };
  }

  private initialUrl(): string {
    const params = [`expand=${expandFields(this.options.select)}`];
    if (this.options.pageSize !== undefined) params.push(`$top=${this.options.pageSize}`);
    return `${listItemsPath(this.list)}/delta?${params.join('&')}`;
  }
}

/** For a 410: the Location to restart from, '' when Graph gave none; undefined for any other error. */
function goneLocation(error: unknown): string | undefined {
  if (!(error instanceof GraphError) || error.statusCode !== 410) return undefined;
  return error.headers?.get('Location') ?? '';
}

function assertHttpsOrPath(link: string, context: string): string {
  return link.startsWith('/') ? link : assertHttpsLink(link, context);
}

export interface DeltaFeedSync<F> {
  /** Items created or changed since the previous sync (deleted ones are left out). */
  readonly changed: readonly ListItem<F>[];
  /**
   * True when the feed (re)started from "now": on the first sync, and after Graph answered 410
   * (the token could no longer be served). Changes made before a start are not in any sync.
   */
  readonly started: boolean;
}

/**
 * A list's changes from the moment of its first sync on (Graph's `token=latest`): each sync
 * returns what changed since the one before; nothing is enumerated and nothing is kept, so it
 * suits a list too large to mirror (the event trail) when only news matters. Syncs are joined
 * like DeltaCache's: a caller arriving while one runs gets the next, which starts after it came.
 */
export class DeltaFeed<F> {
  private deltaLink: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: Promise<DeltaFeedSync<F>> | undefined;

  constructor(
    private readonly client: Client,
    readonly list: ListRef,
    private readonly options: { readonly fields: z.ZodType<F>; readonly select?: readonly string[] },
  ) {
    listItemsPath(list);
  }

  sync(): Promise<DeltaFeedSync<F>> {
    if (this.waiting !== undefined) return this.waiting;
    const run = this.queue.then(() => {
      if (this.waiting === run) this.waiting = undefined;
      return this.syncOnce();
    });
    this.waiting = run;
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(): Promise<DeltaFeedSync<F>> {
    const context = `Following list ${this.list.listId}`;
    if (this.deltaLink !== undefined) {
      try {
        return { changed: await this.follow(this.deltaLink, context), started: false };
      } catch (error) {
        if (goneLocation(error) === undefined) throw classifyGraphError(error, context);
        // 410: start again from now; the caller must not trust what it learned before.
      }
    }
    await this.follow(this.latestUrl(), context);
    return { changed: [], started: true };
  }

  /** Follows pages to the deltaLink, which is kept only once reached (a failed sync changes nothing). */
  private async follow(start: string, context: string): Promise<ListItem<F>[]> {
    const changed: ListItem<F>[] = [];
    let next = assertHttpsOrPath(start, context);
    for (;;) {
      let body: unknown;
      try {
        body = await this.client.api(next).get();
      } catch (error) {
        // A 410 passes through unclassified, so syncOnce can tell it from other failures.
        if (goneLocation(error) !== undefined) throw error;
        throw classifyGraphError(error, context);
      }
      const page = parseGraphJson(deltaPageSchema, body, context);
      for (const raw of page.value) {
        const entry = parseGraphJson(deltaEntrySchema, raw, context);
        if (entry.deleted === undefined) changed.push(parseListItem(raw, this.options.fields, context));
      }
      const deltaLink = page['@odata.deltaLink'];
      if (deltaLink !== undefined) {
        this.deltaLink = assertHttpsLink(deltaLink, context);
        return changed;
      }
      const nextLink = page['@odata.nextLink'];
      if (nextLink === undefined)
        throw new GraphStoreError('data_error', `${context}: delta page has neither nextLink nor deltaLink`);
      next = assertHttpsLink(nextLink, context);
    }
  }

  private latestUrl(): string {
    return `${listItemsPath(this.list)}/delta?expand=${expandFields(this.options.select)}&token=latest`;
  }
}
