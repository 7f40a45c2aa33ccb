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
import { formatDate, formatInstant, humanise } from '../../shared/format';
import {
  channelLabel,
  failedListSummary,
  listFailedNotifications,
  retryNotification,
  runReviewSweep,
  sweepSummary,
  type FailedNotification,
  type FailedNotifications,
} from './notifications-api';
import { SentPerCase } from './SentPerCase';
import { useNotificationStyles } from './NotificationsPage.styles';

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly page: FailedNotifications };

const messageOf = (error: unknown, fallback: string): string =>
  error instanceof Error && error.message !== '' ? error.message : fallback;

/**
 * For the course team: notifications Trellis could not deliver (after its own retries), a week
 * at a time with Retry and how many are still waiting for an automatic try; what was sent on
 * each case (search for the case, then page through); and "Run review sweep now" for when the
 * morning's sweep should not wait. The sweep's result and the list come from the same outbox,
 * and the list is reloaded after a sweep, so they never disagree. Everything shown is text
 * from the API rendered by React (escaped).
 */
export default function NotificationsPage() {
  const session = useSession();
  const styles = useNotificationStyles();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [status, setStatus] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [before, setBefore] = useState<string | undefined>();

  const load = useCallback(async (): Promise<void> => {
    try {
      setLoaded({ state: 'ready', page: await listFailedNotifications(session.api, before) });
    } catch (error) {
      setLoaded({ state: 'failed', message: messageOf(error, 'The failed notifications could not be loaded.') });
    }
  }, [session.api, before]);

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
      // The list below is reloaded at this week, so it shows what the sweep just reported.
      if (before === undefined) await load();
      else setBefore(undefined);
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
        Trellis sends review reminders every working morning and delivers each notification once, trying again on its
        own when Microsoft 365 is busy. What it could not deliver after several tries is listed here.
      </Text>
      <div aria-live="polite">{status === undefined ? null : <Text role="status">{status}</Text>}</div>
      {problem === undefined ? null : <ErrorNotice message={problem} />}
      <section className={styles.panel} aria-labelledby="failed-heading">
        <Text block as="h2" id="failed-heading" size={500} weight="semibold">
          Failed
          {loaded.state === 'ready' && loaded.page.items.length > 0 ? ` (${String(loaded.page.items.length)})` : ''}
        </Text>
        {loaded.state === 'loading' ? <Loading label="Loading failed notifications…" /> : null}
        {loaded.state === 'failed' ? <ErrorNotice message={loaded.message} /> : null}
        {loaded.state === 'ready' ? (
          <Text data-testid="failed-summary">{failedListSummary(loaded.page, (day) => formatDate(day))}</Text>
        ) : null}
        {loaded.state === 'ready' && loaded.page.items.length > 0 ? (
          <FailedTable items={loaded.page.items} busy={busy} onRetry={(item) => void retry(item)} />
        ) : null}
        {loaded.state === 'ready' ? (
          <div className={styles.pager}>
            {before === undefined ? null : (
              <Button
                disabled={busy !== undefined}
                onClick={() => {
                  setBefore(undefined);
                }}
              >
                Back to this week
              </Button>
            )}
            {loaded.page.earlier === undefined ? null : (
              <Button
                disabled={busy !== undefined}
                onClick={() => {
                  setBefore(loaded.page.earlier);
                }}
              >
                Show the week before
              </Button>
            )}
          </div>
        ) : null}
      </section>
      <SentPerCase />
    </div>
  );
}

function FailedTable(props: {
  readonly items: readonly FailedNotification[];
  readonly busy: string | undefined;
  readonly onRetry: (item: FailedNotification) => void;
}) {
  const styles = useNotificationStyles();
  const { items, busy, onRetry } = props;
  return (
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
        {items.map((item) => (
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
                onClick={() => {
                  onRetry(item);
                }}
              >
                {busy === item.key ? 'Retrying…' : 'Retry'}
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
