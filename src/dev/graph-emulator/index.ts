/**
 * Local Microsoft Graph emulator for machines without a Microsoft 365 tenant.
 * See types.ts for options and inspection shapes, client.ts for the SDK client.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadOrCreateCertificate } from './cert.js';
import type { ResolvedConfig } from './context.js';
import { EmulatorCore } from './emulator.js';
import { acquireDataDirLock, Journal, recoverJournal } from './persistence.js';
import { mutationSchema, serializedStateSchema } from './records.js';
import type { Mutation, SiteRecord } from './records.js';
import { createHttpsServer } from './server.js';
import { applyMutation, deserializeState, emptyState, serializeState } from './state.js';
import { resolveTimeZone } from './time-zones.js';
import type { LatencyProfile } from './latency.js';
import type { EmulatorInspection, FaultConfig, FaultLogEntry, GraphEmulatorOptions, RecentRequest } from './types.js';

export { createEmulatorGraphClient, EMULATOR_APP_TOKEN, EMULATOR_DELEGATED_TOKEN } from './client.js';
export type {
  EmulatorInspection,
  FaultConfig,
  FaultLogEntry,
  FaultScriptStep,
  GraphEmulatorOptions,
  RecentRequest,
} from './types.js';
export { GRAPH_JSON_CONTENT_TYPE } from './http-types.js';
export { EMULATOR_APP_ROLES, emulatorServicePrincipalId } from './app-roles.js';
export { APP_IDENTITY as EMULATOR_APP_IDENTITY } from './emulator.js';
export { PREFER_NON_INDEXED } from './items-query.js';
export { TENANT_LATENCY } from './latency.js';
export type { LatencyProfile } from './latency.js';

export interface RunningGraphEmulator {
  /** e.g. `https://localhost:8443` (no `/v1.0`). */
  readonly baseUrl: string;
  readonly origin: string;
  readonly port: number;
  /** The default (first) site's id. */
  readonly siteId: string;
  readonly siteIds: readonly string[];
  /** PEM to trust (pass to an undici Agent `connect.ca`, or point NODE_EXTRA_CA_CERTS at `caCertPath`). */
  readonly caCertPem: string;
  readonly caCertPath: string;
  readonly dataDir: string;
  setFaults(faults: FaultConfig): void;
  getFaults(): FaultConfig;
  /** Every fault decision made since the faults were last set: save it, and replay it with `{ replay }`. */
  faultLog(): FaultLogEntry[];
  /** Resolves once a request is held by the script step `name` (a `hold` answer). */
  whenHeld(name: string): Promise<void>;
  /** Lets the request held by the script step `name` run. */
  releaseHeld(name: string): void;
  /**
   * A tenant-like delay on every Graph request from now on (latency.ts), its draws starting again
   * from the profile's seed; undefined: none.
   */
  setLatency(profile: LatencyProfile | undefined): void;
  inspect(): EmulatorInspection;
  resetCounters(): void;
  recentRequests(): RecentRequest[];
  /** Wipes lists, items, mails, events, installs and messages; keeps sites (and so `siteId`). */
  reset(): Promise<void>;
  /** Item 22: every delta token issued so far answers 410 from now on. */
  expireDeltaTokens(): Promise<void>;
  /**
   * Connects the (first) site to a Microsoft 365 group created with `POST /groups`, as a team's
   * site is (undefined: not connected); `GET /sites/{id}/drive` then names the group as owner.
   */
  connectSiteToGroup(groupId: string | undefined): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_SITE = 'trellis';

function resolveConfig(options: GraphEmulatorOptions): ResolvedConfig {
  const siteTimeZone = options.siteTimeZone ?? 'Europe/London';
  const resolvedZone = resolveTimeZone(siteTimeZone);
  if (resolvedZone === undefined) throw new Error(`graph emulator: unknown siteTimeZone '${siteTimeZone}'`);
  return {
    listViewThreshold: options.listViewThreshold ?? 5000,
    listViewThresholdStatus: options.listViewThresholdStatus ?? 429,
    siteTimeZone: resolvedZone,
    teamsAppCatalog: options.teamsAppCatalog === undefined ? undefined : new Set(options.teamsAppCatalog),
    deltaTokenTtlMs: options.deltaTokenTtlMs,
    allowedMailboxes:
      options.allowedMailboxes === undefined
        ? undefined
        : new Set(options.allowedMailboxes.map((m) => m.toLowerCase())),
    oversizeStatus: options.oversizeStatus ?? 413,
    duplicateTransactionId: options.duplicateTransactionId ?? 'return-existing',
    channelPostsAllowApp: options.channelPostsAllowApp ?? true,
    channelMessagesPerSecond: options.channelMessagesPerSecond ?? 4,
    mailboxConcurrencyLimit: options.mailboxConcurrencyLimit ?? 0,
    activityRequiresInstall: options.activityRequiresInstall ?? true,
    shuffleBatchResponses: options.shuffleBatchResponses ?? false,
  };
}

