import {
  Button,
  Field,
  Input,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { useSession } from '../../app/session-context';
import { getReport, listProcedures } from '../../api/trellis-api';
import type { ProcedureSummary, Report } from '../../api/types';
import { saveFile, toCsv } from '../../shared/csv';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { formatDate } from '../../shared/format';
import { BarChart } from './BarChart';
import { csvFileName, reportSections, type ReportSection } from './reports-model';
import { useReportStyles } from './ReportsPage.styles';

interface ReportQuery {
  readonly from: string;
  readonly to: string;
  readonly programme: string;
  readonly procedure: string;
}

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly report: Report; readonly procedures: readonly ProcedureSummary[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function queryProblem(q: ReportQuery): string | undefined {
  if (q.from !== '' && !DATE.test(q.from)) return 'Enter the “from” date as a date, or leave it empty.';
  if (q.to !== '' && !DATE.test(q.to)) return 'Enter the “to” date as a date, or leave it empty.';
  if (q.from !== '' && q.to !== '' && q.from > q.to) return 'The “from” date is after the “to” date: swap them.';
  return undefined;
}

function SectionView(props: { readonly section: ReportSection; readonly today: string }) {
  const styles = useReportStyles();
  const { section } = props;
  const headingId = `report-${section.id}`;
  const chart = section.chart;
  return (
    <section className={styles.section} aria-labelledby={headingId} data-report-section={section.id}>
      <div className={styles.sectionHead}>
        <Text block as="h2" id={headingId} size={500} weight="semibold">
          {section.title}
        </Text>
        <Button
          disabled={section.rows.length === 0}
          aria-label={`Download CSV: ${section.title}`}
          onClick={() => {
            saveFile(
              toCsv(
                section.columns.map((c) => c.label),
                section.rows,
              ),
              csvFileName(section, props.today),
            );
          }}
        >
          Download CSV
        </Button>
      </div>
      <Text className={styles.muted}>{section.description}</Text>
      {section.note === undefined ? null : <Text>{section.note}</Text>}
      {section.rows.length === 0 ? (
        <Text>{section.empty}</Text>
      ) : (
        <>
          {chart ? (
            <BarChart
              title={section.title}
              labels={section.rows.map((r) => String(r[chart.labelColumn] ?? ''))}
              series={chart.valueColumns.map((c) => ({
                name: section.columns[c]?.label ?? '',
                values: section.rows.map((r) => Number(r[c] ?? 0)),
              }))}
            />
          ) : null}
          <Table aria-labelledby={headingId} size="small">
            <TableHeader>
              <TableRow>
                {section.columns.map((c) => (
                  <TableHeaderCell key={c.label} className={c.numeric === true ? styles.numeric : undefined}>
                    {c.label}
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {section.rows.map((row, i) => (
                <TableRow key={i}>
                  {row.map((cell, j) => (
                    <TableCell key={j} className={section.columns[j]?.numeric === true ? styles.numeric : undefined}>
                      {cell ?? '—'}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </section>
  );
}

/** Cohort figures for the course team (the evidence providers keep for inspection), each exportable to CSV. */
export default function ReportsPage() {
  const session = useSession();
  const styles = useReportStyles();
  const [draft, setDraft] = useState<ReportQuery>({ from: '', to: '', programme: '', procedure: '' });
  const [query, setQuery] = useState<ReportQuery>(draft);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const problem = queryProblem(draft);
  const programmes = session.me !== undefined && session.me.programmes !== 'all' ? session.me.programmes : [];

  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    Promise.all([getReport(session.api, query), listProcedures(session.api)]).then(
      ([report, procedures]) => {
        if (live) setLoaded({ state: 'ready', report, procedures });
      },
      (error: unknown) => {
        if (live)
          setLoaded({
            state: 'failed',
            message: error instanceof Error ? error.message : 'The report could not be made.',
          });
      },
    );
    return () => {
      live = false;
    };
  }, [session.api, query]);

  const sections = useMemo(
    () => (loaded.state === 'ready' ? reportSections(loaded.report, loaded.procedures) : []),
    [loaded],
  );

  if (session.me !== undefined && !session.me.can.seeReports) {
    return (
      <EmptyState title="Reports are for the course team">
        <Text>Ask your course leader for the figures you need. Your own cases are on the Cases page.</Text>
      </EmptyState>
    );
  }

  const set = (change: Partial<ReportQuery>): void => {
    setDraft((d) => ({ ...d, ...change }));
  };

  return (
    <div className={styles.page}>
      <Text block as="h1" size={700} weight="semibold">
        Reports
      </Text>
      <form
        className={styles.filters}
        aria-label="Report period and scope"
        onSubmit={(e) => {
          e.preventDefault();
          if (problem === undefined) setQuery(draft);
        }}
      >
        <Field label="Opened from" className={styles.field}>
          <Input
            type="date"
            value={draft.from}
            onChange={(_e, d) => {
              set({ from: d.value });
            }}
          />
        </Field>
        <Field label="Opened to" className={styles.field}>
          <Input
            type="date"
            value={draft.to}
            onChange={(_e, d) => {
              set({ to: d.value });
            }}
          />
        </Field>
        {programmes.length > 1 ? (
          <Field label="Programme" className={styles.field}>
            <Select
              value={draft.programme}
              onChange={(_e, d) => {
                set({ programme: d.value });
              }}
            >
              <option value="">All my programmes</option>
              {programmes.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        {loaded.state === 'ready' ? (
          <Field label="Procedure" className={styles.field}>
            <Select
              value={draft.procedure}
              onChange={(_e, d) => {
                set({ procedure: d.value });
              }}
            >
              <option value="">All procedures</option>
              {loaded.procedures.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <Button type="submit" appearance="primary" disabled={problem !== undefined}>
          Show the report
        </Button>
        {problem === undefined ? null : <Text role="alert">{problem}</Text>}
      </form>
      {loaded.state === 'loading' ? <Loading label="Counting the cases…" /> : null}
      {loaded.state === 'failed' ? <ErrorNotice title="The report could not be made" message={loaded.message} /> : null}
      {loaded.state === 'ready' ? (
        <>
          <section className={styles.section} aria-labelledby="report-totals">
            <Text block as="h2" id="report-totals" size={500} weight="semibold">
              In this report
            </Text>
            <Text className={styles.muted}>
              Cases opened{' '}
              {loaded.report.period.from === undefined
                ? 'at any time'
                : `from ${formatDate(loaded.report.period.from)}`}
              {loaded.report.period.to === undefined ? '' : ` to ${formatDate(loaded.report.period.to)}`}; today is{' '}
              {formatDate(loaded.report.today)}.
            </Text>
            <dl className={styles.totals}>
              {[
                ['Cases', loaded.report.totals.cases] as const,
                ['Open', loaded.report.totals.open] as const,
                ['Closed', loaded.report.totals.closed] as const,
                // Cases removed after their retention time (or erased) still count above, through their tombstones.
                ...(loaded.report.totals.removed > 0 ? [['Removed', loaded.report.totals.removed] as const] : []),
              ].map(([label, value]) => (
                <div key={label} className={styles.total}>
                  <dt>{label}</dt>
                  <dd className={styles.totalValue} data-total={label.toLowerCase()}>
                    {value}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
          {sections.map((s) => (
            <SectionView key={s.id} section={s} today={loaded.report.today} />
          ))}
        </>
      ) : null}
    </div>
  );
}
