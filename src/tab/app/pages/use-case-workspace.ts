import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, Versioned } from '../../api/client';
import { getCase, getCaseEvents, getFramework } from '../../api/trellis-api';
import type { CaseEvent, CaseView } from '../../api/types';
import { frameworkIdsOf, frameworkLabels, type FrameworkLabels } from '../../features/case/case-model';
import { runCommand, type Command, type CommandOutcome } from '../../shared/commands/run-command';

export type WorkspaceData =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string; readonly status: number }
  | {
      readonly state: 'ready';
      readonly current: Versioned<CaseView>;
      readonly events: readonly CaseEvent[];
      readonly labels: FrameworkLabels;
    };

/**
 * Loads a case, its trail and the standards it links to, and runs commands against the version
 * last read. On a 412 the workspace switches to the case as it is now and hands the form a list
 * of what changed; the form keeps what the person typed and can send it again.
 */
export function useCaseWorkspace(api: ApiClient, caseId: string) {
  const [data, setData] = useState<WorkspaceData>({ state: 'loading' });

  const loadExtras = useCallback(
    async (current: Versioned<CaseView>): Promise<{ events: readonly CaseEvent[]; labels: FrameworkLabels }> => {
      const [events, frameworks] = await Promise.all([
        getCaseEvents(api, caseId).then((p) => p.events),
        Promise.all(frameworkIdsOf(current.data).map((id) => getFramework(api, id).catch(() => undefined))),
      ]);
      return { events, labels: frameworkLabels(frameworks.filter((f) => f !== undefined)) };
    },
    [api, caseId],
  );

  useEffect(() => {
    let live = true;
    getCase(api, caseId)
      .then(async (current) => {
        const extras = await loadExtras(current);
        if (live) setData({ state: 'ready', current, ...extras });
      })
      .catch((error: unknown) => {
        if (live)
          setData({
            state: 'failed',
            message: error instanceof Error ? error.message : 'The case could not be loaded.',
            status: (error as { status?: number }).status ?? 0,
          });
      });
    return () => {
      live = false;
    };
  }, [api, caseId, loadExtras]);

  const run = useCallback(
    async (command: Command): Promise<CommandOutcome> => {
      if (data.state !== 'ready') return { ok: false, message: 'The case is still loading.' };
      return runCommand(data.current, command, async (version) => {
        const extras = await loadExtras(version).catch(() => ({ events: data.events, labels: data.labels }));
        setData({ state: 'ready', current: version, ...extras });
      });
    },
    [data, loadExtras],
  );

  return { data, run };
}
