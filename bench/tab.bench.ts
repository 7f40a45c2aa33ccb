/**
 * Tab benchmark: the initial JavaScript and CSS a browser downloads before the
 * dashboard can start (gzip), and the time from navigation to an interactive dashboard listing
 * 1,000 cases, in Debian's Chromium against local mode (real server, Graph emulator, real tab
 * build). Run: `npm run bench:tab` (BENCH_TAB_CASES and BENCH_TAB_RUNS to change it).
 * Goal: initial JavaScript at most 300 KB gzip.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { launchChromium } from '../test/support/chromium.js';
import { londonDateOf, addDays } from '../src/domain/calendar/index.js';
import {
  calendarFor,
  editPlan,
  editPlanInputSchema,
  openCase,
  signPlan,
  type CommandContext,
  type CommandResult,
} from '../src/domain/case/index.js';
import type { Actor, CaseState } from '../src/domain/case/types.js';
import { bcuRapidImprovementTargets as procedure } from '../src/domain/procedures/index.js';
import { startLocalMode } from '../src/compose/local.js';
import { silentLogger } from '../src/app/logger.js';
import { median, ms, percentile, writeSection } from './results.js';

const CASES = Number(process.env.BENCH_TAB_CASES ?? 1000);
const RUNS = Number(process.env.BENCH_TAB_RUNS ?? 15);
const LOAD_CONCURRENCY = 16;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PROGRAMME = 'PGCE Primary and Early Years 2026/27';
const LEADER: Actor = { id: 'mark.whitfield@bcu.example', name: 'Mark Whitfield', appRoles: ['course_team'] };

/** The production build (NODE_ENV=production: React's production build, as shipped). */
async function buildTab(outDir: string): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.resolve('src/tab/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = before;
  }
}

interface AssetSize {
  readonly file: string;
  readonly raw: number;
  readonly gzip: number;
}

async function sizeOf(dir: string, file: string): Promise<AssetSize> {
  const bytes = await readFile(path.join(dir, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes).length };
}

