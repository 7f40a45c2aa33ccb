import {
  Button,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { casePath, navigate } from '../../app/router';
import { useSession } from '../../app/session-context';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { formatInstant, humanise } from '../../shared/format';
import {
  channelLabel,
  listFailedNotifications,
  retryNotification,
  runReviewSweep,
  sweepSummary,
  type FailedNotification,
} from './notifications-api';
import { useNotificationStyles } from './NotificationsPage.styles';

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly items: readonly FailedNotification[] };

const messageOf = (error: unknown, fallback: string): string =>
  error instanceof Error && error.message !== '' ? error.message : fallback;

/**
 * For the course team: notifications Trellis could not deliver (after its own retries), each
 * with Retry, and "Run review sweep now" for when the morning's sweep should not wait.
 * Everything shown is text from the API rendered by React (escaped).
 */
export default function NotificationsPage() {
  const session = useSession();
  const styles = useNotificationStyles();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [status, setStatus] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();

  const load = useCallback(async (): Promise<void> => {
    try {
      const { items } = await listFailedNotifications(session.api);
      setLoaded({ state: 'ready', items });
    } catch (error) {
      setLoaded({ state: 'failed', message: messageOf(error, 'The failed notifications could not be loaded.') });
    }
  }, [session.api]);

  useEffect(() => {
    void load();
  }, [load]);

  if (session.me !== undefined && !session.me.can.seeReports) {
    return (
      <EmptyState title="Notifications are for the course team">
        <Text>Your own cases are on the Cases page.</Text>
      </EmptyState>
    );
  }

  const sweep = async (): Promise<void> => {
    setBusy('sweep');
    setProblem(undefined);
    setStatus(undefined);
    try {
      setStatus(sweepSummary(await runReviewSweep(session.api)));
      await load();
    } catch (error) {
      setProblem(messageOf(error, 'The review sweep could not run.'));
    } finally {
      setBusy(undefined);
    }
  };

  const retry = async (item: FailedNotification): Promise<void> => {
    setBusy(item.key);
    setProblem(undefined);
    setStatus(undefined);
    try {
      await retryNotification(session.api, item.key);
      setStatus(`${channelLabel(item.channel)} to ${item.recipient} (${item.reference}) is being sent again.`);
      await load();
    } catch (error) {
      setProblem(messageOf(error, 'That notification could not be retried.'));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className={styles.page}>
      <div className={styles.head}>
        <Text block as="h1" size={700} weight="semibold">
          Notifications
        </Text>
        <Button appearance="primary" disabled={busy !== undefined} onClick={() => void sweep()}>
          {busy === 'sweep' ? 'Running the review sweep…' : 'Run review sweep now'}
        </Button>
      </div>
      <Text className={styles.muted}>
        Trellis sends review reminders every working morning and delivers each notification once. These could not be
        delivered after several tries; check the reason, then retry.
      </Text>
      <div aria-live="polite">{status === undefined ? null : <Text role="status">{status}</Text>}</div>
      {problem === undefined ? null : <ErrorNotice message={problem} />}
      {loaded.state === 'loading' ? <Loading label="Loading failed notifications…" /> : null}
      {loaded.state === 'failed' ? <ErrorNotice message={loaded.message} /> : null}
      {loaded.state === 'ready' && loaded.items.length === 0 ? (
        <EmptyState title="No failed notifications">
          <Text>Every notification has been delivered.</Text>
        </EmptyState>
      ) : null}
      {loaded.state === 'ready' && loaded.items.length > 0 ? (
        <section className={styles.panel} aria-labelledby="failed-heading">
          <Text block as="h2" id="failed-heading" size={500} weight="semibold">
            Failed ({loaded.items.length})
          </Text>
          <Table aria-labelledby="failed-heading" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Case</TableHeaderCell>
                <TableHeaderCell>What</TableHeaderCell>
                <TableHeaderCell>To</TableHeaderCell>
                <TableHeaderCell className={styles.numeric}>Tries</TableHeaderCell>
                <TableHeaderCell>Why it failed</TableHeaderCell>
                <TableHeaderCell>When</TableHeaderCell>
                <TableHeaderCell>Retry</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {loaded.items.map((item) => (
                <TableRow key={item.key} data-notification={item.key}>
                  <TableCell>
                    <Link
                      href={casePath(item.caseId)}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(casePath(item.caseId));
                      }}
                    >
                      {item.reference}
                    </Link>
                  </TableCell>
                  <TableCell>
                    {humanise(item.kind)} · {channelLabel(item.channel)}
                  </TableCell>
                  <TableCell>{item.recipient}</TableCell>
                  <TableCell className={styles.numeric}>{item.attempts}</TableCell>
                  <TableCell className={styles.error}>{item.lastError}</TableCell>
                  <TableCell>{item.updatedAt === undefined ? '—' : formatInstant(item.updatedAt)}</TableCell>
                  <TableCell>
                    <Button
                      disabled={!item.retryable || busy !== undefined}
                      aria-label={`Retry ${channelLabel(item.channel)} to ${item.recipient} for ${item.reference}`}
                      onClick={() => void retry(item)}
                    >
                      {busy === item.key ? 'Retrying…' : 'Retry'}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </section>
      ) : null}
    </div>
  );
}
