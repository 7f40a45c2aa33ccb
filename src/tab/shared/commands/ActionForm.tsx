import { Button, MessageBar, MessageBarBody, Text } from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import { ErrorNotice } from '../Feedback';
import { useActionFormStyles } from './ActionForm.styles';
import { ConflictNotice } from './ConflictNotice';
import type { CommandOutcome } from './run-command';
import { useCommandForm } from './use-command-form';

/**
 * One command on a case as a form (a case action, the plan editor): its fields, the first problem
 * in a plain sentence once the person has tried to send, the server's sentence when it refuses,
 * and the conflict notice (what changed, send again without retyping) when someone else saved first.
 */
export function ActionForm(props: {
  readonly label: string;
  readonly submitLabel: string;
  readonly busyLabel: string;
  readonly problem: string | undefined;
  readonly send: () => Promise<CommandOutcome>;
  readonly doneMessage: string;
  readonly children: ReactNode;
}) {
  const styles = useActionFormStyles();
  const [touched, setTouched] = useState(false);
  const { state, submit } = useCommandForm(props.send);
  return (
    <form
      className={styles.form}
      aria-label={props.label}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const valid = props.problem === undefined;
        // After a send the case changes (the review date is now the one chosen, the stage starts on
        // the date set), so the same input may read as a problem: say so only when they try again.
        setTouched(!valid);
        if (valid) void submit();
      }}
    >
      {props.children}
      {touched && props.problem !== undefined ? (
        <Text role="alert" weight="semibold">
          {props.problem}
        </Text>
      ) : null}
      {state.error !== undefined ? <ErrorNotice message={state.error} /> : null}
      {state.conflict ? (
        <ConflictNotice changes={state.conflict} busy={state.busy} onRetry={() => void submit()} />
      ) : null}
      {state.done && state.error === undefined ? (
        <MessageBar intent="success">
          <MessageBarBody>{props.doneMessage}</MessageBarBody>
        </MessageBar>
      ) : null}
      <div className={styles.row}>
        <Button appearance="primary" type="submit" disabled={state.busy}>
          {state.busy ? props.busyLabel : props.submitLabel}
        </Button>
      </div>
    </form>
  );
}
