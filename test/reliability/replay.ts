import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { faultLogEntrySchema } from '../../src/dev/graph-emulator/faults.js';
import type { FaultLogEntry } from '../../src/dev/graph-emulator/index.js';

/**
 * What a fault or crash run decided, saved so that a failure can be run again with the same
 * decisions against the same workload: the seed (the workload's choices and the kill moments
 * come from it) and, for the fault run, every fault the emulator injected, by request (method,
 * route, list and `$batch` id, and how many such requests came before). A replay gives each
 * request the answer its counterpart had; who wins a race still depends on timing, so a replay
 * is worth running a few times (`--runs`).
 */
export interface Kill {
  /** Which Trellis process was killed. */
  readonly process: number;
  /** Once this many writes of the round were acknowledged (so a busy machine still does work between kills)… */
  readonly afterAcknowledged: number;
  /** …and this much longer. */
  readonly thenMs: number;
}

export type ReplayRecord =
  | {
      readonly scenario: 'faults';
      readonly processes: number;
      readonly seed: number;
      /** How many steps each of the twenty people took (the workload's length). */
      readonly stepsPerUser: number;
      readonly faults: readonly FaultLogEntry[];
    }
  | { readonly scenario: 'crash'; readonly processes: number; readonly seed: number; readonly kills: readonly Kill[] };

const recordSchema = z.discriminatedUnion('scenario', [
  z.object({
    scenario: z.literal('faults'),
    processes: z.number().int().positive(),
    seed: z.number().int(),
    stepsPerUser: z.number().int().positive(),
    faults: z.array(faultLogEntrySchema),
  }),
  z.object({
    scenario: z.literal('crash'),
    processes: z.number().int().positive(),
    seed: z.number().int(),
    kills: z.array(
      z.object({
        process: z.number().int().min(0),
        afterAcknowledged: z.number().int().min(0),
        thenMs: z.number().nonnegative(),
      }),
    ),
  }),
]);

/** The environment variables the fault and crash tests read a replay file from. */
export const FAULT_REPLAY_ENV = 'TRELLIS_FAULT_REPLAY';
export const CRASH_REPLAY_ENV = 'TRELLIS_CRASH_REPLAY';

/** Writes the record under the OS temp folder; returns the file. */
export async function saveReplay(record: ReplayRecord): Promise<string> {
  const file = path.join(
    tmpdir(),
    `trellis-replay-${record.scenario}-${record.processes}p-seed${record.seed}-${Date.now()}-${process.pid}.json`,
  );
  await writeFile(file, `${JSON.stringify(record)}\n`);
  return file;
}

export function loadReplay(file: string): ReplayRecord {
  const parsed = recordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a Trellis replay record: ${parsed.error.message}`);
  return parsed.data;
}

/** The replay file a test was asked to run (`TRELLIS_FAULT_REPLAY` / `TRELLIS_CRASH_REPLAY`), if any. */
export function requestedReplay(scenario: ReplayRecord['scenario']): ReplayRecord | undefined {
  const file = process.env[scenario === 'faults' ? FAULT_REPLAY_ENV : CRASH_REPLAY_ENV];
  if (file === undefined || file === '') return undefined;
  const record = loadReplay(file);
  if (record.scenario !== scenario) throw new Error(`${file} records a ${record.scenario} run, not a ${scenario} run`);
  return record;
}

/** Commands a developer can paste to run the same decisions again. */
export function replayCommands(record: ReplayRecord, file: string): string[] {
  const soak = `npm run soak:reliability -- --replay ${file} --runs 10`;
  if (record.processes !== 1) return [soak];
  const test =
    record.scenario === 'faults'
      ? `${FAULT_REPLAY_ENV}=${file} npx vitest run test/reliability/faults.test.ts -t "stores every acknowledged change"`
      : `${CRASH_REPLAY_ENV}=${file} npx vitest run test/reliability/crash.test.ts`;
  return [test, soak];
}
