import { beforeAll, expect, it } from 'vitest';
import { GraphStoreError } from './errors.js';
import { getAllPages } from './graph-json.js';
import { ListItemStore } from './items.js';
import { existingColumnKind, existingColumnSchema, MAX_INDEXED_COLUMNS_PER_LIST } from './list-schema.js';
import type { ColumnSchema, ListSchema } from './list-schema.js';
import { provisionLists } from './provision.js';
import { describeGraphContract } from '../../../test/support/graph-contract.js';
import type { ContractTarget } from '../../../test/support/graph-contract.js';
import { aTestListSchema, testFieldsSchema } from '../../../test/support/graph-fixtures.js';

async function columnsOf(target: ContractTarget, listId: string) {
  return getAllPages(target.client, `/sites/${target.siteId}/lists/${listId}/columns`, existingColumnSchema, 'test');
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

describeGraphContract('provisionLists', ({ target, itEmulatorOnly }) => {
  let cases: ListSchema;
  let events: ListSchema;

  beforeAll(() => {
    cases = aTestListSchema(target().listName('Cases'));
    events = {
      displayName: target().listName('Events'),
      columns: [
        { kind: 'text', name: 'EventKey', indexed: true, enforceUniqueValues: true },
        { kind: 'note', name: 'Payload' },
      ],
    };
  });

  it('creates missing lists and columns, then reports nothing to do and leaves rows alone', async () => {
    const { client, siteId } = target();
    const first = await provisionLists(client, siteId, [cases, events]);
    expect(first.changed).toBe(true);
    expect(first.lines).toContain(`created list ${cases.displayName}`);
    expect(first.lines).toContain(`added column ${cases.displayName}.ItemKey`);
    expect(first.lines).toContain(`added column ${events.displayName}.Payload`);
    expect(first.lines.filter((line) => line.startsWith('added column'))).toHaveLength(
      cases.columns.length + events.columns.length,
    );
    const casesId = first.listIds[cases.displayName] ?? '';

    const columns = await columnsOf(target(), casesId);
    const itemKey = columns.find((column) => column.name === 'ItemKey');
    expect(itemKey?.indexed).toBe(true);
    expect(itemKey?.enforceUniqueValues).toBe(true);
    expect(existingColumnKind(columns.find((column) => column.name === 'Notes') ?? { name: '' })).toBe('note');

    const store = new ListItemStore(
      client,
      { siteId, listId: casesId },
      { fields: testFieldsSchema, keyField: 'ItemKey' },
    );
    const { item } = await store.createItem({ ItemKey: 'row-1', Status: 'open', Count: 2, Notes: 'keep me' });

    const second = await provisionLists(client, siteId, [cases, events]);
    expect(second.changed).toBe(false);
    expect(second.lines).toEqual([`ok ${cases.displayName}`, `ok ${events.displayName}`]);
    expect(second.listIds).toEqual(first.listIds);

    const after = await store.getItem(item.id);
    expect(after.eTag).toBe(item.eTag);
    expect(after.fields).toMatchObject({ ItemKey: 'row-1', Status: 'open', Count: 2, Notes: 'keep me' });
  });

  it('gives an existing list the declared description when it says something else, and only then', async () => {
    const { client, siteId } = target();
    const described: ListSchema = {
      displayName: target().listName('Described'),
      description: 'Steps are only ever appended.',
      columns: [{ kind: 'text', name: 'StepKey', indexed: true }],
    };
    const first = await provisionLists(client, siteId, [{ ...described, description: 'Never edited.' }]);
    const listId = first.listIds[described.displayName] ?? '';
    const descriptionOf = async (): Promise<unknown> =>
      ((await client.api(`/sites/${siteId}/lists/${listId}`).get()) as { description?: unknown }).description;
    expect(await descriptionOf()).toBe('Never edited.');

    const second = await provisionLists(client, siteId, [described]);
    expect(second.lines).toEqual([`updated description of ${described.displayName}`]);
    expect(second.changed).toBe(true);
    expect(await descriptionOf()).toBe('Steps are only ever appended.');

    const third = await provisionLists(client, siteId, [described]);
    expect(third.lines).toEqual([`ok ${described.displayName}`]);
    expect(third.changed).toBe(false);
  });

  it('adds only a newly declared column; flags a column whose type differs without changing it', async () => {
    const { client, siteId } = target();
    const evolved: ListSchema = {
      ...cases,
      columns: cases.columns
        .map((column): ColumnSchema => (column.name === 'Label' ? { kind: 'number', name: 'Label' } : column))
        .concat([{ kind: 'choice', name: 'Outcome', choices: ['met', 'partly', 'not met'] }]),
    };
    const report = await provisionLists(client, siteId, [evolved]);
    expect(report.lines).toEqual([
      `added column ${cases.displayName}.Outcome`,
      `mismatch ${cases.displayName}.Label: type is text, schema says number`,
    ]);
    expect(report.mismatches).toEqual([
      { list: cases.displayName, column: 'Label', differences: ['type is text, schema says number'] },
    ]);
    const label = (await columnsOf(target(), report.listIds[cases.displayName] ?? '')).find(
      (column) => column.name === 'Label',
    );
    expect(label && existingColumnKind(label)).toBe('text');
  });

  itEmulatorOnly('refuses a schema over the indexed-column cap before calling Graph', async () => {
    const emulator = target().emulator;
    emulator?.resetCounters();
    const tooMany: ListSchema = {
      displayName: target().listName('Too many indexes'),
      columns: Array.from({ length: MAX_INDEXED_COLUMNS_PER_LIST + 1 }, (_, index) => ({
        kind: 'number',
        name: `N${index}`,
        indexed: true,
      })),
    };
    const error = await rejection(provisionLists(target().client, target().siteId, [tooMany]));
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(/21 indexed columns.*at most 20/);
    expect(emulator?.inspect().counters.total).toBe(0);
  });

  it('refuses to add indexed columns that would push an existing list over the cap, changing nothing', async () => {
    const { client, siteId } = target();
    const existingIndexed = cases.columns.filter((column) => column.kind !== 'note' && column.indexed === true).length;
    const extra = MAX_INDEXED_COLUMNS_PER_LIST - existingIndexed + 1;
    // Within the cap on its own; over it only together with the indexes the list already has.
    const grown: ListSchema = {
      displayName: cases.displayName,
      columns: Array.from({ length: extra }, (_, index): ColumnSchema => ({
        kind: 'number',
        name: `Extra${index}`,
        indexed: true,
      })),
    };
    const listId = (await provisionLists(client, siteId, [cases])).listIds[cases.displayName] ?? '';
    const before = await columnsOf(target(), listId);
    const error = await rejection(provisionLists(client, siteId, [grown]));
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('Nothing was changed');
    expect((await columnsOf(target(), listId)).map((column) => column.name)).toEqual(
      before.map((column) => column.name),
    );
  });

  it('rejects two schemas with the same list name', async () => {
    const error = await rejection(
      provisionLists(target().client, target().siteId, [events, { ...events, columns: [] }]),
    );
    expect(error.code).toBe('bad_request');
  });
});
