import { performance } from 'node:perf_hooks';
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import {
  correctTrail,
  replay,
  textAt,
  type CaseEvent,
  type CaseEventOf,
  type CaseState,
} from '../domain/case/index.js';
import {
  byReviewThenReference,
  CaseConflictError,
  CaseDataError,
  type CasePage,
  type CaseQuery,
  type CaseRepository,
  type CaseSummary,
  type StoredCase,
} from '../domain/ports.js';
import { batchResultError, executeBatch, type BatchRequest, type BatchResult } from './graph/batch.js';
import { DeltaCache, DeltaFeed } from './graph/delta.js';
import { classifyGraphError, GraphStoreError, isConflictError } from './graph/errors.js';
import { getAllPages, pathSegment } from './graph/graph-json.js';
import {
  expandFields,
  fieldsHoldValues,
  listItemsPath,
  ListItemStore,
  parseListItem,
  type FieldValues,
  type ListItem,
  type ListRef,
} from './graph/items.js';
import { eq } from './graph/odata.js';
import {
  caseRowFields,
  dateOnlyValue,
  eventKey,
  eventRowFields,
  parseEventRow,
  parseSummary,
  projectionRows,
  type RoleSides,
} from './case-rows.js';
import {
  caseRowSchema,
  eventRowSchema,
  LIST_DISPLAY_NAMES,
  type CaseRow,
  type EventRow,
  type TrellisListName,
} from './lists.js';

/** The Trellis lists on one site, by id. */
export interface TrellisSite {
  readonly siteId: string;
  readonly lists: Readonly<Record<TrellisListName, ListRef>>;
}

const listEntrySchema = z.object({ id: z.string(), displayName: z.string() }).loose();

/** Finds the provisioned lists; a missing one is a clear setup error, not a 404 later. */
export async function openTrellisSite(
  client: Client,
  siteId: string,
  options: { readonly listPrefix?: string } = {},
): Promise<TrellisSite> {
  const prefix = options.listPrefix ?? '';
  const lists = await getAllPages(
    client,
    `/sites/${pathSegment(siteId, 'siteId')}/lists?$select=id,displayName`,
    listEntrySchema,
    'Finding the Trellis lists',
  );
  const byName = new Map(lists.map((l) => [l.displayName, l.id]));
  const refs = {} as Record<TrellisListName, ListRef>;
  for (const [key, displayName] of Object.entries(LIST_DISPLAY_NAMES) as [TrellisListName, string][]) {
    const listId = byName.get(`${prefix}${displayName}`);
    if (listId === undefined) {
      throw new GraphStoreError(
        'not_found',
        `The list "${prefix}${displayName}" is missing on site ${siteId}: run \`npm run provision\` first.`,
      );
    }
    refs[key] = { siteId, listId };
  }
  return { siteId, lists: refs };
}

/** Events of one case in one page: a case has tens of events, far below Graph's 5,000 cap. */
const EVENTS_PAGE = 5000;
/** Attempts at the case-row projection when other writers keep moving it. */
const ROW_UPDATE_ATTEMPTS = 5;
/** Cases kept for repeat reads; each is its state and trail, a few kilobytes. */
const RECENT_CASES = 2000;
/** Cases remembered as having projection rows to write again (only failed writes add one). */
const PENDING_REPAIRS = 10_000;
/** Cases the trail feed keeps a latest seq for; past it, it starts a new epoch (every cached copy is read again). */
const APPENDED_CASES = 50_000;
/** How long a dashboard load may reuse the last delta sync (other instances' writes show after this). */
const DASHBOARD_FRESH_MS = 1000;
/** Distinct dashboard questions remembered between changes. */
const CACHED_ANSWERS = 200;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface GraphCaseRepositoryOptions {
  readonly roleSides: RoleSides;
}

function failed(result: BatchResult): boolean {
  return result.status < 200 || result.status >= 300;
}

/**
 * CaseRepository over SharePoint lists.
 *
 * Concurrency: the event trail is the record and each event row's key (CaseId:Seq) is unique,
 * so two writers appending to the same version cannot both succeed — the loser's first event
 * hits the unique key and becomes a CaseConflictError carrying the current case. The case row
 * is a projection updated with If-Match afterwards; it only ever moves forward in version.
 *
 * Round trips: reading a case is one `$batch` (row + events); saving a command is one `$batch`
 * (events and projection rows) plus one PATCH of the case row.
 *
 * Projection repair: the case row moves forward only after every projection row of the write is
 * in, so a row whose CaseVersion lags the trail (seen on read) marks events whose projection rows
 * may be missing; so does a failed projection write in this process. The next read of that case
 * (`find`) or its next append writes those rows again (they are keyed, so a row already there is
 * a duplicate and is skipped) and then moves the row up to the trail. In the normal case nothing
 * extra is sent.
 */
