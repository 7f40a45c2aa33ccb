import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import {
  EMULATOR_APP_TOKEN,
  startGraphEmulator,
  type RunningGraphEmulator,
} from '../../src/dev/graph-emulator/index.js';
import { createGraphClient, type GraphRetryPolicy } from '../../src/store/graph/client.js';
import { provisionLists } from '../../src/store/graph/provision.js';
import { openTrellisSite, type TrellisSite } from '../../src/store/case-repository.js';
import { TRELLIS_LISTS } from '../../src/store/lists.js';

/** A fresh emulator in a temp folder with the Trellis lists provisioned: for store tests. */
export interface ProvisionedEmulator {
  readonly emulator: RunningGraphEmulator;
  readonly client: Client;
  readonly site: TrellisSite;
  close(): Promise<void>;
}

export async function startProvisionedEmulator(
  options: {
    readonly retry?: Partial<GraphRetryPolicy>;
    /** SharePoint's list view threshold (5,000), lowered so a test can pass it with a few rows. */
    readonly listViewThreshold?: number;
  } = {},
): Promise<ProvisionedEmulator> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-store-'));
  const emulator = await startGraphEmulator({
    dataDir,
    durability: 'none',
    ...(options.listViewThreshold === undefined ? {} : { listViewThreshold: options.listViewThreshold }),
  });
  // The production client, pointed at the emulator by base URL alone.
  const client = createGraphClient({
    kind: 'custom',
    baseUrl: emulator.baseUrl,
    caCertPem: emulator.caCertPem,
    token: EMULATOR_APP_TOKEN,
    retry: { baseDelaySeconds: 0, ...options.retry },
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
