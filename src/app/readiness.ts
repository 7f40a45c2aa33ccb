/**
 * Readiness: whether this instance can do its work now (Graph answers, and every list the store
 * needs exists on the site), as opposed to liveness (the process answers at all). A platform
 * probes it every few seconds, so the answer is remembered briefly and probes that arrive
 * together share one check.
 */
export type ReadinessCheck = 'graph' | 'lists';

export type ReadinessReport = { readonly ready: true } | { readonly ready: false; readonly failed: ReadinessCheck };

export interface ReadinessProbe {
  check(): Promise<ReadinessReport>;
}

/** How long one answer is reused: a probe every few seconds costs one Graph request per this. */
export const READINESS_CACHE_MS = 5000;

export function cachedReadiness(
  probe: ReadinessProbe,
  options: { readonly ttlMs?: number; readonly now?: () => number } = {},
): ReadinessProbe {
  const ttlMs = options.ttlMs ?? READINESS_CACHE_MS;
  const now = options.now ?? Date.now;
  let last: { readonly report: ReadinessReport; readonly at: number } | undefined;
  let pending: Promise<ReadinessReport> | undefined;
  return {
    check: () => {
      if (last !== undefined && now() - last.at < ttlMs) return Promise.resolve(last.report);
      pending ??= probe
        .check()
        .catch((): ReadinessReport => ({ ready: false, failed: 'graph' }))
        .then((report) => {
          last = { report, at: now() };
          return report;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}
