import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { classifyGraphError, GraphStoreError } from './errors.js';
import { getAllPages, parseGraphJson, pathSegment } from './graph-json.js';
import {
  assertValidListSchema,
  describeColumnDifferences,
  existingColumnSchema,
  isIndexed,
  MAX_INDEXED_COLUMNS_PER_LIST,
  toColumnDefinition,
  toListDefinition,
} from './list-schema.js';
import type { ColumnSchema, ExistingColumn, ListSchema } from './list-schema.js';

/**
 * Idempotent provisioning: make the site have at least the declared lists and columns.
 * It only ever adds, with one exception that touches no data: a list whose description differs
 * from the declared one gets the declared description (descriptions say what a list is for, to
 * the people who open it in Microsoft Lists, so a stale one would mislead them). Existing
 * columns and rows are never altered or dropped, and a column whose type differs from the
 * schema is reported for a human to sort out, because "fixing" it would mean rewriting a
 * provider's data. A description Graph refuses to update is reported, not fatal.
 */

export interface ColumnMismatch {
  readonly list: string;
  readonly column: string;
  readonly differences: readonly string[];
}

export interface ProvisionedList {
  readonly displayName: string;
  readonly listId: string;
  readonly created: boolean;
  /** The list existed with another description, and now has the declared one. */
  readonly describedAnew: boolean;
  /** Graph refused to update the description: why (the list is otherwise provisioned). */
  readonly descriptionProblem?: string;
  readonly addedColumns: readonly string[];
  readonly mismatches: readonly ColumnMismatch[];
}

export interface ProvisionReport {
  readonly lists: readonly ProvisionedList[];
  /** displayName → list id, for building ListRefs. */
  readonly listIds: Readonly<Record<string, string>>;
  /** True when anything was created or a description updated; false on a re-run against an up-to-date site. */
  readonly changed: boolean;
  readonly mismatches: readonly ColumnMismatch[];
  /**
   * Human-readable: `created list X`, `updated description of X`, `added column X.Y`, `ok X`,
   * `mismatch X.Y: …`, `description of X not updated: …`.
   */
  readonly lines: readonly string[];
}

const existingListSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});
type ExistingList = z.infer<typeof existingListSchema>;

interface ListPlan {
  readonly schema: ListSchema;
  readonly existing: ExistingList | undefined;
  readonly missingColumns: readonly ColumnSchema[];
  readonly mismatches: readonly ColumnMismatch[];
}

export async function provisionLists(
  client: Client,
  siteId: string,
  schemas: readonly ListSchema[],
): Promise<ProvisionReport> {
  const site = pathSegment(siteId, 'siteId');
  assertDistinctSchemas(schemas);
  for (const schema of schemas) assertValidListSchema(schema);

  // Read everything first, validate the whole plan, then write: a cap violation on the
  // third list must not leave the first two half-provisioned.
  const lists = await readLists(client, site);
  const plans: ListPlan[] = [];
  for (const schema of schemas) {
    const existing = findListByDisplayName(lists, schema.displayName);
    const columns = existing === undefined ? [] : await readColumns(client, site, existing.id);
    plans.push(planList(schema, existing, columns));
  }

  const provisioned: ProvisionedList[] = [];
  for (const plan of plans) provisioned.push(await applyPlan(client, site, plan));
  return buildReport(provisioned);
}

function assertDistinctSchemas(schemas: readonly ListSchema[]): void {
  const names = new Set<string>();
  for (const schema of schemas) {
    const key = schema.displayName.toLowerCase();
    if (names.has(key)) throw new GraphStoreError('bad_request', `List "${schema.displayName}" is declared twice`);
    names.add(key);
  }
}

function planList(
  schema: ListSchema,
  existing: ExistingList | undefined,
  columns: readonly ExistingColumn[],
): ListPlan {
  const byName = new Map(columns.map((column) => [column.name.toLowerCase(), column]));
  const missingColumns: ColumnSchema[] = [];
  const mismatches: ColumnMismatch[] = [];
  for (const declared of schema.columns) {
    const found = byName.get(declared.name.toLowerCase());
    if (found === undefined) {
      missingColumns.push(declared);
      continue;
    }
    const differences = describeColumnDifferences(declared, found);
    if (differences.length > 0) mismatches.push({ list: schema.displayName, column: declared.name, differences });
  }
  const indexedAfter =
    columns.filter((column) => column.indexed === true).length + missingColumns.filter(isIndexed).length;
  if (indexedAfter > MAX_INDEXED_COLUMNS_PER_LIST) {
    throw new GraphStoreError(
      'bad_request',
      `List "${schema.displayName}" would have ${indexedAfter} indexed columns after provisioning; ` +
        `SharePoint allows at most ${MAX_INDEXED_COLUMNS_PER_LIST}. Nothing was changed.`,
    );
  }
  return { schema, existing, missingColumns, mismatches };
}

