import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CourseTeamProgrammes } from '../app/caller.js';
import { DEFAULT_ACCESS_LOG_RETENTION_DAYS } from '../app/access-log.js';
import { botSettingsFromEnv, type BotSettings } from './bot-config.js';
import { ConfigError, graphTargetFromEnv } from './graph-config.js';
import type { NotifySettings } from '../app/notifications/settings.js';
import { notifySettingsFromEnv } from './notify-config.js';
import { MAX_SENDING_PROCESSES } from '../notify/pacing.js';

/**
 * Server configuration from the environment (and `.env` when present), validated at start
 * with one line per missing or bad value. With no GRAPH_* variables Trellis runs in local mode
 * on the embedded Graph emulator; with them it runs against the tenant and needs the rest.
 *
 * Tenant-mode variables:
 *   GRAPH_TENANT_ID, GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, GRAPH_SITE_ID   where the lists are (graph-config.ts)
 *   ENTRA_TENANT_ID            tenant whose access tokens are accepted (GUID; defaults to GRAPH_TENANT_ID)
 *   ENTRA_CLIENT_ID            the Trellis app registration's client id (GUID; defaults to GRAPH_CLIENT_ID)
 *   ENTRA_AUDIENCE             the app id URI tokens are issued for (default api://<PUBLIC_URL host>/<ENTRA_CLIENT_ID>, the manifest's
 *                              resource; api://<ENTRA_CLIENT_ID> is then accepted too); the client id is always accepted
 *   PUBLIC_URL                 the https origin people reach Trellis at (e.g. https://trellis.contoso.ac.uk)
 *   TRELLIS_COURSE_TEAM_PROGRAMMES   programmes members of the CourseTeam app role see, separated by ";" ("*" = all; default "*")
 *   PORT                       default 3978
 *   TRELLIS_MAIL_FROM, TRELLIS_COURSE_MAILBOXES, TRELLIS_COURSE_MAILBOX, TRELLIS_SWEEP_AT, TRELLIS_REVIEW_LEAD_DAYS,
 *   TRELLIS_ESCALATE_AFTER_DAYS, TRELLIS_JOB_KEY   notifications and the review sweep (use-cases/notify-config.ts)
 *   BOT_ID, BOT_PASSWORD, BOT_TENANT_ID, TEAMS_APP_ID, BOT_SERVICE_URL, BOT_APP_ROLES   the bot (src/bot/config.ts)
 * Local-mode variables:
 *   TRELLIS_DATA_DIR           the data folder (default .trellis-data)
 *   TRELLIS_LOCAL_GRAPH_URL    the https origin of a Graph emulator another process runs (`npm run graph-emulator`),
 *                              so that several local processes share one store (docs/reliability.md); unset, the
 *                              emulator is embedded
 *   TRELLIS_LOCAL_GRAPH_CA     that emulator's certificate (default <TRELLIS_DATA_DIR>/graph/cert.pem)
 *   TRELLIS_PACE_SENDS         "on": keep to Teams' and Exchange's sending limits as tenant mode always does
 *                              (src/notify/pacing.ts); default "off", as the dev connector has no limits
 * Both modes:
 *   TRELLIS_SCHEDULER          "on" (default): this process runs the daily review sweep and the delivery passes;
 *                              "off": it leaves them to a scheduled job (`npm run job:sweep`)
 *   TRELLIS_SENDING_PROCESSES  how many Trellis processes may send notifications at the same time (the web
 *                              instances at most, plus the sweep job where one runs), 1 to 7 (default 1): each keeps
 *                              to that share of Teams' and Exchange's sending limits (src/notify/pacing.ts)
 *   TRELLIS_INSTANCE_NAME      a name this instance keeps across restarts, its own (App Service's and Container
 *                              Apps' are used when unset): a restarted instance frees the job leases its
 *                              earlier life held instead of waiting for them to run out (src/compose/jobs.ts)
 *   TRELLIS_PROCEDURES_DIR, TRELLIS_PROVIDER_PROCEDURES   procedures from files and which procedures run
 *                              (src/procedures-files/config.ts; scripts/start.ts loads them)
 *   APPLICATIONINSIGHTS_CONNECTION_STRING   traces and metrics to Application Insights (telemetry.ts;
 *                              scripts/start.ts starts it before anything else loads); unset, none
 */
export const DEFAULT_PORT = 3978;

export interface TenantAuthConfig {
  readonly tenantId: string;
  readonly clientId: string;
  readonly audiences: readonly string[];
}

