import { Badge, Button, Text } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { getTodo } from '../../api/trellis-api';
import type { Todo, TodoItem } from '../../api/types';
import { casePath, useLinkHandler } from '../../app/router';
import { useSession } from '../../app/session-context';
import { ErrorNotice, Loading } from '../../shared/Feedback';
import { stepWhen } from '../../shared/next-step';
import { useTodoListStyles } from './TodoList.styles';

type TodoData =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly todo: Todo };

/**
 * "What you need to do": each thing awaited from the signed-in person (or from the course team
 * they are on) with a button that opens the case at the form that does it. The server decides
 * what is on it (GET /api/me/todo); this lays it out.
 */
export function TodoList(props: { readonly headingId: string }) {
  const session = useSession();
  const styles = useTodoListStyles();
  const [data, setData] = useState<TodoData>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    getTodo(session.api).then(
      (todo) => {
        if (live) setData({ state: 'ready', todo });
      },
      (error: unknown) => {
        if (live)
          setData({
            state: 'failed',
            message: error instanceof Error ? error.message : 'What you need to do could not be loaded.',
          });
      },
    );
    return () => {
      live = false;
    };
  }, [session.api, attempt]);

  return (
    <section className={styles.section} aria-labelledby={props.headingId}>
      <Text block as="h1" id={props.headingId} size={700} weight="semibold">
        What you need to do
      </Text>
      {data.state === 'loading' ? <Loading label="Finding what you need to do…" /> : null}
      {data.state === 'failed' ? (
        <ErrorNotice
          title="What you need to do could not be loaded"
          message={data.message}
          action={
            <Button
              size="small"
              onClick={() => {
                setData({ state: 'loading' });
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </Button>
          }
        />
      ) : null}
      {data.state === 'ready' && data.todo.items.length === 0 ? (
        <Text role="status">Nothing is waiting for you today. Your cases are below.</Text>
      ) : null}
      {data.state === 'ready' && data.todo.items.length > 0 ? (
        <ul className={styles.list} aria-label="What you need to do">
          {data.todo.items.map((item) => (
            <TodoEntry key={`${item.caseId}-${item.step.kind}`} item={item} />
          ))}
        </ul>
      ) : null}
      {data.state === 'ready' && data.todo.unreadable.length > 0 ? (
        <Text className={styles.muted}>
          Some cases could not be read just now ({data.todo.unreadable.join(', ')}); reload the page to try again.
        </Text>
      ) : null}
    </section>
  );
}

function TodoEntry(props: { readonly item: TodoItem }) {
  const styles = useTodoListStyles();
  const { item } = props;
  const href = casePath(item.caseId, item.step.form);
  const open = useLinkHandler(href);
  const when = stepWhen(item.step);
  return (
    <li className={item.step.overdue ? `${styles.item} ${styles.overdue}` : styles.item}>
      <Text weight="semibold">
        {item.traineeName || 'Case'} · {item.reference}
      </Text>
      <Text size={200} className={styles.muted}>
        {item.procedureName}
      </Text>
      {when === undefined ? null : <Text className={item.step.overdue ? styles.late : styles.when}>{when}</Text>}
      {item.step.detail === undefined ? null : <Text size={200}>{item.step.detail}</Text>}
      {item.awaitedFrom === 'course_team' ? (
        <Badge appearance="tint" color="informative" className={styles.badge}>
          For the course team
        </Badge>
      ) : null}
      <Button
        as="a"
        href={href}
        onClick={open}
        appearance={item.step.kind === 'meeting' ? 'secondary' : 'primary'}
        className={styles.action}
        aria-label={`${item.step.title}: ${item.traineeName || item.reference}`}
      >
        {item.step.title}
      </Button>
    </li>
  );
}