async function applyPlan(client: Client, site: string, initialPlan: ListPlan): Promise<ProvisionedList> {
  const { schema } = initialPlan;
  let plan = initialPlan;
  let created = false;
  if (plan.existing === undefined) {
    const result = await createList(client, site, schema);
    created = result.created;
    // A new list already has built-in columns (Title), and one that appeared concurrently
    // may have more: plan the columns against what is really there.
    plan = planList(schema, result.list, await readColumns(client, site, result.list.id));
  }
  const listId = plan.existing?.id;
  if (listId === undefined)
    throw new GraphStoreError('unexpected', `List "${schema.displayName}" has no id after creation`);
  let describedAnew = false;
  let descriptionProblem: string | undefined;
  if (!created && schema.description !== undefined && plan.existing?.description !== schema.description) {
    try {
      await client
        .api(`/sites/${site}/lists/${pathSegment(listId, 'listId')}`)
        .patch({ description: schema.description });
      describedAnew = true;
    } catch (error) {
      const failure = classifyGraphError(error, `Updating the description of list "${schema.displayName}"`);
      // A store that is busy or unreachable fails the run as any other step would (run it again);
      // a refusal (Graph not allowing the update) leaves the old description and says so.
      if (failure.transient) throw failure;
      descriptionProblem = failure.message;
    }
  }
  const addedColumns: string[] = [];
  for (const column of plan.missingColumns) {
    if (await addColumn(client, site, listId, schema, column)) addedColumns.push(column.name);
  }
  return {
    displayName: schema.displayName,
    listId,
    created,
    describedAnew,
    ...(descriptionProblem === undefined ? {} : { descriptionProblem }),
    addedColumns,
    mismatches: plan.mismatches,
  };
}

async function readLists(client: Client, site: string): Promise<ExistingList[]> {
  return getAllPages(client, `/sites/${site}/lists`, existingListSchema.loose(), 'Reading the site lists');
}

async function readColumns(client: Client, site: string, listId: string): Promise<ExistingColumn[]> {
  const list = pathSegment(listId, 'listId');
  return getAllPages(
    client,
    `/sites/${site}/lists/${list}/columns`,
    existingColumnSchema,
    `Reading columns of list ${listId}`,
  );
}

function findListByDisplayName(lists: readonly ExistingList[], displayName: string): ExistingList | undefined {
  const matches = lists.filter((list) => list.displayName === displayName);
  if (matches.length > 1) {
    throw new GraphStoreError(
      'data_error',
      `Site has ${matches.length} lists named "${displayName}"; refusing to guess which one Trellis owns`,
    );
  }
  return matches[0];
}

async function createList(
  client: Client,
  site: string,
  schema: ListSchema,
): Promise<{ list: ExistingList; created: boolean }> {
  const context = `Creating list "${schema.displayName}"`;
  try {
    const body: unknown = await client.api(`/sites/${site}/lists`).post(toListDefinition(schema));
    return { list: parseGraphJson(existingListSchema.loose(), body, context), created: true };
  } catch (error) {
    // SharePoint list titles are unique per site. If our POST was applied and then failed
    // (the SDK re-sends on 503/504), or another instance provisioned at the same moment,
    // the list now exists: use it instead of failing.
    const existing = findListByDisplayName(await readLists(client, site), schema.displayName);
    if (existing !== undefined) return { list: existing, created: false };
    throw classifyGraphError(error, context);
  }
}

/** Returns true when this call added the column, false when it turned out to exist already. */
async function addColumn(
  client: Client,
  site: string,
  listId: string,
  schema: ListSchema,
  column: ColumnSchema,
): Promise<boolean> {
  const list = pathSegment(listId, 'listId');
  try {
    await client.api(`/sites/${site}/lists/${list}/columns`).post(toColumnDefinition(column));
    return true;
  } catch (error) {
    // Same reasoning as createList: a re-sent or concurrent POST may already have added it.
    const columns = await readColumns(client, site, listId);
    if (columns.some((existing) => existing.name.toLowerCase() === column.name.toLowerCase())) return false;
    throw classifyGraphError(error, `Adding column ${schema.displayName}.${column.name}`);
  }
}

function buildReport(lists: readonly ProvisionedList[]): ProvisionReport {
  const lines: string[] = [];
  const listIds: Record<string, string> = {};
  const mismatches: ColumnMismatch[] = [];
  let changed = false;
  for (const list of lists) {
    listIds[list.displayName] = list.listId;
    if (list.created) lines.push(`created list ${list.displayName}`);
    if (list.describedAnew) lines.push(`updated description of ${list.displayName}`);
    if (list.descriptionProblem !== undefined)
      lines.push(`description of ${list.displayName} not updated: ${list.descriptionProblem}`);
    for (const column of list.addedColumns) lines.push(`added column ${list.displayName}.${column}`);
    for (const mismatch of list.mismatches) {
      lines.push(`mismatch ${mismatch.list}.${mismatch.column}: ${mismatch.differences.join('; ')}`);
      mismatches.push(mismatch);
    }
    if (
      !list.created &&
      !list.describedAnew &&
      list.descriptionProblem === undefined &&
      list.addedColumns.length === 0 &&
      list.mismatches.length === 0
    )
      lines.push(`ok ${list.displayName}`);
    changed ||= list.created || list.describedAnew || list.addedColumns.length > 0;
  }
  return { lists, listIds, changed, mismatches, lines };
}
