import { z } from 'zod';
import { caseEventsPage, caseView, casePage } from './cases.js';
import { CASE_COMMAND_INPUTS, CASE_COMMAND_ROUTES } from './commands.js';
import { localDate, problem } from './common.js';
import {
  caseNotificationsQuerySchema,
  listCasesQuerySchema,
  moveProcedureVersionRequest,
  openCaseRequestSchema,
  PEOPLE_SEARCH_LIMIT,
  peopleQuerySchema,
  reportQuerySchema,
} from './requests.js';
import {
  caseAccessLog,
  caseNotifications,
  clientConfig,
  failedNotifications,
  framework,
  frameworkSummary,
  health,
  ready,
  me,
  notificationRetried,
  todo,
  people,
  procedure,
  procedureSummary,
  report,
  reviewSweepJob,
} from './responses.js';
import { itemsOf } from './common.js';
import { eraseCaseRequest, retentionJob, retentionJobRequest, tombstone } from './data-protection.js';
import {
  listPlacementsQuerySchema,
  placementImportQuerySchema,
  placementImportRequest,
  placementImportResult,
  placementImportRow,
  placementPage,
  placementRow,
} from './placements.js';

/**
 * The REST API as data: every route with its request and its answers. The server parses
 * requests with these schemas (and, outside production, checks its answers against them), the
 * tab's types are inferred from them, and the OpenAPI document (openapi.ts) is generated from
 * this table, so none of the three can drift from the others.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface ResponseSpec {
  readonly description: string;
  /** A JSON body described by a schema; absent for non-JSON bodies (`contentType`) and problems. */
  readonly schema?: z.ZodType;
  /** Non-JSON bodies: 'application/pdf', 'text/html', 'text/csv'. */
  readonly contentType?: string;
  /** The answer carries the case's ETag. */
  readonly etag?: boolean;
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** OpenAPI form: `/api/cases/{caseId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** No bearer token needed. */
  readonly public?: boolean;
  readonly pathParams?: readonly string[];
  readonly query?: z.ZodObject;
  /** Every listed query parameter must be sent. */
  readonly queryRequired?: boolean;
  readonly body?: z.ZodType;
  readonly bodyRequired?: boolean;
  /** The write is conditional: `If-Match` with the case's ETag. */
  readonly ifMatch?: boolean;
  /** Status → answer. Problems (4xx/5xx) have only a description: their body is `problem`. */
  readonly responses: Readonly<Record<string, ResponseSpec>>;
}

const ok = (description: string, schema: z.ZodType, etag = false): ResponseSpec => ({ description, schema, etag });
const fails = (description: string): ResponseSpec => ({ description });

const COMMON_FAILURES = {
  '401': fails('No token, or a token that is expired, for another audience or tenant, or badly signed'),
} as const;
const CASE_NOT_FOUND = { '404': fails('No such case, or one you may not see') } as const;

const fixedRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    summary: 'Is the server up; which mode; where Graph is (local mode)',
    public: true,
    responses: { '200': ok('Up', health) },
  },
  {
    method: 'get',
    path: '/api/ready',
    operationId: 'ready',
    summary:
      'Can this instance work now: Graph answers and every Trellis list exists on the site (one Graph request, remembered for a few seconds). The platform’s readiness probe; /api/health is its liveness probe',
    public: true,
    responses: {
      '200': ok('Ready', ready),
      '503': fails(
        'Not ready: `checks` says whether Graph could not be reached or a list is missing; `Retry-After` says when to ask again',
      ),
    },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'openApi',
    summary: 'This document',
    public: true,
    responses: { '200': { description: 'OpenAPI 3.1', contentType: 'application/json' } },
  },
  {
    method: 'get',
    path: '/api/client-config',
    operationId: 'clientConfig',
    summary: 'What a browser needs to sign in (MSAL settings in tenant mode)',
    public: true,
    responses: { '200': ok('Sign-in settings', clientConfig) },
  },
  {
    method: 'get',
    path: '/api/me',
    operationId: 'me',
    summary:
      'Who you are (name, upn, app roles, course-team programmes), what the tab should offer you (`can`) and today in England',
    responses: { '200': ok('You', me), ...COMMON_FAILURES },
  },
  {
    method: 'get',
    path: '/api/me/todo',
    operationId: 'myTodo',
    summary:
      "What you need to do, soonest first: on the open cases naming you, the signatures, perceptions, reviews due or overdue and meetings coming up awaited from you; for the course team, also what waits on them on their programmes' cases. Each item names its case and the form on the case page that does it",
    responses: { '200': ok('What you need to do', todo), ...COMMON_FAILURES },
  },
  {
    method: 'get',
    path: '/api/procedures',
    operationId: 'listProcedures',
    summary: 'The procedures this server runs',
    responses: { '200': ok('Procedures', itemsOf(procedureSummary)), ...COMMON_FAILURES },
  },
  {
    method: 'get',
    path: '/api/procedures/{id}',
    operationId: 'getProcedure',
    summary: 'One procedure definition in full',
    pathParams: ['id'],
    responses: { '200': ok('The procedure', procedure), ...COMMON_FAILURES, '404': fails('No such procedure') },
  },
  {
    method: 'get',
    path: '/api/frameworks',
    operationId: 'listFrameworks',
    summary: 'The standards catalogues the procedures cite',
    responses: { '200': ok('Frameworks', itemsOf(frameworkSummary)), ...COMMON_FAILURES },
  },
  {
    method: 'get',
    path: '/api/frameworks/{id}',
    operationId: 'getFramework',
    summary: "A standards catalogue (Teachers' Standards, a provider tracker)",
    pathParams: ['id'],
    responses: { '200': ok('The framework', framework), ...COMMON_FAILURES, '404': fails('No such framework') },
  },
  {
    method: 'get',
    path: '/api/cases',
    operationId: 'listCases',
    summary: 'Cases you may see, filtered and paged; `today` is the server’s date in England',
    query: listCasesQuerySchema,
    responses: {
      '200': ok('A page of case summaries', casePage),
      '400': fails('A query parameter is not valid'),
      ...COMMON_FAILURES,
    },
  },
  {
    method: 'post',
    path: '/api/cases',
    operationId: 'openCase',
    summary: 'Open a case',
    body: openCaseRequestSchema,
    bodyRequired: true,
    responses: {
      '201': ok('The opened case', caseView, true),
      '400': fails('Malformed JSON, wrong types, unknown or missing fields'),
      ...COMMON_FAILURES,
      '403': fails(
        'You may not open this case: the course team of the programme may; staff only for a trainee whose current placement roster row names them in a role the procedure lets raise a concern; a trainee only about themselves where the procedure allows it',
      ),
      '409': fails(
        'The trainee already has an open case under this procedure (`openCase` names it), or the procedure cannot be started again for them',
      ),
      '413': fails('Body too large'),
      '415': fails('The body is not JSON'),
      '422': fails('A rule of the procedure is broken'),
    },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}',
    operationId: 'getCase',
    summary: 'A case in full, with what can be done next',
    pathParams: ['caseId'],
    responses: { '200': ok('The case', caseView, true), ...COMMON_FAILURES, ...CASE_NOT_FOUND },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}/events',
    operationId: 'getCaseEvents',
    summary: 'The event trail (in the trainee view for the trainee)',
    pathParams: ['caseId'],
    responses: { '200': ok('Events', caseEventsPage, true), ...COMMON_FAILURES, ...CASE_NOT_FOUND },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}/procedure',
    operationId: 'getCaseProcedure',
    summary:
      'The procedure definition the case follows: the version it was opened under (or was moved to), which may be older than the one new cases open under',
    pathParams: ['caseId'],
    responses: { '200': ok('The procedure', procedure), ...COMMON_FAILURES, ...CASE_NOT_FOUND },
  },
  {
    method: 'post',
    path: '/api/cases/{caseId}/procedure-version',
    operationId: 'moveProcedureVersion',
    summary:
      "Move an open case to the version of its procedure that runs now (administrators), naming it by the hash the case view shows; the event lists what changes for the case. Refused when the case's stage is not in that version",
    pathParams: ['caseId'],
    body: moveProcedureVersionRequest,
    bodyRequired: true,
    ifMatch: true,
    responses: {
      '200': ok('The case, following the version it was moved to', caseView, true),
      '400': fails('Malformed JSON, wrong types, unknown or missing fields'),
      ...COMMON_FAILURES,
      '403': fails('Only a Trellis administrator moves a case to another version'),
      ...CASE_NOT_FOUND,
      '409': fails(
        'The case is closed, already follows that version, stands on a stage that version does not have, or the procedure has changed again since',
      ),
      '412': fails('The case changed since you read it: `current` holds it now'),
      '415': fails('The body is not JSON'),
      '428': fails('If-Match is missing'),
    },
  },
  {
    method: 'post',
    path: '/api/cases/{caseId}/erase',
    operationId: 'eraseCase',
    summary:
      'Erase a case on request (administrators), open or closed: every row of it and its calendar events are deleted and a tombstone with the reason is kept. Asking again answers the same tombstone',
    pathParams: ['caseId'],
    body: eraseCaseRequest,
    bodyRequired: true,
    responses: {
      '200': ok('The tombstone left in its place', tombstone),
      '400': fails('Malformed JSON, a missing or empty reason, unknown fields'),
      ...COMMON_FAILURES,
      '403': fails('For administrators'),
      ...CASE_NOT_FOUND,
      '415': fails('The body is not JSON'),
    },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}/form',
    operationId: 'getCaseForm',
    summary: 'The form document as HTML',
    pathParams: ['caseId'],
    responses: {
      '200': { description: 'HTML', contentType: 'text/html', etag: true },
      ...COMMON_FAILURES,
      ...CASE_NOT_FOUND,
    },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}/form.pdf',
    operationId: 'getCaseFormPdf',
    summary:
      "The completed form as a PDF laid out like the provider's own paperwork; ?version=N for the form of plan version N as it was completed",
    pathParams: ['caseId'],
    query: z.strictObject({
      version: z
        .string()
        .regex(/^[1-9]\d{0,3}$/)
        .optional()
        .describe('A plan version of the case (its forms are listed by version on the case page)'),
    }),
    responses: {
      '200': { description: 'PDF', contentType: 'application/pdf' },
      '400': fails('The version is not a plan version number'),
      ...COMMON_FAILURES,
      ...CASE_NOT_FOUND,
    },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}/fee-letter.pdf',
    operationId: 'getCaseFeeLetterPdf',
    summary:
      "The course team's written confirmation to the trainee that a fee is waived, as a PDF: the case's facts (trainee, course, the decision, what is waived, who confirmed it and when) and the letter as sent. For everyone who may see the case; ?letter=N for the N-th fee waived on the case (absent: the latest)",
    pathParams: ['caseId'],
    query: z.strictObject({
      letter: z
        .string()
        .regex(/^[1-9]\d{0,1}$/)
        .optional()
        .describe('Which fee letter of the case, counting from 1 (they are listed with its forms on the case page)'),
    }),
    responses: {
      '200': { description: 'PDF', contentType: 'application/pdf' },
      '400': fails('The letter is not a number from 1'),
      ...COMMON_FAILURES,
      '404': fails('No such case visible to you, or no fee was waived on it'),
    },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}/access-log',
    operationId: 'getCaseAccessLog',
    summary:
      'Who has looked at the case (the API and tab, form PDFs, Teams cards, exports), newest first: for the course team of its programme and admins',
    pathParams: ['caseId'],
    responses: {
      '200': ok('The access log', caseAccessLog),
      ...COMMON_FAILURES,
      '403': fails('Mentors, tutors and the trainee see the case but not who looked at it'),
      ...CASE_NOT_FOUND,
    },
  },
  {
    method: 'get',
    path: '/api/trainees/{upn}/export',
    operationId: 'exportTrainee',
    summary:
      'Subject access export (application/zip): each case about the trainee as JSON (events, plan, reviews, signatures, meetings, people), each form version as a PDF, every notification sent on those cases, who looked at them, and README.txt saying what each file is. For admins (every provider), the course team (the programmes they cover) and the trainee (their own, in the trainee view: review notes and panel deliberations withheld, as README.txt says)',
    pathParams: ['upn'],
    responses: {
      '200': { description: 'The export, a zip file', contentType: 'application/zip' },
      '400': fails('The upn is not a sign-in name'),
      ...COMMON_FAILURES,
      '403': fails('Staff on the trainee’s cases who are not their course team'),
      '404': fails('No case about that trainee that you may export'),
    },
  },
  {
    method: 'get',
    path: '/api/people/{upn}/export',
    operationId: 'exportPerson',
    summary:
      'Subject access export for a member of staff named on cases (application/zip): for each case, the roles, name and address it gives them, the signatures they gave, the steps they recorded, the notifications sent to them and when they looked at it; README.txt says what each file is. For admins and the course team of those cases; anyone for themselves',
    pathParams: ['upn'],
    responses: {
      '200': { description: 'The export, a zip file', contentType: 'application/zip' },
      '400': fails('The upn is not a sign-in name'),
      ...COMMON_FAILURES,
      '403': fails('People on the same cases who are not their course team'),
      '404': fails('No case naming that person that you may export'),
    },
  },
  {
    method: 'get',
    path: '/api/notifications',
    operationId: 'listFailedNotifications',
    summary:
      'Notifications that could not be delivered, on cases of your programmes (course team): a week of failures a page, newest first (?before=YYYY-MM-DD for earlier weeks), and how many are waiting for their next automatic try',
    query: z.strictObject({ state: z.enum(['failed']).optional(), before: localDate.optional() }),
    responses: {
      '200': ok('Failed notifications', failedNotifications),
      '400': fails('Only failed notifications can be listed; before is not a date'),
      ...COMMON_FAILURES,
      '403': fails('For the course team'),
    },
  },
  {
    method: 'get',
    path: '/api/cases/{caseId}/sent-notifications',
    operationId: 'listCaseNotifications',
    summary:
      'What Trellis sent on a case: each notification, to whom, over which channel, its subject and when (newest first, 25 a page; ?search= narrows to words in the subject, recipient or kind). For the course team of its programme and administrators',
    pathParams: ['caseId'],
    query: caseNotificationsQuerySchema,
    responses: {
      '200': ok('A page of the case’s notifications', caseNotifications),
      '400': fails('page is not a whole number from 1, or search is too long'),
      ...COMMON_FAILURES,
      '403': fails('For the course team of the case’s programme'),
      ...CASE_NOT_FOUND,
    },
  },
  {
    method: 'post',
    path: '/api/notifications/{key}/retry',
    operationId: 'retryNotification',
    summary: 'Send a failed notification again (course team)',
    pathParams: ['key'],
    responses: {
      '202': ok('Queued and being sent', notificationRetried),
      ...COMMON_FAILURES,
      '403': fails('For the course team'),
      '404': fails('No such failed notification that you may see'),
      '409': fails('It is not in a state that can be retried'),
    },
  },
  {
    method: 'post',
    path: '/api/jobs/review-sweep',
    operationId: 'runReviewSweep',
    summary:
      'Run the review-due sweep now (course team; or X-Trellis-Job-Key for an external scheduler in tenant mode)',
    responses: {
      '202': ok(
        'The sweep runs in the background (or was already running, on this or another instance): its job, at the Location header',
        reviewSweepJob,
      ),
      ...COMMON_FAILURES,
      '403': fails('For the course team'),
      '409': fails('A scheduled sweep is running on some instance; ask again after Retry-After'),
    },
  },
  {
    method: 'post',
    path: '/api/jobs/retention',
    operationId: 'runRetention',
    summary:
      "Remove closed cases whose provider's retention time is up (administrators; or X-Trellis-Job-Key for an external scheduler in tenant mode): deleted, or anonymised to counts, each leaving a tombstone. With dryRun, say what would go and why and remove nothing. Also run weekly by the scheduler",
    body: retentionJobRequest,
    responses: {
      '202': ok(
        'The run goes on in the background (or was already running, on this or another instance): its job, at the Location header',
        retentionJob,
      ),
      '400': fails('Malformed JSON, wrong types or unknown fields'),
      ...COMMON_FAILURES,
      '403': fails('For administrators'),
      '409': fails('A scheduled run is going on some instance; ask again after Retry-After'),
      '415': fails('The body is not JSON'),
    },
  },
  {
    method: 'get',
    path: '/api/jobs/{jobId}',
    operationId: 'getJob',
    summary:
      'How a background job is going, and its result once finished, whichever instance runs it (jobs are kept in the store). A job whose instance stopped answering is failed once its lease has run out. Same callers as the job',
    pathParams: ['jobId'],
    responses: {
      '200': ok('The job (its `kind` says which)', z.union([reviewSweepJob, retentionJob])),
      ...COMMON_FAILURES,
      '403': fails('For the course team (a retention run: for administrators)'),
      '404': fails('No such job'),
    },
  },
  {
    method: 'get',
    path: '/api/people',
    operationId: 'searchPeople',
    summary: `People in the organisation's directory whose name has a word starting with the text, or whose email address starts with it: at most ${PEOPLE_SEARCH_LIMIT}, sorted by name. For the course team and admins, who open cases from the tab`,
    query: peopleQuerySchema,
    queryRequired: true,
    responses: {
      '200': ok('The people found', people),
      '400': fails('The search text is missing, shorter than 2 or longer than 100 characters once trimmed'),
      ...COMMON_FAILURES,
      '403': fails('Only the course team and admins look people up in the directory'),
      '503': fails('The directory is busy or unreachable; try again after Retry-After'),
    },
  },
  {
    method: 'get',
    path: '/api/reports',
    operationId: 'getReport',
    summary: 'Cohort report (course team); ?format=csv for CSV',
    query: reportQuerySchema,
    responses: {
      '200': { description: 'Report as JSON, or CSV with ?format=csv', schema: report, contentType: 'text/csv' },
      '400': fails('A query parameter is not valid'),
      ...COMMON_FAILURES,
      '403': fails('Reports are for the course team'),
    },
  },
  {
    method: 'get',
    path: '/api/placements',
    operationId: 'listPlacements',
    summary:
      'The placement roster (who mentors and tutors whom, per trainee and term) of the programmes you are course team of; paged, filtered',
    query: listPlacementsQuerySchema,
    responses: {
      '200': ok('A page of roster rows', placementPage),
      '400': fails('A query parameter is not valid'),
      ...COMMON_FAILURES,
      '403': fails('The roster is kept by the course team'),
    },
  },
  {
    method: 'post',
    path: '/api/placements/import',
    operationId: 'importPlacements',
    summary:
      'Import the placement system\'s export: `{ "csv": "…" }` (columns in the README) or `{ "rows": [...] }`. `?dryRun=true` previews every row and problem by line and writes nothing; nothing is written either while any row has a problem. Rows are keyed by trainee, programme and term start: importing again updates them',
    query: placementImportQuerySchema,
    body: placementImportRequest,
    bodyRequired: true,
    responses: {
      '200': ok('What was (or, on a dry run, would be) imported, and every problem by line', placementImportResult),
      '400': fails('Malformed JSON, wrong types, unknown or missing fields'),
      ...COMMON_FAILURES,
      '403': fails('The roster is kept by the course team'),
      '413': fails('Body too large'),
      '415': fails('The body is not JSON'),
    },
  },
  {
    method: 'put',
    path: '/api/placements/{id}',
    operationId: 'updatePlacement',
    summary:
      "Change a roster row (the CSV columns as fields); its trainee, programme and term start identify it and stay. `If-Match` with the row's ETag",
    pathParams: ['id'],
    body: placementImportRow,
    bodyRequired: true,
    ifMatch: true,
    responses: {
      '200': ok('The row as saved', placementRow, true),
      '400': fails('Wrong types, unknown or missing fields, or a value the roster cannot hold'),
      ...COMMON_FAILURES,
      '403': fails('The roster is kept by the course team'),
      '404': fails('No such row of a programme you keep'),
      '412': fails('The row changed since you read it'),
      '415': fails('The body is not JSON'),
      '428': fails('If-Match is missing'),
    },
  },
  {
    method: 'delete',
    path: '/api/placements/{id}',
    operationId: 'deletePlacement',
    summary: "Remove a roster row. `If-Match` with the row's ETag",
    pathParams: ['id'],
    ifMatch: true,
    responses: {
      '204': { description: 'Removed' },
      ...COMMON_FAILURES,
      '403': fails('The roster is kept by the course team'),
      '404': fails('No such row of a programme you keep'),
      '412': fails('The row changed since you read it'),
      '428': fails('If-Match is missing'),
    },
  },
];

