/**
 * Optional SharePoint resource-unit meter (item 25): 1 RU per single read or delta with a
 * token, 2 RU per multi-item read, delta without a token, create, update or delete. Budgets
 * are per fixed minute/day window; over budget is 429 with Retry-After, and throttled requests
 * still count. RateLimit-* headers appear once 80% of the minute budget is used.
 */
import { GraphHttpError } from './errors.js';
import type { EmuRequest } from './http-types.js';

export interface ResourceUnitBudget {
  /** RU per minute (SharePoint: 1,250 for 0–1,000 licences). */
  perMinute: number;
  /** RU per 24 hours (SharePoint: 1,200,000 for 0–1,000 licences). Omitted: no daily cap. */
  perDay?: number;
}

const SINGLE_READS = new Set(['site', 'list', 'item', 'itemFields', 'column']);
const MULTI_READS = new Set(['lists', 'items', 'columns']);
const SHAREPOINT_WRITES = new Set(['lists', 'list', 'columns', 'column', 'items', 'item', 'itemFields']);

export function resourceUnitCost(req: Pick<EmuRequest, 'method' | 'query'>, kind: string): number {
  if (req.method === 'GET') {
    if (SINGLE_READS.has(kind)) return 1;
    if (MULTI_READS.has(kind)) return 2;
    if (kind === 'delta') return req.query.some((q) => q.key === 'token' && q.value.toLowerCase() !== 'latest') ? 1 : 2;
    return 0;
  }
  return SHAREPOINT_WRITES.has(kind) ? 2 : 0;
}

interface Window {
  start: number;
  used: number;
}

export interface MeterResult {
  readonly headers: Record<string, string>;
  readonly throttle?: GraphHttpError;
}

export class ResourceUnitMeter {
  private minute: Window = { start: 0, used: 0 };
  private day: Window = { start: 0, used: 0 };

  constructor(private readonly budget: ResourceUnitBudget) {}

  charge(cost: number, now: number): MeterResult {
    if (cost === 0) return { headers: {} };
    if (now - this.minute.start >= 60_000) this.minute = { start: now, used: 0 };
    if (now - this.day.start >= 86_400_000) this.day = { start: now, used: 0 };
    const overMinute = this.minute.used + cost > this.budget.perMinute;
    const overDay = this.budget.perDay !== undefined && this.day.used + cost > this.budget.perDay;
    // Throttled requests still count against the budget.
    this.minute.used += cost;
    this.day.used += cost;
    const resetSeconds = Math.max(1, Math.ceil((this.minute.start + 60_000 - now) / 1000));
    const headers: Record<string, string> = {};
    if (this.minute.used >= 0.8 * this.budget.perMinute) {
      headers['RateLimit-Limit'] = String(this.budget.perMinute);
      headers['RateLimit-Remaining'] = String(Math.max(0, this.budget.perMinute - this.minute.used));
      headers['RateLimit-Reset'] = String(resetSeconds);
    }
    if (!overMinute && !overDay) return { headers };
    const retryAfter = overDay ? Math.ceil((this.day.start + 86_400_000 - now) / 1000) : resetSeconds;
    return {
      headers,
      throttle: new GraphHttpError(
        429,
        'activityLimitReached',
        'The request has been throttled',
        { ...headers, 'Retry-After': String(retryAfter) },
        'throttledRequest',
      ),
    };
  }
}
