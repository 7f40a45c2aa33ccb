import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Router, type Express } from 'express';
import type { UseCaseDeps } from '../app/deps.js';
import { jsonLogger, privateLogger, type Logger } from '../app/logger.js';
import type { PlacementRoster } from '../app/placements/roster.js';
import type { TrellisBot } from '../bot/bot.js';
import type { CardSenders } from '../bot/senders.js';
import { devObjectIdOf, directoryIdentity } from '../bot/identity.js';
import { linkDemoChannels, type DemoCourseTeam } from '../dev/local-mode/demo-channels.js';
import {
  EMULATOR_APP_IDENTITY,
  EMULATOR_APP_TOKEN,
  startGraphEmulator,
  type EmulatorInspection,
  type RunningGraphEmulator,
} from '../dev/graph-emulator/index.js';
import { connectGraphEmulator, type SharedGraphEmulator } from '../dev/graph-emulator/remote.js';
import { loadDemoData, type DemoLoadResult } from '../dev/local-mode/demo-data.js';
import { demoDirectory, loadDemoDirectory } from '../dev/local-mode/demo-directory.js';
import { loadDemoRoster } from '../dev/local-mode/demo-roster.js';
import { londonDateOf } from '../domain/calendar/index.js';
import { loadDevClock, type DevClock } from '../dev/local-mode/dev-clock.js';
import { createDevConnector, type DevConnector } from '../dev/local-mode/dev-connector.js';
import { loadOrCreateDevKeys, type DevKeys } from '../dev/local-mode/dev-keys.js';
import { devRouter } from '../dev/local-mode/dev-routes.js';
import { DEMO_PROVIDERS, personas } from '../dev/local-mode/personas.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { SEED_PROCEDURES } from '../domain/procedures/index.js';
import { createTokenVerifier } from '../server/auth/verify-token.js';
import type { GraphCaseRepository } from '../store/case-repository.js';
import { openTrellisSite } from '../store/case-repository.js';
import { createGraphClient } from '../store/graph/client.js';
import { provisionLists } from '../store/graph/provision.js';
import { checkSiteAudience, describeSiteAudience } from '../store/site-audience.js';
import { TRELLIS_LISTS } from '../store/lists.js';
import type { Notifications } from './notifications.js';
import { localNotifySettings } from './notify-config.js';
import { buildTrellis } from './trellis.js';
import type { PaceClock } from '../notify/pacing.js';
import { keepIdleConnections } from '../server/http/idle-connections.js';

/**
 * Local mode, the embedded default: chooses the inputs of buildTrellis for one machine — the
 * Graph emulator in the data folder with the lists provisioned, dev sign-in keys, the dev clock,
 * demo people as Teams users, demo course mailboxes, the dev connector for the bot's proactive
 * sends, the /dev routes — loads the demo data once, and listens on loopback. `npm start`
 * calls this when no GRAPH_* variables are set.
 */
export interface LocalModeOptions {
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger?: Logger;
  readonly procedures?: readonly Procedure[];
  /** 'none' for tests (fast, not crash-safe); the default fsyncs like a real store. */
  readonly durability?: 'fsync' | 'none';
  /** Real time, before the dev clock's offset (tests pin it). */
  readonly realNow?: () => Date;
  /** The built tab to serve at `/` (build/tab); the plain home page without it. */
  readonly tabDir?: string;
  /** The in-process scheduler for the review sweep (default on; tests drive sweeps by hand). */
  readonly schedule?: boolean;
  /** Where the bot sends proactive cards: the Agents Playground's `_connector` when it runs; the dev connector otherwise. */
  readonly botServiceUrl?: string;
  /** Days the access log keeps who looked at a case (default a year). */
  readonly accessLogRetentionDays?: number;
  /** Keep to Microsoft's sending limits as tenant mode does (default off: the dev connector has none). */
  readonly paceSends?: boolean;
  /** Tests: the clock sends are paced on (a virtual one); real time otherwise. */
  readonly paceClock?: PaceClock;
  /** How many processes send at once on the shared store, each keeping to that share of the limits (default 1). */
  readonly sendingProcesses?: number;
}

/** The Teams app id local mode uses: `npm run package`'s default TEAMS_APP_ID (scripts/package-app.ts). */
export const LOCAL_TEAMS_APP_ID = '2f6c1d7e-8a4b-4c3d-9e5f-1a2b3c4d5e6f';

/** What local mode needs of its Graph emulator, embedded or shared with other processes. */
type LocalGraph = Pick<RunningGraphEmulator, 'baseUrl' | 'caCertPem' | 'siteId' | 'close'> & {
  inspect(): EmulatorInspection | Promise<EmulatorInspection>;
};

