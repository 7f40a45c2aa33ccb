import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCaseSummaryCard,
  buildOutcomeRecordedCard,
  buildReviewFormCard,
  caseSummaryView,
  escapeCardText,
  outcomeRecordedView,
  reviewFormView,
  type AdaptiveCardJson,
} from '../../src/cards/index.js';
import { londonDateOf } from '../../src/domain/calendar/index.js';
import { calendarFor } from '../../src/domain/case/index.js';
import { bcuRapidImprovementTargets } from '../../src/domain/procedures/index.js';
import { renderEmail } from '../../src/notify/email.js';
import { renderFormPdf } from '../../src/notify/form-pdf.js';
import { planNotifications } from '../../src/notify/plan.js';
import { parseCard } from '../cards/adaptive-cards-lib.js';
import { newTabContext, sharedBrowser, serveTab, signInAs, useBuiltTab, type TabServer } from '../tab/tab-harness.js';
import { addDays, bcuOpenBody, provider, startLocal, staff, type LocalTrellis, closeOpenCasesOf } from './kit.js';

/**
 * Injection: text people type (script, HTML, markdown, template expressions, spreadsheet
 * formulas, bidi and combining unicode, PDF syntax) goes in through the REST API like any
 * other text, and comes back out through every surface. It is stored verbatim; the tab shows
 * it as text (Chromium: no script runs, no element is injected); cards bind it as escaped data;
 * email HTML escapes it; the PDF draws it as text with no active content; the CSV export
 * neutralises formulas.
 */
const HOSTILE = {
  script: '<script>window.__pwned = "script"</script>',
  html: '<img src=x onerror="window.__pwned=\'img\'" data-pwned="1"><b data-pwned="1">bold</b>',
  attribute: '"><svg onload="window.__pwned=\'svg\'" data-pwned="1"></svg>',
  markdown: '[click me](https://evil.example/phish) ![x](https://evil.example/x.png) **loud** # heading',
  template: '${header.caseId} {{caseId}} @{caseId} ${$root}',
  formula: '=HYPERLINK("https://evil.example","open me")',
  unicode: 'Zoë \u202eevil\u202c Z\u0337\u0322a\u0336 👩‍🏫 \u200b',
  pdf: ') Tj /JavaScript (app.alert(1)) /OpenAction <<>> (',
} as const;
const ALL = Object.values(HOSTILE).join(' | ');
const BCU = provider('bcu');

let trellis: LocalTrellis;
let reviewedId = '';
let overdueId = '';
let courseLeader = '';

async function ok(
  reply: Promise<{ status: number; text: string; headers: Headers; body: unknown }>,
  status = 200,
): Promise<{ etag: string; body: Record<string, unknown> }> {
  const r = await reply;
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  return { etag: r.headers.get('etag') ?? '', body: r.body as Record<string, unknown> };
}

/** Opens a BCU case full of hostile text, drafts and agrees its plan. */
async function hostileCase(today: string): Promise<{ id: string; etag: string }> {
  const trainee = BCU.trainees[0] ?? staff(BCU, 'tutor');
  const mentor = staff(BCU, 'mentor');
  const open = bcuOpenBody('R-<b>1</b>-${x}-=1+1', {
    trainee,
    mentor,
    tutor: { upn: 'hostile.tutor@bcu.example', name: HOSTILE.formula },
  });
  await closeOpenCasesOf(trellis, courseLeader, trainee);
  const opened = await ok(
    trellis.request('POST', '/api/cases', {
      token: courseLeader,
      body: {
        ...open,
        placement: { school: `${HOSTILE.html} ${HOSTILE.unicode}`, phase: 'Primary', programme: BCU.programme },
      },
    }),
    201,
  );
  const id = String(opened.body.id);
  const link = (code: string) => ({ frameworkId: 'bcu-ite-formative-assessment-tracker', code });
  const plan = {
    plan: {
      concernStatement: ALL,
      concerns: [{ text: HOSTILE.markdown, links: [link('FAT7')] }],
      targets: [
        {
          text: HOSTILE.script,
          links: [link('FAT7')],
          actions: [
            { party: 'trainee', text: HOSTILE.attribute },
            { party: 'mentor', text: HOSTILE.template },
          ],
          successCriteria: HOSTILE.pdf,
        },
      ],
      trainingNeeds: HOSTILE.formula,
      reviewDate: addDays(today, 7),
    },
  };
  let etag = (
    await ok(
      trellis.request('PUT', `/api/cases/${id}/plan`, {
        token: courseLeader,
        body: plan,
        headers: { 'if-match': opened.etag },
      }),
    )
  ).etag;
  const traineeToken = await trellis.signIn(trainee.upn);
  etag = (
    await ok(
      trellis.request('POST', `/api/cases/${id}/perceptions`, {
        token: traineeToken,
        body: { text: `${HOSTILE.script} ${HOSTILE.unicode}` },
        headers: { 'if-match': etag },
      }),
    )
  ).etag;
  etag = (
    await ok(
      trellis.request('POST', `/api/cases/${id}/signatures`, {
        token: traineeToken,
        body: { role: 'trainee', typedName: trainee.name },
        headers: { 'if-match': etag },
      }),
    )
  ).etag;
  etag = (
    await ok(
      trellis.request('POST', `/api/cases/${id}/signatures`, {
        token: await trellis.signIn(mentor.upn),
        body: { role: 'mentor', typedName: mentor.name },
        headers: { 'if-match': etag },
      }),
    )
  ).etag;
  return { id, etag };
}