export class GraphCaseRepository implements CaseRepository {
  private readonly cases: ListItemStore<CaseRow>;
  private readonly events: ListItemStore<EventRow>;
  private readonly dashboard: DeltaCache<CaseRow>;
  private readonly reviews: ListItemStore<{ SetAsideOn?: string | null }>;

  constructor(
    private readonly client: Client,
    private readonly site: TrellisSite,
    private readonly options: GraphCaseRepositoryOptions,
  ) {
    this.cases = new ListItemStore(client, site.lists.cases, { fields: caseRowSchema, keyField: 'CaseId' });
    this.events = new ListItemStore(client, site.lists.events, { fields: eventRowSchema, keyField: 'EventKey' });
    this.reviews = new ListItemStore(client, site.lists.reviews, {
      fields: z.object({ SetAsideOn: z.string().nullish() }).loose(),
      keyField: 'ReviewKey',
    });
    this.dashboard = new DeltaCache(client, site.lists.cases, {
      fields: caseRowSchema,
      select: ['CaseId', 'CaseVersion', 'Summary'],
      pageSize: 5000,
    });
    this.trailFeed = new DeltaFeed(client, site.lists.events, {
      fields: z.object({ CaseId: z.string(), Seq: z.number().int() }),
      select: ['CaseId', 'Seq'],
    });
  }

  async create(opened: { readonly state: CaseState; readonly events: readonly CaseEvent[] }): Promise<StoredCase> {
    try {
      return await this.createRows(opened);
    } finally {
      // Marked once the rows are written (or the write failed), as append does: a dashboard sync
      // that ran while they were on their way read the list without them.
      this.wroteSinceSync = true;
    }
  }

  private async createRows(opened: {
    readonly state: CaseState;
    readonly events: readonly CaseEvent[];
  }): Promise<StoredCase> {
    const requests = [
      ...this.eventRequests(opened.events),
      ...this.projectionRequests(opened.events, opened.state),
      this.post(
        'row',
        this.site.lists.cases,
        caseRowFields(opened.state, this.options.roleSides),
        this.lastEventId(opened.events),
      ),
    ];
    const outcome = await executeBatch(this.client, requests);
    await this.assertEventsStored(opened.state.id, opened.events, outcome.results, undefined);
    // The row is already written at this version, so only this process can tell the rows are missing.
    await this.settleProjections(opened.state.id, 1, requests, outcome.results);
    const row = outcome.get('row');
    if (!failed(row)) {
      const item = this.cases.parseItem(row.body, 'Creating a case row');
      this.rowIds.set(opened.state.id, item.id);
      return { state: opened.state, events: opened.events, etag: item.eTag };
    }
    // Skipped (424) or already there from an earlier attempt of this same create: the keyed
    // create finds or makes it.
    const created = await this.cases.createItem(caseRowFields(opened.state, this.options.roleSides));
    this.rowIds.set(opened.state.id, created.item.id);
    return { state: opened.state, events: opened.events, etag: created.item.eTag };
  }

  async append(
    current: StoredCase,
    result: { readonly state: CaseState; readonly events: readonly CaseEvent[] },
  ): Promise<StoredCase> {
    if (result.events.length === 0) return current;
    const first = result.events[0];
    if (first?.seq !== current.state.version + 1) {
      throw new GraphStoreError(
        'bad_request',
        `Events must continue case ${current.state.id} from version ${current.state.version}`,
      );
    }
    const caseId = current.state.id;
    // Projection rows of earlier events that may be missing (see the class comment), written again.
    const repairFrom = this.projectionsPending.get(caseId);
    const repairs =
      repairFrom === undefined
        ? []
        : this.projectionRequests(
            current.events.filter((e) => e.seq >= repairFrom),
            result.state,
            'r',
          );
    const requests = [
      ...this.eventRequests(result.events),
      ...this.projectionRequests(result.events, result.state),
      ...repairs,
    ];
    let etag: string;
    let rowVersion: number;
    const epoch = this.feedEpoch;
    try {
      const outcome = await executeBatch(this.client, requests);
      await this.assertEventsStored(caseId, result.events, outcome.results, current);
      const fromSeq = Math.min(repairFrom ?? first.seq, first.seq);
      await this.settleProjections(caseId, fromSeq, requests, outcome.results);
      await this.settleRowUpdates(caseId, fromSeq, [
        ...current.events.filter((e) => e.seq >= fromSeq),
        ...result.events,
      ]);
      const row = await this.projectRow(result.state, current.etag);
      etag = row.etag;
      rowVersion = row.version;
      // Every projection row up to this version is in (a newer failure would have re-marked the case).
      if (this.projectionsPending.get(caseId) === repairFrom) this.projectionsPending.delete(caseId);
    } catch (error) {
      // The events may be stored while the case row has not moved, so the row's eTag would still
      // vouch for the cached state: forget it, and the next read replays the trail. (A conflict
      // has already cached the case as it now is.)
      if (!(error instanceof CaseConflictError)) this.forget(current.state.id);
      this.wroteSinceSync = true;
      throw error;
    }
    const stored = { state: result.state, events: correctTrail([...current.events, ...result.events]), etag };
    this.wroteSinceSync = true;
    // Another writer may have moved the row past this write already ("theirs stands"): its eTag
    // then vouches for a later case than ours, so ours is not kept under it and the next read
    // replays the trail.
    if (rowVersion === result.state.version) this.remember(stored, epoch);
    else this.forget(caseId);
    return stored;
  }

