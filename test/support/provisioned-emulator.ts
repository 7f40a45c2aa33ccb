import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import {
  EMULATOR_APP_TOKEN,
  startGraphEmulator,
  type LatencyProfile,
  type RunningGraphEmulator,
} from '../../src/dev/graph-emulator/index.js';
import { createGraphClient, type GraphRetryPolicy } from '../../src/store/graph/client.js';
import { provisionLists } from '../../src/store/graph/provision.js';
import { openTrellisSite, type TrellisSite } from '../../src/store/case-repository.js';
import { TRELLIS_LISTS } from '../../src/store/lists.js';

/**
 * A fresh emulator in a temp folder with the Trellis lists provisioned and the production Graph
 * client pointed at it: for store tests, and for the benchmarks (bench/emulator.ts).
 */
export interface ProvisionedEmulator {
  readonly emulator: RunningGraphEmulator;
  readonly client: Client;
  readonly site: TrellisSite;
  close(): Promise<void>;
}

export async function startProvisionedEmulator(
  options: {
    /**
     * The client's retry policy. Omitted: the production policy with no delay between tries,
     * so a test's retried 429 costs no time; `'production'`: the production policy as it is
     * (what a benchmark of the production client measures); otherwise these settings over it.
     */
    readonly retry?: Partial<GraphRetryPolicy> | 'production';
    /** SharePoint's list view threshold (5,000), lowered so a test can pass it with a few rows. */
    readonly listViewThreshold?: number;
    /** Default `none` (fast, not crash-safe); `fsync` writes as a real store does. */
    readonly durability?: 'fsync' | 'none';
    /** A tenant-like delay on every Graph request (the emulator's latency.ts). Default none. */
    readonly latency?: LatencyProfile;
    /** The temp folder's name starts with this (default `trellis-store-`). */
    readonly prefix?: string;
  } = {},
): Promise<ProvisionedEmulator> {
  const dataDir = await mkdtemp(path.join(tmpdir(), options.prefix ?? 'trellis-store-'));
  const emulator = await startGraphEmulator({
    dataDir,
    durability: options.durability ?? 'none',
    ...(options.listViewThreshold === undefined ? {} : { listViewThreshold: options.listViewThreshold }),
    ...(options.latency === undefined ? {} : { latency: options.latency }),
  });
  // The production client, pointed at the emulator by base URL alone.
  const client = createGraphClient({
    kind: 'custom',
    baseUrl: emulator.baseUrl,
    caCertPem: emulator.caCertPem,
    token: EMULATOR_APP_TOKEN,
    ...(options.retry === 'production' ? {} : { retry: { baseDelaySeconds: 0, ...options.retry } }),
  });
  await provisionLists(client, emulator.siteId, TRELLIS_LISTS);
  const site = await openTrellisSite(client, emulator.siteId);
  return {
    emulator,
    client,
    site,
    async close() {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