function parseMutation(m: unknown): Mutation | undefined {
  const parsed = mutationSchema.safeParse(m);
  return parsed.success ? parsed.data : undefined;
}

function newSite(name: string, displayName: string): SiteRecord {
  return {
    id: `localhost,${randomUUID()},${randomUUID()}`,
    name,
    displayName,
    webUrl: `https://localhost/sites/${name}`,
    createdDateTime: `${new Date().toISOString().slice(0, 19)}Z`,
  };
}

export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<RunningGraphEmulator> {
  const dataDir = path.resolve(options.dataDir);
  const config = resolveConfig(options);
  const durability = options.durability ?? 'fsync';
  const releaseLock = await acquireDataDirLock(dataDir);
  let journal: Journal | undefined;
  try {
    const certificate = await loadOrCreateCertificate(dataDir);
    const stateDir = path.join(dataDir, 'state');
    const recovered = await recoverJournal(stateDir, parseMutation, durability);
    const state =
      recovered.snapshotState === undefined
        ? emptyState()
        : deserializeState(serializedStateSchema.parse(recovered.snapshotState));
    for (const m of recovered.mutations) applyMutation(state, m);
    const openJournal = await Journal.open({
      dir: stateDir,
      durability,
      compactEvery: options.compactEvery ?? 20_000,
      serialize: () => serializeState(state),
      lastSeq: recovered.lastSeq,
      walEntries: recovered.walEntries,
    });
    journal = openJournal;

    const requestedPort = options.port ?? 0;
    const core = new EmulatorCore({
      state,
      journal: openJournal,
      config,
      faults: options.faults ?? {},
      seed: options.seed ?? 1,
      origin: `https://localhost:${requestedPort}`,
      ...(options.resourceUnits === undefined ? {} : { resourceUnits: options.resourceUnits }),
      ...(options.latency === undefined ? {} : { latency: options.latency }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });

    // Sites are created once and persisted, so siteId is stable across restarts.
    const wanted = options.sites ?? [{ name: DEFAULT_SITE }];
    if (wanted.length === 0) throw new Error('graph emulator: at least one site is required');
    const siteIds: string[] = [];
    for (const site of wanted) {
      let record = [...state.sites.values()].find((s) => s.name.toLowerCase() === site.name.toLowerCase());
      if (record === undefined) {
        record = newSite(site.name, site.displayName ?? site.name);
        core.commit({ t: 'site', site: record });
      }
      siteIds.push(record.id);
    }
    await core.durable();
    const siteId = siteIds[0] ?? '';

    const info = { baseUrl: '', siteId };
    const server = createHttpsServer(
      {
        core,
        info: () => info,
        oversizeStatus: config.oversizeStatus,
        ...(options.log === undefined ? {} : { log: options.log }),
      },
      certificate,
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(requestedPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const origin = `https://localhost:${port}`;
    core.setOrigin(origin);
    info.baseUrl = origin;

    let closed: Promise<void> | undefined;
    return {
      baseUrl: origin,
      origin,
      port,
      siteId,
      siteIds,
      caCertPem: certificate.certPem,
      caCertPath: certificate.certPath,
      dataDir,
      setFaults: (faults) => {
        core.faults.set(faults);
      },
      getFaults: () => core.faults.config,
      faultLog: () => core.faults.decisions(),
      whenHeld: (name) => core.faults.whenHeld(name),
      releaseHeld: (name) => {
        core.faults.releaseHeld(name);
      },
      setLatency: (profile) => {
        core.setLatency(profile);
      },
      inspect: () => core.inspect(),
      resetCounters: () => {
        core.counters.reset();
      },
      recentRequests: () => core.counters.recent(),
      reset: () => core.reset(),
      expireDeltaTokens: () => core.expireDeltaTokens(),
      connectSiteToGroup: async (groupId) => {
        const site = state.sites.get(siteId);
        if (site === undefined) throw new Error('graph emulator: the site is gone');
        if (groupId !== undefined && !state.groups.has(groupId.toLowerCase()))
          throw new Error(`graph emulator: no group ${groupId}`);
        const { groupId: _previous, ...rest } = site;
        core.commit({ t: 'site', site: groupId === undefined ? rest : { ...rest, groupId: groupId.toLowerCase() } });
        await core.durable();
      },
      close: () => {
        closed ??= (async () => {
          // A held request would keep its connection, and so the close, waiting.
          core.faults.releaseAll();
          await new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            server.closeAllConnections();
          });
          await openJournal.close();
          await releaseLock();
        })();
        return closed;
      },
    };
  } catch (e) {
    await journal?.close().catch(() => undefined);
    await releaseLock();
    throw e;
  }
}
