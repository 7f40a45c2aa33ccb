import type { Procedure } from '../../domain/procedure/schema';
import type { ApiClient, Download, Versioned } from './client';
import type {
  CaseEventsPage,
  CaseListPage,
  CaseSummary,
  CaseView,
  FrameworkDetail,
  Me,
  PlacementPage,
  Plan,
  ProcedureSummary,
  Report,
  Todo,
} from './types';

/** The REST calls the tab makes, named after what they do (paths as in GET /api/openapi.json). */

/** Upper bound on cases the dashboard reads (pages of 500): a large provider's decade is ~10,000. */
const MAX_PAGES = 20;

export async function listAllCases(
  api: ApiClient,
): Promise<{ readonly items: CaseSummary[]; readonly today: string | undefined }> {
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

export const listProcedures = async (api: ApiClient): Promise<ProcedureSummary[]> => [
  ...(await api.get<{ items: ProcedureSummary[] }>('/api/procedures')).items,
];

export const getCase = (api: ApiClient, caseId: string): Promise<Versioned<CaseView>> =>
  api.getVersioned<CaseView>(`/api/cases/${encodeURIComponent(caseId)}`);

export const getCaseEvents = (api: ApiClient, caseId: string): Promise<CaseEventsPage> =>
  api.get<CaseEventsPage>(`/api/cases/${encodeURIComponent(caseId)}/events`);

/** The placement roster rows of one trainee (by sign-in name), as the course team may read them. */
export const listTraineePlacements = async (api: ApiClient, traineeId: string): Promise<PlacementPage['items']> =>
  (await api.get<PlacementPage>(`/api/placements?${new URLSearchParams({ search: traineeId }).toString()}`)).items;

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
  /** A group's decision: its members and whether each attended. */
  readonly members?: readonly { readonly name: string; readonly role?: string; readonly attended: boolean }[];
  /** An outcome that opens a linked case: the targets it carries. */
  readonly linkedCaseTargets?: readonly { readonly text: string }[];
}

export const signPlan = (
  api: ApiClient,
  current: Versioned<CaseView>,
  body: SignPlanBody,
): Promise<Versioned<CaseView>> =>
  api.send<CaseView>('POST', `/api/cases/${encodeURIComponent(current.data.id)}/signatures`, body, {
    ifMatch: current.etag,
  });

export const recordReview = (
  api: ApiClient,
  current: Versioned<CaseView>,
  body: RecordReviewBody,
): Promise<Versioned<CaseView>> =>
  api.send<CaseView>('POST', `/api/cases/${encodeURIComponent(current.data.id)}/reviews`, body, {
    ifMatch: current.etag,
  });

export const getMe = (api: ApiClient): Promise<Me> => api.get<Me>('/api/me');

/** What the signed-in person needs to do, soonest first (the home's first list). */
export const getTodo = (api: ApiClient): Promise<Todo> => api.get<Todo>('/api/me/todo');

/** A procedure definition in full: the provider's roles, reasons, stages and their limits. */
export type ProcedureDefinition = Procedure;

export const getProcedure = (api: ApiClient, procedureId: string): Promise<ProcedureDefinition> =>
  api.get<ProcedureDefinition>(`/api/procedures/${encodeURIComponent(procedureId)}`);

/** The version of its procedure a case follows (which may be older than the one new cases open under). */
export const getCaseProcedure = (api: ApiClient, caseId: string): Promise<ProcedureDefinition> =>
  api.get<ProcedureDefinition>(`/api/cases/${encodeURIComponent(caseId)}/procedure`);

export interface OpenCaseBody {
  readonly procedureId: string;
  readonly reference: string;
  readonly reasons: readonly string[];
  readonly people: readonly {
    readonly role: string;
    readonly id: string;
    readonly name: string;
    readonly email: string;
  }[];
  readonly placement: {
    readonly school: string;
    readonly programme: string;
    readonly subject?: string;
    readonly phase?: string;
    readonly startsOn?: string;
    readonly endsOn?: string;
    /** The school office or headteacher, where the school is sent what the procedure says it is told. */
    readonly schoolContactEmail?: string;
  };
  /** A second case for the trainee under a procedure that allows one only on its listed grounds. */
  readonly reinitiation?: { readonly groundId: string; readonly evidence?: string };
  /** What the concern is, in the words of a trainee raising their own: it starts the plan's statement of concern. */
  readonly concern?: string;
}

/** POST /api/cases is not conditional (a new case has no version); the answer carries the first ETag. */
export const openCase = (api: ApiClient, body: OpenCaseBody): Promise<Versioned<CaseView>> =>
  api.send<CaseView>('POST', '/api/cases', body, { ifMatch: undefined });

export interface PlanBody {
  readonly concerns: readonly {
    readonly text: string;
    readonly links: readonly { readonly frameworkId: string; readonly code: string }[];
  }[];
  readonly targets: readonly {
    readonly id?: string;
    readonly text: string;
    readonly links: readonly { readonly frameworkId: string; readonly code: string }[];
    readonly actions: readonly { readonly party: string; readonly text: string }[];
    readonly successCriteria?: string;
    readonly timescale?: string;
    readonly supportRequired?: string;
    readonly monitoring?: string;
    readonly observationFocus?: boolean;
  }[];
  readonly reviewDate?: string;
  readonly concernStatement?: string;
  readonly trainingNeeds?: string;
  readonly supportMeasures?: readonly string[];
  /** The plan meeting as recorded; sent back unchanged when editing so saving does not erase it. */
  readonly meeting?: Plan['content']['meeting'];
}

export const savePlan = (
  api: ApiClient,
  current: Versioned<CaseView>,
  plan: PlanBody,
  withdrawSignatures = false,
): Promise<Versioned<CaseView>> =>
  api.send<CaseView>(
    'PUT',
    `/api/cases/${encodeURIComponent(current.data.id)}/plan`,
    { plan, withdrawSignatures },
    { ifMatch: current.etag },
  );

/** Any other case command, by its route under /api/cases/{id} (CASE_COMMAND_ROUTES on the server). */
export const runCaseCommand = (
  api: ApiClient,
  current: Versioned<CaseView>,
  path: string,
  body: unknown,
): Promise<Versioned<CaseView>> =>
  api.send<CaseView>('POST', `/api/cases/${encodeURIComponent(current.data.id)}${path}`, body, {
    ifMatch: current.etag,
  });

export const getReport = (
  api: ApiClient,
  query: { readonly from?: string; readonly to?: string; readonly programme?: string; readonly procedure?: string },
): Promise<Report> => {
  const params = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
  const qs = params.toString();
  return api.get<Report>(`/api/reports${qs === '' ? '' : `?${qs}`}`);
};

/** The form as it now is, or (with `version`) the form of that plan version as it was completed. */
export const downloadFormPdf = (api: ApiClient, caseId: string, version?: number): Promise<Download> =>
  api.download(
    `/api/cases/${encodeURIComponent(caseId)}/form.pdf${version === undefined ? '' : `?version=${String(version)}`}`,
    'application/pdf',
  );

/** The course team's letter confirming a fee is waived: the `letter`-th of the case's (counting from 1). */
export const downloadFeeLetterPdf = (api: ApiClient, caseId: string, letter: number): Promise<Download> =>
  api.download(`/api/cases/${encodeURIComponent(caseId)}/fee-letter.pdf?letter=${String(letter)}`, 'application/pdf');
