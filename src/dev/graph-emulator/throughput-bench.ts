/**
 * Quick throughput check (not a test): `npx tsx src/dev/graph-emulator/throughput-bench.ts [count] [clients]`.
 * Creates `count` items through the real SDK from `clients` concurrent loops with fsync
 * durability, pages them back, and times a restart (WAL/snapshot recovery).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PageIterator } from '@microsoft/microsoft-graph-client';
import type { PageCollection } from '@microsoft/microsoft-graph-client';
import { createEmulatorGraphClient, startGraphEmulator } from './index.js';

const count = Number(process.argv[2] ?? '10000');
const clients = Number(process.argv[3] ?? '50');
const durability = process.argv[4] === 'none' ? 'none' : 'fsync';
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'graph-emu-bench-'));
try {
  const emu = await startGraphEmulator({ dataDir, durability });
  const client = createEmulatorGraphClient(emu);
  const list: unknown = await client.api(`/sites/${emu.siteId}/lists`).post({
    displayName: 'Bench',
    columns: [
      { name: 'CaseKey', text: {}, indexed: true, enforceUniqueValues: true },
      { name: 'Status', choice: { choices: ['Open', 'Closed'] }, indexed: true },
      { name: 'Trainee', text: {} },
      { name: 'Opened', dateTime: {} },
    ],
  });
  const listId = String((list as { id: unknown }).id);
  const items = `/sites/${emu.siteId}/lists/${listId}/items`;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        await client.api(items).post({
          fields: {
            Title: `Case ${i}`,
            CaseKey: `CASE-${i}`,
            Status: i % 4 === 0 ? 'Closed' : 'Open',
            Trainee: `trainee${i}@provider.ac.uk`,
            Opened: new Date().toISOString(),
          },
        });
      }
    }),
  );
  const createMs = performance.now() - t0;
  console.log(
    `creates: ${count} in ${(createMs / 1000).toFixed(2)} s = ${Math.round(count / (createMs / 1000))}/s with durability=${durability}, ${clients} concurrent clients`,
  );

  const t1 = performance.now();
  let seen = 0;
  const first: unknown = await client.api(items).expand('fields').get();
  await new PageIterator(client, first as PageCollection, () => {
    seen += 1;
    return true;
  }).iterate();
  console.log(`paged ${seen} items (200/page) in ${Math.round(performance.now() - t1)} ms`);

  const t2 = performance.now();
  for (let i = 0; i < 200; i += 1)
    await client
      .api(items)
      .filter(`fields/CaseKey eq 'CASE-${i * 37}'`)
      .expand('fields')
      .get();
  console.log(`indexed lookups: 200 in ${Math.round(performance.now() - t2)} ms`);

  await emu.close();
  const t3 = performance.now();
  const again = await startGraphEmulator({ dataDir, durability });
  console.log(`restart (recovery) with ${count} items: ${Math.round(performance.now() - t3)} ms`);
  await again.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
