import type { CaseStatus, CaseSummary, ProcedureSummary } from '../../api/types';

/**
 * What the dashboard shows, computed from the case summaries the API returns: the counts at a
 * glance, and the filtered, searched, sorted table. Pure functions; the components only render.
 */
export const COUNT_KEYS = ['due_this_week', 'overdue', 'awaiting_signatures', 'escalated', 'closed'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

export const COUNT_LABELS: Readonly<Record<CountKey, { readonly label: string; readonly hint: string }>> = {
  due_this_week: {
    label: 'Reviews due this week',
    hint: 'Open cases whose next review falls between today and Sunday.',
  },
  overdue: { label: 'Overdue reviews', hint: 'Open cases whose review date has passed without a review.' },
  awaiting_signatures: {
    label: 'Awaiting signatures',
    hint: 'Plans still being drawn up or waiting for someone to sign.',
  },
  escalated: {
    label: 'Escalated or at panel',
    hint: 'Cases at a formal, panel or decision stage, or awaiting a decision.',
  },
  closed: { label: 'Closed', hint: 'Cases that have ended, whatever the outcome.' },
};

export interface DashboardRow {
  readonly summary: CaseSummary;
  readonly procedureName: string;
  readonly stageTitle: string;
  readonly overdue: boolean;
  readonly tags: ReadonlySet<CountKey>;
}

/** Sunday of the ISO week that contains `today` (weeks run Monday to Sunday). */
export function endOfWeek(today: string): string {
  const date = new Date(`${today}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  date.setUTCDate(date.getUTCDate() + (6 - weekday));
  return date.toISOString().slice(0, 10);
}

const ESCALATED_FORMALITIES = new Set(['formal', 'panel', 'decision']);

export function rowsOf(
  summaries: readonly CaseSummary[],
  procedures: readonly ProcedureSummary[],
  today: string,
): DashboardRow[] {
  const sunday = endOfWeek(today);
  const procedureById = new Map(procedures.map((p) => [p.id, p]));
  return summaries.map((summary) => {
    const procedure = procedureById.get(summary.procedureId);
    const stage = procedure?.stages.find((s) => s.id === summary.stageId);
    const open = summary.status !== 'closed';
    const next = summary.nextReviewDate;
    const tags = new Set<CountKey>();
    const overdue = open && next !== undefined && next < today;
    if (overdue) tags.add('overdue');
    if (open && next !== undefined && next >= today && next <= sunday) tags.add('due_this_week');
    if (open && (summary.awaitingSignatures || summary.status === 'awaiting_signatures'))
      tags.add('awaiting_signatures');
    if (
      open &&
      (summary.status === 'awaiting_decision' || (stage !== undefined && ESCALATED_FORMALITIES.has(stage.formality)))
    )
      tags.add('escalated');
    if (!open) tags.add('closed');
    return {
      summary,
      procedureName: procedure?.name ?? summary.procedureId,
      stageTitle: stage?.title ?? summary.stageId,
      overdue,
      tags,
    };
  });
}

export function countsOf(rows: readonly DashboardRow[]): Record<CountKey, number> {
  const counts = { due_this_week: 0, overdue: 0, awaiting_signatures: 0, escalated: 0, closed: 0 };
  for (const row of rows) for (const tag of row.tags) counts[tag] += 1;
  return counts;
}

export type StatusFilter = CaseStatus | 'open' | 'all';

export interface DashboardFilter {
  readonly status: StatusFilter;
  readonly procedureId: string;
  readonly stageId: string;
  readonly search: string;
  readonly count: CountKey | undefined;
  /** A channel tab shows one programme (`?programme=` in its content URL); '' for all. */
  readonly programme: string;
}

export const NO_FILTER: DashboardFilter = {
  status: 'open',
  procedureId: '',
  stageId: '',
  search: '',
  count: undefined,
  programme: '',
};

/** Where the dashboard starts, and what "Clear filters" returns to: the channel tab's programme, if any. */
export function baseFilter(search: string): DashboardFilter {
  const programme = new URLSearchParams(search).get('programme')?.trim() ?? '';
  return { ...NO_FILTER, programme: programme.slice(0, 200) };
}

/** Programmes to choose from: those of the cases shown, plus the one asked for even if it has none yet. */
export function programmeOptions(summaries: readonly CaseSummary[], selected: string): string[] {
  const all = new Set(summaries.map((s) => s.programme).filter((p) => p !== ''));
  if (selected !== '') all.add(selected);
  return [...all].sort((a, b) => a.localeCompare(b));
}

export const SORT_KEYS = ['trainee', 'reference', 'procedure', 'stage', 'status', 'nextReview', 'openedOn'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface DashboardSort {
  readonly key: SortKey;
  readonly direction: 'ascending' | 'descending';
}

const STATUS_ORDER: Readonly<Record<CaseStatus, number>> = {
  planning: 0,
  awaiting_signatures: 1,
  active: 2,
  awaiting_decision: 3,
  closed: 4,
};

function sortValue(row: DashboardRow, key: SortKey): string | number {
  switch (key) {
    case 'trainee':
      return row.summary.traineeName.toLowerCase();
    case 'reference':
      return row.summary.reference;
    case 'procedure':
      return row.procedureName.toLowerCase();
    case 'stage':
      return `${row.procedureName.toLowerCase()}|${row.stageTitle.toLowerCase()}`;
    case 'status':
      return STATUS_ORDER[row.summary.status];
    case 'nextReview':
      // Cases with no review date sort after every dated one.
      return row.summary.nextReviewDate ?? '9999-12-31';
    case 'openedOn':
      return row.summary.openedOn;
  }
}

export function matchesFilter(row: DashboardRow, filter: DashboardFilter): boolean {
  const s = row.summary;
  if (filter.count !== undefined) {
    if (!row.tags.has(filter.count)) return false;
  } else if (filter.status === 'open') {
    if (s.status === 'closed') return false;
  } else if (filter.status !== 'all' && s.status !== filter.status) return false;
  if (filter.programme !== '' && s.programme !== filter.programme) return false;
  if (filter.procedureId !== '' && s.procedureId !== filter.procedureId) return false;
  if (filter.stageId !== '' && s.stageId !== filter.stageId) return false;
  const needle = filter.search.trim().toLowerCase();
  if (needle !== '' && !s.traineeName.toLowerCase().includes(needle) && !s.reference.toLowerCase().includes(needle))
    return false;
  return true;
}

export function visibleRows(
  rows: readonly DashboardRow[],
  filter: DashboardFilter,
  sort: DashboardSort,
): DashboardRow[] {
  const factor = sort.direction === 'ascending' ? 1 : -1;
  return rows
    .filter((row) => matchesFilter(row, filter))
    .sort((a, b) => {
      const va = sortValue(a, sort.key);
      const vb = sortValue(b, sort.key);
      if (va < vb) return -factor;
      if (va > vb) return factor;
      return a.summary.reference.localeCompare(b.summary.reference);
    });
}

/** Stages offered in the stage filter: stage ids belong to a procedure, so pick a procedure first. */
export function stageOptions(
  procedures: readonly ProcedureSummary[],
  procedureId: string,
): { readonly value: string; readonly label: string }[] {
  if (procedureId === '') return [];
  return (procedures.find((p) => p.id === procedureId)?.stages ?? []).map((s) => ({ value: s.id, label: s.title }));
}

/** Anything narrower than `base` (the channel's programme counts as the starting point, not a filter). */
export const isFiltered = (filter: DashboardFilter, base: DashboardFilter = NO_FILTER): boolean =>
  filter.count !== undefined ||
  filter.status !== base.status ||
  filter.procedureId !== '' ||
  filter.stageId !== '' ||
  filter.search.trim() !== '' ||
  filter.programme !== base.programme;
