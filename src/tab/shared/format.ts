/** Dates as people in England read them: "Wed 25 Nov 2026". LocalDates are plain YYYY-MM-DD. */
const DATE = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

export function formatDate(date: string | undefined): string {
  if (date === undefined || date === '') return '—';
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : DATE.format(parsed);
}

export function formatInstant(instant: string): string {
  const parsed = new Date(instant);
  return Number.isNaN(parsed.getTime()) ? instant : DATE_TIME.format(parsed);
}

export const STATUS_LABELS = {
  planning: 'Plan being drawn up',
  awaiting_signatures: 'Awaiting signatures',
  active: 'Under review',
  awaiting_decision: 'Awaiting decision',
  closed: 'Closed',
} as const;

export function humanise(id: string): string {
  const text = id.replace(/[_-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Today in England, for when the server has not said (it knows the dev clock; we do not). */
export function londonToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** A review's rating of progress on a target, as the form and the case's reviews say it. */
export const RATING_LABELS = { met: 'Met', partly_met: 'Partly met', not_met: 'Not met' } as const;
