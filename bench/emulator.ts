/**
 * The one way the benchmarks start a Graph emulator and a client: the tests' provisioned
 * emulator (a temp folder, the Trellis lists provisioned, the production Graph client pointed at
 * it by base URL) with the client's production retry policy, so a benchmark measures the client
 * as it runs in a tenant; and what a piece of work cost, as the emulator counted it.
 */
import { performance } from 'node:perf_hooks';
import type { LatencyProfile, RunningGraphEmulator } from '../src/dev/graph-emulator/index.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../test/support/provisioned-emulator.js';

export type { ProvisionedEmulator as BenchEmulator } from '../test/support/provisioned-emulator.js';

export function startBenchEmulator(
  options: {
    /** `fsync` (the default) writes as a real store does; `none` for loads where the disk is not the question. */
    readonly durability?: 'fsync' | 'none';
    /** A tenant-like delay on every Graph request; default none. Changeable with `emulator.setLatency`. */
    readonly latency?: LatencyProfile;
    /** The temp folder's name starts with this. */
    readonly prefix?: string;
  } = {},
): Promise<ProvisionedEmulator> {
  return startProvisionedEmulator({
    retry: 'production',
    durability: options.durability ?? 'fsync',
    prefix: options.prefix ?? 'trellis-bench-',
    ...(options.latency === undefined ? {} : { latency: options.latency }),
  });
}

/** What one piece of work cost. */
export interface Cost<T> {
  readonly result: T;
  readonly wallMs: number;
  /** Graph HTTP requests: a `$batch` counts once. */
  readonly requests: number;
  /** Sub-requests inside `$batch`es. */
  readonly batchSubRequests: number;
  /** SharePoint resource units, each sub-request priced as SharePoint prices it. */
  readonly resourceUnits: number;
}

/** Runs `work` with the emulator's counters reset first, and reads them after. */
export async function measure<T>(
  emulator: Pick<RunningGraphEmulator, 'resetCounters' | 'inspect'>,
  work: () => Promise<T>,
): Promise<Cost<T>> {
  emulator.resetCounters();
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  const counters = emulator.inspect().counters;
  return {
    result,
    wallMs,
    requests: counters.total,
    batchSubRequests: counters.batchSubRequests,
    resourceUnits: counters.resourceUnits,
  };
}
