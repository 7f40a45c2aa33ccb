import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import { listAllCases, listProcedures } from '../../api/trellis-api';
import type { CaseSummary, ProcedureSummary } from '../../api/types';
import { londonToday } from '../../shared/format';

export type DashboardData =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | {
      readonly state: 'ready';
      readonly cases: readonly CaseSummary[];
      readonly procedures: readonly ProcedureSummary[];
      readonly today: string;
    };

/** "Today" as the server sees it: the list's `today`, else local mode's dev clock, else London's date. */
async function serverToday(mode: 'local' | 'tenant', fromList: string | undefined): Promise<string> {
  if (fromList !== undefined) return fromList;
  if (mode === 'local') {
    try {
      const response = await fetch('/dev/clock', { headers: { accept: 'application/json' } });
      if (response.ok) return ((await response.json()) as { today: string }).today;
    } catch {
      // fall through to the browser's idea of today
    }
  }
  return londonToday();
}

export function useDashboardData(
  api: ApiClient,
  mode: 'local' | 'tenant',
): { readonly data: DashboardData; readonly reload: () => void } {
  const [data, setData] = useState<DashboardData>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setData({ state: 'loading' });
    Promise.all([listAllCases(api), listProcedures(api)])
      .then(async ([cases, procedures]) => {
        const today = await serverToday(mode, cases.today);
        if (live) setData({ state: 'ready', cases: cases.items, procedures, today });
      })
      .catch((error: unknown) => {
        if (live)
          setData({
            state: 'failed',
            message: error instanceof Error ? error.message : 'The cases could not be loaded.',
          });
      });
    return () => {
      live = false;
    };
  }, [api, mode, attempt]);
  const reload = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);
  return { data, reload };
}