  async find(caseId: string): Promise<StoredCase | undefined> {
    const cached = await this.recentIfCurrent(caseId);
    if (cached) return cached;
    // The trail feed runs before the read, so whatever lands after the read, the feed shows. If it
    // cannot start now, the copy is read all the same and trusted by no later read.
    if (this.feedEpoch === 0) await this.followTrails().catch(() => undefined);
    const epoch = this.feedEpoch;
    const forgotten = this.forgotten.get(caseId) ?? 0;
    const read = await this.read(caseId);
    const stored = read && (await this.repairedIfLagging(read));
    // A read that began before a failed write forgot this case may hold the state from before it.
    if (stored && (this.forgotten.get(caseId) ?? 0) === forgotten) this.remember(stored, epoch);
    return stored;
  }

  /**
   * Read repair. A write whose events were stored but whose projection rows or row update then
   * failed leaves the case row behind its trail, and a case nobody writes again (closed, say)
   * would stay so: listed as open, counted in the wrong column of every dashboard and report.
   * Reading it brings the rows up to date with the trail just read: the missing projection rows
   * (keyed, so rows already there are skipped) and then the row, moved forward only (If-Match on
   * the eTag read with the trail; a writer that got there first stands). If that fails too, the
   * case stays marked and the next read or append tries again; the read itself still answers.
   */
  private async repairedIfLagging(stored: StoredCase): Promise<StoredCase> {
    const caseId = stored.state.id;
    const fromSeq = this.projectionsPending.get(caseId);
    if (fromSeq === undefined || stored.etag === '') return stored;
    try {
      const requests = this.projectionRequests(
        stored.events.filter((e) => e.seq >= fromSeq),
        stored.state,
        'r',
      );
      if (requests.length > 0)
        await this.retryFailedProjections(requests, (await executeBatch(this.client, requests)).results);
      await this.updateRows(stored.events.filter((e) => e.seq >= fromSeq));
      const row = await this.projectRow(stored.state, stored.etag);
      if (this.projectionsPending.get(caseId) === fromSeq) this.projectionsPending.delete(caseId);
      this.wroteSinceSync = true;
      // A later version projected by another writer: its eTag does not vouch for this trail.
      return { ...stored, etag: row.version === stored.state.version ? row.etag : '' };
    } catch {
      return stored;
    }
  }

  /** How many times each case was forgotten after a failed write (see `find`). */
  private readonly forgotten = new Map<string, number>();

  private forget(caseId: string): void {
    this.recent.delete(caseId);
    if (this.forgotten.size >= RECENT_CASES) this.forgotten.clear();
    this.forgotten.set(caseId, (this.forgotten.get(caseId) ?? 0) + 1);
  }

  /**
   * A case read or written recently, if nobody has changed it since. Two small delta requests,
   * each shared by concurrent callers, say so: the case rows' (its row still has the eTag we saw)
   * and the event trail's (no event past our version was stored since). The row alone is not
   * enough: a write cut off after storing its events but before moving the row (a crash, or the
   * row update throttled for long) leaves the row as it was. Writers are still guarded by the
   * unique event keys, so a stale answer can never be written over.
   */
  private async recentIfCurrent(caseId: string): Promise<StoredCase | undefined> {
    const entry = this.recent.get(caseId);
    const rowId = this.rowIds.get(caseId);
    if (!entry || entry.stored.etag === '' || entry.epoch === 0 || rowId === undefined) return undefined;
    const cached = entry.stored;
    const forgotten = this.forgotten.get(caseId) ?? 0;
    await Promise.all([this.dashboard.sync(), this.followTrails()]);
    // A failed write forgot the case while we waited: the row's eTag no longer vouches for this copy.
    if ((this.forgotten.get(caseId) ?? 0) !== forgotten) return undefined;
    const stale =
      entry.epoch !== this.feedEpoch ||
      (this.appended.get(caseId) ?? 0) > cached.state.version ||
      this.dashboard.get(rowId)?.eTag !== cached.etag;
    if (stale) {
      if (this.recent.get(caseId) === entry) this.recent.delete(caseId);
      return undefined;
    }
    this.remember(cached, entry.epoch);
    return cached;
  }

