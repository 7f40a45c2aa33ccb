/**
 * `npm run soak:reliability -- --runs N`: the reliability suite's fault and crash scenarios, N
 * times in a row, on one Trellis process and on three processes sharing one Graph emulator.
 * Each failure is printed with its problems and the line that replays it; a summary ends the
 * run (exit code 1 if anything failed). Not part of `npm test`. See docs/reliability.md.
 *
 *   --runs N            repetitions of each scenario on each topology (default 1)
 *   --processes 1,3     Trellis processes per run (default both)
 *   --scenarios faults,crash
 *   --seed S            seed of the first run; run i uses S + i (default: from the clock, printed)
 *   --rounds R          kills per crash run (default 6, as in crash.test.ts)
 *   --replay FILE       run a saved failure again (its scenario, processes, seed and decisions), N times
 *   --max-minutes M     start no run after M minutes; the summary says how many of the N ran
 */
import { parseArgs } from 'node:util';
import { childCluster, inProcessCluster, type Cluster } from '../test/reliability/cluster.js';
import { startLocal } from '../test/reliability/kit.js';
import { loadReplay, replayCommands, saveReplay, type ReplayRecord } from '../test/reliability/replay.js';
import { runCrashScenario, runFaultsScenario, type ScenarioResult } from '../test/reliability/scenarios.js';

type Scenario = ReplayRecord['scenario'];

