import type { z } from 'zod';
import type {
  caseAccessLog,
  caseEvent,
  caseEventsPage,
  caseNotifications,
  casePage,
  caseSummary,
  caseView,
  clientConfig,
  failedNotifications,
  framework,
  frameworkLink,
  me,
  panelView,
  plan,
  procedureSummary,
  report,
  reviewSweepJob,
  signature,
  todo,
  tombstone,
} from '../../contract/index.js';
import type {
  placementImportResult,
  placementImportRow,
  placementPage,
  placementRow,
} from '../../contract/placements.js';
import { CASE_STATUSES, PROGRESS_RATINGS } from '../../domain/case/types.js';

export { CASE_STATUSES, PROGRESS_RATINGS };
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type ProgressRating = (typeof PROGRESS_RATINGS)[number];

export type CaseSummary = z.output<typeof caseSummary>;
export type CaseListPage = z.output<typeof casePage>;
export type ProcedureSummary = z.output<typeof procedureSummary>;
export type FrameworkLink = z.output<typeof frameworkLink>;
export type Signature = z.output<typeof signature>;
export type Plan = z.output<typeof plan>;
export type PanelView = z.output<typeof panelView>;
export type CaseView = z.output<typeof caseView>;
export type AvailablePanel = CaseView['derived']['panels'][number];
export type CaseEvent = z.output<typeof caseEvent>;
export type CaseEventsPage = z.output<typeof caseEventsPage>;
export type FrameworkDetail = z.input<typeof framework>;
export type ClientConfig = z.output<typeof clientConfig>;
export type Me = z.output<typeof me>;
export type Report = z.output<typeof report>;
export type FailedNotifications = z.output<typeof failedNotifications>;
export type FailedNotification = FailedNotifications['items'][number];
export type CaseNotifications = z.output<typeof caseNotifications>;
export type ReviewSweepJob = z.output<typeof reviewSweepJob>;
export type SweepResult = NonNullable<ReviewSweepJob['result']>;
export type CaseAccessLog = z.output<typeof caseAccessLog>;
export type Tombstone = z.output<typeof tombstone>;
export type Todo = z.output<typeof todo>;
export type TodoItem = Todo['items'][number];
export type NextStep = CaseView['derived']['nextSteps'][number];
export type PlacementRow = z.output<typeof placementRow>;
export type PlacementPage = z.output<typeof placementPage>;
export type PlacementImportResult = z.output<typeof placementImportResult>;
/** A roster row as an import or an edit sends it: the CSV columns as fields. */
export type PlacementInput = z.input<typeof placementImportRow>;
