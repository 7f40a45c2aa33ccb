import { Link, Text } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { getCase } from '../../api/trellis-api';
import type { ProcedureDefinition } from '../../api/trellis-api';
import type { CaseView } from '../../api/types';
import { ProcedurePage } from '../../features/procedure/ProcedurePage';
import { EmptyState, Loading } from '../../shared/Feedback';
import { loadCaseProcedure } from '../../shared/procedure/use-procedure';
import { casePath, useLinkHandler } from '../router';
import { useSession } from '../session-context';

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly view: CaseView; readonly procedure: ProcedureDefinition };

/**
 * The procedure a case follows, read-only, opened from the case: the version the case was opened
 * under (or moved to), with the stage the case is at marked. Anyone who may see the case may read it.
 */
export default function CaseProcedure(props: { readonly caseId: string }) {
  const session = useSession();
  const back = useLinkHandler(casePath(props.caseId));
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    getCase(session.api, props.caseId)
      .then(async (current) => {
        const procedure = await loadCaseProcedure(session.api, props.caseId, current.data.procedure);
        if (live) setLoaded({ state: 'ready', view: current.data, procedure });
      })
      .catch((error: unknown) => {
        if (live)
          setLoaded({
            state: 'failed',
            message: error instanceof Error ? error.message : 'The procedure could not be loaded.',
          });
      });
    return () => {
      live = false;
    };
  }, [session.api, props.caseId]);

  if (loaded.state === 'loading') return <Loading label="Loading the procedure…" />;
  if (loaded.state === 'failed') {
    return (
      <EmptyState title="The procedure could not be shown">
        <Text>{loaded.message}</Text>
        <Link href={casePath(props.caseId)} onClick={back}>
          Back to the case
        </Link>
      </EmptyState>
    );
  }
  return (
    <div>
      <Link href={casePath(props.caseId)} onClick={back}>
        ← Back to case {loaded.view.reference}
      </Link>
      <Text block as="p">
        The procedure case {loaded.view.reference} follows: version {String(loaded.view.procedure.version)}
        {loaded.view.procedure.runningVersion === undefined
          ? ', the version new cases open under too.'
          : `. New cases open under version ${String(loaded.view.procedure.runningVersion.version)}.`}
      </Text>
      <ProcedurePage procedure={loaded.procedure} currentStageId={loaded.view.stage.id} />
    </div>
  );
}
