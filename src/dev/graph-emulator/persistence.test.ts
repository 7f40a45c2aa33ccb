import { appendFile, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, recoverJournal } from './persistence.js';
import {
  asArray,
  asRecord,
  createItems,
  createList,
  graphError,
  listPath,
  startTestEmulator,
  tempDir,
} from './test-support.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dir(): Promise<string> {
  const d = await tempDir('graph-emu-persist-');
  dirs.push(d);
  return d;
}

const asNumber = (m: unknown): number | undefined =>
  typeof m === 'object' && m !== null && 'n' in m && typeof m.n === 'number' ? m.n : undefined;

async function openJournal(d: string, state: number[], compactEvery = 1000): Promise<Journal> {
  const rec = await recoverJournal(d, asNumber, 'fsync');
  return Journal.open({
    dir: d,
    durability: 'fsync',
    compactEvery,
    serialize: () => state,
    lastSeq: rec.lastSeq,
    walEntries: rec.walEntries,
  });
}

describe('write-ahead log', () => {
  it('recovers acknowledged entries and cuts a torn tail so later appends stay readable', async () => {
    const d = await dir();
    const j = await openJournal(d, []);
    for (let n = 1; n <= 5; n += 1) j.append({ n });
    await j.barrier();
    await j.close();
    // A crash mid-write: a partial line without its newline.
    await appendFile(path.join(d, 'wal.jsonl'), '{"s":6,"m":{"n":6');
    const rec = await recoverJournal(d, asNumber, 'fsync');
    expect(rec.mutations).toEqual([1, 2, 3, 4, 5]);
    expect(rec.truncatedBytes).toBeGreaterThan(0);
    const j2 = await Journal.open({
      dir: d,
      durability: 'fsync',
      compactEvery: 1000,
      serialize: () => [],
      lastSeq: rec.lastSeq,
      walEntries: rec.walEntries,
    });
    j2.append({ n: 6 });
    await j2.barrier();
    await j2.close();
    expect((await recoverJournal(d, asNumber, 'fsync')).mutations).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops at a garbled line', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'wal.jsonl'), '{"s":1,"m":{"n":1}}\n\u0000\u0000\u0000\n{"s":3,"m":{"n":3}}\n');
    const rec = await recoverJournal(d, asNumber, 'fsync');
    expect(rec.mutations).toEqual([1]);
    expect((await readFile(path.join(d, 'wal.jsonl'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('compacts into an atomically renamed snapshot and replays only newer entries', async () => {
    const d = await dir();
    const state: number[] = [];
    const j = await openJournal(d, state, 10);
    for (let n = 1; n <= 25; n += 1) {
      state.push(n);
      j.append({ n });
      await j.barrier();
    }
    await j.close();
    expect(j.stats.snapshots).toBeGreaterThanOrEqual(2);
    const files = await readdir(d);
    expect(files).toContain('snapshot.json');
    expect(files).not.toContain('snapshot.json.tmp');
    const rec = await recoverJournal(d, asNumber, 'fsync');
    const restored = [...asArray(rec.snapshotState).map(Number), ...rec.mutations];
    expect(restored).toEqual(state);
  });

  it('group-commits concurrent writes into few fsyncs', async () => {
    const d = await dir();
    const j = await openJournal(d, []);
    const waits: Promise<void>[] = [];
    for (let n = 1; n <= 200; n += 1) {
      j.append({ n });
      waits.push(j.barrier());
    }
    await Promise.all(waits);
    await j.close();
    expect(j.stats.fsyncs).toBeLessThan(10);
    expect((await recoverJournal(d, asNumber, 'fsync')).mutations).toHaveLength(200);
  });
});

describe('emulator restart', () => {
  it('keeps state, site id, certificate and id counters across a restart', async () => {
    const d = await dir();
    const first = await startTestEmulator({ durability: 'fsync', teamsAppCatalog: ['app-1'] }, d);
    const listId = await createList(first.client, first.emu, 'Persisted', [
      { name: 'Key', text: {}, indexed: true, enforceUniqueValues: true },
    ]);
    const ids = await createItems(first.client, first.emu, listId, 30, (i) => ({ Key: `P-${i}` }));
    const items = `${listPath(first.emu, listId)}/items`;
    await first.client.api(`${items}/${ids[29] ?? ''}`).delete();
    await first.client.api(`${items}/${ids[0] ?? ''}/fields`).patch({ Title: 'patched' });
    const latest = asRecord(await first.client.api(`${listPath(first.emu, listId)}/items/delta?token=latest`).get());
    await first.client
      .api('/users/a@provider.ac.uk/sendMail')
      .post({ message: { toRecipients: [{ emailAddress: { address: 'b@school.org' } }] } });
    await first.client.api('/users/a@provider.ac.uk/events').post({
      subject: 'x',
      transactionId: 'tx-restart',
      start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
    });
    await first.client
      .api('/users/a@provider.ac.uk/teamwork/installedApps')
      .post({ 'teamsApp@odata.bind': 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/app-1' });
    const siteId = first.emu.siteId;
    const firstBase = first.emu.baseUrl;
    const cert = first.emu.caCertPem;
    const certMtime = (await stat(path.join(d, 'cert.pem'))).mtimeMs;
    await first.close();

    const second = await startTestEmulator({ durability: 'fsync', teamsAppCatalog: ['app-1'] }, d);
    try {
      expect(second.emu.siteId).toBe(siteId);
      expect(second.emu.caCertPem).toBe(cert);
      expect((await stat(path.join(d, 'cert.pem'))).mtimeMs).toBe(certMtime);
      const items2 = `${listPath(second.emu, listId)}/items`;
      const all = asArray(asRecord(await second.client.api(items2).expand('fields').top(100).get()).value).map(
        asRecord,
      );
      expect(all).toHaveLength(29);
      expect(asRecord(all[0]?.fields).Title).toBe('patched');
      // Unique index rebuilt, ids not reused, delta tokens still valid.
      expect((await graphError(() => second.client.api(items2).post({ fields: { Key: 'p-3' } }))).statusCode).toBe(409);
      const fresh = asRecord(await second.client.api(items2).post({ fields: { Key: 'P-new' } }));
      expect(Number(fresh.id)).toBe(31);
      // Port 0 gives a new port per start; links carry the origin, so re-point the saved one.
      const deltaLink = String(latest['@odata.deltaLink']).replace(firstBase, second.emu.baseUrl);
      const changes = asRecord(await second.client.api(deltaLink).get());
      expect(asArray(changes.value).map((v) => asRecord(v).id)).toEqual(['31']);
      const inspection = second.emu.inspect();
      expect(inspection.mails).toHaveLength(1);
      expect(inspection.events).toHaveLength(1);
      expect(inspection.installs).toHaveLength(1);
      const dup = asRecord(
        await second.client.api('/users/a@provider.ac.uk/events').post({
          subject: 'x',
          transactionId: 'tx-restart',
          start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
        }),
      );
      expect(dup.id).toBe(inspection.events[0]?.event.id);
      expect(
        (
          await graphError(() =>
            second.client
              .api('/users/a@provider.ac.uk/teamwork/installedApps')
              .post({ 'teamsApp@odata.bind': 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/app-1' }),
          )
        ).statusCode,
      ).toBe(409);
    } finally {
      await second.close();
    }
  });

  it('refuses a second emulator on the same data directory', async () => {
    const d = await dir();
    const first = await startTestEmulator({}, d);
    try {
      await expect(startTestEmulator({}, d)).rejects.toThrow(/in use/);
    } finally {
      await first.close();
    }
  });
});
