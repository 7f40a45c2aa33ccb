import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { docsScreenshot } from '../docs-images.js';
import {
  describeViolations,
  seriousViolations,
  startTabEnvironment,
  STEP_TIMEOUT_MS,
  type TabEnvironment,
  signedInAs,
} from './tab-harness.js';

/**
 * Everyone's front door, in Chromium against local mode's demo data on the pinned day (Monday
 * 23 November 2026): each kind of person's home ("What you need to do", then their cases; the
 * cohort dashboard for the course team only), each job reached from the home in at most three
 * clicks, and the case page leading with its next step.
 */
let env: TabEnvironment;

beforeAll(async () => {
  env = await startTabEnvironment('front-door');
});

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
    const page = await signedInAs(env, 'Aisha Rahman');
    await page.getByRole('heading', { name: 'What you need to do', level: 1 }).waitFor();
    await todoItem(page, 'BCU-RIT-2026-103').getByText('On Wed, 25 Nov 2026').waitFor();
    await page.getByRole('heading', { name: 'Your cases' }).waitFor();
    await page.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Aisha Rahman' }).waitFor();
    expect(await page.locator('[data-count]').count()).toBe(0);
    expect(await page.getByLabel('Programme').count()).toBe(0);
    await docsScreenshot(page, 'home-trainee.png', { fullPage: true });
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

    const page = await signedInAs(env, 'Priya Sharma');
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
    const page = await signedInAs(env, 'Gareth Evans');
    const item = todoItem(page, 'BCU-RIT-2026-103');
    await item.getByText('By Wed, 25 Nov 2026').waitFor();
    await docsScreenshot(page, 'home-mentor.png', { fullPage: true });
    await item.getByRole('link', { name: /^Complete the review/ }).click();
    await page.waitForURL((url) => url.hash === '#review');
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('review');
    expect(await onFirstScreen(page, '#form-review')).toBe(true);
  });

  it('a tutor: the reviews they share, and the case page leading with the next step and its button', async () => {
    const page = await signedInAs(env, 'Helen Okafor');
    await todoItem(page, 'BCU-RIT-2026-105').waitFor();
    await docsScreenshot(page, 'home-tutor.png', { fullPage: true });
    await page.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Megan Hughes' }).click();
    const next = page.getByTestId('next-step');
    await next.getByText(/^Awaited from you or Gareth Evans/).waitFor();
    expect(await onFirstScreen(page, '[data-testid="next-step"]')).toBe(true);
    await next.getByRole('link', { name: 'Complete the review' }).click();
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('review');
  });

  it('the course team: what waits on them, then the cohort dashboard', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
    const followUp = todoItem(page, 'BCU-RIT-2026-104');
    await followUp.getByText('For the course team').waitFor();
    await followUp.getByText('Overdue: due Thu, 19 Nov 2026').waitFor();
    await page.locator('[data-count]').first().waitFor();
    await page.getByRole('heading', { name: 'At a glance' }).waitFor();
    await docsScreenshot(page, 'home-course-team.png', { fullPage: true });
    await followUp.getByRole('link', { name: /^Follow up the overdue review/ }).click();
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('actions');
  });
});

const NARROW = { width: 400, height: 800 } as const;

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

/**
 * Every interactive element on the page a finger can reach is at least 44 × 44 px: links,
 * buttons, form fields, ticks and radios, menus, anything in the tab order. Left out, as WCAG's
 * target-size rule leaves them out: a link inside a sentence, and what is not on screen (a skip
 * link until it has focus, a form folded away).
 */
const SMALL_TARGETS = `(() => {
  const selector = [
    'a[href]', 'button', 'input:not([type="hidden"])', 'select', 'textarea', 'summary',
    '[role="button"]', '[role="link"]', '[role="checkbox"]', '[role="radio"]', '[role="switch"]',
    '[role="tab"]', '[role="menuitem"]', '[role="option"]', '[tabindex]:not([tabindex="-1"])',
  ].join(', ');
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement;
    return block !== null && block.textContent.trim().length > el.textContent.trim().length;
  };
  const name = (el) =>
    (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || el.id || '').trim().slice(0, 40);
  const small = [];
  // A tick or a radio is toggled by its label too: the target is the two together.
  const boxOf = (el) => {
    const own = el.getBoundingClientRect();
    if (!(el.type === 'checkbox' || el.type === 'radio') || !el.labels) return own;
    const rects = [own, ...[...el.labels].map((l) => l.getBoundingClientRect())];
    const left = Math.min(...rects.map((r) => r.left)), top = Math.min(...rects.map((r) => r.top));
    const right = Math.max(...rects.map((r) => r.right)), bottom = Math.max(...rects.map((r) => r.bottom));
    return { width: right - left, height: bottom - top };
  };
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[hidden], [inert], [aria-hidden="true"]')) continue;
    const style = getComputedStyle(el);
    const box = boxOf(el);
    if (style.display === 'none' || style.visibility === 'hidden' || box.width <= 1 || box.height <= 1) continue;
    if (inSentence(el)) continue;
    if (box.width < 44 || box.height < 44)
      small.push(el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '') + ' "' + name(el) + '" ' +
        Math.round(box.width) + '×' + Math.round(box.height));
  }
  return [...new Set(small)];
})()`;

