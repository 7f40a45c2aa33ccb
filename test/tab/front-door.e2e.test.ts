import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { docsImagesDir } from '../docs-images.js';
import {
  describeViolations,
  freshPage,
  seriousViolations,
  signInAs,
  startTabEnvironment,
  STEP_TIMEOUT_MS,
  type TabEnvironment,
} from './tab-harness.js';

/**
 * Everyone's front door, in Chromium against local mode's demo data on the pinned day (Monday
 * 23 November 2026): each kind of person's home ("What you need to do", then their cases; the
 * cohort dashboard for the course team only), each job reached from the home in at most three
 * clicks, and the case page leading with its next step.
 */
let env: TabEnvironment;
const SCREENSHOTS = docsImagesDir('screenshots');

beforeAll(async () => {
  env = await startTabEnvironment('front-door');
}, 180_000);

afterAll(async () => {
  await env.close();
});

const todoList = (page: Page) => page.getByRole('list', { name: 'What you need to do' });
const todoItem = (page: Page, text: string) => todoList(page).getByRole('listitem').filter({ hasText: text });

/** The id of the form anchor holding the focused element, or '' when focus is elsewhere. */
const focusedForm = (page: Page): Promise<string> =>
  page.evaluate<string>(
    `document.activeElement?.closest('[data-form-anchor]')?.getAttribute('data-form-anchor') ?? ''`,
  );

/** The top of an element is in the first screen (no scrolling needed to see it). */
async function onFirstScreen(page: Page, selector: string): Promise<boolean> {
  return page.evaluate<boolean>(
    `(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return false; const top = e.getBoundingClientRect().top; return top >= 0 && top < window.innerHeight; })()`,
  );
}

