import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { ACCESS_HOWS, type AccessEntry, type AccessLogStore } from '../app/access-log.js';
import { batchResultError, executeBatch } from './graph/batch.js';
import { ListItemStore, listItemPath, listItemsPath, type ListRef } from './graph/items.js';
import { column, dateTimeValue, eq, lt } from './graph/odata.js';

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const rowSchema = z
  .object({
    CaseId: text,
    PersonId: text,
    PersonName: text,
    How: text,
    AccessedAt: text,
  })
  .loose();
type Row = z.infer<typeof rowSchema>;

const howSchema = z.enum(ACCESS_HOWS);
/** SharePoint single-line text holds 255 characters. */
const cut = (value: string): string => value.slice(0, 255);

function entryOf(row: Row): AccessEntry | undefined {
  const how = howSchema.safeParse(row.How);
  if (!how.success || row.CaseId === '' || row.PersonId === '' || row.AccessedAt === '') return undefined;
  return {
    caseId: row.CaseId,
    personId: row.PersonId,
    personName: row.PersonName,
    how: how.data,
    at: new Date(row.AccessedAt).toISOString(),
  };
}

/**
 * The access log in the "Trellis Access Log" list (src/store/lists.ts): one row per read of a
 * case. Rows are created in `$batch`es of 20 and never edited; old ones are deleted by the
 * retention.
 */
export class GraphAccessLog implements AccessLogStore {
  private readonly items: ListItemStore<Row>;

  constructor(
    private readonly client: Client,
    list: ListRef,
  ) {
    this.items = new ListItemStore(client, list, { fields: rowSchema });
  }

  async append(entries: readonly AccessEntry[]): Promise<readonly AccessEntry[]> {
    if (entries.length === 0) return [];
    const outcome = await executeBatch(
      this.client,
      entries.map((entry, i) => ({
        id: String(i + 1),
        method: 'POST' as const,
        url: listItemsPath(this.items.list),
        headers: { 'Content-Type': 'application/json' },
        body: {
          fields: {
            CaseId: cut(entry.caseId),
            PersonId: cut(entry.personId),
            PersonName: cut(entry.personName),
            How: entry.how,
            AccessedAt: entry.at,
          },
        },
      })),
    );
    return entries.filter((_, i) => {
      const result = outcome.results[i];
      return result === undefined || batchResultError(result, 'Writing the access log') !== undefined;
    });
  }

  forCase(caseId: string): Promise<AccessEntry[]> {
    return this.where('CaseId', caseId);
  }

  byPerson(personId: string): Promise<AccessEntry[]> {
    return this.where('PersonId', personId.toLowerCase());
  }

  private async where(name: 'CaseId' | 'PersonId', value: string): Promise<AccessEntry[]> {
    const out: AccessEntry[] = [];
    for await (const page of this.items.queryItems({ filter: eq(column(name), value), top: 5000 }))
      for (const item of page) {
        const entry = entryOf(item.fields);
        if (entry) out.push(entry);
      }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    const ids: string[] = [];
    for await (const page of this.items.queryItems({
      filter: lt(column('AccessedAt'), dateTimeValue(cutoff)),
      select: ['AccessedAt'],
      top: 5000,
    }))
      ids.push(...page.map((item) => item.id));
    let deleted = 0;
    if (ids.length === 0) return 0;
    const outcome = await executeBatch(
      this.client,
      ids.map((id, i) => ({ id: String(i + 1), method: 'DELETE' as const, url: listItemPath(this.items.list, id) })),
    );
    for (const result of outcome.results)
      if (result.status === 204 || result.status === 200 || result.status === 404) deleted += 1;
    return deleted;
  }
}
