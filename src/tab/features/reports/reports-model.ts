import type { ProcedureSummary, Report } from '../../api/types';
import type { CsvValue } from '../../shared/csv';

/**
 * The report as sections, each one table (what the CSV holds) and, where a picture helps, one
 * chart over a numeric column. Pure: ReportsPage renders these, the tests read them.
 */
export interface ReportColumn {
  readonly label: string;
  readonly numeric?: boolean;
}

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly (readonly CsvValue[])[];
  /** Bars: label from column `labelColumn`, one bar series per listed numeric column. */
  readonly chart?: { readonly labelColumn: number; readonly valueColumns: readonly number[] };
  readonly empty: string;
  readonly note?: string | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function monthLabel(month: string): string {
  const [year, m] = month.split('-');
  const name = MONTHS[Number(m) - 1];
  return name === undefined || year === undefined ? month : `${name} ${year}`;
}

export function reportSections(report: Report, procedures: readonly ProcedureSummary[]): ReportSection[] {
  const procedureName = (id: string): string => procedures.find((p) => p.id === id)?.name ?? id;
  const months = [
    ...new Set([...report.openedByMonth.map((r) => r.month), ...report.closedByMonth.map((r) => r.month)]),
  ].sort();
  const countIn = (list: readonly { month: string; count: number }[], month: string): number =>
    list.find((r) => r.month === month)?.count ?? 0;
  const t = report.timeToResolution;
  return [
    {
      id: 'by-month',
      title: 'Cases opened and closed per month',
      description: 'Each case counts in the month it was opened and, once closed, the month it closed.',
      columns: [{ label: 'Month' }, { label: 'Opened', numeric: true }, { label: 'Closed', numeric: true }],
      rows: months.map((m) => [monthLabel(m), countIn(report.openedByMonth, m), countIn(report.closedByMonth, m)]),
      chart: { labelColumn: 0, valueColumns: [1, 2] },
      empty: 'No case was opened or closed in this period.',
    },
    {
      id: 'by-stage',
      title: 'Open cases by stage',
      description: 'Where the open cases are now.',
      columns: [{ label: 'Procedure' }, { label: 'Stage' }, { label: 'Open cases', numeric: true }],
      rows: report.openByStage.map((r) => [procedureName(r.procedureId), r.title, r.count]),
      chart: { labelColumn: 1, valueColumns: [2] },
      empty: 'There are no open cases.',
    },
    {
      id: 'by-reason',
      title: 'Cases by reason',
      description: 'Why the cases were opened; a case with two reasons counts under both.',
      columns: [{ label: 'Procedure' }, { label: 'Reason' }, { label: 'Cases', numeric: true }],
      rows: report.byReason.map((r) => [procedureName(r.procedureId), r.label, r.count]),
      chart: { labelColumn: 1, valueColumns: [2] },
      empty: 'No cases in this period.',
    },
    {
      id: 'by-standard',
      title: 'Cases by standard',
      description:
        'The standards (or tracker items) that concerns and targets were linked to; each case counts once per standard.',
      columns: [{ label: 'Code' }, { label: 'Standard' }, { label: 'Cases', numeric: true }],
      rows: (report.byStandard ?? []).map((r) => [r.code, r.label, r.count]),
      chart: { labelColumn: 0, valueColumns: [2] },
      empty:
        report.byStandard === undefined
          ? 'Not counted for this period.'
          : 'No plan in this period links to a standard yet.',
      note: report.byStandardNote,
    },
    {
      id: 'time-to-resolution',
      title: 'Time to resolution',
      description: 'Calendar days from opening to closing, over the cases closed.',
      columns: [{ label: 'Measure' }, { label: 'Days', numeric: true }],
      rows:
        t.closedCases === 0
          ? []
          : [
              ['Closed cases (count)', t.closedCases],
              ['Median', t.medianDays],
              ['90th percentile', t.p90Days],
              ['Mean', t.meanDays],
            ],
      empty: 'No case has closed in this period yet.',
    },
    {
      id: 'outcomes',
      title: 'Outcomes',
      description: 'How the closed cases ended.',
      columns: [{ label: 'Procedure' }, { label: 'Outcome' }, { label: 'Cases', numeric: true }],
      rows: report.outcomes.map((r) => [procedureName(r.procedureId), r.label, r.count]),
      chart: { labelColumn: 1, valueColumns: [2] },
      empty: 'No case has closed in this period yet.',
    },
    {
      id: 'overdue-by-tutor',
      title: 'Overdue reviews by tutor',
      description: `Open cases whose review date is before today (${report.today}), by the tutor named on them.`,
      columns: [{ label: 'Tutor' }, { label: 'Overdue reviews', numeric: true }, { label: 'Cases' }],
      rows: report.overdueReviewsByTutor.map((r) => [r.name, r.count, r.references.join('; ')]),
      chart: { labelColumn: 0, valueColumns: [1] },
      empty: 'No review is overdue.',
    },
  ];
}

export const csvFileName = (section: ReportSection, today: string): string => `trellis-${section.id}-${today}.csv`;
