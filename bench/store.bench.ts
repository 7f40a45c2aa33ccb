/**
 * Store benchmark: Graph round trips per user operation, dashboard latency over
 * 10,000 cases cold and warm, and emulator throughput. Run: `npm run bench:store`.
 */
import { performance } from 'node:perf_hooks';
import { parseLocalDate as d } from '../src/domain/calendar/index.js';
import {
  calendarFor,
  editPlan,
  openCase,
  recordReview,
  signPlan,
  type CommandContext,
} from '../src/domain/case/index.js';
import { engineTestProcedure as procedure } from '../src/domain/case/fixtures.js';
import { actorFor, aDraft, Clock, courseTeam, openInput, personFor } from '../src/domain/case/testing.js';
import type { Actor, CaseState } from '../src/domain/case/types.js';
import { GraphCaseRepository } from '../src/store/case-repository.js';
import { roleSidesOf } from '../src/store/case-rows.js';
import { startBenchEmulator } from './emulator.js';
import { median, ms, percentile, writeSection } from './results.js';

const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const LOAD_CONCURRENCY = 16;
const WARM_RUNS = 50;

const clock = new Clock(d('2026-12-14'));
const ctx = (actor: Actor): CommandContext => ({ procedure, calendar: calendarFor(procedure), now: clock.now, actor });
const as = (state: CaseState, role: string): Actor =>
  actorFor(state.people.find((p) => p.role === role) ?? personFor(role));

async function main(): Promise<void> {
  const env = await startBenchEmulator({ durability: 'fsync' });
  const { emulator, client, site } = env;
  const sides = roleSidesOf([procedure]);
  const repo = new GraphCaseRepository(client, site, { roleSides: sides });
  const requests = async (work: () => Promise<unknown>): Promise<number> => {
    emulator.resetCounters();
    await work();
    return emulator.inspect().counters.total;
  };

  // Round trips per user operation.
  const opened = openCase(
    ctx(courseTeam),
    { caseId: 'bench-ops', previousCases: 0 },
    openInput(procedure, { reference: 'OPS-1' }),
  );
  let stored = await repo.create(
    openCase(
      ctx(courseTeam),
      { caseId: 'bench-warmup', previousCases: 0 },
      openInput(procedure, { reference: 'OPS-0' }),
    ),
  );
  const trips: [string, number][] = [];
  trips.push(['open case', await requests(async () => (stored = await repo.create(opened)))]);
  trips.push(['open case again (a retried request)', await requests(() => repo.create(opened))]);
  trips.push(['read a whole case', await requests(() => repo.find('bench-ops'))]);
  const plan = editPlan(ctx(as(stored.state, 'tutor')), stored.state, {
    plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, 3),
    withdrawSignatures: false,
  });
  trips.push(['save plan', await requests(async () => (stored = await repo.append(stored, plan)))]);
  const sign1 = signPlan(ctx(as(stored.state, 'trainee')), stored.state, { role: 'trainee', typedName: 'Trainee' });
  trips.push(['sign', await requests(async () => (stored = await repo.append(stored, sign1)))]);
  stored = await repo.append(
    stored,
    signPlan(ctx(as(stored.state, 'mentor')), stored.state, { role: 'mentor', typedName: 'Mentor' }),
  );
  const review = recordReview(ctx(as(stored.state, 'tutor')), stored.state, {
    progress: ['T1', 'T2', 'T3'].map((targetId) => ({ targetId, rating: 'met' as const })),
    evidence: 'Observations',
    attendees: [],
    outcomeId: 'met',
  });
  trips.push(['record review', await requests(async () => (stored = await repo.append(stored, review)))]);
  await repo.list({});
  trips.push(['dashboard (warm)', await requests(() => repo.list({ status: 'open' }))]);

  // Load 10,000 cases.
  const loadStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      for (let i = next++; i < CASES; i = next++) {
        const people = [
          personFor('trainee', { id: `t${i}@uni.test`, name: `Trainee ${i}` }),
          personFor('mentor'),
          personFor('tutor'),
        ];
        await repo.create(
          openCase(
            ctx(courseTeam),
            { caseId: `bench-${i}`, previousCases: 0 },
            openInput(procedure, { reference: `B-${i}`, people }),
          ),
        );
      }
    }),
  );
  const loadSeconds = (performance.now() - loadStart) / 1000;

  // Dashboard: a fresh server (cold cache), then warm loads.
  const cold: number[] = [];
  let coldRequests = 0;
  for (let run = 0; run < 3; run += 1) {
    const fresh = new GraphCaseRepository(client, site, { roleSides: sides });
    emulator.resetCounters();
    const t = performance.now();
    await fresh.list({ status: 'open', limit: 50 });
    cold.push(performance.now() - t);
    coldRequests = emulator.inspect().counters.total;
  }
  await repo.list({}); // catch the long-lived cache up with the 10,000 creates before timing
  const warm: number[] = [];
  const warmRequests: number[] = [];
  for (let run = 0; run < WARM_RUNS; run += 1) {
    emulator.resetCounters();
    const t = performance.now();
    await repo.list({ status: 'open', search: `Trainee ${run}`, limit: 50 });
    warm.push(performance.now() - t);
    warmRequests.push(emulator.inspect().counters.total);
  }

  // Emulator throughput: single-item reads, 16 at a time for 3 s.
  const readUntil = performance.now() + 3000;
  let reads = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < readUntil) {
        await client.api(`/sites/${site.siteId}/lists/${site.lists.cases.listId}/items/1?expand=fields`).get();
        reads += 1;
      }
    }),
  );

  await env.close();

  const body = [
    '## Store: Graph round trips, dashboard, emulator',
    '',
    '| user operation | Graph round trips (a `$batch` counts once) | goal |',
    '|---|---|---|',
    ...trips.map(
      ([name, n]) =>
        `| ${name} | ${n} | ${name === 'record review' || name === 'save plan' || name === 'sign' ? '≤ 2' : name === 'dashboard (warm)' ? '≤ 1' : name.startsWith('open case again') ? '—' : '1'} |`,
    ),
    '',
    `Dashboard over ${CASES.toLocaleString('en-GB')} cases (server time, filter + search + page of 50):`,
    '',
    '| | median | p95 | Graph requests |',
    '|---|---|---|---|',
    `| cold (new server, full delta enumeration) | ${ms(median(cold))} | ${ms(percentile(cold, 95))} | ${coldRequests} |`,
    `| warm (in-memory query; at most one delta request a second), ${WARM_RUNS} runs | ${ms(median(warm))} | ${ms(percentile(warm, 95))} | ${Math.max(...warmRequests)} |`,
    '',
    `Loading ${CASES.toLocaleString('en-GB')} cases through the repository (one \`$batch\` each, ${LOAD_CONCURRENCY} at a time, emulator with fsync): ${loadSeconds.toFixed(1)} s, ${(CASES / loadSeconds).toFixed(0)} cases/s.`,
    '',
    `Emulator throughput, single-item GETs with 16 concurrent clients: ${(reads / 3).toFixed(0)} requests/s.`,
    '',
    'Goal: warm dashboard over 10,000 cases under 50 ms server time.',
  ].join('\n');
  await writeSection('store', body);
  process.stdout.write(`${body}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
