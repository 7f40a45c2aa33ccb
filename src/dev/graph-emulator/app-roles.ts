/**
 * Entra app roles: the Trellis service principal with its `appRoles`, and app role assignments
 * granted to users, created and read the Graph way.
 *
 *   GET    /servicePrincipals/{id}  and  /servicePrincipals(appId='{appId}')   ($select)
 *   GET    /servicePrincipals/{id}/appRoleAssignedTo                            everyone granted a role
 *   POST   /servicePrincipals/{id}/appRoleAssignedTo                            {principalId, resourceId, appRoleId}
 *   DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}
 *   GET    /users/{id}/appRoleAssignments   ($filter=resourceId eq <guid>; $count=true needs ConsistencyLevel: eventual)
 *   POST   /users/{id}/appRoleAssignments                                       principalId must be that user
 *   DELETE /users/{id}/appRoleAssignments/{assignmentId}
 *
 * The emulator knows one application, the one Trellis calls Graph as (`ctx.appIdentity`), with
 * the `CourseTeam` and `Admin` roles the README tells a tenant to create. Principals are users:
 * named from the directory (directory.ts) when it has them, accepted by object id when it does
 * not (tests meet people only by their Teams object id). Groups exist for their members
 * (groups.ts) but are not principals here, so neither are the assignments Graph returns through a
 * user's direct group memberships.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { zodMessage } from './columns.js';
import type { HandlerContext, Route } from './context.js';
import { findUser } from './directory.js';
import { GraphHttpError } from './errors.js';
import { emptyResponse, jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import type { AppRoleAssignmentRecord } from './records.js';

/** The roles of the emulator's Trellis registration; ids are fixed, as in a real app manifest. */
export const EMULATOR_APP_ROLES = [
  {
    id: '5d0e2c7a-3b1f-4e8d-9a6c-2f4b8e1d7c30',
    value: 'CourseTeam',
    displayName: 'Course team',
    description: 'Sees and manages the cases of their programmes.',
  },
  {
    id: '8a4f6b2e-9c3d-4f1a-b7e5-0d2c6a8f4e19',
    value: 'Admin',
    displayName: 'Administrator',
    description: 'Sees and manages every case.',
  },
] as const;

/** The app role id Graph uses for "default access" (an app with no roles, or assignment without one). */
const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
}

function derivedGuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The service principal's object id: stable for the app id, so nothing about it needs persisting. */
export function emulatorServicePrincipalId(appId: string): string {
  return derivedGuid(`servicePrincipal:${appId.toLowerCase()}`);
}

function trellisServicePrincipal(ctx: HandlerContext): ServicePrincipal {
  return {
    id: emulatorServicePrincipalId(ctx.appIdentity.id),
    appId: ctx.appIdentity.id,
    displayName: ctx.appIdentity.displayName,
  };
}

const resourceNotFound = (id: string): GraphHttpError =>
  new GraphHttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
const badRequest = (message: string): GraphHttpError => new GraphHttpError(400, 'Request_BadRequest', message);

function servicePrincipalById(ctx: HandlerContext, id: string): ServicePrincipal {
  const sp = trellisServicePrincipal(ctx);
  if (sp.id !== id.toLowerCase()) throw resourceNotFound(id);
  return sp;
}

function servicePrincipalByAppId(ctx: HandlerContext, raw: string): ServicePrincipal {
  // The segment is `servicePrincipals(appId='…')`: the router captures what is between the quotes.
  const sp = trellisServicePrincipal(ctx);
  if (sp.appId.toLowerCase() !== raw.toLowerCase()) throw resourceNotFound(raw);
  return sp;
}

const SERVICE_PRINCIPAL_PROPERTIES = [
  'id',
  'appId',
  'displayName',
  'servicePrincipalType',
  'accountEnabled',
  'appRoleAssignmentRequired',
  'appRoles',
] as const;

