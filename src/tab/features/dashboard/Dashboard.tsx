import {
  Badge,
  Button,
  Card,
  Field,
  Link,
  SearchBox,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  ToggleButton,
} from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { casePath, FIRST_CASE, navigate, useLinkHandler } from '../../app/router';
import { useSession } from '../../app/session-context';
import { CASE_STATUSES } from '../../api/types';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { formatDate, STATUS_LABELS } from '../../shared/format';
import { useNarrow } from '../../shared/use-narrow';
import { useDashboardStyles } from './Dashboard.styles';
import {
  COUNT_KEYS,
  COUNT_LABELS,
  baseFilter,
  countsOf,
  isFiltered,
  programmeOptions,
  rowsOf,
  stageOptions,
  visibleRows,
  type CountKey,
  type DashboardFilter,
  type DashboardRow,
  type DashboardSort,
  type SortKey,
  type StatusFilter,
} from './dashboard-model';
import { useDashboardData } from './use-dashboard-data';

const COLUMNS: readonly { readonly key: SortKey; readonly label: string }[] = [
  { key: 'trainee', label: 'Trainee' },
  { key: 'reference', label: 'Case' },
  { key: 'procedure', label: 'Procedure' },
  { key: 'stage', label: 'Stage' },
  { key: 'status', label: 'Status' },
  { key: 'nextReview', label: 'Next review' },
  { key: 'openedOn', label: 'Opened' },
];

/**
 * The cases someone sees. The course team (and admins) get the cohort dashboard: the at-a-glance
 * tiles, filters by programme, procedure and stage, and the table. Everyone else gets "Your cases"
 * with a search and a status filter, and never the cohort's tiles. Narrow (a phone, Outlook's side
 * panel), the table becomes a list of case cards.
 */
