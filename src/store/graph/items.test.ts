import { afterEach, beforeAll, expect, it } from 'vitest';
import { executeBatch } from './batch.js';
import { ConflictError, GraphStoreError } from './errors.js';
import { collectAll, listItemsPath } from './items.js';
import type { ListItem, ListItemStore, ListRef } from './items.js';
import { and, eq, ge, startsWith } from './odata.js';
import { describeGraphContract } from '../../../test/support/graph-contract.js';
import { aKey, aProvisionedTestList } from '../../../test/support/graph-fixtures.js';
import type { TestFields } from '../../../test/support/graph-fixtures.js';

const ITEM_ROUTE = '/sites/*/lists/*/items';
const PAGING_ITEMS = 450;
const PAGE_SIZE = 100;

/** The item a ConflictError carries, typed for this list. */
function conflictCurrent(error: unknown): ListItem<TestFields> {
  if (!(error instanceof ConflictError)) throw new Error(`expected a ConflictError, got ${String(error)}`);
  return error.current as ListItem<TestFields>;
}

async function rejection(promise: Promise<unknown>): Promise<GraphStoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GraphStoreError) return error;
    throw error;
  }
  throw new Error('expected a GraphStoreError');
}

describeGraphContract('ListItemStore', ({ target, emulator, itEmulatorOnly }) => {
  let store: ListItemStore<TestFields>;

  beforeAll(async () => {
    ({ store } = await aProvisionedTestList(target(), 'Items'));
  });

  afterEach(() => {
    target().emulator?.setFaults({});
  });

  const countByKey = async (key: string): Promise<number> =>
    (await collectAll(store.queryItems({ filter: eq('ItemKey', key) }))).length;

  it('creates, reads and updates with If-Match; a stale eTag gets a ConflictError with the current item', async () => {
    const key = aKey();
    const created = await store.createItem({
      ItemKey: key,
      Status: 'open',
      Count: 1,
      Active: true,
      Due: '2026-06-01',
      At: '2026-03-01T10:00:00Z',
    });
    expect(created.created).toBe(true);
    expect(created.item.fields).toMatchObject({
      ItemKey: key,
      Status: 'open',
      Count: 1,
      Active: true,
      At: '2026-03-01T10:00:00Z',
    });

    const read = await store.getItem(created.item.id);
    expect(read.eTag).toBe(created.item.eTag);

    const updated = await store.updateItem(read.id, { Status: 'paused', Count: 2 }, read.eTag);
    expect(updated.eTag).not.toBe(read.eTag);
    expect(updated.fields).toMatchObject({ ItemKey: key, Status: 'paused', Count: 2 });

    const stale = await rejection(store.updateItem(read.id, { Status: 'closed' }, read.eTag));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.code).toBe('conflict');
    const current = conflictCurrent(stale);
    expect(current.eTag).toBe(updated.eTag);
    expect(current.fields.Status).toBe('paused');
    expect((await store.getItem(read.id)).fields.Status).toBe('paused');
  });

  it('treats a second create with the same key as "already exists", whatever its case', async () => {
    const key = aKey('Dup');
    const first = await store.createItem({ ItemKey: key, Count: 1 });
    const again = await store.createItem({ ItemKey: key, Count: 99 });
    const otherCase = await store.createItem({ ItemKey: key.toUpperCase(), Count: 98 });
    expect(again).toMatchObject({ created: false, item: { id: first.item.id } });
    expect(otherCase).toMatchObject({ created: false, item: { id: first.item.id } });
    expect(again.item.fields.Count).toBe(1);
    expect(await countByKey(key)).toBe(1);
  });

  it('lets exactly one of two writers holding the same eTag win', async () => {
    const { item } = await store.createItem({ ItemKey: aKey(), Label: 'original' });
    const outcomes = await Promise.allSettled([
      store.updateItem(item.id, { Label: 'writer A' }, item.eTag),
      store.updateItem(item.id, { Label: 'writer B' }, item.eTag),
    ]);
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const losers = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const loser: unknown = losers[0]?.reason;
    expect(loser).toBeInstanceOf(ConflictError);
    const winner = winners[0]?.value;
    const current = conflictCurrent(loser);
    expect(current.eTag).toBe(winner?.eTag);
    expect(current.fields.Label).toBe(winner?.fields.Label);
  });

  it('refuses an update without a real eTag, so no write can skip the concurrency check', async () => {
    const { item } = await store.createItem({ ItemKey: aKey() });
    expect((await rejection(store.updateItem(item.id, { Label: 'x' }, '*'))).code).toBe('bad_request');
    expect((await rejection(store.updateItem(item.id, { Label: 'x' }, ''))).code).toBe('bad_request');
  });

  it('reports a missing item as not_found (getItem) or undefined (findItem)', async () => {
    expect((await rejection(store.getItem('999999'))).code).toBe('not_found');
    expect(await store.findItem('999999')).toBeUndefined();
    expect((await rejection(store.getItem('../1'))).code).toBe('bad_request');
  });

  it('deletes idempotently, and only with a current eTag when one is given', async () => {
    const { item } = await store.createItem({ ItemKey: aKey() });
    const updated = await store.updateItem(item.id, { Label: 'changed' }, item.eTag);
    expect(await rejection(store.deleteItem(item.id, { eTag: item.eTag }))).toBeInstanceOf(ConflictError);
    expect(await store.deleteItem(item.id, { eTag: updated.eTag })).toBe(true);
    expect(await store.deleteItem(item.id)).toBe(false);
    expect(await store.findItem(item.id)).toBeUndefined();
  });

  it('finds by key even when the key holds quote, ampersand, hash, plus and percent', async () => {
    const key = `O'Brien & Co #1 + 50% ${aKey()}`;
    const { item } = await store.createItem({ ItemKey: key, Label: "it's" });
    expect((await store.findByKey(key))?.id).toBe(item.id);
    const found = await collectAll(store.queryItems({ filter: startsWith('ItemKey', "O'Brien & Co #1 + 50%") }));
    expect(found.map((candidate) => candidate.id)).toContain(item.id);
  });

  itEmulatorOnly('recognises the 409 resourceModified variant of an eTag mismatch', async () => {
    const { item } = await store.createItem({ ItemKey: aKey() });
    await store.updateItem(item.id, { Label: 'first' }, item.eTag);
    emulator().setFaults({ etagMismatchStatus: 409 });
    const error = await rejection(store.updateItem(item.id, { Label: 'second' }, item.eTag));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
  });

  for (const status of [400, 500] as const) {
    itEmulatorOnly(`recognises a duplicate key reported as ${status} "duplicate values were found"`, async () => {
      const key = aKey();
      const first = await store.createItem({ ItemKey: key });
      emulator().setFaults({ uniqueViolationStatus: status });
      await expect(store.createItem({ ItemKey: key })).resolves.toMatchObject({
        created: false,
        item: { id: first.item.id },
      });
    });
  }

  itEmulatorOnly('creates exactly one item when the POST is applied and then answered 503', async () => {
    const key = aKey();
    emulator().setFaults({
      rules: [{ kind: 'applyThenFail', method: 'POST', path: ITEM_ROUTE, status: 503, times: 1 }],
    });
    const result = await store.createItem({ ItemKey: key, Label: 'once' });
    // Our first attempt stored it; the SDK's re-send met the unique key and we fetched the row.
    expect(result.created).toBe(false);
    expect(result.item.fields).toMatchObject({ ItemKey: key, Label: 'once' });
    expect(emulator().inspect().counters.faultsInjected).toBe(1);
    expect(await countByKey(key)).toBe(1);
  });

  itEmulatorOnly('treats the 412 after a re-sent, already-applied PATCH as its own success', async () => {
    const { item } = await store.createItem({ ItemKey: aKey(), Label: 'before' });
    emulator().setFaults({
      rules: [{ kind: 'applyThenFail', method: 'PATCH', path: `${ITEM_ROUTE}/*/fields`, status: 504, times: 1 }],
    });
    const updated = await store.updateItem(item.id, { Label: 'after', Count: 5 }, item.eTag);
    expect(updated.fields).toMatchObject({ Label: 'after', Count: 5 });
    expect(updated.eTag).not.toBe(item.eTag);
  });

  itEmulatorOnly('still reports a real conflict after a re-sent PATCH when the values differ', async () => {
    const { item } = await store.createItem({ ItemKey: aKey(), Label: 'before' });
    await store.updateItem(item.id, { Label: 'someone else' }, item.eTag);
    emulator().setFaults({
      rules: [{ kind: 'fail', method: 'PATCH', path: `${ITEM_ROUTE}/*/fields`, status: 429, times: 1 }],
    });
    const error = await rejection(store.updateItem(item.id, { Label: 'mine' }, item.eTag));
    expect(error).toBeInstanceOf(ConflictError);
    expect(conflictCurrent(error).fields.Label).toBe('someone else');
  });
});

