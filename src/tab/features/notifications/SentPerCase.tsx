import {
  Button,
  Field,
  Input,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import { useSession } from '../../app/session-context';
import { ErrorNotice, Loading } from '../../shared/Feedback';
import { formatInstant, humanise } from '../../shared/format';
import {
  channelLabel,
  findCases,
  listCaseNotifications,
  type CaseNotifications,
  type CaseSummary,
} from './notifications-api';
import { useNotificationStyles } from './NotificationsPage.styles';

const STATE_LABELS: Readonly<Record<string, string>> = {
  sent: 'Sent',
  waiting: 'Waiting to be sent',
  sending: 'Being sent',
  failed: 'Failed',
};

type Found =
  | { readonly state: 'idle' }
  | { readonly state: 'searching' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly cases: readonly CaseSummary[] };

type Shown =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly page: CaseNotifications };

const messageOf = (error: unknown, fallback: string): string =>
  error instanceof Error && error.message !== '' ? error.message : fallback;

/**
 * What was sent on one case: find the case by trainee name or reference, then its
 * notifications (to whom, what, when, and whether it went), newest first, 25 a page,
 * narrowed by words if wanted.
 */
export function SentPerCase() {
  const session = useSession();
  const styles = useNotificationStyles();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Found>({ state: 'idle' });
  const [caseId, setCaseId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [shown, setShown] = useState<Shown>({ state: 'loading' });

  const find = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (search.trim() === '') return;
    setFound({ state: 'searching' });
    try {
      setFound({ state: 'ready', cases: await findCases(session.api, search) });
    } catch (error) {
      setFound({ state: 'failed', message: messageOf(error, 'The cases could not be searched.') });
    }
  };

  const load = useCallback(async (): Promise<void> => {
    if (caseId === undefined) return;
    setShown({ state: 'loading' });
    try {
      setShown({ state: 'ready', page: await listCaseNotifications(session.api, caseId, { page, search: applied }) });
    } catch (error) {
      setShown({ state: 'failed', message: messageOf(error, 'What was sent on this case could not be loaded.') });
    }
  }, [session.api, caseId, page, applied]);

  useEffect(() => {
    void load();
  }, [load]);

  const choose = (id: string): void => {
    setCaseId(id);
    setPage(1);
    setFilter('');
    setApplied('');
  };

  return (
    <section className={styles.panel} aria-labelledby="sent-heading">
      <Text block as="h2" id="sent-heading" size={500} weight="semibold">
        Sent, case by case
      </Text>
      <form className={styles.search} role="search" onSubmit={(e) => void find(e)}>
        <Field label="Trainee name or case reference">
          <Input
            value={search}
            maxLength={200}
            onChange={(_, data) => {
              setSearch(data.value);
            }}
          />
        </Field>
        <Button type="submit" disabled={found.state === 'searching'}>
          Find the case
        </Button>
      </form>
      {found.state === 'searching' ? <Loading label="Finding cases…" /> : null}
      {found.state === 'failed' ? <ErrorNotice message={found.message} /> : null}
      {found.state === 'ready' && found.cases.length === 0 ? (
        <Text>No case you can see matches “{search.trim()}”.</Text>
      ) : null}
      {found.state === 'ready' && found.cases.length > 0 ? (
        <div className={styles.choices} aria-label="Matching cases">
          {found.cases.map((c) => (
            <Button
              key={c.id}
              appearance={c.id === caseId ? 'primary' : 'secondary'}
              aria-pressed={c.id === caseId}
              onClick={() => {
                choose(c.id);
              }}
            >
              {c.reference} · {c.traineeName}
            </Button>
          ))}
        </div>
      ) : null}
      {caseId === undefined ? null : <CaseSent shown={shown} />}
      {caseId !== undefined && shown.state === 'ready' ? (
        <>
          <form
            className={styles.search}
            onSubmit={(e) => {
              e.preventDefault();
              setPage(1);
              setApplied(filter);
            }}
          >
            <Field label="Only those mentioning">
              <Input
                value={filter}
                maxLength={200}
                onChange={(_, data) => {
                  setFilter(data.value);
                }}
              />
            </Field>
            <Button type="submit">Filter</Button>
          </form>
          <div className={styles.pager}>
            <Button
              disabled={shown.page.page <= 1}
              onClick={() => {
                setPage(shown.page.page - 1);
              }}
            >
              Newer
            </Button>
            <Text>
              Page {shown.page.page} of {shown.page.pages}
            </Text>
            <Button
              disabled={shown.page.page >= shown.page.pages}
              onClick={() => {
                setPage(shown.page.page + 1);
              }}
            >
              Older
            </Button>
          </div>
        </>
      ) : null}
    </section>
  );
}

function CaseSent(props: { readonly shown: Shown }) {
  const { shown } = props;
  if (shown.state === 'loading') return <Loading label="Loading what was sent…" />;
  if (shown.state === 'failed') return <ErrorNotice message={shown.message} />;
  const p = shown.page;
  return (
    <>
      <Text data-testid="sent-summary">
        {p.reference}: {p.sent} sent, {p.waiting} waiting, {p.failed} failed.
        {p.total === 0 ? ' Nothing matches.' : ''}
      </Text>
      {p.items.length === 0 ? null : (
        <Table aria-label={`Notifications of ${p.reference}`} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>When</TableHeaderCell>
              <TableHeaderCell>What</TableHeaderCell>
              <TableHeaderCell>To</TableHeaderCell>
              <TableHeaderCell>Subject</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {p.items.map((item) => (
              <TableRow key={item.key} data-sent={item.key}>
                <TableCell>{item.at === undefined ? '—' : formatInstant(item.at)}</TableCell>
                <TableCell>
                  {humanise(item.kind)} · {channelLabel(item.channel)}
                  {item.withForm ? ' · with the form' : ''}
                </TableCell>
                <TableCell>{item.recipient}</TableCell>
                <TableCell>{item.subject}</TableCell>
                <TableCell>
                  {STATE_LABELS[item.state] ?? item.state}
                  {item.problem === undefined ? '' : `: ${item.problem}`}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
