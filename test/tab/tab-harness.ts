import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { expect, inject, onTestFailed } from 'vitest';
import { loadDevClock } from '../../src/dev/local-mode/dev-clock.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { CONTENT_SECURITY_POLICY } from '../../src/server/http/security-headers.js';
import { silentLogger } from '../../src/app/logger.js';
import { caseInput, people } from '../server/fixtures.js';
import { buildTab } from './build-tab.js';
import { TAB_NOW } from './tab-today.js';
import { startTenantModeServer, type TenantModeServer, type TenantUser } from './host/tenant-mode.js';

/**
 * What the end-to-end tests run the tab on: build/tab served at `/` with an SPA fallback (what
 * the server is asked to do), /api and /dev passed through to an in-process local-mode server,
 * and Debian's Chromium driven by playwright-core, which reaches nothing but this machine
 * (test/support/chromium.ts).
 */
export let TAB_DIR = path.resolve('build/tab');

/**
 * Points serveTab at a production build of the tab, and returns its folder: the one the `tab`
 * project's global setup built for the whole run (test/tab/global-setup.ts), or, for a file run
 * outside that project, one built here into `scratchDir` (a temp folder of the test's).
 */
export async function useBuiltTab(scratchDir: string): Promise<string> {
  const shared = inject('builtTabDir') as string | undefined;
  const dir = shared ?? path.join(scratchDir, 'tab');
  if (shared === undefined) await buildTab(dir);
  TAB_DIR = path.resolve(dir);
  return TAB_DIR;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

async function fileFor(urlPath: string): Promise<string | undefined> {
  const resolved = path.resolve(TAB_DIR, `.${decodeURIComponent(urlPath)}`);
  if (!resolved.startsWith(TAB_DIR)) return undefined;
  try {
    return (await stat(resolved)).isFile() ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/** An empty page of the tab's origin, where signedInAs leaves a page between two tests. */
const BETWEEN_TESTS_PATH = '/.between-tests';

export interface TabServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveTab(apiUrl: string): Promise<TabServer> {
  const api = new URL(apiUrl);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/dev/') || url.pathname === '/dev') {
      const upstream = httpRequest(
        {
          hostname: api.hostname,
          port: api.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: api.host },
        },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      // Said in the page (the tab shows a problem's detail), so a failure's screenshot names the cause.
      upstream.on('error', (error) => {
        if (res.headersSent) {
          res.destroy(error);
          return;
        }
        res.writeHead(502, { 'content-type': 'application/problem+json' }).end(
          JSON.stringify({
            type: 'about:blank',
            title: 'The test proxy could not reach Trellis',
            status: 502,
            code: 'test_proxy',
            detail: `The tab test's proxy could not reach Trellis for ${req.method ?? ''} ${req.url ?? ''}: ${error.message}`,
          }),
        );
      });
      req.pipe(upstream);
      return;
    }
    if (url.pathname === BETWEEN_TESTS_PATH) {
      res
        .writeHead(200, { 'content-type': TYPES['.html'], 'content-security-policy': CONTENT_SECURITY_POLICY })
        .end('<!doctype html><title>Between tests</title>');
      return;
    }
    void (async () => {
      const file =
        (await fileFor(url.pathname)) ??
        (url.pathname.startsWith('/assets/') ? undefined : path.join(TAB_DIR, 'index.html'));
      if (file === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
      });
      res.end(await readFile(file));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * How long one step (a click, a wait for some text) may take before the test fails naming that
 * step: well inside the test's own timeout, and room enough for a machine busy with other work.
 */
export const STEP_TIMEOUT_MS = 20_000;

export async function launchBrowser(): Promise<Browser> {
  return launchChromium(CHROMIUM);
}

let workerBrowser: Promise<Browser> | undefined;

/**
 * One Chromium for every tab file this test worker runs (the `tab` project does not isolate its
 * files, so this module outlives each file): each test still gets a fresh context (own storage,
 * own routes), and starting Chromium once instead of once a file spares the cores. Playwright
 * closes it when the worker exits; a browser that went away is started again.
 */
export async function sharedBrowser(): Promise<Browser> {
  const current = await workerBrowser?.catch(() => undefined);
  if (current?.isConnected() === true) return current;
  workerBrowser = launchBrowser();
  return workerBrowser;
}

/** The size of a page newTabContext opens (a UK desktop), put back on a page a test had resized. */
const DESKTOP = { width: 1366, height: 900 } as const;

/** A fresh browser profile sized, and in the language and time zone, of a UK desktop. */
export function newTabContext(browser: Browser): Promise<BrowserContext> {
  // Reduced motion: Fluent skips its transitions, so no step waits for an animation to settle.
  return browser.newContext({
    viewport: DESKTOP,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    reducedMotion: 'reduce',
  });
}

/**
 * Signs in through the server's own dev sign-in page, as a person would, and lands on `landOn`
 * (a path on the tab, `/` the home): given a page, the sign-in page's `returnTo` takes them
 * straight there, as a signed-out deep link does, instead of loading the home first and then
 * that page (every full load costs Chromium about a second of CPU).
 */
export async function signInAs(page: Page, tabUrl: string, personName: string, landOn = '/'): Promise<void> {
  await page.goto(`${tabUrl}/dev/sign-in${landOn === '/' ? '' : `?returnTo=${encodeURIComponent(landOn)}`}`);
  const item = page.locator('li', { hasText: personName }).first();
  await item.getByRole('button', { name: 'Sign in' }).click();
  const landing = new URL(landOn, tabUrl).href;
  await page.waitForURL((url) => url.href === landing);
}

/**
 * Opens the new-case wizard the way the course team does, with "Open a case" on the dashboard
 * signInAs landed on. By then the tab knows who they are, so the wizard starts with their
 * programme; opened straight from its address, the wizard can start before the tab has asked,
 * and then leaves the programme for the person to choose. `query` (e.g. `?theme=dark`) is kept.
 */
export async function openWizard(page: Page, tabUrl: string, query = ''): Promise<void> {
  if (query !== '') await page.goto(`${tabUrl}/${query}`);
  await page.getByRole('button', { name: 'Open a case' }).click();
  await page.waitForURL((url) => url.pathname === '/cases/new');
}

const AXE_SOURCE = readFile(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[]; readonly failureSummary?: string }[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 AA rules). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the app's CSP (no inline script) still applies to
  // the app; once per document (compiling axe costs Chromium a fifth of a second each time).
  if (!(await page.evaluate<boolean>(`typeof axe === 'object'`))) await page.evaluate(await AXE_SOURCE);
  const result = await page.evaluate<{ violations: AxeViolation[] }>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })`,
  );
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export const describeViolations = (violations: readonly AxeViolation[]): string =>
  violations
    .map(
      (v) =>
        `${v.id} (${v.impact ?? ''}): ${v.help}\n  ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`)
          .join('\n  ')}`,
    )
    .join('\n');

/**
 * What every tab e2e file starts: local mode in a temp folder with the dev clock at TAB_NOW, the
 * tab built into it and served in front of local mode, and Chromium. `page()` opens a fresh,
 * local-only context; `close()` stops everything and removes the folder.
 */
export interface TabEnvironment {
  readonly local: RunningLocalMode;
  readonly tab: TabServer;
  readonly browser: Browser;
  readonly dataDir: string;
  page(): Promise<Page>;
  /** Keeps a browser context to be closed with the environment. */
  track(context: BrowserContext): BrowserContext;
  /** Where signedInAs keeps each person's browser session for this file. */
  readonly sessions: Map<string, BrowserSession>;
  /** A dev sign-in token for API calls made by the test itself. */
  token(upn: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTabEnvironment(
  prefix: string,
  options: { readonly schedule?: boolean } = {},
): Promise<TabEnvironment> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `trellis-${prefix}-`));
  const seeded = inject('seededLocalModeDir') as string | undefined;
  // The run's seeded copy (test/tab/global-setup.ts) has the clock at TAB_NOW and the demo data
  // loaded, so local mode finds both and loads nothing; without it, set the clock first, so the
  // demo data is loaded on that day too.
  if (seeded !== undefined) await cp(seeded, dataDir, { recursive: true });
  else await loadDevClock(dataDir).set(TAB_NOW);
  const [local] = await Promise.all([
    startLocalMode({
      dataDir,
      port: 0,
      durability: 'none',
      logger: silentLogger,
      ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    }),
    useBuiltTab(dataDir),
  ]);
  const tab = await serveTab(local.url);
  const browser = await sharedBrowser();
  const contexts: BrowserContext[] = [];
  return {
    local,
    tab,
    browser,
    dataDir,
    sessions: new Map(),
    track(context) {
      contexts.push(context);
      return context;
    },
    page: async () => {
      const context = await newTabContext(browser);
      contexts.push(context);
      return keptOnFailure(await context.newPage());
    },
    token: async (upn) => {
      const reply = await fetch(`${local.url}/dev/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ upn }),
      });
      return ((await reply.json()) as { token: string }).token;
    },
    close: async () => {
      for (const context of contexts) await context.close();
      await tab.close();
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh page from `env` whose steps fail on the step that waits (STEP_TIMEOUT_MS), not on the test's timeout, so the report names the locator. */
export async function freshPage(env: TabEnvironment): Promise<Page> {
  const page = await env.page();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return page;
}

/** A person's browser in one file: a context signed in once, and what its storage then held. */
export interface BrowserSession {
  readonly context: BrowserContext;
  readonly signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  /** The page last handed out, and the test it was handed to. */
  last: { readonly page: Page; readonly test: string | undefined };
}

/**
 * A page of `personName`'s, signed in and on `landOn` (a path on the tab, `/` the home), whose
 * steps fail on the step that waits (as freshPage).
 *
 * The first time in a file, a fresh local-only context signs in through the dev sign-in page, as
 * a person would (signInAs). In a later test, the person comes back to the tab in the same
 * browser tab: the page leaves the tab for an empty page of the same origin (so nothing of the
 * earlier test's page runs on), its routes are removed and its size put back, its storage is put
 * back to what it held just after signing in (their token; no drafts, nothing an earlier test
 * typed), and it opens `landOn`. A second page for the same person within one test is a second
 * browser (a fresh context, signed in). A new context and a sign-in for every test would cost
 * Chromium a new renderer, an empty cache and two full page loads each time, and a new page in
 * the same context a new renderer, for nothing those tests look at; what signing in does is proven
 * by the tests that use freshPage and signInAs themselves (tab-journeys' sign-in tests,
 * browser-sign-in). `viewport` sizes the page before anything loads. A test that listens to its
 * page's events or installs the page's clock uses freshPage: listeners and a clock would stay on
 * a page handed out again.
 */
export async function signedInAs(
  env: TabEnvironment,
  personName: string,
  landOn = '/',
  options: { readonly viewport?: { readonly width: number; readonly height: number } } = {},
): Promise<Page> {
  const test = expect.getState().currentTestName;
  const open = async (context: BrowserContext): Promise<Page> => {
    const page = keptOnFailure(await context.newPage());
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    if (options.viewport !== undefined) await page.setViewportSize(options.viewport);
    return page;
  };
  const session = env.sessions.get(personName);
  if (session === undefined || session.last.test === test) {
    const context = env.track(await newTabContext(env.browser));
    const page = await open(context);
    await signInAs(page, env.tab.url, personName, landOn);
    if (session === undefined)
      env.sessions.set(personName, { context, signedIn: await context.storageState(), last: { page, test } });
    return page;
  }
  const earlier = session.last.page;
  const page = earlier.isClosed() ? await open(session.context) : keptOnFailure(earlier);
  if (page === earlier) {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.setViewportSize(options.viewport ?? DESKTOP);
  }
  await restoreSignedIn(page, env.tab.url, session);
  session.last = { page, test };
  const landing = new URL(landOn, env.tab.url).href;
  await page.goto(landing);
  await page.waitForURL((url) => url.href === landing);
  return page;
}

/**
 * Puts the session's storage back to what it held just after signing in, with `page` left on the
 * tab server's empty page. Leaving a form with unsaved changes asks "Leave site?"; the person
 * leaves.
 */
async function restoreSignedIn(page: Page, tabUrl: string, session: BrowserSession): Promise<void> {
  const leave = (dialog: Dialog): void => {
    if (dialog.type() === 'beforeunload') void dialog.accept();
  };
  page.on('dialog', leave);
  try {
    await page.goto(new URL(BETWEEN_TESTS_PATH, tabUrl).href);
  } finally {
    page.off('dialog', leave);
  }
  await session.context.clearCookies();
  await session.context.addCookies(session.signedIn.cookies);
  const origin = new URL(tabUrl).origin;
  const stored = session.signedIn.origins.find((o) => o.origin === origin)?.localStorage ?? [];
  // A string, as the other page scripts here: the tests are compiled without the DOM's types.
  await page.evaluate(
    `localStorage.clear(); sessionStorage.clear(); for (const { name, value } of ${JSON.stringify(stored)}) localStorage.setItem(name, value);`,
  );
}

/**
 * When the test that opened `page` fails, a screenshot of the page as it then was goes to
 * build/test-output/failures/ (ignored by git): what a timed-out step was looking at.
 */
export function keptOnFailure(page: Page): Page {
  try {
    onTestFailed(async ({ task }) => {
      const name = `${path.basename(task.file.name, '.ts')}-${task.name}`.replace(/[^\w.-]+/g, '-').slice(0, 150);
      await page
        .screenshot({ path: path.resolve('build/test-output/failures', `${name}.png`), fullPage: true })
        .catch(() => undefined);
    });
  } catch {
    // Opened outside a test (in a hook): nothing to attach it to.
  }
  return page;
}

/** People of the tenant-mode tests: a tutor named on case A, and a course leader (CourseTeam app role). */
export const TENANT_TUTOR: TenantUser = { upn: people.tutorA.id, name: people.tutorA.name, roles: [] };
export const TENANT_COURSE_LEAD: TenantUser = {
  upn: 'course.lead@uni.example',
  name: 'Mark Whitfield',
  roles: ['CourseTeam'],
};

export interface TenantTabEnvironment {
  readonly server: TenantModeServer;
  readonly browser: Browser;
  readonly dataDir: string;
  /** Keeps a browser context to be closed with the environment. */
  track(context: BrowserContext): BrowserContext;
  close(): Promise<void>;
}

/**
 * The built tab served by Trellis in tenant mode (test identity provider, Graph emulator) with
 * cases A and B seeded, and Chromium. `alsoBuild` builds anything else the test serves (the
 * emulated host) into a folder of the environment's, alongside the tab.
 */
export async function startTenantTabEnvironment(
  prefix: string,
  options: { readonly courseTeamProgrammes: string; readonly alsoBuild?: (dir: string) => Promise<void> },
): Promise<TenantTabEnvironment> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `trellis-${prefix}-`));
  const [tabDir] = await Promise.all([useBuiltTab(dataDir), options.alsoBuild?.(path.join(dataDir, 'extra'))]);
  const server = await startTenantModeServer({
    tabDir,
    courseTeamProgrammes: options.courseTeamProgrammes,
  });
  await server.seedCase('case-a', caseInput('A'));
  await server.seedCase('case-b', caseInput('B'));
  const browser = await sharedBrowser();
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    dataDir,
    track(context) {
      contexts.push(context);
      return context;
    },
    close: async () => {
      for (const context of contexts) await context.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
