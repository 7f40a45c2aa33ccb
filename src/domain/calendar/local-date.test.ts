import { describe, expect, it } from 'vitest';
import type { DomainErrorCode } from '../errors.js';
import { isDomainError } from '../errors.js';
import type { LocalDate } from './local-date.js';
import {
  addDays,
  addWeeks,
  addYears,
  compareLocalDates,
  dayOfWeek,
  daysBetween,
  formatLongDate,
  isAfter,
  isBefore,
  isLocalDate,
  localDateSchema,
  londonDateOf,
  londonInstantAt,
  maxDate,
  minDate,
  parseLocalDate,
  toDayNumber,
} from './local-date.js';

const d = parseLocalDate;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectDomainError(fn: () => unknown, code: DomainErrorCode, userMessage?: string | RegExp): void {
  const error = thrown(fn);
  if (!isDomainError(error)) throw new Error(`expected a DomainError, got ${String(error)}`);
  expect(error.code).toBe(code);
  if (userMessage !== undefined) expect(error.userMessage).toMatch(userMessage);
}

describe('parseLocalDate', () => {
  it.each(['2027-02-14', '2028-02-29', '2000-02-29', '1970-01-01', '0000-01-01', '9999-12-31', '2026-12-31'])(
    'accepts %s unchanged',
    (value) => {
      expect(parseLocalDate(value)).toBe(value);
      expect(isLocalDate(value)).toBe(true);
    },
  );

  it.each([
    ['2027-02-31', /^31 February 2027 is not a date$/],
    ['2027-02-29', /^29 February 2027 is not a date$/],
    ['1900-02-29', /^29 February 1900 is not a date$/],
    ['2027-04-31', /^31 April 2027 is not a date$/],
    ['2027-02-00', /^0 February 2027 is not a date$/],
    ['2027-13-01', /no month 13/],
    ['2027-00-10', /no month 0/],
    ['2027-2-14', /^Dates must look like 2027-02-14$/],
    ['14/02/2027', /^Dates must look like 2027-02-14$/],
    ['', /^Dates must look like 2027-02-14$/],
    [' 2027-02-14', /^Dates must look like 2027-02-14$/],
    ['2027-02-14T00:00:00Z', /^Dates must look like 2027-02-14$/],
    ['20270214', /^Dates must look like 2027-02-14$/],
    ['+02027-02-14', /^Dates must look like 2027-02-14$/],
    ['٢٠٢٧-02-14', /^Dates must look like 2027-02-14$/],
  ])('rejects %j with a readable message', (value, message) => {
    expectDomainError(() => parseLocalDate(value), 'invalid_date', message);
    expect(isLocalDate(value)).toBe(false);
  });

  it.each([20270214, null, undefined, new Date(0), {}, ['2027-02-14']])(
    'isLocalDate(%j) is false for non-strings',
    (value) => {
      expect(isLocalDate(value)).toBe(false);
    },
  );

  it('re-validates dates that were cast rather than parsed', () => {
    expectDomainError(() => toDayNumber('2027-02-31' as LocalDate), 'invalid_date');
    expectDomainError(() => addDays('tomorrow' as LocalDate, 1), 'invalid_date');
  });
});