  /**
   * Recently used cases, least recent first (a Map keeps insertion order), each with the trail
   * feed's epoch when it was read: only a copy read while the feed was already running can be
   * checked against it.
   */
  private readonly recent = new Map<string, { readonly stored: StoredCase; readonly epoch: number }>();

  /** Follows the event trail's changes (DeltaFeed): the highest event seq stored per case since it started. */
  private readonly trailFeed: DeltaFeed<{ CaseId: string; Seq: number }>;
  private readonly appended = new Map<string, number>();
  /** Goes up each time the feed (re)starts; 0 until it first has. */
  private feedEpoch = 0;

  private async followTrails(): Promise<void> {
    const { changed, started } = await this.trailFeed.sync();
    if (started || this.appended.size > APPENDED_CASES) {
      // What happened before this start is unknown: no copy cached until now can be checked.
      this.feedEpoch += 1;
      this.appended.clear();
    }
    for (const item of changed) {
      const { CaseId: caseId, Seq: seq } = item.fields;
      if (seq > (this.appended.get(caseId) ?? 0)) this.appended.set(caseId, seq);
    }
  }

  private remember(stored: StoredCase, epoch: number): void {
    // Trails only grow: a read or write that finished late never puts an older case back over a
    // newer one (the checks above would catch it, but only after serving it once more).
    const known = this.recent.get(stored.state.id);
    if (known !== undefined && known.stored.state.version > stored.state.version) return;
    this.recent.delete(stored.state.id);
    this.recent.set(stored.state.id, { stored, epoch });
    while (this.recent.size > RECENT_CASES) {
      const oldest = this.recent.keys().next();
      if (oldest.done === true) break;
      this.recent.delete(oldest.value);
    }
  }

