import { RetryHandlerOptions, type Client } from '@microsoft/microsoft-graph-client';
import type { ReadinessProbe, ReadinessReport } from '../app/readiness.js';
import type { TrellisSite } from './case-repository.js';
import { pathSegment } from './graph/graph-json.js';

/**
 * Whether Trellis can work now: one Graph request (the site's lists, ids only) that shows both
 * that Graph answers and that every list the store writes to still exists. No retries and a
 * short timeout, because a probe that waits is itself a failure: the platform asks again.
 */
export const READINESS_TIMEOUT_MS = 4000;
/** Pages of lists read at most (a site with hundreds of lists); one is the rule. */
const MAX_PAGES = 5;

export class GraphReadinessProbe implements ReadinessProbe {
  constructor(
    private readonly client: Client,
    private readonly site: TrellisSite,
    private readonly timeoutMs = READINESS_TIMEOUT_MS,
  ) {}

  async check(): Promise<ReadinessReport> {
    const missing = new Set(Object.values(this.site.lists).map((list) => list.listId));
    let next: string | undefined = `/sites/${pathSegment(this.site.siteId, 'siteId')}/lists?$select=id`;
    for (let page = 0; page < MAX_PAGES && next !== undefined && missing.size > 0; page++) {
      let body: unknown;
      try {
        body = await this.get(next);
      } catch {
        return { ready: false, failed: 'graph' };
      }
      const read = pageOf(body);
      if (read === undefined) return { ready: false, failed: 'graph' };
      for (const id of read.ids) missing.delete(id);
      next = read.nextLink;
    }
    return missing.size === 0 ? { ready: true } : { ready: false, failed: 'lists' };
  }

  private async get(path: string): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.client
          .api(path)
          .middlewareOptions([new RetryHandlerOptions(0, 0)])
          .get() as Promise<unknown>,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            reject(new Error('Graph did not answer in time'));
          }, this.timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function pageOf(body: unknown): { readonly ids: string[]; readonly nextLink: string | undefined } | undefined {
  if (typeof body !== 'object' || body === null || !('value' in body) || !Array.isArray(body.value)) return undefined;
  const ids: string[] = [];
  for (const entry of body.value as unknown[]) {
    if (typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string')
      ids.push(entry.id);
  }
  const link = '@odata.nextLink' in body ? body['@odata.nextLink'] : undefined;
  return { ids, nextLink: typeof link === 'string' && link.startsWith('https://') ? link : undefined };
}
