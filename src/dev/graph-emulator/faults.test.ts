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
import { faultConfigSchema } from './faults.js';
import type { FaultConfig, FaultLogEntry } from './types.js';

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

describe('scripted answers, the decision log and replay', () => {
  it('a script answers exactly the nth matching request, each step once', async () => {
    t.emu.setFaults({
      script: [
        { name: 'second-get', answer: 'fail', status: 503, method: 'GET', path: '/sites/*', nth: 2 },
        {
          name: 'third-get',
          answer: 'fail',
          status: 429,
          retryAfterSeconds: null,
          method: 'GET',
          path: '/sites/*',
          nth: 3,
        },
      ],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await rawFetch(t.emu, `/v1.0/sites/${t.emu.siteId}`)).status);
    expect(statuses).toEqual([200, 503, 429, 200, 200]);
    expect(t.emu.faultLog().map((e) => [e.n, e.key, e.occurrence, e.answer, e.status, e.by])).toEqual([
      [2, 'GET site', 2, 'fail', 503, 'second-get'],
      [3, 'GET site', 3, 'fail', 429, 'third-get'],
    ]);
    t.emu.setFaults({});
  });

  it('a script step can pick one $batch sub-request by id and apply it before answering 504', async () => {
    t.emu.setFaults({
      script: [{ name: 'b-504', answer: 'applyThenFail', status: 504, method: 'POST', batchId: 'b' }],
    });
    const posted: unknown = await t.client.api('/$batch').post({
      requests: ['a', 'b'].map((id) => ({
        id,
        method: 'POST',
        url: items(),
        headers: { 'Content-Type': 'application/json' },
        body: { fields: { Key: `SCRIPTED-${id}` } },
      })),
    });
    const answer = asRecord(posted);
    const statuses = asArray(answer.responses).map((r) => `${String(asRecord(r).id)} ${String(asRecord(r).status)}`);
    expect(statuses.sort()).toEqual(['a 201', 'b 504']);
    const stored = asRecord(await t.client.api(items()).filter("startswith(fields/Key,'SCRIPTED-')").get());
    expect(asArray(stored.value)).toHaveLength(2);
    expect(t.emu.faultLog()).toEqual([
      { n: 3, key: 'POST items Claims #b', occurrence: 1, by: 'b-504', answer: 'applyThenFail', status: 504 },
    ]);
    t.emu.setFaults({});
  });

  it('a held request runs only when released, and other requests go on meanwhile', async () => {
    t.emu.setFaults({ script: [{ name: 'slow-read', answer: 'hold', method: 'GET', path: '/sites/*' }] });
    const order: string[] = [];
    const held = rawFetch(t.emu, `/v1.0/sites/${t.emu.siteId}`).then((r) => {
      order.push(`held ${r.status}`);
    });
    await t.emu.whenHeld('slow-read');
    expect(JSON.parse((await rawFetch(t.emu, '/_emulator/faults/held')).text)).toEqual(['slow-read']);
    const other = await rawFetch(t.emu, `/v1.0/sites/${t.emu.siteId}/lists`);
    order.push(`other ${other.status}`);
    const released = await rawFetch(t.emu, '/_emulator/faults/release', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow-read' }),
    });
    expect(released.status).toBe(204);
    await held;
    expect(order).toEqual(['other 200', 'held 200']);
    t.emu.setFaults({});
  });

  it('a hold step needs a name', () => {
    expect(faultConfigSchema.safeParse({ script: [{ answer: 'hold' }] }).success).toBe(false);
  });

  it('replaying a log gives the same requests the same answers, whatever the rules would draw', async () => {
    const run = async (faults: FaultConfig): Promise<{ statuses: number[]; log: FaultLogEntry[] }> => {
      t.emu.setFaults(faults);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        const path = i % 2 === 0 ? `/v1.0/sites/${t.emu.siteId}` : `/v1.0/sites/${t.emu.siteId}/lists`;
        statuses.push((await rawFetch(t.emu, path)).status);
      }
      const log = t.emu.faultLog();
      t.emu.setFaults({});
      return { statuses, log };
    };
    const recorded = await run({
      rules: [
        { name: 'busy', kind: 'fail', status: 503, rate: 0.3, retryAfterSeconds: null },
        { name: 'slow', kind: 'latency', latencyMs: 1, rate: 0.2 },
      ],
    });
    expect(recorded.statuses.filter((s) => s === 503).length).toBeGreaterThan(2);
    // Over HTTP, as a soak run or another process replays it.
    const set = await rawFetch(t.emu, '/_emulator/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replay: recorded.log }),
    });
    expect(set.status).toBe(200);
    const replayed = await run(t.emu.getFaults());
    expect(replayed.statuses).toEqual(recorded.statuses);
    expect(replayed.log.map(({ n: _n, ...entry }) => entry)).toEqual(recorded.log.map(({ n: _n, ...entry }) => entry));
    expect(JSON.parse((await rawFetch(t.emu, '/_emulator/faults/log')).text)).toEqual([]);
  });
});
