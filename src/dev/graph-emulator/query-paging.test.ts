import { PageIterator } from '@microsoft/microsoft-graph-client';
import type { PageCollection } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFER_NON_INDEXED } from './index.js';
import { asArray, asRecord, createItems, createList, graphError, listPath, startTestEmulator } from './test-support.js';
import type { TestEmulator } from './test-support.js';

const PREFER = { Prefer: PREFER_NON_INDEXED };
let t: TestEmulator;
let listId: string;
const N = 450;

beforeAll(async () => {
  t = await startTestEmulator();
  listId = await createList(t.client, t.emu, 'Paging', [
    { name: 'Key', text: {}, indexed: true, enforceUniqueValues: true },
    { name: 'Bucket', number: {}, indexed: true },
    { name: 'Name', text: {} },
    { name: 'When', dateTime: {} },
    { name: 'Active', boolean: {} },
  ]);
  await createItems(t.client, t.emu, listId, N, (i) => ({
    Title: `Item ${i}`,
    Key: `K-${String(i).padStart(4, '0')}`,
    Bucket: i % 10,
    Name: i % 3 === 0 ? "O'Brien" : `name-${i}`,
    When: new Date(Date.UTC(2026, 0, 1) + i * 3600_000).toISOString(),
    Active: i % 2 === 0,
  }));
});
afterAll(async () => {
  await t.close();
});

const items = (): string => `${listPath(t.emu, listId)}/items`;

async function collect(first: unknown, headers?: Record<string, string>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const it = new PageIterator(
    t.client,
    first as PageCollection,
    (item: unknown) => {
      out.push(asRecord(item));
      return true;
    },
    headers === undefined ? undefined : { headers },
  );
  await it.iterate();
  return out;
}

