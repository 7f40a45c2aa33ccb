import { z } from 'zod';
import { DomainError } from '../errors.js';
import { findEnglandAndWalesBankHoliday } from './bank-holidays.js';
import type { LocalDate } from './local-date.js';
import { addDays, dayOfWeek, daysBetween, isAfter, isLocalDate } from './local-date.js';

/** Used when a provider closes without saying why, so people are still told something. */
export const DEFAULT_CLOSURE_REASON = 'Provider closure';

/**
 * A long closure is almost certainly a typo (2026 for 2027) and would make every deadline
 * lookup walk a huge set, so a single range is capped at a year.
 */
export const MAX_CLOSURE_RANGE_DAYS = 366;

export type ClosureInput = LocalDate | { readonly from: LocalDate; readonly to: LocalDate; readonly reason?: string };

export interface WorkingCalendar {
  /** Provider closure days (LocalDate strings). Weekends and bank holidays are not listed here. */
  readonly closureDays: ReadonlySet<string>;
  /** Why each closure day is closed, for explaining skipped days to people. */
  readonly closureReasons: ReadonlyMap<string, string>;
}

export type NonWorkingReason = 'weekend' | { readonly bankHoliday: string } | { readonly closure: string };

function invalidInput(userMessage: string, details?: Readonly<Record<string, unknown>>): DomainError {
  return new DomainError('invalid_input', userMessage, details);
}

function requireDate(value: unknown, what: string): LocalDate {
  if (!isLocalDate(value)) throw invalidInput(`The ${what} is not a valid date`, { value });
  return value;
}

/** Where closures overlap, the first one listed gives the reason. */
export function makeWorkingCalendar(options: { readonly closures?: readonly ClosureInput[] } = {}): WorkingCalendar {
  const closureReasons = new Map<string, string>();
  for (const closure of options.closures ?? []) {
    const range = typeof closure === 'string' ? { from: closure, to: closure, reason: undefined } : closure;
    const from = requireDate(range.from, 'closure start');
    const to = requireDate(range.to, 'closure end');
    const length = daysBetween(from, to) + 1;
    if (length < 1) throw invalidInput('A closure must end on or after the day it starts', { from, to });
    if (length > MAX_CLOSURE_RANGE_DAYS) {
      throw invalidInput('A single closure can last at most a year', { from, to });
    }
    const reason = range.reason?.trim() || DEFAULT_CLOSURE_REASON;
    for (let i = 0; i < length; i += 1) {
      const day = addDays(from, i);
      if (!closureReasons.has(day)) closureReasons.set(day, reason);
    }
  }
  return { closureDays: new Set(closureReasons.keys()), closureReasons };
}

/**
 * Why a day is not a working day, or undefined if it is one. The most general reason wins
 * (a closure on a Saturday is reported as a weekend) so explanations stay short.
 */
export function nonWorkingReason(cal: WorkingCalendar, d: LocalDate): NonWorkingReason | undefined {
  if (dayOfWeek(d) >= 6) return 'weekend';
  const bankHoliday = findEnglandAndWalesBankHoliday(d);
  if (bankHoliday !== undefined) return { bankHoliday: bankHoliday.name };
  if (cal.closureDays.has(d)) return { closure: cal.closureReasons.get(d) ?? DEFAULT_CLOSURE_REASON };
  return undefined;
}

/** "weekend", "Christmas Day (bank holiday)", "Christmas shutdown (provider closure)". */
export function describeNonWorkingReason(reason: NonWorkingReason): string {
  if (reason === 'weekend') return 'weekend';
  if ('bankHoliday' in reason) return `${reason.bankHoliday} (bank holiday)`;
  return reason.closure === DEFAULT_CLOSURE_REASON ? 'provider closure' : `${reason.closure} (provider closure)`;
}

export function isWorkingDay(cal: WorkingCalendar, d: LocalDate): boolean {
  return nonWorkingReason(cal, d) === undefined;
}

