import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { docsScreenshot } from '../docs-images.js';
import {
  describeViolations,
  seriousViolations,
  startTabEnvironment,
  type TabEnvironment,
  type TabServer,
  signedInAs,
} from './tab-harness.js';

/**
 * The tab end to end: `npm start`'s local mode in-process on a free port with a temp data
 * folder, the built tab in front of it, Chromium driving it like a person.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;

async function freshPage(): Promise<Page> {
  return env.page();
}

async function apiSignIn(upn: string): Promise<string> {
  const reply = await fetch(`${local.url}/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upn }),
  });
  return ((await reply.json()) as { token: string }).token;
}

beforeAll(async () => {
  env = await startTabEnvironment('tab');
  ({ local, tab } = env);
});

afterAll(async () => {
  await env.close();
});

describe('the tab in Chromium', () => {
  it('asks a browser with no sign-in to sign in as a demo person', async () => {
    const page = await freshPage();
    await page.goto(`${tab.url}/`);
    await expect.poll(() => page.getByRole('link', { name: 'Sign in as a demo person' }).count()).toBe(1);
  });

  it('shows the course leader the dashboard with demo cases, counts, filters and search', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
    const table = page.getByRole('table', { name: 'Cases' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await page.locator('[data-count="overdue"]').innerText()).toMatch(/^[1-9]\d*\s+Overdue reviews/);
    expect(await page.locator('[data-count="due_this_week"]').innerText()).toMatch(/^[1-9]\d*\s+Reviews due this week/);
    await docsScreenshot(page, 'dashboard.png', { fullPage: true });

    await page.getByRole('searchbox').fill('Callum');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('searchbox').fill('nobody-by-this-name');
    await expect.poll(() => page.getByText('No cases match these filters').count()).toBe(1);
    await page
      .getByRole('status')
      .filter({ hasText: 'No cases match' })
      .getByRole('button', { name: 'Clear filters' })
      .click();
    expect(await page.getByRole('searchbox').inputValue()).toBe('');
    await page.locator('[data-count="overdue"]').click();
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: /Overdue reviews: Showing [1-9]/ })
          .count(),
      )
      .toBe(1);
    expect(await rows.locator('text=(overdue)').count()).toBe(await rows.count());
  });

  it('opens a case from the dashboard, and by its deep link', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
    await page.getByRole('link', { name: 'Tom Fletcher' }).click();
    await page.waitForURL(/\/cases\/demo-bcu-awaiting-signatures$/);
    await page.getByRole('heading', { name: /Tom Fletcher — BCU-RIT/ }).waitFor();
    expect(await page.getByRole('heading', { name: /Target T1:/ }).count()).toBe(1);
    expect(
      await page.getByText('Laura Bennett or David Mensah').or(page.getByText('David Mensah or Laura Bennett')).count(),
    ).toBe(1);
    expect(await page.getByText(/FAT7/).count()).toBeGreaterThan(0);
    // Once the actions are laid out (procedure and roles known): the trainee has recorded their
    // perceptions, so the course leader named on the case is not offered to type them in.
    await page.getByTestId('case-actions').waitFor();
    expect(await page.getByRole('form', { name: /perceptions/ }).count()).toBe(0);
    await docsScreenshot(page, 'case.png', { fullPage: true });

    await page.goto(`${tab.url}/cases/demo-bcu-due-this-week`);
    await page.getByRole('heading', { name: /Aisha Rahman/ }).waitFor();
    await page.goto(`${tab.url}/cases/no-such-case`);
    await page.getByText('Case not found').waitFor();
  });

  it('lets the mentor sign the plan with a typed signature, which agrees it', async () => {
    const page = await signedInAs(env, 'Laura Bennett', '/cases/demo-bcu-awaiting-signatures');
    const form = page.locator('form[aria-labelledby="sign-heading"]');
    await form.waitFor();
    expect(await form.innerText()).toContain('As Class teacher/mentor, I have read this');
    await form.getByRole('button', { name: 'Sign the plan' }).click();
    await form.getByText('Type your full name to sign.').waitFor();
    await form.getByRole('checkbox').check();
    await form.getByLabel(/Type your full name/).fill('Laura Bennett');
    await form.getByRole('button', { name: 'Sign the plan' }).click();
    await page.getByText(/Agreed by everyone who signs it on/).waitFor();
    expect(await page.locator('form[aria-labelledby="sign-heading"]').count()).toBe(0);
    expect(await page.getByText(/Laura Bennett signed the plan as Class teacher\/mentor/).count()).toBe(1);
  });

  it('shows a conflict when someone else signed first, and sends the same signature again', async () => {
    const page = await signedInAs(env, 'Peter Wong', '/cases/demo-mid-essex-awaiting-signatures');
    const form = page.locator('form[aria-labelledby="sign-heading"]');
    await form.waitFor();
    await form.getByRole('checkbox').check();
    await form.getByLabel(/Type your full name/).fill('Peter Wong');

    // Meanwhile the professional mentor signs through the API.
    const token = await apiSignIn('samantha.reed@chelmervalley.example');
    const current = await fetch(`${local.url}/api/cases/demo-mid-essex-awaiting-signatures`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const signed = await fetch(`${local.url}/api/cases/demo-mid-essex-awaiting-signatures/signatures`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'if-match': current.headers.get('etag') ?? '*',
      },
      body: JSON.stringify({ role: 'professional_mentor', typedName: 'Samantha Reed' }),
    });
    expect(signed.status).toBe(200);

    await form.getByRole('button', { name: 'Sign the plan' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('Samantha Reed signed the plan.');
    expect(await form.getByLabel(/Type your full name/).inputValue()).toBe('Peter Wong');
    await conflict.getByRole('button', { name: 'Send again' }).click();
    await page.getByText(/Peter Wong signed the plan as/).waitFor();
  });

  it('lets the tutor record a review: progress per target, evidence and an explained outcome, a closing one confirmed first; the course team reopens it', async () => {
    const page = await signedInAs(env, 'Helen Okafor', '/cases/demo-bcu-due-this-week');
    const form = page.locator('form[aria-labelledby="review-heading"]');
    await form.waitFor();
    expect(await form.innerText()).toContain('Closes the case (resolved).');
    await form.getByRole('button', { name: 'Record the review' }).click();
    await form.getByText('Choose the outcome of the review.').waitFor();
    const targets = form.locator('fieldset').filter({ has: page.getByRole('radio', { name: 'Met', exact: true }) });
    for (let i = 0; i < (await targets.count()); i++)
      await targets.nth(i).getByRole('radio', { name: 'Met', exact: true }).check();
    await form.getByLabel('Evidence').fill('Two observed lessons: routines established, pupils settled quickly.');
    await form.getByRole('radio', { name: /Sufficient progress has been made/ }).check();
    await form.getByRole('button', { name: 'Record the review' }).click();
    // The outcome closes the case: a dialog asks first, and going back sends nothing.
    const confirm = page.getByRole('alertdialog', { name: 'This outcome closes the case' });
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('Sufficient progress has been made');
    await confirm.getByRole('button', { name: 'Go back to the form' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await page.getByText('Outcome: Sufficient progress has been made by the trainee').count()).toBe(0);
    await form.getByRole('button', { name: 'Record the review' }).click();
    await confirm.getByRole('button', { name: 'Yes, record it and close the case' }).click();
    await page.getByText('Outcome: Sufficient progress has been made by the trainee').waitFor();
    expect(await page.getByText('Closed', { exact: true }).count()).toBeGreaterThan(0);
    // The tutor cannot reopen it; the course team can, with a reason, and the review is owed again.
    expect(await page.getByRole('button', { name: 'Reopen the case' }).count()).toBe(0);

    const courseTeam = await signedInAs(env, 'Mark Whitfield', '/cases/demo-bcu-due-this-week');
    await courseTeam.getByRole('button', { name: 'Reopen the case', expanded: false }).click();
    const reopen = courseTeam.getByRole('form', { name: 'Reopen the case' });
    await reopen.getByRole('button', { name: 'Reopen the case' }).click();
    await reopen.getByText('Say why the case is reopened, for the record.').waitFor();
    await reopen
      .getByLabel('Why the case is reopened')
      .fill('The wrong outcome was chosen: targets 2 and 3 are not yet met.');
    await reopen.getByRole('button', { name: 'Reopen the case' }).click();
    await courseTeam
      .getByText(/Mark Whitfield reopened the case, setting aside the review whose outcome had closed it/)
      .first()
      .waitFor();
    const reply = await fetch(`${local.url}/api/cases/demo-bcu-due-this-week`, {
      headers: { authorization: `Bearer ${await env.token('mark.whitfield@bcu.example')}` },
    });
    const after = (await reply.json()) as { status: string; reviews: unknown[]; setAsideReviews?: unknown[] };
    expect(after.status).toBe('active');
    expect(after.setAsideReviews).toHaveLength(1);
  });

  it('opens the procedure a case follows from the case page, read-only', async () => {
    const mentor = await signedInAs(env, 'Laura Bennett', '/cases/demo-bcu-awaiting-signatures');
    const version = mentor.getByTestId('procedure-version');
    await version.waitFor();
    expect(await version.innerText()).toContain('This case follows Rapid Improvement Targets Procedure, version 1.');
    // Nothing newer runs, so there is nothing to move the case to.
    expect(await version.getByRole('button').count()).toBe(0);
    await mentor.getByRole('link', { name: 'Read the procedure this case follows' }).click();
    await mentor.waitForURL(/\/cases\/demo-bcu-awaiting-signatures\/procedure$/);
    await mentor.getByRole('heading', { name: 'Rapid Improvement Targets Procedure', level: 1 }).waitFor();
    expect(await mentor.getByText('Birmingham City University ITE, version 1').count()).toBe(1);
    // Every stage, the one the case is at marked; who does what, windows, outcomes and who is told.
    const stages = mentor.locator('li[data-stage]');
    expect(await stages.count()).toBe(5);
    const here = mentor.locator('li[aria-current="step"]');
    expect(await here.innerText()).toContain('this case is here now');
    const stage1 = mentor.locator('li[data-stage="stage_1"]');
    expect(await stage1.innerText()).toContain('Targets: 1 to 3 targets.');
    expect(await stage1.innerText()).toContain('The agreed plan is reviewed at Stage 2.');
    expect(await stage1.getByRole('list', { name: 'Who is told at Stage 1' }).innerText()).toContain(
      'When the plan is agreed: the course mailbox',
    );
    const stage2 = mentor.locator('li[data-stage="stage_2"]');
    expect(await stage2.getByRole('list', { name: 'Outcomes of Stage 2' }).innerText()).toMatch(
      /Closes the case \(resolved\)/,
    );
    expect(await mentor.getByRole('heading', { name: 'Panels' }).count()).toBe(1);
    // Read-only: no form, no button.
    expect(await mentor.locator('form').count()).toBe(0);
    const violations = await seriousViolations(mentor);
    expect(violations, describeViolations(violations)).toEqual([]);
    await mentor.getByRole('link', { name: /Back to case/ }).click();
    await mentor.waitForURL(/\/cases\/demo-bcu-awaiting-signatures$/);
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical axe violations on the dashboard and a case page (${theme} theme)`, async () => {
      const page = await signedInAs(env, 'Mark Whitfield', `/?theme=${theme}`);
      await page.getByRole('table', { name: 'Cases' }).waitFor();
      const dashboard = await seriousViolations(page);
      expect(dashboard, describeViolations(dashboard)).toEqual([]);
      await page.goto(`${tab.url}/cases/demo-bcu-overdue?theme=${theme}`);
      await page.getByRole('heading', { name: 'The plan' }).waitFor();
      const casePage = await seriousViolations(page);
      expect(casePage, describeViolations(casePage)).toEqual([]);
      if (theme !== 'default') await docsScreenshot(page, `case-${theme}.png`, { fullPage: true });
    });
  }
});