export interface RunningLocalMode<Graph extends LocalGraph = RunningGraphEmulator> {
  readonly url: string;
  readonly port: number;
  readonly app: Express;
  readonly emulator: Graph;
  readonly repository: GraphCaseRepository;
  /** The placement roster (seeded from the demo people). */
  readonly placements: PlacementRoster;
  readonly keys: DevKeys;
  readonly clock: DevClock;
  /** What the demo load did on this start; undefined when it had been loaded before. */
  readonly demo: DemoLoadResult | undefined;
  /** The outbox, senders and scheduler (demo course mailboxes; everything lands in /dev/outbox). */
  readonly notifications: Notifications;
  /** What the use cases run with (the review sweep job runs on them). */
  readonly useCases: UseCaseDeps;
  /** The bot at POST /api/messages. */
  readonly bot: TrellisBot;
  /** The chat and channel card senders. */
  readonly cardSenders: CardSenders;
  /** What the bot sent with no Teams attached: GET /dev/connector/activities. */
  readonly connector: DevConnector;
  close(): Promise<void>;
}

const DEMO_MARKER = 'demo-data.json';

async function demoLoadedBefore(dataDir: string): Promise<boolean> {
  try {
    await readFile(path.join(dataDir, DEMO_MARKER), 'utf8');
    return true;
  } catch {
    return false;
  }
}

export function startLocalMode(options: LocalModeOptions): Promise<RunningLocalMode> {
  return startLocalModeOn(options, (dataDir) =>
    startGraphEmulator({ dataDir: path.join(dataDir, 'graph'), durability: options.durability ?? 'fsync' }),
  );
}

/**
 * Local mode on a Graph emulator another process runs (`npm run graph-emulator`; `npm start`
 * with TRELLIS_LOCAL_GRAPH_URL and TRELLIS_LOCAL_GRAPH_CA): several Trellis processes on one
 * store, as instances behind a load balancer share one site. Give them the same data folder so
 * that a dev sign-in on one is accepted by the others. The first to start provisions the lists
 * and loads the demo data; closing one leaves the emulator running.
 */
export function startLocalModeOnSharedGraph(
  options: LocalModeOptions,
  graph: { readonly baseUrl: string; readonly caCertPem: string },
): Promise<RunningLocalMode<SharedGraphEmulator>> {
  return startLocalModeOn(options, () => connectGraphEmulator(graph));
}

