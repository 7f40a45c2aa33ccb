import { DomainError } from '../errors.js';
import type { LocalDate } from './local-date.js';
import { addDays, dayOfWeek, parseLocalDate, toDayNumber } from './local-date.js';

export interface BankHoliday {
  readonly date: LocalDate;
  readonly name: string;
}

/*
 * England and Wales bank holidays are computed from the standing rules, not fetched from
 * gov.uk, so the engine needs no network and works for any year.
 *
 * The rules cannot predict proclamations. The moved and one-off days below are those known
 * for 2019–2030; for years outside that range only the standing rules apply, so e.g. the
 * 2012 Diamond Jubilee is not listed. When a new one-off day is proclaimed, add it here
 * together with its row in the test table.
 */
const FIRST_YEAR_WITH_KNOWN_ONE_OFFS = 2019;
const LAST_YEAR_WITH_KNOWN_ONE_OFFS = 2030;

/** Standing-rule days that were moved by proclamation, keyed by `${year}/${standing name}`. */
const MOVED_DAYS: ReadonlyMap<string, BankHoliday> = new Map([
  ['2020/Early May bank holiday', { date: d('2020-05-08'), name: 'Early May bank holiday (VE day)' }],
  ['2022/Spring bank holiday', { date: d('2022-06-02'), name: 'Spring bank holiday' }],
]);

const ONE_OFF_DAYS: readonly BankHoliday[] = [
  { date: d('2022-06-03'), name: 'Platinum Jubilee bank holiday' },
  { date: d('2022-09-19'), name: 'Bank Holiday for the State Funeral of Queen Elizabeth II' },
  { date: d('2023-05-08'), name: 'Bank holiday for the coronation of King Charles III' },
];

function d(value: string): LocalDate {
  return parseLocalDate(value);
}

