export type { LocalDate } from './local-date.js';
export {
  addDays,
  addWeeks,
  addYears,
  dayOfWeek,
  daysBetween,
  formatLongDate,
  isAfter,
  isBefore,
  isLocalDate,
  localDateSchema,
  londonDateOf,
  londonInstantAt,
  parseLocalDate,
} from './local-date.js';

export {} from './bank-holidays.js';

export type { Duration, WorkingCalendar } from './working-days.js';
export {
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