  /**
   * The whole case in one `$batch`: its row, then its event trail.
   *
   * The order matters. The row's eTag is what later reads compare to decide whether this copy is
   * still current, so it must never vouch for more than the trail read with it. Graph runs the
   * GETs of a `$batch` in any order and at different moments unless one depends on the other;
   * a row read after another write had landed, paired with a trail read before it, kept the older
   * trail under the newer eTag, and that write never showed again through this process.
   * Read in this order, the trail holds at least what the row says (the row only moves once a
   * write's events are in), and a re-sent GET keeps the order (a throttled row GET fails its
   * dependent trail GET with 424, and both are sent again).
   */
  private async read(caseId: string): Promise<StoredCase | undefined> {
    const filter = encodeURIComponent(eq('CaseId', caseId).expression);
    const outcome = await executeBatch(this.client, [
      {
        id: 'row',
        method: 'GET',
        url: `${listItemsPath(this.site.lists.cases)}?expand=${expandFields(undefined)}&$filter=${filter}&$top=2`,
      },
      {
        id: 'events',
        method: 'GET',
        url: `${listItemsPath(this.site.lists.events)}?expand=${expandFields(undefined)}&$filter=${filter}&$top=${EVENTS_PAGE}`,
        dependsOn: ['row'],
      },
    ]);
    for (const result of outcome.results) {
      const error = batchResultError(result, `Reading case ${caseId}`);
      if (error) throw error;
    }
    const page = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });
    const rows = page
      .parse(outcome.get('row').body)
      .value.map((raw) => parseListItem(raw, caseRowSchema, `Reading case ${caseId}`));
    const eventPage = page.parse(outcome.get('events').body);
    const eventItems = eventPage.value.map((raw) =>
      parseListItem(raw, eventRowSchema, `Reading the events of case ${caseId}`),
    );
    if (eventPage['@odata.nextLink'] !== undefined) {
      throw new CaseDataError(caseId, `the case has more than ${EVENTS_PAGE} events`);
    }
    if (eventItems.length === 0) {
      if (rows.length > 0) throw new CaseDataError(caseId, 'the case row has no event trail');
      return undefined;
    }
    // The trail as it is read: every correction applied (rows rewritten for an inaccuracy already hold it).
    const events = correctTrail(eventItems.map((item) => parseEventRow(item.fields)).sort((a, b) => a.seq - b.seq));
    let state: CaseState;
    try {
      state = replay(events);
    } catch (error) {
      throw new CaseDataError(
        caseId,
        `the event trail does not replay: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const row = rows[0];
    if (row) this.rowIds.set(caseId, row.id);
    // The row moves only after the projection rows of a write are in: a lagging (or missing) row
    // means the events after it may lack theirs (a failed or interrupted write).
    const projected = row?.fields.CaseVersion ?? 0;
    if (projected < state.version) this.markProjectionsPending(caseId, projected + 1);
    if (projected > state.version) {
      // Cannot happen with the order above; if a store ever answered so, the row's eTag must not
      // vouch for this trail. Without an eTag the copy is served once and never from the cache.
      return { state, events, etag: '' };
    }
    // With no row yet (a crash between the trail and its projection) the next append creates it.
    return { state, events, etag: row?.eTag ?? '' };
  }

  async list(query: CaseQuery): Promise<CasePage> {
    const { summaries, problems } = await this.dashboardSummaries();
    // Dashboards ask the same few questions over and over: answers are kept until the cases change.
    const { limit: _limit, cursor: _cursor, ...question } = query;
    const key = JSON.stringify(question);
    let matching = this.answers.get(key);
    if (matching === undefined) {
      matching = summaries.filter(matches(query));
      if (this.answers.size >= CACHED_ANSWERS) this.answers.clear();
      this.answers.set(key, matching);
    }
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    const offset = decodeCursor(query.cursor);
    const items = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? encodeCursor(offset + limit) : undefined;
    return { items, nextCursor: next, total: matching.length, problems };
  }

  /**
   * Every case summary in dashboard order, rebuilt only when a delta sync changed something:
   * a warm load is one small delta request plus a filter over an already sorted array.
   */
  private async dashboardSummaries(): Promise<{
    summaries: readonly CaseSummary[];
    problems: readonly { caseId: string; message: string }[];
  }> {
    // A dashboard may be up to DASHBOARD_FRESH_MS behind other instances' writes, never behind
    // this instance's own: a write here forces the next load to sync.
    const fresh = !this.wroteSinceSync && performance.now() - this.dashboardSyncedAt < DASHBOARD_FRESH_MS;
    if (!fresh || this.sorted === undefined) {
      this.wroteSinceSync = false;
      await this.dashboard.sync();
      this.dashboardSyncedAt = performance.now();
    }
    const generation = this.dashboard.generation;
    if (this.sorted?.generation === generation) return this.sorted;
    const problems: { caseId: string; message: string }[] = [];
    const summaries: CaseSummary[] = [];
    for (const item of this.dashboard.items()) {
      const parsed = this.parsedSummary(item);
      if ('summary' in parsed) summaries.push(parsed.summary);
      else problems.push({ caseId: item.fields.CaseId, message: parsed.problem });
    }
    summaries.sort(byReviewThenReference);
    this.sorted = { generation, summaries, problems };
    this.answers.clear();
    return this.sorted;
  }

  private dashboardSyncedAt = Number.NEGATIVE_INFINITY;
  private readonly answers = new Map<string, readonly CaseSummary[]>();
  private wroteSinceSync = false;

  private sorted:
    | {
        readonly generation: number;
        readonly summaries: readonly CaseSummary[];
        readonly problems: readonly { caseId: string; message: string }[];
      }
    | undefined;

  /** How many requests the last dashboard sync made (for benchmarks). */
  lastDashboardSync(): Promise<{ requests: number }> {
    return this.dashboard.sync();
  }

  async casesOfTrainee(traineeId: string, procedureId: string): Promise<CaseSummary[]> {
    const out: CaseSummary[] = [];
    for await (const page of this.cases.queryItems({
      filter: eq('TraineeId', traineeId.toLowerCase()),
      select: ['CaseId', 'ProcedureId', 'Summary'],
      top: 500,
    })) {
      for (const item of page) {
        if ((item.fields as Record<string, unknown>).ProcedureId !== procedureId) continue;
        out.push(parseSummary(item.fields.CaseId, item.fields.Summary));
      }
    }
    return out;
  }

  /** Parsed summaries by row, reused while the row's eTag is unchanged: a warm load parses only what changed. */
  private readonly summaries = new Map<
    string,
    { readonly eTag: string; readonly parsed: { summary: CaseSummary } | { problem: string } }
  >();

  private parsedSummary(item: ListItem<CaseRow>): { summary: CaseSummary } | { problem: string } {
    const cached = this.summaries.get(item.id);
    if (cached?.eTag === item.eTag) return cached.parsed;
    let parsed: { summary: CaseSummary } | { problem: string };
    try {
      parsed = { summary: parseSummary(item.fields.CaseId, item.fields.Summary) };
    } catch (error) {
      parsed = { problem: error instanceof CaseDataError ? error.problem : String(error) };
    }
    this.summaries.set(item.id, { eTag: item.eTag, parsed });
    return parsed;
  }

  // -------------------------------------------------------------------------------------

  private post(id: string, list: ListRef, fields: FieldValues, after?: string): BatchRequest {
    return {
      id,
      method: 'POST',
      url: listItemsPath(list),
      headers: { 'Content-Type': 'application/json' },
      body: { fields },
      ...(after === undefined ? {} : { dependsOn: [after] }),
    };
  }

  private eventRequests(events: readonly CaseEvent[]): BatchRequest[] {
    // A chain: each event only after the one before, so a conflict on the first stops the rest.
    return events.map((event, index) =>
      this.post(
        `e${event.seq}`,
        this.site.lists.events,
        eventRowFields(event),
        index === 0 ? undefined : `e${events[index - 1]?.seq ?? 0}`,
      ),
    );
  }

  private lastEventId(events: readonly CaseEvent[]): string | undefined {
    const last = events.at(-1);
    return last === undefined ? undefined : `e${last.seq}`;
  }

  /**
   * Projection rows of `events`: `p…` ones for the events being written, after the last of them;
   * `r…` ones re-writing rows of events already in the trail, on their own.
   */
  private projectionRequests(events: readonly CaseEvent[], state: CaseState, prefix: 'p' | 'r' = 'p'): BatchRequest[] {
    const after = prefix === 'p' ? this.lastEventId(events) : undefined;
    return events.flatMap((event) =>
      projectionRows(event, state).map((row, index) =>
        this.post(`${prefix}${event.seq}x${index}`, this.site.lists[row.list], row.fields, after),
      ),
    );
  }

  /** Per case, the first event seq whose projection rows may be missing; written again on the next append. */
  private readonly projectionsPending = new Map<string, number>();

  private markProjectionsPending(caseId: string, fromSeq: number): void {
    const known = this.projectionsPending.get(caseId);
    this.projectionsPending.set(caseId, Math.min(known ?? fromSeq, fromSeq));
    // Bounded like the other caches; a dropped case whose row lags is found again when read.
    if (this.projectionsPending.size > PENDING_REPAIRS) {
      const oldest = this.projectionsPending.keys().next();
      if (oldest.done !== true) this.projectionsPending.delete(oldest.value);
    }
  }

  /** Whether the case has projection rows waiting to be written again (for tests). */
  hasPendingProjections(caseId: string): boolean {
    return this.projectionsPending.has(caseId);
  }

  /**
   * Every event must be stored exactly once. A duplicate key holding our own event (a re-sent
   * sub-request that had been applied) is success, and the events chained after it, which Graph
   * then skipped with 424, are sent again; a key holding someone else's event is a conflict.
   */
  private async assertEventsStored(
    caseId: string,
    events: readonly CaseEvent[],
    results: readonly BatchResult[],
    current: StoredCase | undefined,
  ): Promise<void> {
    let answers = results;
    let remaining = [...events];
    for (let round = 0; remaining.length > 0; round += 1) {
      const resend: CaseEvent[] = [];
      for (const [index, event] of remaining.entries()) {
        const result = answers.find((r) => r.id === `e${event.seq}`);
        if (!result || !failed(result)) continue;
        const error = batchResultError(result, `Appending event ${event.seq} to case ${caseId}`);
        if (error?.code !== 'duplicate_key') {
          if (result.status === 424 && index > 0) {
            resend.push(...remaining.slice(index));
            break;
          }
          throw error ?? new GraphStoreError('unexpected', `Event ${event.seq} of case ${caseId} was not stored`);
        }
        const existing = await this.events.findByKey(eventKey(caseId, event.seq));
        // The JSON carries the whole event, the exact instant included: equal JSON is our own write.
        const ours =
          existing !== undefined &&
          fieldsHoldValues(existing.fields, { EventData: eventRowFields(event).EventData ?? null });
        if (ours) continue;
        this.recent.delete(caseId);
        const epoch = this.feedEpoch;
        const now = await this.read(caseId);
        if (!now) throw new GraphStoreError('unexpected', `Case ${caseId} vanished during a write`);
        this.remember(now, epoch);
        if (current === undefined) throw new GraphStoreError('conflict', `Case ${caseId} already exists`);
        throw new CaseConflictError(now);
      }
      if (resend.length === 0) return;
      if (round >= events.length)
        throw new GraphStoreError('unavailable', `Could not store the events of case ${caseId}; try again`);
      answers = (await executeBatch(this.client, this.eventRequests(resend))).results;
      remaining = resend;
    }
  }

  /**
   * Projection rows are keyed; a duplicate is the row already written. Anything else is retried
   * once directly; if that fails too, the case is marked so that the next append writes the rows
   * of events from `fromSeq` on again.
   */
  private async settleProjections(
    caseId: string,
    fromSeq: number,
    requests: readonly BatchRequest[],
    results: readonly BatchResult[],
  ): Promise<void> {
    try {
      await this.retryFailedProjections(requests, results);
    } catch (error) {
      this.markProjectionsPending(caseId, fromSeq);
      throw error;
    }
  }

  private async retryFailedProjections(
    requests: readonly BatchRequest[],
    results: readonly BatchResult[],
  ): Promise<void> {
    for (const request of requests) {
      if (!request.id.startsWith('p') && !request.id.startsWith('r')) continue;
      const result = results.find((r) => r.id === request.id);
      if (!result || !failed(result)) continue;
      const error = batchResultError(result, `Writing a projection row (${request.id})`);
      if (error?.code === 'duplicate_key') continue;
      await this.client
        .api(request.url)
        .post(request.body)
        .catch((retryError: unknown) => {
          const text = retryError instanceof Error ? retryError.message : String(retryError);
          // Classified like every other Graph failure, so a throttled retry is a 503 with Retry-After, not a 500.
          if (!/duplicate values were found|nameAlreadyExists/i.test(text))
            throw classifyGraphError(retryError, `Writing a projection row (${request.id})`);
        });
    }
  }

  /**
   * Projection rows an event changes rather than adds: a reopening sets aside the review whose
   * outcome closed the case, and that review's row in the Reviews list says so (SetAsideOn), so
   * what reads the list (Microsoft Lists views, Power BI) stops counting an outcome that no
   * longer stands. A row already marked is left as it is, so a repair may run this again. If it
   * fails, the case is marked like a failed projection row, and the next read or append of the
   * case runs it again.
   */
  private async settleRowUpdates(caseId: string, fromSeq: number, events: readonly CaseEvent[]): Promise<void> {
    try {
      await this.updateRows(events);
    } catch (error) {
      this.markProjectionsPending(caseId, fromSeq);
      throw error;
    }
  }

  private async updateRows(events: readonly CaseEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'case_reopened' || event.data.setAsideReviewId === undefined) continue;
      const row = await this.reviews.findByKey(`${event.caseId}:${event.data.setAsideReviewId}`);
      if (row === undefined || (row.fields.SetAsideOn ?? null) !== null) continue;
      await this.reviews.updateItem(row.id, { SetAsideOn: dateOnlyValue(event.on) }, row.eTag);
    }
  }

  /**
   * Moves the case row forward to `state`, never backwards. Returns the row's eTag and the
   * version that row holds: `state.version`, or a later one when another writer got there first.
   */
  private async projectRow(state: CaseState, etag: string): Promise<{ etag: string; version: number }> {
    const fields = caseRowFields(state, this.options.roleSides);
    let known = etag;
    for (let attempt = 0; attempt < ROW_UPDATE_ATTEMPTS; attempt += 1) {
      const row = known === '' ? await this.cases.findByKey(state.id) : undefined;
      if (known === '' && row === undefined) {
        const created = await this.cases.createItem(fields);
        if (created.created) return { etag: created.item.eTag, version: state.version };
        known = created.item.eTag;
        continue;
      }
      if (row) known = row.eTag;
      try {
        const itemId = row?.id ?? (await this.rowId(state.id));
        return { etag: (await this.cases.updateItem(itemId, fields, known)).eTag, version: state.version };
      } catch (error) {
        if (!isConflictError(error)) throw error;
        const currentRow = error.current as ListItem<CaseRow>;
        const version = currentRow.fields.CaseVersion ?? 0;
        // Someone projected a later version already: theirs stands.
        if (version >= state.version) return { etag: currentRow.eTag, version };
        known = currentRow.eTag;
      }
    }
    throw new GraphStoreError(
      'conflict',
      `The row of case ${state.id} kept changing; it will be brought up to date on the next write`,
    );
  }

  /**
   * The one sanctioned edit of a stored event: the law's right to rectification says a wording
   * recorded in error must be removed, not only superseded, so the field a `text_corrected` names
   * is rewritten in place in each event row it names. Only `EventData`'s one field changes: the
   * row keeps its id, key, seq, type and time, so the trail's order and versions are as they
   * were, and replaying it gives the same case (the correction, applied again, changes nothing).
   * Projection rows copied from those events (an agreed plan's targets, a review's progress and
   * evidence) are rewritten from the corrected event. Runs after the correction is appended;
   * a rerun finds the rows done and writes nothing.
   */
  async removeCorrectedWording(correction: CaseEventOf<'text_corrected'>): Promise<number> {
    const { field, text } = correction.data;
    const caseId = correction.caseId;
    let rewritten = 0;
    for (const seq of correction.data.seqs) {
      if (seq >= correction.seq) continue;
      const row = await this.events.findByKey(eventKey(caseId, seq));
      if (row === undefined) continue;
      const stored = parseEventRow(row.fields);
      const [corrected] = correctTrail([stored, { ...correction, data: { ...correction.data, seqs: [seq] } }]);
      if (corrected === undefined) continue;
      if (textAt(stored, field) !== undefined && textAt(stored, field) !== text) {
        await this.events.updateItem(row.id, { EventData: eventRowFields(corrected).EventData ?? null }, row.eTag);
        rewritten += 1;
      }
      rewritten += await this.rewriteProjections(corrected, field);
    }
    if (rewritten > 0) this.forget(caseId);
    return rewritten;
  }

  /** The projection rows copied from `event` that still differ from it, rewritten. */
  private async rewriteProjections(event: CaseEvent, field: string): Promise<number> {
    if (event.type === 'review_recorded' && /^(evidence|progress\.\d+\.comment)$/.test(field)) {
      const store = new ListItemStore(this.client, this.site.lists.reviews, {
        fields: z.object({ Progress: z.string().nullish(), Evidence: z.string().nullish() }).loose(),
        keyField: 'ReviewKey',
      });
      const row = await store.findByKey(`${event.caseId}:${event.data.reviewId}`);
      const fields = { Progress: JSON.stringify(event.data.progress), Evidence: event.data.evidence ?? '' };
      if (row === undefined || (row.fields.Progress === fields.Progress && row.fields.Evidence === fields.Evidence))
        return 0;
      await store.updateItem(row.id, fields, row.eTag);
      return 1;
    }
    const targetText = /^content\.targets\.(\d+)\.text$/.exec(field);
    if ((event.type === 'plan_started' || event.type === 'plan_edited') && targetText) {
      const target = event.data.content.targets[Number(targetText[1])];
      if (target === undefined) return 0;
      const store = new ListItemStore(this.client, this.site.lists.targets, {
        fields: z.object({ TargetText: z.string().nullish() }).loose(),
        keyField: 'TargetKey',
      });
      // Only an agreed plan has target rows, copied from its content as agreed.
      const row = await store.findByKey(`${event.caseId}:${event.data.version}:${target.id}`);
      if (row === undefined || row.fields.TargetText === target.text) return 0;
      await store.updateItem(row.id, { Title: target.text.slice(0, 255), TargetText: target.text }, row.eTag);
      return 1;
    }
    return 0;
  }

  private readonly rowIds = new Map<string, string>();

  private async rowId(caseId: string): Promise<string> {
    const cached = this.rowIds.get(caseId);
    if (cached !== undefined) return cached;
    const row = await this.cases.findByKey(caseId);
    if (!row) throw new GraphStoreError('not_found', `Case ${caseId} has no row`);
    this.rowIds.set(caseId, row.id);
    return row.id;
  }
}

function matches(query: CaseQuery): (summary: CaseSummary) => boolean {
  const search = query.search?.trim().toLowerCase();
  const person = query.personId?.toLowerCase();
  return (s) => {
    if (query.status === 'open' ? s.status === 'closed' : query.status !== undefined && s.status !== query.status)
      return false;
    if (query.procedureId !== undefined && s.procedureId !== query.procedureId) return false;
    if (query.stageId !== undefined && s.stageId !== query.stageId) return false;
    if (query.programme !== undefined && s.programme !== query.programme) return false;
    if (
      query.reviewDueOnOrBefore !== undefined &&
      (s.nextReviewDate === undefined || s.nextReviewDate > query.reviewDueOnOrBefore)
    )
      return false;
    if (person !== undefined && !s.people.some((p) => p.id === person)) return false;
    if (
      search !== undefined &&
      search !== '' &&
      !s.traineeName.toLowerCase().includes(search) &&
      !s.reference.toLowerCase().includes(search)
    ) {
      return false;
    }
    return true;
  };
}

/** Dashboard order: next review first (none last), then reference. */
function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const parsed = z.object({ o: z.number().int().min(0) }).parse(value);
    return parsed.o;
  } catch {
    throw new GraphStoreError('bad_request', 'The page cursor is not one this server gave out');
  }
}
