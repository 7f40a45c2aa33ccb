import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { CaseDataError } from '../domain/ports.js';
import type { Procedure } from '../domain/procedure/schema.js';
import type { PeopleDirectory } from '../domain/people-directory.js';
import { authenticate } from './auth/authenticate.js';
import type { TokenVerifier } from './auth/verify-token.js';
import { problemOf } from './http/errors.js';
import { reply, setReplyChecks, type Wire } from './http/reply.js';
import type { z } from 'zod';
import * as contract from '../contract/index.js';
import { HttpProblem, invalidRequest, notFound, PROBLEM_CONTENT_TYPE } from './http/problem.js';
import { securityHeaders } from './http/security-headers.js';
import { requestIdOf, requestIds } from './http/request-id.js';
import type { Logger } from '../app/logger.js';
import { openApiDocument } from '../contract/openapi.js';
import { APP_ERROR_CODES } from '../app/errors.js';
import { STAFF_VIEW_HIDES, TRAINEE_VIEW_HIDES } from '../app/access.js';
import { HTTP_PROBLEM_CODES } from './http/problem.js';
import { HOME_JS, TRELLIS_CSS } from './pages/assets.js';
import { homePage } from './pages/home.js';
import { privacyPage, termsPage, type Operator } from './pages/legal.js';
import { casesRouter } from './routes/cases.js';
import { dataProtectionRouter } from './routes/data-protection.js';
import { catalogueRouter } from './routes/catalogue.js';
import { meRouter } from './routes/me.js';
import { reportsRouter } from './routes/reports.js';
import { jobsRouter } from './routes/jobs.js';
import { erasureRouter, retentionJobsRouter } from './routes/retention.js';
import type { CaseRecords } from '../app/ports.js';
import type { RetentionResult } from '../app/data-protection/retention.js';
import { caseNotificationsRouter, formPdfRouter, notificationsRouter } from './routes/notifications.js';
import { peopleRouter } from './routes/people.js';
import { placementsRouter } from './routes/placements.js';
import type { BackgroundNotifier } from '../app/notifications/after-command.js';
import type { NotifyRuntime } from '../app/notifications/runtime.js';
import type { Jobs } from '../app/notifications/jobs.js';
import type { ReviewSweepResult } from '../app/notifications/review-sweep.js';
import type { UseCaseDeps } from '../app/deps.js';
import { CaseAlreadyOpenError, failureOf, InputError, StaleCaseError } from '../app/errors.js';
import { caseView, etagOf } from '../app/views/case-view.js';
import { getProcedureIn } from '../app/cases/procedures.js';
import { versionsOf } from '../app/cases/procedure-versions.js';
import { runningVersionFor } from '../app/cases/load-case.js';
import type { ReadinessProbe, ReadinessReport } from '../app/readiness.js';

/** Largest JSON body accepted; a plan with three long targets is about 20 KB. */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** Largest roster import (`{ "csv": … }`): about 10,000 rows. */
export const ROSTER_IMPORT_LIMIT_BYTES = 4 * 1024 * 1024;

export interface AppConfig {
  readonly mode: 'local' | 'tenant';
  readonly publicUrl: string;
  /** Shown by /api/health in local mode only. */
  readonly graph?: { readonly baseUrl: string; readonly siteId: string };
  /** Who runs this copy (named on /privacy and /terms); without it the pages say "the provider". */
  readonly operator?: Operator;
}