function ymd(year: number, month: number, day: number): LocalDate {
  return parseLocalDate(
    `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  );
}

/** Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): LocalDate {
  requireYear(year);
  const goldenNumber = year % 19;
  const century = Math.floor(year / 100);
  const yearOfCentury = year % 100;
  const skippedLeapYears = Math.floor(century / 4);
  const centuryRemainder = century % 4;
  const moonCorrection = Math.floor((century + 8) / 25);
  const solarCorrection = Math.floor((century - moonCorrection + 1) / 3);
  const epact = (19 * goldenNumber + century - skippedLeapYears - solarCorrection + 15) % 30;
  const leapYearsInCentury = Math.floor(yearOfCentury / 4);
  const yearInLeapCycle = yearOfCentury % 4;
  const daysToSunday = (32 + 2 * centuryRemainder + 2 * leapYearsInCentury - epact - yearInLeapCycle) % 7;
  const lateFullMoonFix = Math.floor((goldenNumber + 11 * epact + 22 * daysToSunday) / 451);
  const monthDay = epact + daysToSunday - 7 * lateFullMoonFix + 114;
  return ymd(year, Math.floor(monthDay / 31), (monthDay % 31) + 1);
}

function firstMondayOf(year: number, month: number): LocalDate {
  const first = ymd(year, month, 1);
  return addDays(first, (8 - dayOfWeek(first)) % 7);
}

function lastMondayOf(year: number, month: number): LocalDate {
  const firstOfNext = month === 12 ? ymd(year + 1, 1, 1) : ymd(year, month + 1, 1);
  const last = addDays(firstOfNext, -1);
  return addDays(last, -((dayOfWeek(last) + 6) % 7));
}

function isWeekend(date: LocalDate): boolean {
  return dayOfWeek(date) >= 6;
}

/** The first weekday on or after `date` that is not already taken by another holiday. */
function firstFreeWeekday(date: LocalDate, taken: ReadonlySet<LocalDate>): LocalDate {
  let candidate = date;
  while (isWeekend(candidate) || taken.has(candidate)) candidate = addDays(candidate, 1);
  return candidate;
}

/**
 * Christmas Day then Boxing Day, each moved to the next free weekday when it falls at a
 * weekend. Processing in that order gives the published results: Christmas on a Saturday
 * → 27 and 28 December; on a Sunday → Boxing Day stays Monday 26 and Christmas moves to
 * Tuesday 27; on a Friday → Boxing Day moves to Monday 28.
 */
function christmasHolidays(year: number): BankHoliday[] {
  const result: BankHoliday[] = [];
  const taken = new Set<LocalDate>();
  // Boxing Day on a Monday keeps its own day, which Christmas's substitute must then skip.
  const boxingDay = ymd(year, 12, 26);
  if (!isWeekend(boxingDay)) taken.add(boxingDay);
  for (const [day, name] of [
    [ymd(year, 12, 25), 'Christmas Day'],
    [boxingDay, 'Boxing Day'],
  ] as const) {
    if (!isWeekend(day)) {
      result.push({ date: day, name });
      taken.add(day);
      continue;
    }
    const substitute = firstFreeWeekday(day, taken);
    taken.add(substitute);
    result.push({ date: substitute, name: `${name} (substitute day)` });
  }
  return result;
}

function newYearsDay(year: number): BankHoliday {
  const day = ymd(year, 1, 1);
  return isWeekend(day)
    ? { date: firstFreeWeekday(day, new Set()), name: "New Year's Day (substitute day)" }
    : { date: day, name: "New Year's Day" };
}

function requireYear(year: number): void {
  // Matches LocalDate's four-digit range; every holiday (substitutes included) stays inside its year.
  if (!Number.isInteger(year) || year < 0 || year > 9999) {
    throw new DomainError('invalid_input', 'The year must be a whole number between 0 and 9999.', { year });
  }
}

function computeYear(year: number): readonly BankHoliday[] {
  const easter = easterSunday(year);
  const standing: BankHoliday[] = [
    newYearsDay(year),
    { date: addDays(easter, -2), name: 'Good Friday' },
    { date: addDays(easter, 1), name: 'Easter Monday' },
    { date: firstMondayOf(year, 5), name: 'Early May bank holiday' },
    { date: lastMondayOf(year, 5), name: 'Spring bank holiday' },
    { date: lastMondayOf(year, 8), name: 'Summer bank holiday' },
    ...christmasHolidays(year),
  ];
  const inKnownRange = year >= FIRST_YEAR_WITH_KNOWN_ONE_OFFS && year <= LAST_YEAR_WITH_KNOWN_ONE_OFFS;
  const holidays = inKnownRange
    ? [
        ...standing.map((holiday) => MOVED_DAYS.get(`${year}/${holiday.name}`) ?? holiday),
        ...ONE_OFF_DAYS.filter((holiday) => holiday.date.startsWith(`${year}-`)),
      ]
    : standing;
  return Object.freeze(
    holidays.map((holiday) => Object.freeze({ ...holiday })).sort((a, b) => toDayNumber(a.date) - toDayNumber(b.date)),
  );
}

// Bounded by the number of distinct years asked about (at most a few per request in practice).
const byYear = new Map<number, { list: readonly BankHoliday[]; byDate: ReadonlyMap<LocalDate, BankHoliday> }>();

function lookupYear(year: number): { list: readonly BankHoliday[]; byDate: ReadonlyMap<LocalDate, BankHoliday> } {
  let entry = byYear.get(year);
  if (entry === undefined) {
    requireYear(year);
    const list = computeYear(year);
    entry = { list, byDate: new Map(list.map((holiday) => [holiday.date, holiday])) };
    byYear.set(year, entry);
  }
  return entry;
}

/** Sorted by date. */
export function englandAndWalesBankHolidays(year: number): readonly BankHoliday[] {
  return lookupYear(year).list;
}

export function findEnglandAndWalesBankHoliday(date: LocalDate): BankHoliday | undefined {
  // Validate before slicing the year off, so a malformed cast string fails loudly.
  toDayNumber(date);
  return lookupYear(Number(date.slice(0, 4))).byDate.get(date);
}

export function isEnglandAndWalesBankHoliday(date: LocalDate): boolean {
  return findEnglandAndWalesBankHoliday(date) !== undefined;
}

/** The dates alone, for callers that only need membership tests. */
export function englandAndWalesBankHolidayDates(year: number): ReadonlySet<LocalDate> {
  return new Set(lookupYear(year).byDate.keys());
}