/** The first working day strictly after d. */
export function nextWorkingDay(cal: WorkingCalendar, d: LocalDate): LocalDate {
  // Terminates: closures are finite, and no week is entirely bank holidays and weekend.
  let candidate = addDays(d, 1);
  while (!isWorkingDay(cal, candidate)) candidate = addDays(candidate, 1);
  return candidate;
}

function requireCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw invalidInput(`The number of ${what} must be a whole number of at least 0`, { value: n });
  }
}

/** The n-th working day strictly after start; start itself when n is 0 (even if start is not a working day). */
export function addWorkingDays(cal: WorkingCalendar, start: LocalDate, n: number): LocalDate {
  requireCount(n, 'working days');
  let current = start;
  for (let i = 0; i < n; i += 1) current = nextWorkingDay(cal, current);
  return current;
}

/** How many working days d satisfy from < d ≤ to, so it inverts addWorkingDays; 0 if to ≤ from. */
export function workingDaysBetween(cal: WorkingCalendar, from: LocalDate, to: LocalDate): number {
  let count = 0;
  for (let day = addDays(from, 1); !isAfter(day, to); day = addDays(day, 1)) {
    if (isWorkingDay(cal, day)) count += 1;
  }
  return count;
}

export const DURATION_UNITS = ['working_days', 'calendar_days', 'weeks'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** No procedure window runs longer than a school year; the cap also bounds the day loops. */
export const MAX_DURATION_AMOUNT = 400;

export const durationSchema = z.strictObject({
  amount: z.number().int().positive().max(MAX_DURATION_AMOUNT),
  unit: z.enum(DURATION_UNITS),
});

function requireDuration(duration: Duration): void {
  const parsed = durationSchema.safeParse(duration);
  if (!parsed.success) {
    throw invalidInput(
      `A duration must be a whole number from 1 to ${MAX_DURATION_AMOUNT} working days, days or weeks`,
      {
        amount: duration.amount,
        unit: duration.unit,
      },
    );
  }
}

/**
 * The end of a window: "up to 10 working days" → the 10th working day after start;
 * "a maximum of 4 weeks" → start + 28 days; "within 14 days" → start + 14 days.
 * Calendar-day and week windows may end on a non-working day, as the procedures word them.
 */
export function addDuration(cal: WorkingCalendar, start: LocalDate, duration: Duration): LocalDate {
  requireDuration(duration);
  switch (duration.unit) {
    case 'working_days':
      return addWorkingDays(cal, start, duration.amount);
    case 'calendar_days':
      return addDays(start, duration.amount);
    case 'weeks':
      return addDays(start, 7 * duration.amount);
  }
}

/** "10 working days", "1 working day", "4 weeks", "1 week", "14 days", "1 day". */
export function describeDuration(duration: Duration): string {
  requireDuration(duration);
  const plural = duration.amount === 1 ? '' : 's';
  switch (duration.unit) {
    case 'working_days':
      return `${duration.amount} working day${plural}`;
    case 'calendar_days':
      return `${duration.amount} day${plural}`;
    case 'weeks':
      return `${duration.amount} week${plural}`;
  }
}

export interface SkippedDay {
  readonly date: LocalDate;
  readonly reason: NonWorkingReason;
}

export interface WindowExplanation {
  readonly start: LocalDate;
  readonly end: LocalDate;
  /** Non-working days strictly between start and end that the window passed over, in date order. */
  readonly skipped: readonly SkippedDay[];
}

/**
 * The window and the days it skipped, so a person can see why "10 working days" ends where
 * it does. Calendar-day and week windows count every day, so they skip nothing.
 */
export function explainWindow(cal: WorkingCalendar, start: LocalDate, duration: Duration): WindowExplanation {
  const end = addDuration(cal, start, duration);
  const skipped: SkippedDay[] = [];
  if (duration.unit === 'working_days') {
    for (let day = addDays(start, 1); isAfter(end, day); day = addDays(day, 1)) {
      const reason = nonWorkingReason(cal, day);
      if (reason !== undefined) skipped.push({ date: day, reason });
    }
  }
  return { start, end, skipped };
}