/** The case command routes, under /api/cases/{caseId}. */
const commandRoutes: RouteSpec[] = CASE_COMMAND_ROUTES.map((route) => {
  const definition = CASE_COMMAND_INPUTS[route.command];
  const pathParams = route.pathParams ?? [];
  // Path parameters come from the address, never the body.
  const schema: z.ZodType = definition.schema;
  const body =
    pathParams.length > 0 && schema instanceof z.ZodObject
      ? z.strictObject(Object.fromEntries(Object.entries(schema.shape).filter(([name]) => !pathParams.includes(name))))
      : schema;
  return {
    method: route.method,
    path: `/api/cases/{caseId}${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`,
    operationId: route.command,
    summary: definition.summary,
    pathParams: ['caseId', ...pathParams],
    body,
    bodyRequired: route.command !== 'resume',
    ifMatch: true,
    responses: {
      '200': ok('The case after the change', caseView, true),
      '400': fails('Malformed JSON, wrong types, unknown or missing fields'),
      ...COMMON_FAILURES,
      '403': fails('The procedure gives this to someone else'),
      ...CASE_NOT_FOUND,
      '409': fails('Not possible in the case’s current state'),
      '412': fails(
        'The case changed since you read it (an acknowledgement alone does not count): `current` holds it now',
      ),
      '413': fails('Body too large'),
      '415': fails('The body is not JSON'),
      '422': fails('A rule of the procedure is broken'),
      '428': fails('If-Match is missing'),
    },
  };
});

export const API_ROUTES: readonly RouteSpec[] = [...fixedRoutes, ...commandRoutes];

/** The problem body every failure answers with. */
export const problemBody = problem;