export type ServerConfig =
  | {
      readonly mode: 'local';
      readonly port: number;
      readonly dataDir: string;
      readonly publicUrl: string;
      /** TRELLIS_SCHEDULER: whether this process runs the sweep and delivery passes itself. */
      readonly scheduler: boolean;
      /** A Graph emulator another process runs, shared by several local processes; undefined: embedded. */
      readonly sharedGraph?: { readonly baseUrl: string; readonly caCertPath: string };
      /** TRELLIS_ACCESS_LOG_RETENTION_DAYS: how long who-looked entries are kept. */
      readonly accessLogRetentionDays: number;
      /** TRELLIS_PACE_SENDS: keep to Microsoft's sending limits here too. */
      readonly paceSends: boolean;
      /** TRELLIS_SENDING_PROCESSES: how many processes share the sending limits. */
      readonly sendingProcesses: number;
    }
  | {
      readonly mode: 'tenant';
      readonly port: number;
      readonly scheduler: boolean;
      readonly publicUrl: string;
      readonly auth: TenantAuthConfig;
      readonly courseTeamProgrammes: CourseTeamProgrammes;
      readonly graph: Extract<ReturnType<typeof graphTargetFromEnv>, { mode: 'tenant' }>;
      readonly notify: NotifySettings;
      /** The bot (src/bot/config.ts: BOT_ID, BOT_PASSWORD, TEAMS_APP_ID …). */
      readonly bot: BotSettings;
      /** TRELLIS_ACCESS_LOG_RETENTION_DAYS: how long who-looked entries are kept. */
      readonly accessLogRetentionDays: number;
      /** TRELLIS_SENDING_PROCESSES: how many processes share the sending limits. */
      readonly sendingProcesses: number;
    };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Env = Readonly<Record<string, string | undefined>>;

