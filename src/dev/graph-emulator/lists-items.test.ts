import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_JSON_CONTENT_TYPE } from './index.js';
import {
  asArray,
  asRecord,
  createList,
  errorBody,
  graphError,
  listPath,
  rawFetch,
  startTestEmulator,
} from './test-support.js';
import type { TestEmulator } from './test-support.js';

let t: TestEmulator;
let casesId: string;

beforeAll(async () => {
  t = await startTestEmulator();
  casesId = await createList(t.client, t.emu, 'Cases', [
    { name: 'CaseKey', text: {}, indexed: true, enforceUniqueValues: true },
    { name: 'Status', choice: { choices: ['Open', 'Closed'] }, indexed: true },
    { name: 'Tags', choice: { choices: ['a', 'b', 'c'], displayAs: 'checkBoxes' } },
    { name: 'Count', number: {} },
    { name: 'Flag', boolean: {} },
    { name: 'Due', dateTime: { format: 'dateOnly' } },
    { name: 'At', dateTime: { format: 'dateTime' } },
    { name: 'Owner', personOrGroup: {} },
    { name: 'Secret', text: {}, hidden: true },
  ]);
});
afterAll(async () => {
  await t.close();
});

const items = (): string => `${listPath(t.emu, casesId)}/items`;

describe('transport (items 1–5)', () => {
  it('answers JSON with the exact Graph content type and request ids', async () => {
    const res = await rawFetch(t.emu, `/v1.0/sites/${t.emu.siteId}`, { headers: { 'client-request-id': 'abc-123' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(GRAPH_JSON_CONTENT_TYPE);
    expect(res.headers['client-request-id']).toBe('abc-123');
    expect(res.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends Authorization and SdkVersion through the SDK (https + customHosts without port)', async () => {
    t.emu.resetCounters();
    await t.client.api('/sites/root').get();
    const last = t.emu.recentRequests().at(-1);
    expect(last?.hasAuthorization).toBe(true);
    expect(last?.sdkVersion).toMatch(/graph-js\/3\.0\.7/);
  });

  it('unknown routes are 404 itemNotFound with the full error envelope', async () => {
    const e = await graphError(() => t.client.api('/nothing/here').get());
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe('itemNotFound');
    const inner = asRecord(errorBody(e).innerError);
    expect(inner.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(inner['request-id']).toBe(e.requestId);
    expect(typeof inner['client-request-id']).toBe('string');
    expect((await graphError(() => t.client.api(`/sites/${t.emu.siteId}/lists/NoSuchList`).get())).statusCode).toBe(
      404,
    );
    expect((await graphError(() => t.client.api(`${items()}/999999`).get())).statusCode).toBe(404);
  });

  it('malformed JSON bodies are 400 invalidRequest', async () => {
    const res = await rawFetch(t.emu, `/v1.0${items()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"fields":',
    });
    expect(res.status).toBe(400);
    expect(asRecord(asRecord(JSON.parse(res.text)).error).code).toBe('invalidRequest');
  });

  it('serves the site by id, as root and by path', async () => {
    const site = asRecord(await t.client.api(`/sites/${t.emu.siteId}`).get());
    expect(site.id).toBe(t.emu.siteId);
    expect(t.emu.siteId).toMatch(/^localhost,[0-9a-f-]{36},[0-9a-f-]{36}$/);
    expect(asRecord(await t.client.api('/sites/root').get()).id).toBe(t.emu.siteId);
    expect(asRecord(await t.client.api('/sites/localhost:/sites/trellis').get()).id).toBe(t.emu.siteId);
  });
});

describe('lists and columns (items 6–8)', () => {
  it('creates a list with GUID id, eTag, Title column, and refuses a name', async () => {
    const list = asRecord(await t.client.api(`/sites/${t.emu.siteId}/lists`).post({ displayName: 'Support Plans' }));
    expect(list.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(list.eTag).toBe(`"${String(list.id)},1"`);
    expect(list['@odata.etag']).toBe(list.eTag);
    expect(asRecord(list.list)).toMatchObject({ template: 'genericList', hidden: false, contentTypesEnabled: false });
    expect(asRecord(list.parentReference).siteId).toBe(t.emu.siteId);
    const withCols = asRecord(
      await t.client
        .api(`/sites/${t.emu.siteId}/lists/${String(list.id)}`)
        .expand('columns')
        .get(),
    );
    const title = asArray(withCols.columns)
      .map(asRecord)
      .find((c) => c.name === 'Title');
    expect(asRecord(title?.text).maxLength).toBe(255);
    const e = await graphError(() =>
      t.client.api(`/sites/${t.emu.siteId}/lists`).post({ displayName: 'X', name: 'X' }),
    );
    expect(e.statusCode).toBe(400);
    expect(e.message).toContain("Cannot define a 'name' for a list");
  });

  it('adds columns (201, text maxLength 255) and lists them', async () => {
    const id = await createList(t.client, t.emu, 'Columns Test');
    const col = asRecord(await t.client.api(`${listPath(t.emu, id)}/columns`).post({ name: 'Notes', text: {} }));
    expect(asRecord(col.text).maxLength).toBe(255);
    expect(col.indexed).toBe(false);
    const cols = asArray(asRecord(await t.client.api(`${listPath(t.emu, id)}/columns`).get()).value).map(asRecord);
    expect(cols.map((c) => c.name)).toEqual(expect.arrayContaining(['Title', 'Notes', 'ID', 'Created']));
  });

  it('caps a list at 20 indexed columns', async () => {
    const id = await createList(t.client, t.emu, 'Index Cap');
    for (let i = 0; i < 20; i += 1) {
      await t.client.api(`${listPath(t.emu, id)}/columns`).post({ name: `Ix${i}`, text: {}, indexed: true });
    }
    const e = await graphError(() =>
      t.client.api(`${listPath(t.emu, id)}/columns`).post({ name: 'Ix20', text: {}, indexed: true }),
    );
    expect(e.statusCode).toBe(400);
  });

  it('unique needs an index, and is refused on boolean, note and multi-value columns', async () => {
    const cols = `${listPath(t.emu, casesId)}/columns`;
    const e = await graphError(() => t.client.api(cols).post({ name: 'U1', text: {}, enforceUniqueValues: true }));
    expect(e.statusCode).toBe(400);
    expect(e.message).toBe('The field must first be indexed to enforce unique values.');
    for (const body of [
      { name: 'U2', boolean: {}, indexed: true, enforceUniqueValues: true },
      { name: 'U3', text: { allowMultipleLines: true }, indexed: true, enforceUniqueValues: true },
      { name: 'U4', choice: { choices: ['x'], displayAs: 'checkBoxes' }, indexed: true, enforceUniqueValues: true },
    ]) {
      expect((await graphError(() => t.client.api(cols).post(body))).statusCode).toBe(400);
    }
  });
});

describe('items (items 9–16)', () => {
  it('creates an item: 201, string id counter, eTag version 1, UTC timestamps, system fields', async () => {
    const item = asRecord(
      await t.client.api(items()).post({ fields: { Title: 'First', CaseKey: 'CASE-1', Status: 'Open', Count: 3 } }),
    );
    expect(typeof item.id).toBe('string');
    expect(item.eTag).toMatch(/^"[0-9a-f-]{36},1"$/);
    expect(item.createdDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(asRecord(item.createdBy).application).toBeDefined();
    expect(item.webUrl).toMatch(new RegExp(`/Lists/Cases/${String(item.id)}_\\.000$`));
    const fields = asRecord(item.fields);
    expect(fields).toMatchObject({
      Title: 'First',
      CaseKey: 'CASE-1',
      Count: 3,
      ContentType: 'Item',
      _UIVersionString: '1.0',
      Attachments: false,
      ItemChildCount: '0',
      id: item.id,
    });
    expect(fields.Secret).toBeUndefined();
  });

  it('never reuses ids after a delete', async () => {
    const a = asRecord(await t.client.api(items()).post({ fields: { Title: 'a' } }));
    await t.client.api(`${items()}/${String(a.id)}`).delete();
    const b = asRecord(await t.client.api(items()).post({ fields: { Title: 'b' } }));
    expect(Number(b.id)).toBe(Number(a.id) + 1);
    expect((await graphError(() => t.client.api(`${items()}/${String(a.id)}`).get())).statusCode).toBe(404);
  });

  it('a body without fields creates an empty item', async () => {
    const item = asRecord(await t.client.api(items()).post({}));
    expect(asRecord(item.fields).Title).toBeUndefined();
  });

  it('rejects unknown fields, arrays without annotation, bad choices', async () => {
    const unknown = await graphError(() => t.client.api(items()).post({ fields: { Nope: 1 } }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toContain("Field 'Nope' is not recognized");
    expect((await graphError(() => t.client.api(items()).post({ fields: { Tags: ['a'] } }))).statusCode).toBe(400);
    expect((await graphError(() => t.client.api(items()).post({ fields: { Status: 'Maybe' } }))).statusCode).toBe(400);
    const ok = asRecord(
      await t.client.api(items()).post({ fields: { Tags: ['a', 'b'], 'Tags@odata.type': 'Collection(Edm.String)' } }),
    );
    expect(asRecord(ok.fields).Tags).toEqual(['a', 'b']);
  });

  it('person columns take <Name>LookupId as a string; a number is a 500', async () => {
    const ok = asRecord(await t.client.api(items()).post({ fields: { OwnerLookupId: '12' } }));
    expect(asRecord(ok.fields).OwnerLookupId).toBe('12');
    const e = await graphError(() => t.raw.api(items()).post({ fields: { OwnerLookupId: 12 } }));
    expect(e.statusCode).toBe(500);
    expect(e.code).toBe('generalException');
  });

  it('stores datetimes in UTC and date-only as site-midnight in UTC (Europe/London)', async () => {
    const item = asRecord(
      await t.client.api(items()).post({ fields: { Due: '2026-06-01', At: '2026-06-01T10:30:00+01:00' } }),
    );
    const fields = asRecord(item.fields);
    expect(fields.Due).toBe('2026-05-31T23:00:00Z');
    expect(fields.At).toBe('2026-06-01T09:30:00Z');
    const winter = asRecord(await t.client.api(items()).post({ fields: { Due: '2026-01-15' } }));
    expect(asRecord(winter.fields).Due).toBe('2026-01-15T00:00:00Z');
  });

  it('GET item with expand=fields(select=…) and $expand=fields($select=…); hidden only when selected', async () => {
    const created = asRecord(await t.client.api(items()).post({ fields: { Title: 'Sel', Secret: 's3', Count: 7 } }));
    const id = String(created.id);
    const a = asRecord(await t.client.api(`${items()}/${id}?expand=fields(select=Title,Secret)`).get());
    expect(a['@odata.context']).toMatch(/\/items\/\$entity$/);
    expect(a['fields@odata.context']).toMatch(new RegExp(`/items\\('${id}'\\)/fields/\\$entity$`));
    expect(asRecord(a.fields)).toEqual({ '@odata.etag': created.eTag, Title: 'Sel', Secret: 's3' });
    const b = asRecord(await t.client.api(`${items()}/${id}`).expand('fields($select=Count)').get());
    expect(asRecord(b.fields).Count).toBe(7);
    const noFields = asRecord(await t.client.api(`${items()}/${id}`).select('id,eTag').get());
    expect(Object.keys(noFields).sort()).toEqual(['@odata.context', '@odata.etag', 'eTag', 'id']);
  });

  it('PATCH fields: 200 fieldValueSet with bumped eTag; stale If-Match is 412 and changes nothing', async () => {
    const created = asRecord(await t.client.api(items()).post({ fields: { Title: 'v1' } }));
    const id = String(created.id);
    const etag1 = String(created.eTag);
    const patched = asRecord(
      await t.client.api(`${items()}/${id}/fields`).header('If-Match', etag1).patch({ Title: 'v2' }),
    );
    expect(patched.Title).toBe('v2');
    expect(patched['@odata.etag']).toMatch(/,2"$/);
    expect(patched._UIVersionString).toBe('2.0');
    const stale = await graphError(() =>
      t.client.api(`${items()}/${id}/fields`).header('If-Match', etag1).patch({ Title: 'v3' }),
    );
    expect(stale.statusCode).toBe(412);
    expect(stale.code).toBe('resourceModified');
    expect(asRecord(asRecord(await t.client.api(`${items()}/${id}`).expand('fields').get()).fields).Title).toBe('v2');
    const star = asRecord(await t.client.api(`${items()}/${id}/fields`).header('If-Match', '*').patch({ Title: 'v4' }));
    expect(star.Title).toBe('v4');
  });

  it('the 409 resourceModified variant is selectable', async () => {
    const created = asRecord(await t.client.api(items()).post({ fields: { Title: 'x' } }));
    t.emu.setFaults({ etagMismatchStatus: 409 });
    try {
      const e = await graphError(() =>
        t.client
          .api(`${items()}/${String(created.id)}/fields`)
          .header('If-Match', '"stale,1"')
          .patch({ Title: 'y' }),
      );
      expect(e.statusCode).toBe(409);
      expect(e.code).toBe('resourceModified');
    } finally {
      t.emu.setFaults({});
    }
  });

  it('DELETE: 204, If-Match honoured', async () => {
    const created = asRecord(await t.client.api(items()).post({ fields: { Title: 'gone' } }));
    const id = String(created.id);
    expect(
      (await graphError(() => t.client.api(`${items()}/${id}`).header('If-Match', '"nope,9"').delete())).statusCode,
    ).toBe(412);
    await t.client.api(`${items()}/${id}`).header('If-Match', String(created.eTag)).delete();
    expect((await graphError(() => t.client.api(`${items()}/${id}`).get())).statusCode).toBe(404);
  });

  it('unique columns: case-insensitive 409 nameAlreadyExists on create and update; status configurable', async () => {
    await t.client.api(items()).post({ fields: { CaseKey: 'DUP-1' } });
    const e = await graphError(() => t.client.api(items()).post({ fields: { CaseKey: 'dup-1' } }));
    expect(e.statusCode).toBe(409);
    expect(e.code).toBe('nameAlreadyExists');
    expect(e.message).toBe(
      'The list item could not be added or updated because duplicate values were found in the following field(s) in the list: [CaseKey].',
    );
    const other = asRecord(await t.client.api(items()).post({ fields: { CaseKey: 'DUP-2' } }));
    expect(
      (await graphError(() => t.client.api(`${items()}/${String(other.id)}/fields`).patch({ CaseKey: 'Dup-1' })))
        .statusCode,
    ).toBe(409);
    // Updating an item to its own value is not a duplicate.
    await t.client.api(`${items()}/${String(other.id)}/fields`).patch({ CaseKey: 'dup-2' });
    for (const status of [400, 500] as const) {
      t.emu.setFaults({ uniqueViolationStatus: status });
      const alt = await graphError(() => t.raw.api(items()).post({ fields: { CaseKey: 'DUP-1' } }));
      expect(alt.statusCode).toBe(status);
      expect(alt.message).toContain('duplicate values were found');
    }
    t.emu.setFaults({});
  });
});
