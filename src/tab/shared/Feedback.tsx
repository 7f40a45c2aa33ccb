import { MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { useFeedbackStyles } from './Feedback.styles';

/** Empty states say what is missing and what to do next; errors are one plain sentence. */
export function EmptyState(props: { readonly title: string; readonly children: ReactNode }) {
  const styles = useFeedbackStyles();
  return (
    <div className={styles.empty} role="status">
      <Text block as="h3" weight="semibold" size={400}>
        {props.title}
      </Text>
      {props.children}
    </div>
  );
}

export function ErrorNotice(props: { readonly title?: string; readonly message: string; readonly action?: ReactNode }) {
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        {props.title === undefined ? null : <MessageBarTitle>{props.title}</MessageBarTitle>}
        {props.message} {props.action}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Loading(props: { readonly label: string }) {
  const styles = useFeedbackStyles();
  return <Spinner className={styles.loading} label={props.label} labelPosition="below" />;
}
