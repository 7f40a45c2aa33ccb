/**
 * Crash safety: the emulator runs in a child process, takes concurrent writes, and is
 * SIGKILLed mid-stream (with frequent snapshots so kills also land inside compactions).
 * After each restart every acknowledged create, patch and delete must be there.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PageIterator } from '@microsoft/microsoft-graph-client';
import type { Client, PageCollection } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForChild, type ChildBundle } from '../../../test/support/child-bundle.js';
import { createEmulatorGraphClient } from './index.js';
import { asRecord, tempDir } from './test-support.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = path.join(ROOT, 'scripts', 'graph-emulator.ts');
/** The CLI bundled once and run with plain node: each of the four starts then skips tsx's loader. */
let cli: ChildBundle | undefined;
beforeAll(async () => {
  cli = await bundleForChild(CLI);
});

interface Child {
  readonly process: ChildProcess;
  readonly client: Client;
  readonly siteId: string;
}

async function spawnEmulator(dataDir: string): Promise<Child> {
  if (cli === undefined) throw new Error('the emulator CLI was not bundled');
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', cli.file, '--data', dataDir, '--port', '0', '--json', '--compact-every', '60'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const lines = readline.createInterface({ input: child.stdout });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`emulator did not start: ${stderr}`));
    }, 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${String(code)}: ${stderr}`));
    });
  });
  const info = asRecord(JSON.parse(ready));
  const caCertPem = await readFile(String(info.caCertPath), 'utf8');
  return {
    process: child,
    client: createEmulatorGraphClient({ baseUrl: String(info.baseUrl), caCertPem }, { retry: false }),
    siteId: String(info.siteId),
  };
}

async function kill(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

interface Expected {
  readonly id: string;
  patchedN?: number;
  patchAttempted: boolean;
  deleted: boolean;
  deleteAttempted: boolean;
}

const dataDirs: string[] = [];
const children: Child[] = [];
afterAll(async () => {
  await Promise.all(children.map(kill));
  await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
  await cli?.remove();
});

async function readAll(child: Child, listId: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const first: unknown = await child.client
    .api(`/sites/${child.siteId}/lists/${listId}/items`)
    .expand('fields')
    .top(5000)
    .get();
  await new PageIterator(child.client, first as PageCollection, (item: unknown) => {
    const fields = asRecord(asRecord(item).fields);
    out.set(String(fields.Key), fields);
    return true;
  }).iterate();
  return out;
}

describe('crash safety (kill -9)', () => {
  it('keeps every acknowledged write across SIGKILLs at arbitrary points', async () => {
    const dataDir = await tempDir('graph-emu-crash-');
    dataDirs.push(dataDir);
    const expected = new Map<string, Expected>();
    const attempted = new Set<string>();
    let listId = '';
    // Kill points: the emulator is killed once this many creates of the round have been
    // acknowledged, while the other writers' requests are in flight. Counted, not timed, so a
    // busy machine still gets writes in before each kill.
    const killAfter = [20, 55, 90];

    for (let round = 0; round < killAfter.length; round += 1) {
      const child = await spawnEmulator(dataDir);
      children.push(child);
      if (round === 0) {
        const list = asRecord(
          await child.client.api(`/sites/${child.siteId}/lists`).post({
            displayName: 'Crash',
            columns: [
              { name: 'Key', text: {}, indexed: true, enforceUniqueValues: true },
              { name: 'N', number: {} },
            ],
          }),
        );
        listId = String(list.id);
      }
      const items = `/sites/${child.siteId}/lists/${listId}/items`;
      let stop = false;
      let acknowledgedThisRound = 0;
      let killPointReached = (): void => undefined;
      const killPoint = new Promise<void>((resolve) => {
        killPointReached = resolve;
      });
      const worker = async (w: number): Promise<void> => {
        const mine: string[] = [];
        for (let i = 0; !stop; i += 1) {
          const key = `r${round}-w${w}-${i}`;
          attempted.add(key);
          try {
            const created = asRecord(await child.client.api(items).post({ fields: { Key: key, Title: key } }));
            expected.set(key, {
              id: String(created.id),
              patchAttempted: false,
              deleted: false,
              deleteAttempted: false,
            });
            acknowledgedThisRound += 1;
            if (acknowledgedThisRound === killAfter[round]) killPointReached();
            mine.push(key);
            const e = expected.get(key);
            if (e !== undefined && i % 3 === 0) {
              e.patchAttempted = true;
              await child.client.api(`${items}/${e.id}/fields`).patch({ N: i });
              e.patchedN = i;
            }
            const victimKey = i % 5 === 4 ? mine.shift() : undefined;
            const victim = victimKey === undefined ? undefined : expected.get(victimKey);
            if (victim !== undefined) {
              victim.deleteAttempted = true;
              await child.client.api(`${items}/${victim.id}`).delete();
              victim.deleted = true;
            }
          } catch {
            return; // the server is gone
          }
        }
      };
      const acknowledgedBefore = expected.size;
      const workers = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
      // Or when every writer has stopped on its own (the server went away), which the checks below report.
      await Promise.race([killPoint, workers]);
      stop = true;
      await kill(child);
      await workers;
      expect(expected.size).toBeGreaterThan(acknowledgedBefore);
    }

    const survivor = await spawnEmulator(dataDir);
    children.push(survivor);
    const found = await readAll(survivor, listId);
    for (const [key, e] of expected) {
      const fields = found.get(key);
      if (e.deleted) {
        expect(fields, `acknowledged delete of ${key}`).toBeUndefined();
        continue;
      }
      if (!e.deleteAttempted) expect(fields, `acknowledged create of ${key}`).toBeDefined();
      if (fields !== undefined && e.patchedN !== undefined)
        expect(fields.N, `acknowledged patch of ${key}`).toBe(e.patchedN);
      if (fields !== undefined && !e.patchAttempted) expect(fields.N).toBeUndefined();
    }
    for (const key of found.keys()) expect(attempted.has(key), `phantom item ${key}`).toBe(true);
    expect(expected.size).toBeGreaterThan(100);
    // The store stays writable after recovery.
    const after = asRecord(
      await survivor.client
        .api(`/sites/${survivor.siteId}/lists/${listId}/items`)
        .post({ fields: { Key: 'after-crash' } }),
    );
    expect(after.id).toBeDefined();
    await kill(survivor);
  }, 180_000);
});
