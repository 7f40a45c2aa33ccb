import { daysBetween, type LocalDate } from '../../domain/calendar/index.js';
import type { CaseState } from '../../domain/case/types.js';
import { frameworkEntries } from '../../domain/frameworks/framework.js';
import type { CaseSummary } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import type { Tombstone } from '../ports.js';

/**
 * Cohort figures for the course team (inspection evidence), over the cases the caller can see.
 * Everything except "by standard" comes from the case summaries the dashboard already holds;
 * standards need each case's plan, so that section reads whole cases and is left out (with a
 * note) above `STANDARDS_CASE_CAP` cases: narrow the period to get it.
 */
export const STANDARDS_CASE_CAP = 1000;

const month = (d: LocalDate): string => d.slice(0, 7);

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

const sortedEntries = (m: Map<string, number>): [string, number][] =>
  [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Who counts as a case's tutor for "overdue reviews by tutor": provider-side roles whose id names a tutor. */
function tutorsOf(summary: CaseSummary, procedure: Procedure | undefined): CaseSummary['people'] {
  const providerRoles = new Set(procedure?.roles.filter((r) => r.side === 'provider').map((r) => r.id) ?? []);
  const tutors = summary.people.filter((p) => providerRoles.has(p.role) && p.role.includes('tutor'));
  return tutors.length > 0 ? tutors : summary.people.filter((p) => providerRoles.has(p.role)).slice(0, 1);
}

export interface ReportInput {
  readonly summaries: readonly CaseSummary[];
  readonly procedures: readonly Procedure[];
  readonly today: LocalDate;
  /** Whole cases for the standards section, or undefined when over the cap. */
  readonly states: readonly CaseState[] | undefined;
  readonly period: { readonly from: LocalDate | undefined; readonly to: LocalDate | undefined };
  /**
   * Cases removed by the retention policy or erased, as their tombstones: counted where they
   * were (opened, closed, time to resolution; reasons and outcomes for anonymised ones), so a
   * figure does not drop when old cases go.
   */
  readonly removed?: readonly Tombstone[];
}

export function buildReport(input: ReportInput) {
  const { summaries, procedures, today } = input;
  const procedureOf = (id: string): Procedure | undefined => procedures.find((p) => p.id === id);
  const open = summaries.filter((s) => s.status !== 'closed');
  const closed = summaries.filter((s) => s.status === 'closed' && s.closedOn !== undefined);
  const removed = input.removed ?? [];
  const removedClosed = removed.filter((t) => t.closedOn !== undefined);
  const anonymised = removed.flatMap((t) =>
    t.counts === undefined ? [] : [{ ...t.counts, procedureId: t.procedureId }],
  );
  // Every case there was, with the dates it opened and closed: the cases there are and the tombstones.
  const dated = [
    ...summaries.map((s) => ({ openedOn: s.openedOn, closedOn: s.status === 'closed' ? s.closedOn : undefined })),
    ...removed.map((t) => ({ openedOn: t.openedOn, closedOn: t.closedOn })),
  ];
  const durations = dated
    .flatMap((d) => (d.closedOn === undefined ? [] : [daysBetween(d.openedOn, d.closedOn)]))
    .sort((a, b) => a - b);

  const overdue = new Map<string, { personId: string; name: string; count: number; references: string[] }>();
  for (const s of open) {
    if (s.nextReviewDate === undefined || s.nextReviewDate >= today) continue;
    for (const tutor of tutorsOf(s, procedureOf(s.procedureId))) {
      const entry = overdue.get(tutor.id) ?? { personId: tutor.id, name: tutor.name, count: 0, references: [] };
      entry.count += 1;
      entry.references.push(s.reference);
      overdue.set(tutor.id, entry);
    }
  }

  let byStandard: { frameworkId: string; code: string; label: string; count: number }[] | undefined;
  if (input.states) {
    const counts = new Map<string, number>();
    for (const state of input.states) {
      const plans = [...state.previousPlans, ...(state.plan ? [state.plan] : [])];
      const codes = new Set(
        plans
          .flatMap((p) => [...p.content.concerns.flatMap((c) => c.links), ...p.content.targets.flatMap((t) => t.links)])
          .map((l) => `${l.frameworkId}|${l.code}`),
      );
      for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    byStandard = sortedEntries(counts).map(([key, count]) => {
      const [frameworkId = '', code = ''] = key.split('|');
      const framework = procedures.flatMap((p) => p.frameworks).find((f) => f.id === frameworkId);
      const label = framework ? (frameworkEntries(framework).find((e) => e.code === code)?.label ?? code) : code;
      return { frameworkId, code, label, count };
    });
  }

  return {
    period: input.period,
    today,
    totals: {
      cases: summaries.length + removed.length,
      open: open.length,
      closed: closed.length + removedClosed.length,
      removed: removed.length,
    },
    openedByMonth: sortedEntries(countBy(dated, (d) => month(d.openedOn))).map(([m, count]) => ({
      month: m,
      count,
    })),
    closedByMonth: sortedEntries(countBy(dated, (d) => (d.closedOn ? month(d.closedOn) : undefined))).map(
      ([m, count]) => ({ month: m, count }),
    ),
    openByStage: sortedEntries(countBy(open, (s) => `${s.procedureId}|${s.stageId}`)).map(([key, count]) => {
      const [procedureId = '', stageId = ''] = key.split('|');
      return {
        procedureId,
        stageId,
        title: procedureOf(procedureId)?.stages.find((st) => st.id === stageId)?.title ?? stageId,
        count,
      };
    }),
    byReason: sortedEntries(
      new Map(
        [...summaries, ...anonymised]
          .flatMap((s) => s.reasons.map((r) => `${s.procedureId}|${r}`))
          .reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>()),
      ),
    ).map(([key, count]) => {
      const [procedureId = '', reasonId = ''] = key.split('|');
      return {
        procedureId,
        reasonId,
        label: procedureOf(procedureId)?.reasons.find((r) => r.id === reasonId)?.label ?? reasonId,
        count,
      };
    }),
    byStandard,
    byStandardNote:
      byStandard === undefined
        ? `More than ${STANDARDS_CASE_CAP} cases in the period: choose a shorter period (from, to) to count cases by standard.`
        : undefined,
    timeToResolution: {
      closedCases: durations.length,
      medianDays: percentile(durations, 50),
      p90Days: percentile(durations, 90),
      meanDays:
        durations.length === 0
          ? undefined
          : Math.round((durations.reduce((a, b) => a + b, 0) / durations.length) * 10) / 10,
    },
    outcomes: sortedEntries(
      countBy([...closed, ...anonymised], (s) => `${s.procedureId}|${s.resolution ?? ''}|${s.outcomeId ?? ''}`),
    ).map(([key, count]) => {
      const [procedureId = '', resolution = '', outcomeId = ''] = key.split('|');
      const procedure = procedureOf(procedureId);
      const label =
        outcomeId === ''
          ? resolution.replace(/_/g, ' ')
          : (procedure?.stages.flatMap((st) => st.review?.outcomes ?? []).find((o) => o.id === outcomeId)?.label ??
            procedure?.panels.flatMap((p) => p.decisions).find((d) => d.id === outcomeId)?.label ??
            outcomeId);
      return { procedureId, resolution, outcomeId: outcomeId === '' ? undefined : outcomeId, label, count };
    }),
    overdueReviewsByTutor: [...overdue.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
  };
}

export type Report = ReturnType<typeof buildReport>;

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // Spreadsheet formula injection: a cell starting with = + - @ is prefixed so Excel shows it as text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV: section, key, label, value — easy to pivot in Excel or Power BI. */
export function reportCsv(report: Report): string {
  const rows: (string | number | undefined)[][] = [['section', 'key', 'label', 'value']];
  rows.push(
    ['totals', 'cases', 'Cases', report.totals.cases],
    ['totals', 'open', 'Open', report.totals.open],
    ['totals', 'closed', 'Closed', report.totals.closed],
    ['totals', 'removed', 'Removed (retention or erasure; counted above)', report.totals.removed],
  );
  for (const r of report.openedByMonth) rows.push(['opened_by_month', r.month, r.month, r.count]);
  for (const r of report.closedByMonth) rows.push(['closed_by_month', r.month, r.month, r.count]);
  for (const r of report.openByStage) rows.push(['open_by_stage', `${r.procedureId}/${r.stageId}`, r.title, r.count]);
  for (const r of report.byReason) rows.push(['by_reason', `${r.procedureId}/${r.reasonId}`, r.label, r.count]);
  for (const r of report.byStandard ?? []) rows.push(['by_standard', `${r.frameworkId}/${r.code}`, r.label, r.count]);
  rows.push(
    ['time_to_resolution', 'closed_cases', 'Closed cases', report.timeToResolution.closedCases],
    ['time_to_resolution', 'median_days', 'Median days', report.timeToResolution.medianDays],
    ['time_to_resolution', 'p90_days', '90th percentile days', report.timeToResolution.p90Days],
    ['time_to_resolution', 'mean_days', 'Mean days', report.timeToResolution.meanDays],
  );
  for (const r of report.outcomes)
    rows.push(['outcomes', `${r.procedureId}/${r.resolution}/${r.outcomeId ?? ''}`, r.label, r.count]);
  for (const r of report.overdueReviewsByTutor) rows.push(['overdue_reviews_by_tutor', r.personId, r.name, r.count]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