describeGraphContract('ListItemStore paging and filters', ({ target, itEmulatorOnly }) => {
  let store: ListItemStore<TestFields>;
  let ref: ListRef;

  beforeAll(async () => {
    ({ store, ref } = await aProvisionedTestList(target(), 'Paging'));
    // Seeded through $batch: 23 round trips instead of 450.
    const outcome = await executeBatch(
      target().client,
      Array.from({ length: PAGING_ITEMS }, (_, index) => ({
        id: String(index + 1),
        method: 'POST' as const,
        url: listItemsPath(ref),
        body: {
          fields: {
            ItemKey: `page-${String(index).padStart(4, '0')}`,
            Count: index,
            Label: index % 2 === 0 ? 'even' : 'odd',
          },
        },
      })),
    );
    expect(outcome.results.every((result) => result.status === 201)).toBe(true);
  });

  it(`pages through ${PAGING_ITEMS} items following nextLinks`, async () => {
    const emulator = target().emulator;
    emulator?.resetCounters();
    const pages: number[] = [];
    for await (const page of store.queryItems({ top: PAGE_SIZE })) pages.push(page.length);
    expect(pages).toEqual([100, 100, 100, 100, 50]);
    // One GET per page, nothing else.
    if (emulator !== undefined) expect(emulator.inspect().counters.byRoute).toEqual({ 'GET items': 5 });
  });

  it('filters and orders on indexed columns, and collectAll gathers or stops at a limit', async () => {
    const all = await collectAll(
      store.queryItems({ filter: ge('Count', 400), orderBy: [{ column: 'Count', direction: 'desc' }], top: 20 }),
    );
    expect(all.map((item) => item.fields.Count)).toEqual(Array.from({ length: 50 }, (_, index) => 449 - index));
    expect(await collectAll(store.queryItems({ top: 10 }), { limit: 25 })).toHaveLength(25);
  });

  it('explains a filter on a non-indexed column instead of passing Graph’s 400 through raw', async () => {
    const error = await rejection(collectAll(store.queryItems({ filter: eq('Label', 'even') })));
    expect(error.code).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(error.message).toContain('Label');
    expect(error.message).toContain('preferNonIndexed');
  });

  itEmulatorOnly('sends the Prefer header again on every page when non-indexed queries are allowed', async () => {
    // The emulator checks the index rule on each page, so a later page without Prefer would fail.
    const pages: number[] = [];
    for await (const page of store.queryItems({
      filter: and(eq('Label', 'even'), ge('Count', 0)),
      top: PAGE_SIZE,
      preferNonIndexed: true,
    })) {
      pages.push(page.length);
    }
    expect(pages.reduce((sum, size) => sum + size, 0)).toBe(PAGING_ITEMS / 2);
    expect(pages.length).toBeGreaterThan(1);
  });
});
