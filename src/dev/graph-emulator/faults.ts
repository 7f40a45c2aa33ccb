/**
 * Fault injection (item 24/26): seeded, rule-based, changeable at runtime; plus scripted answers
 * for exact interleavings, a log of every decision made, and replay of such a log.
 */
import { z } from 'zod';
import { GraphHttpError } from './errors.js';
import { HTTP_METHODS } from './http-types.js';
import type { HttpMethod } from './http-types.js';
import { FAULT_KINDS, FAULT_SCOPES, SCRIPT_ANSWERS } from './types.js';
import type { FaultConfig, FaultLogEntry, FaultRule, FaultScriptStep, FaultStatus } from './types.js';

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
const methodsSchema = z.union([methodSchema, z.array(methodSchema)]);
const statusSchema = z.union([z.literal(429), z.literal(503), z.literal(504)]);

export const faultRuleSchema = z.strictObject({
  name: z.string().optional(),
  method: methodsSchema.optional(),
  path: z.string().optional(),
  kind: z.enum(FAULT_KINDS),
  status: statusSchema.optional(),
  retryAfterSeconds: z.number().nonnegative().nullable().optional(),
  style: z.enum(['graph', 'sharepoint']).optional(),
  rate: z.number().min(0).max(1).optional(),
  times: z.number().int().nonnegative().optional(),
  latencyMs: z.number().nonnegative().optional(),
  scope: z.enum(FAULT_SCOPES).optional(),
});

export const faultScriptStepSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    method: methodsSchema.optional(),
    path: z.string().optional(),
    scope: z.enum(FAULT_SCOPES).optional(),
    batchId: z.string().min(1).optional(),
    nth: z.number().int().positive().optional(),
    answer: z.enum(SCRIPT_ANSWERS),
    status: statusSchema.optional(),
    retryAfterSeconds: z.number().nonnegative().nullable().optional(),
    latencyMs: z.number().nonnegative().optional(),
  })
  .refine((step) => step.answer !== 'hold' || step.name !== undefined, {
    message: 'a hold step needs a name (releaseHeld names it)',
  });

export const faultLogEntrySchema = z.strictObject({
  n: z.number().int().positive(),
  key: z.string(),
  occurrence: z.number().int().positive(),
  by: z.string().optional(),
  latencyMs: z.number().nonnegative().optional(),
  answer: z.enum(['fail', 'applyThenFail', 'hold']).optional(),
  status: statusSchema.optional(),
  retryAfterSeconds: z.number().nonnegative().nullable().optional(),
  style: z.enum(['graph', 'sharepoint']).optional(),
});

export const faultConfigSchema = z.strictObject({
  rules: z.array(faultRuleSchema).optional(),
  seed: z.number().int().optional(),
  script: z.array(faultScriptStepSchema).optional(),
  replay: z.array(faultLogEntrySchema).optional(),
  uniqueViolationStatus: z.union([z.literal(409), z.literal(400), z.literal(500)]).optional(),
  etagMismatchStatus: z.union([z.literal(412), z.literal(409)]).optional(),
});

// Compile-time guard: the HTTP schema must stay assignable to the public type.
type Assignable<Target, Source extends Target> = Source;
type _FaultSchemaMatchesType = Assignable<FaultConfig, z.infer<typeof faultConfigSchema>>;

/** What the engine is asked about one request. */
export interface FaultRequest {
  readonly method: HttpMethod;
  readonly segments: readonly string[];
  /** Set for `$batch` sub-requests. */
  readonly batchId: string | undefined;
  /** The request's name in the decision log (see FaultLogEntry). */
  readonly key: string;
}

export interface FaultDecision {
  readonly latencyMs: number;
  /** Resolves when the test releases a held request; the request runs only then. */
  readonly hold?: Promise<void>;
  readonly failure?: {
    readonly kind: 'fail' | 'applyThenFail';
    readonly error: GraphHttpError;
  };
}

/** Most decisions a log keeps (a fault run records a few hundred). */
const MAX_LOG_ENTRIES = 200_000;

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

interface CompiledStep {
  readonly step: FaultScriptStep;
  readonly segments: readonly string[] | undefined;
  readonly methods: readonly HttpMethod[] | undefined;
  seen: number;
}