/** What index.html makes the browser fetch at once: the entry script, its module preloads and stylesheets. */
async function initialAssets(dir: string): Promise<{ js: AssetSize[]; css: AssetSize[]; lazyJs: AssetSize[] }> {
  const html = await readFile(path.join(dir, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  const js = await Promise.all(refs.filter((r) => r.endsWith('.js')).map((r) => sizeOf(dir, r)));
  const css = await Promise.all(refs.filter((r) => r.endsWith('.css')).map((r) => sizeOf(dir, r)));
  const all = (await readdir(path.join(dir, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  const lazyJs = await Promise.all(all.filter((f) => !refs.includes(f)).map((f) => sizeOf(dir, f)));
  return { js, css, lazyJs };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const sum = (list: readonly AssetSize[], key: 'raw' | 'gzip'): number => list.reduce((n, a) => n + a[key], 0);

/** One BCU case with its plan agreed, built by the real commands and stored in one create. */
function agreedCase(i: number, now: Date): { state: CaseState; events: CommandResult['events'] } {
  const ctx = (actor: Actor): CommandContext => ({ procedure, calendar: calendarFor(procedure), now, actor });
  const trainee = {
    role: 'trainee',
    id: `trainee${i}@mail.bcu.example`,
    name: `Trainee ${String(i).padStart(4, '0')}`,
    email: `trainee${i}@mail.bcu.example`,
  };
  const mentor = {
    role: 'mentor',
    id: `mentor${i % 150}@school.example`,
    name: `Mentor ${i % 150}`,
    email: `mentor${i % 150}@school.example`,
  };
  const tutor = {
    role: 'tutor',
    id: `tutor${i % 30}@bcu.example`,
    name: `Tutor ${i % 30}`,
    email: `tutor${i % 30}@bcu.example`,
  };
  const opened = openCase(
    ctx(LEADER),
    { caseId: `bench-tab-${i}`, previousCases: 0 },
    {
      reference: `BCU-B-${String(i).padStart(5, '0')}`,
      reasons: ['not_expected_progress'],
      people: [trainee, mentor, tutor],
      placement: {
        school: `School ${i % 200}`,
        subject: undefined,
        phase: 'Primary',
        programme: PROGRAMME,
        startsOn: undefined,
        endsOn: undefined,
      },
    },
  );
  const events = [...opened.events];
  let state = opened.state;
  const step = (result: CommandResult): void => {
    state = result.state;
    events.push(...result.events);
  };
  const link = { frameworkId: 'bcu-ite-formative-assessment-tracker', code: 'FAT7' };
  step(
    editPlan(
      ctx(LEADER),
      state,
      editPlanInputSchema.parse({
        plan: {
          concernStatement: 'Lessons start slowly.',
          concerns: [{ text: 'Low-level disruption.', links: [link] }],
          targets: [
            {
              text: 'Establish routines',
              links: [link],
              actions: [
                { party: 'trainee', text: 'Practise.' },
                { party: 'mentor', text: 'Model a transition.' },
              ],
              successCriteria: 'Seen in lessons.',
              timescale: 'Two weeks',
            },
          ],
          reviewDate: addDays(londonDateOf(now), 1 + (i % 20)),
        },
      }),
    ),
  );
  step(
    signPlan(ctx({ id: trainee.id, name: trainee.name, appRoles: [] }), state, {
      role: 'trainee',
      typedName: trainee.name,
    }),
  );
  step(
    signPlan(ctx({ id: mentor.id, name: mentor.name, appRoles: [] }), state, {
      role: 'mentor',
      typedName: mentor.name,
    }),
  );
  return { state, events };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-tab-bench-'));
  const tabDir = path.join(dataDir, 'tab');
  await buildTab(tabDir);
  const assets = await initialAssets(tabDir);

  const local = await startLocalMode({
    dataDir: path.join(dataDir, 'local'),
    port: 0,
    durability: 'none',
    logger: silentLogger,
    tabDir,
    schedule: false,
  });
  const now = local.clock.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      for (let i = next++; i < CASES; i = next++) await local.repository.create(agreedCase(i, now));
    }),
  );
  const token = await local.keys.sign(
    { upn: LEADER.id, name: LEADER.name, roles: ['CourseTeam'], programmes: [PROGRAMME] },
    new Date(),
  );
  const listed = (await (
    await fetch(`${local.url}/api/cases?status=open&limit=1`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { total: number };

  const browser = await launchChromium(CHROMIUM);
  const times: number[] = [];
  const warm: number[] = [];
  try {
    // Cold: a fresh profile each run (nothing cached). Warm: the same profile again (assets cached, as on a second visit).
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      // Scripts run in the page as text (this file is type-checked without the DOM library).
      await context.addInitScript({ content: `localStorage.setItem('trellis.token', ${JSON.stringify(token)});` });
      const page = await context.newPage();
      for (const bucket of [times, warm]) {
        await page.goto(`${local.url}/`, { waitUntil: 'commit' });
        // Interactive: the table lists every open case and its first link can be clicked.
        // Checked every animation frame inside the page (evaluated through DevTools, so the app's CSP, which forbids eval, still holds).
        const interactiveAt = `new Promise((resolve) => {
          const check = () => document.querySelectorAll('table[aria-label="Cases"] tbody tr a[href^="/cases/"]').length >= ${listed.total} ? resolve(performance.now()) : requestAnimationFrame(check);
          check();
        })`;
        bucket.push(await page.evaluate<number>(interactiveAt));
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await local.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  const initialJs = sum(assets.js, 'gzip');
  const body = [
    '## Tab: initial bundle and time to an interactive dashboard',
    '',
    'Initial assets are what `index.html` makes the browser fetch before anything else (entry script, module preloads, stylesheets), production build, gzip (Node zlib, default level):',
    '',
    '| | files | raw | gzip |',
    '|---|---|---|---|',
    `| initial JavaScript | ${assets.js.length} | ${kb(sum(assets.js, 'raw'))} | ${kb(initialJs)} |`,
    `| initial CSS | ${assets.css.length} | ${kb(sum(assets.css, 'raw'))} | ${kb(sum(assets.css, 'gzip'))} |`,
    `| loaded on demand (case workspace, wizard, reports, teams-js, MSAL, …) | ${assets.lazyJs.length} | ${kb(sum(assets.lazyJs, 'raw'))} | ${kb(sum(assets.lazyJs, 'gzip'))} |`,
    '',
    `Goal: initial JavaScript at most 300 KB gzip — ${initialJs <= 300 * 1024 ? 'met' : 'NOT met'} (${kb(initialJs)}).`,
    '',
    `Time to an interactive dashboard: from navigation start (\`performance.now()\` in the page) until the table lists all ${listed.total.toLocaleString('en-GB')} open cases of a course leader's programme with their links, in Chromium (headless) against local mode on this machine (server, Graph emulator and browser sharing its cores). ${RUNS} runs; "cold" is a fresh profile, "warm" the same profile reloaded (assets from cache, API answered again).`,
    '',
    '| | median | p95 | min | max |',
    '|---|---|---|---|---|',
    `| cold | ${ms(median(times))} | ${ms(percentile(times, 95))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`,
    `| warm | ${ms(median(warm))} | ${ms(percentile(warm, 95))} | ${ms(Math.min(...warm))} | ${ms(Math.max(...warm))} |`,
    '',
    `The dashboard reads every case the person may see in pages of 500 (${Math.ceil(listed.total / 500)} list ${Math.ceil(listed.total / 500) === 1 ? 'request' : 'requests'} here, with the procedures and GET /api/me alongside) and renders the table without virtualisation.`,
  ].join('\n');
  await writeSection('tab', body);
  process.stdout.write(`${body}\n`);
}

await main();
