import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';

/**
 * "Today" for the tab tests in local mode: Monday 23 November 2026, 10:00 in London (the day the
 * API tests use). The demo cases are dated in working days from today and the dashboard's "due
 * this week" runs from today to Sunday, so on a real Thursday to Sunday (or around a bank
 * holiday) the demo review two working days ahead falls next week and the counts change with
 * the weekday; pinned, the tests and the screenshots are the same on every day of the year.
 * It is set on local mode's dev clock, which moves "today" for the procedures and nothing else:
 * sign-in tokens still age in real time, as the browser checks them.
 */
export const TAB_TODAY = parseLocalDate('2026-11-23');
export const TAB_NOW = londonInstantAt(TAB_TODAY, 10, 0);