async function apiAs(upn: string, method: string, route: string, body?: unknown, etag?: string): Promise<Response> {
  return fetch(`${env.local.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${await env.token(upn)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(etag === undefined ? {} : { 'if-match': etag }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('each person’s home', () => {
  it('a trainee: what they need to do and their case, never the cohort’s tiles', async () => {
    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Aisha Rahman');
    await page.getByRole('heading', { name: 'What you need to do', level: 1 }).waitFor();
    await todoItem(page, 'BCU-RIT-2026-103').getByText('On Wed, 25 Nov 2026').waitFor();
    await page.getByRole('heading', { name: 'Your cases' }).waitFor();
    await page.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Aisha Rahman' }).waitFor();
    expect(await page.locator('[data-count]').count()).toBe(0);
    expect(await page.getByLabel('Programme').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'home-trainee.png'), fullPage: true });
  });

  it('a trainee signs their plan from the home in three clicks: the item, the tick, Sign', async () => {
    // An administrator (course team everywhere, on no case) finishes Priya's draft with a review date.
    const admin = 'trellis.admin@trellis.example';
    const caseUrl = '/api/cases/demo-bcu-drafting';
    const current = await apiAs(admin, 'GET', caseUrl);
    const view = (await current.json()) as { plan: { content: Record<string, unknown> } };
    const edited = await apiAs(
      admin,
      'PUT',
      `${caseUrl}/plan`,
      { plan: { ...view.plan.content, reviewDate: '2026-12-04' } },
      current.headers.get('etag') ?? '',
    );
    expect(edited.status, await edited.text()).toBe(200);

    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Priya Sharma');
    await todoItem(page, 'BCU-RIT-2026-101')
      .getByRole('link', { name: /^Sign the plan/ })
      .click();
    await page.waitForURL((url) => url.pathname === '/cases/demo-bcu-drafting' && url.hash === '#sign');
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('sign');
    expect(await onFirstScreen(page, '#form-sign')).toBe(true);
    await page.getByRole('checkbox', { name: 'I agree to the statement above' }).check();
    await page.keyboard.press('Tab');
    await page.getByLabel('Type your full name to sign').fill('Priya Sharma');
    await page.getByRole('button', { name: 'Sign the plan' }).last().click();
    await page
      .getByTestId('next-step')
      .getByText(/^Awaited from .*Gareth Evans/)
      .waitFor();
  });

  it('a mentor: the reviews due, each opening the review form at the top of the screen', async () => {
    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Gareth Evans');
    const item = todoItem(page, 'BCU-RIT-2026-103');
    await item.getByText('By Wed, 25 Nov 2026').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'home-mentor.png'), fullPage: true });
    await item.getByRole('link', { name: /^Complete the review/ }).click();
    await page.waitForURL((url) => url.hash === '#review');
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('review');
    expect(await onFirstScreen(page, '#form-review')).toBe(true);
  });

  it('a tutor: the reviews they share, and the case page leading with the next step and its button', async () => {
    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Helen Okafor');
    await todoItem(page, 'BCU-RIT-2026-105').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'home-tutor.png'), fullPage: true });
    await page.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Megan Hughes' }).click();
    const next = page.getByTestId('next-step');
    await next.getByText(/^Awaited from you or Gareth Evans/).waitFor();
    expect(await onFirstScreen(page, '[data-testid="next-step"]')).toBe(true);
    await next.getByRole('link', { name: 'Complete the review' }).click();
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('review');
  });

  it('the course team: what waits on them, then the cohort dashboard', async () => {
    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Mark Whitfield');
    const followUp = todoItem(page, 'BCU-RIT-2026-104');
    await followUp.getByText('For the course team').waitFor();
    await followUp.getByText('Overdue: due Thu, 19 Nov 2026').waitFor();
    await page.locator('[data-count]').first().waitFor();
    await page.getByRole('heading', { name: 'At a glance' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'home-course-team.png'), fullPage: true });
    await followUp.getByRole('link', { name: /^Follow up the overdue review/ }).click();
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('actions');
  });
});

const NARROW = { width: 400, height: 800 } as const;
const THEMES = ['default', 'dark', 'contrast'] as const;

/** The page is no wider than the screen: nothing to scroll sideways. */
const overflow = (page: Page): Promise<{ scrollWidth: number; innerWidth: number }> =>
  page.evaluate<{ scrollWidth: number; innerWidth: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  );

async function expectFits(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await overflow(page);
  expect(
    scrollWidth,
    `${what}: ${String(scrollWidth)} px wide in a ${String(innerWidth)} px screen`,
  ).toBeLessThanOrEqual(innerWidth);
}

async function expectAxeClean(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

/** Every element matching `selector` is at least 44 px tall (a touch target). */
async function expectTouchTargets(page: Page, selector: string): Promise<void> {
  const boxes = await Promise.all((await page.locator(selector).all()).map((element) => element.boundingBox()));
  const heights = boxes.map((box) => box?.height ?? 0);
  expect(heights.length).toBeGreaterThan(0);
  for (const height of heights) expect(height).toBeGreaterThanOrEqual(44);
}

describe('at 400 × 800 (a phone, Outlook’s side panel), in the three Teams themes', () => {
  it.each(THEMES)(
    'the course team’s home fits the screen, axe-clean, its header a menu (%s); in the default theme, the wizard and a case too',
    async (theme) => {
      const page = await freshPage(env);
      await page.setViewportSize(NARROW);
      await signInAs(page, env.tab.url, 'Mark Whitfield');
      await page.goto(`${env.tab.url}/?theme=${theme}`);
      await page.getByRole('list', { name: 'Cases' }).getByRole('link').first().waitFor();
      await todoList(page).waitFor();
      expect(await page.getByRole('table', { name: 'Cases' }).count()).toBe(0);
      await expectFits(page, `home (${theme})`);
      await expectAxeClean(page, `home (${theme})`);
      await expectTouchTargets(page, '[aria-label="Cases"] a, [aria-label="What you need to do"] a');
      await page.screenshot({ path: path.join(SCREENSHOTS, `narrow-home-course-team-${theme}.png`), fullPage: true });
      // The header folds into a menu.
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('menuitem', { name: 'Reports' }).waitFor();
      await page.keyboard.press('Escape');
      // The wizard and the case page: in the default theme only (the themes change colours, not widths).
      if (theme !== 'default') return;

      await page.goto(`${env.tab.url}/cases/new?theme=${theme}`);
      await page.getByRole('heading', { name: 'Open a case' }).waitFor();
      await expectFits(page, `wizard (${theme})`);
      await expectAxeClean(page, `wizard (${theme})`);

      await page.goto(`${env.tab.url}/cases/demo-bcu-due-this-week?theme=${theme}`);
      await page.getByTestId('next-step').waitFor();
      await page.getByRole('heading', { name: 'Actions' }).waitFor();
      await expectFits(page, `case (${theme})`);
      await expectAxeClean(page, `case (${theme})`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'narrow-case.png'), fullPage: false });
    },
  );

  it('the review form and the sign form fit the screen', async () => {
    const page = await freshPage(env);
    await page.setViewportSize(NARROW);
    await signInAs(page, env.tab.url, 'Laura Bennett');
    await page.goto(`${env.tab.url}/cases/demo-bcu-awaiting-signatures#sign`);
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('sign');
    await expectFits(page, 'sign form');
    await page.goto(`${env.tab.url}/cases/demo-bcu-overdue#review`);
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('review');
    await expectFits(page, 'review form');
    await expectAxeClean(page, 'review form');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'narrow-review.png'), fullPage: false });
  });
});

