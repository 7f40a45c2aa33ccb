import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childCluster, type Cluster } from './cluster.js';
import { replayCommands, requestedReplay, saveReplay } from './replay.js';
import { runCrashScenario } from './scenarios.js';

/**
 * Crash: the real server in a child process (local mode, fsync), the BCU course writing to it
 * at full speed, SIGKILL at a random moment, a restart on the same data folder; again and again
 * (`runCrashScenario`, which the soak also runs on three processes sharing one emulator).
 * Afterwards every case replays, no trail has a gap or a repeat, every change a client was told
 * succeeded (2xx) is stored exactly once, and the API serves every trail as the lists hold it.
 * A request cut off by the kill was told nothing, so it may or may not have landed — but never
 * twice. A failure prints the line that replays its kills (TRELLIS_CRASH_REPLAY).
 */
/**
 * Kills here: two, enough for every check below — writes cut off by a kill, a restart, and a
 * second kill and restart on a data folder that has already been recovered once — at a fraction
 * of the CPU (each round is a restart and a burst of the whole course writing).
 * `TRELLIS_CRASH_ROUNDS=6 npm run test:reliability` kills more; the soak
 * (`npm run soak:reliability`) runs six a run, over and over.
 */
const ROUNDS = roundsFrom(process.env.TRELLIS_CRASH_ROUNDS, 2);
const SEED = 8;

function roundsFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const rounds = Number(value);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`TRELLIS_CRASH_ROUNDS must be a whole number of at least 1, got '${value}'`);
  return rounds;
}

let cluster: Cluster | undefined;

beforeAll(async () => {
  cluster = await childCluster({ size: 1, shared: false });
});

afterAll(async () => {
  await cluster?.close();
});

describe('SIGKILL during writes, then restart', () => {
  it(`${ROUNDS} kills at random moments (more until one cuts a write off): every case replays, nothing acknowledged is lost or doubled`, async () => {
    if (cluster === undefined) throw new Error('Trellis did not start');
    const replay = requestedReplay('crash');
    const result = await runCrashScenario(cluster, {
      seed: replay?.seed ?? SEED,
      rounds: replay?.scenario === 'crash' ? replay.kills.length : ROUNDS,
      ...(replay?.scenario === 'crash' ? { replay: replay.kills } : {}),
    });
    const replayLines =
      result.problems.length === 0
        ? []
        : replayCommands(result.record, await saveReplay(result.record)).map((line) => `replay: ${line}`);
    for (const line of replayLines) console.log(line);
    expect(result.problems, replayLines.join('\n')).toEqual([]);
  }, 480_000);
});
