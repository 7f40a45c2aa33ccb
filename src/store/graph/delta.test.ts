import { beforeAll, expect, it } from 'vitest';
import { DeltaCache, DeltaFeed } from './delta.js';
import type { ListItemStore, ListRef } from './items.js';
import { describeGraphContract } from '../../../test/support/graph-contract.js';
import { aProvisionedTestList, testFieldsSchema } from '../../../test/support/graph-fixtures.js';
import type { TestFields } from '../../../test/support/graph-fixtures.js';

const SEEDED = 120;
const PAGE_SIZE = 50;

describeGraphContract('DeltaCache', ({ target, emulator, itEmulatorOnly }) => {
  let store: ListItemStore<TestFields>;
  let ref: ListRef;
  let cache: DeltaCache<TestFields>;

  const labels = (): Map<string, string | undefined> =>
    new Map(cache.items().map((item) => [item.fields.ItemKey, item.fields.Label]));

  beforeAll(async () => {
    ({ store, ref } = await aProvisionedTestList(target(), 'Delta'));
    for (let index = 0; index < SEEDED; index += 1) await store.createItem({ ItemKey: `d-${index}`, Label: 'seed' });
    cache = new DeltaCache(target().client, ref, {
      fields: testFieldsSchema,
      select: ['ItemKey', 'Label'],
      pageSize: PAGE_SIZE,
    });
  });

  it('enumerates the whole list on the first sync, page by page', async () => {
    const result = await cache.sync();
    expect(result).toMatchObject({ full: true, restarted: false, upserted: SEEDED, deleted: 0 });
    expect(result.requests).toBe(Math.ceil(SEEDED / PAGE_SIZE));
    expect(cache.size).toBe(SEEDED);
    expect(cache.items()[0]?.fields).toEqual({ ItemKey: 'd-0', Label: 'seed' });
  });

  it('costs exactly one request when nothing changed', async () => {
    const counted = target().emulator;
    counted?.resetCounters();
    const first = await cache.sync();
    const second = await cache.sync();
    expect(first).toMatchObject({ requests: 1, upserted: 0, deleted: 0, full: false });
    expect(second).toMatchObject({ requests: 1, upserted: 0, deleted: 0, full: false });
    // What Graph saw, not just what the cache believes it sent.
    if (counted !== undefined) expect(counted.inspect().counters.byRoute).toEqual({ 'GET delta': 2 });
  });

  it('applies creates, updates (latest state wins) and deletes', async () => {
    const added = await store.createItem({ ItemKey: 'd-new', Label: 'new' });
    const toUpdate = await store.getItem(cache.items().find((item) => item.fields.ItemKey === 'd-1')?.id ?? '');
    const once = await store.updateItem(toUpdate.id, { Label: 'first edit' }, toUpdate.eTag);
    await store.updateItem(toUpdate.id, { Label: 'second edit' }, once.eTag);
    const toDelete = cache.items().find((item) => item.fields.ItemKey === 'd-2');
    await store.deleteItem(toDelete?.id ?? '');

    const result = await cache.sync();
    expect(result).toMatchObject({ full: false, restarted: false, deleted: 1 });
    expect(result.upserted).toBeGreaterThanOrEqual(2);
    expect(cache.size).toBe(SEEDED);
    expect(cache.get(added.item.id)?.fields.Label).toBe('new');
    expect(labels().get('d-1')).toBe('second edit');
    expect(labels().has('d-2')).toBe(false);
  });

  it('lets overlapping sync calls share one sync instead of queueing one each', async () => {
    await store.createItem({ ItemKey: 'd-overlap', Label: 'x' });
    const calls = [cache.sync(), cache.sync(), cache.sync()];
    expect(new Set(calls).size).toBe(1);
    const [a] = await Promise.all(calls);
    expect(a?.upserted).toBe(1);
    expect(labels().get('d-overlap')).toBe('x');
  });

  it('a call arriving during a sync gets a later sync that sees changes made before it', async () => {
    const first = cache.sync();
    await store.createItem({ ItemKey: 'd-during', Label: 'y' });
    const second = cache.sync();
    expect(second).not.toBe(first);
    await second;
    expect(labels().get('d-during')).toBe('y');
  });

  itEmulatorOnly('counts the requests the SDK re-sent after throttling as part of the sync', async () => {
    emulator().setFaults({
      rules: [
        {
          kind: 'fail',
          status: 429,
          method: 'GET',
          path: '/sites/*/lists/*/items/delta',
          times: 2,
          retryAfterSeconds: 0.01,
        },
      ],
    });
    emulator().resetCounters();
    try {
      expect(await cache.sync()).toMatchObject({ requests: 3, upserted: 0, full: false });
      expect(emulator().inspect().counters.byRoute['GET delta']).toBe(3);
    } finally {
      emulator().setFaults({});
    }
  });

  itEmulatorOnly('restarts from the 410 Location when the delta token has expired', async () => {
    const survivor = cache.items().find((item) => item.fields.ItemKey === 'd-3');
    await store.deleteItem(cache.items().find((item) => item.fields.ItemKey === 'd-4')?.id ?? '');
    await store.updateItem(survivor?.id ?? '', { Label: 'after expiry' }, survivor?.eTag ?? '');
    await emulator().expireDeltaTokens();
    emulator().resetCounters();

    const result = await cache.sync();
    expect(result).toMatchObject({ full: true, restarted: true });
    // The 410 answer, then a fresh enumeration from the Location URL.
    expect(result.requests).toBe(1 + Math.ceil(cache.size / PAGE_SIZE));
    expect(emulator().inspect().counters.byRoute['GET delta']).toBe(result.requests);
    expect(labels().has('d-4')).toBe(false);
    expect(labels().get('d-3')).toBe('after expiry');

    expect(await cache.sync()).toMatchObject({ requests: 1, full: false, upserted: 0 });
  });
});

describeGraphContract('DeltaFeed', ({ target, emulator, itEmulatorOnly }) => {
  let store: ListItemStore<TestFields>;
  let feed: DeltaFeed<TestFields>;
  const keys = (items: readonly { fields: TestFields }[]): string[] => items.map((i) => i.fields.ItemKey).sort();

  beforeAll(async () => {
    let ref: ListRef;
    ({ store, ref } = await aProvisionedTestList(target(), 'Feed'));
    await store.createItem({ ItemKey: 'f-before', Label: 'before' });
    feed = new DeltaFeed(target().client, ref, { fields: testFieldsSchema, select: ['ItemKey', 'Label'] });
  });

  it('starts from now: nothing made before the first sync, then each change once', async () => {
    expect(await feed.sync()).toEqual({ changed: [], started: true });
    await store.createItem({ ItemKey: 'f-1', Label: 'one' });
    await store.createItem({ ItemKey: 'f-2', Label: 'two' });
    const first = await feed.sync();
    expect(first.started).toBe(false);
    expect(keys(first.changed)).toEqual(['f-1', 'f-2']);
    expect(await feed.sync()).toEqual({ changed: [], started: false });
  });

  itEmulatorOnly('starts again from now when the token has expired, and says so', async () => {
    await emulator().expireDeltaTokens();
    await store.createItem({ ItemKey: 'f-gap', Label: 'in the gap' });
    expect(await feed.sync()).toEqual({ changed: [], started: true });
    await store.createItem({ ItemKey: 'f-3', Label: 'three' });
    expect(keys((await feed.sync()).changed)).toEqual(['f-3']);
  });
});
