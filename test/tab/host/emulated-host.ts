import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import { build } from 'vite';
import type { BackendRequest, HostConfig, HostControls, LoggedMessage, ThemeName, TokenAnswer } from './host-page.js';
import { objectIdOf, TokenRefusal, type IssuedTokens, type TenantUser, type TokenRequest } from './tenant-mode.js';

/**
 * The Node side of the emulated Microsoft 365 host (host-page.ts is the page; it is an emulation
 * of the teams-js 2.58.0 postMessage protocol, not Teams).
 *
 * Where it runs: Playwright answers every request for https://teams.microsoft.com/emulated-host/…
 * in this browser context with the built host page; nothing goes to the network. That origin is
 * chosen because the tab's own defences are what is under test: teams-js accepts host messages
 * only from its built-in list of Microsoft origins (https) unless the app widens it in
 * `app.initialize`, and the server's CSP `frame-ancestors` lets only Microsoft hosts frame the tab.
 * Serving the emulated host from a Microsoft host name exercises both as shipped instead of
 * loosening them for a test. The tab stays on its own origin (http://127.0.0.1:port, served by
 * the tenant-mode server with production headers). Chromium's Local Network Access check blocks
 * a public https page from framing a loopback address, so the context grants the host origin that
 * permission, as a person would when prompted; a real deployment's tab is public and never asks.
 *
 * Tokens: the page asks Node (a Playwright binding only the host's own frame may call: the tab's
 * frame is refused) and Node asks the test identity provider, which signs with the key the
 * tenant-mode server trusts.
 */
export const EMULATED_HOST_ORIGIN = 'https://teams.microsoft.com';
const HOST_PATH = '/emulated-host/';
const HOST_DIR = path.resolve('test/tab/host');

export type { LoggedMessage, ThemeName };

export interface HostSettings {
  readonly tabUrl: string;
  readonly frameContext: 'content' | 'settings';
  readonly hostName?: 'Teams' | 'Outlook';
  readonly theme?: ThemeName;
  /** The runtime's isNAAChannelRecommended: nested app auth when true, Teams SSO (getAuthToken) when false. */
  readonly naaRecommended: boolean;
  readonly entityId?: string;
  /** The deep link's subPageId (legacy subEntityId). */
  readonly subPageId?: string;
  readonly user: TenantUser;
  readonly channel?: HostConfig['channel'];
  /** Settings saved earlier: the configuration page is reopened to change them. */
  readonly savedSettings?: Record<string, unknown>;
  /**
   * 'refuse': every token request fails (consent missing), so the tab must say so and notify failure;
   * 'issue-once': the first succeeds and every renewal is refused.
   */
  readonly tokens?: 'issue' | 'refuse' | 'issue-once';
  /** Lifetime of the access tokens the host issues (default an hour, as Entra). */
  readonly tokenLifetimeSeconds?: number;
}

export interface TokenIssuer {
  readonly tenantId: string;
  issue(
    user: TenantUser,
    request: TokenRequest,
    options?: { readonly lifetimeSeconds?: number },
  ): Promise<IssuedTokens>;
}

export interface EmulatedHost {
  readonly page: Page;
  /** Locators inside the framed tab. */
  readonly tab: FrameLocator;
  tabFrame(): Frame;
  /** Every message both ways, in order. */
  log(): Promise<LoggedMessage[]>;
  /** The tab's messages to the host with this `func`. */
  fromTab(func: string): Promise<LoggedMessage[]>;
  state(): Promise<HostControls['state']>;
  /** What the tab saved with settings.setSettings (pages.config.setConfig). */
  saved(): Promise<unknown[]>;
  themeChange(theme: ThemeName): Promise<void>;
  /** Access tokens the host handed the tab. */
  readonly issuedTokens: readonly string[];
}

let builtDir: string | undefined;

/** Compiles host-page.ts and index.html for the browser (once per test file). */
export async function buildEmulatedHost(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: HOST_DIR,
    base: HOST_PATH,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, minify: false, modulePreload: false },
  });
  builtDir = path.resolve(outDir);
}