export function Dashboard() {
  const session = useSession();
  const styles = useDashboardStyles();
  const narrow = useNarrow();
  const cohort = session.me?.can.seeReports === true;
  const { data, reload } = useDashboardData(session.api, session.mode);
  // The channel tab's programme (?programme=) is where the dashboard starts and what "Clear filters" returns to.
  const [base] = useState<DashboardFilter>(() => baseFilter(window.location.search));
  const [filter, setFilter] = useState<DashboardFilter>(base);
  const [sort, setSort] = useState<DashboardSort>({ key: 'nextReview', direction: 'ascending' });

  const rows = useMemo(() => (data.state === 'ready' ? rowsOf(data.cases, data.procedures, data.today) : []), [data]);
  const counts = useMemo(() => countsOf(rows), [rows]);
  const shown = useMemo(() => visibleRows(rows, filter, sort), [rows, filter, sort]);

  if (data.state === 'loading') return <Loading label="Loading your cases…" />;
  if (data.state === 'failed') {
    return (
      <ErrorNotice
        title="Your cases could not be loaded"
        message={data.message}
        action={
          <Button size="small" onClick={reload}>
            Try again
          </Button>
        }
      />
    );
  }

  const update = (change: Partial<DashboardFilter>): void => {
    setFilter((f) => ({ ...f, ...change }));
  };
  const toggleCount = (key: CountKey): void => {
    setFilter((f) => ({ ...f, count: f.count === key ? undefined : key }));
  };
  const clear = (): void => {
    setFilter(base);
  };
  const sortBy = (key: SortKey): void => {
    setSort((s) => ({ key, direction: s.key === key && s.direction === 'ascending' ? 'descending' : 'ascending' }));
  };

  return (
    <div className={styles.page}>
      <div className={styles.titleRow}>
        <Text block as="h2" size={600} weight="semibold">
          {cohort ? `Cases${base.programme === '' ? '' : ` — ${base.programme}`}` : 'Your cases'}
        </Text>
        {session.me?.can.openCases === true ? (
          <Button
            appearance="primary"
            onClick={() => {
              navigate('/cases/new');
            }}
          >
            Open a case
          </Button>
        ) : session.me?.ownConcern !== undefined ? (
          <Button
            appearance="primary"
            onClick={() => {
              navigate('/cases/new');
            }}
          >
            Raise a concern
          </Button>
        ) : null}
      </div>
      {cohort ? (
        <section aria-labelledby="at-a-glance">
          <Text block as="h3" id="at-a-glance" size={400} weight="semibold">
            At a glance (today is {formatDate(data.today)})
          </Text>
          <ul className={styles.counts}>
            {COUNT_KEYS.map((key) => (
              <li key={key}>
                <ToggleButton
                  className={styles.countButton}
                  checked={filter.count === key}
                  onClick={() => {
                    toggleCount(key);
                  }}
                  title={COUNT_LABELS[key].hint}
                  data-count={key}
                >
                  <span className={styles.countValue}>{counts[key]}</span>
                  <span>{COUNT_LABELS[key].label}</span>
                </ToggleButton>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-label="Filter cases" className={styles.filters}>
        <Field label="Search by trainee or case" className={styles.field}>
          <SearchBox
            className={styles.control}
            value={filter.search}
            onChange={(_e, d) => {
              update({ search: d.value });
            }}
            placeholder="e.g. Priya or BCU-RIT"
          />
        </Field>
        <Field label="Status" className={styles.field}>
          <Select
            className={styles.control}
            value={filter.status}
            disabled={filter.count !== undefined}
            onChange={(_e, d) => {
              update({ status: d.value as StatusFilter });
            }}
          >
            <option value="open">All open cases</option>
            <option value="all">All cases</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </Select>
        </Field>
        {cohort ? (
          <>
            <Field label="Programme" className={styles.field}>
              <Select
                className={styles.control}
                value={filter.programme}
                onChange={(_e, d) => {
                  update({ programme: d.value });
                }}
              >
                <option value="">All programmes</option>
                {programmeOptions(data.cases, filter.programme).map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Procedure" className={styles.field}>
              <Select
                className={styles.control}
                value={filter.procedureId}
                onChange={(_e, d) => {
                  update({ procedureId: d.value, stageId: '' });
                }}
              >
                <option value="">All procedures</option>
                {data.procedures.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.provider.shortName})
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              label="Stage"
              className={styles.field}
              hint={filter.procedureId === '' ? 'Choose a procedure first' : undefined}
            >
              <Select
                className={styles.control}
                value={filter.stageId}
                disabled={filter.procedureId === ''}
                onChange={(_e, d) => {
                  update({ stageId: d.value });
                }}
              >
                <option value="">All stages</option>
                {stageOptions(data.procedures, filter.procedureId).map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </Select>
            </Field>
          </>
        ) : null}
        {isFiltered(filter, base) ? <Button onClick={clear}>Clear filters</Button> : null}
      </section>

      <Text role="status" aria-live="polite">
        {filter.count === undefined ? '' : `${COUNT_LABELS[filter.count].label}: `}
        Showing {shown.length} of {rows.length} {rows.length === 1 ? 'case' : 'cases'}.
      </Text>

      {rows.length === 0 ? (
        <EmptyState title="No cases yet">
          <Text>
            You will see a case here when you are named on one (as trainee, mentor or tutor), or when your course team
            opens one for a programme you look after. If you expected to see cases, ask your course leader to check you
            are named on them.
          </Text>
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title="No cases match these filters">
          <Text>Try another search, choose “All cases” to include closed ones, or clear the filters.</Text>
          <Button onClick={clear}>Clear filters</Button>
        </EmptyState>
      ) : narrow ? (
        <ul className={styles.cards} aria-label="Cases">
          {shown.map((row, index) => (
            <CaseCard key={row.summary.id} row={row} first={index === 0} />
          ))}
        </ul>
      ) : (
        <Card className={styles.tableWrap}>
          <Table aria-label="Cases" sortable size="small">
            <TableHeader>
              <TableRow>
                {COLUMNS.map((c) => (
                  <TableHeaderCell
                    key={c.key}
                    sortDirection={sort.key === c.key ? sort.direction : undefined}
                    onClick={() => {
                      sortBy(c.key);
                    }}
                  >
                    {c.label}
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {shown.map((row, index) => (
                <CaseRow key={row.summary.id} row={row} first={index === 0} />
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </div>
  );
}

function StatusBadges(props: { readonly row: DashboardRow }) {
  const styles = useDashboardStyles();
  const { summary } = props.row;
  return (
    <>
      <Badge
        className={styles.badge}
        appearance="tint"
        color={summary.status === 'closed' ? 'subtle' : summary.status === 'active' ? 'brand' : 'warning'}
      >
        {STATUS_LABELS[summary.status]}
      </Badge>
      {summary.paused ? (
        <Badge appearance="outline" color="informative">
          Paused
        </Badge>
      ) : null}
    </>
  );
}

/** A case as a card, for narrow screens: the trainee (the link), then what the table's columns say, in lines. */
function CaseCard(props: { readonly row: DashboardRow; readonly first: boolean }) {
  const styles = useDashboardStyles();
  const { summary } = props.row;
  const open = useLinkHandler(casePath(summary.id));
  return (
    <li className={styles.card}>
      <Link
        href={casePath(summary.id)}
        onClick={open}
        className={styles.cardLink}
        id={props.first ? FIRST_CASE : undefined}
      >
        {summary.traineeName || '(no trainee named)'}
      </Link>
      <Text size={200}>
        {summary.reference} · {props.row.procedureName}
      </Text>
      <Text size={200}>{props.row.stageTitle}</Text>
      <div className={styles.cardBadges}>
        <StatusBadges row={props.row} />
      </div>
      <Text size={200}>
        Next review:{' '}
        {props.row.overdue ? (
          <span className={styles.overdue}>{formatDate(summary.nextReviewDate)} (overdue)</span>
        ) : (
          formatDate(summary.nextReviewDate)
        )}
      </Text>
    </li>
  );
}

function CaseRow(props: { readonly row: DashboardRow; readonly first: boolean }) {
  const styles = useDashboardStyles();
  const { summary } = props.row;
  const open = useLinkHandler(casePath(summary.id));
  return (
    <TableRow>
      <TableCell>
        <Link href={casePath(summary.id)} onClick={open} id={props.first ? FIRST_CASE : undefined}>
          {summary.traineeName || '(no trainee named)'}
        </Link>
      </TableCell>
      <TableCell>{summary.reference}</TableCell>
      <TableCell>{props.row.procedureName}</TableCell>
      <TableCell>{props.row.stageTitle}</TableCell>
      <TableCell>
        <StatusBadges row={props.row} />
      </TableCell>
      <TableCell>
        {props.row.overdue ? (
          <span className={styles.overdue}>{formatDate(summary.nextReviewDate)} (overdue)</span>
        ) : (
          formatDate(summary.nextReviewDate)
        )}
      </TableCell>
      <TableCell>{formatDate(summary.openedOn)}</TableCell>
    </TableRow>
  );
}
