import { beforeAll, expect } from 'vitest';
import { collectAll } from './items.js';
import type { ListItemStore } from './items.js';
import { describeGraphContract } from '../../../test/support/graph-contract.js';
import { aProvisionedTestList } from '../../../test/support/graph-fixtures.js';
import type { TestFields } from '../../../test/support/graph-fixtures.js';

const ITEMS = 150;
const WORKERS = 10;

/**
 * The whole write path under a hostile Graph: about one request in five is throttled,
 * refused as busy, or applied and then answered with a failure. Every create and update
 * must still land exactly once, with no error reaching the caller.
 */
describeGraphContract(
  'writes under injected faults',
  ({ target, emulator, itEmulatorOnly }) => {
    let store: ListItemStore<TestFields>;

    beforeAll(async () => {
      ({ store } = await aProvisionedTestList(target(), 'Faults'));
    });

    itEmulatorOnly(
      `${ITEMS} creates and ${ITEMS} updates each end stored exactly once`,
      async () => {
        emulator().resetCounters();
        emulator().setFaults({
          rules: [
            { name: 'throttled', kind: 'fail', status: 429, rate: 0.1, retryAfterSeconds: 0.01, style: 'sharepoint' },
            { name: 'busy', kind: 'fail', status: 503, rate: 0.04, retryAfterSeconds: 0.02 },
            { name: 'timeout, no Retry-After', kind: 'fail', status: 504, rate: 0.01, retryAfterSeconds: null },
            {
              name: 'applied then failed',
              kind: 'applyThenFail',
              method: ['POST', 'PATCH'],
              status: 503,
              rate: 0.06,
              retryAfterSeconds: 0.01,
            },
          ],
        });

        let next = 0;
        let foundAlreadyStored = 0;
        const worker = async (): Promise<void> => {
          while (next < ITEMS) {
            const index = next;
            next += 1;
            const { item, created } = await store.createItem({ ItemKey: `fault-${index}`, Count: 0, Label: 'created' });
            // Only an applied-then-failed POST makes our own create come back as "already there".
            if (!created) foundAlreadyStored += 1;
            await store.updateItem(item.id, { Count: 1, Label: `updated ${index}` }, item.eTag);
          }
        };
        await Promise.all(Array.from({ length: WORKERS }, worker));

        const injected = emulator().inspect().counters.faultsInjected;
        emulator().setFaults({});
        const stored = await collectAll(store.queryItems({ top: 500 }));
        expect(stored).toHaveLength(ITEMS);
        expect(new Set(stored.map((item) => item.fields.ItemKey)).size).toBe(ITEMS);
        for (const item of stored) {
          const index = Number(item.fields.ItemKey.replace('fault-', ''));
          expect(item.fields).toMatchObject({ Count: 1, Label: `updated ${index}` });
        }
        // Sanity: the faults really happened (≈20% of well over 300 requests).
        expect(injected).toBeGreaterThan(40);
        expect(foundAlreadyStored).toBeGreaterThan(0);
      },
      60_000,
    );
  },
  { emulator: { seed: 7 } },
);