function renderServicePrincipal(ctx: HandlerContext, sp: ServicePrincipal, req: EmuRequest): Record<string, unknown> {
  const full: Record<string, unknown> = {
    id: sp.id,
    appId: sp.appId,
    displayName: sp.displayName,
    servicePrincipalType: 'Application',
    accountEnabled: true,
    appRoleAssignmentRequired: false,
    appRoles: EMULATOR_APP_ROLES.map((role) => ({
      allowedMemberTypes: ['User'],
      description: role.description,
      displayName: role.displayName,
      id: role.id,
      isEnabled: true,
      origin: 'Application',
      value: role.value,
    })),
  };
  const select = (queryValue(req, '$select') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (select.length === 0) return { '@odata.context': `${ctx.graphBase}/$metadata#servicePrincipals/$entity`, ...full };
  const out: Record<string, unknown> = {
    '@odata.context': `${ctx.graphBase}/$metadata#servicePrincipals(${select.join(',')})/$entity`,
  };
  for (const name of select) {
    const known = SERVICE_PRINCIPAL_PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
    if (known === undefined)
      throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.servicePrincipal'.`);
    out[known] = full[known];
  }
  return out;
}

function renderAssignment(ctx: HandlerContext, a: AppRoleAssignmentRecord): Record<string, unknown> {
  return {
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: a.createdDateTime,
    principalDisplayName: findUser(ctx, a.principalId)?.displayName ?? null,
    principalId: a.principalId,
    principalType: a.principalType,
    resourceDisplayName: a.resourceDisplayName,
    resourceId: a.resourceId,
  };
}

const assignmentBodySchema = z.looseObject({
  principalId: z.string().regex(GUID, 'principalId must be a GUID'),
  resourceId: z.string().regex(GUID, 'resourceId must be a GUID'),
  appRoleId: z.string().regex(GUID, 'appRoleId must be a GUID'),
});

function grant(
  ctx: HandlerContext,
  req: EmuRequest,
  expected: { readonly resourceId?: string; readonly principalId?: string },
): AppRoleAssignmentRecord {
  const parsed = assignmentBodySchema.safeParse(req.body);
  if (!parsed.success) throw badRequest(zodMessage(parsed.error));
  const principalId = parsed.data.principalId.toLowerCase();
  const resourceId = parsed.data.resourceId.toLowerCase();
  const appRoleId = parsed.data.appRoleId.toLowerCase();
  if (expected.resourceId !== undefined && expected.resourceId !== resourceId) {
    throw badRequest('The resourceId in the body must be the service principal in the request URL.');
  }
  if (expected.principalId !== undefined && expected.principalId !== principalId) {
    throw badRequest('The principalId in the body must be the user in the request URL.');
  }
  const sp = servicePrincipalById(ctx, resourceId);
  if (appRoleId !== DEFAULT_ACCESS_ROLE_ID && !EMULATOR_APP_ROLES.some((r) => r.id === appRoleId)) {
    throw badRequest('Permission being assigned was not found on application');
  }
  const duplicate = [...ctx.state.appRoleAssignments.values()].some(
    (a) => a.principalId === principalId && a.resourceId === resourceId && a.appRoleId === appRoleId,
  );
  if (duplicate) throw badRequest('Permission being assigned already exists on the object');
  const assignment: AppRoleAssignmentRecord = {
    // Graph's assignment ids are 43 base64url characters (32 bytes).
    id: Buffer.from(`${ctx.newGuid()}${ctx.newGuid()}`.replace(/-/g, ''), 'hex').toString('base64url'),
    appRoleId,
    principalId,
    principalType: 'User',
    resourceId,
    resourceDisplayName: sp.displayName,
    createdDateTime: new Date(ctx.now()).toISOString(),
  };
  ctx.commit({ t: 'appRoleAssignmentPut', assignment });
  return assignment;
}

function revoke(ctx: HandlerContext, assignmentId: string, belongs: (a: AppRoleAssignmentRecord) => boolean): void {
  const found = ctx.state.appRoleAssignments.get(assignmentId);
  if (found === undefined || !belongs(found)) throw resourceNotFound(assignmentId);
  ctx.commit({ t: 'appRoleAssignmentDelete', id: found.id });
}

/** `resourceId eq <guid>`: the one filter Trellis sends (Graph takes the GUID unquoted). */
function resourceFilter(req: EmuRequest): string | undefined {
  const text = queryValue(req, '$filter');
  if (text === undefined || text.trim() === '') return undefined;
  const match = /^\s*resourceId\s+eq\s+([0-9a-f-]{36})\s*$/i.exec(text);
  if (!match?.[1] || !GUID.test(match[1])) throw badRequest('Invalid filter clause');
  return match[1].toLowerCase();
}

/**
 * `$count=true` on directory collections is an advanced query: Graph refuses it unless the
 * request also says `ConsistencyLevel: eventual`.
 */
function wantsCount(req: EmuRequest): boolean {
  const count = queryValue(req, '$count');
  if (count === undefined || count.toLowerCase() === 'false') return false;
  if (count.toLowerCase() !== 'true') throw badRequest(`Invalid $count value '${count}'.`);
  if ((req.headers.consistencylevel ?? '').toLowerCase() !== 'eventual') {
    throw badRequest('$count is not currently supported without the ConsistencyLevel header set to eventual.');
  }
  return true;
}

function collection(
  ctx: HandlerContext,
  context: string,
  items: readonly AppRoleAssignmentRecord[],
  req: EmuRequest,
): Record<string, unknown> {
  const counted = wantsCount(req);
  return {
    '@odata.context': context,
    ...(counted ? { '@odata.count': items.length } : {}),
    value: items.map((a) => renderAssignment(ctx, a)),
  };
}

/** `/users/{id | userPrincipalName}`: the object id, through the directory when it knows the user. */
function principalOf(ctx: HandlerContext, idOrUpn: string): string {
  return (findUser(ctx, idOrUpn)?.id ?? idOrUpn).toLowerCase();
}

function assignmentsOf(ctx: HandlerContext, principalId: string): AppRoleAssignmentRecord[] {
  const key = principalId.toLowerCase();
  return [...ctx.state.appRoleAssignments.values()]
    .filter((a) => a.principalId === key)
    .sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
}

export const appRoleRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: "servicePrincipals(appId=':appId')",
    kind: 'servicePrincipal',
    handler: (ctx, req, p) =>
      jsonResponse(200, renderServicePrincipal(ctx, servicePrincipalByAppId(ctx, p.appId ?? ''), req)),
  },
  {
    method: 'GET',
    pattern: 'servicePrincipals/:sp',
    kind: 'servicePrincipal',
    handler: (ctx, req, p) =>
      jsonResponse(200, renderServicePrincipal(ctx, servicePrincipalById(ctx, p.sp ?? ''), req)),
  },
  {
    method: 'GET',
    pattern: 'servicePrincipals/:sp/appRoleAssignedTo',
    kind: 'appRoleAssignedTo',
    handler: (ctx, req, p) => {
      const sp = servicePrincipalById(ctx, p.sp ?? '');
      const granted = [...ctx.state.appRoleAssignments.values()].filter((a) => a.resourceId === sp.id);
      return jsonResponse(
        200,
        collection(ctx, `${ctx.graphBase}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo`, granted, req),
      );
    },
  },
  {
    method: 'POST',
    pattern: 'servicePrincipals/:sp/appRoleAssignedTo',
    kind: 'appRoleAssignedTo',
    handler: (ctx, req, p) => {
      const sp = servicePrincipalById(ctx, p.sp ?? '');
      const assignment = grant(ctx, req, { resourceId: sp.id });
      return jsonResponse(201, {
        '@odata.context': `${ctx.graphBase}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo/$entity`,
        ...renderAssignment(ctx, assignment),
      });
    },
  },
  {
    method: 'DELETE',
    pattern: 'servicePrincipals/:sp/appRoleAssignedTo/:assignment',
    kind: 'appRoleAssignedTo',
    handler: (ctx, _req, p) => {
      const sp = servicePrincipalById(ctx, p.sp ?? '');
      revoke(ctx, p.assignment ?? '', (a) => a.resourceId === sp.id);
      return emptyResponse(204);
    },
  },
  {
    method: 'GET',
    pattern: 'users/:user/appRoleAssignments',
    kind: 'appRoleAssignments',
    handler: (ctx, req, p) => {
      const user = principalOf(ctx, p.user ?? '');
      const resourceId = resourceFilter(req);
      const value = assignmentsOf(ctx, user).filter((a) => resourceId === undefined || a.resourceId === resourceId);
      return jsonResponse(
        200,
        collection(ctx, `${ctx.graphBase}/$metadata#users('${user}')/appRoleAssignments`, value, req),
      );
    },
  },
  {
    method: 'POST',
    pattern: 'users/:user/appRoleAssignments',
    kind: 'appRoleAssignments',
    handler: (ctx, req, p) => {
      const user = principalOf(ctx, p.user ?? '');
      const assignment = grant(ctx, req, { principalId: user });
      return jsonResponse(201, {
        '@odata.context': `${ctx.graphBase}/$metadata#users('${user}')/appRoleAssignments/$entity`,
        ...renderAssignment(ctx, assignment),
      });
    },
  },
  {
    method: 'DELETE',
    pattern: 'users/:user/appRoleAssignments/:assignment',
    kind: 'appRoleAssignments',
    handler: (ctx, _req, p) => {
      const user = principalOf(ctx, p.user ?? '');
      revoke(ctx, p.assignment ?? '', (a) => a.principalId === user);
      return emptyResponse(204);
    },
  },
];
