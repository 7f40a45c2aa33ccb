import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asArray,
  asRecord,
  createItems,
  createList,
  errorBody,
  graphError,
  listPath,
  startTestEmulator,
} from './test-support.js';
import type { TestEmulator } from './test-support.js';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t.close();
});

interface Round {
  readonly items: Record<string, unknown>[];
  readonly deltaLink: string;
  readonly pages: number;
}

/** Follows nextLinks to the deltaLink, like a sync client would. */
async function round(url: string): Promise<Round> {
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = url;
  let pages = 0;
  for (;;) {
    if (next === undefined) throw new Error('delta ended without a deltaLink');
    const page = asRecord(await t.client.api(next).get());
    pages += 1;
    items.push(...asArray(page.value).map(asRecord));
    if (typeof page['@odata.deltaLink'] === 'string') return { items, deltaLink: page['@odata.deltaLink'], pages };
    next = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
  }
}

describe('delta (item 22)', () => {
  it('enumerates, then reports the latest state of changed items and deletions', async () => {
    const listId = await createList(t.client, t.emu, 'Delta', [{ name: 'N', number: {} }]);
    const ids = await createItems(t.client, t.emu, listId, 5, (i) => ({ Title: `t${i}`, N: i }), 1);
    const base = `${listPath(t.emu, listId)}/items/delta?$expand=fields&$top=2`;
    const first = await round(base);
    expect(first.pages).toBe(3);
    expect(first.items.map((i) => i.id)).toEqual(ids);
    expect(first.deltaLink.startsWith(`${t.emu.baseUrl}/v1.0/sites/`)).toBe(true);
    expect(first.deltaLink).toContain('/items/delta?');
    expect(first.deltaLink).toContain('token=');

    const items = `${listPath(t.emu, listId)}/items`;
    await t.client.api(`${items}/${ids[1] ?? ''}/fields`).patch({ N: 100 });
    await t.client.api(`${items}/${ids[1] ?? ''}/fields`).patch({ N: 200 });
    await t.client.api(`${items}/${ids[2] ?? ''}`).delete();
    const [added] = await createItems(t.client, t.emu, listId, 1, () => ({ Title: 'new' }));

    const second = await round(first.deltaLink);
    const byId = new Map(second.items.map((i) => [i.id, i]));
    expect([...byId.keys()].sort()).toEqual([ids[1], ids[2], added].sort());
    expect(asRecord(byId.get(ids[1])?.fields).N).toBe(200);
    expect(byId.get(ids[2])).toEqual({
      id: ids[2],
      parentReference: { id: listId, siteId: t.emu.siteId },
      deleted: { state: 'deleted' },
    });

    const third = await round(second.deltaLink);
    expect(third.items).toEqual([]);
  });

  it('token=latest gives an empty page and a deltaLink from now', async () => {
    const listId = await createList(t.client, t.emu, 'Latest');
    await createItems(t.client, t.emu, listId, 3, (i) => ({ Title: `old${i}` }));
    const latest = asRecord(await t.client.api(`${listPath(t.emu, listId)}/items/delta?token=latest`).get());
    expect(latest.value).toEqual([]);
    const [fresh] = await createItems(t.client, t.emu, listId, 1, () => ({ Title: 'fresh' }));
    const next = await round(String(latest['@odata.deltaLink']));
    expect(next.items.map((i) => i.id)).toEqual([fresh]);
  });

  it('expired tokens answer 410 resyncChangesApplyDifferences with a Location that restarts the sync', async () => {
    const listId = await createList(t.client, t.emu, 'Expiry');
    await createItems(t.client, t.emu, listId, 2, (i) => ({ Title: `e${i}` }));
    const first = await round(`${listPath(t.emu, listId)}/items/delta?$select=id`);
    await t.emu.expireDeltaTokens();
    const e = await graphError(() => t.raw.api(first.deltaLink).get());
    expect(e.statusCode).toBe(410);
    expect(e.code).toBe('resyncChangesApplyDifferences');
    expect(asRecord(errorBody(e).innerError)['request-id']).toBe(e.requestId);
    const location = e.headers?.get('location') ?? '';
    expect(location).toBe(`${t.emu.baseUrl}/v1.0/sites/${t.emu.siteId}/lists/${listId}/items/delta?$select=id`);
    const again = await round(location);
    expect(again.items).toHaveLength(2);
  });

  it('tokens expire by age when deltaTokenTtlMs is set', async () => {
    const short = await startTestEmulator({ deltaTokenTtlMs: 50 });
    try {
      const listId = await createList(short.client, short.emu, 'Ttl');
      const latest = asRecord(await short.client.api(`${listPath(short.emu, listId)}/items/delta?token=latest`).get());
      await new Promise((r) => setTimeout(r, 80));
      expect((await graphError(() => short.raw.api(String(latest['@odata.deltaLink'])).get())).statusCode).toBe(410);
    } finally {
      await short.close();
    }
  });

  it('only $select, $expand and $top are accepted', async () => {
    const listId = await createList(t.client, t.emu, 'DeltaOpts');
    const e = await graphError(() =>
      t.client
        .api(`${listPath(t.emu, listId)}/items/delta`)
        .filter('id eq 1')
        .get(),
    );
    expect(e.statusCode).toBe(400);
  });
});
