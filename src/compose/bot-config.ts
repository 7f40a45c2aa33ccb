/**
 * The bot's settings in a tenant, from the environment:
 *   BOT_ID           the bot's Entra app (client) id; default ENTRA_CLIENT_ID (one registration for both)
 *   BOT_PASSWORD     its client secret; default GRAPH_CLIENT_SECRET when BOT_ID is the Graph app
 *   BOT_TENANT_ID    the tenant it is registered in (single-tenant bot); default ENTRA_TENANT_ID
 *   TEAMS_APP_ID     the Teams app id (manifest `id`): needed to install the app for people before a 1:1 card
 *   BOT_SERVICE_URL  the Bot Framework connector for proactive sends before anyone has talked to the bot
 *                    (default https://smba.trafficmanager.net/teams)
 *   BOT_APP_ROLES    "graph" (default): look up a person's CourseTeam/Admin app roles through Graph
 *                    (application permission Directory.Read.All); "off": nobody has app roles in the bot
 *   BOT_APP_ROLES_TTL_SECONDS  how long the bot remembers a person's app roles (default 120, 0 to 3600): a role
 *                    granted or removed in Entra reaches the bot within this; the REST API reads them from each token
 */
export interface BotSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tenantId: string;
  /** Without it, a 1:1 card waits until the person has opened the app once. */
  readonly teamsAppId: string | undefined;
  readonly serviceUrl: string;
  /** Where the bot learns app roles, which Teams activities do not carry (src/store/app-roles.ts). */
  readonly appRoles: BotAppRoleSource;
  /** How long a person's app roles are remembered (BOT_APP_ROLES_TTL_SECONDS). */
  readonly appRolesTtlMs: number;
}

/** The default lifetime of the bot's app role cache: short, so a removed role stops working soon. */
export const DEFAULT_APP_ROLES_TTL_SECONDS = 120;
const MAX_APP_ROLES_TTL_SECONDS = 3600;

export const BOT_APP_ROLE_SOURCES = ['graph', 'off'] as const;
export type BotAppRoleSource = (typeof BOT_APP_ROLE_SOURCES)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DEFAULT_BOT_SERVICE_URL = 'https://smba.trafficmanager.net/teams';

export function botSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  defaults: {
    readonly clientId: string;
    readonly tenantId: string;
    readonly graphClientId: string | undefined;
    readonly graphClientSecret: string | undefined;
  },
  problems: string[],
): BotSettings {
  const value = (name: string): string => (env[name] ?? '').trim();
  const clientId = (value('BOT_ID') || defaults.clientId).toLowerCase();
  const sameAsGraph = defaults.graphClientId !== undefined && clientId === defaults.graphClientId.toLowerCase();
  const clientSecret = value('BOT_PASSWORD') || (sameAsGraph ? (defaults.graphClientSecret ?? '') : '');
  const tenantId = (value('BOT_TENANT_ID') || defaults.tenantId).toLowerCase();
  const teamsAppId = value('TEAMS_APP_ID') || undefined;
  const serviceUrl = value('BOT_SERVICE_URL') || DEFAULT_BOT_SERVICE_URL;
  const rawAppRoles = (value('BOT_APP_ROLES') || 'graph').toLowerCase();
  const appRoles = BOT_APP_ROLE_SOURCES.find((source) => source === rawAppRoles);
  if (!GUID.test(clientId)) problems.push(`BOT_ID must be a GUID (the bot's Entra app id), got "${clientId}"`);
  if (clientSecret === '')
    problems.push(
      'BOT_PASSWORD is missing (the bot registration’s client secret; not needed when BOT_ID is the Graph app)',
    );
  if (teamsAppId !== undefined && !GUID.test(teamsAppId))
    problems.push(`TEAMS_APP_ID must be a GUID, got "${teamsAppId}"`);
  if (!/^https:\/\/\S+$/.test(serviceUrl))
    problems.push(`BOT_SERVICE_URL must be an https:// address, got "${serviceUrl}"`);
  if (appRoles === undefined) problems.push(`BOT_APP_ROLES must be "graph" or "off", got "${rawAppRoles}"`);
  const rawTtl = value('BOT_APP_ROLES_TTL_SECONDS');
  let ttlSeconds = DEFAULT_APP_ROLES_TTL_SECONDS;
  if (rawTtl !== '') {
    if (/^\d+$/.test(rawTtl) && Number(rawTtl) <= MAX_APP_ROLES_TTL_SECONDS) ttlSeconds = Number(rawTtl);
    else
      problems.push(
        `BOT_APP_ROLES_TTL_SECONDS must be a whole number of seconds from 0 to ${MAX_APP_ROLES_TTL_SECONDS}, got "${rawTtl}"`,
      );
  }
  return {
    clientId,
    clientSecret,
    tenantId,
    teamsAppId,
    serviceUrl,
    appRoles: appRoles ?? 'off',
    appRolesTtlMs: ttlSeconds * 1000,
  };
}
