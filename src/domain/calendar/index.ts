export type { DayOfWeek, LocalDate } from './local-date.js';
export {
  DAY_NAMES,
  MONTH_NAMES,
  addDays,
  addWeeks,
  compareLocalDates,
  dayOfWeek,
  daysBetween,
  formatLongDate,
  fromDayNumber,
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

export type { BankHoliday } from './bank-holidays.js';
export {
  easterSunday,
  englandAndWalesBankHolidayDates,
  englandAndWalesBankHolidays,
  findEnglandAndWalesBankHoliday,
  isEnglandAndWalesBankHoliday,
} from './bank-holidays.js';

export type {
  ClosureInput,
  Duration,
  DurationUnit,
  NonWorkingReason,
  SkippedDay,
  WindowExplanation,
  WorkingCalendar,
} from './working-days.js';
export {
  DEFAULT_CLOSURE_REASON,
  DURATION_UNITS,
  MAX_CLOSURE_RANGE_DAYS,
  MAX_DURATION_AMOUNT,
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
