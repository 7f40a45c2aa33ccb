/** Test builders with defaults: a list shape that exercises every column kind. */
import { z } from 'zod';
import { ListItemStore } from '../../src/store/graph/items.js';
import type { ListRef } from '../../src/store/graph/items.js';
import type { ColumnSchema, ListSchema } from '../../src/store/graph/list-schema.js';
import { provisionLists } from '../../src/store/graph/provision.js';
import type { ContractTarget } from './graph-contract.js';

export const TEST_COLUMNS = [
  { kind: 'text', name: 'ItemKey', indexed: true, enforceUniqueValues: true, required: true },
  { kind: 'choice', name: 'Status', choices: ['open', 'paused', 'closed'], indexed: true },
  { kind: 'number', name: 'Count', indexed: true },
  { kind: 'text', name: 'Label' },
  { kind: 'note', name: 'Notes' },
  { kind: 'boolean', name: 'Active' },
  { kind: 'dateTime', name: 'Due', format: 'dateOnly', indexed: true },
  { kind: 'dateTime', name: 'At', format: 'dateTime' },
] as const satisfies readonly ColumnSchema[];

export const testFieldsSchema = z.object({
  ItemKey: z.string(),
  Status: z.string().optional(),
  Count: z.number().optional(),
  Label: z.string().optional(),
  Notes: z.string().optional(),
  Active: z.boolean().optional(),
  Due: z.string().optional(),
  At: z.string().optional(),
});
export type TestFields = z.infer<typeof testFieldsSchema>;

export function aTestListSchema(displayName: string, extraColumns: readonly ColumnSchema[] = []): ListSchema {
  return { displayName, columns: [...TEST_COLUMNS, ...extraColumns] };
}

/** Provisions one test list and returns a store over it keyed by ItemKey. */
export async function aProvisionedTestList(
  target: ContractTarget,
  base: string,
): Promise<{ ref: ListRef; store: ListItemStore<TestFields> }> {
  const displayName = target.listName(base);
  const report = await provisionLists(target.client, target.siteId, [aTestListSchema(displayName)]);
  const listId = report.listIds[displayName];
  if (listId === undefined) throw new Error(`provisioning did not return ${displayName}`);
  const ref = { siteId: target.siteId, listId };
  return { ref, store: new ListItemStore(target.client, ref, { fields: testFieldsSchema, keyField: 'ItemKey' }) };
}

/** A unique key per call, so tests in one file never collide on the unique column. */
export function aKey(prefix = 'k'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
