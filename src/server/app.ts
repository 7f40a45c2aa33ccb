import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isDomainError } from '../domain/errors.js';
import { CaseDataError } from '../domain/ports.js';
import type { Procedure } from '../domain/procedure/schema.js';
import type { PeopleDirectory } from '../domain/people-directory.js';
import { failureFromError, isGraphStoreError, toGraphStoreError } from '../store/graph/errors.js';
import { authenticate } from './auth/authenticate.js';
import type { TokenVerifier } from './auth/verify-token.js';
import { problemFromDomainError } from './http/domain-errors.js';
import { HttpProblem, invalidRequest, notFound, PROBLEM_CONTENT_TYPE } from './http/problem.js';
import { securityHeaders } from './http/security-headers.js';
import type { Logger } from './logger.js';
import { openApiDocument } from './openapi.js';
import { HOME_JS, TRELLIS_CSS } from './pages/assets.js';
import { homePage } from './pages/home.js';
import { privacyPage, termsPage, type Operator } from './pages/legal.js';
import { casesRouter } from './routes/cases.js';
import { catalogueRouter } from './routes/catalogue.js';
import { meRouter } from './routes/me.js';
import { reportsRouter } from './routes/reports.js';
import { jobsRouter } from './routes/jobs.js';
import { formPdfRouter, notificationsRouter } from './routes/notifications.js';
import { peopleRouter } from './routes/people.js';
import type { BackgroundNotifier } from './use-cases/notify-after-command.js';
import type { NotifyRuntime } from './use-cases/notify-runtime.js';
import type { UseCaseDeps } from './use-cases/deps.js';
import { CaseNotFoundError, InputError, StaleCaseError } from './use-cases/errors.js';
import { ReportNotAllowedError } from './use-cases/get-report.js';
import { PeopleSearchNotAllowedError } from './use-cases/search-people.js';
import { caseView, etagOf } from './views/case-view.js';
import { getProcedureIn } from './use-cases/procedures.js';

/** Largest JSON body accepted; a plan with three long targets is about 20 KB. */
export const BODY_LIMIT_BYTES = 256 * 1024;

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
  readonly procedures: readonly Procedure[];
  readonly clock: () => Date;
  readonly verifyToken: TokenVerifier;
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Local mode's /dev routes; absent in tenant mode, so every /dev address is a 404 there. */
  readonly devRoutes?: Router;
  /** The built tab (`npm run build:tab` → build/tab); without it `/` is a plain page listing your cases. */
  readonly tabDir?: string;
  /** What the tab needs to sign in (MSAL settings in tenant mode). */
  readonly clientConfig?: Readonly<Record<string, unknown>>;
  /** Notifications: the outbox and senders, and the background notifier commands report to. Absent: nothing is sent. */
  readonly notify?: { readonly runtime: NotifyRuntime; readonly background: BackgroundNotifier };
  /** The bot's POST /api/messages (src/bot): it validates its own inbound tokens, so it sits before the bearer-authenticated /api. */
  readonly messages?: express.RequestHandler;
  /** The people directory behind GET /api/people (the wizard's pickers); absent: that route is not mounted. */
  readonly directory?: PeopleDirectory;
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

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const useCases: UseCaseDeps = {
    repository: deps.repository,
    procedures: deps.procedures,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.notify ? { notify: deps.notify.background.notify } : {}),
  };

  app.use(securityHeaders);

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
    res.json({ mode: deps.config.mode, ...deps.clientConfig });
  });

  app.get('/api/health', (_req, res) => {
    res.json({
      status: 'ok',
      mode: deps.config.mode,
      ...(deps.config.mode === 'local' && deps.config.graph ? { graph: deps.config.graph } : {}),
    });
  });
  const openApi = openApiDocument({ serverUrl: deps.config.publicUrl });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  if (deps.messages) app.post('/api/messages', deps.messages);
  const api = express.Router();
  // Jobs authenticate for themselves (a bearer token, or an external scheduler's job key).
  if (deps.notify)
    app.use('/api/jobs', jobsRouter({ ...useCases, runtime: deps.notify.runtime, verifyToken: deps.verifyToken }));
  api.use(authenticate(deps.verifyToken));
  api.use(requireJsonBody);
  api.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: JSON_TYPES }));
  api.use(catalogueRouter(deps.procedures));
  api.use('/me', meRouter(deps.clock));
  api.use(formPdfRouter(useCases));
  if (deps.notify)
    api.use(notificationsRouter({ ...useCases, runtime: deps.notify.runtime, background: deps.notify.background }));
  api.use('/cases', casesRouter(useCases));
  api.use('/reports', reportsRouter(useCases));
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
    next(
      notFound(
        `There is nothing at ${req.method} ${req.path.slice(0, 200)}.${req.path.startsWith('/api') ? ' GET /api/openapi.json lists the API.' : ''}`,
      ),
    );
  });

  // Express recognises an error handler by its four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(error, req, deps, useCases);
    for (const [name, value] of Object.entries(problem.headers)) res.set(name, value);
    if (res.headersSent) return;
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.toProblem()));
  });

  return app;
}