interface Job {
  readonly scenario: Scenario;
  readonly processes: number;
  readonly seed: number;
  readonly replay: ReplayRecord | undefined;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1, got '${value}'`);
  return n;
}

function list<T extends string | number>(name: string, value: string | undefined, allowed: readonly T[]): T[] {
  if (value === undefined) return [...allowed];
  const picked = value.split(',').map((v) => allowed.find((a) => String(a) === v.trim()));
  if (picked.some((p) => p === undefined)) throw new Error(`--${name} takes ${allowed.join(',')}, got '${value}'`);
  return picked.filter((p): p is T => p !== undefined);
}

async function clusterFor(scenario: Scenario, processes: number): Promise<Cluster> {
  if (processes === 1)
    return scenario === 'faults' ? inProcessCluster(await startLocal()) : childCluster({ size: 1, shared: false });
  // Several processes share an emulator this process runs: fsync'd for the crash runs, like the embedded one.
  return childCluster({ size: processes, shared: true, durability: scenario === 'crash' ? 'fsync' : 'none' });
}

/**
 * The processes of each scenario and topology are started once and kept across runs, as a
 * deployment keeps its instances (cases pile up as they would); a run that stops with an error
 * gets fresh ones.
 */
const clusters = new Map<string, Cluster>();

async function runJob(job: Job, rounds: number): Promise<ScenarioResult> {
  const key = `${job.scenario} ${job.processes}`;
  const cluster = clusters.get(key) ?? (await clusterFor(job.scenario, job.processes));
  clusters.set(key, cluster);
  try {
    const { replay } = job;
    if (job.scenario === 'faults')
      return await runFaultsScenario(cluster, {
        seed: job.seed,
        ...(replay?.scenario === 'faults' ? { replay: replay.faults, stepsPerUser: replay.stepsPerUser } : {}),
      });
    return await runCrashScenario(cluster, {
      seed: job.seed,
      rounds: replay?.scenario === 'crash' ? replay.kills.length : rounds,
      keepRunning: true,
      ...(replay?.scenario === 'crash' ? { replay: replay.kills } : {}),
    });
  } catch (error) {
    clusters.delete(key);
    await cluster.close().catch(() => undefined);
    throw error;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      processes: { type: 'string' },
      scenarios: { type: 'string' },
      seed: { type: 'string' },
      rounds: { type: 'string' },
      replay: { type: 'string' },
      'max-minutes': { type: 'string' },
    },
    strict: true,
  });
  const runs = positiveInt('runs', values.runs, 1);
  const rounds = positiveInt('rounds', values.rounds, 6);
  const maxMinutes =
    values['max-minutes'] === undefined ? undefined : positiveInt('max-minutes', values['max-minutes'], 1);
  const jobs: Job[] = [];
  if (values.replay !== undefined) {
    const record = loadReplay(values.replay);
    for (let i = 0; i < runs; i += 1)
      jobs.push({ scenario: record.scenario, processes: record.processes, seed: record.seed, replay: record });
  } else {
    const firstSeed = values.seed === undefined ? Date.now() % 1_000_000_000 : Number(values.seed);
    if (!Number.isInteger(firstSeed)) throw new Error(`--seed must be a whole number, got '${String(values.seed)}'`);
    const processes = list('processes', values.processes, [1, 3] as const);
    const scenarios = list('scenarios', values.scenarios, ['faults', 'crash'] as const);
    process.stdout.write(
      `soak: ${runs} runs of ${scenarios.join(' and ')} on ${processes.join(' and ')} process(es), seeds from ${firstSeed}\n`,
    );
    for (let i = 0; i < runs; i += 1)
      for (const scenario of scenarios)
        for (const count of processes)
          jobs.push({ scenario, processes: count, seed: firstSeed + i, replay: undefined });
  }

  const tally = new Map<string, { runs: number; failed: number; seconds: number }>();
  const failures: string[] = [];
  const soakStarted = performance.now();
  let ran = 0;
  for (const [index, job] of jobs.entries()) {
    if (maxMinutes !== undefined && performance.now() - soakStarted > maxMinutes * 60_000) {
      process.stdout.write(`stopping: ${maxMinutes} minutes have passed; ${jobs.length - index} runs not started\n`);
      break;
    }
    ran += 1;
    const name = `${job.scenario} on ${job.processes} process${job.processes === 1 ? '' : 'es'}`;
    const started = performance.now();
    let problems: readonly string[];
    let record: ReplayRecord | undefined;
    let figures = '';
    try {
      const result = await runJob(job, rounds);
      problems = result.problems;
      record = result.record;
      figures = Object.entries(result.figures)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    } catch (error) {
      problems = [`the run stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
    }
    const seconds = (performance.now() - started) / 1000;
    const entry = tally.get(name) ?? { runs: 0, failed: 0, seconds: 0 };
    entry.runs += 1;
    entry.seconds += seconds;
    const verdict = problems.length === 0 ? 'ok' : `FAILED (${problems.length} problems)`;
    process.stdout.write(
      `[${index + 1}/${jobs.length}] ${name}, seed ${job.seed}: ${verdict} in ${seconds.toFixed(1)} s${figures === '' ? '' : ` (${figures})`}\n`,
    );
    if (problems.length > 0) {
      entry.failed += 1;
      for (const problem of problems.slice(0, 20)) process.stdout.write(`    ${problem}\n`);
      if (problems.length > 20) process.stdout.write(`    … and ${problems.length - 20} more\n`);
      const lines =
        record === undefined
          ? [`npm run soak:reliability -- --scenarios ${job.scenario} --processes ${job.processes} --seed ${job.seed}`]
          : replayCommands(record, await saveReplay(record));
      for (const line of lines) process.stdout.write(`    replay: ${line}\n`);
      failures.push(`${name}, seed ${job.seed}: ${problems[0] ?? ''}`);
    }
    tally.set(name, entry);
  }

  for (const cluster of clusters.values()) await cluster.close();
  const minutes = (performance.now() - soakStarted) / 60_000;
  process.stdout.write(`\nsummary: ${ran} of ${jobs.length} runs in ${minutes.toFixed(1)} minutes\n`);
  for (const [name, entry] of tally)
    process.stdout.write(
      `  ${name}: ${entry.runs} runs, ${entry.failed} failed, ${(entry.seconds / entry.runs).toFixed(1)} s per run\n`,
    );
  for (const failure of failures) process.stdout.write(`  failed: ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
