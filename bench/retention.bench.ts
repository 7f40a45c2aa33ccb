/**
 * Retention benchmark: the retention job over 10,000 closed cases on the Graph emulator — a dry
 * run, then the run that removes them all (tombstone first, the case's rows, the tombstone marked
 * done) — with wall time, Graph requests (`$batch` sub-requests counted one by one, as Graph
 * counts them) and SharePoint resource units as the emulator's meter prices them.
 * Run: `npm run bench:retention` (BENCH_CASES=1000 for a quicker look).
 */
import { performance } from 'node:perf_hooks';
import { londonInstantAt, parseLocalDate as d } from '../src/domain/calendar/index.js';
import { calendarFor, openCase, type CommandContext } from '../src/domain/case/index.js';
import { closeCase } from '../src/domain/case/commands/close-case.js';
import { engineTestProcedure as procedure } from '../src/domain/case/fixtures.js';
import { courseTeam, openInput, personFor } from '../src/domain/case/testing.js';
import { silentLogger } from '../src/app/logger.js';
import type { RequestCounters } from '../src/dev/graph-emulator/types.js';
import { runRetention, type RetentionResult } from '../src/app/data-protection/retention.js';
import { GraphCaseRecords } from '../src/store/case-records.js';
import { GraphCaseRepository } from '../src/store/case-repository.js';
import { roleSidesOf } from '../src/store/case-rows.js';
import { GraphPlacementRoster } from '../src/store/placements.js';
import { startBenchEmulator } from './emulator.js';
import { ms, writeSection } from './results.js';

const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const LOAD_CONCURRENCY = 16;
const OPENED = d('2026-09-07');
const CLOSED = d('2026-11-02');
/** Six years and a day after they closed: every case is due under the default policy. */
const TODAY = d('2032-11-03');

const ctxOn = (day: typeof OPENED): CommandContext => ({
  procedure,
  calendar: calendarFor(procedure),
  now: londonInstantAt(day, 10, 0),
  actor: courseTeam,
});

/** Graph requests with `$batch` sub-requests counted one by one (the envelopes not), and their resource units. */
function costOf(counters: RequestCounters): { requests: number; units: number } {
  const envelopes = counters.byRoute['POST $batch'] ?? 0;
  return { requests: counters.total - envelopes + counters.batchSubRequests, units: counters.resourceUnits };
}

async function main(): Promise<void> {
  const env = await startBenchEmulator({ durability: 'none', prefix: 'trellis-retention-bench-' });
  const { emulator, client, site } = env;
  const repository = new GraphCaseRepository(client, site, { roleSides: roleSidesOf([procedure]) });

  const loadStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      for (let i = next++; i < CASES; i = next++) {
        const people = [
          personFor('trainee', { id: `t${i}@uni.test`, name: `Trainee ${i}` }),
          personFor('mentor', { id: `m${i % 300}@school.test`, name: `Mentor ${i % 300}` }),
          personFor('tutor', { id: `tutor${i % 40}@uni.test`, name: `Tutor ${i % 40}` }),
        ];
        const opened = openCase(
          ctxOn(OPENED),
          { caseId: `ret-${i}`, previousCases: 0 },
          openInput(procedure, { reference: `R-${i}`, people }),
        );
        const closed = closeCase(ctxOn(CLOSED), opened.state, { reason: 'Targets met' });
        await repository.create({ state: closed.state, events: [...opened.events, ...closed.events] });
      }
    }),
  );
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const deps = {
    repository,
    placements: new GraphPlacementRoster(client, site.lists.placements),
    procedures: [procedure],
    clock: () => londonInstantAt(TODAY, 3, 0),
    logger: silentLogger,
    records: new GraphCaseRecords(client, site),
  };
  const measure = async (
    dryRun: boolean,
  ): Promise<{ ms: number; requests: number; units: number; roundTrips: number; result: RetentionResult }> => {
    emulator.resetCounters();
    const start = performance.now();
    const result = await runRetention(deps, { dryRun });
    const elapsed = performance.now() - start;
    const counters = emulator.inspect().counters;
    return { ms: elapsed, ...costOf(counters), roundTrips: counters.total, result };
  };
  const dry = await measure(true);
  const real = await measure(false);
  const again = await measure(false);
  const perCase = (n: number): string => (n / Math.max(1, real.result.removed)).toFixed(1);
  const n = CASES.toLocaleString('en-GB');

  const body = `## Retention over ${n} closed cases

${n} cases closed on ${CLOSED} (each with its open and close events, its people rows and its case row: ${perCase(real.result.deletedRows)} rows a case), the retention job on ${TODAY} under the default policy (six years after closure, then delete), as \`POST /api/jobs/retention\` runs it. Requests count \`$batch\` sub-requests one by one (as Graph and SharePoint do); resource units are priced as the emulator's meter prices SharePoint's (1 per single read, 2 per multi-item read, create, update or delete). No outbox rows or calendar events here: each would add a row delete (2 RU), and each review meeting a calendar look-up and delete (no RU: Outlook, not SharePoint).

| | wall time | HTTP round trips | Graph requests | resource units |
|---|---|---|---|---|
| dry run (lists the closed cases and the tombstones; ${dry.result.due.toLocaleString('en-GB')} due) | ${ms(dry.ms)} | ${dry.roundTrips.toLocaleString('en-GB')} | ${dry.requests.toLocaleString('en-GB')} | ${dry.units.toLocaleString('en-GB')} |
| run: ${real.result.removed.toLocaleString('en-GB')} cases removed, ${real.result.deletedRows.toLocaleString('en-GB')} rows deleted | ${(real.ms / 1000).toFixed(1)} s | ${real.roundTrips.toLocaleString('en-GB')} (${perCase(real.roundTrips)} a case) | ${real.requests.toLocaleString('en-GB')} (${perCase(real.requests)} a case) | ${real.units.toLocaleString('en-GB')} (${perCase(real.units)} a case) |
| a second run (nothing left to do) | ${ms(again.ms)} | ${again.roundTrips.toLocaleString('en-GB')} | ${again.requests.toLocaleString('en-GB')} | ${again.units.toLocaleString('en-GB')} |

Per case: the tombstone's create, one \`$batch\` of seven GETs finding its rows, the first event's delete alone, the other rows' deletes in \`$batch\`es, the case row's delete, the same seven GETs again to check nothing is left, and a find and PATCH marking the tombstone done; four cases at a time. At SharePoint's 1,250 resource units a minute (a tenant of under 1,000 licences) the ${n} cases would take about ${Math.ceil(real.units / 1250)} minutes of the tenant's budget: a weekly run removes one week's worth of cases that reached their date, which is a few dozen in a typical provider. Loading the cases: ${loadSeconds.toFixed(1)} s.`;
  await writeSection('retention', body);
  process.stdout.write(`${body}\n`);
  await env.close();
}

await main();