function toProblem(error: unknown, req: Request, deps: AppDeps, useCases: UseCaseDeps): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof InputError) {
    return invalidRequest(
      `The request is not valid: ${error.issues
        .slice(0, 3)
        .map((i) => `${i.path || 'body'} ${i.message}`)
        .join('; ')}.`,
      error.issues,
    );
  }
  if (error instanceof CaseNotFoundError) {
    return new HttpProblem(
      404,
      'not_found',
      'Case not found',
      `There is no case "${error.caseId}" that you can see. Check the link, or ask the course team for access.`,
    );
  }
  if (error instanceof StaleCaseError) {
    const { current, access } = error;
    const procedure = getProcedureIn(useCases.procedures, current.state.procedureId);
    return new HttpProblem(
      412,
      'precondition_failed',
      'The case has changed',
      `Case ${current.state.reference} was changed by someone else (it is now at version ${current.state.version}). Look at the case as it is now, then try again.`,
      { current: caseView(current, procedure, useCases.clock(), access) },
      { ETag: etagOf(current.state) },
    );
  }
  if (error instanceof ReportNotAllowedError) {
    return new HttpProblem(
      403,
      'forbidden',
      'Not allowed',
      'Reports are for the course team. Ask your course leader for the figures you need.',
    );
  }
  if (error instanceof PeopleSearchNotAllowedError) {
    return new HttpProblem(
      403,
      'forbidden',
      'Not allowed',
      'Looking people up is for those who open cases: the course team, and staff who may raise a concern. Ask your course team to add the person you need.',
    );
  }
  if (isDomainError(error)) {
    const problem = problemFromDomainError(error);
    if (problem.status >= 500) deps.logger.error('procedure error', { path: req.path, error: error.message });
    return problem;
  }
  const parsed = bodyParserProblem(error);
  if (parsed) return parsed;
  // The router could not decode a path segment (`/api/cases/%ZZ`).
  if (error instanceof URIError)
    return invalidRequest('The address is not valid: a part of it is not correctly percent-encoded.');
  // Adapters that talk to Graph directly (the notification outbox) throw the SDK's errors unclassified.
  const failure = failureFromError(error);
  const storeError = isGraphStoreError(error)
    ? error
    : failure
      ? toGraphStoreError(failure, `${req.method} ${req.path.slice(0, 200)}`, error)
      : undefined;
  if (storeError && (storeError.code === 'throttled' || storeError.code === 'unavailable')) {
    deps.logger.warn('store unavailable', { path: req.path, code: storeError.code, requestId: storeError.requestId });
    return new HttpProblem(
      503,
      'service_unavailable',
      'Try again shortly',
      `${storeError.userMessage} Nothing was lost.`,
      {},
      { 'Retry-After': String(Math.ceil(storeError.retryAfterSeconds ?? 5)) },
    );
  }
  deps.logger.error('unexpected error', {
    method: req.method,
    path: req.path,
    error: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
    ...(error instanceof CaseDataError ? { caseId: error.caseId } : {}),
  });
  return new HttpProblem(
    500,
    'internal_error',
    'Something went wrong',
    'Trellis could not complete this request. Try again; if it keeps happening, tell your Trellis administrator.',
  );
}
