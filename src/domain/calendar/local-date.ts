import { z } from 'zod';
import { DomainError } from '../errors.js';

/**
 * A calendar date with no time and no zone, always `YYYY-MM-DD` and always a real date.
 * Deadlines in procedures are dates, not instants: keeping them as strings means a clock
 * change (or a server in another zone) can never move a deadline by a day.
 */
export type LocalDate = string & { readonly __brand: 'LocalDate' };

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** 1 = Monday … 7 = Sunday (ISO 8601), so weekends are simply 6 and 7. */
export type DayOfWeek = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FORMAT_HINT = 'Dates must look like 2027-02-14';
const MS_PER_DAY = 86_400_000;

// Four-digit years only: the string form is the storage form, so it must stay fixed-width
// for string comparison to agree with date order.
const MIN_DAY_NUMBER = daysFromCivil(0, 1, 1);
const MAX_DAY_NUMBER = daysFromCivil(9999, 12, 31);

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 in the proleptic Gregorian calendar. Done by hand rather than with
 * Date.UTC because Date.UTC quietly maps years 0–99 to 1900–1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  // Count years from March so the leap day is the last day of the counting year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(dayNumber: number): { year: number; month: number; day: number } {
  const z0 = dayNumber + 719_468;
  const era = Math.floor(z0 / 146_097);
  const dayOfEra = z0 - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function fromParts(year: number, month: number, day: number): LocalDate {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` as LocalDate;
}

type ParseResult = { ok: true; date: LocalDate; dayNumber: number } | { ok: false; userMessage: string };

function tryParse(value: string): ParseResult {
  const match = DATE_SHAPE.exec(value);
  if (match === null) return { ok: false, userMessage: FORMAT_HINT };
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) {
    return { ok: false, userMessage: `${value} is not a date: there is no month ${month}` };
  }
  const monthName = MONTH_NAMES[month - 1] ?? '';
  if (day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, userMessage: `${day} ${monthName} ${year} is not a date` };
  }
  return { ok: true, date: value as LocalDate, dayNumber: daysFromCivil(year, month, day) };
}

export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && tryParse(value).ok;
}

export function parseLocalDate(value: string): LocalDate {
  const result = tryParse(value);
  if (!result.ok) throw new DomainError('invalid_date', result.userMessage, { value });
  return result.date;
}

/** Validates and brands; the issue message is the same person-readable one parseLocalDate gives. */
export const localDateSchema = z.string().transform((value, ctx): LocalDate => {
  const result = tryParse(value);
  if (result.ok) return result.date;
  ctx.issues.push({ code: 'custom', message: result.userMessage, input: value });
  return z.NEVER;
});

/** Days since 1970-01-01. Re-validates because a LocalDate may have been produced by a cast. */
export function toDayNumber(d: LocalDate): number {
  const result = tryParse(d);
  if (!result.ok) throw new DomainError('invalid_date', result.userMessage, { value: d });
  return result.dayNumber;
}

export function fromDayNumber(dayNumber: number): LocalDate {
  if (!Number.isInteger(dayNumber)) {
    throw new DomainError('invalid_input', 'A day count must be a whole number.', { dayNumber });
  }
  if (dayNumber < MIN_DAY_NUMBER || dayNumber > MAX_DAY_NUMBER) {
    throw new DomainError('invalid_date', 'That date is too far from today to use.', { dayNumber });
  }
  const { year, month, day } = civilFromDays(dayNumber);
  return fromParts(year, month, day);
}

function requireWholeNumber(n: number, what: string): void {
  if (!Number.isInteger(n)) {
    throw new DomainError('invalid_input', `The number of ${what} must be a whole number.`, { value: n });
  }
}

export function addDays(d: LocalDate, n: number): LocalDate {
  requireWholeNumber(n, 'days');
  return fromDayNumber(toDayNumber(d) + n);
}

export function addWeeks(d: LocalDate, n: number): LocalDate {
  requireWholeNumber(n, 'weeks');
  return fromDayNumber(toDayNumber(d) + 7 * n);
}

/** The same day `n` years on; 29 February becomes 28 February in a year that has none. */
export function addYears(d: LocalDate, n: number): LocalDate {
  requireWholeNumber(n, 'years');
  const [year = 0, month = 1, day = 1] = d.split('-').map(Number);
  const to = year + n;
  return fromParts(to, month, Math.min(day, daysInMonth(to, month)));
}

/** Signed whole days: positive when `to` is later than `from`. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function compareLocalDates(a: LocalDate, b: LocalDate): -1 | 0 | 1 {
  const difference = toDayNumber(a) - toDayNumber(b);
  return difference < 0 ? -1 : difference > 0 ? 1 : 0;
}

export function isBefore(a: LocalDate, b: LocalDate): boolean {
  return compareLocalDates(a, b) < 0;
}

export function isAfter(a: LocalDate, b: LocalDate): boolean {
  return compareLocalDates(a, b) > 0;
}

export function minDate(first: LocalDate, ...rest: readonly LocalDate[]): LocalDate {
  return rest.reduce((earliest, d) => (isBefore(d, earliest) ? d : earliest), first);
}

export function maxDate(first: LocalDate, ...rest: readonly LocalDate[]): LocalDate {
  return rest.reduce((latest, d) => (isAfter(d, latest) ? d : latest), first);
}

export function dayOfWeek(d: LocalDate): DayOfWeek {
  // 1970-01-01 was a Thursday (4); the double modulo keeps dates before 1970 non-negative.
  return (((((toDayNumber(d) + 3) % 7) + 7) % 7) + 1) as DayOfWeek;
}

/** "Thursday 3 December 2026" — names are written out so output never depends on the host's ICU locale data. */
export function formatLongDate(d: LocalDate): string {
  const { year, month, day } = civilFromDays(toDayNumber(d));
  return `${DAY_NAMES[dayOfWeek(d) - 1] ?? ''} ${day} ${MONTH_NAMES[month - 1] ?? ''} ${year}`;
}

// Numeric parts only, so the locale tag cannot change the output; h23 avoids "24:00" at midnight.
const londonParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/London',
  calendar: 'gregory',
  numberingSystem: 'latn',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const WALL_CLOCK_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;

function isWallClockField(type: string): type is (typeof WALL_CLOCK_FIELDS)[number] {
  return (WALL_CLOCK_FIELDS as readonly string[]).includes(type);
}

function londonWallClock(epochMs: number): WallClock {
  const wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of londonParts.formatToParts(epochMs)) {
    if (isWallClockField(part.type)) wall[part.type] = Number(part.value);
  }
  return wall;
}

function requireValidInstant(instant: Date): number {
  const epochMs = instant.getTime();
  if (Number.isNaN(epochMs)) throw new DomainError('invalid_date', 'That is not a valid moment in time.');
  return epochMs;
}

/** The date a person in England or Wales would write down at that instant. */
export function londonDateOf(instant: Date): LocalDate {
  const epochMs = requireValidInstant(instant);
  const { year, month, day } = civilFromDays(Math.floor((epochMs + londonOffsetMs(epochMs)) / MS_PER_DAY));
  return fromParts(year, month, day);
}

const MS_PER_HOUR = 3_600_000;
/** London's offset through each UTC hour asked about, or null for an hour with a change inside it. */
const offsetByHour = new Map<number, number | null>();

/**
 * Milliseconds London is ahead of UTC at that instant (0 in GMT, 3_600_000 in BST). Asking Intl
 * costs microseconds and dates are computed on every write and sweep, so each UTC hour's offset
 * is kept: an hour whose first and last second agree has no change inside it (the clocks change
 * at most once in an hour). Today's changes fall on an hour (1 a.m. UTC); an hour with one inside
 * it (London's switch from local mean time, 00:01:15 UTC on 1 December 1847) is worked out second
 * by second.
 */
function londonOffsetMs(epochMs: number): number {
  const hour = Math.floor(epochMs / MS_PER_HOUR);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const first = exactLondonOffsetMs(hour * MS_PER_HOUR);
    offset = first === exactLondonOffsetMs((hour + 1) * MS_PER_HOUR - 1000) ? first : null;
    if (offsetByHour.size >= 10_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset ?? exactLondonOffsetMs(epochMs);
}

function exactLondonOffsetMs(epochMs: number): number {
  // Whole seconds only: Intl drops milliseconds, which would otherwise show up as offset.
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const wall = londonWallClock(wholeSecond);
  const dayNumber = daysFromCivil(wall.year, wall.month, wall.day);
  const wallAsUtc = dayNumber * MS_PER_DAY + ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000;
  return wallAsUtc - wholeSecond;
}

/**
 * The instant a London wall clock shows hh:mm on that date, in GMT or BST as applies.
 * At the autumn change, when 01:00–01:59 happens twice, the earlier instant is used; in the
 * spring gap, when 01:00–01:59 never happens, the time is read with the pre-change offset,
 * so 01:30 becomes 02:30 BST (the same choice as Temporal's "compatible" disambiguation).
 */
export function londonInstantAt(d: LocalDate, hh: number, mm: number): Date {
  if (!Number.isInteger(hh) || hh < 0 || hh > 23 || !Number.isInteger(mm) || mm < 0 || mm > 59) {
    throw new DomainError('invalid_input', 'Times must be between 00:00 and 23:59.', { hh, mm });
  }
  const wallAsUtc = toDayNumber(d) * MS_PER_DAY + (hh * 60 + mm) * 60_000;
  // A day either side is well clear of any transition, so these are the two offsets in play.
  const offsetBefore = londonOffsetMs(wallAsUtc - MS_PER_DAY);
  const offsetAfter = londonOffsetMs(wallAsUtc + MS_PER_DAY);
  const candidates = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter]
    .filter((epochMs) => epochMs + londonOffsetMs(epochMs) === wallAsUtc)
    .sort((a, b) => a - b);
  return new Date(candidates[0] ?? wallAsUtc - offsetBefore);
}
