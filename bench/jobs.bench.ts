/**
 * Jobs benchmark: what the lease and the job rows kept in the Trellis Jobs list cost per
 * operation — Graph requests, SharePoint resource units and wall time — with no latency and with
 * a tenant-like latency profile (every Graph request 80 ms, half of them 70 ms more, three in
 * ten 100 ms more: 80–250 ms, about 145 ms on average). Run: `npm run bench:jobs`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { memoryLogger } from '../src/app/logger.js';
import { createJobs, type Jobs } from '../src/app/notifications/jobs.js';
import { EMULATOR_APP_TOKEN, startGraphEmulator } from '../src/dev/graph-emulator/index.js';
import { resourceUnitCost } from '../src/dev/graph-emulator/resource-units.js';
import type { RequestCounters } from '../src/dev/graph-emulator/types.js';
import { openTrellisSite } from '../src/store/case-repository.js';
import { createGraphClient } from '../src/store/graph/client.js';
import { provisionLists } from '../src/store/graph/provision.js';
import { GraphJobStore } from '../src/store/jobs.js';
import { TRELLIS_LISTS } from '../src/store/lists.js';
import { median, ms, writeSection } from './results.js';
import { z } from 'zod';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

const LATENCY_PROFILE = [
  { name: 'base', kind: 'latency' as const, latencyMs: 80 },
  { name: 'slower', kind: 'latency' as const, latencyMs: 70, rate: 0.5 },
  { name: 'slowest', kind: 'latency' as const, latencyMs: 100, rate: 0.3 },
];

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

/** Resource units of the counted requests, as the emulator's meter scores them. */
function unitsOf(counters: RequestCounters): number {
  let units = 0;
  for (const [route, count] of Object.entries(counters.byRoute)) {
    const [method = 'GET', kind = ''] = route.split(' ');
    const known = METHODS.find((m) => m === method);
    if (known !== undefined) units += count * resourceUnitCost({ method: known, query: [] }, kind);
  }
  return units;
}

interface Row {
  readonly operation: string;
  readonly requests: number;
  readonly units: number;
  readonly wall: number;
}

async function measure(latency: boolean): Promise<Row[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-bench-jobs-'));
  const emulator = await startGraphEmulator({ dataDir, durability: 'none' });
  try {
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    await provisionLists(client, emulator.siteId, TRELLIS_LISTS);
    const site = await openTrellisSite(client, emulator.siteId);
    const instance = (owner: string): Jobs<number> =>
      createJobs<number>({
        store: new GraphJobStore(client, site.lists.jobs),
        kinds: ['review-sweep'],
        result: z.number(),
        clock: () => new Date(),
        logger: memoryLogger(),
        owner,
      });
    if (latency) emulator.setFaults({ rules: LATENCY_PROFILE });
    const rows = new Map<string, { requests: number[]; units: number[]; wall: number[] }>();
    const time = async (operation: string, work: () => Promise<unknown>): Promise<void> => {
      emulator.resetCounters();
      const started = performance.now();
      await work();
      const wall = performance.now() - started;
      const counters = emulator.inspect().counters;
      const row = rows.get(operation) ?? { requests: [], units: [], wall: [] };
      row.requests.push(counters.total);
      row.units.push(unitsOf(counters));
      row.wall.push(wall);
      rows.set(operation, row);
    };
    const day = (run: number): string => `2026-12-${String(run + 1).padStart(2, '0')}`;
    for (let run = 0; run < RUNS; run += 1) {
      const a = instance(`a:${String(run)}`);
      const b = instance(`b:${String(run)}`);
      const c = instance(`c:${String(run)}`);
      let finish: (value: number) => void = () => undefined;
      const work = (): Promise<number> =>
        new Promise<number>((resolve) => {
          finish = resolve;
        });
      let id = '';
      await time('start a job (POST /api/jobs/review-sweep answers)', async () => {
        const started = await a.start('review-sweep', work);
        if ('job' in started) id = started.job.id;
      });
      await time('ask again on another instance while it runs (joins it)', () => b.start('review-sweep', work));
      await time('read the job on another instance (GET /api/jobs/{id})', () => b.find(id));
      await time('finish: record the result, free the lease', async () => {
        finish(1);
        await a.idle();
      });
      await time('scheduled daily run (takes the lease, runs, frees it, records the day)', () =>
        b.runScheduled('review-sweep', () => Promise.resolve(2), { day: day(run) }),
      );
      await time("the day's run on an instance that finds it done", () =>
        a.runScheduled('review-sweep', () => Promise.resolve(3), { day: day(run) }),
      );
      await time('three instances asking at once', () =>
        Promise.all([a, b, c].map((j) => j.start('review-sweep', () => Promise.resolve(4)))),
      );
      // Whichever won runs to the end before the next run is measured.
      await Promise.all([a.idle(), b.idle(), c.idle()]);
    }
    return [...rows.entries()].map(([operation, r]) => ({
      operation,
      requests: median(r.requests),
      units: median(r.units),
      wall: median(r.wall),
    }));
  } finally {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const flat = await measure(false);
  const slow = await measure(true);
  const lines = [
    '## Jobs: the lease and the job rows (`npm run bench:jobs`)',
    '',
    `Median of ${String(RUNS)} runs, against the emulator with no latency and with a tenant-like profile (80–250 ms a Graph request). Requests are Graph round trips; RU are SharePoint resource units as the emulator's meter scores them (1 a single read, 2 a query or a write).`,
    '',
    '| operation | Graph requests | RU | wall, no latency | wall, 80–250 ms |',
    '|---|---:|---:|---:|---:|',
    ...flat.map((row) => {
      const other = slow.find((s) => s.operation === row.operation);
      return `| ${row.operation} | ${String(row.requests)} | ${String(row.units)} | ${ms(row.wall)} | ${other === undefined ? '–' : ms(other.wall)} |`;
    }),
  ];
  await writeSection('jobs', lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
