import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { parseRetryAfter } from './errors.js';

/**
 * One pace for all of a client's Graph requests (the process builds one client, so one pace per
 * process), that slows down when Graph says to, before it starts refusing:
 *
 * - 429, or 503 with Retry-After: every request of the process waits out the Retry-After, not
 *   just the one refused (the SDK's RetryHandler re-sends that one after the same wait), so a
 *   throttled tenant is not met with more requests from the other work in flight. A Retry-After
 *   longer than the client sleeps through (`maxWaitMs`) is not waited out here either: the
 *   refused request fails as `throttled`, its caller answers 503 with that Retry-After, and
 *   other requests go on (a person is told to come back, not kept waiting minutes).
 * - SharePoint's `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers, which
 *   SharePoint sends once 80% of the app's resource-unit budget for the current window (1,250
 *   units a minute on the smallest tenants) has been used: requests are spread so the units left
 *   last until the window resets (a request counted at 2 units, the most a list read or write
 *   costs; a `$batch` counted as the requests inside it), and with none left they wait for the
 *   reset.
 * - The same inside a `$batch`: Graph answers the POST 200 whatever its sub-requests met, so
 *   batch.ts hands each sub-response's status and headers to `observeBatch`.
 *
 * A wait is capped at `maxWaitMs` (the client's longest Retry-After it sleeps through): past it
 * the request goes and Graph's answer, a 429 the caller sees as `throttled`, says what to do.
 * Time is injected so tests check the waits without waiting.
 */

export interface GraphPaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A request counted at the most a SharePoint list call costs in resource units. */
const UNITS_PER_REQUEST = 2;

export class GraphPace {
  /** No request starts before this (Retry-After, or an exhausted budget). */
  private pausedUntil = Number.NEGATIVE_INFINITY;
  /** While the budget is low: the gap between request starts, and until when it applies. */
  private spacingMs = 0;
  private spacingUntil = Number.NEGATIVE_INFINITY;
  private nextStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: GraphPaceClock,
    private readonly maxWaitMs: number,
  ) {}

  /**
   * How long the next request waits, reserving its start (so concurrent requests queue). A
   * `$batch` is `requests` requests to SharePoint's budget: while spacing, the one after it
   * waits for all of them.
   */
  reserve(requests = 1): number {
    const now = this.clock.now();
    let start = Math.max(now, this.pausedUntil);
    if (now < this.spacingUntil) {
      start = Math.max(start, this.nextStart);
      this.nextStart = start + this.spacingMs * Math.max(1, requests);
    }
    return Math.min(this.maxWaitMs, Math.max(0, start - now));
  }

  /** Learns from an answer's status and headers. */
  observe(status: number, headers: Pick<Headers, 'get'>): void {
    const now = this.clock.now();
    const retryAfter = parseRetryAfter(headers.get('Retry-After'), Date.now());
    if ((status === 429 || status === 503) && retryAfter !== undefined && retryAfter * 1000 <= this.maxWaitMs)
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfter * 1000);
    const remaining = Number(headers.get('RateLimit-Remaining') ?? Number.NaN);
    const resetSeconds = Number(headers.get('RateLimit-Reset') ?? Number.NaN);
    if (!Number.isFinite(remaining) || !Number.isFinite(resetSeconds) || resetSeconds <= 0) return;
    const resetAt = now + resetSeconds * 1000;
    const requestsLeft = Math.floor(remaining / UNITS_PER_REQUEST);
    if (requestsLeft <= 0) {
      this.pausedUntil = Math.max(this.pausedUntil, resetAt);
      return;
    }
    this.spacingMs = (resetSeconds * 1000) / requestsLeft;
    if (now >= this.spacingUntil) this.nextStart = now;
    this.spacingUntil = resetAt;
  }

  /**
   * Learns from the answers inside a `$batch`: the POST itself is answered 200, so a throttled
   * sub-request (429 or 503 with Retry-After) and SharePoint's RateLimit headers on sub-responses
   * would otherwise never reach the pace. Every throttle is honoured; of the RateLimit readings,
   * the one with the fewest units left is the latest state of the budget (sub-requests run side
   * by side), so it is applied last and sets the spacing.
   */
  observeBatch(
    answers: readonly { readonly status: number; readonly headers: Readonly<Record<string, string>> }[],
  ): void {
    const read = answers.map((answer) => {
      const headers = new Headers(answer.headers);
      return { status: answer.status, headers, remaining: Number(headers.get('RateLimit-Remaining') ?? Number.NaN) };
    });
    // No RateLimit reading first, then from the most units left to the fewest.
    const left = (answer: { readonly remaining: number }): number =>
      Number.isFinite(answer.remaining) ? answer.remaining : Number.MAX_VALUE;
    read.sort((a, b) => left(b) - left(a));
    for (const answer of read) this.observe(answer.status, answer.headers);
  }

  /** For tests and telemetry: whether requests are being held back now. */
  get slowed(): boolean {
    const now = this.clock.now();
    return now < this.pausedUntil || now < this.spacingUntil;
  }
}

/** The middleware that applies a GraphPace to every request (each retry too). */
export class GraphPaceHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly pace: GraphPace,
    private readonly clock: GraphPaceClock,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (next === undefined) throw new Error('GraphPaceHandler needs a next middleware');
    const wait = this.pace.reserve(batchSize(context));
    if (wait > 0) await this.clock.sleep(wait);
    await next.execute(context);
    const response = context.response;
    if (response !== undefined) this.pace.observe(response.status, response.headers);
  }
}

/** The sub-requests of a `$batch` POST (its body, as the SDK serialised it); 1 for any other request. */
function batchSize(context: Context): number {
  const request: unknown = context.request;
  const url = typeof request === 'string' ? request : request instanceof Request ? request.url : '';
  const body = context.options?.body;
  if (!/\/\$batch(\?|$)/.test(url) || typeof body !== 'string') return 1;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'requests' in parsed && Array.isArray(parsed.requests))
      return Math.max(1, parsed.requests.length);
  } catch {
    // Not JSON: Graph will say so; it is one request to the pace.
  }
  return 1;
}

export const REAL_GRAPH_PACE_CLOCK: GraphPaceClock = {
  now: () => performance.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
};