describe('localDateSchema', () => {
  it('brands valid dates', () => {
    const parsed: LocalDate = localDateSchema.parse('2027-02-14');
    expect(parsed).toBe('2027-02-14');
  });

  it.each([
    ['2027-02-31', '31 February 2027 is not a date'],
    ['next week', 'Dates must look like 2027-02-14'],
  ])('rejects %j with the same message as parseLocalDate', (value, message) => {
    const result = localDateSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it('rejects non-strings', () => {
    expect(localDateSchema.safeParse(20270214).success).toBe(false);
  });
});

describe('day arithmetic', () => {
  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-28', 1, '2026-03-29'], // into BST
    ['2026-10-24', 2, '2026-10-26'], // out of BST
    ['2026-01-15', 0, '2026-01-15'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2000-01-01', -10_957, '1970-01-01'],
    ['1969-12-31', 1, '1970-01-01'],
    ['2099-12-31', 1, '2100-01-01'],
  ])('addDays(%s, %i) = %s', (start, n, expected) => {
    expect(addDays(d(start), n)).toBe(expected);
    expect(daysBetween(d(start), d(expected))).toBe(n);
  });

  it.each([
    ['2026-10-20', 1, '2026-10-27'],
    ['2026-01-01', -1, '2025-12-25'],
    ['2026-12-03', 4, '2026-12-31'],
    ['2026-12-03', 0, '2026-12-03'],
  ])('addWeeks(%s, %i) = %s', (start, n, expected) => {
    expect(addWeeks(d(start), n)).toBe(expected);
  });

  it.each([
    ['2026-12-14', 6, '2032-12-14'],
    ['2028-02-29', 6, '2034-02-28'],
    ['2028-02-29', 4, '2032-02-29'],
    ['2026-03-01', -1, '2025-03-01'],
  ])('addYears(%s, %i) = %s (29 February becomes 28 February in a common year)', (start, n, expected) => {
    expect(addYears(d(start), n)).toBe(expected);
  });

  it.each([
    ['2026-01-01', '2027-01-01', 365],
    ['2027-01-01', '2026-01-01', -365],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-03-28', '2026-03-30', 2],
    ['2026-05-05', '2026-05-05', 0],
  ])('daysBetween(%s, %s) = %i', (from, to, expected) => {
    expect(daysBetween(d(from), d(to))).toBe(expected);
  });

  it('rejects fractional and non-finite counts as invalid input', () => {
    for (const n of [0.5, -1.25, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectDomainError(() => addDays(d('2026-01-01'), n), 'invalid_input');
      expectDomainError(() => addWeeks(d('2026-01-01'), n), 'invalid_input');
    }
  });

  it('refuses to leave the four-digit year range', () => {
    expectDomainError(() => addDays(d('9999-12-31'), 1), 'invalid_date');
    expectDomainError(() => addDays(d('0000-01-01'), -1), 'invalid_date');
  });
});

describe('comparison', () => {
  it.each([
    ['2026-01-01', '2026-01-02', -1],
    ['2026-01-02', '2026-01-01', 1],
    ['2026-01-02', '2026-01-02', 0],
    ['2025-12-31', '2026-01-01', -1],
  ] as const)('compareLocalDates(%s, %s) = %i', (a, b, expected) => {
    expect(compareLocalDates(d(a), d(b))).toBe(expected);
    expect(isBefore(d(a), d(b))).toBe(expected === -1);
    expect(isAfter(d(a), d(b))).toBe(expected === 1);
  });

  it('minDate and maxDate pick the extremes', () => {
    const dates = ['2026-06-01', '2025-12-31', '2027-01-01', '2026-06-01'].map(d);
    const [first, ...rest] = dates;
    if (first === undefined) throw new Error('unreachable');
    expect(minDate(first, ...rest)).toBe('2025-12-31');
    expect(maxDate(first, ...rest)).toBe('2027-01-01');
    expect(minDate(first)).toBe(first);
    expect(maxDate(first)).toBe(first);
  });
});

describe('dayOfWeek and formatLongDate', () => {
  it.each([
    ['1970-01-01', 4, 'Thursday 1 January 1970'],
    ['1969-12-31', 3, 'Wednesday 31 December 1969'],
    ['2000-01-01', 6, 'Saturday 1 January 2000'],
    ['2024-02-29', 4, 'Thursday 29 February 2024'],
    ['2026-03-29', 7, 'Sunday 29 March 2026'],
    ['2026-12-03', 4, 'Thursday 3 December 2026'],
    ['2026-12-07', 1, 'Monday 7 December 2026'],
    ['2027-01-01', 5, 'Friday 1 January 2027'],
    ['2027-06-15', 2, 'Tuesday 15 June 2027'],
  ])('%s is day %i, "%s"', (date, weekday, long) => {
    expect(dayOfWeek(d(date))).toBe(weekday);
    expect(formatLongDate(d(date))).toBe(long);
  });
});

describe('London time', () => {
  // 2026: BST from 01:00 UTC Sunday 29 March to 01:00 UTC Sunday 25 October.
  it.each([
    ['2026-01-15T12:00:00.000Z', '2026-01-15'],
    ['2026-03-28T23:59:59.999Z', '2026-03-28'],
    ['2026-03-29T00:30:00.000Z', '2026-03-29'],
    ['2026-06-30T22:59:59.999Z', '2026-06-30'],
    ['2026-06-30T23:00:00.000Z', '2026-07-01'],
    ['2026-10-24T23:30:00.000Z', '2026-10-25'],
    ['2026-10-25T23:30:00.000Z', '2026-10-25'],
    ['2026-12-31T23:59:59.999Z', '2026-12-31'],
    ['2027-01-01T00:00:00.000Z', '2027-01-01'],
  ])('londonDateOf(%s) = %s', (instant, expected) => {
    expect(londonDateOf(new Date(instant))).toBe(expected);
  });

  it.each([
    ['2026-12-01', 9, 0, '2026-12-01T09:00:00.000Z'],
    ['2026-07-01', 9, 0, '2026-07-01T08:00:00.000Z'],
    ['2026-07-01', 0, 0, '2026-06-30T23:00:00.000Z'],
    ['2026-07-01', 23, 59, '2026-07-01T22:59:00.000Z'],
    ['2026-03-29', 0, 30, '2026-03-29T00:30:00.000Z'],
    // 01:30 never happens on the spring change; it is read as 02:30 BST.
    ['2026-03-29', 1, 30, '2026-03-29T01:30:00.000Z'],
    ['2026-03-29', 2, 0, '2026-03-29T01:00:00.000Z'],
    ['2026-10-25', 0, 30, '2026-10-24T23:30:00.000Z'],
    // 01:30 happens twice on the autumn change; the earlier (BST) one is used.
    ['2026-10-25', 1, 30, '2026-10-25T00:30:00.000Z'],
    ['2026-10-25', 2, 0, '2026-10-25T02:00:00.000Z'],
    ['2027-03-28', 17, 0, '2027-03-28T16:00:00.000Z'],
    ['2027-10-31', 17, 0, '2027-10-31T17:00:00.000Z'],
  ])('londonInstantAt(%s, %i, %i) = %s', (date, hh, mm, expected) => {
    const instant = londonInstantAt(d(date), hh, mm);
    expect(instant.toISOString()).toBe(expected);
    expect(londonDateOf(instant)).toBe(date);
  });

  it.each([
    [24, 0],
    [-1, 0],
    [9.5, 0],
    [9, 60],
    [9, -1],
    [Number.NaN, 0],
  ])('londonInstantAt rejects %d:%d', (hh, mm) => {
    expectDomainError(() => londonInstantAt(d('2026-07-01'), hh, mm), 'invalid_input');
  });

  // The offset of each UTC hour is kept (local-date.ts); the date must still be Intl's own for
  // any instant: at each clock change, and where London's offset was not whole hours (local
  // mean time, until 1 December 1847).
  it('londonDateOf agrees with Intl at clock changes, in 1847 and at random instants', () => {
    const intlDate = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const instants = [
      Date.UTC(1847, 10, 30, 23, 59, 0),
      Date.UTC(1847, 11, 1, 0, 0, 0),
      Date.UTC(1847, 11, 1, 0, 1, 14, 999),
      Date.UTC(1847, 11, 1, 0, 1, 15),
      Date.UTC(1847, 10, 30, 23, 58, 45),
      Date.UTC(1847, 10, 30, 23, 58, 44, 999),
      Date.UTC(2026, 2, 29, 0, 59, 59, 999),
      Date.UTC(2026, 2, 29, 1, 0, 0),
      Date.UTC(2026, 9, 24, 23, 0, 0) - 1,
      Date.UTC(2026, 9, 24, 23, 0, 0),
      Date.UTC(2026, 9, 25, 0, 59, 59, 999),
      Date.UTC(2026, 9, 25, 1, 0, 0),
    ];
    let seed = 20261207;
    for (let i = 0; i < 2000; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      instants.push(
        Date.UTC(1800, 0, 1) + Math.floor((seed / 2147483648) * (Date.UTC(2100, 0, 1) - Date.UTC(1800, 0, 1))),
      );
    }
    for (const epochMs of instants) {
      const instant = new Date(epochMs);
      expect(londonDateOf(instant), instant.toISOString()).toBe(intlDate.format(instant));
    }
  });

  it('londonDateOf rejects an invalid Date', () => {
    expectDomainError(() => londonDateOf(new Date(Number.NaN)), 'invalid_date');
  });
});