export interface AppDeps {
  readonly repository: UseCaseDeps['repository'];
  readonly placements: UseCaseDeps['placements'];
  readonly procedures: readonly Procedure[];
  readonly clock: () => Date;
  readonly verifyToken: TokenVerifier;
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Who looked: reads of cases are recorded here; absent: not recorded. */
  readonly accessLog?: UseCaseDeps['accessLog'];
  /** The procedure versions cases follow, kept in the store; absent: every case follows the running version. */
  readonly procedureVersions?: UseCaseDeps['procedureVersions'];
  /** Local mode's /dev routes; absent in tenant mode, so every /dev address is a 404 there. */
  readonly devRoutes?: Router;
  /** The built tab (`npm run build:tab` → build/tab); without it `/` is a plain page listing your cases. */
  readonly tabDir?: string;
  /** What the tab needs to sign in (MSAL settings in tenant mode). */
  readonly clientConfig?: Wire<Omit<z.input<typeof contract.clientConfig>, 'mode'>>;
  /** Notifications: the outbox and senders, and the background notifier commands report to. Absent: nothing is sent. */
  readonly notify?: {
    readonly runtime: NotifyRuntime;
    readonly background: BackgroundNotifier;
    /** Background jobs (the review sweep started from a request). */
    readonly jobs: Jobs<ReviewSweepResult>;
  };
  /** Retention and erasure (the tombstones list and the retention job); absent: those routes are not mounted. */
  readonly dataProtection?: {
    readonly records: CaseRecords;
    readonly jobs: Jobs<RetentionResult>;
    /** Deletes access-log entries past their retention, as part of each retention run. */
    readonly pruneAccessLog?: (now: Date) => Promise<{ readonly deleted: number }>;
    /** The external scheduler's key when no notification settings carry it (tests). */
    readonly jobKey?: string;
  };
  /** The bot's POST /api/messages (src/bot): it validates its own inbound tokens, so it sits before the bearer-authenticated /api. */
  readonly messages?: express.RequestHandler;
  /** GET /api/ready's check (Graph reachable, lists provisioned); absent: the route is not mounted. */
  readonly readiness?: ReadinessProbe;
  /** The people directory behind GET /api/people (the wizard's pickers); absent: that route is not mounted. */
  readonly directory?: PeopleDirectory;
  /**
   * Check every JSON answer against the wire contract before sending it (http/reply.ts). On by
   * default, so every test is a contract test; the tenant composition turns it off.
   */
  readonly checkResponses?: boolean;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? '0') > 0;
}

/** Writes carry JSON or nothing: a form post or text body is refused before any work is done. */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (
    (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') &&
    hasBody(req) &&
    !req.is(JSON_TYPES)
  ) {
    next(
      new HttpProblem(
        415,
        'unsupported_media_type',
        'The body must be JSON',
        'Send the body as JSON with "Content-Type: application/json".',
      ),
    );
    return;
  }
  next();
}

/** Errors from express.json (body-parser) by their `type`. */
function bodyParserProblem(error: unknown): HttpProblem | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const { type, status } = error as { type: unknown; status?: unknown };
  switch (type) {
    case 'entity.parse.failed':
      return new HttpProblem(
        400,
        'malformed_json',
        'The body is not valid JSON',
        'The request body could not be read as JSON. Check quotes, commas and brackets.',
      );
    case 'entity.too.large':
      return new HttpProblem(
        413,
        'payload_too_large',
        'The body is too large',
        `Request bodies are limited to ${BODY_LIMIT_BYTES / 1024} KB. Shorten the text and try again.`,
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(
        415,
        'unsupported_media_type',
        'Unsupported encoding',
        'Send the body as UTF-8 JSON without content encoding.',
      );
    default:
      return typeof status === 'number' && status >= 400 && status < 500
        ? invalidRequest('The request body could not be read.')
        : undefined;
  }
}

/**
 * express.json with every failure to read the body answered as a problem of the request: a body
 * that is not JSON, too large, in a charset or content encoding we do not read, or that does not
 * decode in the encoding it names (a "deflate" body that is not deflated fails in zlib, with no
 * body-parser `type`). Only a failure of our own (5xx) stays a server error.
 */
