import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P1 } from '../server/fixtures.js';
import { objectIdOf, TokenRefusal, type TenantModeServer, type TenantUser } from './host/tenant-mode.js';
import {
  newTabContext,
  startTenantTabEnvironment,
  TENANT_COURSE_LEAD,
  TENANT_TUTOR,
  type TenantTabEnvironment,
} from './tab-harness.js';

/**
 * The tab in a plain browser against Trellis in tenant mode: MSAL's redirect sign-in (auth code
 * + PKCE), its silent renewal through the refresh token, and the redirect it falls back to when
 * Entra refuses the renewal. Playwright's request routing stands in for Entra ID at
 * https://login.microsoftonline.com (authorize, token; discovery if MSAL asks) and answers with tokens from
 * the test identity provider the tenant-mode server trusts; nothing leaves this machine, and a
 * request the stand-in does not expect fails the test.
 */
const ENTRA = 'https://login.microsoftonline.com';
/** How long before expiry MSAL renews an access token (its default tokenRenewalOffsetSeconds). */
const MSAL_RENEWAL_OFFSET_SECONDS = 300;
/** Short-lived tokens: ten minutes, so moving the page's clock six minutes on makes MSAL renew. */
const TOKEN_SECONDS = 600;
const CLOCK_STEP_MS = 6 * 60_000;

let env: TenantTabEnvironment;
let server: TenantModeServer;
let browser: Browser;
let apiScope: string;

const tutor = TENANT_TUTOR;
const courseLead = TENANT_COURSE_LEAD;

beforeAll(async () => {
  // The course team sees only PGCE Primary: case B (PGCE Secondary) must stay out of their dashboard.
  env = await startTenantTabEnvironment('browser-sign-in', { courseTeamProgrammes: P1 });
  ({ server, browser } = env);
  const config = (await (await fetch(`${server.url}/api/client-config`)).json()) as {
    mode: string;
    msal?: { clientId: string; authority: string; scopes: string[] };
  };
  expect(config.mode).toBe('tenant');
  expect(config.msal?.clientId).toBe(server.idp.app.clientId);
  expect(config.msal?.authority).toBe(`${ENTRA}/${server.idp.tenantId}`);
  apiScope = config.msal?.scopes[0] ?? '';
  expect(apiScope).toBe(`${server.idp.app.resource}/access_as_user`);
});

afterAll(async () => {
  await env.close();
});

const base64url = (bytes: Buffer): string => bytes.toString('base64url');
const s256 = (verifier: string): string => base64url(createHash('sha256').update(verifier).digest());

interface IssuedCode {
  readonly user: TenantUser;
  readonly challenge: string;
  readonly nonce: string;
  readonly scope: string;
  readonly redirectUri: string;
}

/**
 * Entra ID as far as MSAL in a browser meets it. Every request is recorded; anything it does not
 * expect, and any request that breaks the protocol (wrong client, redirect URI, PKCE), is written
 * to `problems`, which every test expects to stay empty.
 */
class FakeEntra {
  /** Who is at Entra's sign-in page when the browser arrives there. */
  user: TenantUser = tutor;
  /** Entra's answer to a refresh token grant: tokens, or invalid_grant (the refresh token was revoked). */
  refresh: 'issue' | 'invalid_grant' = 'issue';
  /** Entra's answer to the code: tokens, or invalid_grant (the code was already redeemed). */
  redeem: 'issue' | 'invalid_grant' = 'issue';
  readonly problems: string[] = [];
  readonly authorizeRequests: URLSearchParams[] = [];
  readonly tokenRequests: URLSearchParams[] = [];
  /** The access tokens handed out, in order. */
  readonly accessTokens: string[] = [];
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, { readonly user: TenantUser }>();

  constructor(
    private readonly tabOrigin: string,
    private readonly tenantId: string,
    private readonly clientId: string,
  ) {}

  private get tenantBase(): string {
    return `${ENTRA}/${this.tenantId}`;
  }

