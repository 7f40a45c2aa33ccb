/**
 * Latency benchmark: what people's actions and the review sweep cost when Graph answers as a
 * tenant's SharePoint does from an Azure region (the emulator's `tenant` latency profile,
 * src/dev/graph-emulator/latency.ts: 80–250 ms a request, writes slower than reads, a `$batch`
 * by its parts) next to the same work with no latency: wall time, Graph requests and SharePoint
 * resource units. Run: `npm run bench:latency` (BENCH_ROUNDS, BENCH_SWEEP_CASES to change it).
 *
 * People's actions go through local mode as `npm start` runs it (the real app, bot, repository
 * and notifications on the emulator with fsync, the demo data), one fresh start per profile, so
 * both profiles see the same data. The sweep runs over the sweep benchmark's population
 * (bench/sweep-cases.ts) on the benchmarks' emulator, one fresh population per profile.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/app/logger.js';
import { placementIdOf, placementKeyOf, type Placement } from '../src/app/placements/roster.js';
import { reviewersOf } from '../src/cards/index.js';
import { startLocalMode, type RunningLocalMode } from '../src/compose/local.js';
import { londonInstantAt, parseLocalDate } from '../src/domain/calendar/index.js';
import type { StoredCase } from '../src/domain/ports.js';
import { SEED_PROCEDURES } from '../src/domain/procedures/index.js';
import { TENANT_LATENCY, type LatencyProfile } from '../src/dev/graph-emulator/index.js';
import { DEMO_PROVIDERS } from '../src/dev/local-mode/personas.js';
import { bcuPlan } from '../test/server/fixtures.js';
import { invokeCardAction } from './card-invoke.js';
import { measure, startBenchEmulator } from './emulator.js';
import { median, ms, writeSection } from './results.js';
import { loadSweepPopulation } from './sweep-cases.js';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 7));
const SWEEP_CASES = Number(process.env.BENCH_SWEEP_CASES ?? 1000);
/** Local mode's clock, pinned so that the demo data and the plan's review date are the same on every run. */
const NOW = londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);
const REVIEW_DATE = '2026-12-04';

interface Profile {
  readonly label: string;
  readonly latency: LatencyProfile | undefined;
}
const PROFILES: readonly Profile[] = [
  { label: 'no latency', latency: undefined },
  { label: 'tenant', latency: TENANT_LATENCY },
];

/** One action's figures in one round. */
interface Sample {
  /** From the request to its answer. */
  readonly answeredMs: number;
  /** Until the notifications it started in the background were delivered too. */
  readonly settledMs: number;
  readonly requests: number;
  readonly unitsAnswered: number;
  readonly unitsSettled: number;
}

type Samples = Map<string, Sample[]>;

const bcu = DEMO_PROVIDERS.find((p) => p.key === 'bcu');

/** Demo cases whose review a reviewer can record from the card, and who. */
async function reviewableCases(local: RunningLocalMode): Promise<{ stored: StoredCase; reviewer: string }[]> {
  const found: { stored: StoredCase; reviewer: string }[] = [];
  for (const summary of (await local.repository.list({ status: 'active', limit: 100 })).items) {
    const stored = await local.repository.find(summary.id);
    const procedure = SEED_PROCEDURES.find((p) => p.id === summary.procedureId);
    const reviewer = stored && procedure ? reviewersOf(procedure, stored.state)[0] : undefined;
    if (stored && reviewer && !stored.state.paused && (stored.state.plan?.content.targets.length ?? 0) > 0)
      found.push({ stored, reviewer: reviewer.id });
  }
  return found;
}

function cardReviewData(stored: StoredCase): Record<string, unknown> | undefined {
  const procedure = SEED_PROCEDURES.find((p) => p.id === stored.state.procedureId);
  const outcome = procedure?.stages
    .find((s) => s.id === stored.state.stageId)
    ?.review?.outcomes.find((o) => o.condition === undefined || o.condition === 'all_targets_met');
  if (!outcome) return undefined;
  const targetIds = (stored.state.plan?.content.targets ?? []).map((t) => t.id);
  const data: Record<string, unknown> = {
    action: 'record_review',
    caseId: stored.state.id,
    version: stored.state.version,
    targetIds,
    outcomeId: outcome.id,
    evidence: 'Benchmark evidence',
    // An outcome that closes the case asks first; this is the confirmed action that records it.
    confirmClose: true,
  };
  for (const id of targetIds) data[`rating_${id}`] = 'met';
  return data;
}

