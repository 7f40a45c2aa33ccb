import { useCallback, useEffect, useState } from 'react';

/**
 * `/` (the dashboard), `/cases/:id` (a case, also what deep links and cards open), and the fixed
 * pages below. History API only; the server answers every non-API path with index.html.
 */
export type Route =
  | { readonly name: 'dashboard' }
  | { readonly name: 'case'; readonly caseId: string }
  | { readonly name: 'new_case' }
  | { readonly name: 'reports' }
  | { readonly name: 'notifications' }
  | { readonly name: 'config' }
  | { readonly name: 'not_found'; readonly path: string };

/** Fixed pages: the channel tab's configuration page, reports and the new-case wizard. */
const PAGES: Readonly<Record<string, Route>> = {
  '/config': { name: 'config' },
  '/reports': { name: 'reports' },
  '/notifications': { name: 'notifications' },
  '/cases/new': { name: 'new_case' },
};

export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/index.html') return { name: 'dashboard' };
  const page = PAGES[pathname.replace(/\/$/, '')];
  if (page) return page;
  const match = /^\/cases\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) return { name: 'case', caseId: decodeURIComponent(match[1]) };
  return { name: 'not_found', path: pathname };
}

export const casePath = (caseId: string): string => `/cases/${encodeURIComponent(caseId)}`;

const NAVIGATE = 'trellis:navigate';

/** Query parameters that describe where the tab runs (theme, host, the channel's programme): they follow every move. */
const STICKY_PARAMS = ['theme', 'inHost', 'programme'] as const;

export function navigate(path: string, options: { readonly replace?: boolean } = {}): void {
  const current = new URLSearchParams(window.location.search);
  const keep = new URLSearchParams();
  for (const name of STICKY_PARAMS) {
    const value = current.get(name);
    if (value !== null) keep.set(name, value);
  }
  const target = keep.size > 0 && !path.includes('?') ? `${path}?${keep.toString()}` : path;
  if (options.replace === true) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.pathname));
  useEffect(() => {
    const update = (): void => {
      setRoute(routeOf(window.location.pathname));
    };
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}

/** onClick for in-app links: plain clicks navigate in place; modified clicks open as usual. */
export function useLinkHandler(path: string): (event: React.MouseEvent) => void {
  return useCallback(
    (event: React.MouseEvent) => {
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.ctrlKey ||
        event.shiftKey ||
        event.altKey
      )
        return;
      event.preventDefault();
      navigate(path);
    },
    [path],
  );
}
