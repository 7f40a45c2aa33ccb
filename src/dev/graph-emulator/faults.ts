/** Fault injection (item 24/26): seeded, rule-based, changeable at runtime. */
import { z } from 'zod';
import { GraphHttpError } from './errors.js';
import { HTTP_METHODS } from './http-types.js';
import type { HttpMethod } from './http-types.js';
import { FAULT_KINDS, FAULT_SCOPES } from './types.js';
import type { FaultConfig, FaultRule, FaultStatus } from './types.js';

/** mulberry32: tiny, fast, and the same sequence for the same seed on every platform. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const methodSchema = z.enum(HTTP_METHODS);

export const faultRuleSchema = z.strictObject({
  name: z.string().optional(),
  method: z.union([methodSchema, z.array(methodSchema)]).optional(),
  path: z.string().optional(),
  kind: z.enum(FAULT_KINDS),
  status: z.union([z.literal(429), z.literal(503), z.literal(504)]).optional(),
  retryAfterSeconds: z.number().nonnegative().nullable().optional(),
  style: z.enum(['graph', 'sharepoint']).optional(),
  rate: z.number().min(0).max(1).optional(),
  times: z.number().int().nonnegative().optional(),
  latencyMs: z.number().nonnegative().optional(),
  scope: z.enum(FAULT_SCOPES).optional(),
});

export const faultConfigSchema = z.strictObject({
  rules: z.array(faultRuleSchema).optional(),
  uniqueViolationStatus: z.union([z.literal(409), z.literal(400), z.literal(500)]).optional(),
  etagMismatchStatus: z.union([z.literal(412), z.literal(409)]).optional(),
});

// Compile-time guard: the HTTP schema must stay assignable to the public type.
type Assignable<Target, Source extends Target> = Source;
type _FaultSchemaMatchesType = Assignable<FaultConfig, z.infer<typeof faultConfigSchema>>;

export interface FaultDecision {
  readonly latencyMs: number;
  readonly failure?: {
    readonly kind: 'fail' | 'applyThenFail';
    readonly error: GraphHttpError;
  };
}

function splitPattern(pattern: string): string[] {
  const bare = pattern.split('?')[0] ?? '';
  const segments = bare.split('/').filter((s) => s !== '');
  if (segments[0]?.toLowerCase() === 'v1.0') segments.shift();
  return segments.map((s) => s.toLowerCase());
}

function matchSegments(pattern: readonly string[], path: readonly string[], pi = 0, si = 0): boolean {
  if (pi === pattern.length) return si === path.length;
  const p = pattern[pi];
  if (p === '**') {
    for (let k = si; k <= path.length; k += 1) if (matchSegments(pattern, path, pi + 1, k)) return true;
    return false;
  }
  const segment = path[si];
  if (segment === undefined) return false;
  return (p === '*' || p === segment.toLowerCase()) && matchSegments(pattern, path, pi + 1, si + 1);
}

export function faultError(
  status: FaultStatus,
  style: 'graph' | 'sharepoint',
  retryAfter: number | null,
): GraphHttpError {
  const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
  if (status === 429) {
    return style === 'sharepoint'
      ? new GraphHttpError(429, 'activityLimitReached', 'The request has been throttled', headers, 'throttledRequest')
      : new GraphHttpError(429, 'TooManyRequests', 'Please retry again later.', headers, '429');
  }
  if (status === 503) {
    return new GraphHttpError(
      503,
      'serviceNotAvailable',
      'The service is temporarily unavailable. Please retry later.',
      headers,
    );
  }
  return new GraphHttpError(504, 'gatewayTimeout', 'The operation has timed out.', headers);
}

interface CompiledRule {
  readonly rule: FaultRule;
  readonly segments: readonly string[] | undefined;
  readonly methods: readonly HttpMethod[] | undefined;
  remaining: number | undefined;
}

export class FaultEngine {
  private current: FaultConfig = {};
  private rules: CompiledRule[] = [];

  constructor(
    config: FaultConfig,
    private readonly random: () => number,
  ) {
    this.set(config);
  }

  set(config: FaultConfig): void {
    this.current = structuredClone(config);
    this.rules = (config.rules ?? []).map((rule) => ({
      rule,
      segments: rule.path === undefined ? undefined : splitPattern(rule.path),
      methods: rule.method === undefined ? undefined : typeof rule.method === 'string' ? [rule.method] : rule.method,
      remaining: rule.times,
    }));
  }

  get config(): FaultConfig {
    return structuredClone(this.current);
  }

  decide(method: HttpMethod, segments: readonly string[], inBatch: boolean): FaultDecision {
    let latencyMs = 0;
    let failure: FaultDecision['failure'];
    for (const compiled of this.rules) {
      const { rule } = compiled;
      const scope = rule.scope ?? 'all';
      if ((scope === 'direct' && inBatch) || (scope === 'batch' && !inBatch)) continue;
      if (compiled.methods !== undefined && !compiled.methods.includes(method)) continue;
      if (compiled.segments !== undefined && !matchSegments(compiled.segments, segments)) continue;
      if (compiled.remaining === 0) continue;
      if (rule.kind !== 'latency' && failure !== undefined) continue;
      const rate = rule.rate ?? 1;
      // Draw only for partial rates so adding a certain rule does not shift other rules' sequences.
      if (rate < 1 && this.random() >= rate) continue;
      if (compiled.remaining !== undefined) compiled.remaining -= 1;
      latencyMs += rule.latencyMs ?? 0;
      if (rule.kind === 'latency') continue;
      const status = rule.status ?? (rule.kind === 'fail' ? 429 : 503);
      const retryAfter = rule.retryAfterSeconds === undefined ? 0 : rule.retryAfterSeconds;
      failure = { kind: rule.kind, error: faultError(status, rule.style ?? 'graph', retryAfter) };
    }
    return failure === undefined ? { latencyMs } : { latencyMs, failure };
  }
}
