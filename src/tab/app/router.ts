import { useCallback, useEffect, useState } from 'react';
import { hasUnsavedChanges } from '../shared/drafts';

/**
 * `/` (the dashboard), `/cases/:id` (a case, also what deep links and cards open), and the fixed
 * pages below. History API only; the server answers every non-API path with index.html.
 */
export type Route =
  | { readonly name: 'dashboard' }
  | { readonly name: 'case'; readonly caseId: string }
  | { readonly name: 'case_procedure'; readonly caseId: string }
  | { readonly name: 'new_case' }
  | { readonly name: 'reports' }
  | { readonly name: 'notifications' }
  | { readonly name: 'roster' }
  | { readonly name: 'config' }
  | { readonly name: 'not_found'; readonly path: string };

/** Fixed pages: the channel tab's configuration page, reports, notifications, the roster and the new-case wizard. */
const PAGES: Readonly<Record<string, Route>> = {
  '/config': { name: 'config' },
  '/reports': { name: 'reports' },
  '/notifications': { name: 'notifications' },
  '/roster': { name: 'roster' },
  '/cases/new': { name: 'new_case' },
};

export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/index.html') return { name: 'dashboard' };
  const page = PAGES[pathname.replace(/\/$/, '')];
  if (page) return page;
  const match = /^\/cases\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) return { name: 'case', caseId: decodeURIComponent(match[1]) };
  const procedure = /^\/cases\/([^/]+)\/procedure\/?$/.exec(pathname);
  if (procedure?.[1]) return { name: 'case_procedure', caseId: decodeURIComponent(procedure[1]) };
  return { name: 'not_found', path: pathname };
}

export { casePath } from './paths';

/** The procedure a case follows, read-only (the version the case was opened under or moved to). */
export const procedurePath = (caseId: string): string => `/cases/${encodeURIComponent(caseId)}/procedure`;

/** The id the dashboard gives its first case link: where the "Skip to your cases" link goes. */
export const FIRST_CASE = 'first-case';

const NAVIGATE = 'trellis:navigate';

/** Query parameters that describe where the tab runs (theme, host, the channel's programme): they follow every move. */
const STICKY_PARAMS = ['theme', 'inHost', 'programme'] as const;

/** Asked for when a move would leave a page whose forms hold unsent changes: the shell shows the dialog. */
export const CONFIRM_LEAVE = 'trellis:confirm-leave';
export interface ConfirmLeaveDetail {
  readonly path: string;
  readonly replace: boolean;
}

/**
 * Moves the tab to `path`. Leaving a page with unsent changes in a form asks first (the shell's
 * dialog, which calls back with `force`); a move within the same page (to another form) does not.
 */
export function navigate(path: string, options: { readonly replace?: boolean; readonly force?: boolean } = {}): void {
  const samePage = new URL(path, window.location.href).pathname === window.location.pathname;
  if (options.force !== true && !samePage && hasUnsavedChanges()) {
    window.dispatchEvent(
      new CustomEvent<ConfirmLeaveDetail>(CONFIRM_LEAVE, { detail: { path, replace: options.replace === true } }),
    );
    return;
  }
  const current = new URLSearchParams(window.location.search);
  const keep = new URLSearchParams();
  for (const name of STICKY_PARAMS) {
    const value = current.get(name);
    if (value !== null) keep.set(name, value);
  }
  const hashAt = path.indexOf('#');
  const [bare, hash] = hashAt < 0 ? [path, ''] : [path.slice(0, hashAt), path.slice(hashAt)];
  const target = keep.size > 0 && !bare.includes('?') ? `${bare}?${keep.toString()}${hash}` : path;
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

/** The address's fragment without its `#` (the form a case link opens at), kept current as the tab moves. */
export function useHash(): string {
  const read = (): string => decodeURIComponent(window.location.hash.replace(/^#/, ''));
  const [hash, setHash] = useState(read);
  useEffect(() => {
    const update = (): void => {
      setHash(read());
    };
    window.addEventListener('hashchange', update);
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('hashchange', update);
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return hash;
}
