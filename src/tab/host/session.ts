import type { ClientConfig } from '../api/types';
import { ApiError, type TokenSource } from '../api/client';
import { connectToHost, looksHosted, type HostSession, type MsalSettings } from './teams-host';

/**
 * How the tab gets a token, decided once at start:
 * - inside Teams/Outlook: the host (nested app auth, or Teams SSO);
 * - a browser in local mode: the dev token the server's /dev/sign-in page leaves in localStorage;
 * - a browser in tenant mode: MSAL redirect, configured by GET /api/client-config.
 */
export const LOCAL_TOKEN_KEY = 'trellis.token';

export interface SignedInUser {
  readonly upn: string;
  readonly name: string;
}

export type StartResult =
  | {
      readonly kind: 'ready';
      readonly token: TokenSource;
      readonly user: SignedInUser;
      readonly host: HostSession | undefined;
      readonly mode: ClientConfig['mode'];
    }
  | { readonly kind: 'signed_out'; readonly signInUrl: string; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string; readonly host: HostSession | undefined };

interface TokenClaims {
  readonly upn?: string;
  readonly preferred_username?: string;
  readonly name?: string;
  readonly exp?: number;
}

/** Reads a JWT's claims for display and expiry only; the server verifies every token. */
export function claimsOf(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as TokenClaims;
  } catch {
    return undefined;
  }
}

const userOf = (claims: TokenClaims | undefined, fallbackUpn = ''): SignedInUser => {
  const upn = (claims?.upn ?? claims?.preferred_username ?? fallbackUpn).toLowerCase();
  return { upn, name: claims?.name ?? upn };
};

const isFresh = (claims: TokenClaims | undefined, nowSeconds: number): boolean =>
  claims?.exp === undefined || claims.exp > nowSeconds + 30;

/** /api/client-config when the server has it; otherwise /api/health's mode (no MSAL settings). */
async function clientConfig(): Promise<ClientConfig> {
  const response = await fetch('/api/client-config', { headers: { accept: 'application/json' } });
  if (response.ok) return (await response.json()) as ClientConfig;
  const health = await fetch('/api/health', { headers: { accept: 'application/json' } });
  if (!health.ok) throw new Error('Trellis could not be reached. Check your connection and reload the page.');
  const body = (await health.json()) as { mode?: string };
  return { mode: body.mode === 'tenant' ? 'tenant' : 'local' };
}

function signInUrlFor(location: Location): string {
  return `/dev/sign-in?returnTo=${encodeURIComponent(location.pathname + location.search)}`;
}

export const BROWSER_SIGN_IN_FAILED_SENTENCE =
  'Trellis could not sign you in with your Microsoft account. Reload the page to try again; if it keeps happening, tell your Trellis administrator.';

export const BROWSER_RENEWAL_FAILED_SENTENCE =
  'Trellis could not renew your sign-in, so this was not loaded or saved. Reload the page to sign in again; if it keeps happening, tell your Trellis administrator.';

/** Where to come back to after a sign-in redirect: MSAL carries it in `state`. */
const returnPathOf = (location: Location): string => location.pathname + location.search;

async function startInBrowserTenant(config: ClientConfig): Promise<StartResult> {
  if (!config.msal)
    return {
      kind: 'failed',
      message:
        'Sign-in is not configured on this server yet. Tell your Trellis administrator (GET /api/client-config has no MSAL settings).',
      host: undefined,
    };
  try {
    return await signInWithMsal(config.msal);
  } catch {
    // Entra sent an error back, or the code could not be redeemed: a sentence, not the library's error (or a page stuck starting).
    return { kind: 'failed', message: BROWSER_SIGN_IN_FAILED_SENTENCE, host: undefined };
  }
}