async function userActions(profile: Profile): Promise<{ samples: Samples; cardRuns: number }> {
  if (!bcu) throw new Error('No BCU demo provider.');
  const mentor = bcu.staff.mentor?.[0];
  const tutor = bcu.staff.tutor?.[0];
  if (!mentor || !tutor) throw new Error('No BCU demo mentor and tutor.');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-bench-latency-'));
  const local = await startLocalMode({ dataDir, port: 0, logger: silentLogger, schedule: false, realNow: () => NOW });
  try {
    const reviewable = await reviewableCases(local);
    const token = (upn: string, name: string, roles: readonly string[] = []): Promise<string> =>
      local.keys.sign({ upn, name, roles, ...(roles.length > 0 ? { programmes: [bcu.programme] } : {}) }, NOW);
    const lead = await token(bcu.courseTeam.upn, bcu.courseTeam.name, ['CourseTeam']);
    const tutorToken = await token(tutor.upn, tutor.name);
    const mentorToken = await token(mentor.upn, mentor.name);

    const call = async (
      method: string,
      route: string,
      bearer: string,
      body?: unknown,
      ifMatch?: string,
    ): Promise<{ etag: string; json: Record<string, unknown> }> => {
      const response = await fetch(`${local.url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route} answered ${String(response.status)}: ${text}`);
      return { etag: response.headers.get('etag') ?? '', json: JSON.parse(text) as Record<string, unknown> };
    };
    const invoke = (upn: string, data: Record<string, unknown>): Promise<string> =>
      invokeCardAction(local.url, upn, 'record_review', data);

    // The trainees the rounds open cases for, on the programme's roster as a course team imports them.
    const trainees = Array.from({ length: ROUNDS }, (_, round) => ({
      upn: `bench.trainee${String(round)}@students.example`,
      name: `Bench Trainee ${String(round)}`,
    }));
    for (const trainee of trainees) {
      const placement: Placement = {
        trainee: { id: trainee.upn, name: trainee.name },
        programme: bcu.programme,
        provider: bcu.providerName,
        school: bcu.school,
        schoolContactEmail: undefined,
        mentors: [{ id: mentor.upn, name: mentor.name }],
        tutor: { id: tutor.upn, name: tutor.name },
        professionalMentor: undefined,
        programmeLead: undefined,
        startsOn: parseLocalDate('2026-09-01'),
        endsOn: parseLocalDate('2027-08-31'),
      };
      const key = placementKeyOf(placement);
      await local.placements.save({
        ...placement,
        id: placementIdOf(key),
        key,
        version: 1,
        updatedAt: NOW.toISOString(),
        updatedBy: 'latency benchmark',
      });
    }

    const samples: Samples = new Map();
    const { emulator } = local;
    /** Times one action to its answer, then to the end of the notifications it started. */
    const act = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      // Nothing of the round before is still running when the counters start again.
      await local.notifications.background.idle();
      const started = performance.now();
      const answered = await measure(emulator, work);
      await local.notifications.background.idle();
      const settledMs = performance.now() - started;
      const after = emulator.inspect().counters;
      const list = samples.get(name) ?? [];
      list.push({
        answeredMs: answered.wallMs,
        settledMs: Math.max(settledMs, answered.wallMs),
        requests: answered.requests,
        unitsAnswered: answered.resourceUnits,
        unitsSettled: after.resourceUnits,
      });
      samples.set(name, list);
      return answered.result;
    };

    emulator.setLatency(profile.latency);
    let cardRuns = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const trainee = trainees[round];
      if (!trainee) break;
      const traineeToken = await token(trainee.upn, trainee.name);
      const person = (role: string, p: { upn: string; name: string }) => ({
        role,
        id: p.upn,
        name: p.name,
        email: p.upn,
      });
      const opened = await act('open a case (POST /api/cases)', () =>
        call('POST', '/api/cases', lead, {
          procedureId: bcu.procedureId,
          reference: `LAT-${String(round)}`,
          reasons: ['not_expected_progress'],
          people: [person('trainee', trainee), person('mentor', mentor), person('tutor', tutor)],
          placement: { school: bcu.school, phase: bcu.phase, programme: bcu.programme },
        }),
      );
      const caseId = String(opened.json.id);
      await act('load the dashboard (GET /api/cases?limit=500)', () => call('GET', '/api/cases?limit=500', lead));
      let { etag } = await act('load a case (GET /api/cases/{id})', () =>
        call('GET', `/api/cases/${caseId}`, tutorToken),
      );
      ({ etag } = await act('edit the plan (PUT …/plan)', () =>
        call('PUT', `/api/cases/${caseId}/plan`, tutorToken, { plan: bcuPlan(REVIEW_DATE) }, etag),
      ));
      ({ etag } = await act('sign (POST …/signatures, the first signature)', () =>
        call(
          'POST',
          `/api/cases/${caseId}/signatures`,
          traineeToken,
          { role: 'trainee', typedName: trainee.name },
          etag,
        ),
      ));
      ({ etag } = await act('sign, the last signature: the plan is agreed', () =>
        call('POST', `/api/cases/${caseId}/signatures`, mentorToken, { role: 'mentor', typedName: mentor.name }, etag),
      ));
      await act('record a review (POST …/reviews)', () =>
        call(
          'POST',
          `/api/cases/${caseId}/reviews`,
          tutorToken,
          {
            progress: [
              { targetId: 'T1', rating: 'met' },
              { targetId: 'T2', rating: 'met' },
            ],
            evidence: 'Observed lessons.',
            outcomeId: 'sufficient_progress',
          },
          etag,
        ),
      );
      const card = reviewable[round];
      const data = card === undefined ? undefined : cardReviewData(card.stored);
      if (card !== undefined && data !== undefined) {
        const answer = await act('card action: record a review (Action.Execute to /api/messages)', () =>
          invoke(card.reviewer, data),
        );
        if (!answer.includes('REVIEW RECORDED'))
          throw new Error(`The card action did not record the review: ${answer}`);
        cardRuns += 1;
      }
    }
    emulator.setLatency(undefined);
    return { samples, cardRuns };
  } finally {
    await local.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface SweepFigures {
  readonly dueCases: number;
  readonly planned: number;
  readonly sent: number;
  readonly first: { wallMs: number; requests: number; units: number };
  readonly repeat: { wallMs: number; requests: number; units: number };
}

async function sweepRuns(profile: Profile): Promise<SweepFigures> {
  const env = await startBenchEmulator({ durability: 'none', prefix: 'trellis-bench-latency-sweep-' });
  try {
    const population = await loadSweepPopulation(env, SWEEP_CASES);
    env.emulator.setLatency(profile.latency);
    const first = await measure(env.emulator, () => population.sweep());
    const repeat = await measure(env.emulator, () => population.sweep());
    return {
      dueCases: first.result.dueCases,
      planned: first.result.planned,
      sent: first.result.sent,
      first: { wallMs: first.wallMs, requests: first.requests, units: first.resourceUnits },
      repeat: { wallMs: repeat.wallMs, requests: repeat.requests, units: repeat.resourceUnits },
    };
  } finally {
    await env.close();
  }
}

const seconds = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : ms(value));
const both = (a: number, b: number): string =>
  a === b ? a.toLocaleString('en-GB') : `${a.toLocaleString('en-GB')} / ${b.toLocaleString('en-GB')}`;

