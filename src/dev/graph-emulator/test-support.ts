/** Shared helpers for the emulator's own tests (not used by the product). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GraphError } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { createEmulatorGraphClient, startGraphEmulator } from './index.js';
import type { GraphEmulatorOptions, RunningGraphEmulator } from './index.js';

export interface TestEmulator {
  readonly emu: RunningGraphEmulator;
  /** SDK client with the default middleware chain (RetryHandler on). */
  readonly client: Client;
  /** SDK client without RetryHandler, to observe raw 429/503 answers. */
  readonly raw: Client;
  readonly dir: string;
  close(): Promise<void>;
}

export async function tempDir(prefix = 'graph-emu-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function startTestEmulator(
  options: Partial<GraphEmulatorOptions> = {},
  dir?: string,
): Promise<TestEmulator> {
  const dataDir = dir ?? (await tempDir());
  const emu = await startGraphEmulator({ durability: 'none', ...options, dataDir });
  return {
    emu,
    client: createEmulatorGraphClient(emu),
    raw: createEmulatorGraphClient(emu, { retry: false }),
    dir: dataDir,
    close: async () => {
      await emu.close();
      if (dir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` expecting a GraphError and returns it (fails the test otherwise). */
export async function graphError(fn: () => Promise<unknown>): Promise<GraphError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  throw new Error('expected a GraphError, the call succeeded');
}

/** The parsed `{code,message,innerError}` a GraphError carries in `body`. */
export function errorBody(e: GraphError): Record<string, unknown> {
  const body: unknown = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  if (typeof body !== 'object' || body === null) throw new Error('GraphError without body');
  return body as Record<string, unknown>;
}

export interface ColumnSpec {
  readonly [key: string]: unknown;
}

export function listPath(emu: RunningGraphEmulator, listId: string): string {
  return `/sites/${emu.siteId}/lists/${listId}`;
}

/** Creates a list and returns its id. */
export async function createList(
  client: Client,
  emu: RunningGraphEmulator,
  displayName: string,
  columns: ColumnSpec[] = [],
): Promise<string> {
  const list: unknown = await client
    .api(`/sites/${emu.siteId}/lists`)
    .post({ displayName, columns, list: { template: 'genericList' } });
  const id = (list as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error('list create returned no id');
  return id;
}

/** Creates `count` items with bounded concurrency; returns their ids in creation order. */
export async function createItems(
  client: Client,
  emu: RunningGraphEmulator,
  listId: string,
  count: number,
  fields: (i: number) => Record<string, unknown>,
  concurrency = 16,
): Promise<string[]> {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      const item: unknown = await client.api(`${listPath(emu, listId)}/items`).post({ fields: fields(i) });
      ids[i] = String((item as { id?: unknown }).id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return ids;
}

export function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value;
}

/** Raw HTTPS call (for `/_emulator/*` and for checking exact headers). */
export async function rawFetch(
  emu: RunningGraphEmulator,
  pathAndQuery: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const { Agent, fetch } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: emu.caCertPem } });
  try {
    const res = await fetch(`${emu.baseUrl}${pathAndQuery}`, { ...init, dispatcher });
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text: await res.text() };
  } finally {
    await dispatcher.close();
  }
}