async function startLocalModeOn<Graph extends LocalGraph>(
  options: LocalModeOptions,
  openGraph: (dataDir: string) => Promise<Graph>,
): Promise<RunningLocalMode<Graph>> {
  const dataDir = path.resolve(options.dataDir);
  const logger = privateLogger(options.logger ?? jsonLogger());
  const procedures = options.procedures ?? SEED_PROCEDURES;
  await mkdir(dataDir, { recursive: true });
  const emulator = await openGraph(dataDir);
  try {
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    await provisionLists(client, emulator.siteId, TRELLIS_LISTS);
    // Who else can open the site, as a tenant's start says it (ids and counts only).
    const audience = describeSiteAudience(
      await checkSiteAudience(client, { siteId: emulator.siteId, appId: EMULATOR_APP_IDENTITY.id }),
    );
    for (const line of audience.lines) {
      if (audience.warn) logger.warn('site audience', { check: line });
      else logger.info('site audience', { check: line });
    }
    const site = await openTrellisSite(client, emulator.siteId);
    const keys = await loadOrCreateDevKeys(dataDir);
    const realNow = options.realNow ?? (() => new Date());
    const clock = loadDevClock(dataDir, realNow);

    const verifyToken = createTokenVerifier({
      keys: keys.jwks,
      tenantId: keys.tenantId,
      audiences: [keys.audience],
      programmes: { from: 'claim' },
      // Tokens age in real time: moving the dev clock changes "today" for the procedures, not sign-ins.
      now: realNow,
    });
    let publicUrl = `http://localhost:${options.port}`;
    const connector = createDevConnector(realNow);
    const roleLabel = (procedureId: string, roleId: string): string =>
      procedures.find((p) => p.id === procedureId)?.roles.find((r) => r.id === roleId)?.label ?? roleId;
    const runs = (procedureId: string): boolean => procedures.some((p) => p.id === procedureId);
    // The directory the wizard's people search reads: the personas and people on no case yet.
    try {
      const loaded = await loadDemoDirectory(client, demoDirectory(personas(roleLabel, runs)));
      if (loaded.created > 0)
        logger.info('demo directory loaded', { created: loaded.created, existing: loaded.existing });
    } catch (error) {
      logger.warn('demo directory not loaded', { error: error instanceof Error ? error.message : String(error) });
    }
    const devRoutes = Router();
    devRoutes.use('/connector', connector.router);
    devRoutes.use(
      devRouter({
        keys,
        clock,
        realNow,
        procedures,
        inspect: () => emulator.inspect(),
        chatActivities: connector.activities,
      }),
    );
    const trellis = await buildTrellis({
      mode: 'local',
      graph: client,
      site,
      procedures,
      clock: () => clock.now(),
      logger,
      verifyToken,
      publicUrl: () => publicUrl,
      // A Teams user is the demo person whose dev object id matches (src/bot/identity.ts).
      identity: () => directoryIdentity(personas(roleLabel, runs)),
      bot: {
        teamsAppId: LOCAL_TEAMS_APP_ID,
        defaultServiceUrl: () => options.botServiceUrl ?? `${publicUrl}/dev/connector`,
        installApp: true,
      },
      notify: {
        ...localNotifySettings(procedures),
        ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
      },
      devRoutes,
      ...(options.tabDir === undefined ? {} : { tabDir: options.tabDir }),
      healthDetails: { graph: { baseUrl: emulator.baseUrl, siteId: emulator.siteId } },
      paceSends: options.paceSends ?? false,
      ...(options.paceClock === undefined ? {} : { paceClock: options.paceClock }),
      ...(options.sendingProcesses === undefined ? {} : { sendingProcesses: options.sendingProcesses }),
      ...(options.accessLogRetentionDays === undefined
        ? {}
        : { accessLogRetentionDays: options.accessLogRetentionDays }),
    });
    const { app, repository, notifications, bot, cardSenders } = trellis;

    try {
      // Who mentors and tutors whom: the demo trainees' rows, matching the demo cases.
      const rows = await loadDemoRoster(trellis.placements, procedures, londonDateOf(clock.now()), clock.now());
      if (rows > 0) logger.info('demo placement roster loaded', { rows });
    } catch (error) {
      await trellis.close();
      throw error;
    }

    let demo: DemoLoadResult | undefined;
    try {
      if (!(await demoLoadedBefore(dataDir))) {
        demo = await loadDemoData({ repository, procedures, now: clock.now() });
        for (const failure of demo.failures) logger.warn('demo case not loaded', failure);
        if (demo.failures.length === 0) {
          await writeFile(
            path.join(dataDir, DEMO_MARKER),
            JSON.stringify({ loadedAt: new Date().toISOString(), cases: demo.created }),
          );
        }
      }
    } catch (error) {
      await trellis.close();
      throw error;
    }

    // Loopback only: dev sign-in mints tokens for anyone, so it must not be reachable from the network.
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(options.port, '127.0.0.1', (error?: Error) => {
        if (error) reject(error);
        else resolve(keepIdleConnections(s));
      });
    });
    const port = (server.address() as AddressInfo).port;
    publicUrl = `http://localhost:${port}`;
    try {
      // A course-team channel per programme, linked as its course team would link it.
      const resolveUser = directoryIdentity(personas(roleLabel, runs));
      const courseTeams: DemoCourseTeam[] = [];
      for (const provider of DEMO_PROVIDERS) {
        if (!runs(provider.procedureId)) continue;
        const user = await resolveUser(
          {
            channel: 'teams',
            teamsUserId: `29:${devObjectIdOf(provider.courseTeam.upn)}`,
            aadObjectId: devObjectIdOf(provider.courseTeam.upn),
            name: provider.courseTeam.name,
            tenantId: keys.tenantId,
          },
          () => Promise.resolve(undefined),
        );
        if (user) courseTeams.push({ programme: provider.programme, caller: user.caller });
      }
      await linkDemoChannels({
        conversations: trellis.conversations,
        courseTeams,
        serviceUrl: options.botServiceUrl ?? `${publicUrl}/dev/connector`,
        tenantId: keys.tenantId,
        logger,
      });
    } catch (error) {
      logger.warn('demo channels not linked', { error: error instanceof Error ? error.message : String(error) });
    }
    let closing: Promise<void> | undefined;
    return {
      url: publicUrl,
      port,
      app,
      emulator,
      repository,
      placements: trellis.placements,
      keys,
      clock,
      demo,
      notifications,
      useCases: trellis.useCases,
      bot,
      cardSenders,
      connector,
      close: () => {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            server.closeAllConnections();
          });
          await trellis.close();
          await emulator.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
