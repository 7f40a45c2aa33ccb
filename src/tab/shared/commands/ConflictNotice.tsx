import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useConflictStyles } from './ConflictNotice.styles';

/** Shown in a form after a 412: what changed, and a button that sends the same input again. */
export function ConflictNotice(props: {
  readonly changes: readonly string[];
  readonly onRetry: () => void;
  readonly busy: boolean;
}) {
  const styles = useConflictStyles();
  return (
    <MessageBar intent="warning" layout="multiline" role="alert" data-testid="conflict">
      <MessageBarBody>
        <MessageBarTitle>Someone else changed this case while you were working</MessageBarTitle>
        What you entered is still here. The case now shows the latest version. What changed:
        <ul className={styles.list}>
          {props.changes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        If your change still makes sense, send it again.
      </MessageBarBody>
      <MessageBarActions>
        <Button appearance="primary" onClick={props.onRetry} disabled={props.busy}>
          Send again
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