/** A decision before it becomes an error: what the log records and a replay repeats. */
interface Answer {
  readonly by: string | undefined;
  readonly latencyMs: number;
  readonly answer?: 'fail' | 'applyThenFail' | 'hold';
  readonly status?: FaultStatus;
  readonly retryAfterSeconds?: number | null;
  readonly style?: 'graph' | 'sharepoint';
}

interface Hold {
  reached: boolean;
  readonly whenReached: Promise<void>;
  readonly reach: () => void;
  readonly released: Promise<void>;
  readonly release: () => void;
}

function newHold(): Hold {
  let reach = (): void => undefined;
  let release = (): void => undefined;
  const whenReached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { reached: false, whenReached, reach, released, release };
}

function compileMatcher(spec: { path?: string | undefined; method?: HttpMethod | readonly HttpMethod[] | undefined }): {
  segments: readonly string[] | undefined;
  methods: readonly HttpMethod[] | undefined;
} {
  return {
    segments: spec.path === undefined ? undefined : splitPattern(spec.path),
    methods: spec.method === undefined ? undefined : typeof spec.method === 'string' ? [spec.method] : spec.method,
  };
}

function scopeAllows(scope: 'all' | 'direct' | 'batch' | undefined, inBatch: boolean): boolean {
  return !((scope === 'direct' && inBatch) || (scope === 'batch' && !inBatch));
}

export class FaultEngine {
  private current: FaultConfig = {};
  private rules: CompiledRule[] = [];
  private steps: CompiledStep[] = [];
  private replay: ReadonlyMap<string, FaultLogEntry> | undefined;
  private readonly holds = new Map<string, Hold>();
  private log: FaultLogEntry[] = [];
  private arrivals = 0;
  private occurrences = new Map<string, number>();
  private draw: () => number;

  constructor(
    config: FaultConfig,
    private readonly random: () => number,
  ) {
    this.draw = random;
    this.set(config);
  }

  /** New faults; the decision log and the step counters start again, and held requests go on. */
  set(config: FaultConfig): void {
    this.current = structuredClone(config);
    this.draw = config.seed === undefined ? this.random : createPrng(config.seed);
    this.rules = (config.rules ?? []).map((rule) => ({ rule, ...compileMatcher(rule), remaining: rule.times }));
    this.steps = (config.script ?? []).map((step) => ({ step, ...compileMatcher(step), seen: 0 }));
    this.replay =
      config.replay === undefined
        ? undefined
        : new Map(config.replay.map((entry) => [`${entry.occurrence} ${entry.key}`, entry]));
    this.releaseAll();
    this.log = [];
    this.arrivals = 0;
    this.occurrences = new Map();
  }

  get config(): FaultConfig {
    return structuredClone(this.current);
  }

  /** Every decision that did something (latency, a failure, a hold) since the faults were set. */
  decisions(): FaultLogEntry[] {
    return structuredClone(this.log);
  }

  /** Resolves once a request is held by the script step `name`. */
  whenHeld(name: string): Promise<void> {
    return this.hold(name).whenReached;
  }

  /** Lets the request held by `name` run (or, if none is held yet, lets it through when it comes). */
  releaseHeld(name: string): void {
    this.hold(name).release();
  }

  /** Names of steps holding a request now. */
  held(): string[] {
    return [...this.holds.entries()].filter(([, h]) => h.reached).map(([name]) => name);
  }

  /** Lets every held request run (new faults, or the emulator closing). */
  releaseAll(): void {
    for (const hold of this.holds.values()) hold.release();
    this.holds.clear();
  }

  decide(request: FaultRequest): FaultDecision {
    this.arrivals += 1;
    const occurrence = (this.occurrences.get(request.key) ?? 0) + 1;
    this.occurrences.set(request.key, occurrence);
    const answer =
      this.scripted(request) ??
      (this.replay === undefined ? this.byRules(request) : this.replayed(request.key, occurrence));
    if ((answer.latencyMs > 0 || answer.answer !== undefined) && this.log.length < MAX_LOG_ENTRIES) {
      this.log.push({ n: this.arrivals, key: request.key, occurrence, ...withoutUndefined(answer) });
    }
    return this.toDecision(answer);
  }

  private hold(name: string): Hold {
    let hold = this.holds.get(name);
    if (hold === undefined) {
      hold = newHold();
      this.holds.set(name, hold);
    }
    return hold;
  }

