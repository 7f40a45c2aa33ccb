/**
 * Microsoft 365 groups and the site's document library, as far as Trellis reads them to tell
 * whether people outside the course team can open the site (src/store/site-audience.ts):
 *
 *   POST /groups                       a Unified group; `members@odata.bind` and `owners@odata.bind`
 *                                      name users as `https://…/users/{id}` (Graph's way to seed them)
 *   GET  /groups/{id}                  ($select)
 *   GET  /groups/{id}/members          the direct members, as `#microsoft.graph.user` objects
 *   GET  /groups/{id}/owners           likewise ($select, $top 1..999, default 100; `@odata.nextLink`)
 *   GET  /sites/{site}/drive           the site's default document library; its `owner` is
 *                                      `{ group: { id, displayName, email } }` for a site connected to a
 *                                      Microsoft 365 group (a team's site) and the System Account's user
 *                                      for one that is not, as Graph answers for SharePoint libraries
 *
 * Which group a site is connected to is set with `connectSiteToGroup` on the running emulator:
 * in SharePoint that is the site's creation (a team's site) or "Connect to new Microsoft 365
 * group", neither of which Graph v1.0 offers.
 */
import { z } from 'zod';
import { zodMessage } from './columns.js';
import type { HandlerContext, Route } from './context.js';
import { findUser } from './directory.js';
import { GraphHttpError } from './errors.js';
import { jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import { isoSeconds } from './json.js';
import { requireSite } from './lists.js';
import type { GroupRecord, SiteRecord } from './records.js';

const MAX_TOP = 999;
const DEFAULT_TOP = 100;

const resourceNotFound = (id: string): GraphHttpError =>
  new GraphHttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
const badRequest = (message: string): GraphHttpError => new GraphHttpError(400, 'Request_BadRequest', message);

function requireGroup(ctx: HandlerContext, id: string): GroupRecord {
  const group = ctx.state.groups.get(id.toLowerCase());
  if (group === undefined) throw resourceNotFound(id);
  return group;
}

const GROUP_PROPERTIES = ['id', 'displayName', 'mailNickname', 'mail', 'groupTypes', 'createdDateTime'] as const;

function renderGroup(group: GroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    displayName: group.displayName,
    mailNickname: group.mailNickname,
    mail: `${group.mailNickname}@localhost`,
    groupTypes: ['Unified'],
    mailEnabled: true,
    securityEnabled: false,
    createdDateTime: group.createdDateTime,
  };
}

function selected(req: EmuRequest, known: readonly string[], type: string): string[] | undefined {
  const raw = queryValue(req, '$select');
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((name) => {
      const match = known.find((k) => k.toLowerCase() === name.toLowerCase());
      if (match === undefined) throw badRequest(`Could not find a property named '${name}' on type '${type}'.`);
      return match;
    });
}

function pick(full: Record<string, unknown>, names: readonly string[] | undefined): Record<string, unknown> {
  if (names === undefined) return full;
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = full[name] ?? null;
  return out;
}

const USER_PROPERTIES = ['id', 'displayName', 'userPrincipalName', 'mail', 'jobTitle'] as const;

/** A member or owner as Graph lists it: a user object, or (not in the directory) just its id. */
function renderMember(ctx: HandlerContext, id: string, select: readonly string[] | undefined): Record<string, unknown> {
  const user = findUser(ctx, id);
  const full: Record<string, unknown> =
    user === undefined
      ? { id, displayName: null, userPrincipalName: null, mail: null, jobTitle: null }
      : {
          id: user.id,
          displayName: user.displayName,
          userPrincipalName: user.userPrincipalName,
          mail: user.mail,
          jobTitle: user.jobTitle,
        };
  return { '@odata.type': '#microsoft.graph.user', ...pick(full, select) };
}

function topOf(req: EmuRequest): number {
  const raw = queryValue(req, '$top');
  if (raw === undefined) return DEFAULT_TOP;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${String(MAX_TOP)} inclusive.`);
  return top;
}

function memberPage(
  ctx: HandlerContext,
  req: EmuRequest,
  group: GroupRecord,
  relation: 'members' | 'owners',
): Record<string, unknown> {
  const ids = relation === 'members' ? group.memberIds : group.ownerIds;
  const select = selected(req, USER_PROPERTIES, 'microsoft.graph.directoryObject');
  const top = topOf(req);
  const skip = Number(queryValue(req, '$skiptoken') ?? '0');
  const start = Number.isInteger(skip) && skip >= 0 ? skip : 0;
  const value = ids.slice(start, start + top).map((id) => renderMember(ctx, id, select));
  const out: Record<string, unknown> = {
    '@odata.context': `${ctx.graphBase}/$metadata#directoryObjects`,
    value,
  };
  if (start + top < ids.length) {
    const params = new URLSearchParams();
    if (select !== undefined) params.set('$select', select.join(','));
    params.set('$top', String(top));
    params.set('$skiptoken', String(start + top));
    out['@odata.nextLink'] = `${ctx.graphBase}/groups/${group.id}/${relation}?${params.toString()}`;
  }
  return out;
}

