import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMULATOR_APP_TOKEN, startGraphEmulator } from '../../dev/graph-emulator/index.js';
import { createGraphClient, graphPaceOf } from './client.js';
import { GraphPace, type GraphPaceClock } from './pace.js';

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

  it("a client against the emulator's resource-unit meter slows down once SharePoint says 80% is used", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-pace-'));
    const emulator = await startGraphEmulator({ dataDir, durability: 'none', resourceUnits: { perMinute: 20 } });
    try {
      const clock = fakeClock();
      const client = createGraphClient({
        kind: 'custom',
        baseUrl: emulator.baseUrl,
        caCertPem: emulator.caCertPem,
        token: EMULATOR_APP_TOKEN,
        paceClock: clock,
      });
      const pace = graphPaceOf(client);
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
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
