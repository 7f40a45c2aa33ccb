/** Sites, lists and columns (items 5–8). */
import { z } from 'zod';
import {
  createColumn,
  hasDuplicateValues,
  patchColumn,
  renderColumn,
  systemColumns,
  titleColumn,
  zodMessage,
} from './columns.js';
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError, invalidRequest, notFound } from './errors.js';
import { emptyResponse, jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import { isoSeconds } from './json.js';
import type { JsonObject } from './json.js';
import { evaluateFilter, FilterSyntaxError, parseFilter } from './odata-filter.js';
import { parseExpand } from './odata-query.js';
import type { ColumnRecord, ListMeta, SiteRecord } from './records.js';
import type { ListState } from './state.js';

export function requireSite(ctx: HandlerContext, param: string): SiteRecord {
  if (param.toLowerCase() === 'root') {
    const first = ctx.state.sites.values().next();
    if (first.done === true) throw notFound();
    return first.value;
  }
  const lower = param.toLowerCase();
  for (const site of ctx.state.sites.values()) if (site.id.toLowerCase() === lower) return site;
  throw notFound('Requested site could not be found');
}

export function requireList(ctx: HandlerContext, site: SiteRecord, param: string): ListState {
  const lower = param.toLowerCase();
  let byName: ListState | undefined;
  for (const list of ctx.state.lists.values()) {
    if (list.meta.siteId !== site.id) continue;
    if (list.meta.id === lower) return list;
    if (
      byName === undefined &&
      (list.meta.name.toLowerCase() === lower || list.meta.displayName.toLowerCase() === lower)
    ) {
      byName = list;
    }
  }
  if (byName !== undefined) return byName;
  throw notFound('The requested list could not be found.');
}

export const listEtag = (meta: ListMeta): string => `"${meta.id},${meta.version}"`;

export function listWebUrl(site: SiteRecord, meta: ListMeta): string {
  return `${site.webUrl}/Lists/${meta.name}`;
}

export function renderSite(ctx: HandlerContext, site: SiteRecord, withContext: boolean): JsonObject {
  const out: JsonObject = withContext ? { '@odata.context': `${ctx.graphBase}/$metadata#sites/$entity` } : {};
  return {
    ...out,
    createdDateTime: site.createdDateTime,
    description: '',
    id: site.id,
    lastModifiedDateTime: site.createdDateTime,
    name: site.name,
    webUrl: site.webUrl,
    displayName: site.displayName,
    siteCollection: { hostname: 'localhost' },
  };
}

function renderList(
  ctx: HandlerContext,
  site: SiteRecord,
  list: ListState,
  opts: { context: boolean; columns: boolean },
): JsonObject {
  const { meta } = list;
  const etag = listEtag(meta);
  const out: JsonObject = opts.context
    ? { '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists/$entity` }
    : {};
  Object.assign(out, {
    '@odata.etag': etag,
    createdDateTime: meta.createdDateTime,
    description: meta.description,
    eTag: etag,
    id: meta.id,
    lastModifiedDateTime: meta.lastModifiedDateTime,
    name: meta.name,
    webUrl: listWebUrl(site, meta),
    displayName: meta.displayName,
    createdBy: { application: { ...ctx.appIdentity }, user: { displayName: 'SharePoint App' } },
    parentReference: { siteId: site.id },
    list: { contentTypesEnabled: meta.contentTypesEnabled, hidden: meta.hidden, template: meta.template },
  });
  if (opts.columns) out.columns = [...meta.columns.map(renderColumn), ...systemColumns()];
  return out;
}

const listBodySchema = z.looseObject({
  displayName: z.string().min(1),
  description: z.string().optional(),
  columns: z.array(z.unknown()).optional(),
  list: z
    .looseObject({
      template: z.string().optional(),
      hidden: z.boolean().optional(),
      contentTypesEnabled: z.boolean().optional(),
    })
    .optional(),
});

const listPatchSchema = z.strictObject({
  displayName: z.string().min(1).max(255).optional(),
  description: z.string().max(1000).optional(),
});

function urlName(ctx: HandlerContext, siteId: string, displayName: string): string {
  const base = displayName.replace(/[^A-Za-z0-9_-]/g, '') || 'List';
  let name = base;
  for (
    let n = 1;
    [...ctx.state.lists.values()].some(
      (l) => l.meta.siteId === siteId && l.meta.name.toLowerCase() === name.toLowerCase(),
    );
    n += 1
  ) {
    name = `${base}${n}`;
  }
  return name;
}

function createList(ctx: HandlerContext, req: EmuRequest, site: SiteRecord): JsonObject {
  if (req.body !== undefined && typeof req.body === 'object' && req.body !== null && 'name' in req.body) {
    // Item 6 (observed): the server assigns `name`.
    throw invalidRequest(
      "Cannot define a 'name' for a list as it is assigned by the server. Instead, provide 'displayName'",
    );
  }
  const parsed = listBodySchema.safeParse(req.body);
  if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
  const body = parsed.data;
  const template = body.list?.template ?? 'genericList';
  if (template !== 'genericList')
    throw invalidRequest(`List template '${template}' is not supported by the local emulator.`);
  for (const existing of ctx.state.lists.values()) {
    if (
      existing.meta.siteId === site.id &&
      existing.meta.displayName.toLowerCase() === body.displayName.toLowerCase()
    ) {
      throw new GraphHttpError(
        409,
        'nameAlreadyExists',
        'A list, survey, discussion board, or document library with the specified title already exists in this Web site.',
      );
    }
  }
  const now = isoSeconds(ctx.now());
  const meta: ListMeta = {
    id: ctx.newGuid(),
    siteId: site.id,
    name: urlName(ctx, site.id, body.displayName),
    displayName: body.displayName,
    description: body.description ?? '',
    createdDateTime: now,
    lastModifiedDateTime: now,
    template,
    hidden: body.list?.hidden ?? false,
    contentTypesEnabled: body.list?.contentTypesEnabled ?? false,
    version: 1,
    columns: [titleColumn(ctx.newGuid())],
  };
  for (const columnBody of body.columns ?? []) {
    meta.columns.push(createColumn(meta, columnBody, columnContext(ctx, site)));
  }
  ctx.commit({ t: 'list', list: meta });
  const list = ctx.state.lists.get(meta.id);
  if (list === undefined) throw new Error('list vanished after commit');
  return renderList(ctx, site, list, { context: true, columns: false });
}

function columnContext(ctx: HandlerContext, site: SiteRecord): Parameters<typeof createColumn>[2] {
  return {
    newGuid: () => ctx.newGuid(),
    findList: (idOrName) => {
      try {
        return requireList(ctx, site, idOrName).meta;
      } catch {
        return undefined;
      }
    },
  };
}

function updateListMeta(ctx: HandlerContext, list: ListState, columns: ColumnRecord[]): void {
  ctx.commit({
    t: 'list',
    list: { ...list.meta, columns, version: list.meta.version + 1, lastModifiedDateTime: isoSeconds(ctx.now()) },
  });
}

function expandsColumns(req: EmuRequest): boolean {
  return parseExpand(queryValue(req, '$expand')).some((e) => e.name.toLowerCase() === 'columns');
}

function findColumnParam(list: ListState, param: string): ColumnRecord {
  const col = list.meta.columns.find((c) => c.id === param.toLowerCase() || c.name === param);
  if (col === undefined) throw notFound();
  return col;
}

export const listRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: 'sites/root',
    kind: 'site',
    handler: (ctx) => jsonResponse(200, renderSite(ctx, requireSite(ctx, 'root'), true)),
  },
  {
    method: 'GET',
    pattern: 'sites/:host/sites/:name',
    kind: 'site',
    handler: (ctx, _req, p) => {
      const host = p.host ?? '';
      const name = (p.name ?? '').replace(/:$/, '').toLowerCase();
      if (!host.endsWith(':')) throw notFound();
      const site = [...ctx.state.sites.values()].find((s) => s.name.toLowerCase() === name);
      if (site === undefined) throw notFound('Requested site could not be found');
      return jsonResponse(200, renderSite(ctx, site, true));
    },
  },
  {
    method: 'GET',
    pattern: 'sites/:site',
    kind: 'site',
    handler: (ctx, _req, p) => jsonResponse(200, renderSite(ctx, requireSite(ctx, p.site ?? ''), true)),
  },
  {
    method: 'GET',
    pattern: 'sites/:site/lists',
    kind: 'lists',
    handler: (ctx, req, p) => {
      const site = requireSite(ctx, p.site ?? '');
      const filterText = queryValue(req, '$filter');
      let filter;
      try {
        filter = filterText === undefined ? undefined : parseFilter(filterText);
      } catch (e) {
        if (e instanceof FilterSyntaxError) throw invalidRequest(e.message);
        throw e;
      }
      const columns = expandsColumns(req);
      const value = [...ctx.state.lists.values()]
        .filter((l) => l.meta.siteId === site.id)
        .filter(
          (l) =>
            filter === undefined ||
            evaluateFilter(filter, (path) => {
              const key = path.toLowerCase();
              const v =
                key === 'displayname'
                  ? l.meta.displayName
                  : key === 'name'
                    ? l.meta.name
                    : key === 'id'
                      ? l.meta.id
                      : undefined;
              if (v === undefined) throw invalidRequest(`Property '${path}' cannot be used in a filter on lists.`);
              return { kind: 'string', value: v };
            }),
        )
        .map((l) => renderList(ctx, site, l, { context: false, columns }));
      return jsonResponse(200, { '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists`, value });
    },
  },
  {
    method: 'POST',
    pattern: 'sites/:site/lists',
    kind: 'lists',
    handler: (ctx, req, p) => jsonResponse(201, createList(ctx, req, requireSite(ctx, p.site ?? ''))),
  },
  {
    method: 'GET',
    pattern: 'sites/:site/lists/:list',
    kind: 'list',
    handler: (ctx, req, p) => {
      const site = requireSite(ctx, p.site ?? '');
      const list = requireList(ctx, site, p.list ?? '');
      return jsonResponse(200, renderList(ctx, site, list, { context: true, columns: expandsColumns(req) }));
    },
  },
  {
    // Update a list's metadata (PATCH on the list resource). Only `displayName` and `description`
    // are accepted here: they are what a provisioning run may set; other properties answer 400.
    method: 'PATCH',
    pattern: 'sites/:site/lists/:list',
    kind: 'list',
    handler: (ctx, req, p) => {
      const site = requireSite(ctx, p.site ?? '');
      const list = requireList(ctx, site, p.list ?? '');
      const parsed = listPatchSchema.safeParse(req.body);
      if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
      const { displayName, description } = parsed.data;
      if (displayName !== undefined && displayName.toLowerCase() !== list.meta.displayName.toLowerCase()) {
        for (const other of ctx.state.lists.values()) {
          if (other.meta.siteId === site.id && other.meta.displayName.toLowerCase() === displayName.toLowerCase()) {
            throw new GraphHttpError(
              409,
              'nameAlreadyExists',
              'A list, survey, discussion board, or document library with the specified title already exists in this Web site.',
            );
          }
        }
      }
      ctx.commit({
        t: 'list',
        list: {
          ...list.meta,
          ...(displayName === undefined ? {} : { displayName }),
          ...(description === undefined ? {} : { description }),
          version: list.meta.version + 1,
          lastModifiedDateTime: isoSeconds(ctx.now()),
        },
      });
      const updated = ctx.state.lists.get(list.meta.id);
      if (updated === undefined) throw new Error('list vanished after commit');
      return jsonResponse(200, renderList(ctx, site, updated, { context: true, columns: false }));
    },
  },
  {
    method: 'DELETE',
    pattern: 'sites/:site/lists/:list',
    kind: 'list',
    handler: (ctx, _req, p) => {
      const list = requireList(ctx, requireSite(ctx, p.site ?? ''), p.list ?? '');
      ctx.commit({ t: 'listDelete', listId: list.meta.id });
      return emptyResponse(204);
    },
  },
  {
    method: 'GET',
    pattern: 'sites/:site/lists/:list/columns',
    kind: 'columns',
    handler: (ctx, _req, p) => {
      const site = requireSite(ctx, p.site ?? '');
      const list = requireList(ctx, site, p.list ?? '');
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/columns`,
        value: [...list.meta.columns.map(renderColumn), ...systemColumns()],
      });
    },
  },
  {
    method: 'POST',
    pattern: 'sites/:site/lists/:list/columns',
    kind: 'columns',
    handler: (ctx, req, p) => {
      const site = requireSite(ctx, p.site ?? '');
      const list = requireList(ctx, site, p.list ?? '');
      const col = createColumn(list.meta, req.body, columnContext(ctx, site));
      updateListMeta(ctx, list, [...list.meta.columns, col]);
      return jsonResponse(201, {
        '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/columns/$entity`,
        ...renderColumn(col),
      });
    },
  },
  {
    method: 'GET',
    pattern: 'sites/:site/lists/:list/columns/:column',
    kind: 'column',
    handler: (ctx, _req, p) => {
      const site = requireSite(ctx, p.site ?? '');
      const list = requireList(ctx, site, p.list ?? '');
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/columns/$entity`,
        ...renderColumn(findColumnParam(list, p.column ?? '')),
      });
    },
  },
  {
    method: 'PATCH',
    pattern: 'sites/:site/lists/:list/columns/:column',
    kind: 'column',
    handler: (ctx, req, p) => {
      const site = requireSite(ctx, p.site ?? '');
      const list = requireList(ctx, site, p.list ?? '');
      const col = findColumnParam(list, p.column ?? '');
      const next = patchColumn(list.meta, col, req.body, (name) => hasDuplicateValues(list.items.values(), name));
      updateListMeta(
        ctx,
        list,
        list.meta.columns.map((c) => (c.id === col.id ? next : c)),
      );
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#sites('${site.id}')/lists('${list.meta.id}')/columns/$entity`,
        ...renderColumn(next),
      });
    },
  },
];
