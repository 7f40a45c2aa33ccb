import type { z } from 'zod';
import type {
  caseEvent,
  caseEventsPage,
  casePage,
  caseSummary,
  caseView,
  clientConfig,
  framework,
  frameworkLink,
  me,
  outcomeView,
  panelView,
  plan,
  procedureSummary,
  report,
  review,
  signature,
  target,
} from '../../contract/index.js';
import { CASE_STATUSES, PROGRESS_RATINGS } from '../../domain/case/types.js';

/**
 * The shapes the REST API returns, as the tab reads them: inferred from the wire contract
 * (src/contract), the same schemas the server checks its answers against and the OpenAPI
 * document is generated from. Nothing here is written by hand, so the tab cannot drift from
 * the server.
 */
export type LocalDate = string;

export { CASE_STATUSES, PROGRESS_RATINGS };
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type ProgressRating = (typeof PROGRESS_RATINGS)[number];

export type CaseSummary = z.output<typeof caseSummary>;
export type CaseListPage = z.output<typeof casePage>;
export type ProcedureSummary = z.output<typeof procedureSummary>;
export type FrameworkLink = z.output<typeof frameworkLink>;
export type Target = z.output<typeof target>;
export type Signature = z.output<typeof signature>;
export type Plan = z.output<typeof plan>;
export type PanelView = z.output<typeof panelView>;
export type OutcomeView = z.output<typeof outcomeView>;
export type Review = z.output<typeof review>;
export type CaseView = z.output<typeof caseView>;
export type AvailablePanel = CaseView['derived']['panels'][number];
export type RoleRef = CaseView['reasons'][number];
export type CaseEvent = z.output<typeof caseEvent>;
export type CaseEventsPage = z.output<typeof caseEventsPage>;
export type FrameworkDetail = z.input<typeof framework>;
export type ClientConfig = z.output<typeof clientConfig>;
export type Me = z.output<typeof me>;
export type Report = z.output<typeof report>;
