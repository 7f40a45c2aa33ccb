/**
 * Test support only (imported by *.test.ts, never by product code): runs one contract suite
 * against the local Graph emulator always, and against a real tenant when the GRAPH_*
 * variables are set. Tests that need fault injection or request counters use
 * `itEmulatorOnly`, which is skipped on a tenant.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { z } from 'zod';
// The one place src/store reaches into src/dev, and only for tests: the layer rule exists
// to keep the emulator out of production code, which this file is not part of.
import { EMULATOR_APP_TOKEN, startGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { GraphEmulatorOptions, RunningGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import type { GraphRetryPolicy } from '../../src/store/graph/client.js';
import { getAllPages } from '../../src/store/graph/graph-json.js';

import { TENANT_VARIABLES } from '../../src/compose/graph-config.js';

export { TENANT_VARIABLES };

export type TargetKind = 'emulator' | 'tenant';

export interface ContractTarget {
  readonly kind: TargetKind;
  readonly client: Client;
  readonly siteId: string;
  /** Present on the emulator only: faults, counters, delta-token expiry. */
  readonly emulator: RunningGraphEmulator | undefined;
  /** A list display name unique to this run, so tenant runs never touch real lists. */
  listName(base: string): string;
}

/** A test body; `it`'s own signature is too rich to re-export through a conditional. */
export type ContractTest = (name: string, body: () => Promise<void>, timeoutMs?: number) => void;

export interface ContractSuite {
  readonly kind: TargetKind;
  /** The target, available inside hooks and tests (not while tests are being collected). */
  readonly target: () => ContractTarget;
  /** The running emulator; throws on a tenant, so use it only in `itEmulatorOnly` tests. */
  readonly emulator: () => RunningGraphEmulator;
  /** For tests that need fault injection, counters or token expiry: skipped on a tenant. */
  readonly itEmulatorOnly: ContractTest;
}

const runTest: ContractTest = (name, body, timeoutMs) => {
  it(name, body, timeoutMs);
};
const skipTest: ContractTest = (name, body, timeoutMs) => {
  it.skip(name, body, timeoutMs);
};

export interface ContractOptions {
  readonly emulator?: Omit<Partial<GraphEmulatorOptions>, 'dataDir'>;
  readonly retry?: Partial<GraphRetryPolicy>;
}

/** Tests retry hard and fast: faults are injected with tiny Retry-After values on purpose. */
const TEST_RETRY: Partial<GraphRetryPolicy> = { maxRetries: 10, baseDelaySeconds: 0 };

interface TenantSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly siteId: string;
}

function tenantSettings(): TenantSettings | undefined {
  const [tenantId, clientId, clientSecret, siteId] = TENANT_VARIABLES.map((name) => process.env[name]);
  if (!tenantId || !clientId || !clientSecret || !siteId) return undefined;
  return { tenantId, clientId, clientSecret, siteId };
}

let tenantSkipReported = false;

export function describeGraphContract(
  name: string,
  body: (suite: ContractSuite) => void,
  options: ContractOptions = {},
): void {
  describe(`${name} [emulator]`, () => {
    body(emulatorSuite(options));
  });

  const tenant = tenantSettings();
  if (tenant === undefined) {
    if (!tenantSkipReported) {
      tenantSkipReported = true;
      console.info(
        `[graph contract] tenant runs skipped: set ${TENANT_VARIABLES.join(', ')} to run them against a real site.`,
      );
    }
    describe.skip(`${name} [tenant] (skipped: ${TENANT_VARIABLES.join('/')} not set)`, () => {
      body(skippedSuite());
    });
    return;
  }
  describe(`${name} [tenant]`, () => {
    body(tenantSuite(tenant, options));
  });
}

function emulatorSuite(options: ContractOptions): ContractSuite {
  let current: { target: ContractTarget; emulator: RunningGraphEmulator; dataDir: string } | undefined;
  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trellis-graph-store-'));
    const emulator = await startGraphEmulator({ durability: 'none', port: 0, ...options.emulator, dataDir });
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
      retry: { ...TEST_RETRY, ...options.retry },
    });
    current = {
      emulator,
      dataDir,
      target: { kind: 'emulator', client, siteId: emulator.siteId, emulator, listName: (base) => base },
    };
  });
  afterAll(async () => {
    if (current === undefined) return;
    await current.emulator.close();
    await rm(current.dataDir, { recursive: true, force: true });
  });
  return {
    kind: 'emulator',
    target: () => required(current, 'emulator').target,
    emulator: () => required(current, 'emulator').emulator,
    itEmulatorOnly: runTest,
  };
}

function tenantSuite(settings: TenantSettings, options: ContractOptions): ContractSuite {
  const runId = randomUUID().slice(0, 8);
  const prefix = `Trellis test ${runId} `;
  let target: ContractTarget | undefined;
  beforeAll(() => {
    const client = createGraphClient({ kind: 'tenant', ...settings, retry: options.retry });
    target = {
      kind: 'tenant',
      client,
      siteId: settings.siteId,
      emulator: undefined,
      listName: (base) => `${prefix}${base}`,
    };
  });
  afterAll(async () => {
    if (target === undefined) return;
    // Lists this run provisioned are removed; nothing else on the site is touched.
    const lists = await getAllPages(
      target.client,
      `/sites/${target.siteId}/lists`,
      z.object({ id: z.string(), displayName: z.string() }),
      'cleanup',
    );
    for (const list of lists.filter((candidate) => candidate.displayName.startsWith(prefix))) {
      await target.client.api(`/sites/${target.siteId}/lists/${list.id}`).delete();
    }
  }, 120_000);
  return {
    kind: 'tenant',
    target: () => required(target, 'tenant'),
    emulator: () => {
      throw new Error('This test needs the emulator; mark it itEmulatorOnly');
    },
    itEmulatorOnly: skipTest,
  };
}

function skippedSuite(): ContractSuite {
  const unavailable = (): never => {
    throw new Error('tenant suite is skipped');
  };
  return { kind: 'tenant', target: unavailable, emulator: unavailable, itEmulatorOnly: skipTest };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(`${what} target is not ready: use it inside beforeAll/it, not while collecting tests`);
  return value;
}