function jsonBody(limit: number): Router {
  const router = express.Router();
  router.use(express.json({ limit, strict: true, type: JSON_TYPES }));
  // Error middleware of this router: it sees only the parser's failures.
  router.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
    next(
      bodyParserProblem(error) ??
        (typeof status === 'number' && status >= 500
          ? error
          : invalidRequest(
              'The request body could not be read: send it as UTF-8 JSON, with no content encoding or one it is really in.',
            )),
    );
  });
  return router;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  setReplyChecks(app.locals, { enabled: deps.checkResponses !== false, logger: deps.logger });
  const useCases: UseCaseDeps = {
    repository: deps.repository,
    placements: deps.placements,
    procedures: deps.procedures,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.notify ? { notify: deps.notify.background.notify } : {}),
    ...(deps.accessLog ? { accessLog: deps.accessLog } : {}),
    ...(deps.procedureVersions ? { procedureVersions: deps.procedureVersions } : {}),
    ...(deps.dataProtection ? { records: deps.dataProtection.records } : {}),
  };

  app.use(requestIds);
  app.use(securityHeaders);
  // No API address ends in a slash or has an empty segment. Express would route /api/frameworks/
  // to /api/frameworks and answer 200 at an address the API does not have.
  app.use('/api', (req, _res, next) => {
    const address = req.originalUrl.split('?', 1)[0] ?? '';
    next(address.endsWith('/') || address.includes('//') ? nothingAt(req.method, address) : undefined);
  });

  app.get('/assets/trellis.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(TRELLIS_CSS);
  });
  app.get('/assets/home.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=300').send(HOME_JS);
  });
  // The app manifest's privacy and terms links: public pages, no sign-in.
  app.get('/privacy', (_req, res) => {
    res.type('html').set('Cache-Control', 'public, max-age=300').send(privacyPage(deps.config.operator));
  });
  app.get('/terms', (_req, res) => {
    res.type('html').set('Cache-Control', 'public, max-age=300').send(termsPage(deps.config.operator));
  });
  const tabIndex = deps.tabDir === undefined ? undefined : path.join(deps.tabDir, 'index.html');
  const hasTab = tabIndex !== undefined && existsSync(tabIndex);
  if (hasTab && deps.tabDir !== undefined) {
    // Hashed file names: safe to cache for long.
    app.use(
      '/assets',
      express.static(path.join(deps.tabDir, 'assets'), {
        index: false,
        immutable: true,
        maxAge: '365d',
        fallthrough: true,
      }),
    );
  } else {
    app.get('/', (_req, res) => {
      res.type('html').send(homePage({ mode: deps.config.mode }));
    });
  }
  app.get('/api/client-config', (_req, res) => {
    reply(res, contract.clientConfig, { mode: deps.config.mode, ...deps.clientConfig });
  });

  app.get('/api/health', (_req, res) => {
    reply(res, contract.health, {
      status: 'ok',
      mode: deps.config.mode,
      ...(deps.config.mode === 'local' && deps.config.graph ? { graph: deps.config.graph } : {}),
    });
  });
  const readiness = deps.readiness;
  if (readiness)
    app.get('/api/ready', async (_req, res) => {
      const report = await readiness.check();
      res.set('Cache-Control', 'no-store');
      if (report.ready) {
        reply(res, contract.ready, { status: 'ready', checks: { graph: 'ok', lists: 'ok' } });
        return;
      }
      throw notReady(report);
    });
  // Built when first asked for, then kept: most instances (and most test servers) never serve it.
  let openApi: ReturnType<typeof openApiDocument> | undefined;
  app.get('/api/openapi.json', (_req, res) => {
    openApi ??= openApiDocument({
      serverUrl: deps.config.publicUrl,
      problemCodes: [...HTTP_PROBLEM_CODES, ...APP_ERROR_CODES],
      traineeViewHides: TRAINEE_VIEW_HIDES,
      staffViewHides: STAFF_VIEW_HIDES,
    });
    res.json(openApi);
  });

  if (deps.messages) app.post('/api/messages', deps.messages);
  const api = express.Router();
  // Jobs authenticate for themselves (a bearer token, or an external scheduler's job key).
  const dataProtection = deps.dataProtection
    ? {
        ...useCases,
        records: deps.dataProtection.records,
        ...(deps.dataProtection.pruneAccessLog ? { pruneAccessLog: deps.dataProtection.pruneAccessLog } : {}),
      }
    : undefined;
  if (deps.dataProtection && dataProtection)
    app.use(
      '/api/jobs',
      retentionJobsRouter({
        ...dataProtection,
        jobs: deps.dataProtection.jobs,
        verifyToken: deps.verifyToken,
        requireJsonBody,
        bodyLimitBytes: BODY_LIMIT_BYTES,
        jobKey: deps.notify?.runtime.settings.jobKey ?? deps.dataProtection.jobKey,
      }),
    );
  if (deps.notify)
    app.use(
      '/api/jobs',
      jobsRouter({ ...useCases, runtime: deps.notify.runtime, jobs: deps.notify.jobs, verifyToken: deps.verifyToken }),
    );
  api.use(authenticate(deps.verifyToken));
  api.use(requireJsonBody);
  // A placement system's export runs to thousands of rows: the roster import may be larger.
  api.use('/placements/import', jsonBody(ROSTER_IMPORT_LIMIT_BYTES));
  api.use(jsonBody(BODY_LIMIT_BYTES));
  api.use(catalogueRouter(deps.procedures));
  api.use('/me', meRouter(useCases));
  api.use(formPdfRouter(useCases));
  api.use(caseNotificationsRouter({ ...useCases, outbox: deps.notify?.runtime.outbox }));
  if (deps.notify)
    api.use(notificationsRouter({ ...useCases, runtime: deps.notify.runtime, background: deps.notify.background }));
  api.use(dataProtectionRouter({ ...useCases, ...(deps.notify ? { outbox: deps.notify.runtime.outbox } : {}) }));
  if (dataProtection) api.use('/cases', erasureRouter(dataProtection));
  api.use('/cases', casesRouter(useCases, deps.directory));
  api.use('/reports', reportsRouter(useCases));
  api.use('/placements', placementsRouter(useCases));
  if (deps.directory) api.use('/people', peopleRouter({ directory: deps.directory }));
  app.use('/api', api);

  if (deps.devRoutes) app.use('/dev', deps.devRoutes);

  if (hasTab) {
    // The tab is a single-page app: any other page address (a deep link to /cases/:id) gets its shell.
    app.get(/^\/(?!api\/|dev\/|assets\/).*/, (req, res, next) => {
      if (!req.accepts('html')) {
        next();
        return;
      }
      res.set('Cache-Control', 'no-store').sendFile(tabIndex);
    });
  }

  app.use((req, _res, next) => {
    next(nothingAt(req.method, req.path));
  });

  // Express recognises an error handler by its four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(error, req, deps, useCases);
    for (const [name, value] of Object.entries(problem.headers)) res.set(name, value);
    if (res.headersSent) return;
    // The request's id, so a person can quote it and support can find the request's log lines.
    const requestId = requestIdOf(res);
    res
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...problem.toProblem(), ...(requestId === undefined ? {} : { requestId }) }));
  });

  return app;
}