function portFrom(env: Env, problems: string[]): number {
  const raw = (env.PORT ?? '').trim();
  if (raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535, got "${raw}"`);
    return DEFAULT_PORT;
  }
  return port;
}

export function parseProgrammes(raw: string | undefined): CourseTeamProgrammes {
  const value = (raw ?? '').trim();
  if (value === '' || value === '*') return 'all';
  return value
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function schedulerFrom(env: Env, problems: string[]): boolean {
  const raw = (env.TRELLIS_SCHEDULER ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  problems.push(`TRELLIS_SCHEDULER must be "on" or "off", got "${env.TRELLIS_SCHEDULER ?? ''}"`);
  return true;
}

/**
 * TRELLIS_ACCESS_LOG_RETENTION_DAYS: days the access log keeps who looked at a case (default
 * a year). At least 30, so a slip of the keyboard cannot empty the log a provider may need to
 * answer a trainee's request with.
 */
const MIN_ACCESS_LOG_RETENTION_DAYS = 30;

function accessLogRetentionFrom(env: Env, problems: string[]): number {
  const raw = (env.TRELLIS_ACCESS_LOG_RETENTION_DAYS ?? '').trim();
  if (raw === '') return DEFAULT_ACCESS_LOG_RETENTION_DAYS;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < MIN_ACCESS_LOG_RETENTION_DAYS || days > 36_500) {
    problems.push(
      `TRELLIS_ACCESS_LOG_RETENTION_DAYS must be a whole number of days from ${MIN_ACCESS_LOG_RETENTION_DAYS} to 36500, got "${raw}"`,
    );
    return DEFAULT_ACCESS_LOG_RETENTION_DAYS;
  }
  return days;
}

/**
 * TRELLIS_SENDING_PROCESSES: how many processes send at once, each keeping to that share of
 * every sending limit (src/notify/pacing.ts); 1 to 7, default 1.
 */
function sendingProcessesFrom(env: Env, problems: string[]): number {
  const raw = (env.TRELLIS_SENDING_PROCESSES ?? '').trim();
  if (raw === '') return 1;
  const processes = Number(raw);
  if (!/^\d+$/.test(raw) || processes < 1 || processes > MAX_SENDING_PROCESSES) {
    problems.push(
      `TRELLIS_SENDING_PROCESSES must be a whole number from 1 to ${String(MAX_SENDING_PROCESSES)} (the processes that may send at once), got "${raw}"`,
    );
    return 1;
  }
  return processes;
}

export function serverConfigFromEnv(env: Env): ServerConfig {
  const problems: string[] = [];
  const port = portFrom(env, problems);
  const scheduler = schedulerFrom(env, problems);
  const accessLogRetentionDays = accessLogRetentionFrom(env, problems);
  const sendingProcesses = sendingProcessesFrom(env, problems);
  let graph: ReturnType<typeof graphTargetFromEnv> | undefined;
  try {
    graph = graphTargetFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const value = (name: string): string => (env[name] ?? '').trim();

  if (graph?.mode === 'local') {
    const dataDir = value('TRELLIS_DATA_DIR') || '.trellis-data';
    const sharedGraphUrl = value('TRELLIS_LOCAL_GRAPH_URL');
    if (sharedGraphUrl !== '' && !URL.canParse(sharedGraphUrl))
      problems.push(`TRELLIS_LOCAL_GRAPH_URL is not an address: "${sharedGraphUrl}"`);
    else if (sharedGraphUrl !== '' && new URL(sharedGraphUrl).protocol !== 'https:')
      problems.push(
        `TRELLIS_LOCAL_GRAPH_URL must be an https:// origin like https://localhost:8443, got "${sharedGraphUrl}"`,
      );
    if (problems.length > 0) throw new ConfigError(problems);
    const publicUrl = value('PUBLIC_URL') || `http://localhost:${port}`;
    const sharedGraph =
      sharedGraphUrl === ''
        ? {}
        : {
            sharedGraph: {
              baseUrl: new URL(sharedGraphUrl).origin,
              caCertPath: value('TRELLIS_LOCAL_GRAPH_CA') || path.join(dataDir, 'graph', 'cert.pem'),
            },
          };
    const pace = value('TRELLIS_PACE_SENDS').toLowerCase();
    if (pace !== '' && pace !== 'on' && pace !== 'off')
      throw new ConfigError([`TRELLIS_PACE_SENDS must be "on" or "off", got "${pace}"`]);
    const paceSends = pace === 'on';
    return {
      mode: 'local',
      port,
      scheduler,
      dataDir,
      publicUrl,
      accessLogRetentionDays,
      paceSends,
      sendingProcesses,
      ...sharedGraph,
    };
  }

  const tenantId = value('ENTRA_TENANT_ID') || value('GRAPH_TENANT_ID');
  const clientId = value('ENTRA_CLIENT_ID') || value('GRAPH_CLIENT_ID');
  if (tenantId === '') problems.push('ENTRA_TENANT_ID is missing (the tenant whose sign-ins Trellis accepts)');
  else if (!GUID.test(tenantId)) problems.push(`ENTRA_TENANT_ID must be a GUID, got "${tenantId}"`);
  if (clientId === '') problems.push('ENTRA_CLIENT_ID is missing (the Trellis app registration’s client id)');
  else if (!GUID.test(clientId)) problems.push(`ENTRA_CLIENT_ID must be a GUID, got "${clientId}"`);
  const publicUrl = value('PUBLIC_URL');
  let publicHost: string | undefined;
  if (publicUrl === '') problems.push('PUBLIC_URL is missing (the https address people reach Trellis at)');
  else {
    let url: URL | undefined;
    try {
      url = new URL(publicUrl);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:') problems.push(`PUBLIC_URL must be an https:// address, got "${publicUrl}"`);
    else publicHost = url.host;
  }
  // The manifest's webApplicationInfo.resource (and the NAA scope the tab asks for) is
  // api://<public host>/<client id>; tokens issued for the older api://<client id> form are accepted too.
  const manifestResource = publicHost === undefined ? `api://${clientId}` : `api://${publicHost}/${clientId}`;
  const audience = value('ENTRA_AUDIENCE') || manifestResource;
  if (!/^(api:\/\/|https:\/\/)\S+$/.test(audience))
    problems.push(`ENTRA_AUDIENCE must be an app id URI like api://<host>/<client id>, got "${audience}"`);
  const notify = notifySettingsFromEnv(env, problems);
  const bot = botSettingsFromEnv(
    env,
    {
      clientId,
      tenantId,
      graphClientId: graph?.mode === 'tenant' ? graph.clientId : undefined,
      graphClientSecret: graph?.mode === 'tenant' ? graph.clientSecret : undefined,
    },
    problems,
  );
  if (problems.length > 0 || graph?.mode !== 'tenant') throw new ConfigError(problems);
  return {
    mode: 'tenant',
    port,
    scheduler,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    auth: {
      tenantId: tenantId.toLowerCase(),
      clientId: clientId.toLowerCase(),
      audiences: [
        ...new Set([
          audience,
          ...(value('ENTRA_AUDIENCE') === '' ? [`api://${clientId}`] : []),
          clientId.toLowerCase(),
        ]),
      ],
    },
    courseTeamProgrammes: parseProgrammes(env.TRELLIS_COURSE_TEAM_PROGRAMMES),
    graph,
    notify,
    bot,
    accessLogRetentionDays,
    sendingProcesses,
  };
}

/**
 * A minimal `.env` reader (no package): `NAME=value` lines, `#` comments, optional `export `,
 * single or double quotes (double quotes understand \n). Values already in the environment win.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const name = match[1] ?? '';
    let value = match[2] ?? '';
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[name] = value;
  }
  return out;
}

/** The environment with `.env` (if the file exists) filled in underneath it. */
export function environmentWithDotEnv(env: Env, file = '.env'): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ...env };
  }
  return { ...parseDotEnv(text), ...env };
}
