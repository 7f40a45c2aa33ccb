import { Button, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { useSession } from '../../app/session-context';
import type { CaseView } from '../../api/types';
import { ErrorNotice } from '../../shared/Feedback';
import { formatInstant } from '../../shared/format';
import { getCaseAccessLog, HOW_LABELS, type CaseAccessLog } from './data-protection-api';

/**
 * "Who has looked": the case's access log, for the course team and admins (the server refuses
 * anyone else). Loaded on request, newest first, by the names the case knows people by.
 */
export function AccessLog(props: { readonly view: CaseView }) {
  const session = useSession();
  const [log, setLog] = useState<CaseAccessLog | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const load = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      setLog(await getCaseAccessLog(session.api, props.view.id));
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The access log could not be read. Try again.');
    } finally {
      setBusy(false);
    }
  };
  const roleLabel = (role: string | undefined): string | undefined =>
    role === undefined ? undefined : props.view.people.find((p) => p.role === role)?.roleLabel;
  return (
    <div data-testid="access-log">
      <Text block as="p">
        Every time someone opens this case, sees it in a list, downloads its form or exports it, Trellis records who and
        when.
      </Text>
      <Button onClick={() => void load()} disabled={busy}>
        {busy ? 'Loading…' : log === undefined ? 'Show who has looked' : 'Refresh'}
      </Button>
      {error !== undefined ? <ErrorNotice title="The access log could not be read" message={error} /> : null}
      {log !== undefined ? (
        log.entries.length === 0 ? (
          <Text block>Nobody has looked at this case yet.</Text>
        ) : (
          <ul aria-label="Who has looked at this case">
            {log.entries.map((entry, i) => {
              const role = roleLabel(entry.role);
              return (
                <li key={`${entry.at}-${String(i)}`}>
                  <Text>
                    <Text weight="semibold">{entry.name}</Text>
                    {role === undefined ? '' : ` (${role})`} — {HOW_LABELS[entry.how]}, {formatInstant(entry.at)}
                  </Text>
                </li>
              );
            })}
          </ul>
        )
      ) : null}
    </div>
  );
}
