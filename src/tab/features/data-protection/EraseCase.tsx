import { Button, Field, Input, Text, Textarea } from '@fluentui/react-components';
import { useState } from 'react';
import { useSession } from '../../app/session-context';
import type { CaseView, Tombstone } from '../../api/types';
import { ErrorNotice } from '../../shared/Feedback';
import { erasureProblem } from './correction-model';
import { eraseCase } from './data-protection-api';

/**
 * An administrator erases a case on request: every row of it is deleted and a tombstone (that a
 * case existed, and the request it answered) is kept. It cannot be undone, so the person types
 * the case's reference to confirm which case goes.
 */
export function EraseCase(props: { readonly view: CaseView; readonly onErased: (tombstone: Tombstone) => void }) {
  const session = useSession();
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const { reference } = props.view;
  const problem = erasureProblem(reference, typed, reason);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      props.onErased(await eraseCase(session.api, props.view.id, reason.trim()));
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The case could not be erased. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      aria-label="Erase this case"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(problem !== undefined);
        if (problem === undefined) void submit();
      }}
    >
      <Text block as="p">
        Erasing deletes {reference} for everyone: its record, event trail, people, plan and review rows, notifications
        and review meetings. It cannot be undone. A tombstone keeps only that a case existed and the request it
        answered. Emails and Teams messages already sent are not recalled.
      </Text>
      <Field label={`Type the case reference (${reference}) to confirm`}>
        <Input
          value={typed}
          onChange={(_e, d) => {
            setTyped(d.value);
          }}
        />
      </Field>
      <Field label="The request this answers" hint="Its reference, not the person’s name: it is kept on the tombstone.">
        <Textarea
          value={reason}
          rows={2}
          resize="vertical"
          onChange={(_e, d) => {
            setReason(d.value);
          }}
        />
      </Field>
      {touched && problem !== undefined ? (
        <Text role="alert" weight="semibold">
          {problem}
        </Text>
      ) : null}
      {error !== undefined ? <ErrorNotice title="The case was not erased" message={error} /> : null}
      <Button appearance="primary" type="submit" disabled={busy}>
        {busy ? 'Erasing…' : `Erase ${reference}`}
      </Button>
    </form>
  );
}
