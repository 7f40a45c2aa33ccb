import type { ApiClient, Versioned } from './client';
import type { CaseEventsPage, CaseListPage, CaseSummary, CaseView, FrameworkDetail, ProcedureSummary } from './types';

/** The REST calls the tab makes, named after what they do (paths as in GET /api/openapi.json). */

/** Upper bound on cases the dashboard reads (pages of 500): a large provider's decade is ~10,000. */
const MAX_PAGES = 20;

export async function listAllCases(api: ApiClient): Promise<{ readonly items: CaseSummary[]; readonly today: string | undefined }> {
  const items: CaseSummary[] = [];
  let cursor: string | undefined;
  let today: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: '500', ...(cursor === undefined ? {} : { cursor }) });
    const result = await api.get<CaseListPage>(`/api/cases?${query.toString()}`);
    items.push(...result.items);
    today ??= result.today;
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return { items, today };
}

export const listProcedures = async (api: ApiClient): Promise<ProcedureSummary[]> =>
  [...(await api.get<{ items: ProcedureSummary[] }>('/api/procedures')).items];

export const getCase = (api: ApiClient, caseId: string): Promise<Versioned<CaseView>> =>
  api.getVersioned<CaseView>(`/api/cases/${encodeURIComponent(caseId)}`);

export const getCaseEvents = (api: ApiClient, caseId: string): Promise<CaseEventsPage> =>
  api.get<CaseEventsPage>(`/api/cases/${encodeURIComponent(caseId)}/events`);

export const getFramework = (api: ApiClient, frameworkId: string): Promise<FrameworkDetail> =>
  api.get<FrameworkDetail>(`/api/frameworks/${encodeURIComponent(frameworkId)}`);

export interface SignPlanBody {
  readonly role: string;
  readonly typedName: string;
}

export interface RecordReviewBody {
  readonly progress: readonly { readonly targetId: string; readonly rating: string; readonly comment?: string }[];
  readonly evidence?: string;
  readonly attendees: readonly string[];
  readonly outcomeId: string;
  readonly nextSteps?: string;
}

export const signPlan = (api: ApiClient, current: Versioned<CaseView>, body: SignPlanBody): Promise<Versioned<CaseView>> =>
  api.send<CaseView>('POST', `/api/cases/${encodeURIComponent(current.data.id)}/signatures`, body, { ifMatch: current.etag });

export const recordReview = (api: ApiClient, current: Versioned<CaseView>, body: RecordReviewBody): Promise<Versioned<CaseView>> =>
  api.send<CaseView>('POST', `/api/cases/${encodeURIComponent(current.data.id)}/reviews`, body, { ifMatch: current.etag });