async function main(): Promise<void> {
  const actions: { samples: Samples; cardRuns: number }[] = [];
  const sweeps: SweepFigures[] = [];
  for (const profile of PROFILES) {
    actions.push(await userActions(profile));
    sweeps.push(await sweepRuns(profile));
  }
  const [flat, slow] = actions;
  const [flatSweep, slowSweep] = sweeps;
  if (!flat || !slow || !flatSweep || !slowSweep) throw new Error('A profile did not run.');
  const pick = (samples: Samples, name: string, field: keyof Sample): number =>
    median((samples.get(name) ?? []).map((s) => s[field]));

  const actionRows = [...flat.samples.keys()].map((name) => {
    const f = (field: keyof Sample): number => pick(flat.samples, name, field);
    const s = (field: keyof Sample): number => pick(slow.samples, name, field);
    return `| ${name} | ${both(f('requests'), s('requests'))} | ${both(f('unitsAnswered'), s('unitsAnswered'))} | ${both(f('unitsSettled'), s('unitsSettled'))} | ${ms(f('answeredMs'))} | ${ms(s('answeredMs'))} | ${ms(f('settledMs'))} | ${ms(s('settledMs'))} |`;
  });
  const sweepRow = (label: string, pickOf: (x: SweepFigures) => number, format: (v: number) => string): string =>
    `| ${label} | ${format(pickOf(flatSweep))} | ${format(pickOf(slowSweep))} |`;
  const count = (v: number): string => v.toLocaleString('en-GB');
  const ratio = (x: SweepFigures): number => x.repeat.units / Math.max(1, x.first.units);

  const body = [
    '## Latency: people’s actions and the sweep with a tenant’s Graph (`npm run bench:latency`)',
    '',
    `The emulator's \`tenant\` latency profile (\`src/dev/graph-emulator/latency.ts\`, seed ${String(TENANT_LATENCY.seed)}): reads ${String(TENANT_LATENCY.read.minMs)}–${String(TENANT_LATENCY.read.maxMs)} ms, writes ${String(TENANT_LATENCY.write.minMs)}–${String(TENANT_LATENCY.write.maxMs)} ms (each draw skewed to the low end: half in the lowest quarter), a \`$batch\` ${String(TENANT_LATENCY.batch.minMs)}–${String(TENANT_LATENCY.batch.maxMs)} ms for the envelope plus its parts side by side; list items and delta in Graph's pages (200 unless \`$top\` asks for more, at most 5,000). Next to it, the same work with no latency. Resource units (RU) as SharePoint prices requests: 1 a single read or a delta with a token, 2 a query, a delta without a token or a write, each \`$batch\` part priced; mail, calendar and Teams requests cost none.`,
    '',
    `### People's actions`,
    '',
    `Local mode as \`npm start\` runs it (the real app, bot and notifications on the emulator with fsync, the demo data, the clock at ${NOW.toISOString().slice(0, 10)}), a fresh start per profile. Each of ${String(ROUNDS)} rounds a BCU course leader opens a case for a new trainee and loads the dashboard, the tutor loads the case and saves the plan, the trainee and the mentor sign it, the tutor records the review that closes it, and a reviewer records a demo case's review from its card (${String(slow.cardRuns)} rounds had such a case). Medians over the rounds. "Answered" is the person's wait; "settled" adds the notifications the action started, which Trellis sends after answering. Requests and RU are counted until the answer (a \`$batch\` is one request); where the two profiles differ they are shown as no latency / tenant (the repository checks the list's delta at most once a second, so a slower round can make one check more). The access log's entries are written by a flush every 5 s and fall into whichever action is running then.`,
    '',
    '| action | Graph requests | RU, answered | RU, settled | answered, no latency | answered, tenant | settled, no latency | settled, tenant |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...actionRows,
    '',
    '### Review sweep',
    '',
    `${SWEEP_CASES.toLocaleString('en-GB')} cases as in the sweep benchmark (\`bench/sweep-cases.ts\`: one in 10 awaiting review, one in 100 changed in the last day; no-op senders, so the figures are planning and the outbox), loaded with no latency, then the day's first sweep and a second sweep the same day, with the profile on; the production Graph client and retry policy.`,
    '',
    '| | no latency | tenant |',
    '|---|---:|---:|',
    sweepRow('cases with a review due, coming up or overdue', (x) => x.dueCases, count),
    sweepRow(
      'notifications planned → sent (first run)',
      (x) => x.sent,
      (v) => `${count(flatSweep.planned)} → ${count(v)}`,
    ),
    sweepRow('first run: wall time', (x) => x.first.wallMs, seconds),
    sweepRow('first run: Graph requests', (x) => x.first.requests, count),
    sweepRow('first run: RU', (x) => x.first.units, count),
    sweepRow(
      'first run: RU per due case',
      (x) => x.first.units / Math.max(1, x.dueCases),
      (v) => v.toFixed(1),
    ),
    sweepRow('first run: wall time per Graph request', (x) => x.first.wallMs / Math.max(1, x.first.requests), ms),
    sweepRow('repeated run the same day: wall time', (x) => x.repeat.wallMs, seconds),
    sweepRow('repeated run: Graph requests', (x) => x.repeat.requests, count),
    sweepRow('repeated run: RU', (x) => x.repeat.units, count),
    sweepRow("repeated run's RU / first run's RU", ratio, (v) => v.toFixed(3)),
    '',
    `With the profile on, the first run's wall time per Graph request is about one request's delay: the sweep makes its requests one after another, so its time grows with the due cases times the tenant's latency. At SharePoint's 1,250 RU a minute (a tenant of up to 1,000 licences), the first run's ${count(slowSweep.first.units)} RU are ${((slowSweep.first.units / 1250) * 100).toFixed(0)}% of one minute's budget, spent over ${seconds(slowSweep.first.wallMs)}.`,
    '',
    'The machine is shared with other developers’ builds and tests, so the no-latency wall times vary run to run; the tenant figures are mostly the profile’s delays, which are the same from run to run for the same seed and order of requests.',
  ].join('\n');
  await writeSection('latency', body);
  process.stdout.write(`${body}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
