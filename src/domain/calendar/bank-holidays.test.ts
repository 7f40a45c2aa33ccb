import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import {
  easterSunday,
  englandAndWalesBankHolidayDates,
  englandAndWalesBankHolidays,
  findEnglandAndWalesBankHoliday,
  isEnglandAndWalesBankHoliday,
} from './bank-holidays.js';
import { dayOfWeek, parseLocalDate } from './local-date.js';

const NEW_YEAR = "New Year's Day";
const NEW_YEAR_SUB = "New Year's Day (substitute day)";
const GOOD_FRIDAY = 'Good Friday';
const EASTER_MONDAY = 'Easter Monday';
const EARLY_MAY = 'Early May bank holiday';
const SPRING = 'Spring bank holiday';
const SUMMER = 'Summer bank holiday';
const CHRISTMAS = 'Christmas Day';
const CHRISTMAS_SUB = 'Christmas Day (substitute day)';
const BOXING = 'Boxing Day';
const BOXING_SUB = 'Boxing Day (substitute day)';

/**
 * Written out by hand: 2019–2027 from the published gov.uk lists, 2028–2030 from the rules.
 * Every rule (and every one-off) changes at least one row, so removing any of them fails.
 */
const EXPECTED: Readonly<Record<number, readonly (readonly [string, string])[]>> = {
  2019: [
    ['2019-01-01', NEW_YEAR],
    ['2019-04-19', GOOD_FRIDAY],
    ['2019-04-22', EASTER_MONDAY],
    ['2019-05-06', EARLY_MAY],
    ['2019-05-27', SPRING],
    ['2019-08-26', SUMMER],
    ['2019-12-25', CHRISTMAS],
    ['2019-12-26', BOXING],
  ],
  2020: [
    ['2020-01-01', NEW_YEAR],
    ['2020-04-10', GOOD_FRIDAY],
    ['2020-04-13', EASTER_MONDAY],
    ['2020-05-08', 'Early May bank holiday (VE day)'],
    ['2020-05-25', SPRING],
    ['2020-08-31', SUMMER],
    ['2020-12-25', CHRISTMAS],
    ['2020-12-28', BOXING_SUB],
  ],
  2021: [
    ['2021-01-01', NEW_YEAR],
    ['2021-04-02', GOOD_FRIDAY],
    ['2021-04-05', EASTER_MONDAY],
    ['2021-05-03', EARLY_MAY],
    ['2021-05-31', SPRING],
    ['2021-08-30', SUMMER],
    ['2021-12-27', CHRISTMAS_SUB],
    ['2021-12-28', BOXING_SUB],
  ],
  2022: [
    ['2022-01-03', NEW_YEAR_SUB],
    ['2022-04-15', GOOD_FRIDAY],
    ['2022-04-18', EASTER_MONDAY],
    ['2022-05-02', EARLY_MAY],
    ['2022-06-02', SPRING],
    ['2022-06-03', 'Platinum Jubilee bank holiday'],
    ['2022-08-29', SUMMER],
    ['2022-09-19', 'Bank Holiday for the State Funeral of Queen Elizabeth II'],
    ['2022-12-26', BOXING],
    ['2022-12-27', CHRISTMAS_SUB],
  ],
  2023: [
    ['2023-01-02', NEW_YEAR_SUB],
    ['2023-04-07', GOOD_FRIDAY],
    ['2023-04-10', EASTER_MONDAY],
    ['2023-05-01', EARLY_MAY],
    ['2023-05-08', 'Bank holiday for the coronation of King Charles III'],
    ['2023-05-29', SPRING],
    ['2023-08-28', SUMMER],
    ['2023-12-25', CHRISTMAS],
    ['2023-12-26', BOXING],
  ],
  2024: [
    ['2024-01-01', NEW_YEAR],
    ['2024-03-29', GOOD_FRIDAY],
    ['2024-04-01', EASTER_MONDAY],
    ['2024-05-06', EARLY_MAY],
    ['2024-05-27', SPRING],
    ['2024-08-26', SUMMER],
    ['2024-12-25', CHRISTMAS],
    ['2024-12-26', BOXING],
  ],
  2025: [
    ['2025-01-01', NEW_YEAR],
    ['2025-04-18', GOOD_FRIDAY],
    ['2025-04-21', EASTER_MONDAY],
    ['2025-05-05', EARLY_MAY],
    ['2025-05-26', SPRING],
    ['2025-08-25', SUMMER],
    ['2025-12-25', CHRISTMAS],
    ['2025-12-26', BOXING],
  ],
  2026: [
    ['2026-01-01', NEW_YEAR],
    ['2026-04-03', GOOD_FRIDAY],
    ['2026-04-06', EASTER_MONDAY],
    ['2026-05-04', EARLY_MAY],
    ['2026-05-25', SPRING],
    ['2026-08-31', SUMMER],
    ['2026-12-25', CHRISTMAS],
    ['2026-12-28', BOXING_SUB],
  ],
  2027: [
    ['2027-01-01', NEW_YEAR],
    ['2027-03-26', GOOD_FRIDAY],
    ['2027-03-29', EASTER_MONDAY],
    ['2027-05-03', EARLY_MAY],
    ['2027-05-31', SPRING],
    ['2027-08-30', SUMMER],
    ['2027-12-27', CHRISTMAS_SUB],
    ['2027-12-28', BOXING_SUB],
  ],
  2028: [
    ['2028-01-03', NEW_YEAR_SUB],
    ['2028-04-14', GOOD_FRIDAY],
    ['2028-04-17', EASTER_MONDAY],
    ['2028-05-01', EARLY_MAY],
    ['2028-05-29', SPRING],
    ['2028-08-28', SUMMER],
    ['2028-12-25', CHRISTMAS],
    ['2028-12-26', BOXING],
  ],
  2029: [
    ['2029-01-01', NEW_YEAR],
    ['2029-03-30', GOOD_FRIDAY],
    ['2029-04-02', EASTER_MONDAY],
    ['2029-05-07', EARLY_MAY],
    ['2029-05-28', SPRING],
    ['2029-08-27', SUMMER],
    ['2029-12-25', CHRISTMAS],
    ['2029-12-26', BOXING],
  ],
  2030: [
    ['2030-01-01', NEW_YEAR],
    ['2030-04-19', GOOD_FRIDAY],
    ['2030-04-22', EASTER_MONDAY],
    ['2030-05-06', EARLY_MAY],
    ['2030-05-27', SPRING],
    ['2030-08-26', SUMMER],
    ['2030-12-25', CHRISTMAS],
    ['2030-12-26', BOXING],
  ],
};

