import type { Client } from '@microsoft/microsoft-graph-client';
import type { CloudEnvironment } from '@microsoft/teams.api';
import type { Express, Router } from 'express';
import type { UseCaseDeps } from '../app/deps.js';
import { privateLogger, type Logger } from '../app/logger.js';
import { failureOf } from '../app/errors.js';
import { createAccessRecorder, DEFAULT_ACCESS_LOG_RETENTION_DAYS, pruneAccessLog } from '../app/access-log.js';
import { GraphAccessLog } from '../store/access-log.js';
import type { NotifySettings } from '../app/notifications/settings.js';
import type { Conversations } from '../app/ports.js';
import { createBot, createTeamsApp, type TrellisBot } from '../bot/bot.js';
import type { IdentityResolver } from '../bot/identity.js';
import { actionableReviewCards } from '../bot/outlook.js';
import { createCardSenders, type CardSenders } from '../bot/senders.js';
import { caseDeepLink, MY_CASES_ENTITY_ID } from '../cards/deep-links.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { createApp, type AppDeps } from '../server/app.js';
import type { TokenVerifier } from '../server/auth/verify-token.js';
import { GraphCaseRecords } from '../store/case-records.js';
import { ProcedureVersions } from '../app/cases/procedure-versions.js';
import { GraphProcedureVersions } from '../store/procedure-versions.js';
import { GraphCaseRepository, type TrellisSite } from '../store/case-repository.js';
import { runRetention, type RetentionResult } from '../app/data-protection/retention.js';
import type { Jobs } from '../app/notifications/jobs.js';
import { roleSidesOf } from '../store/case-rows.js';
import { ConversationStore } from '../store/conversations.js';
import { GraphPeopleDirectory } from '../store/directory.js';
import { GraphPlacementRoster } from '../store/placements.js';
import { GraphTeamsAppInstaller } from '../store/teams-app-installer.js';
import { GraphReadinessProbe } from '../store/readiness.js';
import { cachedReadiness } from '../app/readiness.js';
import { createNotifications, type Notifications } from './notifications.js';
import { GraphJobStore } from '../store/jobs.js';
import { createRetentionJobs } from './jobs.js';
import { createSendPace, type PaceClock, type SendPace } from '../notify/pacing.js';
import { addDays, dayOfWeek, londonDateOf, type LocalDate } from '../domain/calendar/index.js';

/**
 * The one composition root. `buildTrellis` makes Trellis from its inputs — Graph and the
 * site holding the lists, the procedures, the clock, how tokens are checked, who Teams users
 * are, the bot's transport settings, the notification settings — and returns the HTTP app,
 * the bot, the notifications and a close. Tenant start (tenant.ts) and local start (local.ts)
 * only choose those inputs; neither wires anything itself.
 *
 * The order is what keeps it free of late binding: the Teams SDK app first (its HTTP client
 * carries the bot's token), then the card senders, then the notifications that use them, then
 * the use cases that report to the notifications, then the bot's handlers and the HTTP app.
 */
export interface TrellisInputs {
  readonly mode: 'local' | 'tenant';
  readonly graph: Client;
  readonly site: TrellisSite;
  readonly procedures: readonly Procedure[];
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly verifyToken: TokenVerifier;
  /** The origin people reach Trellis at; a function because local mode learns its port on listen. */
  readonly publicUrl: () => string;
  /** Who a Teams user is, given where conversations are remembered. */
  readonly identity: (conversations: Conversations) => IdentityResolver;
  readonly bot: {
    readonly teamsAppId: string;
    /** Tenant: the bot's app registration; local: none (unsigned activities from this machine). */
    readonly credentials?: { readonly clientId: string; readonly clientSecret: string; readonly tenantId: string };
    /** Where proactive sends go when nothing stored says. */
    readonly defaultServiceUrl: () => string;
    /** Install the app for people with no chat yet (tenant: needs TeamsAppInstallation.ReadWriteForUser.All). */
    readonly installApp: boolean;
    /** Tests only: a local Bot Framework key set in place of the public cloud's. */
    readonly cloud?: CloudEnvironment;
  };
  readonly notify: NotifySettings & {
    /** False to run no in-process scheduler (tests that drive sweeps; web instances beside a job). */
    readonly schedule?: boolean;
  };
  /** Local mode's /dev routes. */
  readonly devRoutes?: Router;
  /** The built tab to serve at `/`. */
  readonly tabDir?: string;
  /** What the tab needs to sign in (MSAL settings in tenant mode). */
  readonly clientConfig?: AppDeps['clientConfig'];
  /** Shown by /api/health in local mode. */
  readonly healthDetails?: { readonly graph: { readonly baseUrl: string; readonly siteId: string } };
  /** Days access log entries are kept (TRELLIS_ACCESS_LOG_RETENTION_DAYS; default a year). */
  readonly accessLogRetentionDays?: number;
  /**
   * Whether sends keep to Microsoft's Teams and mailbox limits (src/notify/pacing.ts). Tenant
   * mode always does; local mode, whose dev connector and emulator have no such limits, only
   * when asked (TRELLIS_PACE_SENDS=on), so its first sweep is not made to wait for nothing.
   */
  readonly paceSends: boolean;
  /**
   * The clock sends are paced on: real time unless given. Tests give a virtual one whose sleep
   * moves its time on, so a burst paced over minutes is checked in a moment.
   */
  readonly paceClock?: PaceClock;
  /** How many processes send at once, each keeping to that share of the limits (TRELLIS_SENDING_PROCESSES; default 1). */
  readonly sendingProcesses?: number;
}