async function expectTouchTargets(page: Page, what: string): Promise<void> {
  expect(await page.evaluate<string[]>(SMALL_TARGETS), `${what}: targets under 44 × 44 px`).toEqual([]);
}

/** Every folded case action opened, so their forms' fields are on the page too. */
async function openEveryAction(page: Page): Promise<void> {
  const actions = page.getByTestId('case-actions');
  await actions.waitFor();
  const folded = actions.getByRole('button', { expanded: false });
  for (let guard = 0; guard < 40 && (await folded.count()) > 0; guard++) await folded.first().click();
  expect(await folded.count()).toBe(0);
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
}

/*
 * Sizes and widths do not change with the theme: the three Teams themes set colours (and, in
 * high contrast, stroke colours), not sizes or spacing. So the screens are measured (fit, 44 px
 * targets) once, in the default theme, and the dark and high-contrast themes are rendered and
 * checked for what they change: colours, by axe's contrast rules.
 */
describe('at 400 × 800 (a phone, Outlook’s side panel), in the three Teams themes', () => {
  it('the course team’s home, the wizard and a case with its forms open fit the screen with 44 px targets; axe-clean; the header a menu', async () => {
    const page = await signedInAs(env, 'Mark Whitfield', '/?theme=default', { viewport: NARROW });
    await page.getByRole('list', { name: 'Cases' }).getByRole('link').first().waitFor();
    await todoList(page).waitFor();
    expect(await page.getByRole('table', { name: 'Cases' }).count()).toBe(0);
    await expectFits(page, 'home');
    await expectAxeClean(page, 'home');
    await expectTouchTargets(page, 'home');
    await docsScreenshot(page, 'narrow-home-course-team-default.png', { fullPage: true });
    // The header folds into a menu, whose items are touch targets too; Escape gives focus back to its button.
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    await page.getByRole('menuitem', { name: 'Reports' }).waitFor();
    await expectTouchTargets(page, 'header menu');
    await page.keyboard.press('Escape');
    await expect
      .poll(
        () =>
          page.evaluate<string>(
            'document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? ""',
          ),
        {
          timeout: STEP_TIMEOUT_MS,
        },
      )
      .toBe('Menu');

    await page.goto(`${env.tab.url}/cases/new?theme=default`);
    await page.getByRole('heading', { name: 'Open a case' }).waitFor();
    await expectFits(page, 'wizard');
    await expectTouchTargets(page, 'wizard');
    await expectAxeClean(page, 'wizard');

    await page.goto(`${env.tab.url}/cases/demo-bcu-due-this-week?theme=default`);
    await page.getByTestId('next-step').waitFor();
    await page.getByRole('heading', { name: 'Actions' }).waitFor();
    await expectFits(page, 'case');
    await expectAxeClean(page, 'case');
    await docsScreenshot(page, 'narrow-case.png', { fullPage: false });
    await openEveryAction(page);
    await expectFits(page, 'case with its forms open');
    await expectTouchTargets(page, 'case with its forms open');
  });

  it('the course team’s home fits and is axe-clean in the dark and high-contrast themes', async () => {
    const page = await signedInAs(env, 'Mark Whitfield', '/?theme=dark', { viewport: NARROW });
    for (const theme of ['dark', 'contrast'] as const) {
      if (theme !== 'dark') await page.goto(`${env.tab.url}/?theme=${theme}`);
      await page.getByRole('list', { name: 'Cases' }).getByRole('link').first().waitFor();
      await todoList(page).waitFor();
      await expectFits(page, `home (${theme})`);
      await expectAxeClean(page, `home (${theme})`);
      await docsScreenshot(page, `narrow-home-course-team-${theme}.png`, { fullPage: true });
    }
  });

  it('the review form and the sign form fit the screen, with 44 px targets', async () => {
    const page = await signedInAs(env, 'Laura Bennett', '/cases/demo-bcu-awaiting-signatures#sign', {
      viewport: NARROW,
    });
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('sign');
    await expectFits(page, 'sign form');
    await expectTouchTargets(page, 'sign form');
    await page.goto(`${env.tab.url}/cases/demo-bcu-overdue#review`);
    await expect.poll(() => focusedForm(page), { timeout: STEP_TIMEOUT_MS }).toBe('review');
    await expectFits(page, 'review form');
    await expectAxeClean(page, 'review form');
    await expectTouchTargets(page, 'review form');
    await docsScreenshot(page, 'narrow-review.png', { fullPage: false });
  });

  it.each([
    ['a trainee', 'Aisha Rahman'],
    ['a mentor', 'Gareth Evans'],
    ['a tutor', 'Helen Okafor'],
  ] as const)('%s’s home has 44 px targets, at 400 and at 320 px', async (_who, name) => {
    const page = await signedInAs(env, name, '/', { viewport: NARROW });
    await todoList(page).waitFor();
    await expectTouchTargets(page, `${name}’s home`);
    await page.setViewportSize({ width: 320, height: 800 });
    await expectFits(page, `${name}’s home at 320 px`);
    await expectTouchTargets(page, `${name}’s home at 320 px`);
  });
});

