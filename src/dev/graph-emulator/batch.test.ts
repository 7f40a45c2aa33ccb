import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_JSON_CONTENT_TYPE } from './index.js';
import { asArray, asRecord, createList, graphError, listPath, rawFetch, startTestEmulator } from './test-support.js';
import type { TestEmulator } from './test-support.js';

let t: TestEmulator;
let listId: string;

beforeAll(async () => {
  t = await startTestEmulator();
  listId = await createList(t.client, t.emu, 'Batch', [
    { name: 'Key', text: {}, indexed: true, enforceUniqueValues: true },
  ]);
});
afterAll(async () => {
  await t.close();
});

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const itemsUrl = (): string => `${listPath(t.emu, listId)}/items`;

async function batch(requests: unknown[]): Promise<Map<string, Record<string, unknown>>> {
  const res = asRecord(await t.client.api('/$batch').post({ requests }));
  return new Map(asArray(res.responses).map((r) => [String(asRecord(r).id), asRecord(r)]));
}

describe('$batch (item 23)', () => {
  it('answers 200 with per-request status, capitalised Content-Type and JSON bodies', async () => {
    const out = await batch([
      { id: '1', method: 'POST', url: itemsUrl(), headers: JSON_HEADERS, body: { fields: { Key: 'B-1' } } },
      { id: '2', method: 'GET', url: `/sites/${t.emu.siteId}` },
    ]);
    const created = out.get('1');
    expect(created?.status).toBe(201);
    expect(asRecord(created?.headers)['Content-Type']).toBe(GRAPH_JSON_CONTENT_TYPE);
    expect(asRecord(asRecord(created?.body).fields).Key).toBe('B-1');
    expect(out.get('2')?.status).toBe(200);
  });

  it('dependsOn runs in order and fails dependents of a failed request with 424', async () => {
    const out = await batch([
      { id: 'a', method: 'POST', url: itemsUrl(), headers: JSON_HEADERS, body: { fields: { Key: 'B-1' } } },
      {
        id: 'b',
        method: 'POST',
        url: itemsUrl(),
        headers: JSON_HEADERS,
        body: { fields: { Key: 'B-2' } },
        dependsOn: ['a'],
      },
      { id: 'c', method: 'GET', url: `/sites/${t.emu.siteId}`, dependsOn: ['b'] },
      { id: 'd', method: 'GET', url: `/sites/${t.emu.siteId}` },
    ]);
    expect(out.get('a')?.status).toBe(409);
    expect(out.get('b')?.status).toBe(424);
    expect(out.get('c')?.status).toBe(424);
    expect(asRecord(asRecord(out.get('b')?.body).error).code).toBe('FailedDependency');
    expect(out.get('d')?.status).toBe(200);
    const b2 = asRecord(await t.client.api(itemsUrl()).filter("fields/Key eq 'B-2'").get());
    expect(b2.value).toEqual([]);
  });

  it("a /v1.0-prefixed sub-url (SDK 3.0.7's BatchRequestContent) is a 400 sub-status", async () => {
    const out = await batch([{ id: '1', method: 'GET', url: `/v1.0/sites/${t.emu.siteId}` }]);
    const r = out.get('1');
    expect(r?.status).toBe(400);
    expect(asRecord(asRecord(r?.body).error).message).toBe("Resource not found for the segment 'v1.0'.");
  });

  it('rejects more than 20 requests, duplicate ids (case-insensitive), bodies without Content-Type, bad JSON', async () => {
    const get = (id: string): unknown => ({ id, method: 'GET', url: `/sites/${t.emu.siteId}` });
    const many = Array.from({ length: 21 }, (_, i) => get(String(i)));
    expect((await graphError(() => t.client.api('/$batch').post({ requests: many }))).statusCode).toBe(400);
    expect((await graphError(() => t.client.api('/$batch').post({ requests: [get('x'), get('X')] }))).statusCode).toBe(
      400,
    );
    const noType = { id: '1', method: 'POST', url: itemsUrl(), body: { fields: {} } };
    expect((await graphError(() => t.client.api('/$batch').post({ requests: [noType] }))).statusCode).toBe(400);
    const res = await rawFetch(t.emu, '/v1.0/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"requests":[',
    });
    expect(res.status).toBe(400);
    expect(
      asRecord(await t.client.api('/$batch').post({ requests: Array.from({ length: 20 }, (_, i) => get(String(i))) }))
        .responses,
    ).toHaveLength(20);
  });

  it('throttles sub-requests individually: 429 with Retry-After in the sub-headers, batch still 200, counted', async () => {
    t.emu.setFaults({
      rules: [
        {
          kind: 'fail',
          status: 429,
          retryAfterSeconds: 3,
          scope: 'batch',
          method: 'POST',
          path: '/sites/*/lists/*/items',
          times: 2,
        },
      ],
    });
    t.emu.resetCounters();
    try {
      const out = await batch(
        ['t1', 't2', 't3', 't4'].map((id) => ({
          id,
          method: 'POST',
          url: itemsUrl(),
          headers: JSON_HEADERS,
          body: { fields: { Key: `T-${id}` } },
        })),
      );
      const statuses = [...out.values()].map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 429, 429]);
      const throttled = [...out.values()].find((r) => r.status === 429);
      expect(asRecord(throttled?.headers)['Retry-After']).toBe('3');
      expect(asRecord(asRecord(throttled?.body).error).code).toBe('TooManyRequests');
      const counters = t.emu.inspect().counters;
      expect(counters.total).toBe(1);
      expect(counters.batchSubRequests).toBe(4);
      expect(counters.byRoute['POST items']).toBe(4);
      expect(counters.byRoute['POST $batch']).toBe(1);
      expect(counters.faultsInjected).toBe(2);
    } finally {
      t.emu.setFaults({});
    }
  });

  it('models the mailbox concurrency limit (4) inside a parallel batch', async () => {
    const m = await startTestEmulator({ mailboxConcurrencyLimit: 4 });
    try {
      const mail = {
        message: {
          subject: 'x',
          body: { contentType: 'Text', content: 'x' },
          toRecipients: [{ emailAddress: { address: 'a@b.org' } }],
        },
      };
      const requests = Array.from({ length: 6 }, (_, i) => ({
        id: String(i),
        method: 'POST',
        url: '/users/mentor@school.org/sendMail',
        headers: JSON_HEADERS,
        body: mail,
      }));
      const res = asRecord(await m.client.api('/$batch').post({ requests }));
      const statuses = asArray(res.responses).map((r) => asRecord(r).status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(4);
      const throttled = asArray(res.responses)
        .map(asRecord)
        .filter((r) => r.status === 429);
      expect(throttled).toHaveLength(2);
      expect(asRecord(asRecord(throttled[0]?.body).error).code).toBe('ApplicationThrottled');
    } finally {
      await m.close();
    }
  });

  it('can shuffle the response order (seeded)', async () => {
    const s = await startTestEmulator({ shuffleBatchResponses: true, seed: 42 });
    try {
      const requests = Array.from({ length: 10 }, (_, i) => ({
        id: String(i),
        method: 'GET',
        url: `/sites/${s.emu.siteId}`,
      }));
      const res = asRecord(await s.client.api('/$batch').post({ requests }));
      const order = asArray(res.responses).map((r) => String(asRecord(r).id));
      expect([...order].sort()).toEqual(requests.map((r) => r.id).sort());
      expect(order).not.toEqual(requests.map((r) => r.id));
    } finally {
      await s.close();
    }
  });
});
