/**
 * A tiny segment router: first matching pattern wins, so specific routes go first. `:name` as a
 * whole segment captures it; inside a segment it captures the text between the literal parts
 * around it (`servicePrincipals(appId=':appId')`).
 */
import type { HttpMethod } from './http-types.js';
import type { Route, RouteParams } from './context.js';

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly string[];
}

export type RouteMatch =
  | { readonly t: 'found'; readonly route: Route; readonly params: RouteParams }
  | { readonly t: 'method'; readonly kind: string }
  | { readonly t: 'none' };

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: splitPath(route.pattern) }));
  }

  match(method: HttpMethod, segments: readonly string[]): RouteMatch {
    let methodMismatch: string | undefined;
    for (const { route, segments: pattern } of this.compiled) {
      const params = matchPattern(pattern, segments);
      if (params === undefined) continue;
      if (route.method === method) return { t: 'found', route, params };
      methodMismatch ??= route.kind;
    }
    return methodMismatch === undefined ? { t: 'none' } : { t: 'method', kind: methodMismatch };
  }
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): RouteParams | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i] ?? '';
    const s = segments[i] ?? '';
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (EMBEDDED_PARAM.test(p)) {
      if (!matchEmbedded(p, s, params)) return undefined;
    } else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return params;
}

/** A capture inside a segment, between literal text: `servicePrincipals(appId=':appId')`. */
const EMBEDDED_PARAM = /^(.+?):([A-Za-z]\w*)(.*)$/;

function matchEmbedded(pattern: string, segment: string, params: Record<string, string>): boolean {
  const [, prefix = '', name = '', suffix = ''] = EMBEDDED_PARAM.exec(pattern) ?? [];
  const lower = segment.toLowerCase();
  if (segment.length <= prefix.length + suffix.length) return false;
  if (!lower.startsWith(prefix.toLowerCase()) || !lower.endsWith(suffix.toLowerCase())) return false;
  params[name] = segment.slice(prefix.length, segment.length - suffix.length);
  return true;
}