describe('by keyboard', () => {
  it('reaches the first case in three key presses from the top: Tab, Tab to “Skip to your cases”, Enter', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
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
    const page = await signedInAs(env, 'Mark Whitfield');
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
    const page = await signedInAs(env, 'Gareth Evans', '/cases/demo-bcu-due-this-week#review');
    const evidence = page.locator('#form-review').getByRole('textbox', { name: 'Evidence' });
    await evidence.fill('Seen in three observed lessons.');
    await page.reload();
    await expect
      .poll(() => evidence.inputValue(), { timeout: STEP_TIMEOUT_MS })
      .toBe('Seen in three observed lessons.');

    const trainee = await signedInAs(env, 'Priya Sharma', '/cases/demo-bcu-drafting#perceptions');
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

  it('a case action typed and reloaded is back (the withdrawal’s reason, not its confirmation); sent, its draft goes', async () => {
    const page = await signedInAs(env, 'Gareth Evans', '/cases/demo-bcu-due-this-week#actions');
    const open = async (): Promise<void> => {
      await page.getByRole('button', { name: 'Schedule the review meeting', exact: true, expanded: false }).click();
      await page.getByRole('button', { name: 'The trainee has withdrawn', exact: true, expanded: false }).click();
    };
    await open();
    const withdrawal = page.getByRole('form', { name: 'Record a withdrawal' });
    await withdrawal.getByRole('textbox', { name: 'Reason' }).fill('Moving abroad at Christmas.');
    await withdrawal.getByRole('checkbox', { name: 'I understand the case will be closed' }).check();
    const meeting = page.getByRole('form', { name: 'Schedule the review meeting' });
    await meeting.getByLabel('Start time').fill('16:45');
    await page.reload();
    await open();
    await expect
      .poll(() => withdrawal.getByRole('textbox', { name: 'Reason' }).inputValue(), { timeout: STEP_TIMEOUT_MS })
      .toBe('Moving abroad at Christmas.');
    expect(await withdrawal.getByRole('checkbox', { name: 'I understand the case will be closed' }).isChecked()).toBe(
      false,
    );
    expect(await meeting.getByLabel('Start time').inputValue()).toBe('16:45');
    // The meeting sent: its draft goes, the withdrawal's stays.
    await meeting.getByLabel('Where').fill('Hollybank Primary, Room 2');
    await meeting.getByRole('button', { name: 'Save and update the invitation' }).click();
    await meeting.getByText('The review meeting is scheduled; the calendar invitation follows.').waitFor();
    const drafts = (): Promise<string[]> =>
      page.evaluate<string[]>("Object.keys(localStorage).filter((k) => k.startsWith('trellis:draft:'))");
    await expect
      .poll(drafts, { timeout: STEP_TIMEOUT_MS })
      .toEqual([expect.stringMatching(/^trellis:draft:gareth\.evans@[^:]+:demo-bcu-due-this-week:withdraw$/)]);
  });

  it('a task’s note and the pause’s reason chosen, reloaded, are back, each kept under its form', async () => {
    const page = await signedInAs(env, 'Mark Whitfield', '/cases/demo-bcu-at-panel#actions');
    const task = page.getByRole('button', { name: /^Task: The mentor\/senior school leader meets/, expanded: false });
    const pause = page.getByRole('button', { name: 'Pause the case (health or leave)', exact: true, expanded: false });
    await task.click();
    await pause.click();
    const form = page.getByRole('form', { name: /^Complete: The mentor\/senior school leader meets/ });
    await form.getByRole('textbox', { name: 'Note (optional)' }).fill('Met on Tuesday with the tracker.');
    const pausing = page.getByRole('form', { name: 'Pause the case' });
    await pausing.getByRole('radio', { name: 'Bereavement' }).check();
    await page.reload();
    await task.click();
    await pause.click();
    await expect
      .poll(() => form.getByRole('textbox', { name: 'Note (optional)' }).inputValue(), { timeout: STEP_TIMEOUT_MS })
      .toBe('Met on Tuesday with the tracker.');
    expect(await pausing.getByRole('radio', { name: 'Bereavement' }).isChecked()).toBe(true);
    const drafts = (): Promise<string[]> =>
      page.evaluate<string[]>("Object.keys(localStorage).filter((k) => k.startsWith('trellis:draft:'))");
    expect(await drafts()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^trellis:draft:mark\.whitfield@[^:]+:demo-bcu-at-panel:task-evidence_meeting$/),
        expect.stringMatching(/^trellis:draft:mark\.whitfield@[^:]+:demo-bcu-at-panel:pause$/),
      ]),
    );
  });
});
