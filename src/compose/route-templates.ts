import { API_ROUTES } from '../contract/api.js';

/**
 * A request path as a template with no ids, names or addresses in it, for telemetry: an API path
 * becomes its route in the contract (`/api/cases/{caseId}`, `/api/trainees/{upn}/export`); any
 * other path keeps its first segment (`/dev/…`, `/assets/…`, `/cases/…` for the tab's pages).
 */
const MATCHERS = [...new Set(API_ROUTES.map((route) => route.path))]
  .map((path) => ({
    path,
    pattern: new RegExp(
      `^${path
        .split('/')
        .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}$`,
    ),
    // Literal segments first: /api/cases/export wins over /api/cases/{caseId}.
    literals: path.split('/').filter((part) => !part.startsWith('{')).length,
  }))
  .sort((a, b) => b.literals - a.literals);

export function routeTemplateOf(url: string): string {
  const pathname = (url.split('?')[0] ?? '').split('#')[0] ?? '';
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const matcher of MATCHERS) if (matcher.pattern.test(trimmed)) return matcher.path;
  if (trimmed.startsWith('/api/')) return '/api/{unknown}';
  const first = trimmed.split('/').filter((s) => s !== '')[0];
  if (first === undefined) return '/';
  return /^[a-z][a-z0-9-]{0,30}$/.test(first) ? `/${first}/{…}` : '/{…}';
}