  async handle(route: Route): Promise<void> {
    const request = route.request();
    const url = new URL(request.url());
    const where = `${request.method()} ${url.origin}${url.pathname}`;
    if (request.method() === 'GET' && url.pathname === `/${this.tenantId}/v2.0/.well-known/openid-configuration`) {
      return this.json(route, 200, this.openIdConfiguration());
    }
    if (request.method() === 'GET' && url.pathname === `/${this.tenantId}/oauth2/v2.0/authorize`)
      return this.authorize(route, url.searchParams);
    if (request.method() === 'POST' && url.pathname === `/${this.tenantId}/oauth2/v2.0/token`)
      return this.token(route, new URLSearchParams(request.postData() ?? ''));
    this.problems.push(`unexpected request to Entra: ${where}`);
    return route.abort('blockedbyclient');
  }

  private openIdConfiguration(): Record<string, unknown> {
    const v2 = `${this.tenantBase}/oauth2/v2.0`;
    return {
      issuer: `${this.tenantBase}/v2.0`,
      authorization_endpoint: `${v2}/authorize`,
      token_endpoint: `${v2}/token`,
      end_session_endpoint: `${v2}/logout`,
      jwks_uri: `${this.tenantBase}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    };
  }

  /** The sign-in page, already passed: checks the request and sends the browser back with a code. */
  private async authorize(route: Route, query: URLSearchParams): Promise<void> {
    this.authorizeRequests.push(query);
    const redirectUri = query.get('redirect_uri') ?? '';
    const check = (ok: boolean, problem: string): boolean => {
      if (!ok) this.problems.push(`authorize: ${problem}`);
      return ok;
    };
    const scopes = (query.get('scope') ?? '').split(' ');
    const checks = [
      check(query.get('client_id') === this.clientId, `client_id ${query.get('client_id') ?? '(none)'}`),
      check(redirectUri === `${this.tabOrigin}/`, `redirect_uri ${redirectUri}`),
      check(query.get('response_type') === 'code', `response_type ${query.get('response_type') ?? '(none)'}`),
      check(
        query.get('code_challenge_method') === 'S256',
        `code_challenge_method ${query.get('code_challenge_method') ?? '(none)'}`,
      ),
      check(
        /^[A-Za-z0-9_-]{43}$/.test(query.get('code_challenge') ?? ''),
        'code_challenge is not a SHA-256 in base64url',
      ),
      check(scopes.includes(apiScope) && scopes.includes('openid'), `scope ${query.get('scope') ?? '(none)'}`),
      check((query.get('state') ?? '') !== '', 'no state'),
      check((query.get('nonce') ?? '') !== '', 'no nonce'),
    ];
    if (checks.includes(false))
      return route.fulfill({ status: 400, contentType: 'text/plain', body: 'AADSTS900144: the request is not valid.' });
    const code = base64url(randomBytes(24));
    this.codes.set(code, {
      user: this.user,
      challenge: query.get('code_challenge') ?? '',
      nonce: query.get('nonce') ?? '',
      scope: query.get('scope') ?? '',
      redirectUri,
    });
    const answer = new URLSearchParams({
      code,
      client_info: this.clientInfo(this.user),
      state: query.get('state') ?? '',
      session_state: randomBytes(8).toString('hex'),
    });
    // Entra answers in the response mode MSAL asked for (a fragment unless told otherwise).
    const location =
      query.get('response_mode') === 'query'
        ? `${redirectUri}?${answer.toString()}`
        : `${redirectUri}#${answer.toString()}`;
    return route.fulfill({ status: 302, headers: { location, 'cache-control': 'no-store' } });
  }

  private async token(route: Route, form: URLSearchParams): Promise<void> {
    this.tokenRequests.push(form);
    if (form.get('client_id') !== this.clientId)
      return this.refuse(
        route,
        'unauthorized_client',
        `AADSTS700016: Application ${form.get('client_id') ?? ''} was not found.`,
        true,
      );
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const issued = this.codes.get(code);
      // A code is good once.
      this.codes.delete(code);
      if (!issued)
        return this.refuse(route, 'invalid_grant', 'AADSTS70008: The provided authorization code is not valid.', true);
      if (this.redeem === 'invalid_grant')
        return this.refuse(
          route,
          'invalid_grant',
          'AADSTS54005: OAuth2 Authorization code was already redeemed.',
          false,
        );
      if (form.get('redirect_uri') !== issued.redirectUri)
        return this.refuse(
          route,
          'invalid_grant',
          'AADSTS50148: The redirect_uri does not match the authorization request.',
          true,
        );
      if (s256(form.get('code_verifier') ?? '') !== issued.challenge)
        return this.refuse(
          route,
          'invalid_grant',
          'AADSTS501481: The Code_Verifier does not match the code_challenge.',
          true,
        );
      return this.issue(route, issued.user, form.get('scope') ?? issued.scope, issued.nonce);
    }
    if (grant === 'refresh_token') {
      const known = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!known)
        return this.refuse(
          route,
          'invalid_grant',
          'AADSTS9002313: Invalid request. The refresh token is malformed or not valid.',
          true,
        );
      if (this.refresh === 'invalid_grant')
        return this.refuse(
          route,
          'invalid_grant',
          'AADSTS700082: The refresh token has expired due to inactivity.',
          false,
        );
      return this.issue(route, known.user, form.get('scope') ?? '', undefined);
    }
    return this.refuse(
      route,
      'unsupported_grant_type',
      `AADSTS70003: grant_type ${grant ?? '(none)'} is not supported.`,
      true,
    );
  }

  private async issue(route: Route, user: TenantUser, scope: string, nonce: string | undefined): Promise<void> {
    try {
      const tokens = await server.idp.issue(
        user,
        { flow: 'browser', clientId: this.clientId, scope },
        { lifetimeSeconds: TOKEN_SECONDS, ...(nonce === undefined ? {} : { nonce }) },
      );
      this.accessTokens.push(tokens.accessToken);
      const refreshToken = base64url(randomBytes(32));
      this.refreshTokens.set(refreshToken, { user });
      await this.json(route, 200, {
        token_type: 'Bearer',
        scope: tokens.scope,
        expires_in: tokens.expiresIn,
        ext_expires_in: tokens.expiresIn,
        access_token: tokens.accessToken,
        refresh_token: refreshToken,
        id_token: tokens.idToken,
        client_info: this.clientInfo(user),
      });
    } catch (error) {
      if (error instanceof TokenRefusal) return this.refuse(route, error.code, error.message, true);
      throw error;
    }
  }

  /** An OAuth error as Entra sends it; `problem` marks a refusal the tab's request should never have earned. */
  private async refuse(route: Route, error: string, description: string, problem: boolean): Promise<void> {
    if (problem) this.problems.push(`token: ${error}: ${description}`);
    return this.json(route, 400, {
      error,
      error_description: description,
      error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
      timestamp: new Date().toISOString(),
    });
  }

  private clientInfo(user: TenantUser): string {
    return base64url(Buffer.from(JSON.stringify({ uid: objectIdOf(user.upn), utid: this.tenantId })));
  }

  private json(route: Route, status: number, body: unknown): Promise<void> {
    // The token endpoint and discovery are read with fetch from the tab's origin: Entra allows it by CORS.
    return route.fulfill({
      status,
      contentType: 'application/json; charset=utf-8',
      headers: { 'access-control-allow-origin': this.tabOrigin, 'cache-control': 'no-store' },
      body: JSON.stringify(body),
    });
  }
}