  private toDecision(answer: Answer): FaultDecision {
    const { latencyMs } = answer;
    if (answer.answer === undefined) return { latencyMs };
    if (answer.answer === 'hold') {
      const hold = this.hold(answer.by ?? '');
      hold.reached = true;
      hold.reach();
      return { latencyMs, hold: hold.released };
    }
    const kind = answer.answer;
    const status = answer.status ?? (kind === 'fail' ? 429 : 503);
    const retryAfter = answer.retryAfterSeconds === undefined ? 0 : answer.retryAfterSeconds;
    return { latencyMs, failure: { kind, error: faultError(status, answer.style ?? 'graph', retryAfter) } };
  }

  private matches(
    compiled: { segments: readonly string[] | undefined; methods: readonly HttpMethod[] | undefined },
    scope: 'all' | 'direct' | 'batch' | undefined,
    request: FaultRequest,
  ): boolean {
    if (!scopeAllows(scope, request.batchId !== undefined)) return false;
    if (compiled.methods !== undefined && !compiled.methods.includes(request.method)) return false;
    return compiled.segments === undefined || matchSegments(compiled.segments, request.segments);
  }

  private scripted(request: FaultRequest): Answer | undefined {
    let chosen: FaultScriptStep | undefined;
    for (const compiled of this.steps) {
      const { step } = compiled;
      if (!this.matches(compiled, step.scope, request)) continue;
      if (step.batchId !== undefined && step.batchId.toLowerCase() !== request.batchId?.toLowerCase()) continue;
      compiled.seen += 1;
      if (compiled.seen === (step.nth ?? 1)) chosen ??= step;
    }
    if (chosen === undefined) return undefined;
    if (chosen.answer === 'latency') return { by: chosen.name, latencyMs: chosen.latencyMs ?? 0 };
    return {
      by: chosen.name,
      latencyMs: chosen.latencyMs ?? 0,
      answer: chosen.answer,
      ...(chosen.answer === 'hold'
        ? {}
        : {
            status: chosen.status ?? (chosen.answer === 'fail' ? 429 : 503),
            retryAfterSeconds: chosen.retryAfterSeconds,
          }),
    };
  }

  private replayed(key: string, occurrence: number): Answer {
    const entry = this.replay?.get(`${occurrence} ${key}`);
    if (entry === undefined || entry.answer === 'hold') return { by: undefined, latencyMs: entry?.latencyMs ?? 0 };
    return {
      by: entry.by,
      latencyMs: entry.latencyMs ?? 0,
      ...(entry.answer === undefined
        ? {}
        : {
            answer: entry.answer,
            status: entry.status,
            retryAfterSeconds: entry.retryAfterSeconds,
            style: entry.style,
          }),
    };
  }

  private byRules(request: FaultRequest): Answer {
    let latencyMs = 0;
    let failure: Answer | undefined;
    let by: string | undefined;
    for (const compiled of this.rules) {
      const { rule } = compiled;
      if (!this.matches(compiled, rule.scope, request)) continue;
      if (compiled.remaining === 0) continue;
      if (rule.kind !== 'latency' && failure !== undefined) continue;
      const rate = rule.rate ?? 1;
      // Draw only for partial rates so adding a certain rule does not shift other rules' sequences.
      if (rate < 1 && this.draw() >= rate) continue;
      if (compiled.remaining !== undefined) compiled.remaining -= 1;
      latencyMs += rule.latencyMs ?? 0;
      if (rule.kind === 'latency') {
        by ??= rule.name;
        continue;
      }
      by = rule.name;
      failure = {
        by,
        latencyMs: 0,
        answer: rule.kind,
        status: rule.status ?? (rule.kind === 'fail' ? 429 : 503),
        retryAfterSeconds: rule.retryAfterSeconds,
        style: rule.style ?? 'graph',
      };
    }
    return failure === undefined ? { by, latencyMs } : { ...failure, latencyMs };
  }
}

function withoutUndefined(answer: Answer): Omit<FaultLogEntry, 'n' | 'key' | 'occurrence'> {
  const entry: Omit<FaultLogEntry, 'n' | 'key' | 'occurrence'> = {};
  if (answer.by !== undefined) entry.by = answer.by;
  if (answer.latencyMs > 0) entry.latencyMs = answer.latencyMs;
  if (answer.answer !== undefined) entry.answer = answer.answer;
  if (answer.status !== undefined) entry.status = answer.status;
  if (answer.retryAfterSeconds !== undefined) entry.retryAfterSeconds = answer.retryAfterSeconds;
  if (answer.style !== undefined) entry.style = answer.style;
  return entry;
}
