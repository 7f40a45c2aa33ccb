/**
 * `GET …/items`: `$filter`, `$orderby`, `$top`, `$select`, `expand=fields(...)`, paging with
 * `$skiptoken` and absolute https nextLinks (items 17–21), including the non-indexed rule
 * (checked on every page) and the list-view threshold.
 */
import { resolveItemPath } from './columns.js';
import type { FieldRef } from './columns.js';
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError, invalidRequest } from './errors.js';
import { jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import { base64Decode } from './json.js';
import { itemContextUrl, itemViewFromRequest, renderItem } from './items.js';
import { requireList, requireSite } from './lists.js';
import { conjuncts, evaluateFilter, filterProps, FilterSyntaxError, parseFilter } from './odata-filter.js';
import type { FilterExpr, ResolvedValue } from './odata-filter.js';
import { buildQueryString, parseOrderBy, parseTop } from './odata-query.js';
import type { ItemRecord, ListMeta } from './records.js';
import { uniqueKey } from './state.js';
import type { ListState } from './state.js';

export const PREFER_NON_INDEXED = 'HonorNonIndexedQueriesWarningMayFailRandomly';

export function prefersNonIndexed(req: EmuRequest): boolean {
  return (req.headers.prefer ?? '').toLowerCase().includes(PREFER_NON_INDEXED.toLowerCase());
}

function nonIndexedError(name: string): GraphHttpError {
  return new GraphHttpError(
    400,
    'invalidRequest',
    `Field '${name}' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: ${PREFER_NON_INDEXED}' header to allow this, but be warned that such queries may fail on large lists.`,
  );
}

function thresholdError(ctx: HandlerContext): GraphHttpError {
  if (ctx.config.listViewThresholdStatus === 500) {
    return new GraphHttpError(
      500,
      '-2147024860, Microsoft.SharePoint.SPQueryThrottledException',
      'The attempted operation is prohibited because it exceeds the list view threshold.',
    );
  }
  // Observed through Graph (dotnet #827): 429 without Retry-After.
  return new GraphHttpError(429, 'activityLimitReached', 'The request has been throttled', {}, 'throttledRequest');
}

type Scalar = string | number | boolean;

function sortValue(v: ResolvedValue): Scalar | undefined {
  const raw = v.value;
  if (raw === undefined) return undefined;
  const first: Scalar | undefined = typeof raw === 'object' ? raw[0] : raw;
  if (first === undefined) return undefined;
  if (v.kind === 'datetime') return Date.parse(String(first));
  if (v.kind === 'string') return String(first).toLowerCase();
  return first;
}

/** Empty sorts first ascending, as SharePoint does. */
function compareValues(a: Scalar | undefined, b: Scalar | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Cursor {
  readonly lastId: number;
  readonly keys: readonly (Scalar | null)[];
}

/** Item 20: `$skiptoken` = base64("Paged=TRUE&p_ID=<lastId>") without padding; sort keys ride along for $orderby. */
function encodeSkipToken(lastId: number, keys: readonly (Scalar | undefined)[]): string {
  let text = 'Paged=TRUE';
  keys.forEach((k, i) => {
    text += `&p_K${i}=${encodeURIComponent(JSON.stringify(k ?? null))}`;
  });
  text += `&p_ID=${lastId}`;
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

function decodeSkipToken(token: string, keyCount: number): Cursor {
  const text = base64Decode(token);
  const bad = (): never => {
    throw invalidRequest('The $skiptoken is not valid for this request.');
  };
  if (text === undefined || !text.startsWith('Paged=TRUE')) return bad();
  const params = new Map<string, string>();
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const lastId = Number(params.get('p_ID'));
  if (!Number.isInteger(lastId)) return bad();
  const keys: (Scalar | null)[] = [];
  for (let i = 0; i < keyCount; i += 1) {
    const raw = params.get(`p_K${i}`);
    if (raw === undefined) return bad();
    let parsed: unknown;
    try {
      parsed = JSON.parse(decodeURIComponent(raw));
    } catch {
      return bad();
    }
    if (parsed !== null && typeof parsed !== 'string' && typeof parsed !== 'number' && typeof parsed !== 'boolean')
      return bad();
    keys.push(parsed);
  }
  return { lastId, keys };
}

interface OrderRef {
  readonly ref: FieldRef;
  readonly desc: boolean;
}

function parseQueryFilter(text: string | undefined): FilterExpr | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseFilter(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalidRequest(`Invalid filter clause: ${e.message}`);
    throw e;
  }
}

/** Resolves each filter/orderby path once per request, not once per row. */
function compileRefs(meta: ListMeta, filter: FilterExpr | undefined): Map<string, FieldRef> {
  const refs = new Map<string, FieldRef>();
  for (const path of filter === undefined ? [] : filterProps(filter))
    if (!refs.has(path)) refs.set(path, resolveItemPath(meta, path));
  return refs;
}

function rowResolver(
  meta: ListMeta,
  refs: ReadonlyMap<string, FieldRef>,
  item: ItemRecord,
): (path: string) => ResolvedValue {
  return (path) => (refs.get(path) ?? resolveItemPath(meta, path)).resolve(item);
}

/** The `fields/<column> eq <literal>` conjuncts of a filter, as column name and index key. */
function equalityConjuncts(filter: FilterExpr | undefined): { readonly column: string; readonly key: string }[] {
  if (filter === undefined) return [];
  const found: { column: string; key: string }[] = [];
  for (const c of conjuncts(filter)) {
    if (c.k !== 'cmp' || c.op !== 'eq') continue;
    const prop = c.left.k === 'prop' ? c.left : c.right.k === 'prop' ? c.right : undefined;
    const lit = c.left.k === 'lit' ? c.left : c.right.k === 'lit' ? c.right : undefined;
    if (prop === undefined || lit === undefined || !prop.path.startsWith('fields/')) continue;
    if (lit.type !== 'string' && lit.type !== 'number') continue;
    const key = uniqueKey(String(lit.value));
    if (key !== undefined) found.push({ column: prop.path.slice('fields/'.length), key });
  }
  return found;
}

/**
 * Fast path for the commonest Trellis query, `fields/<unique column> eq '<key>'`: the unique
 * index answers it without a scan. Returns undefined when the filter has no such conjunct.
 */
function uniqueCandidates(list: ListState, filter: FilterExpr | undefined): ItemRecord[] | undefined {
  for (const { column, key } of equalityConjuncts(filter)) {
    const col = list.meta.columns.find((c) => c.name === column);
    const index = list.uniqueIndex.get(column);
    if (col === undefined || !['text', 'number', 'choice'].includes(col.type) || index === undefined) continue;
    const id = index.get(key);
    const item = id === undefined ? undefined : list.items.get(id);
    return item === undefined ? [] : [item];
  }
  return undefined;
}

/**
 * `fields/<indexed column> eq '<value>'` answered from the column index (ascending id, as a
 * scan would return them), so a case's events are found without reading every event.
 */
function indexedCandidates(list: ListState, filter: FilterExpr | undefined): ItemRecord[] | undefined {
  for (const { column, key } of equalityConjuncts(filter)) {
    const values = list.valueIndex.get(column);
    if (values === undefined) continue;
    const ids = [...(values.get(key) ?? [])].sort((x, y) => Number(x) - Number(y));
    return ids.flatMap((id) => {
      const item = list.items.get(id);
      return item === undefined ? [] : [item];
    });
  }
  return undefined;
}

/**
 * Item 19: on a list above the threshold, a query must be driven by an indexed predicate
 * (the first top-level conjunct on an indexed field) matching no more rows than the
 * threshold; scans (non-indexed filter or orderby) fail.
 */
function checkThreshold(
  ctx: HandlerContext,
  list: ListState,
  filter: FilterExpr | undefined,
  order: readonly OrderRef[],
  refs: ReadonlyMap<string, FieldRef>,
  narrowed: boolean,
): void {
  const threshold = ctx.config.listViewThreshold;
  if (list.items.size <= threshold) return;
  if (order.some((o) => !o.ref.indexed)) throw thresholdError(ctx);
  if (filter === undefined || narrowed) return;
  const meta = list.meta;
  const driving = conjuncts(filter).find((c) => {
    const props = filterProps(c);
    return props.length > 0 && props.every((p) => resolveItemPath(meta, p).indexed);
  });
  if (driving === undefined) throw thresholdError(ctx);
  let matches = 0;
  for (const item of list.items.values()) {
    if (evaluateFilter(driving, rowResolver(meta, refs, item))) {
      matches += 1;
      if (matches > threshold) throw thresholdError(ctx);
    }
  }
}

function listItems(
  ctx: HandlerContext,
  req: EmuRequest,
  p: Readonly<Record<string, string>>,
): ReturnType<typeof jsonResponse> {
  const site = requireSite(ctx, p.site ?? '');
  const list = requireList(ctx, site, p.list ?? '');
  const meta = list.meta;
  if (queryValue(req, '$skip') !== undefined)
    throw invalidRequest("The query option '$skip' is not supported on list items.");
  const filter = parseQueryFilter(queryValue(req, '$filter'));
  const order: OrderRef[] = parseOrderBy(queryValue(req, '$orderby')).map((o) => ({
    ref: resolveItemPath(meta, o.path),
    desc: o.desc,
  }));
  const top = parseTop(queryValue(req, '$top'));
  const view = itemViewFromRequest(req);

  // Item 18: evaluated on every request, nextLinks included, so a lost Prefer header fails page 2.
  if (!prefersNonIndexed(req)) {
    const refs = [
      ...(filter === undefined ? [] : filterProps(filter).map((path) => resolveItemPath(meta, path))),
      ...order.map((o) => o.ref),
    ];
    const unindexed = refs.find((r) => !r.indexed);
    if (unindexed !== undefined) throw nonIndexedError(unindexed.name);
  }
  const refs = compileRefs(meta, filter);
  const unique = uniqueCandidates(list, filter);
  const candidates = unique ?? indexedCandidates(list, filter);
  // Item 19 still holds on the indexed path: the driving predicate may match at most the threshold.
  if (
    unique === undefined &&
    candidates !== undefined &&
    list.items.size > ctx.config.listViewThreshold &&
    candidates.length > ctx.config.listViewThreshold
  ) {
    throw thresholdError(ctx);
  }
  checkThreshold(ctx, list, filter, order, refs, candidates !== undefined);

  const token = queryValue(req, '$skiptoken');
  const cursor = token === undefined ? undefined : decodeSkipToken(token, order.length);
  let matched: ItemRecord[] = [];
  for (const item of candidates ?? list.items.values()) {
    if (filter === undefined || evaluateFilter(filter, rowResolver(meta, refs, item))) matched.push(item);
  }
  const keysOf = (item: ItemRecord): (Scalar | undefined)[] => order.map((o) => sortValue(o.ref.resolve(item)));
  const compareTuple = (
    aKeys: readonly (Scalar | undefined)[],
    aId: number,
    bKeys: readonly (Scalar | undefined)[],
    bId: number,
  ): number => {
    for (let i = 0; i < order.length; i += 1) {
      const c = compareValues(aKeys[i], bKeys[i]);
      if (c !== 0) return order[i]?.desc === true ? -c : c;
    }
    return aId - bId;
  };
  if (order.length > 0) {
    const keyed = matched.map((item) => ({ item, keys: keysOf(item), id: Number(item.id) }));
    keyed.sort((a, b) => compareTuple(a.keys, a.id, b.keys, b.id));
    matched = keyed.map((k) => k.item);
  }
  let start = 0;
  if (cursor !== undefined) {
    const cursorKeys = cursor.keys.map((k) => (k === null ? undefined : k));
    start = matched.findIndex((item) => compareTuple(keysOf(item), Number(item.id), cursorKeys, cursor.lastId) > 0);
    if (start === -1) start = matched.length;
  }
  const page = matched.slice(start, start + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${itemContextUrl(ctx, site, list)}${view.fields === undefined ? '' : '(fields())'}`,
    value: page.map((item) => renderItem(ctx, site, list, item, view, false)),
  };
  const last = page[page.length - 1];
  if (last !== undefined && start + top < matched.length) {
    const kept = req.query.filter((q) => q.key !== '$skiptoken');
    const skiptoken = encodeSkipToken(Number(last.id), keysOf(last));
    body['@odata.nextLink'] =
      `${ctx.graphBase}/sites/${site.id}/lists/${meta.id}/items${buildQueryString([...kept, { rawKey: '$skiptoken', value: skiptoken }])}`;
  }
  return jsonResponse(200, body);
}

export const itemQueryRoutes: readonly Route[] = [
  { method: 'GET', pattern: 'sites/:site/lists/:list/items', kind: 'items', handler: listItems },
];
