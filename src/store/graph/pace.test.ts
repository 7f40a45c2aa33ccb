import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMULATOR_APP_TOKEN, startGraphEmulator } from '../../dev/graph-emulator/index.js';
import { executeBatch } from './batch.js';
import { createGraphClient, graphPaceOf } from './client.js';
import { GraphPace, GraphPaceHandler, type GraphPaceClock } from './pace.js';

/** A clock that only moves when the test (or a sleep) moves it. */
function fakeClock(): GraphPaceClock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

const headers = (values: Record<string, string>): Pick<Headers, 'get'> => new Headers(values);

/** The emulator metering `perMinute` resource units, and a Graph client on it paced by a fake clock. */
async function pacedClient(prefix: string, perMinute: number) {
  const dataDir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  const emulator = await startGraphEmulator({ dataDir, durability: 'none', resourceUnits: { perMinute } });
  const clock = fakeClock();
  const client = createGraphClient({
    kind: 'custom',
    baseUrl: emulator.baseUrl,
    caCertPem: emulator.caCertPem,
    token: EMULATOR_APP_TOKEN,
    paceClock: clock,
  });
  return {
    emulator,
    client,
    pace: graphPaceOf(client),
    clock,
    close: async () => {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe("the Graph pace: Retry-After and SharePoint's RateLimit headers", () => {
  it('holds every request after a 429 until its Retry-After, and only then', () => {
    const clock = fakeClock();
    const pace = new GraphPace(clock, 60_000);
    expect(pace.reserve()).toBe(0);
    pace.observe(429, headers({ 'Retry-After': '3' }));
    expect(pace.reserve()).toBe(3_000);
    expect(pace.reserve()).toBe(3_000);
    clock.advance(2_500);
    expect(pace.reserve()).toBe(500);
    clock.advance(500);
    expect(pace.reserve()).toBe(0);
    // A 503 with Retry-After too; a 200 with one is not a pause.
    pace.observe(503, headers({ 'Retry-After': '1.5' }));
    expect(pace.reserve()).toBe(1_500);
    clock.advance(1_500);
    pace.observe(200, headers({ 'Retry-After': '30' }));
    expect(pace.reserve()).toBe(0);
  });

  it('does not hold others for a Retry-After longer than the client sleeps through', () => {
    const pace = new GraphPace(fakeClock(), 60_000);
    pace.observe(429, headers({ 'Retry-After': '120' }));
    expect(pace.reserve()).toBe(0);
  });

  it("spreads requests over what is left of SharePoint's budget, and waits for the reset when none is", () => {
    const clock = fakeClock();
    const pace = new GraphPace(clock, 60_000);
    // 100 units left for 20 seconds: 50 requests at 2 units, one every 400 ms.
    pace.observe(200, headers({ 'RateLimit-Limit': '1250', 'RateLimit-Remaining': '100', 'RateLimit-Reset': '20' }));
    expect(pace.slowed).toBe(true);
    const waits = Array.from({ length: 5 }, () => pace.reserve());
    expect(waits).toEqual([0, 400, 800, 1_200, 1_600]);
    // The window resets: full speed again.
    clock.advance(20_000);
    expect(pace.slowed).toBe(false);
    expect(pace.reserve()).toBe(0);
    pace.observe(200, headers({ 'RateLimit-Limit': '1250', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '7' }));
    expect(pace.reserve()).toBe(7_000);
  });

  it('learns from the sub-responses of a $batch answered 200: a throttled one pauses, the fewest units left set the spacing', () => {
    const clock = fakeClock();
    const pace = new GraphPace(clock, 60_000);
    pace.observeBatch([
      { status: 200, headers: {} },
      { status: 429, headers: { 'Retry-After': '4' } },
      { status: 200, headers: {} },
    ]);
    expect(pace.reserve()).toBe(4_000);
    clock.advance(4_000);
    expect(pace.reserve()).toBe(0);
    // Sub-requests run side by side: the reading with the fewest units left is the newest, whatever the order.
    clock.advance(60_000);
    pace.observeBatch([
      { status: 200, headers: { 'RateLimit-Limit': '1250', 'RateLimit-Remaining': '40', 'RateLimit-Reset': '10' } },
      { status: 200, headers: { 'ratelimit-limit': '1250', 'ratelimit-remaining': '20', 'ratelimit-reset': '10' } },
      { status: 200, headers: { 'RateLimit-Limit': '1250', 'RateLimit-Remaining': '100', 'RateLimit-Reset': '10' } },
    ]);
    // 20 units for 10 seconds: 10 requests, one a second.
    expect([pace.reserve(), pace.reserve(), pace.reserve()]).toEqual([0, 1_000, 2_000]);
    // A $batch of five is five requests to the budget: the request after it waits for all of them.
    expect([pace.reserve(5), pace.reserve()]).toEqual([3_000, 8_000]);
  });

  it('counts a $batch POST as the requests inside it while the budget is low', async () => {
    const clock = fakeClock();
    const pace = new GraphPace(clock, 60_000);
    const handler = new GraphPaceHandler(pace, clock);
    const started: number[] = [];
    handler.setNext({
      execute: () => {
        started.push(clock.now());
        return Promise.resolve();
      },
      setNext: () => undefined,
    });
    // 20 units for 10 seconds: one request a second.
    pace.observe(200, headers({ 'RateLimit-Limit': '1250', 'RateLimit-Remaining': '20', 'RateLimit-Reset': '10' }));
    const batch = JSON.stringify({ requests: [1, 2, 3, 4].map((n) => ({ id: String(n), method: 'GET', url: '/me' })) });
    await handler.execute({ request: 'https://graph.example/v1.0/$batch', options: { method: 'POST', body: batch } });
    await handler.execute({ request: 'https://graph.example/v1.0/sites/s', options: { method: 'GET' } });
    await handler.execute({ request: 'https://graph.example/v1.0/sites/s', options: { method: 'GET' } });
    expect(started).toEqual([0, 4_000, 5_000]);
  });

  it("a $batch whose sub-requests the emulator throttles holds the client's next requests, as a direct 429 does", async () => {
    const { emulator, client, pace, clock, close } = await pacedClient('trellis-pace-batch', 40);
    try {
      const site = { method: 'GET', url: `/sites/${emulator.siteId}` } as const;
      // Two sub-requests are refused with Retry-After: 5 (the $batch itself answers 200).
      emulator.setFaults({
        rules: [{ kind: 'fail', status: 429, scope: 'batch', times: 2, retryAfterSeconds: 5, style: 'sharepoint' }],
      });
      const slept: number[] = [];
      const outcome = await executeBatch(
        client,
        Array.from({ length: 4 }, (_, index) => ({ id: `s${String(index)}`, ...site })),
        {
          sleep: (ms) => {
            slept.push(ms);
            return Promise.resolve();
          },
        },
      );
      expect(outcome.results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
      expect(slept).toEqual([5_000]);
      // The re-sent $batch waited out the Retry-After on the pace's clock, as every other request would have.
      expect(clock.now()).toBeGreaterThanOrEqual(5_000);
      emulator.setFaults({});
      // 4 + 2 re-sent units so far; 30 single reads in two batches cross SharePoint's 80% line (32 of 40).
      expect(pace?.slowed).toBe(false);
      await executeBatch(
        client,
        Array.from({ length: 30 }, (_, index) => ({ id: `r${String(index)}`, ...site })),
        { sleep: () => Promise.reject(new Error('nothing is throttled here')) },
      );
      expect(pace?.slowed).toBe(true);
      const before = clock.now();
      await client.api(`/sites/${emulator.siteId}`).get();
      await client.api(`/sites/${emulator.siteId}`).get();
      expect(clock.now()).toBeGreaterThan(before);
    } finally {
      await close();
    }
  });

  it("a client against the emulator's resource-unit meter slows down once SharePoint says 80% is used", async () => {
    const { emulator, client, pace, clock, close } = await pacedClient('trellis-pace', 20);
    try {
      // Single reads cost 1 unit: the first 15 leave 5 of 20, under the 80% line.
      for (let i = 0; i < 15; i += 1) await client.api(`/sites/${emulator.siteId}`).get();
      expect(pace?.slowed).toBe(false);
      await client.api(`/sites/${emulator.siteId}`).get();
      expect(pace?.slowed).toBe(true);
      // The next requests wait (on the fake clock) instead of running into the 429.
      const before = clock.now();
      await client.api(`/sites/${emulator.siteId}`).get();
      await client.api(`/sites/${emulator.siteId}`).get();
      expect(clock.now()).toBeGreaterThan(before);
    } finally {
      await close();
    }
  });
});
