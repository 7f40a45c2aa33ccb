import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcedureVersions, procedureHash } from '../app/cases/procedure-versions.js';
import { bcuRapidImprovementTargets, brightFuturesSupport } from '../domain/procedures/index.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../../test/support/provisioned-emulator.js';
import { listItemsPath } from './graph/items.js';
import { DEFINITION_PART_CHARS, GraphProcedureVersions } from './procedure-versions.js';

describe('procedure versions in the Trellis Procedure Versions list', () => {
  let emulator: ProvisionedEmulator;
  let store: GraphProcedureVersions;

  beforeAll(async () => {
    emulator = await startProvisionedEmulator();
    store = new GraphProcedureVersions(emulator.client, emulator.site.lists.procedureVersions);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('keeps a definition longer than a row holds in parts, once, and reads it back whole', async () => {
    const definition = JSON.stringify(bcuRapidImprovementTargets).padEnd(DEFINITION_PART_CHARS * 2 + 10, ' ');
    const version = { procedureId: 'long-one', hash: 'a'.repeat(64), version: '2026-27', definition };
    await store.keep(version);
    // Written again (another server, or a retry after a cut-short write): nothing is added.
    await store.keep(version);
    expect(await store.find('long-one', 'a'.repeat(64))).toEqual(version);
    const rows = (await emulator.client.api(listItemsPath(emulator.site.lists.procedureVersions)).get()) as {
      value: unknown[];
    };
    expect(rows.value).toHaveLength(3);
    expect(await store.find('long-one', 'b'.repeat(64))).toBeUndefined();
    expect(await store.find('another-one', 'a'.repeat(64))).toBeUndefined();
  });

  it('keeps a running version before a case names it, and reads an older one back after a restart', async () => {
    const v1 = brightFuturesSupport;
    const v2 = { ...v1, version: 2 };
    const first = new ProcedureVersions([v1], store);
    const kept = await first.keepRunning(v1.id);
    expect(kept.hash).toBe(procedureHash(v1));
    // A server started with version 2 reads the case's version 1 from the list.
    const second = new ProcedureVersions([v2], store);
    expect(second.runningVersion(v1.id)?.hash).toBe(procedureHash(v2));
    expect(await second.of({ procedureId: v1.id, procedureHash: kept.hash })).toEqual(v1);
    // A version never changes: read once, then answered without asking the store again.
    emulator.emulator.resetCounters();
    expect(await second.of({ procedureId: v1.id, procedureHash: kept.hash })).toEqual(v1);
    expect(second.knownFor({ procedureId: v1.id, procedureHash: kept.hash })).toEqual(v1);
    expect(emulator.emulator.inspect().counters.total).toBe(0);
    // Kept once: starting again with version 1 finds it there and writes nothing.
    await new ProcedureVersions([v1], store).keepRunning(v1.id);
    expect(emulator.emulator.inspect().counters.byRoute['POST items'] ?? 0).toBe(0);
    expect(await second.of({ procedureId: v1.id, procedureHash: undefined })).toBe(v2);
    await expect(second.of({ procedureId: v1.id, procedureHash: 'c'.repeat(64) })).rejects.toMatchObject({
      code: 'unknown_procedure',
    });
  });
});