interface BrowserSession {
  readonly page: Page;
  readonly entra: FakeEntra;
  /** CSP violations the page reported (securitypolicyviolation events and console lines). */
  readonly cspViolations: string[];
  /** Uncaught errors in the page. */
  readonly pageErrors: string[];
  /** Requests to anywhere but the tab's origin and Entra. */
  readonly strayRequests: string[];
}

/** A fresh browser profile: the tab's origin, the stand-in Entra, and nothing else. */
async function openBrowser(user: TenantUser): Promise<BrowserSession> {
  const context = env.track(await newTabContext(browser));
  const entra = new FakeEntra(server.url, server.idp.tenantId, server.idp.app.clientId);
  entra.user = user;
  const strayRequests: string[] = [];
  const tabOrigin = new URL(server.url).origin;
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === tabOrigin) return route.continue();
    if (url.origin === ENTRA) return entra.handle(route);
    strayRequests.push(`${route.request().method()} ${url.href}`);
    return route.abort('blockedbyclient');
  });
  const cspViolations: string[] = [];
  await context.exposeBinding('__reportCspViolation', (_source, violation: string) => {
    cspViolations.push(violation);
  });
  // Injected through DevTools, so it runs before the page's own scripts without needing inline script.
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => { void window.__reportCspViolation(e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample); });`,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  // A clock the test can move on (the tokens' expiry as the page sees it); it runs at normal speed meanwhile.
  await page.clock.install();
  return { page, entra, cspViolations, pageErrors, strayRequests };
}

/** Nothing went where it should not, and the CSP allowed everything the sign-in needed. */
function expectCleanRun(session: BrowserSession): void {
  expect(session.entra.problems).toEqual([]);
  expect(session.strayRequests).toEqual([]);
  expect(session.cspViolations).toEqual([]);
  expect(session.pageErrors).toEqual([]);
}

const LIBRARY_ERRORS =
  /BrowserAuthError|InteractionRequired|interaction_in_progress|invalid_grant|AADSTS|no_tokens_found|monitor_window_timeout|timed_out/i;

const grants = (entra: FakeEntra): (string | null)[] => entra.tokenRequests.map((form) => form.get('grant_type'));

/** Moves the page's clock on, past the point where MSAL renews the current access token. */
async function letTokensAge(page: Page): Promise<void> {
  expect(TOKEN_SECONDS - CLOCK_STEP_MS / 1000).toBeLessThan(MSAL_RENEWAL_OFFSET_SECONDS);
  await page.clock.setSystemTime(new Date(Date.now() + CLOCK_STEP_MS));
}

describe('the tab in a plain browser, tenant mode: MSAL redirect sign-in against a stand-in Entra ID', () => {
  it('opening a case signed out goes to Entra, comes back to that case signed in, and the API accepts the token; a later renewal is silent', async () => {
    const session = await openBrowser(tutor);
    const { page, entra } = session;
    // Where the tab's window went (Entra's authorize answers with a redirect, so it never commits a page of its own) and what it showed.
    const departures: string[] = [];
    const arrivals: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) departures.push(request.url());
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) arrivals.push(frame.url());
    });

    await page.goto(`${server.url}/cases/case-a`);
    await page.getByRole('heading', { name: /Priya Sharma — RIT-A/ }).waitFor();

    // The path went to Entra and came back: authorize, then our redirect URI with the code in the fragment.
    expect(departures.some((url) => url.startsWith(`${ENTRA}/${server.idp.tenantId}/oauth2/v2.0/authorize?`))).toBe(
      true,
    );
    expect(arrivals.some((url) => url.startsWith(`${server.url}/#code=`))).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/cases/case-a');
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByText(`Signed in as ${tutor.name}`).count()).toBe(1);

    // MSAL 5 carries Entra's endpoints for this host built in and fetched no discovery document (the stand-in would answer it).
    expect(entra.authorizeRequests).toHaveLength(1);
    const authorize = entra.authorizeRequests[0] ?? new URLSearchParams();
    expect(authorize.get('response_mode')).toBe('fragment');
    expect(authorize.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining([apiScope, 'openid', 'profile', 'offline_access']),
    );
    // MSAL's state carries ours after a '|': the path the person opened.
    expect(authorize.get('state')?.split('|').slice(1).join('|')).toBe('/cases/case-a');

    expect(grants(entra)).toEqual(['authorization_code']);
    const [codeRedemption] = entra.tokenRequests;
    expect(s256(codeRedemption?.get('code_verifier') ?? '')).toBe(authorize.get('code_challenge'));
    // The token Entra issued is the bearer the API verified, for the API's audience and scope.
    const first = entra.accessTokens[0] ?? '';
    expect(server.acceptedTokens).toContain(first);
    const claims = decodeJwt(first);
    expect(server.config.auth.audiences).toContain(claims.aud);
    expect(claims.scp).toBe('access_as_user');
    expect(claims.preferred_username).toBe(tutor.upn);

    // Ten-minute tokens, six minutes later: going back to the dashboard renews through the refresh token, without leaving the page.
    await letTokensAge(page);
    const departuresBefore = departures.length;
    await page.getByRole('navigation', { name: 'Trellis' }).getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Priya Sharma' }).waitFor();
    await expect.poll(() => grants(entra)).toEqual(['authorization_code', 'refresh_token']);
    const renewal = entra.tokenRequests[1];
    expect(renewal?.get('scope')?.split(' ')).toContain(apiScope);
    const renewed = entra.accessTokens[1] ?? '';
    expect(renewed).not.toBe(first);
    await expect.poll(() => server.acceptedTokens.includes(renewed)).toBe(true);
    expect(entra.authorizeRequests).toHaveLength(1);
    expect(departures.slice(departuresBefore)).toEqual([]);
    // Case B is another tutor's.
    expect(await page.getByRole('table', { name: 'Cases' }).getByText('Tom Fletcher').count()).toBe(0);
    expectCleanRun(session);
  }, 60_000);

  it('a course team member signs in at the dashboard and sees their programme’s cases only', async () => {
    const session = await openBrowser(courseLead);
    const { page, entra } = session;
    await page.goto(`${server.url}/`);
    const table = page.getByRole('table', { name: 'Cases' });
    await table.getByRole('link', { name: 'Priya Sharma' }).waitFor();
    expect(await table.getByText('Tom Fletcher').count()).toBe(0);
    expect(await page.getByText(`Signed in as ${courseLead.name}`).count()).toBe(1);
    // The course team's pages are offered: the API saw the CourseTeam role in the token.
    expect(await page.getByRole('navigation', { name: 'Trellis' }).getByRole('link', { name: 'Reports' }).count()).toBe(
      1,
    );
    expect(entra.authorizeRequests.map((q) => q.get('state')?.split('|').slice(1).join('|'))).toEqual(['/']);
    const token = entra.accessTokens[0] ?? '';
    expect(decodeJwt(token).roles).toEqual(['CourseTeam']);
    expect(server.acceptedTokens).toContain(token);
    // The case of the programme they do not look after is not theirs to open either.
    await page.goto(`${server.url}/cases/case-b`);
    await page.getByRole('heading', { name: 'Case not found' }).waitFor();
    expect(await page.getByRole('heading', { name: /Tom Fletcher/ }).count()).toBe(0);
    expect(entra.authorizeRequests).toHaveLength(1);
    expectCleanRun(session);
  }, 60_000);

  it('when Entra refuses the renewal (invalid_grant), the tab signs in again by redirect and comes back to the page, with no library error shown', async () => {
    const session = await openBrowser(tutor);
    const { page, entra } = session;
    await page.goto(`${server.url}/cases/case-a`);
    await page.getByRole('heading', { name: /Priya Sharma — RIT-A/ }).waitFor();
    expect(entra.authorizeRequests).toHaveLength(1);

    entra.refresh = 'invalid_grant';
    await letTokensAge(page);
    const pageText: string[] = [];
    const watch = setInterval(() => {
      void page
        .locator('body')
        .innerText()
        .then((text) => pageText.push(text))
        .catch(() => undefined);
    }, 50);
    try {
      await page.getByRole('navigation', { name: 'Trellis' }).getByRole('link', { name: 'Cases' }).click();
      await expect.poll(() => entra.authorizeRequests.length, { timeout: 30_000 }).toBe(2);
      await page.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Priya Sharma' }).waitFor();
    } finally {
      clearInterval(watch);
    }
    expect(grants(entra)).toEqual(['authorization_code', 'refresh_token', 'authorization_code']);
    const again = entra.authorizeRequests[1] ?? new URLSearchParams();
    // The same person, asked for again by name, and back to the dashboard they were going to.
    expect(again.get('login_hint')).toBe(tutor.upn);
    expect(again.get('state')?.split('|').slice(1).join('|')).toBe('/');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByText(`Signed in as ${tutor.name}`).count()).toBe(1);
    expect(server.acceptedTokens).toContain(entra.accessTokens.at(-1));
    // Nor our own sentence for a renewal that failed: the page went to sign in again instead.
    expect(
      pageText.filter((text) => LIBRARY_ERRORS.test(text) || text.includes('could not renew your sign-in')),
    ).toEqual([]);
    expectCleanRun(session);
  }, 60_000);

  it('when Entra refuses the code, the page says so in a plain sentence instead of hanging', async () => {
    const session = await openBrowser(tutor);
    const { page, entra } = session;
    // Entra sends the browser back with a code it then will not redeem.
    entra.redeem = 'invalid_grant';
    await page.goto(`${server.url}/cases/case-a`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain(
      'Trellis could not sign you in with your Microsoft account. Reload the page to try again',
    );
    expect(await alert.innerText()).not.toMatch(LIBRARY_ERRORS);
    expect(entra.authorizeRequests).toHaveLength(1);
    expect(grants(entra)).toEqual(['authorization_code']);
    expect(server.acceptedTokens.filter((t) => entra.accessTokens.includes(t))).toEqual([]);
    expectCleanRun(session);
  }, 60_000);
});