describe('paging (items 2, 20)', () => {
  it('PageIterator walks 450 items in default pages of 200 via absolute https nextLinks', async () => {
    const first = asRecord(await t.client.api(items()).expand('fields').get());
    expect(asArray(first.value)).toHaveLength(200);
    const next = String(first['@odata.nextLink']);
    expect(next.startsWith(`${t.emu.baseUrl}/v1.0/sites/`)).toBe(true);
    expect(next).toContain('$expand=fields');
    const token = decodeURIComponent(/\$skiptoken=([^&]+)/.exec(decodeURIComponent(next))?.[1] ?? '');
    expect(Buffer.from(token, 'base64').toString()).toBe('Paged=TRUE&p_ID=200');
    expect(token.endsWith('=')).toBe(false);
    const all = await collect(first);
    expect(all).toHaveLength(N);
    expect(new Set(all.map((i) => i.id)).size).toBe(N);
    // In item id order; the items were created sixteen at a time, so ids need not follow their keys.
    const ids = all.map((i) => Number(i.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const keys = new Set(all.map((i) => asRecord(i.fields).Key));
    expect(keys).toEqual(new Set(Array.from({ length: N }, (_, i) => `K-${String(i).padStart(4, '0')}`)));
  });

  it('caps $top at 5000 and the last page has no nextLink', async () => {
    const page = asRecord(await t.client.api(items()).top(9999).get());
    expect(asArray(page.value)).toHaveLength(N);
    expect(page['@odata.nextLink']).toBeUndefined();
  });

  it('keeps $filter, $select and expand=fields(select=…) on nextLinks', async () => {
    const first = asRecord(
      await t.client
        .api(`${items()}?expand=fields(select=Key,Bucket)&$filter=fields/Bucket eq 3&$top=10&$select=id`)
        .get(),
    );
    const all = await collect(first);
    expect(all).toHaveLength(45);
    for (const item of all) {
      expect(Object.keys(item).sort()).toEqual(['@odata.etag', 'fields', 'id']);
      expect(asRecord(item.fields)).toMatchObject({ Bucket: 3 });
    }
  });

  it('round-trips quotes in a $filter across nextLinks', async () => {
    const first = asRecord(
      await t.client
        .api(items())
        .header('Prefer', PREFER_NON_INDEXED)
        .filter("fields/Name eq 'O''Brien'")
        .top(50)
        .get(),
    );
    expect(await collect(first, PREFER)).toHaveLength(150);
  });

  it('pages a multi-key $orderby without gaps or repeats', async () => {
    const first = asRecord(
      await t.client
        .api(items())
        .header('Prefer', PREFER_NON_INDEXED)
        .orderby('fields/Bucket desc,fields/Name')
        .top(37)
        .expand('fields')
        .get(),
    );
    const all = await collect(first, PREFER);
    expect(all).toHaveLength(N);
    const buckets = all.map((i) => Number(asRecord(i.fields).Bucket));
    expect(buckets).toEqual([...buckets].sort((a, b) => b - a));
    expect(new Set(all.map((i) => i.id)).size).toBe(N);
  });
});

describe('$filter (item 17)', () => {
  const count = async (filter: string): Promise<number> => {
    const page = asRecord(
      await t.client.api(items()).header('Prefer', PREFER_NON_INDEXED).filter(filter).top(5000).get(),
    );
    return asArray(page.value).length;
  };

  it('supports comparison operators, and/or, parentheses, startswith, typed literals', async () => {
    expect(await count("fields/Key eq 'K-0007'")).toBe(1);
    expect(await count("fields/Key eq 'k-0007'")).toBe(1);
    expect(await count('fields/Bucket ne 0')).toBe(405);
    expect(await count('fields/Bucket lt 2')).toBe(90);
    expect(await count('fields/Bucket le 2 and fields/Bucket ge 2')).toBe(45);
    expect(await count('(fields/Bucket eq 1 or fields/Bucket eq 2) and fields/Active eq true')).toBe(45);
    expect(await count("startswith(fields/Key,'K-00')")).toBe(100);
    expect(await count("fields/Name eq 'O''Brien'")).toBe(150);
    expect(await count('fields/When gt 2026-01-02T00:00:00Z')).toBe(N - 25);
    expect(await count("fields/When lt '2026-01-01T05:00:00Z'")).toBe(5);
    expect(await count('id le 10')).toBe(10);
    expect(await count("createdDateTime ge '2000-01-01T00:00:00Z'")).toBe(N);
    expect(await count('fields/Active eq false and not (fields/Bucket eq 1)')).toBe(180);
  });

  it('a malformed filter is 400', async () => {
    expect((await graphError(() => t.client.api(items()).filter("fields/Key eq 'x").get())).statusCode).toBe(400);
    expect((await graphError(() => t.client.api(items()).filter('fields/Key eq').get())).statusCode).toBe(400);
    expect((await graphError(() => t.client.api(items()).filter("contains(fields/Key,'x')").get())).statusCode).toBe(
      400,
    );
  });
});

describe('indexed-column rule (item 18) and list-view threshold (item 19)', () => {
  it('filter or orderby on a non-indexed column without Prefer is 400 with the Graph message', async () => {
    const e = await graphError(() => t.client.api(items()).filter("fields/Name eq 'x'").get());
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('invalidRequest');
    expect(e.message).toBe(
      "Field 'Name' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to allow this, but be warned that such queries may fail on large lists.",
    );
    expect((await graphError(() => t.client.api(items()).orderby('fields/Name').get())).statusCode).toBe(400);
    // Indexed columns need no Prefer.
    const ok = asRecord(await t.client.api(items()).filter("fields/Key eq 'K-0001'").get());
    expect(asArray(ok.value)).toHaveLength(1);
  });

  it('re-checks Prefer on every page: a nextLink followed without it fails', async () => {
    const first = asRecord(
      await t.client
        .api(items())
        .header('Prefer', PREFER_NON_INDEXED)
        .filter("startswith(fields/Name,'name-')")
        .top(50)
        .get(),
    );
    expect(first['@odata.nextLink']).toBeDefined();
    const e = await graphError(() => collect(first));
    expect(e.statusCode).toBe(400);
    expect(await collect(first, PREFER)).toHaveLength(300);
  });

  it('trips the threshold (429 activityLimitReached) when the driving predicate is unindexed or too wide', async () => {
    // A low threshold so item 19 is testable without 5000 rows.
    const small = await startTestEmulator({ listViewThreshold: 20 });
    try {
      const id = await createList(small.client, small.emu, 'Big', [
        { name: 'Bucket', number: {}, indexed: true },
        { name: 'Name', text: {} },
      ]);
      await createItems(small.client, small.emu, id, 30, (i) => ({ Bucket: i % 3, Name: `n${i}` }));
      const bigItems = `${listPath(small.emu, id)}/items`;
      const scan = await graphError(() =>
        small.raw.api(bigItems).header('Prefer', PREFER_NON_INDEXED).filter("fields/Name eq 'n1'").get(),
      );
      expect(scan.statusCode).toBe(429);
      expect(scan.code).toBe('activityLimitReached');
      expect(scan.headers?.get('retry-after')).toBeNull();
      // 30 rows match the first indexed predicate: wider than 20.
      expect((await graphError(() => small.raw.api(bigItems).filter('fields/Bucket ge 0').get())).statusCode).toBe(429);
      // A narrow indexed first predicate may be combined with an unindexed one.
      const narrow = asRecord(
        await small.raw
          .api(bigItems)
          .header('Prefer', PREFER_NON_INDEXED)
          .filter("fields/Bucket eq 1 and fields/Name eq 'n4'")
          .get(),
      );
      expect(asArray(narrow.value)).toHaveLength(1);
      expect(
        (
          await graphError(() =>
            small.raw.api(bigItems).header('Prefer', PREFER_NON_INDEXED).orderby('fields/Name').get(),
          )
        ).statusCode,
      ).toBe(429);
      // Plain paging by id is always allowed.
      expect(asArray(asRecord(await small.raw.api(bigItems).get()).value)).toHaveLength(30);
    } finally {
      await small.close();
    }
  });

  it('the threshold failure can be the SharePoint 500 instead', async () => {
    const small = await startTestEmulator({ listViewThreshold: 2, listViewThresholdStatus: 500 });
    try {
      const id = await createList(small.client, small.emu, 'Big', [{ name: 'Name', text: {} }]);
      await createItems(small.client, small.emu, id, 3, (i) => ({ Name: `n${i}` }));
      const e = await graphError(() =>
        small.raw
          .api(`${listPath(small.emu, id)}/items`)
          .header('Prefer', PREFER_NON_INDEXED)
          .filter("fields/Name eq 'n1'")
          .get(),
      );
      expect(e.statusCode).toBe(500);
      expect(e.message).toContain('exceeds the list view threshold');
    } finally {
      await small.close();
    }
  });
});
