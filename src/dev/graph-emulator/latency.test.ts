import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Latency, TENANT_LATENCY, drawFrom, latencyClass, latencyProfileNamed } from './latency.js';
import type { LatencyProfile } from './latency.js';
import { createList, listPath, rawFetch, startTestEmulator } from './test-support.js';
import type { TestEmulator } from './test-support.js';

describe('latency profiles: the decisions', () => {
  it('draws the same delays from the same seed, each inside its kind’s range', () => {
    const a = new Latency(TENANT_LATENCY);
    const b = new Latency(TENANT_LATENCY);
    const requests = [
      ['GET', 'item'],
      ['PATCH', 'itemFields'],
      ['POST', '$batch'],
      ['POST', 'items'],
      ['GET', 'delta'],
      ['DELETE', 'item'],
    ] as const;
    const drawsA = requests.map(([method, kind]) => a.next(method, kind));
    const drawsB = requests.map(([method, kind]) => b.next(method, kind));
    expect(drawsA).toEqual(drawsB);
    requests.forEach(([method, kind], i) => {
      const range = TENANT_LATENCY[latencyClass(method, kind)];
      expect(drawsA[i]).toBeGreaterThanOrEqual(range.minMs);
      expect(drawsA[i]).toBeLessThanOrEqual(range.maxMs);
    });
    const other = new Latency({ ...TENANT_LATENCY, seed: 2 });
    expect(requests.map(([method, kind]) => other.next(method, kind))).not.toEqual(drawsA);
  });

  it('keeps every request of the tenant profile within 80–250 ms, writes slower than reads', () => {
    const latency = new Latency(TENANT_LATENCY);
    const reads = Array.from({ length: 2000 }, () => latency.next('GET', 'items'));
    const writes = Array.from({ length: 2000 }, () => latency.next('PATCH', 'itemFields'));
    const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.min(...reads, ...writes)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...reads, ...writes)).toBeLessThanOrEqual(250);
    expect(mean(writes)).toBeGreaterThan(mean(reads));
    // Skewed to the low end: half the draws in the lowest quarter of the range.
    expect(drawFrom({ minMs: 100, maxMs: 200 }, 0.5)).toBe(125);
    expect(latencyClass('POST', '$batch')).toBe('batch');
    expect(latencyClass('GET', 'delta')).toBe('read');
    expect(latencyClass('POST', 'sendMail')).toBe('write');
  });

  it('is chosen by name, with a seed after a colon; an unknown name is refused', () => {
    expect(latencyProfileNamed('tenant')).toBe(TENANT_LATENCY);
    expect(latencyProfileNamed('Tenant:7')).toEqual({ ...TENANT_LATENCY, seed: 7 });
    expect(() => latencyProfileNamed('lan')).toThrow(/unknown latency profile 'lan'/);
    expect(() => latencyProfileNamed('tenant:x')).toThrow(/whole number/);
  });
});

describe('latency profiles: applied by the emulator', () => {
  // Fixed delays, so each request's lower bound is known. Only lower bounds are asserted: a busy
  // machine makes a request slower, never faster.
  const FIXED: LatencyProfile = {
    name: 'fixed',
    seed: 1,
    read: { minMs: 60, maxMs: 60 },
    write: { minMs: 90, maxMs: 90 },
    batch: { minMs: 30, maxMs: 30 },
  };
  let t: TestEmulator;
  let items: string;

  beforeAll(async () => {
    t = await startTestEmulator();
    const listId = await createList(t.client, t.emu, 'Latency', [{ name: 'N', number: {} }]);
    items = `${listPath(t.emu, listId)}/items`;
    await t.client.api(items).post({ fields: { Title: 'one', N: 1 } });
  });
  afterAll(async () => {
    await t.close();
  });

  const timed = async (work: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };

  it('delays reads, writes and a $batch by its parts, and counts their resource units', async () => {
    t.emu.setLatency(FIXED);
    try {
      t.emu.resetCounters();
      expect(await timed(() => t.client.api(`${items}/1`).get())).toBeGreaterThanOrEqual(59);
      expect(await timed(() => t.client.api(`${items}/1/fields`).patch({ N: 2 }))).toBeGreaterThanOrEqual(89);
      const batch = await timed(() =>
        t.client.api('/$batch').post({
          requests: [
            { id: 'a', method: 'GET', url: `${items}/1` },
            { id: 'b', method: 'GET', url: `${items}?expand=fields` },
          ],
        }),
      );
      // The envelope, then its two reads side by side: 30 + 60, not 30 + 60 + 60.
      expect(batch).toBeGreaterThanOrEqual(89);
      const counters = t.emu.inspect().counters;
      // A single read 1, a write 2, then in the batch a single read 1 and a query 2.
      expect(counters.resourceUnits).toBe(6);
    } finally {
      t.emu.setLatency(undefined);
    }
  });

  it('is set and cleared through the control route, which refuses what it does not know', async () => {
    const post = (body: unknown): ReturnType<typeof rawFetch> =>
      rawFetch(t.emu, '/_emulator/latency', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const set = await post({ profile: 'tenant:3' });
    expect(set.status).toBe(200);
    expect(JSON.parse(set.text)).toEqual({ profile: { ...TENANT_LATENCY, seed: 3 } });
    expect(await timed(() => t.client.api(`${items}/1`).get())).toBeGreaterThanOrEqual(79);
    expect((await post({ profile: 'dial-up' })).status).toBe(400);
    expect((await post({ profile: { ...FIXED, read: { minMs: 9, maxMs: 1 } } })).status).toBe(400);
    expect((await post({ profile: null })).status).toBe(200);
    const now = await rawFetch(t.emu, '/_emulator/latency');
    expect(JSON.parse(now.text)).toEqual({ profile: null });
  });
});
