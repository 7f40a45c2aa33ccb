import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchResultError, chunkRequests, executeBatch, GRAPH_BATCH_MAX_REQUESTS } from './batch.js';
import type { BatchRequest } from './batch.js';
import { createGraphClient } from './client.js';
import { GraphStoreError } from './errors.js';
import { listItemPath, listItemsPath } from './items.js';
import type { ListItemStore, ListRef } from './items.js';
import { describeGraphContract } from '../../../test/support/graph-contract.js';
import { aKey, aProvisionedTestList } from '../../../test/support/graph-fixtures.js';
import type { TestFields } from '../../../test/support/graph-fixtures.js';

const get = (id: string, url = '/sites/s/lists/l/items/1'): BatchRequest => ({ id, method: 'GET', url });

function thrown(run: () => unknown): GraphStoreError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphStoreError) return error;
    throw error;
  }
  throw new Error('expected a GraphStoreError');
}

describe('chunkRequests', () => {
  it('splits 45 independent requests into 20 + 20 + 5, keeping order', () => {
    const requests = Array.from({ length: 45 }, (_, index) => get(`r${index}`));
    const chunks = chunkRequests(requests);
    expect(chunks.map((chunk) => chunk.length)).toEqual([20, 20, 5]);
    expect(chunks.flat().map((request) => request.id)).toEqual(requests.map((request) => request.id));
  });

  it('never separates a request from what it depends on', () => {
    const requests: BatchRequest[] = [
      ...Array.from({ length: 18 }, (_, index) => get(`a${index}`)),
      get('create'),
      { ...get('update'), dependsOn: ['create'] },
      { ...get('read'), dependsOn: ['update'] },
    ];
    const chunks = chunkRequests(requests);
    const chunkOf = (id: string) => chunks.findIndex((chunk) => chunk.some((request) => request.id === id));
    expect(chunks.every((chunk) => chunk.length <= GRAPH_BATCH_MAX_REQUESTS)).toBe(true);
    expect(chunkOf('create')).toBe(chunkOf('update'));
    expect(chunkOf('update')).toBe(chunkOf('read'));
  });

  it.each<[string, BatchRequest[], RegExp]>([
    ['duplicate ids (case-insensitive)', [get('A'), get('a')], /used twice/],
    ['unknown or later dependency', [{ ...get('a'), dependsOn: ['b'] }, get('b')], /not an earlier request/],
    [
      'a chain longer than one batch',
      Array.from({ length: 21 }, (_, index) => ({
        ...get(`c${index}`),
        ...(index > 0 ? { dependsOn: [`c${index - 1}`] } : {}),
      })),
      /cannot fit/,
    ],
  ])('rejects %s', (_label, requests, message) => {
    const error = thrown(() => chunkRequests(requests));
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(message);
  });

  it('rejects versioned or absolute sub-request URLs before sending anything', async () => {
    // Port 9 (discard) is never contacted: validation fails first.
    const never = createGraphClient({ kind: 'custom', baseUrl: 'https://localhost:9', token: 'unused' });
    for (const url of ['/v1.0/sites/s', '/beta/sites/s', 'https://graph.microsoft.com/v1.0/sites/s', 'sites/s']) {
      await expect(executeBatch(never, [get('1', url)])).rejects.toMatchObject({ code: 'bad_request' });
    }
  });
});

describeGraphContract(
  'executeBatch',
  ({ target, emulator, itEmulatorOnly }) => {
    let store: ListItemStore<TestFields>;
    let ref: ListRef;
    const ids: string[] = [];

    beforeAll(async () => {
      ({ store, ref } = await aProvisionedTestList(target(), 'Batch'));
      for (let index = 0; index < 45; index += 1) {
        ids.push((await store.createItem({ ItemKey: `b-${index}`, Count: index })).item.id);
      }
    });

    afterEach(() => {
      target().emulator?.setFaults({});
    });

    const reads = (): BatchRequest[] =>
      ids.map((itemId, index) => ({
        id: `read-${index}`,
        method: 'GET',
        url: `${listItemPath(ref, itemId)}?expand=fields(select=ItemKey,Count)`,
      }));

    it('sends 45 requests as 3 batches and maps every answer back by id', async () => {
      target().emulator?.resetCounters();
      const outcome = await executeBatch(target().client, reads());
      expect(outcome.roundTrips).toBe(3);
      outcome.results.forEach((result, index) => {
        expect(result.id).toBe(`read-${index}`);
        expect(result.status).toBe(200);
        expect(store.parseItem(result.body).fields).toMatchObject({ ItemKey: `b-${index}`, Count: index });
      });
      expect(outcome.get('READ-7').id).toBe('read-7');
      const counters = target().emulator?.inspect().counters;
      if (counters !== undefined) {
        expect(counters.byRoute['POST $batch']).toBe(3);
        expect(counters.batchSubRequests).toBe(45);
      }
    });

    it('adds Content-Type to sub-requests with a body and supports dependsOn', async () => {
      const key = aKey();
      const outcome = await executeBatch(target().client, [
        { id: 'create', method: 'POST', url: listItemsPath(ref), body: { fields: { ItemKey: key, Count: 1 } } },
        { id: 'missing', method: 'GET', url: listItemPath(ref, '987654') },
        { id: 'after-missing', method: 'GET', url: listItemPath(ref, ids[0] ?? ''), dependsOn: ['missing'] },
      ]);
      expect(outcome.get('create').status).toBe(201);
      expect(store.parseItem(outcome.get('create').body).fields.ItemKey).toBe(key);
      expect(batchResultError(outcome.get('missing'), 'Reading')?.code).toBe('not_found');
      expect(outcome.get('after-missing').status).toBe(424);
      expect(batchResultError(outcome.get('create'), 'Creating')).toBeUndefined();
    });

    itEmulatorOnly(
      're-sends only throttled sub-requests, after the longest Retry-After, even when answers come shuffled',
      async () => {
        emulator().setFaults({
          rules: [
            { kind: 'fail', status: 429, scope: 'batch', times: 4, retryAfterSeconds: 0.05, style: 'sharepoint' },
            { kind: 'fail', status: 503, scope: 'batch', times: 2, retryAfterSeconds: 0.2 },
          ],
        });
        emulator().resetCounters();
        const slept: number[] = [];
        const outcome = await executeBatch(target().client, reads(), {
          sleep: (milliseconds) => {
            slept.push(milliseconds);
            return new Promise((resolve) => setTimeout(resolve, milliseconds));
          },
        });
        expect(outcome.results.every((result) => result.status === 200)).toBe(true);
        const counters = emulator().inspect().counters;
        // 45 originals plus exactly the 6 that were throttled.
        expect(counters.batchSubRequests).toBe(45 + 6);
        expect(counters.faultsInjected).toBe(6);
        expect(outcome.roundTrips).toBe(4);
        expect(slept).toEqual([200]);
      },
    );

    itEmulatorOnly('gives up after the attempt cap and returns the 429 for the caller to handle', async () => {
      emulator().setFaults({ rules: [{ kind: 'fail', status: 429, scope: 'batch', retryAfterSeconds: 0 }] });
      const outcome = await executeBatch(target().client, reads().slice(0, 2), {
        maxAttempts: 3,
        sleep: () => Promise.resolve(),
      });
      expect(outcome.roundTrips).toBe(3);
      expect(outcome.results.map((result) => result.status)).toEqual([429, 429]);
      expect(batchResultError(outcome.get('read-0'), 'Reading')?.code).toBe('throttled');
    });
  },
  { emulator: { shuffleBatchResponses: true } },
);
