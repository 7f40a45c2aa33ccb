/**
 * Latency profiles: the time a Graph request takes when SharePoint answers it from another
 * network, so that benchmarks (and anyone running local mode against the standalone emulator)
 * see wall times like a tenant's rather than a loopback's. Off unless chosen: tests never set one.
 *
 * Each request draws its own delay from a seeded generator of its own (fault rules and batch
 * shuffling keep their sequences), from the range of its kind:
 * - reads (GET) and writes (POST, PATCH, PUT, DELETE) each have a range; writes are slower;
 * - a `$batch` envelope costs a small range of its own (the gateway taking it apart), and its
 *   parts each draw as the request they are, side by side (in order when they depend on each
 *   other), so a batch costs by its parts: the envelope plus its slowest part.
 * The draw is skewed towards the low end of the range, as measured latencies are: the square of
 * a uniform draw, so half the requests fall in the lowest quarter of the range.
 *
 * Paging needs no setting: the emulator pages list items and delta as Graph does (200 items
 * unless `$top` asks for more, at most 5,000), so a profile's run pays a round trip per page.
 */
import { z } from 'zod';
import { createPrng } from './faults.js';
import type { HttpMethod } from './http-types.js';

export interface LatencyRange {
  readonly minMs: number;
  readonly maxMs: number;
}

export interface LatencyProfile {
  /** Shown in logs and benchmark tables. */
  readonly name: string;
  /** Seed of the draws: the same seed gives the same sequence of delays. */
  readonly seed: number;
  /** GET requests (single items, queries, delta, mail and directory reads). */
  readonly read: LatencyRange;
  /** POST, PATCH, PUT and DELETE requests. */
  readonly write: LatencyRange;
  /** The `$batch` envelope itself, on top of its parts. */
  readonly batch: LatencyRange;
}

/**
 * A SharePoint site measured from an app in an Azure region: 80–250 ms a request, reads
 * 80–180 ms (about 105 ms typical), writes 120–250 ms (about 150 ms typical), a `$batch`
 * envelope 15–40 ms plus its parts.
 */
export const TENANT_LATENCY: LatencyProfile = {
  name: 'tenant',
  seed: 1,
  read: { minMs: 80, maxMs: 180 },
  write: { minMs: 120, maxMs: 250 },
  batch: { minMs: 15, maxMs: 40 },
};

/** Profiles chosen by name (`--latency tenant`). */
export const LATENCY_PROFILES: Readonly<Record<string, LatencyProfile>> = { tenant: TENANT_LATENCY };

const rangeSchema = z
  .strictObject({ minMs: z.number().nonnegative().max(60_000), maxMs: z.number().nonnegative().max(60_000) })
  .refine((r) => r.minMs <= r.maxMs, { message: 'minMs must not be above maxMs' });

export const latencyProfileSchema = z.strictObject({
  name: z.string().min(1).max(100),
  seed: z.number().int(),
  read: rangeSchema,
  write: rangeSchema,
  batch: rangeSchema,
});

type Assignable<Target, Source extends Target> = Source;
type _LatencySchemaMatchesType = Assignable<LatencyProfile, z.infer<typeof latencyProfileSchema>>;

/** Which range a request draws from. */
export function latencyClass(method: HttpMethod, kind: string): keyof Pick<LatencyProfile, 'read' | 'write' | 'batch'> {
  if (kind === '$batch') return 'batch';
  return method === 'GET' ? 'read' : 'write';
}

/** One draw from a range: the square of a uniform draw, so the low end is the common case. */
export function drawFrom(range: LatencyRange, uniform: number): number {
  return Math.round(range.minMs + (range.maxMs - range.minMs) * uniform * uniform);
}

/** A profile in use: its draws, in arrival order, from its own seeded sequence. */
export class Latency {
  private readonly random: () => number;

  constructor(readonly profile: LatencyProfile) {
    this.random = createPrng(profile.seed);
  }

  /** The delay, in milliseconds, of the next request of this method and route kind. */
  next(method: HttpMethod, kind: string): number {
    return drawFrom(this.profile[latencyClass(method, kind)], this.random());
  }
}

/** `tenant`, or `tenant:7` for the same profile with seed 7. */
export function latencyProfileNamed(text: string): LatencyProfile {
  const [name = '', seedText] = text.split(':', 2);
  const profile = LATENCY_PROFILES[name.trim().toLowerCase()];
  if (profile === undefined)
    throw new Error(`unknown latency profile '${name}' (known: ${Object.keys(LATENCY_PROFILES).join(', ')})`);
  if (seedText === undefined) return profile;
  const seed = Number(seedText);
  if (!Number.isInteger(seed)) throw new Error(`the latency profile's seed must be a whole number, got '${seedText}'`);
  return { ...profile, seed };
}
