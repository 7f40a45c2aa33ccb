import { afterEach, describe, expect, it } from 'vitest';
import type { DomainErrorCode } from '../errors.js';
import { isDomainError } from '../errors.js';
import { parseLocalDate } from './local-date.js';
import type { Duration, DurationUnit, NonWorkingReason } from './working-days.js';
import {
  addDuration,
  addWorkingDays,
  describeDuration,
  describeNonWorkingReason,
  durationSchema,
  explainWindow,
  isWorkingDay,
  makeWorkingCalendar,
  nextWorkingDay,
  nonWorkingReason,
  workingDaysBetween,
} from './working-days.js';

const d = parseLocalDate;
const plain = makeWorkingCalendar();
const shutdown = makeWorkingCalendar({
  closures: [{ from: d('2026-12-21'), to: d('2027-01-01'), reason: 'Christmas shutdown' }],
});

function expectDomainError(fn: () => unknown, code: DomainErrorCode): void {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  if (!isDomainError(error)) throw new Error(`expected a DomainError, got ${String(error)}`);
  expect(error.code).toBe(code);
}

function skippedAsText(cal: typeof plain, start: string, duration: Duration): string[] {
  return explainWindow(cal, d(start), duration).skipped.map(
    (day) => `${day.date} ${describeNonWorkingReason(day.reason)}`,
  );
}

describe('makeWorkingCalendar', () => {
  it('expands ranges and single days into closure days', () => {
    const cal = makeWorkingCalendar({
      closures: [{ from: d('2026-12-30'), to: d('2027-01-02') }, d('2027-02-15')],
    });
    expect([...cal.closureDays]).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-02-15']);
  });

  it('keeps the first reason where closures overlap', () => {
    const cal = makeWorkingCalendar({
      closures: [
        { from: d('2027-02-15'), to: d('2027-02-16'), reason: 'Half term' },
        { from: d('2027-02-16'), to: d('2027-02-17'), reason: 'Training days' },
      ],
    });
    expect(nonWorkingReason(cal, d('2027-02-16'))).toEqual({ closure: 'Half term' });
    expect(nonWorkingReason(cal, d('2027-02-17'))).toEqual({ closure: 'Training days' });
  });

  it.each([
    ['a range that ends before it starts', { from: d('2027-01-02'), to: d('2027-01-01') }],
    ['a range longer than a year', { from: d('2026-01-01'), to: d('2027-01-02') }],
    ['a malformed date', { from: '2027-02-30' as ReturnType<typeof d>, to: d('2027-03-01') }],
  ])('rejects %s', (_label, closure) => {
    expectDomainError(() => makeWorkingCalendar({ closures: [closure] }), 'invalid_input');
  });
});

describe('nonWorkingReason and isWorkingDay', () => {
  const cal = makeWorkingCalendar({
    closures: [
      { from: d('2026-12-21'), to: d('2026-12-31'), reason: 'Christmas shutdown' },
      d('2027-02-15'),
      { from: d('2027-02-16'), to: d('2027-02-16'), reason: '   ' },
    ],
  });

  it.each<[string, NonWorkingReason | undefined, string | undefined]>([
    ['2026-12-18', undefined, undefined],
    ['2026-12-19', 'weekend', 'weekend'],
    ['2026-12-20', 'weekend', 'weekend'],
    ['2026-12-22', { closure: 'Christmas shutdown' }, 'Christmas shutdown (provider closure)'],
    // Closure on a bank holiday or a weekend: the more general reason is given.
    ['2026-12-25', { bankHoliday: 'Christmas Day' }, 'Christmas Day (bank holiday)'],
    ['2026-12-26', 'weekend', 'weekend'],
    ['2026-12-28', { bankHoliday: 'Boxing Day (substitute day)' }, 'Boxing Day (substitute day) (bank holiday)'],
    ['2027-01-01', { bankHoliday: "New Year's Day" }, "New Year's Day (bank holiday)"],
    ['2027-01-04', undefined, undefined],
    ['2027-02-15', { closure: 'Provider closure' }, 'provider closure'],
    ['2027-02-16', { closure: 'Provider closure' }, 'provider closure'],
  ])('%s', (date, reason, text) => {
    expect(nonWorkingReason(cal, d(date))).toEqual(reason);
    expect(isWorkingDay(cal, d(date))).toBe(reason === undefined);
    if (reason !== undefined) expect(describeNonWorkingReason(reason)).toBe(text);
  });

  it('treats bank holidays as closed even with no provider closures', () => {
    expect(isWorkingDay(plain, d('2026-08-31'))).toBe(false);
    expect(isWorkingDay(plain, d('2026-09-01'))).toBe(true);
  });
});

