import { RetryHandlerOptions, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { observedRetryOptions } from './graph/client.js';
import { classifyGraphError, GraphStoreError } from './graph/errors.js';
import { assertHttpsLink, parseGraphJson } from './graph/graph-json.js';
import { APP_ROLE_NAMES, type AppRoleDirectory, type AppRoleName } from '../app/ports.js';

/**
 * Which of Trellis's app roles (`CourseTeam`, `Admin`) a person holds, read from Entra ID through
 * Graph. A REST caller's token carries them in its `roles` claim; a Teams bot activity carries
 * none, so the bot asks here by the person's object id (`from.aadObjectId`):
 *
 *   GET /servicePrincipals(appId='<client id>')?$select=id,appRoles         appRoleId → value
 *   GET /users/<object id>/appRoleAssignments?$filter=resourceId eq <sp id>&$count=true
 *       ConsistencyLevel: eventual    (complete results when many come through groups)
 *
 * Graph also returns the assignments of groups the user is a direct member of, so assigning
 * a group the role in Entra works as it does for tokens. Application permission:
 * Directory.Read.All (the least privileged one for listing a user's app role assignments; it also
 * covers reading the service principal when it is not the app Graph is called as).
 */

/** A bot activity waits for this lookup: one retry at most, never the store's five. */
export const APP_ROLE_LOOKUP_MAX_RETRIES = 1;
/** A user holds a handful of assignments to one app; more pages than this is a wrong answer. */
const MAX_ASSIGNMENT_PAGES = 10;
/** Roles added to the app registration are picked up within this time. */
export const SERVICE_PRINCIPAL_TTL_MS = 60 * 60 * 1000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const servicePrincipalSchema = z
  .object({
    id: z.string().regex(GUID),
    appRoles: z.array(
      z.object({ id: z.string(), value: z.string().nullish(), isEnabled: z.boolean().nullish() }).loose(),
    ),
  })
  .loose();

const assignmentPageSchema = z
  .object({
    value: z.array(z.object({ appRoleId: z.string(), resourceId: z.string() }).loose()),
    '@odata.nextLink': z.string().optional(),
  })
  .loose();

interface RoleMap {
  readonly servicePrincipalId: string;
  readonly byRoleId: ReadonlyMap<string, AppRoleName>;
}

const isAppRoleName = (value: string): value is AppRoleName => (APP_ROLE_NAMES as readonly string[]).includes(value);

export class GraphAppRoleDirectory implements AppRoleDirectory {
  private roleMap: { readonly promise: Promise<RoleMap>; readonly readAt: number } | undefined;

  constructor(
    private readonly client: Client,
    private readonly options: {
      /** The app registration whose roles these are: ENTRA_CLIENT_ID, the audience of REST tokens. */
      readonly appId: string;
      readonly now?: () => number;
    },
  ) {
    if (!GUID.test(options.appId))
      throw new GraphStoreError('bad_request', `The app id must be a GUID, got ${JSON.stringify(options.appId)}`);
  }

  async rolesOf(objectId: string): Promise<readonly AppRoleName[]> {
    // Object ids go into the URL path: anything but a GUID is nobody, and Graph is not asked.
    if (!GUID.test(objectId)) return [];
    const roles = await this.currentRoleMap();
    const context = `Reading the app role assignments of ${objectId}`;
    const held = new Set<AppRoleName>();
    let request: GraphRequest | undefined = this.client
      .api(`/users/${objectId.toLowerCase()}/appRoleAssignments`)
      .filter(`resourceId eq ${roles.servicePrincipalId}`)
      .query({ $count: 'true' });
    for (let page = 0; request !== undefined; page += 1) {
      if (page >= MAX_ASSIGNMENT_PAGES)
        throw new GraphStoreError('data_error', `${context}: more than ${MAX_ASSIGNMENT_PAGES} pages`);
      const body = await this.get(request.header('ConsistencyLevel', 'eventual'), context);
      const parsed = parseGraphJson(assignmentPageSchema, body, context);
      for (const assignment of parsed.value) {
        // Graph applied the filter; checking again costs nothing and keeps another app's roles out.
        if (assignment.resourceId.toLowerCase() !== roles.servicePrincipalId) continue;
        const name = roles.byRoleId.get(assignment.appRoleId.toLowerCase());
        if (name !== undefined) held.add(name);
      }
      const link = parsed['@odata.nextLink'];
      request = link === undefined ? undefined : this.client.api(assertHttpsLink(link, context));
    }
    return APP_ROLE_NAMES.filter((name) => held.has(name));
  }

  /** The service principal's id and its enabled roles by id: read once an hour, and again after a failure. */
  private currentRoleMap(): Promise<RoleMap> {
    const now = (this.options.now ?? Date.now)();
    if (this.roleMap === undefined || now - this.roleMap.readAt >= SERVICE_PRINCIPAL_TTL_MS) {
      const promise = this.readRoleMap();
      const entry = { promise, readAt: now };
      this.roleMap = entry;
      promise.catch(() => {
        if (this.roleMap === entry) this.roleMap = undefined;
      });
    }
    return this.roleMap.promise;
  }

  private async readRoleMap(): Promise<RoleMap> {
    const context = `Reading the app roles of application ${this.options.appId}`;
    const request = this.client
      .api(`/servicePrincipals(appId='${this.options.appId.toLowerCase()}')`)
      .select(['id', 'appRoles']);
    const sp = parseGraphJson(servicePrincipalSchema, await this.get(request, context), context);
    const byRoleId = new Map<string, AppRoleName>();
    for (const role of sp.appRoles) {
      if (role.isEnabled === false || role.value === null || role.value === undefined) continue;
      if (isAppRoleName(role.value)) byRoleId.set(role.id.toLowerCase(), role.value);
    }
    return { servicePrincipalId: sp.id.toLowerCase(), byRoleId };
  }

  private async get(request: GraphRequest, context: string): Promise<unknown> {
    const policy = observedRetryOptions(this.client, {});
    const retry = new RetryHandlerOptions(
      policy.delay,
      Math.min(policy.maxRetries, APP_ROLE_LOOKUP_MAX_RETRIES),
      policy.shouldRetry,
    );
    try {
      return (await request.middlewareOptions([retry]).get()) as unknown;
    } catch (error) {
      throw classifyGraphError(error, context);
    }
  }
}