async function hostFile(urlPath: string): Promise<{ body: Buffer; contentType: string } | undefined> {
  if (builtDir === undefined) throw new Error('buildEmulatedHost first');
  const relative = urlPath.slice(HOST_PATH.length) || 'index.html';
  const file = path.resolve(builtDir, relative);
  if (!file.startsWith(builtDir)) return undefined;
  try {
    if (!(await stat(file)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return {
    body: await readFile(file),
    contentType: file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8',
  };
}

const servedContexts = new WeakSet<BrowserContext>();

async function serveHostIn(context: BrowserContext): Promise<void> {
  if (servedContexts.has(context)) return;
  servedContexts.add(context);
  await context.grantPermissions(['local-network-access'], { origin: EMULATED_HOST_ORIGIN });
  // Registered after the context's local-only rule, so it is asked first for the host's origin.
  await context.route(`${EMULATED_HOST_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const file = url.pathname.startsWith(HOST_PATH) ? await hostFile(url.pathname) : undefined;
    if (file === undefined) {
      await route.fulfill({ status: 404, body: 'not part of the emulated host' });
      return;
    }
    await route.fulfill({ status: 200, contentType: file.contentType, body: file.body });
  });
}

function hostConfig(settings: HostSettings, tenantId: string): HostConfig {
  return {
    tabUrl: settings.tabUrl,
    frameContext: settings.frameContext,
    hostName: settings.hostName ?? 'Teams',
    hostClientType: 'web',
    theme: settings.theme ?? 'default',
    naaRecommended: settings.naaRecommended,
    entityId: settings.entityId ?? 'my-cases',
    subEntityId: settings.subPageId,
    locale: 'en-gb',
    user: { upn: settings.user.upn, name: settings.user.name, objectId: objectIdOf(settings.user.upn), tenantId },
    channel: settings.channel,
    savedSettings: settings.savedSettings,
  };
}

const REFUSED: TokenAnswer = {
  ok: false,
  status: 'USER_INTERACTION_REQUIRED',
  code: 'consent_required',
  description: 'The user or administrator has not consented to use the application.',
};

async function answerToken(
  settings: HostSettings,
  issuer: TokenIssuer,
  request: TokenRequest,
  issued: string[],
): Promise<TokenAnswer> {
  if (settings.tokens === 'refuse' || (settings.tokens === 'issue-once' && issued.length > 0)) return REFUSED;
  try {
    const tokens = await issuer.issue(
      settings.user,
      request,
      settings.tokenLifetimeSeconds === undefined ? {} : { lifetimeSeconds: settings.tokenLifetimeSeconds },
    );
    issued.push(tokens.accessToken);
    return { ok: true, ...tokens };
  } catch (error) {
    if (error instanceof TokenRefusal)
      return { ok: false, status: error.status, code: error.code, description: error.message };
    throw error;
  }
}

/** Opens a new page in `context` showing the emulated host, which frames `settings.tabUrl`. */
export async function openInEmulatedHost(
  context: BrowserContext,
  settings: HostSettings,
  issuer: TokenIssuer,
): Promise<EmulatedHost> {
  await serveHostIn(context);
  const page = await context.newPage();
  const config = hostConfig(settings, issuer.tenantId);
  const issuedTokens: string[] = [];
  await page.exposeBinding('__emulatedHostBackend', async (source, request: BackendRequest) => {
    // Playwright exposes bindings to every frame; only the host itself may mint tokens.
    if (source.frame !== page.mainFrame()) throw new Error('Only the emulated host may call its backend.');
    switch (request.kind) {
      case 'config':
        return config;
      case 'token':
        return answerToken(
          settings,
          issuer,
          request.flow === 'sso' ? { flow: 'sso' } : { flow: 'naa', clientId: request.clientId, scope: request.scope },
          issuedTokens,
        );
    }
  });
  await page.goto(`${EMULATED_HOST_ORIGIN}${HOST_PATH}`);
  const controls = <T>(expression: string): Promise<T> =>
    page.evaluate<T>(
      `(() => { const host = window.__emulatedHost; return host === undefined ? undefined : JSON.parse(JSON.stringify(${expression})); })()`,
    );
  return {
    page,
    tab: page.frameLocator('#tab'),
    tabFrame() {
      const frame = page.frames().find((f) => f.parentFrame() === page.mainFrame());
      if (!frame) throw new Error('The emulated host has not framed the tab yet.');
      return frame;
    },
    log: async () => (await controls<LoggedMessage[] | undefined>('host.log')) ?? [],
    fromTab: async (func) =>
      ((await controls<LoggedMessage[] | undefined>('host.log')) ?? []).filter(
        (m) => m.direction === 'tab→host' && m.func === func,
      ),
    state: async () =>
      (await controls<HostControls['state'] | undefined>('host.state')) ?? { valid: false, saveOutcome: 'none' },
    saved: async () => (await controls<unknown[] | undefined>('host.saved')) ?? [],
    themeChange: async (theme) => {
      await page.evaluate(`window.__emulatedHost.themeChange(${JSON.stringify(theme)})`);
    },
    issuedTokens,
  };
}
