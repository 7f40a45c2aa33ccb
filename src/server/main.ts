import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet } from 'jose';
import { SEED_PROCEDURES } from '../domain/procedures/index.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { GraphCaseRepository, openTrellisSite } from '../store/case-repository.js';
import { roleSidesOf } from '../store/case-rows.js';
import { createGraphClient } from '../store/graph/client.js';
import { createApp } from './app.js';
import { createTokenVerifier, entraJwksUrl } from './auth/verify-token.js';
import type { ServerConfig } from './config.js';
import { jsonLogger, type Logger } from './logger.js';
import { createNotifications } from './use-cases/notify-wiring.js';
import type { CommandNotifier } from './use-cases/notify-after-command.js';
import { createBot } from '../bot/bot.js';
import { cachedAppRoles } from '../bot/app-roles.js';
import { tenantIdentity } from '../bot/identity.js';
import { MY_CASES_ENTITY_ID } from '../cards/deep-links.js';
import { GraphAppRoleDirectory } from '../store/app-roles.js';
import { ConversationStore } from '../store/conversations.js';
import { GraphPeopleDirectory } from '../store/directory.js';

/**
 * The composition root for tenant mode: Graph with the app's credentials, the repository on
 * the configured site, Entra token validation against the tenant's JWKS, and no /dev routes.
 * (Local mode wires the same app in src/dev/local-mode/start-local.ts.)
 */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startTenantServer(
  config: Extract<ServerConfig, { mode: 'tenant' }>,
  options: {
    readonly logger?: Logger;
    readonly procedures?: readonly Procedure[];
    /** The built tab (default build/tab under the working directory); scripts/start.ts passes the one beside its code. */
    readonly tabDir?: string;
  } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? jsonLogger();
  const procedures = options.procedures ?? SEED_PROCEDURES;
  const client = createGraphClient({
    kind: 'tenant',
    tenantId: config.graph.tenantId,
    clientId: config.graph.clientId,
    clientSecret: config.graph.clientSecret,
  });
  const site = await openTrellisSite(client, config.graph.siteId);
  const repository = new GraphCaseRepository(client, site, { roleSides: roleSidesOf(procedures) });
  const conversations = new ConversationStore(client, site.lists.conversations);
  // Bot Framework tokens are validated by the Teams SDK against BOT_ID (never unauthenticated here).
  // Card actions notify like REST commands do; the notifier needs the bot's card senders, so it is bound once both exist.
  const late: { notify?: CommandNotifier } = {};
  const bot = await createBot({
    mode: 'tenant',
    useCases: { repository, procedures, clock: () => new Date(), logger, notify: (change) => late.notify?.(change) },
    conversations,
    links: {
      appId: config.bot.teamsAppId ?? config.bot.clientId,
      tabEntityId: MY_CASES_ENTITY_ID,
      publicUrl: config.publicUrl,
    },
    identity: tenantIdentity(conversations, {
      programmes: config.courseTeamProgrammes,
      // Teams activities carry no app roles: Entra is asked (ENTRA_CLIENT_ID's roles, as in REST tokens).
      ...(config.bot.appRoles === 'graph'
        ? { appRoles: cachedAppRoles(new GraphAppRoleDirectory(client, { appId: config.auth.clientId }), { logger }) }
        : {}),
    }),
    logger,
    credentials: {
      clientId: config.bot.clientId,
      clientSecret: config.bot.clientSecret,
      tenantId: config.bot.tenantId,
    },
    defaultServiceUrl: () => config.bot.serviceUrl,
    ...(config.bot.teamsAppId === undefined ? {} : { graph: { client, teamsAppId: config.bot.teamsAppId } }),
  });
  const notifications = createNotifications({
    client,
    outboxList: site.lists.outbox,
    settings: config.notify,
    repository,
    procedures,
    clock: () => new Date(),
    logger,
    caseLink: (caseId) => `${config.publicUrl}/cases/${encodeURIComponent(caseId)}`,
    cardSenders: bot.senders,
  });
  late.notify = notifications.background.notify;
  const verifyToken = createTokenVerifier({
    keys: createRemoteJWKSet(entraJwksUrl(config.auth.tenantId)),
    tenantId: config.auth.tenantId,
    audiences: config.auth.audiences,
    programmes: { from: 'config', value: config.courseTeamProgrammes },
  });
  const app = createApp({
    repository,
    procedures,
    clock: () => new Date(),
    verifyToken,
    config: { mode: 'tenant', publicUrl: config.publicUrl },
    logger,
    notify: { runtime: notifications.runtime, background: notifications.background },
    messages: bot.messages,
    directory: new GraphPeopleDirectory(client),
    tabDir: options.tabDir ?? path.resolve('build', 'tab'),
    clientConfig: {
      msal: {
        clientId: config.auth.clientId,
        authority: `https://login.microsoftonline.com/${config.auth.tenantId}`,
        scopes: [`${config.auth.audiences[0] ?? `api://${config.auth.clientId}`}/access_as_user`],
      },
    },
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, (error?: Error) => {
      if (error) reject(error);
      else resolve(s);
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
      await notifications.close();
    },
  };
}