describe('nextWorkingDay', () => {
  it.each([
    ['2026-04-02', '2026-04-07'], // Thursday before Easter
    ['2026-04-07', '2026-04-08'],
    ['2026-05-01', '2026-05-05'], // Friday before the Early May bank holiday
    ['2026-12-24', '2026-12-29'], // Christmas Friday, weekend, Boxing Day substitute Monday
    ['2026-04-04', '2026-04-07'], // from a non-working day
  ])('after %s comes %s', (date, expected) => {
    expect(nextWorkingDay(plain, d(date))).toBe(expected);
  });

  it('skips a provider closure', () => {
    expect(nextWorkingDay(shutdown, d('2026-12-18'))).toBe('2027-01-04');
  });
});

describe('addWorkingDays and workingDaysBetween', () => {
  it.each([
    // Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    ['plain', '2026-04-02', 3, '2026-04-09'],
    // Christmas 2026: Friday 25, substitute Boxing Day Monday 28, New Year Friday 1 January.
    ['plain', '2026-12-17', 10, '2027-01-05'],
    // Christmas 2027 falls on a Saturday: substitute days Monday 27 and Tuesday 28.
    ['plain', '2027-12-22', 5, '2027-12-31'],
    // BST starts 29 March 2026 and ends 25 October 2026: dates must not shift.
    ['plain', '2026-03-27', 2, '2026-03-31'],
    ['plain', '2026-10-23', 1, '2026-10-26'],
    ['plain', '2026-03-20', 10, '2026-04-07'], // across BST and then Easter
    ['shutdown', '2026-12-17', 10, '2027-01-14'],
    ['shutdown', '2026-12-17', 1, '2026-12-18'],
    ['plain', '2026-04-04', 0, '2026-04-04'], // n = 0 returns start, even on a weekend
    ['plain', '2026-06-10', 0, '2026-06-10'],
    ['plain', '2026-04-04', 1, '2026-04-07'],
  ] as const)('%s: %s + %i working days = %s', (calName, start, n, expected) => {
    const cal = calName === 'plain' ? plain : shutdown;
    expect(addWorkingDays(cal, d(start), n)).toBe(expected);
    expect(workingDaysBetween(cal, d(start), d(expected))).toBe(n);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects n = %d as invalid input', (n) => {
    expectDomainError(() => addWorkingDays(plain, d('2026-01-05'), n), 'invalid_input');
  });

  it.each([
    ['2026-04-09', '2026-04-02', 0], // to before from
    ['2026-04-02', '2026-04-02', 0],
    ['2026-04-03', '2026-04-06', 0], // Easter weekend only
    ['2026-04-02', '2026-04-03', 0],
    ['2026-04-06', '2026-04-07', 1],
    ['2026-01-01', '2026-12-31', 253], // 260 weekdays after 1 January, less 7 bank holidays
  ])('workingDaysBetween(%s, %s) = %i', (from, to, expected) => {
    expect(workingDaysBetween(plain, d(from), d(to))).toBe(expected);
  });
});

describe('durations', () => {
  it.each<[string, number, DurationUnit, string, string]>([
    ['2026-12-17', 10, 'working_days', '2027-01-05', '10 working days'],
    ['2026-12-17', 1, 'working_days', '2026-12-18', '1 working day'],
    ['2026-12-17', 4, 'weeks', '2027-01-14', '4 weeks'],
    ['2026-03-25', 1, 'weeks', '2026-04-01', '1 week'],
    ['2026-12-17', 14, 'calendar_days', '2026-12-31', '14 days'],
    ['2026-12-24', 1, 'calendar_days', '2026-12-25', '1 day'], // calendar windows may end on a holiday
  ])('%s + %i %s = %s (%s)', (start, amount, unit, expected, text) => {
    const duration = { amount, unit };
    expect(addDuration(plain, d(start), duration)).toBe(expected);
    expect(describeDuration(duration)).toBe(text);
  });

  it.each([
    { amount: 0, unit: 'working_days' },
    { amount: -3, unit: 'weeks' },
    { amount: 2.5, unit: 'calendar_days' },
    { amount: Number.NaN, unit: 'working_days' },
    { amount: 3, unit: 'months' },
  ])('rejects %j as invalid input', (duration) => {
    const bad = duration as Duration;
    expectDomainError(() => addDuration(plain, d('2026-01-05'), bad), 'invalid_input');
    expectDomainError(() => describeDuration(bad), 'invalid_input');
    expectDomainError(() => explainWindow(plain, d('2026-01-05'), bad), 'invalid_input');
    expect(durationSchema.safeParse(duration).success).toBe(false);
  });

  it('durationSchema accepts every unit with a positive whole amount', () => {
    for (const unit of ['working_days', 'calendar_days', 'weeks']) {
      expect(durationSchema.parse({ amount: 10, unit })).toEqual({ amount: 10, unit });
    }
    expect(durationSchema.safeParse({ amount: '10', unit: 'weeks' }).success).toBe(false);
  });
});