/** The 404 for an address nothing answers at. */
function nothingAt(method: string, address: string): HttpProblem {
  return notFound(
    `There is nothing at ${method} ${address.slice(0, 200)}.${address.startsWith('/api') ? ' GET /api/openapi.json lists the API.' : ''}`,
  );
}

/** Seconds a platform should wait before probing readiness again. */
export const READY_RETRY_AFTER_SECONDS = 10;

/** The 503 for a failed readiness check: which check, in a sentence, and nothing internal. */
function notReady(report: Extract<ReadinessReport, { ready: false }>): HttpProblem {
  const graphFailed = report.failed === 'graph';
  return new HttpProblem(
    503,
    'service_unavailable',
    'Not ready',
    graphFailed
      ? 'Trellis cannot reach Microsoft Graph just now.'
      : 'A list Trellis stores cases in is missing on the SharePoint site: provision the lists (npm run provision).',
    { checks: { graph: graphFailed ? 'failed' : 'ok', lists: graphFailed ? 'not_checked' : 'failed' } },
    { 'Retry-After': String(READY_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' },
  );
}

function toProblem(error: unknown, req: Request, deps: AppDeps, useCases: UseCaseDeps): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const parsed = bodyParserProblem(error);
  if (parsed) return parsed;
  // The router could not decode a path segment (`/api/cases/%ZZ`).
  if (error instanceof URIError)
    return invalidRequest('The address is not valid: a part of it is not correctly percent-encoded.');
  const failure = failureOf(error);
  if (failure.code === 'invalid_request') {
    return problemOf(failure, error instanceof InputError ? { errors: error.issues } : {});
  }
  if (failure.code === 'precondition_failed' && error instanceof StaleCaseError) {
    const { current, access } = error;
    // The case was just loaded, so the version it follows is known (read from the store once).
    const procedure =
      versionsOf(useCases).knownFor(current.state) ?? getProcedureIn(useCases.procedures, current.state.procedureId);
    return problemOf(
      failure,
      { current: caseView(current, procedure, useCases.clock(), access, runningVersionFor(useCases, current)) },
      { ETag: etagOf(current.state) },
    );
  }
  if (error instanceof CaseAlreadyOpenError) {
    return problemOf(failure, { openCase: { id: error.open.id, reference: error.open.reference } });
  }
  if (failure.code === 'service_unavailable') {
    deps.logger.warn('store unavailable', { path: req.path, detail: failure.detail });
  }
  if (failure.code === 'internal_error') {
    deps.logger.error('unexpected error', {
      method: req.method,
      path: req.path,
      error: failure.detail,
      stack: error instanceof Error ? error.stack : undefined,
      ...(error instanceof CaseDataError ? { caseId: error.caseId } : {}),
    });
  }
  return problemOf(failure);
}
