/** List items: create, read, update, delete, with eTags and unique columns (items 9–16). */
import { z } from 'zod';
import { coerceFieldWrites, isMultiValue, zodMessage } from './columns.js';
import type { FieldWrites } from './columns.js';
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError, invalidRequest, notFound } from './errors.js';
import { emptyResponse, jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import { isoSeconds, isRecord } from './json.js';
import type { JsonObject } from './json.js';
import { listWebUrl, requireList, requireSite } from './lists.js';
import { parseExpand, parseSelect } from './odata-query.js';
import type { FieldValue, ItemRecord, SiteRecord } from './records.js';
import { uniqueKey } from './state.js';
import type { ListState } from './state.js';

/** SharePoint's id for the "SharePoint App" principal that app-only writes are attributed to. */
const APP_PRINCIPAL_LOOKUP_ID = '1073741822';
const ITEM_CONTENT_TYPE_ID = '0x0100';

export const itemEtag = (item: ItemRecord): string => `"${item.guid},${item.version}"`;

export interface FieldsExpansion {
  /** Undefined = default (non-hidden) fields. */
  readonly select?: readonly string[];
}

export interface ItemView {
  readonly fields?: FieldsExpansion;
  /** `$select` on listItem properties. */
  readonly select?: readonly string[];
}

/** Reads `$select` and `$expand=fields(...)`/`expand=fields(select=...)` from a request. */
export function itemViewFromRequest(req: EmuRequest): ItemView {
  const expand = parseExpand(queryValue(req, '$expand'));
  const fieldsSpec = expand.find((e) => e.name.toLowerCase() === 'fields');
  // driveItem/versions exist in Graph but not here: refuse rather than silently return nothing.
  const unknown = expand.find((e) => e.name.toLowerCase() !== 'fields');
  if (unknown !== undefined)
    throw invalidRequest(`Expanding '${unknown.name}' on listItem is not supported by the local emulator.`);
  const select = parseSelect(queryValue(req, '$select'));
  const view: { fields?: FieldsExpansion; select?: readonly string[] } = {};
  if (fieldsSpec !== undefined) view.fields = fieldsSpec.select === undefined ? {} : { select: fieldsSpec.select };
  if (select !== undefined) view.select = select;
  return view;
}

function systemFieldValues(item: ItemRecord): Record<string, FieldValue> {
  const title = typeof item.fields.Title === 'string' ? item.fields.Title : '';
  return {
    id: item.id,
    ContentType: 'Item',
    Created: item.createdDateTime,
    Modified: item.lastModifiedDateTime,
    AuthorLookupId: APP_PRINCIPAL_LOOKUP_ID,
    EditorLookupId: APP_PRINCIPAL_LOOKUP_ID,
    AppAuthorLookupId: '1',
    AppEditorLookupId: '1',
    _UIVersionString: `${item.version}.0`,
    Attachments: false,
    Edit: '',
    LinkTitleNoMenu: title,
    LinkTitle: title,
    ItemChildCount: '0',
    FolderChildCount: '0',
    _ComplianceFlags: '',
    _ComplianceTag: '',
    _ComplianceTagWrittenTime: '',
    _ComplianceTagUserId: '',
  };
}

/** Writes one user column's value under the names Graph uses on read (item 11). */
function putUserField(out: JsonObject, list: ListState, name: string, value: FieldValue, selected: boolean): void {
  const col = list.meta.columns.find((c) => c.name === name);
  if (col === undefined) return;
  if (col.type === 'personOrGroup' || col.type === 'lookup') {
    if (isMultiValue(col) && Array.isArray(value)) {
      out[name] = value.map((id) => ({ LookupId: Number(id), LookupValue: '' }));
    } else {
      out[`${name}LookupId`] = value;
      if (selected) out[name] = value;
    }
    return;
  }
  if (Array.isArray(value)) out[`${name}@odata.type`] = 'Collection(Edm.String)';
  out[name] = value;
}

export function renderFields(list: ListState, item: ItemRecord, select?: readonly string[]): JsonObject {
  const out: JsonObject = { '@odata.etag': itemEtag(item) };
  const system = systemFieldValues(item);
  if (select !== undefined) {
    // Hidden columns and lookup objects appear only when named (items 11, 12).
    for (const name of select) {
      const userValue = item.fields[name];
      const lookupBase = name.endsWith('LookupId') ? name.slice(0, -'LookupId'.length) : undefined;
      if (userValue !== undefined) putUserField(out, list, name, userValue, true);
      else if (lookupBase !== undefined && item.fields[lookupBase] !== undefined) {
        out[name] = item.fields[lookupBase];
      } else if (name === 'ID') out.ID = Number(item.id);
      else if (system[name] !== undefined) out[name] = system[name];
    }
    return out;
  }
  for (const col of list.meta.columns) {
    const value = item.fields[col.name];
    if (value === undefined || col.hidden) continue;
    putUserField(out, list, col.name, value, false);
  }
  return Object.assign(out, system);
}

export function itemContextUrl(ctx: HandlerContext, site: SiteRecord, list: ListState): string {
  return `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/items`;
}

export function renderItem(
  ctx: HandlerContext,
  site: SiteRecord,
  list: ListState,
  item: ItemRecord,
  view: ItemView,
  entityContext: boolean,
): JsonObject {
  const etag = itemEtag(item);
  const identity = { application: { ...ctx.appIdentity }, user: { displayName: 'SharePoint App' } };
  const props: JsonObject = {
    createdDateTime: item.createdDateTime,
    eTag: etag,
    id: item.id,
    lastModifiedDateTime: item.lastModifiedDateTime,
    webUrl: `${listWebUrl(site, list.meta)}/${item.id}_.000`,
    createdBy: identity,
    lastModifiedBy: identity,
    parentReference: { id: list.meta.id, siteId: site.id },
    contentType: { id: ITEM_CONTENT_TYPE_ID, name: 'Item' },
  };
  const out: JsonObject = entityContext ? { '@odata.context': `${itemContextUrl(ctx, site, list)}/$entity` } : {};
  out['@odata.etag'] = etag;
  if (view.select === undefined) Object.assign(out, props);
  else for (const key of view.select) if (props[key] !== undefined) out[key] = props[key];
  if (view.fields !== undefined) {
    if (entityContext) {
      out['fields@odata.context'] =
        `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/items('${item.id}')/fields/$entity`;
    }
    out.fields = renderFields(list, item, view.fields.select);
  }
  return out;
}

export function requireItem(list: ListState, id: string): ItemRecord {
  const item = list.items.get(id);
  if (item === undefined) throw notFound();
  return item;
}

/** Item 13/14: `*` always matches; otherwise an exact string compare with the current eTag. */
function checkIfMatch(ctx: HandlerContext, req: EmuRequest, item: ItemRecord): void {
  const header = req.headers['if-match'];
  if (header === undefined) return;
  const wanted = header.trim();
  if (wanted === '*' || wanted === itemEtag(item)) return;
  if (ctx.faults().etagMismatchStatus === 409) {
    throw new GraphHttpError(
      409,
      'resourceModified',
      'The resource has changed since the caller last read it; usually an eTag mismatch',
    );
  }
  throw new GraphHttpError(412, 'resourceModified', "ETag does not match current item's value");
}

/** Item 15: case-insensitive unique check before anything is written. */
function checkUnique(
  ctx: HandlerContext,
  list: ListState,
  fields: Readonly<Record<string, FieldValue>>,
  selfId?: string,
): void {
  const clashes: string[] = [];
  for (const [name, index] of list.uniqueIndex) {
    const key = uniqueKey(fields[name]);
    if (key === undefined) continue;
    const owner = index.get(key);
    if (owner !== undefined && owner !== selfId) clashes.push(name);
  }
  if (clashes.length === 0) return;
  const message = `The list item could not be added or updated because duplicate values were found in the following field(s) in the list: [${clashes.join(', ')}].`;
  const status = ctx.faults().uniqueViolationStatus ?? 409;
  const code = status === 409 ? 'nameAlreadyExists' : status === 400 ? 'invalidRequest' : 'generalException';
  throw new GraphHttpError(status, code, message);
}

function applyWrites(base: Readonly<Record<string, FieldValue>>, writes: FieldWrites): Record<string, FieldValue> {
  const cleared = new Set(writes.clear);
  return Object.fromEntries(Object.entries({ ...base, ...writes.set }).filter(([name]) => !cleared.has(name)));
}

const createBodySchema = z.looseObject({ fields: z.unknown().optional() });

function createItem(ctx: HandlerContext, req: EmuRequest, site: SiteRecord, list: ListState): JsonObject {
  const parsed = createBodySchema.safeParse(req.body ?? {});
  if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
  const writes = coerceFieldWrites(list.meta, parsed.data.fields, ctx.config.siteTimeZone);
  const fields = applyWrites({}, writes);
  checkUnique(ctx, list, fields);
  const now = isoSeconds(ctx.now());
  const item: ItemRecord = {
    id: String(list.nextItemId),
    guid: ctx.newGuid(),
    version: 1,
    createdDateTime: now,
    lastModifiedDateTime: now,
    seq: list.changeSeq + 1,
    fields,
  };
  ctx.commit({ t: 'itemPut', listId: list.meta.id, item });
  return renderItem(ctx, site, list, item, { fields: {} }, true);
}

function updateItem(
  ctx: HandlerContext,
  req: EmuRequest,
  list: ListState,
  id: string,
  fieldsBody: unknown,
): ItemRecord {
  const item = requireItem(list, id);
  checkIfMatch(ctx, req, item);
  const writes = coerceFieldWrites(list.meta, fieldsBody, ctx.config.siteTimeZone);
  const fields = applyWrites(item.fields, writes);
  checkUnique(ctx, list, fields, item.id);
  const next: ItemRecord = {
    ...item,
    version: item.version + 1,
    lastModifiedDateTime: isoSeconds(ctx.now()),
    seq: list.changeSeq + 1,
    fields,
  };
  ctx.commit({ t: 'itemPut', listId: list.meta.id, item: next });
  return next;
}

function locate(ctx: HandlerContext, p: Readonly<Record<string, string>>): { site: SiteRecord; list: ListState } {
  const site = requireSite(ctx, p.site ?? '');
  return { site, list: requireList(ctx, site, p.list ?? '') };
}

export const itemRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: 'sites/:site/lists/:list/items',
    kind: 'items',
    handler: (ctx, req, p) => {
      const { site, list } = locate(ctx, p);
      return jsonResponse(201, createItem(ctx, req, site, list));
    },
  },
  {
    method: 'GET',
    pattern: 'sites/:site/lists/:list/items/:item',
    kind: 'item',
    handler: (ctx, req, p) => {
      const { site, list } = locate(ctx, p);
      const item = requireItem(list, p.item ?? '');
      return jsonResponse(200, renderItem(ctx, site, list, item, itemViewFromRequest(req), true));
    },
  },
  {
    method: 'GET',
    pattern: 'sites/:site/lists/:list/items/:item/fields',
    kind: 'itemFields',
    handler: (ctx, req, p) => {
      const { site, list } = locate(ctx, p);
      const item = requireItem(list, p.item ?? '');
      const select = parseSelect(queryValue(req, '$select'));
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/items('${item.id}')/fields/$entity`,
        ...renderFields(list, item, select),
      });
    },
  },
  {
    method: 'PATCH',
    pattern: 'sites/:site/lists/:list/items/:item/fields',
    kind: 'itemFields',
    handler: (ctx, req, p) => {
      const { site, list } = locate(ctx, p);
      if (!isRecord(req.body)) throw invalidRequest('The request body must be a JSON object of field values.');
      const next = updateItem(ctx, req, list, p.item ?? '', req.body);
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/items('${next.id}')/fields/$entity`,
        ...renderFields(list, next),
      });
    },
  },
  {
    method: 'PATCH',
    pattern: 'sites/:site/lists/:list/items/:item',
    kind: 'item',
    handler: (ctx, req, p) => {
      const { site, list } = locate(ctx, p);
      const parsed = createBodySchema.safeParse(req.body ?? {});
      if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
      const next = updateItem(ctx, req, list, p.item ?? '', parsed.data.fields);
      return jsonResponse(200, renderItem(ctx, site, list, next, { fields: {} }, true));
    },
  },
  {
    method: 'DELETE',
    pattern: 'sites/:site/lists/:list/items/:item',
    kind: 'item',
    handler: (ctx, req, p) => {
      const { list } = locate(ctx, p);
      const item = requireItem(list, p.item ?? '');
      checkIfMatch(ctx, req, item);
      ctx.commit({
        t: 'itemDelete',
        listId: list.meta.id,
        id: item.id,
        seq: list.changeSeq + 1,
        deletedDateTime: isoSeconds(ctx.now()),
      });
      return emptyResponse(204);
    },
  },
];
