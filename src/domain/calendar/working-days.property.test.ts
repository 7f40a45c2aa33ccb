import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocalDate } from './local-date.js';
import {
  addDays,
  dayOfWeek,
  daysBetween,
  formatLongDate,
  fromDayNumber,
  isLocalDate,
  londonDateOf,
  londonInstantAt,
  parseLocalDate,
  toDayNumber,
} from './local-date.js';
import type { WorkingCalendar } from './working-days.js';
import {
  addWorkingDays,
  explainWindow,
  isWorkingDay,
  makeWorkingCalendar,
  nonWorkingReason,
  workingDaysBetween,
} from './working-days.js';

const FIRST = parseLocalDate('1990-01-01');
const LAST = parseLocalDate('2100-12-31');
const SPAN = daysBetween(FIRST, LAST);

const dateArb = fc.integer({ min: 0, max: SPAN }).map((offset) => addDays(FIRST, offset));
// Bank holidays are most interesting where the one-offs are, so bias towards 2018–2031.
const recentDateArb = fc
  .integer({ min: 0, max: daysBetween(parseLocalDate('2018-01-01'), parseLocalDate('2031-12-31')) })
  .map((offset) => addDays(parseLocalDate('2018-01-01'), offset));

const closureArb = fc
  .tuple(recentDateArb, fc.integer({ min: 0, max: 20 }), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }))
  .map(([from, length, reason]) => ({ from, to: addDays(from, length), reason }));
const calendarArb: fc.Arbitrary<WorkingCalendar> = fc
  .array(closureArb, { maxLength: 4 })
  .map((closures) => makeWorkingCalendar({ closures }));

describe('working-day properties', () => {
  it('addWorkingDays lands on a working day for n ≥ 1', () => {
    fc.assert(
      fc.property(calendarArb, recentDateArb, fc.integer({ min: 1, max: 60 }), (cal, start, n) => {
        expect(isWorkingDay(cal, addWorkingDays(cal, start, n))).toBe(true);
      }),
    );
  });

  it('workingDaysBetween inverts addWorkingDays', () => {
    fc.assert(
      fc.property(calendarArb, recentDateArb, fc.integer({ min: 0, max: 60 }), (cal, start, n) => {
        expect(workingDaysBetween(cal, start, addWorkingDays(cal, start, n))).toBe(n);
      }),
    );
  });

  it('addWorkingDays is monotonic and adding in two steps equals adding at once', () => {
    fc.assert(
      fc.property(
        calendarArb,
        recentDateArb,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        (cal, start, a, b) => {
          const once = addWorkingDays(cal, start, a + b);
          expect(addWorkingDays(cal, addWorkingDays(cal, start, a), b)).toBe(once);
          expect(daysBetween(start, once)).toBeGreaterThanOrEqual(a + b);
        },
      ),
    );
  });

  it('explainWindow accounts for every day in a working-day window', () => {
    fc.assert(
      fc.property(calendarArb, recentDateArb, fc.integer({ min: 1, max: 40 }), (cal, start, amount) => {
        const window = explainWindow(cal, start, { amount, unit: 'working_days' });
        // Every day after start up to end is either counted or explained as skipped.
        expect(window.skipped.length + amount).toBe(daysBetween(start, window.end));
        for (const day of window.skipped) expect(nonWorkingReason(cal, day.date)).toEqual(day.reason);
      }),
    );
  });
});

describe('local-date properties', () => {
  it('addDays and daysBetween round-trip', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -50_000, max: 50_000 }), (start, n) => {
        const moved = addDays(start, n);
        expect(daysBetween(start, moved)).toBe(n);
        expect(addDays(moved, -n)).toBe(start);
      }),
    );
  });

  it('parse(format) round-trips for every date from 1990 to 2100, agreeing with an independent oracle', () => {
    // Exhaustive rather than sampled: about 40,000 dates, and the oracle is Date's own UTC calendar.
    const firstMs = Date.UTC(1990, 0, 1);
    for (let offset = 0; offset <= SPAN; offset += 1) {
      const oracle = new Date(firstMs + offset * 86_400_000);
      const iso = oracle.toISOString().slice(0, 10);
      const date = fromDayNumber(toDayNumber(FIRST) + offset);
      if (date !== iso || parseLocalDate(date) !== date || daysBetween(FIRST, date) !== offset) {
        expect({ offset, date, parsed: parseLocalDate(date) }).toEqual({ offset, date: iso, parsed: iso });
      }
      // getUTCDay: 0 = Sunday; dayOfWeek: 7 = Sunday.
      if (dayOfWeek(date) % 7 !== oracle.getUTCDay()) {
        expect({ date, dayOfWeek: dayOfWeek(date) % 7 }).toEqual({ date, dayOfWeek: oracle.getUTCDay() });
      }
    }
  });

  it('formatLongDate names the right weekday, day, month and year', () => {
    // Written out here rather than imported, so a typo in the module's tables is caught.
    const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    const months = 'January February March April May June July August September October November December'.split(' ');
    fc.assert(
      fc.property(dateArb, (date) => {
        const oracle = new Date(`${date}T12:00:00Z`);
        const expected = [
          weekdays[oracle.getUTCDay()],
          oracle.getUTCDate(),
          months[oracle.getUTCMonth()],
          oracle.getUTCFullYear(),
        ].join(' ');
        expect(formatLongDate(date)).toBe(expected);
      }),
    );
  });

  it('isLocalDate accepts exactly what parseLocalDate accepts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc
            .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
            .map(
              ([y, m, day]) =>
                `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
            ),
        ),
        (value) => {
          let parsed: LocalDate | undefined;
          try {
            parsed = parseLocalDate(value);
          } catch {
            parsed = undefined;
          }
          expect(isLocalDate(value)).toBe(parsed !== undefined);
          if (parsed !== undefined) expect(parsed).toBe(value);
        },
      ),
    );
  });

  it('londonInstantAt gives an instant on the same London date', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (date, hh, mm) => {
        expect(londonDateOf(londonInstantAt(date, hh, mm))).toBe(date);
      }),
    );
  });
});