const YEARS = Object.keys(EXPECTED).map(Number);

describe('englandAndWalesBankHolidays', () => {
  it('has a hand-written row for every year 2019–2030', () => {
    expect(YEARS).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030]);
  });

  it.each(YEARS)('matches the published / rule-derived list for %i', (year) => {
    const actual = englandAndWalesBankHolidays(year).map((holiday) => [holiday.date, holiday.name]);
    expect(actual).toEqual(EXPECTED[year]);
  });

  it.each(YEARS)('%i: every holiday is a weekday and the list is in date order', (year) => {
    const dates = englandAndWalesBankHolidays(year).map((holiday) => holiday.date);
    for (const date of dates) expect(dayOfWeek(date)).toBeLessThanOrEqual(5);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
  });

  it('applies only the standing rules outside 2019–2030', () => {
    // 2012 had the Diamond Jubilee and a moved Spring bank holiday; neither is known here.
    expect(englandAndWalesBankHolidays(2012).map((holiday) => holiday.date)).toEqual([
      '2012-01-02',
      '2012-04-06',
      '2012-04-09',
      '2012-05-07',
      '2012-05-28',
      '2012-08-27',
      '2012-12-25',
      '2012-12-26',
    ]);
    // 2032: Christmas on a Saturday, New Year on a Thursday, Easter on 28 March.
    expect(englandAndWalesBankHolidays(2032).map((holiday) => holiday.date)).toEqual([
      '2032-01-01',
      '2032-03-26',
      '2032-03-29',
      '2032-05-03',
      '2032-05-31',
      '2032-08-30',
      '2032-12-27',
      '2032-12-28',
    ]);
  });

  it('returns frozen data that callers cannot change', () => {
    const list = englandAndWalesBankHolidays(2026);
    expect(Object.isFrozen(list)).toBe(true);
    expect(list.every((holiday) => Object.isFrozen(holiday))).toBe(true);
  });

  it.each([2026.5, Number.NaN, -1, 10_000])('rejects year %d as invalid input', (year) => {
    let error: unknown;
    try {
      englandAndWalesBankHolidays(year);
    } catch (caught) {
      error = caught;
    }
    expect(isDomainError(error) && error.code).toBe('invalid_input');
  });
});

describe('easterSunday', () => {
  it.each([
    [1961, '1961-04-02'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2011, '2011-04-24'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('%i → %s (including the earliest and latest possible dates)', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });
});

describe('lookups', () => {
  it.each([
    ['2022-12-27', CHRISTMAS_SUB],
    ['2023-05-08', 'Bank holiday for the coronation of King Charles III'],
    ['2026-08-31', SUMMER],
  ])('finds %s as %s', (date, name) => {
    expect(findEnglandAndWalesBankHoliday(parseLocalDate(date))).toEqual({ date, name });
    expect(isEnglandAndWalesBankHoliday(parseLocalDate(date))).toBe(true);
  });

  it.each(['2022-12-25', '2020-05-04', '2022-05-30', '2026-12-24', '2026-12-26'])(
    '%s is not a bank holiday',
    (date) => {
      expect(findEnglandAndWalesBankHoliday(parseLocalDate(date))).toBeUndefined();
      expect(isEnglandAndWalesBankHoliday(parseLocalDate(date))).toBe(false);
    },
  );

  it('englandAndWalesBankHolidayDates is the set of the year’s dates', () => {
    const set = englandAndWalesBankHolidayDates(2027);
    expect([...set].sort()).toEqual(EXPECTED[2027]?.map(([date]) => date));
  });
});