export interface Trellis {
  readonly app: Express;
  readonly bot: TrellisBot;
  /** The bot's 1:1 and channel card senders (what chat_card and channel_card notifications go through). */
  readonly cardSenders: CardSenders;
  readonly notifications: Notifications;
  readonly repository: GraphCaseRepository;
  readonly placements: GraphPlacementRoster;
  readonly conversations: ConversationStore;
  readonly useCases: UseCaseDeps;
  /** Who looked at which case: the store the retention prunes, and how long entries are kept. */
  readonly accessLog: { readonly store: GraphAccessLog; readonly retentionDays: number };
  /** Tombstones and the removal of cases (retention, erasure). */
  readonly records: GraphCaseRecords;
  /** Retention runs started from a request (POST /api/jobs/retention). */
  readonly retentionJobs: Jobs<RetentionResult>;
  /** Stops the scheduler, waits for deliveries and retention runs already started and writes the access log's last entries. */
  close(): Promise<void>;
}

export async function buildTrellis(inputs: TrellisInputs): Promise<Trellis> {
  const { graph, site, procedures, clock } = inputs;
  // Whatever logger the host gives, every line Trellis and the Teams SDK write is scrubbed of addresses and quoted text.
  const logger = privateLogger(inputs.logger);
  const repository = new GraphCaseRepository(graph, site, { roleSides: roleSidesOf(procedures) });
  const conversations = new ConversationStore(graph, site.lists.conversations);
  const links = {
    appId: inputs.bot.teamsAppId,
    tabEntityId: MY_CASES_ENTITY_ID,
    get publicUrl() {
      return inputs.publicUrl();
    },
  };
  const placements = new GraphPlacementRoster(graph, site.lists.placements);
  const accessLogStore = new GraphAccessLog(graph, site.lists.accessLog);
  const accessLog = createAccessRecorder({ store: accessLogStore, logger });
  const records = new GraphCaseRecords(graph, site);
  // Each case follows the version of its procedure it was opened under, kept in the store.
  const procedureVersions = new ProcedureVersions(
    procedures,
    new GraphProcedureVersions(graph, site.lists.procedureVersions),
  );
  const base: UseCaseDeps = {
    repository,
    placements,
    procedures,
    procedureVersions,
    clock,
    logger,
    accessLog,
    records,
  };
  const jobStore = new GraphJobStore(graph, site.lists.jobs);
  const retentionJobs = createRetentionJobs({ store: jobStore, clock, logger });
  const accessLogRetentionDays = inputs.accessLogRetentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS;
  // Each retention run also deletes access-log entries past their own retention.
  const pruneOldReads = (now: Date) => pruneAccessLog(accessLogStore, { now, retentionDays: accessLogRetentionDays });

  const teams = createTeamsApp({
    mode: inputs.mode,
    logger,
    ...(inputs.bot.credentials ? { credentials: inputs.bot.credentials } : {}),
    ...(inputs.bot.cloud ? { cloud: inputs.bot.cloud } : {}),
  });
  // One pace per process for everything sent (tenant mode): Teams messages per conversation and per bot, and
  // emails per sending mailbox (src/notify/pacing.ts), on the real clock unless a test gives another.
  const sendPace: SendPace = inputs.paceSends
    ? createSendPace(inputs.paceClock ?? REAL_PACE_CLOCK, inputs.sendingProcesses ?? 1)
    : UNPACED;
  const cardSenders = createCardSenders({
    pace: sendPace,
    useCases: base,
    conversations,
    links,
    clock,
    http: teams.http,
    defaultServiceUrl: inputs.bot.defaultServiceUrl,
    installer: inputs.bot.installApp ? new GraphTeamsAppInstaller(graph, inputs.bot.teamsAppId) : undefined,
  });
  const notifications = createNotifications({
    client: graph,
    outboxList: site.lists.outbox,
    settings: inputs.notify,
    repository,
    procedures,
    procedureVersions,
    clock,
    logger,
    caseLink: (caseId, form) =>
      `${inputs.publicUrl()}/cases/${encodeURIComponent(caseId)}${form === undefined ? '' : `#${form}`}`,
    caseTabLink: (caseId, reference) => caseDeepLink(links, caseId, `Case ${reference}`),
    actionableCard: actionableReviewCards({
      useCases: base,
      conversations,
      links,
      clock,
      originator: inputs.notify.outlookOriginator,
    }),
    cardSenders,
    sendPace,
    jobStore,
    ...(inputs.notify.schedule === undefined ? {} : { schedule: inputs.notify.schedule }),
    // Weekly, under the retention lease: a run already going (started from the API or on another
    // instance) is not doubled, and once any instance has done this week's, the others skip it.
    weekly: {
      name: 'retention run',
      run: () =>
        retentionJobs.runScheduled(
          'retention',
          () => runRetention({ ...base, records, pruneAccessLog: pruneOldReads }, { dryRun: false }),
          { day: weekOf(londonDateOf(clock())) },
        ),
    },
  });
  const useCases: UseCaseDeps = { ...base, notify: notifications.background.notify };

  const bot = await createBot(teams, {
    useCases,
    conversations,
    links,
    identity: inputs.identity(conversations),
    logger,
    defaultServiceUrl: inputs.bot.defaultServiceUrl,
    outlookOriginator: inputs.notify.outlookOriginator,
  });
  // A restarted instance frees the job leases its earlier life held when it stopped (src/compose/jobs.ts).
  for (const registry of [notifications.jobs, retentionJobs]) {
    try {
      await registry.recover();
    } catch (error) {
      logger.warn('job leases of an earlier life not checked: they run out by themselves', {
        error: failureOf(error).detail,
      });
    }
  }
  const app = createApp({
    repository,
    placements,
    procedures,
    clock,
    logger,
    accessLog,
    procedureVersions,
    verifyToken: inputs.verifyToken,
    config: {
      mode: inputs.mode,
      get publicUrl() {
        return inputs.publicUrl();
      },
      ...(inputs.healthDetails ? { graph: inputs.healthDetails.graph } : {}),
    },
    notify: { runtime: notifications.runtime, background: notifications.background, jobs: notifications.jobs },
    dataProtection: { records, jobs: retentionJobs, pruneAccessLog: pruneOldReads },
    messages: bot.messages,
    directory: new GraphPeopleDirectory(graph),
    // GET /api/ready: one Graph request for the site's lists, remembered for a few seconds.
    readiness: cachedReadiness(new GraphReadinessProbe(graph, site)),
    // Answers are checked against the wire contract in local mode (and every test), not in production.
    checkResponses: inputs.mode === 'local',
    ...(inputs.devRoutes ? { devRoutes: inputs.devRoutes } : {}),
    ...(inputs.tabDir === undefined ? {} : { tabDir: inputs.tabDir }),
    ...(inputs.clientConfig ? { clientConfig: inputs.clientConfig } : {}),
  });
  return {
    app,
    bot,
    cardSenders,
    notifications,
    repository,
    placements,
    conversations,
    useCases,
    accessLog: {
      store: accessLogStore,
      retentionDays: accessLogRetentionDays,
    },
    records,
    retentionJobs,
    close: async () => {
      await notifications.close();
      await retentionJobs.idle();
      await accessLog.close();
    },
  };
}

/** The Monday of the London week a day is in: what a weekly run is done "on". */
function weekOf(day: LocalDate): LocalDate {
  return addDays(day, 1 - dayOfWeek(day));
}

/** Real time for the send pace: a monotonic clock and timers. */
const REAL_PACE_CLOCK: PaceClock = {
  now: () => performance.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
};

/** Sends without waiting: local mode, where nothing on the other side limits them. */
const UNPACED: SendPace = {
  teamsMessage: () => Promise.resolve(),
  mailboxMessage: () => Promise.resolve(),
};
