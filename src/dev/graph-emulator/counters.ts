/** Request counters for benchmarks that count Graph round trips. */
import type { RecentRequest, RequestCounters } from './types.js';

const RECENT_LIMIT = 200;

export class Counters {
  private data: RequestCounters = Counters.fresh();
  private recentRequests: RecentRequest[] = [];

  private static fresh(): RequestCounters {
    return {
      total: 0,
      batchSubRequests: 0,
      byRoute: {},
      faultsInjected: 0,
      resourceUnits: 0,
      since: new Date().toISOString(),
    };
  }

  /** One request (or `$batch` sub-request) and the SharePoint resource units it costs. */
  count(method: string, kind: string, inBatch: boolean, resourceUnits: number): void {
    this.data.resourceUnits += resourceUnits;
    if (inBatch) this.data.batchSubRequests += 1;
    else this.data.total += 1;
    const key = `${method} ${kind}`;
    this.data.byRoute[key] = (this.data.byRoute[key] ?? 0) + 1;
  }

  fault(): void {
    this.data.faultsInjected += 1;
  }

  record(entry: RecentRequest): void {
    this.recentRequests.push(entry);
    if (this.recentRequests.length > RECENT_LIMIT)
      this.recentRequests.splice(0, this.recentRequests.length - RECENT_LIMIT);
  }

  snapshot(): RequestCounters {
    return structuredClone(this.data);
  }

  recent(): RecentRequest[] {
    return structuredClone(this.recentRequests);
  }

  reset(): void {
    this.data = Counters.fresh();
    this.recentRequests = [];
  }
}
