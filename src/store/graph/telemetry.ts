import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { recordGraphThrottled, recordResourceUnits, TELEMETRY_SCOPE } from '../../app/telemetry.js';

/**
 * One client span per Graph request (each retry is a request of its own), so a trace shows the
 * Graph calls a request or sweep made as its dependencies; Node's fetch is not covered by the
 * http instrumentation. The span carries the method, the host, the path with every id replaced
 * by a placeholder, and the status: no query (a filter can name a person), no body. Also counts
 * throttled answers and the resource units SharePoint charges. Without a tracer or meter provider
 * (no Application Insights) it costs almost nothing.
 */
export class GraphTelemetryHandler implements Middleware {
  private next: Middleware | undefined;

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (next === undefined) throw new Error('GraphTelemetryHandler needs a next middleware');
    const url = urlOf(context.request);
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const template = url === undefined ? 'unknown' : pathTemplateOf(url.pathname);
    const span = trace.getTracer(TELEMETRY_SCOPE).startSpan(`${method} ${template}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'url.template': template,
        'server.address': url?.hostname ?? 'unknown',
      },
    });
    try {
      await next.execute(context);
      const status = context.response?.status ?? 0;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500 || status === 429) span.setStatus({ code: SpanStatusCode.ERROR });
      if (status === 429 || (status === 503 && context.response?.headers.get('Retry-After') != null))
        recordGraphThrottled(method, status);
      // Throttled requests still count against SharePoint's budget.
      recordResourceUnits(
        url === undefined ? 0 : resourceUnitsOf(method, url.pathname, url.search, context.options?.body),
        method,
      );
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
      throw error;
    } finally {
      span.end();
    }
  }
}

/** The request's address: a string or a Request (the SDK's RequestInfo). */
function urlOf(request: unknown): URL | undefined {
  const raw =
    typeof request === 'string'
      ? request
      : typeof request === 'object' && request !== null && 'url' in request && typeof request.url === 'string'
        ? request.url
        : undefined;
  return raw !== undefined && URL.canParse(raw) ? new URL(raw) : undefined;
}

/** Path segments that are Graph's own words; every other segment (ids, names, addresses) becomes `{id}`. */
const GRAPH_WORDS = new Set([
  'v1.0',
  'beta',
  '$batch',
  '$count',
  '$value',
  'sites',
  'root',
  'lists',
  'items',
  'fields',
  'columns',
  'contentTypes',
  'delta',
  'permissions',
  'users',
  'groups',
  'me',
  'teams',
  'channels',
  'messages',
  'replies',
  'chats',
  'installedApps',
  'teamwork',
  'servicePrincipals',
  'appRoleAssignments',
  'appRoleAssignedTo',
  'applications',
  'sendMail',
  'events',
  'calendar',
  'calendars',
  'mailFolders',
  'sendActivityNotification',
  'appCatalogs',
  'teamsApps',
  'drive',
  'drives',
]);

export function pathTemplateOf(pathname: string): string {
  const segments = pathname.split('/').filter((s) => s !== '');
  return `/${segments.map((segment) => (GRAPH_WORDS.has(segment) ? segment : '{id}')).join('/')}`;
}

/**
 * SharePoint's resource units for one request, as SharePoint prices Graph requests: 1 for a
 * single item, list or column read and for a delta with a token, 2 for a multi-item read, a delta
 * without a token or any write, 5 for a permissions operation; other Graph workloads (mail,
 * calendar, Teams, the directory) cost none. A `$batch` costs what its sub-requests do.
 */
export function resourceUnitsOf(method: string, pathname: string, search = '', body?: unknown): number {
  const segments = pathname.split('/').filter((s) => s !== '' && s !== 'v1.0' && s !== 'beta');
  if (segments[0] === '$batch') return batchUnitsOf(body);
  if (segments[0] !== 'sites') return 0;
  const query = new URLSearchParams(search);
  if (segments.includes('permissions') || /(^|,)\s*permissions\b/.test(query.get('$expand') ?? '')) return 5;
  const last = segments.at(-1) ?? '';
  if (method !== 'GET') return 2;
  if (last === 'delta') {
    const token = query.get('token');
    return token !== null && token.toLowerCase() !== 'latest' ? 1 : 2;
  }
  return ['lists', 'items', 'columns', 'contentTypes'].includes(last) ? 2 : 1;
}

function batchUnitsOf(body: unknown): number {
  if (typeof body !== 'string') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 0;
  }
  if (typeof parsed !== 'object' || parsed === null || !('requests' in parsed) || !Array.isArray(parsed.requests))
    return 0;
  let units = 0;
  for (const request of parsed.requests as unknown[]) {
    if (typeof request !== 'object' || request === null) continue;
    const method = 'method' in request && typeof request.method === 'string' ? request.method.toUpperCase() : 'GET';
    const url = 'url' in request && typeof request.url === 'string' ? request.url : '';
    const [pathname = '', search = ''] = url.split('?');
    units += resourceUnitsOf(method, pathname, search);
  }
  return units;
}