async function signInWithMsal(settings: MsalSettings): Promise<StartResult> {
  const msal = await import('@azure/msal-browser');
  const pca = new msal.PublicClientApplication({
    auth: { clientId: settings.clientId, authority: settings.authority, redirectUri: `${window.location.origin}/` },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await pca.initialize();
  const redirect = await pca.handleRedirectPromise();
  const returnTo = (redirect?.state ?? '') || undefined;
  if (returnTo?.startsWith('/') === true) window.history.replaceState(null, '', returnTo);
  const account = redirect?.account ?? pca.getAllAccounts()[0];
  const scopes = [...settings.scopes];
  if (!account) {
    await pca.loginRedirect({ scopes, state: returnPathOf(window.location) });
    return { kind: 'signed_out', signInUrl: '/', message: 'Signing you in…' };
  }
  pca.setActiveAccount(account);
  let redirecting: Promise<void> | undefined;
  const token: TokenSource = async () => {
    try {
      // The cached token, else the refresh token; never MSAL's hidden-iframe fallback, which the CSP
      // (frame-src 'self') blocks and browsers starve of Entra's cookies: it only delayed the redirect.
      return (
        await pca.acquireTokenSilent({
          scopes,
          account,
          cacheLookupPolicy: msal.CacheLookupPolicy.AccessTokenAndRefreshToken,
        })
      ).accessToken;
    } catch {
      // Calls that find the sign-in gone together (the dashboard asks for several things at once)
      // share one redirect; a second would fail with interaction_in_progress.
      redirecting ??= pca
        .acquireTokenRedirect({ scopes, account, state: returnPathOf(window.location) })
        .catch(() => undefined)
        .finally(() => {
          redirecting = undefined;
        });
      await redirecting;
      // Still here: the browser did not leave for the sign-in page.
      throw new ApiError(401, 'renewal_failed', BROWSER_RENEWAL_FAILED_SENTENCE, undefined);
    }
  };
  return {
    kind: 'ready',
    token,
    user: { upn: account.username.toLowerCase(), name: account.name ?? account.username },
    host: undefined,
    mode: 'tenant',
  };
}

function startInBrowserLocal(storage: Storage, location: Location): StartResult {
  const stored = storage.getItem(LOCAL_TOKEN_KEY);
  const claims = stored === null ? undefined : claimsOf(stored);
  if (stored === null || !isFresh(claims, Date.now() / 1000)) {
    return {
      kind: 'signed_out',
      signInUrl: signInUrlFor(location),
      message:
        stored === null
          ? 'Local mode: sign in as one of the demo people to see their cases.'
          : 'Your demo sign-in has expired. Sign in again.',
    };
  }
  const token: TokenSource = () => Promise.resolve(storage.getItem(LOCAL_TOKEN_KEY) ?? undefined);
  return { kind: 'ready', token, user: userOf(claims), host: undefined, mode: 'local' };
}

export const RENEWAL_FAILED_SENTENCE =
  'Teams could not renew your sign-in to Trellis, so this was not loaded or saved. Close the tab and open it again; if it keeps happening, tell your Trellis administrator.';

/**
 * The host's token, renewed shortly before it expires. Calls that find it stale together share
 * one renewal (the dashboard asks for several things at once); a renewal the host refuses
 * becomes a plain sentence for the page instead of the sign-in library's error.
 */
export function renewingToken(
  first: string,
  renew: () => Promise<string>,
  now: () => number = () => Date.now(),
): TokenSource {
  let cached = first;
  let renewing: Promise<string> | undefined;
  return async () => {
    if (isFresh(claimsOf(cached), now() / 1000)) return cached;
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    try {
      cached = await renewing;
    } catch {
      throw new ApiError(401, 'renewal_failed', RENEWAL_FAILED_SENTENCE, undefined);
    }
    return cached;
  };
}

export async function startSession(win: Window): Promise<StartResult> {
  let config: ClientConfig;
  let host: HostSession | undefined;
  try {
    host = looksHosted(win) ? await connectToHost() : undefined;
    config = await clientConfig();
  } catch (error) {
    return { kind: 'failed', message: error instanceof Error ? error.message : 'Trellis could not start.', host };
  }
  if (host) {
    const hostSession = host;
    // In local mode the host still cannot mint our dev tokens: use the dev sign-in if present.
    if (config.mode === 'local') {
      const local = startInBrowserLocal(win.localStorage, win.location);
      return local.kind === 'ready' ? { ...local, host } : local;
    }
    try {
      const first = await hostSession.getToken(config.msal);
      return {
        kind: 'ready',
        token: renewingToken(first, () => hostSession.getToken(config.msal)),
        user: userOf(claimsOf(first), hostSession.userPrincipalName),
        host,
        mode: config.mode,
      };
    } catch {
      return {
        kind: 'failed',
        message:
          'Teams could not sign you in to Trellis. Close the tab and open it again; if it keeps happening, tell your Trellis administrator.',
        host,
      };
    }
  }
  if (config.mode === 'local') return startInBrowserLocal(win.localStorage, win.location);
  return startInBrowserTenant(config);
}
