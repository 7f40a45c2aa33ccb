/**
 * `GET …/items/delta` (item 22). Every write moves the item to the end of the list's change
 * feed with a new seq, so "changes since token" is a scan of the feed past the token's seq
 * and each item appears with its latest state. Tokens carry the state epoch and issue time so
 * they can be expired (410 + Location that restarts the enumeration).
 */
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError, invalidRequest } from './errors.js';
import { jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest, EmuResponse } from './http-types.js';
import { base64Decode, base64UrlEncode } from './json.js';
import { itemViewFromRequest, renderItem } from './items.js';
import { requireList, requireSite } from './lists.js';
import { buildQueryString, parseTop } from './odata-query.js';
import type { SiteRecord } from './records.js';
import type { ListState } from './state.js';

interface DeltaToken {
  /** `d`: a deltaLink (changes after `s`); `p`: a page inside an enumeration. */
  readonly k: 'd' | 'p';
  readonly l: string;
  /** Lower bound of the enumeration: 0 = initial sync (no tombstones). */
  readonly s: number;
  /** Page cursor: feed seq of the last entry already returned. */
  readonly c: number;
  readonly e: number;
  /** Issue time of the token that started this round (ms). */
  readonly t: number;
}

function encodeToken(token: DeltaToken): string {
  return base64UrlEncode(JSON.stringify(token));
}

function decodeToken(text: string): DeltaToken | undefined {
  const json = base64Decode(text);
  if (json === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const r = parsed as Record<string, unknown>;
  const { k, l, s, c, e, t } = r;
  if ((k !== 'd' && k !== 'p') || typeof l !== 'string') return undefined;
  if (typeof s !== 'number' || typeof c !== 'number' || typeof e !== 'number' || typeof t !== 'number')
    return undefined;
  return { k, l, s, c, e, t };
}

const ALLOWED = new Set(['token', '$select', '$expand', '$top']);

function deltaUrl(ctx: HandlerContext, site: SiteRecord, list: ListState, req: EmuRequest, token?: string): string {
  const kept = req.query.filter((q) => q.key !== 'token' && ALLOWED.has(q.key));
  const params = token === undefined ? kept : [...kept, { rawKey: 'token', value: token }];
  return `${ctx.graphBase}/sites/${site.id}/lists/${list.meta.id}/items/delta${buildQueryString(params)}`;
}

function resyncRequired(ctx: HandlerContext, site: SiteRecord, list: ListState, req: EmuRequest): GraphHttpError {
  return new GraphHttpError(
    410,
    'resyncChangesApplyDifferences',
    "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.",
    { Location: deltaUrl(ctx, site, list, req) },
  );
}

function delta(ctx: HandlerContext, req: EmuRequest, p: Readonly<Record<string, string>>): EmuResponse {
  const site = requireSite(ctx, p.site ?? '');
  const list = requireList(ctx, site, p.list ?? '');
  for (const q of req.query) {
    if (q.key.startsWith('$') && !ALLOWED.has(q.key)) {
      throw invalidRequest(
        `The query option '${q.rawKey}' is not supported with delta; only $select, $expand and $top are.`,
      );
    }
  }
  const top = parseTop(queryValue(req, '$top'));
  const view = itemViewFromRequest(req);
  const now = ctx.now();
  const epoch = ctx.state.deltaEpoch;
  const context = `${ctx.graphBase}/$metadata#Collection(listItem)`;
  const tokenText = queryValue(req, 'token');

  if (tokenText?.toLowerCase() === 'latest') {
    const latest = encodeToken({ k: 'd', l: list.meta.id, s: list.changeSeq, c: list.changeSeq, e: epoch, t: now });
    return jsonResponse(200, {
      '@odata.context': context,
      value: [],
      '@odata.deltaLink': deltaUrl(ctx, site, list, req, latest),
    });
  }

  let from = 0;
  let cursor = 0;
  let issued = now;
  if (tokenText !== undefined) {
    const token = decodeToken(tokenText);
    if (token === undefined || token.l !== list.meta.id)
      throw invalidRequest('The delta token is not valid for this list.');
    const ttl = ctx.config.deltaTokenTtlMs;
    if (token.e !== epoch || token.s > list.changeSeq || (ttl !== undefined && now - token.t > ttl)) {
      throw resyncRequired(ctx, site, list, req);
    }
    from = token.s;
    cursor = token.k === 'p' ? token.c : token.s;
    issued = token.k === 'p' ? token.t : now;
  }

  const value: Record<string, unknown>[] = [];
  let lastSeq = cursor;
  let more = false;
  // Nothing changed since the token: answer without walking the change feed.
  const feed = cursor >= list.changeSeq ? [] : list.changeOrder;
  for (const [id, seq] of feed) {
    if (seq <= cursor) continue;
    const item = list.items.get(id);
    // The initial enumeration (from 0) lists live items only; later rounds report deletions.
    if (item === undefined && from === 0) continue;
    if (value.length === top) {
      more = true;
      break;
    }
    value.push(
      item === undefined
        ? { id, parentReference: { id: list.meta.id, siteId: site.id }, deleted: { state: 'deleted' } }
        : renderItem(ctx, site, list, item, view, false),
    );
    lastSeq = seq;
  }
  const body: Record<string, unknown> = { '@odata.context': context, value };
  if (more) {
    body['@odata.nextLink'] = deltaUrl(
      ctx,
      site,
      list,
      req,
      encodeToken({ k: 'p', l: list.meta.id, s: from, c: lastSeq, e: epoch, t: issued }),
    );
  } else {
    const next = encodeToken({ k: 'd', l: list.meta.id, s: list.changeSeq, c: list.changeSeq, e: epoch, t: now });
    body['@odata.deltaLink'] = deltaUrl(ctx, site, list, req, next);
  }
  return jsonResponse(200, body);
}

export const deltaRoutes: readonly Route[] = [
  { method: 'GET', pattern: 'sites/:site/lists/:list/items/delta', kind: 'delta', handler: delta },
  { method: 'GET', pattern: 'sites/:site/lists/:list/items/delta()', kind: 'delta', handler: delta },
];
