import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet } from 'jose';
import { jsonLogger, privateLogger, type Logger } from '../app/logger.js';
import { cachedAppRoles } from '../bot/app-roles.js';
import { tenantIdentity } from '../bot/identity.js';
import { SEED_PROCEDURES } from '../domain/procedures/index.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { createTokenVerifier, entraJwksUrl } from '../server/auth/verify-token.js';
import { GraphAppRoleDirectory } from '../store/app-roles.js';
import { openTrellisSite } from '../store/case-repository.js';
import { createGraphClient } from '../store/graph/client.js';
import { checkSiteAudience, describeSiteAudience } from '../store/site-audience.js';
import type { ServerConfig } from './config.js';
import { buildTrellis, type Trellis } from './trellis.js';
import { keepIdleConnections } from '../server/http/idle-connections.js';

/**
 * Tenant mode: chooses the inputs of buildTrellis from the configuration — Graph with the app's
 * credentials on the configured site, Entra token validation against the tenant's keys, Teams
 * users resolved through the Conversations list and Entra's app role assignments, the bot's app
 * registration — and listens. No /dev routes.
 */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startTenantServer(
  config: Extract<ServerConfig, { mode: 'tenant' }>,
  options: TenantOptions = {},
): Promise<RunningServer> {
  const logger = privateLogger(options.logger ?? jsonLogger());
  const trellis = await buildTenantTrellis(config, { ...options, logger, checkSiteAudience: true });
  const server: Server = await new Promise((resolve, reject) => {
    const s = trellis.app.listen(config.port, (error?: Error) => {
      if (error) reject(error);
      else resolve(keepIdleConnections(s));
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info('trellis listening', { mode: 'tenant', port, publicUrl: config.publicUrl });
  return {
    url: config.publicUrl,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await trellis.close();
    },
  };
}

export interface TenantOptions {
  readonly logger?: Logger;
  readonly procedures?: readonly Procedure[];
  /** The built tab (default build/tab under the working directory); scripts/start.ts passes the one beside its code. */
  readonly tabDir?: string;
  /** False for a process that runs no scheduler whatever TRELLIS_SCHEDULER says (the sweep job). */
  readonly schedule?: boolean;
  /**
   * Says in the log, once at start, who besides the course team and administrators can open the
   * site as far as Graph can tell (a warning when someone can): the web server does, the sweep job not.
   */
  readonly checkSiteAudience?: boolean;
}

/** Trellis wired for the tenant, not listening: the web server's and the sweep job's. */
export async function buildTenantTrellis(
  config: Extract<ServerConfig, { mode: 'tenant' }>,
  options: TenantOptions = {},
): Promise<Trellis> {
  const logger = privateLogger(options.logger ?? jsonLogger());
  const client = createGraphClient({
    kind: 'tenant',
    tenantId: config.graph.tenantId,
    clientId: config.graph.clientId,
    clientSecret: config.graph.clientSecret,
  });
  const site = await openTrellisSite(client, config.graph.siteId);
  if (options.checkSiteAudience === true) {
    // In the background: starting never waits for it, and it never throws.
    void checkSiteAudience(client, { siteId: config.graph.siteId, appId: config.auth.clientId }).then((audience) => {
      const { warn, lines } = describeSiteAudience(audience);
      for (const line of lines) {
        if (warn) logger.warn('site audience', { check: line });
        else logger.info('site audience', { check: line });
      }
    });
  }
  return buildTrellis({
    // Teams' per-conversation and Exchange's per-mailbox limits bind in a tenant.
    paceSends: true,
    sendingProcesses: config.sendingProcesses,
    mode: 'tenant',
    graph: client,
    site,
    procedures: options.procedures ?? SEED_PROCEDURES,
    clock: () => new Date(),
    logger,
    verifyToken: createTokenVerifier({
      keys: createRemoteJWKSet(entraJwksUrl(config.auth.tenantId)),
      tenantId: config.auth.tenantId,
      audiences: config.auth.audiences,
      programmes: { from: 'config', value: config.courseTeamProgrammes },
    }),
    publicUrl: () => config.publicUrl,
    identity: (conversations) =>
      tenantIdentity(conversations, {
        programmes: config.courseTeamProgrammes,
        // Teams activities carry no app roles: Entra is asked (ENTRA_CLIENT_ID's roles, as in REST tokens).
        ...(config.bot.appRoles === 'graph'
          ? {
              appRoles: cachedAppRoles(new GraphAppRoleDirectory(client, { appId: config.auth.clientId }), {
                logger,
                ttlMs: config.bot.appRolesTtlMs,
              }),
            }
          : {}),
      }),
    bot: {
      teamsAppId: config.bot.teamsAppId ?? config.bot.clientId,
      // Bot Framework tokens are validated by the Teams SDK against BOT_ID (never unauthenticated here).
      credentials: {
        clientId: config.bot.clientId,
        clientSecret: config.bot.clientSecret,
        tenantId: config.bot.tenantId,
      },
      defaultServiceUrl: () => config.bot.serviceUrl,
      installApp: config.bot.teamsAppId !== undefined,
    },
    notify: { ...config.notify, schedule: config.scheduler && options.schedule !== false },
    accessLogRetentionDays: config.accessLogRetentionDays,
    tabDir: options.tabDir ?? path.resolve('build', 'tab'),
    clientConfig: {
      msal: {
        clientId: config.auth.clientId,
        authority: `https://login.microsoftonline.com/${config.auth.tenantId}`,
        scopes: [`${config.auth.audiences[0] ?? `api://${config.auth.clientId}`}/access_as_user`],
      },
    },
  });
}
