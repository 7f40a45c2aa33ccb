/**
 * Sweep benchmark: the daily review sweep over 10,000 cases on the Graph emulator —
 * wall time, Graph requests and resource units for the first run (claims and sends) and for
 * repeated runs the same day (everything already claimed: batched claims answer "already"), plus
 * the pure planning time over 10,000 open cases (goal: under 1 s). Run: `npm run bench:sweep`.
 */
import { performance } from 'node:perf_hooks';
import { planDueReviews } from '../src/notify/due-reviews.js';
import { measure, startBenchEmulator } from './emulator.js';
import { median, ms, percentile, writeSection } from './results.js';
import { ACTIVE_EVERY, loadSweepPopulation, RECENT_EVERY, sweepCalendar, SWEEP_DAY } from './sweep-cases.js';

const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const RUNS = 5;
const PLANNING_RUNS = 20;

async function main(): Promise<void> {
  const env = await startBenchEmulator({ durability: 'none', prefix: 'trellis-sweep-bench-' });
  const population = await loadSweepPopulation(env, CASES);

  // Planning alone, pure: every one of the 10,000 cases treated as awaiting review.
  const planning: number[] = [];
  let plannedCount = 0;
  for (let run = 0; run < PLANNING_RUNS; run += 1) {
    const start = performance.now();
    plannedCount = planDueReviews({
      cases: population.dueCases,
      today: SWEEP_DAY,
      calendar: sweepCalendar,
      leadWorkingDays: 2,
      escalateAfterWorkingDays: 3,
    }).length;
    planning.push(performance.now() - start);
  }

  const first = await measure(env.emulator, () => population.sweep());
  const repeats = [];
  for (let run = 0; run < RUNS; run += 1) repeats.push(await measure(env.emulator, () => population.sweep()));
  const r = first.result;
  const repeatMs = repeats.map((x) => x.wallMs);
  const repeatRequests = repeats.map((x) => x.requests);
  const repeatUnits = repeats.map((x) => x.resourceUnits);

  const body = `## Review sweep over ${CASES.toLocaleString('en-GB')} cases

${CASES.toLocaleString('en-GB')} cases on the emulator (one in ${ACTIVE_EVERY} with an agreed plan awaiting review, one in ${RECENT_EVERY} changed in the last day), the sweep as \`POST /api/jobs/review-sweep\` runs it on ${SWEEP_DAY} at 07:30 (lead 2 working days, escalation after 3), the production Graph client and its retry policy. Senders are no-ops: this measures planning and the outbox, not mail delivery. No latency: \`npm run bench:latency\` has the sweep with a tenant's.

| | figure |
|---|---|
| pure planning of due reviews over all ${CASES.toLocaleString('en-GB')} cases (median of ${PLANNING_RUNS}; ${plannedCount.toLocaleString('en-GB')} notifications) | ${ms(median(planning))} (p95 ${ms(percentile(planning, 95))}) — goal < 1 s |
| cases with a review due, coming up or overdue / changed recently (re-planned) | ${r.dueCases} / ${r.recentCases} |
| first run: notifications planned → sent | ${r.planned} → ${r.sent} |
| first run: wall time | ${ms(first.wallMs)} |
| first run: Graph requests | ${first.requests.toLocaleString('en-GB')} (claims in \`$batch\`es of 20: ${Math.ceil(r.planned / 20)}; per sent notification a "sending" and a "sent" PATCH for cards and mail) |
| first run: resource units | ${first.resourceUnits.toLocaleString('en-GB')} (${(first.resourceUnits / Math.max(1, r.dueCases)).toFixed(1)} a due case) |
| repeated runs the same day (${RUNS}): wall time median / p95 | ${ms(median(repeatMs))} / ${ms(percentile(repeatMs, 95))} |
| repeated runs: Graph requests (median) | ${median(repeatRequests).toLocaleString('en-GB')} (1 delta sync; case reads come from the repository's cache of cases it has read, checked against the delta-synced row eTags; one outbox query per recent case; the planned keys looked up in the outbox, a query per 20 keys and ${Math.ceil(r.planned / 400)} \`$batch\`es of 20 queries, nothing claimed; 2 outbox queries for retries and stale claims) |
| repeated runs: resource units (median) | ${median(repeatUnits).toLocaleString('en-GB')} (${((median(repeatUnits) / Math.max(1, first.resourceUnits)) * 100).toFixed(1)}% of the first run's) |

Loading the cases through the repository: ${population.loadSeconds.toFixed(1)} s. On the first run each due case is read once (one \`$batch\`) for its people's addresses: the case rows do not carry email addresses.`;
  await writeSection('sweep', body);
  process.stdout.write(`${body}\n`);
  await env.close();
}

await main();