describe('by keyboard', () => {
  it('reaches the first case in three key presses from the top: Tab, Tab to “Skip to your cases”, Enter', async () => {
    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Mark Whitfield');
    await page.getByRole('table', { name: 'Cases' }).getByRole('link').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe('Skip to main content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe('Skip to your cases');
    await page.keyboard.press('Enter');
    const first = await page.getByRole('table', { name: 'Cases' }).getByRole('link').first().innerText();
    expect(await page.evaluate<string>('document.activeElement?.id ?? ""')).toBe('first-case');
    expect(await page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe(first);
  });
});

const FOCUS_IN_DIALOG = `document.querySelector('[role="dialog"]')?.contains(document.activeElement) === true`;

describe('nothing typed is lost', () => {
  it('the wizard keeps its draft over a reload, and asks in a dialog (focus kept inside, then returned) before leaving', async () => {
    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Mark Whitfield');
    await page.getByRole('button', { name: 'Open a case' }).click();
    await page.getByRole('radio', { name: /Birmingham City University/ }).check();
    await page.getByRole('checkbox', { name: 'A trainee does not make the expected progress' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    const school = page.getByRole('textbox', { name: 'School', exact: true });
    await school.fill('Draft Street Primary');

    await page.reload();
    await page.getByRole('heading', { name: 'Trainee, people and placement' }).waitFor();
    await expect.poll(() => school.inputValue(), { timeout: STEP_TIMEOUT_MS }).toBe('Draft Street Primary');

    const cases = page.getByRole('navigation', { name: 'Trellis' }).getByRole('link', { name: 'Cases' });
    await cases.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Leave this page?' });
    await dialog.waitFor();
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate<boolean>(FOCUS_IN_DIALOG)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.evaluate<string>('document.activeElement?.textContent ?? ""'), { timeout: STEP_TIMEOUT_MS })
      .toBe('Cases');
    expect(await school.inputValue()).toBe('Draft Street Primary');

    await cases.click();
    await dialog.getByRole('button', { name: 'Leave' }).click();
    await page.waitForURL(`${env.tab.url}/`);
    await page.getByRole('button', { name: 'Open a case' }).click();
    await expect.poll(() => school.inputValue(), { timeout: STEP_TIMEOUT_MS }).toBe('Draft Street Primary');
  });

  it('a review typed and reloaded is back; perceptions saved clear their draft', async () => {
    const page = await freshPage(env);
    await signInAs(page, env.tab.url, 'Gareth Evans');
    await page.goto(`${env.tab.url}/cases/demo-bcu-due-this-week#review`);
    const evidence = page.locator('#form-review').getByRole('textbox', { name: 'Evidence' });
    await evidence.fill('Seen in three observed lessons.');
    await page.reload();
    await expect
      .poll(() => evidence.inputValue(), { timeout: STEP_TIMEOUT_MS })
      .toBe('Seen in three observed lessons.');

    const trainee = await freshPage(env);
    await signInAs(trainee, env.tab.url, 'Priya Sharma');
    await trainee.goto(`${env.tab.url}/cases/demo-bcu-drafting#perceptions`);
    const words = trainee.locator('#form-perceptions').getByRole('textbox');
    await words.fill('I would like to see the routine modelled first.');
    await trainee.reload();
    await expect
      .poll(() => words.inputValue(), { timeout: STEP_TIMEOUT_MS })
      .toBe('I would like to see the routine modelled first.');
    await trainee.getByRole('button', { name: 'Save my perceptions' }).click();
    await trainee.getByText('Your perceptions are saved on the plan.').waitFor();
    const drafts = (): Promise<number> =>
      trainee.evaluate<number>("Object.keys(localStorage).filter((k) => k.startsWith('trellis:draft:')).length");
    expect(await drafts()).toBe(0);
    await trainee.reload();
    await expect
      .poll(() => words.inputValue(), { timeout: STEP_TIMEOUT_MS })
      .toBe('I would like to see the routine modelled first.');
    expect(await drafts()).toBe(0);
  });
});
