import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let listId: string;

beforeAll(async () => {
  t = await startTestEmulator();
  listId = await createList(t.client, t.emu, 'Claims', [
    { name: 'Key', text: {}, indexed: true, enforceUniqueValues: true },
    { name: 'N', number: {} },
  ]);
});
afterAll(async () => {
  await t.close();
});

const items = (): string => `${listPath(t.emu, listId)}/items`;

describe('fault injection (items 24, 26)', () => {
  it('429 with Retry-After: 0 is retried by the SDK RetryHandler and then succeeds', async () => {
    t.emu.setFaults({
      rules: [{ kind: 'fail', status: 429, retryAfterSeconds: 0, method: 'GET', path: '/sites/*', times: 2 }],
    });
    t.emu.resetCounters();
    const site = asRecord(await t.client.api(`/sites/${t.emu.siteId}`).get());
    expect(site.id).toBe(t.emu.siteId);
    const counters = t.emu.inspect().counters;
    expect(counters.byRoute['GET site']).toBe(3);
    expect(counters.faultsInjected).toBe(2);
    t.emu.setFaults({});
  });

  it('503/504 with integer, fractional or no Retry-After; Graph and SharePoint bodies', async () => {
    const cases = [
      { status: 503 as const, retryAfterSeconds: 2.128, expectHeader: '2.128', code: 'serviceNotAvailable' },
      { status: 504 as const, retryAfterSeconds: null, expectHeader: null, code: 'gatewayTimeout' },
      { status: 429 as const, retryAfterSeconds: 5, expectHeader: '5', code: 'TooManyRequests' },
    ];
    for (const c of cases) {
      t.emu.setFaults({
        rules: [{ kind: 'fail', status: c.status, retryAfterSeconds: c.retryAfterSeconds, times: 1 }],
      });
      const e = await graphError(() => t.raw.api(`/sites/${t.emu.siteId}`).get());
      expect(e.statusCode).toBe(c.status);
      expect(e.code).toBe(c.code);
      expect(e.headers?.get('retry-after') ?? null).toBe(c.expectHeader);
    }
    t.emu.setFaults({ rules: [{ kind: 'fail', status: 429, style: 'sharepoint', times: 1 }] });
    const sp = await graphError(() => t.raw.api(`/sites/${t.emu.siteId}`).get());
    expect(sp.code).toBe('activityLimitReached');
    expect(sp.message).toBe('The request has been throttled');
    expect(asRecord(errorBody(sp).innerError).code).toBe('throttledRequest');
    t.emu.setFaults({});
  });

  it('applied-then-failed POST: the SDK retries, the retry meets the unique key (409), exactly one item exists', async () => {
    t.emu.setFaults({
      rules: [{ kind: 'applyThenFail', status: 503, method: 'POST', path: '/sites/*/lists/*/items', times: 1 }],
    });
    t.emu.resetCounters();
    const e = await graphError(() => t.client.api(items()).post({ fields: { Key: 'CLAIM-1' } }));
    expect(e.statusCode).toBe(409);
    expect(e.message).toContain('duplicate values were found');
    expect(t.emu.inspect().counters.byRoute['POST items']).toBe(2);
    const found = asRecord(await t.client.api(items()).filter("fields/Key eq 'CLAIM-1'").get());
    expect(asArray(found.value)).toHaveLength(1);
    t.emu.setFaults({});
  });

  it('applied-then-failed PATCH (504) is retried and lands once more', async () => {
    const created = asRecord(await t.client.api(items()).post({ fields: { Key: 'P-1', N: 1 } }));
    t.emu.setFaults({ rules: [{ kind: 'applyThenFail', status: 504, method: 'PATCH', times: 1 }] });
    const patched = asRecord(await t.client.api(`${items()}/${String(created.id)}/fields`).patch({ N: 2 }));
    expect(patched.N).toBe(2);
    expect(patched._UIVersionString).toBe('3.0');
    t.emu.setFaults({});
  });

  it('rates use a seeded PRNG: the same seed gives the same failure pattern', async () => {
    const pattern = async (): Promise<number[]> => {
      const s = await startTestEmulator({
        seed: 7,
        faults: { rules: [{ kind: 'fail', status: 503, rate: 0.3, retryAfterSeconds: null }] },
      });
      try {
        const out: number[] = [];
        for (let i = 0; i < 30; i += 1) {
          const res = await rawFetch(s.emu, `/v1.0/sites/${s.emu.siteId}`);
          out.push(res.status);
        }
        return out;
      } finally {
        await s.close();
      }
    };
    const a = await pattern();
    expect(a).toEqual(await pattern());
    const failures = a.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(2);
    expect(failures).toBeLessThan(20);
  });

  it('adds latency', async () => {
    t.emu.setFaults({ rules: [{ kind: 'latency', latencyMs: 150, method: 'GET', path: '/sites/*' }] });
    const start = Date.now();
    await t.client.api(`/sites/${t.emu.siteId}`).get();
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
    t.emu.setFaults({});
  });

  it('faults can be read and set over HTTP at /_emulator/faults', async () => {
    const rules = { rules: [{ kind: 'fail', status: 503, path: '/users/**', times: 1 }], uniqueViolationStatus: 400 };
    const set = await rawFetch(t.emu, '/_emulator/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rules),
    });
    expect(set.status).toBe(200);
    expect(JSON.parse((await rawFetch(t.emu, '/_emulator/faults')).text)).toEqual(rules);
    expect(t.emu.getFaults()).toEqual(rules);
    const bad = await rawFetch(t.emu, '/_emulator/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"rules":[{"kind":"explode"}]}',
    });
    expect(bad.status).toBe(400);
    t.emu.setFaults({});
  });

  it('meters SharePoint resource units when configured (item 25)', async () => {
    const m = await startTestEmulator({ resourceUnits: { perMinute: 10 } });
    try {
      const site = `/v1.0/sites/${m.emu.siteId}`;
      for (let i = 1; i <= 7; i += 1) expect((await rawFetch(m.emu, site)).headers['ratelimit-limit']).toBeUndefined();
      const eighth = await rawFetch(m.emu, site);
      expect(eighth.status).toBe(200);
      expect(eighth.headers['ratelimit-limit']).toBe('10');
      expect(eighth.headers['ratelimit-remaining']).toBe('2');
      await rawFetch(m.emu, site);
      await rawFetch(m.emu, site);
      const over = await rawFetch(m.emu, site);
      expect(over.status).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(asRecord(asRecord(JSON.parse(over.text)).error).code).toBe('activityLimitReached');
      // Mail is not SharePoint: not metered.
      const mail = await rawFetch(m.emu, '/v1.0/users/a@b.org/sendMail', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: { toRecipients: [{ emailAddress: { address: 'c@d.org' } }] } }),
      });
      expect(mail.status).toBe(202);
    } finally {
      await m.close();
    }
  });
});
