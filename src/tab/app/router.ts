import { useCallback, useEffect, useState } from 'react';

/**
 * Two addresses: `/` (the dashboard) and `/cases/:id` (a case, also what deep links and cards
 * open). History API only; the server answers every non-API path with index.html.
 */
export type Route = { readonly name: 'dashboard' } | { readonly name: 'case'; readonly caseId: string } | { readonly name: 'not_found'; readonly path: string };

export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/index.html') return { name: 'dashboard' };
  const match = /^\/cases\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) return { name: 'case', caseId: decodeURIComponent(match[1]) };
  return { name: 'not_found', path: pathname };
}

export const casePath = (caseId: string): string => `/cases/${encodeURIComponent(caseId)}`;

const NAVIGATE = 'trellis:navigate';

export function navigate(path: string, options: { readonly replace?: boolean } = {}): void {
  const keep = new URLSearchParams(window.location.search).get('theme');
  const target = keep !== null && !path.includes('?') ? `${path}?theme=${keep}` : path;
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
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(path);
    },
    [path],
  );
}