beforeAll(async () => {
  trellis = await startLocal();
  courseLeader = await trellis.signIn(BCU.courseTeam.upn);
  const today = await trellis.today();
  const reviewed = await hostileCase(today);
  reviewedId = reviewed.id;
  const mentorToken = await trellis.signIn(staff(BCU, 'mentor').upn);
  await ok(
    trellis.request('POST', `/api/cases/${reviewedId}/reviews`, {
      token: mentorToken,
      body: {
        progress: [{ targetId: 'T1', rating: 'met' }],
        evidence: ALL,
        notes: HOSTILE.html,
        outcomeId: 'sufficient_progress',
      },
      headers: { 'if-match': reviewed.etag },
    }),
  );
  overdueId = (await hostileCase(today)).id;
  // Thirty days on, the second case's review is overdue: its (hostile) tutor is in the CSV.
  await ok(trellis.request('POST', '/dev/clock', { body: { now: addDays(today, 30) } }));
});

afterAll(async () => {
  await trellis.close();
});

describe('hostile text, stored verbatim', () => {
  it('comes back from the API exactly as typed', async () => {
    const { body } = await ok(trellis.request('GET', `/api/cases/${reviewedId}`, { token: courseLeader }));
    const view = body as {
      reference: string;
      placement: { school: string };
      plan: {
        content: {
          concernStatement: string;
          concerns: { text: string }[];
          targets: { text: string; successCriteria: string; actions: { text: string }[] }[];
          trainingNeeds: string;
        };
      };
      reviews: { evidence: string; notes: string }[];
      people: { name: string }[];
    };
    expect(view.reference).toBe('R-<b>1</b>-${x}-=1+1');
    expect(view.placement.school).toBe(`${HOSTILE.html} ${HOSTILE.unicode}`.trim());
    expect(view.plan.content.concernStatement).toBe(ALL.trim());
    expect(view.plan.content.concerns[0]?.text).toBe(HOSTILE.markdown);
    expect(view.plan.content.targets[0]?.text).toBe(HOSTILE.script);
    expect(view.plan.content.targets[0]?.actions.map((a) => a.text)).toEqual([HOSTILE.attribute, HOSTILE.template]);
    expect(view.plan.content.targets[0]?.successCriteria).toBe(HOSTILE.pdf.trim());
    expect(view.plan.content.trainingNeeds).toBe(HOSTILE.formula);
    expect(view.reviews[0]?.evidence).toBe(ALL.trim());
    expect(view.reviews[0]?.notes).toBe(HOSTILE.html);
    expect(view.people.map((p) => p.name)).toContain(HOSTILE.formula);
  });

  it('the form document (HTML) escapes it', async () => {
    const reply = await trellis.request('GET', `/api/cases/${reviewedId}/form`, { token: courseLeader });
    expect(reply.status).toBe(200);
    for (const raw of ['<script>window', '<img src=x', '<svg onload', '<b data-pwned', 'data-pwned="1"'])
      expect(reply.text, raw).not.toContain(raw);
    expect(tagsIn(reply.text)).not.toContain('img');
    expect(reply.text).not.toContain(HOSTILE.script);
    expect(reply.text).toContain('&lt;script&gt;window.__pwned');
  });

  it('the CSV export neutralises formulas in people’s names', async () => {
    const reply = await trellis.request('GET', '/api/reports?format=csv', { token: courseLeader });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(`"'=HYPERLINK(""https://evil.example"",""open me"")"`);
    const cells = reply.text.split(/\r\n/).flatMap((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
    expect(cells.filter((c) => /^"?[=+\-@]/.test(c))).toEqual([]);
  });
});

/** Element names of every tag in an HTML string. */
function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
}

describe('hostile text in cards, email and PDF', () => {
  async function stored() {
    const found = await trellis.running.repository.find(reviewedId);
    if (!found) throw new Error('case not found');
    return found;
  }

  it('cards parse, and carry the text as escaped data: no markdown link, no template expression evaluated', async () => {
    const { state } = await stored();
    const source = {
      procedure: bcuRapidImprovementTargets,
      state,
      links: {
        appId: '00000000-0000-0000-0000-000000000001',
        tabEntityId: 'my-cases',
        publicUrl: 'https://trellis.example',
      },
      today: londonDateOf(new Date()),
    };
    const cards: [string, AdaptiveCardJson][] = [
      ['case summary', buildCaseSummaryCard(caseSummaryView(source))],
      ['outcome recorded', buildOutcomeRecordedCard(outcomeRecordedView(source))],
      [
        'review form (read only)',
        buildReviewFormCard(reviewFormView(source, { editable: false, teamsUserIdOf: () => undefined })),
      ],
    ];
    for (const [name, card] of cards) {
      expect(parseCard(card).errors, name).toEqual([]);
      const json = JSON.stringify(card);
      // The hostile reference heads every card, escaped once for markdown (so there was something to escape).
      expect(json, name).toContain(JSON.stringify(escapeCardText('R-<b>1</b>-${x}-=1+1')).slice(1, -1));
      expect(json, name).not.toContain('[click me](https://evil.example/phish)');
      expect(json, name).not.toContain('![x](https://evil.example/x.png)');
      // The template engine did not evaluate the typed expressions into the case's data.
      expect(json, name).not.toMatch(new RegExp(`${reviewedId} \\{\\{caseId\\}\\}`));
    }
  });

  it('emails escape every string: only the template’s own tags', async () => {
    const { state, events } = await stored();
    const last = events.at(-1);
    if (!last) throw new Error('the case has no events');
    const notifications = planNotifications({
      procedure: bcuRapidImprovementTargets,
      before: undefined,
      after: state,
      events,
      config: { courseMailbox: 'course@bcu.example' },
      // Planned on the day of the case's last command, as the server planned it.
      today: last.on,
      calendar: calendarFor(bcuRapidImprovementTargets),
    });
    const emails = notifications.filter((n) => n.channel === 'email');
    expect(emails.length).toBeGreaterThan(0);
    let sawHostile = false;
    for (const notification of emails) {
      const { subject, html } = renderEmail(notification, { caseLink: 'https://trellis.example/cases/x' });
      expect(subject).not.toMatch(/[\r\n]/);
      expect(new Set(tagsIn(html))).toEqual(
        new Set(tagsIn(html).filter((t) => ['html', 'body', 'h1', 'p', 'em', 'a'].includes(t))),
      );
      expect(html).not.toContain('data-pwned="1"');
      if (html.includes('&lt;b&gt;1&lt;/b&gt;') || html.includes('&lt;script&gt;')) sawHostile = true;
    }
    expect(sawHostile, 'some email carries the hostile text, escaped').toBe(true);
  });

  it('the PDF draws the text as text and has no active content', async () => {
    const { state } = await stored();
    const bytes = await renderFormPdf(bcuRapidImprovementTargets, state, { compress: false });
    const pdf = Buffer.from(bytes).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    for (const active of [
      '/JavaScript',
      '/JS ',
      '/Launch',
      '/OpenAction',
      '/SubmitForm',
      '/EmbeddedFile',
      '/AA ',
      '/RichMedia',
    ])
      expect(pdf, active).not.toContain(active);
    // The hostile text comes back as text when a reader copies it (poppler's pdftotext): drawn as
    // glyphs of the embedded fonts, never as PDF syntax.
    const dir = mkdtempSync(path.join(tmpdir(), 'trellis-injection-pdf-'));
    try {
      const file = path.join(dir, 'form.pdf');
      writeFileSync(file, bytes);
      const drawn = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      expect(drawn.replace(/\s+/g, ' ')).toContain('<script>window.__pwned');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile text in the tab (Chromium)', () => {
  let tabDir = '';
  let tab: TabServer;
  let browser: Browser;

  beforeAll(async () => {
    tabDir = await mkdtemp(path.join(tmpdir(), 'trellis-injection-tab-'));
    await useBuiltTab(tabDir);
    tab = await serveTab(trellis.url);
    browser = await sharedBrowser();
  });

  afterAll(async () => {
    await tab.close();
    await rm(tabDir, { recursive: true, force: true });
  });

  it.each([
    ['the course leader, on the reviewed case', () => reviewedId],
    ['the course leader, on the overdue case', () => overdueId],
  ])(
    '%s: shown as text, no script runs, no element injected',
    async (_name, id) => {
      const context = await newTabContext(browser);
      try {
        const page = await context.newPage();
        const dialogs: string[] = [];
        page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
        await signInAs(page, tab.url, BCU.courseTeam.name);
        await page.goto(`${tab.url}/cases/${id()}`);
        await page.getByText(HOSTILE.formula).first().waitFor({ timeout: 30_000 });
        // A string, evaluated in the page: this file compiles without the DOM library.
        const found = await page.evaluate<{
          pwned: unknown;
          injected: number;
          scripts: string[];
          links: string[];
          text: string;
        }>(`({
        pwned: window.__pwned ?? null,
        injected: document.querySelectorAll('[data-pwned], img[src="x"], [onerror], [onload]').length,
        scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src') ?? 'inline'),
        links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? '').filter((href) => /evil\\.example|^javascript:/i.test(href)),
        text: document.body.innerText,
      })`);
        expect(found.pwned).toBeNull();
        expect(found.injected).toBe(0);
        expect(found.scripts.every((src) => src.startsWith('/assets/'))).toBe(true);
        expect(found.links).toEqual([]);
        expect(dialogs).toEqual([]);
        // The typed text is on the page, as text.
        expect(found.text).toContain('<img src=x onerror=');
        expect(found.text).toContain(HOSTILE.formula);
      } finally {
        await context.close();
      }
    },
    90_000,
  );
});
