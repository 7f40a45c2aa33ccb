/**
 * Jobs benchmark: what the lease and the job rows kept in the Trellis Jobs list cost per
 * operation — Graph requests, SharePoint resource units and wall time — with no latency and with
 * the emulator's tenant latency profile (src/dev/graph-emulator/latency.ts: 80–250 ms a Graph
 * request, writes slower than reads). Run: `npm run bench:jobs`.
 */
import { performance } from 'node:perf_hooks';
import { memoryLogger } from '../src/app/logger.js';
import { createJobs, type Jobs } from '../src/app/notifications/jobs.js';
import { TENANT_LATENCY } from '../src/dev/graph-emulator/index.js';
import { GraphJobStore } from '../src/store/jobs.js';
import { startBenchEmulator } from './emulator.js';
import { median, ms, writeSection } from './results.js';
import { z } from 'zod';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

interface Row {
  readonly operation: string;
  readonly requests: number;
  readonly units: number;
  readonly wall: number;
}

async function measure(latency: boolean): Promise<Row[]> {
  const env = await startBenchEmulator({ durability: 'none', prefix: 'trellis-bench-jobs-' });
  const { emulator, client, site } = env;
  try {
    const instance = (owner: string): Jobs<number> =>
      createJobs<number>({
        store: new GraphJobStore(client, site.lists.jobs),
        kinds: ['review-sweep'],
        result: z.number(),
        clock: () => new Date(),
        logger: memoryLogger(),
        owner,
      });
    if (latency) emulator.setLatency(TENANT_LATENCY);
    const rows = new Map<string, { requests: number[]; units: number[]; wall: number[] }>();
    const time = async (operation: string, work: () => Promise<unknown>): Promise<void> => {
      emulator.resetCounters();
      const started = performance.now();
      await work();
      const wall = performance.now() - started;
      const counters = emulator.inspect().counters;
      const row = rows.get(operation) ?? { requests: [], units: [], wall: [] };
      row.requests.push(counters.total);
      row.units.push(counters.resourceUnits);
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
    await env.close();
  }
}

async function main(): Promise<void> {
  const flat = await measure(false);
  const slow = await measure(true);
  const lines = [
    '## Jobs: the lease and the job rows (`npm run bench:jobs`)',
    '',
    `Median of ${String(RUNS)} runs, against the emulator with no latency and with its \`tenant\` latency profile (80–250 ms a Graph request, writes slower than reads; \`npm run bench:latency\` describes it). Requests are Graph round trips; RU are SharePoint resource units as the emulator's meter scores them (1 a single read, 2 a query or a write).`,
    '',
    '| operation | Graph requests | RU | wall, no latency | wall, tenant latency |',
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