const BIND = /\/users\/([^/?#]+)$/i;

const createGroupSchema = z.looseObject({
  displayName: z.string().min(1).max(256),
  mailNickname: z.string().min(1).max(64),
  mailEnabled: z.boolean(),
  securityEnabled: z.boolean(),
  groupTypes: z.array(z.string()).optional(),
  'members@odata.bind': z.array(z.string()).max(20).optional(),
  'owners@odata.bind': z.array(z.string()).max(20).optional(),
});

function boundUsers(ctx: HandlerContext, binds: readonly string[] | undefined): string[] {
  return (binds ?? []).map((bind) => {
    const match = BIND.exec(bind);
    const user = match?.[1] === undefined ? undefined : findUser(ctx, decodeURIComponent(match[1]));
    if (user === undefined) throw badRequest(`Invalid object identifier '${bind}'.`);
    return user.id;
  });
}

/** The site's default document library, with the owner Graph reports for it. */
function renderDrive(ctx: HandlerContext, site: SiteRecord): Record<string, unknown> {
  const group = site.groupId === undefined ? undefined : ctx.state.groups.get(site.groupId);
  const driveId = `b!${Buffer.from(site.id).toString('base64url').slice(0, 64)}`;
  return {
    '@odata.context': `${ctx.graphBase}/$metadata#drives/$entity`,
    createdDateTime: site.createdDateTime,
    description: '',
    id: driveId,
    lastModifiedDateTime: site.createdDateTime,
    name: 'Documents',
    webUrl: `${site.webUrl}/Shared%20Documents`,
    driveType: 'documentLibrary',
    createdBy: { user: { displayName: 'System Account' } },
    // A team's site: the library is the group's (Graph names the site's owners group, with the
    // Microsoft 365 group's id and address). Any other site: SharePoint's own account.
    owner:
      group === undefined
        ? { user: { displayName: 'System Account' } }
        : {
            group: {
              email: `${group.mailNickname}@localhost`,
              id: group.id,
              displayName: `${group.displayName} Owners`,
            },
          },
    quota: { deleted: 0, remaining: 27487790694400, state: 'normal', total: 27487790694400, used: 0 },
  };
}

export const groupRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: 'groups',
    kind: 'groups',
    handler: (ctx, req) => {
      const parsed = createGroupSchema.safeParse(req.body);
      if (!parsed.success) throw badRequest(zodMessage(parsed.error));
      const body = parsed.data;
      const group: GroupRecord = {
        id: ctx.newGuid().toLowerCase(),
        displayName: body.displayName,
        mailNickname: body.mailNickname,
        memberIds: [...new Set(boundUsers(ctx, body['members@odata.bind']))],
        ownerIds: [...new Set(boundUsers(ctx, body['owners@odata.bind']))],
        createdDateTime: isoSeconds(ctx.now()),
      };
      ctx.commit({ t: 'groupPut', group });
      return jsonResponse(201, {
        '@odata.context': `${ctx.graphBase}/$metadata#groups/$entity`,
        ...renderGroup(group),
      });
    },
  },
  {
    method: 'GET',
    pattern: 'groups/:group',
    kind: 'group',
    handler: (ctx, req, p) => {
      const group = requireGroup(ctx, p.group ?? '');
      const select = selected(req, GROUP_PROPERTIES, 'microsoft.graph.group');
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#groups/$entity`,
        ...pick(renderGroup(group), select),
      });
    },
  },
  {
    method: 'GET',
    pattern: 'groups/:group/members',
    kind: 'groupMembers',
    handler: (ctx, req, p) => jsonResponse(200, memberPage(ctx, req, requireGroup(ctx, p.group ?? ''), 'members')),
  },
  {
    method: 'GET',
    pattern: 'groups/:group/owners',
    kind: 'groupMembers',
    handler: (ctx, req, p) => jsonResponse(200, memberPage(ctx, req, requireGroup(ctx, p.group ?? ''), 'owners')),
  },
  {
    method: 'GET',
    pattern: 'sites/:site/drive',
    kind: 'drive',
    handler: (ctx, _req, p) => jsonResponse(200, renderDrive(ctx, requireSite(ctx, p.site ?? ''))),
  },
];