describe('explainWindow', () => {
  it('lists the Easter weekend', () => {
    expect(explainWindow(plain, d('2026-04-02'), { amount: 3, unit: 'working_days' })).toEqual({
      start: '2026-04-02',
      end: '2026-04-09',
      skipped: [
        { date: '2026-04-03', reason: { bankHoliday: 'Good Friday' } },
        { date: '2026-04-04', reason: 'weekend' },
        { date: '2026-04-05', reason: 'weekend' },
        { date: '2026-04-06', reason: { bankHoliday: 'Easter Monday' } },
      ],
    });
  });

  it('lists Christmas, the substitute Boxing Day and New Year', () => {
    expect(skippedAsText(plain, '2026-12-17', { amount: 10, unit: 'working_days' })).toEqual([
      '2026-12-19 weekend',
      '2026-12-20 weekend',
      '2026-12-25 Christmas Day (bank holiday)',
      '2026-12-26 weekend',
      '2026-12-27 weekend',
      '2026-12-28 Boxing Day (substitute day) (bank holiday)',
      "2027-01-01 New Year's Day (bank holiday)",
      '2027-01-02 weekend',
      '2027-01-03 weekend',
    ]);
  });

  it('lists a provider closure range alongside the bank holidays inside it', () => {
    const window = explainWindow(shutdown, d('2026-12-17'), { amount: 10, unit: 'working_days' });
    expect(window.end).toBe('2027-01-14');
    expect(window.skipped.map((day) => `${day.date} ${describeNonWorkingReason(day.reason)}`)).toEqual([
      '2026-12-19 weekend',
      '2026-12-20 weekend',
      '2026-12-21 Christmas shutdown (provider closure)',
      '2026-12-22 Christmas shutdown (provider closure)',
      '2026-12-23 Christmas shutdown (provider closure)',
      '2026-12-24 Christmas shutdown (provider closure)',
      '2026-12-25 Christmas Day (bank holiday)',
      '2026-12-26 weekend',
      '2026-12-27 weekend',
      '2026-12-28 Boxing Day (substitute day) (bank holiday)',
      '2026-12-29 Christmas shutdown (provider closure)',
      '2026-12-30 Christmas shutdown (provider closure)',
      '2026-12-31 Christmas shutdown (provider closure)',
      "2027-01-01 New Year's Day (bank holiday)",
      '2027-01-02 weekend',
      '2027-01-03 weekend',
      '2027-01-09 weekend',
      '2027-01-10 weekend',
    ]);
  });

  it('skips nothing across a BST change when there are no holidays', () => {
    expect(explainWindow(plain, d('2026-10-22'), { amount: 2, unit: 'working_days' })).toEqual({
      start: '2026-10-22',
      end: '2026-10-26',
      skipped: [
        { date: '2026-10-24', reason: 'weekend' },
        { date: '2026-10-25', reason: 'weekend' },
      ],
    });
  });

  it('skips nothing for calendar-day and week windows', () => {
    expect(explainWindow(plain, d('2026-12-17'), { amount: 14, unit: 'calendar_days' })).toEqual({
      start: '2026-12-17',
      end: '2026-12-31',
      skipped: [],
    });
    expect(explainWindow(plain, d('2026-12-17'), { amount: 4, unit: 'weeks' }).skipped).toEqual([]);
  });
});

describe('host time zone independence', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    // Assigning undefined to process.env would store the string "undefined".
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it.each(['Europe/London', 'Pacific/Kiritimati', 'America/Los_Angeles'])('gives the same answers with TZ=%s', (tz) => {
    process.env.TZ = tz;
    expect(addWorkingDays(plain, d('2026-03-27'), 2)).toBe('2026-03-31');
    expect(addWorkingDays(plain, d('2026-10-23'), 1)).toBe('2026-10-26');
    expect(addDuration(plain, d('2026-03-25'), { amount: 1, unit: 'weeks' })).toBe('2026-04-01');
    expect(workingDaysBetween(plain, d('2026-01-01'), d('2026-12-31'))).toBe(253);
  });
});
