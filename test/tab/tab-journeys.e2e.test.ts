import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { docsImagesDir } from '../docs-images.js';
import {
  describeViolations,
  openWizard,
  seriousViolations,
  signInAs,
  startTabEnvironment,
  STEP_TIMEOUT_MS,
  type TabEnvironment,
  type TabServer,
} from './tab-harness.js';

/**
 * The tab's newer pages end to end, against the real server and Graph emulator (local mode,
 * in-process): GET /api/me, the channel configuration page, the new-case wizard, case actions,
 * the PDF download, reports with CSV, "Clear filters", and /dev/sign-in?returnTo=.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;
const SCREENSHOTS = docsImagesDir('screenshots');

async function freshPage(): Promise<Page> {
  const page = await env.page();
  // Fail on the step that waits, not on the test's timeout, so the report names the locator.
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return page;
}

async function apiToken(upn: string): Promise<string> {
  const reply = await fetch(`${local.url}/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upn }),
  });
  return ((await reply.json()) as { token: string }).token;
}

async function apiGet(upn: string, apiPath: string): Promise<Response> {
  return fetch(`${local.url}${apiPath}`, { headers: { authorization: `Bearer ${await apiToken(upn)}` } });
}

beforeAll(async () => {
  env = await startTabEnvironment('tab-journeys');
  ({ local, tab } = env);
}, 180_000);

afterAll(async () => {
  await env.close();
});

describe('GET /api/me and today on GET /api/cases', () => {
  it('tells the course team, a mentor and a trainee who they are and what the tab should offer', async () => {
    const leader = (await (await apiGet('mark.whitfield@bcu.example', '/api/me')).json()) as {
      upn: string;
      roles: string[];
      programmes: string[];
      can: Record<string, boolean>;
      today: string;
    };
    expect(leader.upn).toBe('mark.whitfield@bcu.example');
    expect(leader.roles).toEqual(['course_team']);
    expect(leader.programmes).toEqual(['PGCE Primary and Early Years 2026/27']);
    expect(leader.can).toEqual({ openCases: true, seeReports: true, configureChannelTab: true });
    const mentor = (await (await apiGet('laura.bennett@stannes-primary.example', '/api/me')).json()) as {
      roles: string[];
      programmes: string[];
      can: Record<string, boolean>;
    };
    expect(mentor.roles).toEqual([]);
    expect(mentor.programmes).toEqual([]);
    expect(mentor.can).toEqual({ openCases: false, seeReports: false, configureChannelTab: false });
    const clock = (await (await fetch(`${local.url}/dev/clock`)).json()) as { today: string };
    expect(leader.today).toBe(clock.today);
    const list = (await (await apiGet('mark.whitfield@bcu.example', '/api/cases?limit=1')).json()) as { today: string };
    expect(list.today).toBe(clock.today);
    const anonymous = await fetch(`${local.url}/api/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('the dashboard', () => {
  it('"Clear filters" clears the search and every filter, and the count buttons', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Mark Whitfield');
    const rows = page.getByRole('table', { name: 'Cases' }).locator('tbody tr');
    await rows.first().waitFor();
    const all = await rows.count();
    await page.getByRole('searchbox').fill('nobody-by-this-name');
    await page.getByText('No cases match these filters').waitFor();
    // The button in the empty state.
    await page
      .getByRole('status')
      .filter({ hasText: 'No cases match' })
      .getByRole('button', { name: 'Clear filters' })
      .click();
    await expect.poll(() => rows.count()).toBe(all);
    expect(await page.getByRole('searchbox').inputValue()).toBe('');

    await page.getByRole('searchbox').fill('Callum');
    await page.getByLabel('Status').selectOption('all');
    await expect.poll(() => rows.count()).toBe(1);
    // The button beside the filters.
    await page.getByRole('region', { name: 'Filter cases' }).getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(all);
    expect(await page.getByRole('searchbox').inputValue()).toBe('');
    expect(await page.getByLabel('Status').inputValue()).toBe('open');
    expect(
      await page.getByRole('region', { name: 'Filter cases' }).getByRole('button', { name: 'Clear filters' }).count(),
    ).toBe(0);
  });

  it('honours ?programme= (the channel tab’s content URL) as its filter, and keeps it when clearing', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Trellis Administrator');
    const rows = page.getByRole('table', { name: 'Cases' }).locator('tbody tr');
    await rows.first().waitFor();
    const everything = await rows.count();
    await page.goto(`${tab.url}/?programme=${encodeURIComponent('RCTTP Secondary 2026/27')}`);
    await page.getByRole('heading', { name: 'Cases — RCTTP Secondary 2026/27' }).waitFor();
    await rows.first().waitFor();
    const scoped = await rows.count();
    expect(scoped).toBeGreaterThan(0);
    expect(scoped).toBeLessThan(everything);
    for (const ref of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(ref).toMatch(/^RCTTP-/);
    await page.getByRole('searchbox').fill('Jack');
    await page.getByRole('region', { name: 'Filter cases' }).getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(scoped);
    // Opening a case and coming back keeps the channel's programme.
    await rows.first().getByRole('link').click();
    await page.getByRole('heading', { name: 'The plan' }).waitFor();
    await page.getByRole('link', { name: '← All cases' }).click();
    await page.getByRole('heading', { name: 'Cases — RCTTP Secondary 2026/27' }).waitFor();
  });
});

describe('the channel tab configuration page', () => {
  it('outside Teams explains where it is used, and builds the content URL from the chosen programme', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Mark Whitfield');
    await page.goto(`${tab.url}/config`);
    await page.getByText('This page is used when adding Trellis to a Teams channel').waitFor();
    const validity = page.getByTestId('config-validity');
    expect(await validity.innerText()).toBe('Choose the programme whose cases this channel follows.');
    await page.getByRole('radio', { name: 'PGCE Primary and Early Years 2026/27' }).check();
    await expect.poll(() => validity.innerText()).toBe('Ready: select Save to add the tab.');
    expect(await page.getByLabel('Tab name').inputValue()).toBe('Trellis — PGCE Primary and Early Years 2026/27');
    const contentUrl = await page.getByTestId('config-content-url').innerText();
    expect(contentUrl).toBe(`${tab.url}/?inHost=1&programme=PGCE%20Primary%20and%20Early%20Years%202026%2F27`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'channel-config.png'), fullPage: true });
    await page.getByLabel('Tab name').fill('');
    await expect.poll(() => validity.innerText()).toBe('Give the tab a name, so the channel can tell it apart.');
    expect(await page.getByTestId('config-content-url').count()).toBe(0);
    for (const theme of ['default', 'dark', 'contrast'] as const) {
      await page.goto(`${tab.url}/config?theme=${theme}`);
      await page.getByRole('radio').first().waitFor();
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    }
  });

  it('tells someone who is not in the course team that the course team sets it up', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Laura Bennett');
    await page.goto(`${tab.url}/config`);
    await page.getByText('Only the course team sets up the channel tab').waitFor();
  });
});

describe('/dev/sign-in?returnTo=', () => {
  it('lands on the case after signing in, and ignores anything that is not a path on this site', async () => {
    const page = await freshPage();
    await page.goto(`${tab.url}/dev/sign-in?returnTo=${encodeURIComponent('/cases/demo-bcu-overdue')}`);
    await page.locator('li', { hasText: 'Mark Whitfield' }).first().getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${tab.url}/cases/demo-bcu-overdue`);
    await page.getByRole('heading', { name: 'The plan' }).waitFor();
    for (const hostile of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      await page.goto(`${tab.url}/dev/sign-in?returnTo=${encodeURIComponent(hostile)}`);
      await page.locator('li', { hasText: 'Mark Whitfield' }).first().getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${tab.url}/`);
    }
    // A signed-out deep link goes through sign-in and back.
    const fresh = await freshPage();
    await fresh.goto(`${tab.url}/cases/demo-bcu-due-this-week`);
    await fresh.getByRole('link', { name: 'Sign in as a demo person' }).click();
    await fresh.locator('li', { hasText: 'Mark Whitfield' }).first().getByRole('button', { name: 'Sign in' }).click();
    await fresh.waitForURL(`${tab.url}/cases/demo-bcu-due-this-week`);
  });
});

/** Fills each "Find the …" picker on the people step with the first person already on a case, where it offers one. */
async function pickKnownPeople(page: Page): Promise<void> {
  const pickers = page.getByRole('combobox', { name: /^Find the / });
  for (let i = 0; i < (await pickers.count()); i++) {
    await pickers.nth(i).click();
    // The list opens on the click only when it has someone to offer (the people on the cases the
    // wizard loaded with the procedures), so the box's state says whether to wait for an option.
    if ((await pickers.nth(i).getAttribute('aria-expanded')) === 'true')
      await page.getByRole('group', { name: 'Already on cases' }).getByRole('option').first().click();
    else await page.keyboard.press('Escape');
  }
}

async function chooseFirstStandard(page: Page, label: string): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  // A multiselect Dropdown lists its options as checkable menu items.
  await page.getByRole('menuitemcheckbox').first().click();
  await page.keyboard.press('Escape');
}

describe('the new-case wizard', () => {
  it('opens a case for the course team: procedure, people, concerns with standards, targets within the limit, review date in the window', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Mark Whitfield');
    await page.getByRole('button', { name: 'Open a case' }).click();
    await page.waitForURL(`${tab.url}/cases/new`);
    await page.getByRole('heading', { name: 'Open a case' }).waitFor();
    const alert = page.getByRole('alert');
    await page.getByRole('button', { name: 'Next' }).click();
    await alert.getByText('Choose the procedure the case runs under.').waitFor();
    await page.getByRole('radio', { name: /Birmingham City University/ }).check();
    await expect.poll(() => page.getByLabel('Case reference').inputValue()).toMatch(/^BCU-\d{4}-\d{4}$/);
    await page.getByRole('button', { name: 'Next' }).click();
    await alert.getByText('Choose at least one reason for opening the case.').waitFor();
    await page.getByRole('checkbox', { name: 'A trainee does not make the expected progress' }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Trainee, people and placement' }).waitFor();
    expect(await page.getByRole('group', { name: /Class teacher\/mentor \(needed on every case\)/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Next' }).click();
    await alert.getByText('Give the Trainee’s name.').waitFor();
    await page.getByLabel('Trainee: full name').fill('Nadia <b>Khan</b>');
    await page.getByLabel('Trainee: email (sign-in name)').fill('nadia.khan@mail.bcu.example');
    await pickKnownPeople(page);
    await page.getByLabel('Trainee: full name').fill('Nadia <b>Khan</b>');
    await page.getByLabel('Trainee: email (sign-in name)').fill('nadia.khan@mail.bcu.example');
    await page.getByLabel('School').fill('Hollybank Primary School, Birmingham');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Concerns', exact: true }).waitFor();
    await page.getByLabel('Concern 1', { exact: true }).fill('Behaviour routines are not yet established in Year 4.');
    await chooseFirstStandard(page, 'Standards for concern 1');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Targets and review date' }).waitFor();
    const count = page.getByTestId('target-count');
    expect(await count.innerText()).toContain('1 of at most 3 targets');
    await page.getByRole('button', { name: 'Add a target' }).click();
    await page.getByRole('button', { name: 'Add a target' }).click();
    expect(await count.innerText()).toContain('3 of at most 3 targets');
    expect(await page.getByRole('button', { name: 'Add a target' }).isDisabled()).toBe(true);
    await page.getByText(/allows at most 3 targets\./).waitFor();
    await page.getByRole('button', { name: 'Remove target 3' }).click();
    await page
      .getByLabel('Target 1', { exact: true })
      .fill('Establish a consistent routine for transitions, using the school’s behaviour policy.');
    await chooseFirstStandard(page, 'Standards for target 1 (at least one)');
    await page
      .getByLabel('Actions for the Trainee (target 1)')
      .fill('Plan and rehearse transitions; ask the mentor to observe one.');
    await page
      .getByLabel('Actions for the Class teacher/mentor (target 1)')
      .fill('Model a transition in week 1 and give feedback.');
    // BCU's Stage 1 form sets no window of its own (the Stage 2 review does): any later date will do.
    expect(await page.getByTestId('review-window').innerText()).toMatch(/ sets no latest review date at this stage\.$/);
    const dateInput = page.getByLabel(/Review date/);
    expect(await dateInput.getAttribute('max')).toBeNull();
    const today = ((await (await fetch(`${local.url}/dev/clock`)).json()) as { today: string }).today;
    await dateInput.fill(today);
    await page.getByRole('button', { name: 'Next' }).click();
    await alert.getByText('Target 2 is empty: write it or remove it.').waitFor();
    await alert.getByText(/The review date must be after today/).waitFor();
    await page.getByRole('button', { name: 'Remove target 2' }).click();
    const nextWeek = new Date(`${today}T00:00:00Z`);
    nextWeek.setUTCDate(nextWeek.getUTCDate() + 7);
    const latest = nextWeek.toISOString().slice(0, 10);
    await dateInput.fill(latest);
    const axeTargets = await seriousViolations(page);
    expect(axeTargets, describeViolations(axeTargets)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'new-case-targets.png'), fullPage: true });
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Check and open' }).waitFor();
    expect(await page.getByText('Nadia <b>Khan</b> (nadia.khan@mail.bcu.example)').count()).toBe(1);
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /Nadia <b>Khan<\/b> — BCU-/ }).waitFor();
    expect(await page.locator('b', { hasText: 'Khan' }).count()).toBe(0);
    await page.getByRole('heading', { name: /Target T1: Establish a consistent routine/ }).waitFor();
    expect(await page.getByText('Behaviour routines are not yet established in Year 4.').count()).toBe(1);
    const caseId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const stored = (await (await apiGet('mark.whitfield@bcu.example', `/api/cases/${caseId}`)).json()) as {
      plan: { content: { reviewDate: string; targets: { actions: { party: string }[] }[] } };
    };
    expect(stored.plan.content.reviewDate).toBe(latest);
    expect(stored.plan.content.targets[0]?.actions.map((a) => a.party).sort()).toEqual(['mentor', 'trainee']);
  });

  it('shows the review window as dates and refuses a date past it (Mid-Essex: 14 calendar days)', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Julia Hart');
    await openWizard(page, tab.url);
    await page.getByRole('radio', { name: /Mid-Essex/ }).check();
    await expect.poll(() => page.getByLabel('Case reference').inputValue()).not.toBe('');
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Next' }).click();
    await pickKnownPeople(page);
    await page.getByLabel('Trainee: full name').fill('Priti Shah');
    await page.getByLabel('Trainee: email (sign-in name)').fill('priti.shah@trainee.mid-essex-itt.example');
    await page.getByLabel('School').fill('Chelmer Valley High School');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Concerns', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('alert').getByText('Concern 1 is empty: describe it or remove it.').waitFor();
    await page.getByRole('button', { name: 'Remove concern 1' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    const window = await page.getByTestId('review-window').innerText();
    const today = ((await (await fetch(`${local.url}/dev/clock`)).json()) as { today: string }).today;
    const end = new Date(`${today}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 14);
    const latest = end.toISOString().slice(0, 10);
    const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    const months = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    const longDate = `${days[end.getUTCDay()] ?? ''} ${end.getUTCDate()} ${months[end.getUTCMonth()] ?? ''} ${end.getUTCFullYear()}`;
    expect(window).toContain(`that is by ${longDate}`);
    const dateInput = page.getByLabel(/Review date/);
    expect(await dateInput.getAttribute('max')).toBe(latest);
    end.setUTCDate(end.getUTCDate() + 1);
    await dateInput.fill(end.toISOString().slice(0, 10));
    // Said as the date is typed…
    await page.getByText(/^Too late: the latest review date is /).waitFor();
    // …and again when trying to go on.
    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByRole('alert')
      .getByText(/The review date is too late: it must be on or before/)
      .waitFor();
    await dateInput.fill(latest);
    await page.getByRole('button', { name: 'Remove target 1' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Check and open' }).waitFor();
  });

  it('shows the procedure’s refusal as a sentence (RCTTP: a second initiation declared for a trainee with no earlier case)', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Joanna Price');
    await openWizard(page, tab.url);
    await page
      .getByRole('radio', { name: /RCTTP|Concern Procedures/ })
      .first()
      .check();
    await expect.poll(() => page.getByLabel('Case reference').inputValue()).not.toBe('');
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Next' }).click();
    await pickKnownPeople(page);
    await page.getByLabel('Trainee: full name').fill('Aidan Walsh');
    await page.getByLabel('Trainee: email (sign-in name)').fill('aidan.walsh@trainee.rcttp.example');
    await page.getByLabel('School').fill('Cwm Primary');
    // The wizard sees no earlier case; the person says there is one it cannot show (there is none: the server says so).
    const section = page.getByRole('group', { name: 'Second initiation' });
    await section.getByRole('checkbox', { name: /^This is Aidan Walsh’s second time in / }).check();
    await section.getByRole('radio', { name: 'Bereavement of a close relative' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Remove concern 1' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Remove target 1' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Open the case' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The case was not opened' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(
      'This is the first case for this trainee; there is nothing to re-initiate.',
    );
    expect(page.url()).toBe(`${tab.url}/cases/new`);
  });

  it('keeps everything typed when the case opens but the plan cannot be saved, and saves it on retry without opening a second case', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Mark Whitfield');
    await openWizard(page, tab.url);
    await page.getByRole('radio', { name: /Birmingham City University/ }).check();
    await expect.poll(() => page.getByLabel('Case reference').inputValue()).not.toBe('');
    await page.getByRole('checkbox', { name: 'A trainee does not make the expected progress' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await pickKnownPeople(page);
    await page.getByLabel('Trainee: full name').fill('Owen Price');
    await page.getByLabel('Trainee: email (sign-in name)').fill('owen.price@mail.bcu.example');
    await page.getByLabel('School').fill('Hollybank Primary School, Birmingham');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Concern 1', { exact: true }).fill('Planning does not yet sequence learning.');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Target 1', { exact: true }).fill('Sequence lessons across a unit.');
    await chooseFirstStandard(page, 'Standards for target 1 (at least one)');
    await page.getByRole('button', { name: 'Next' }).click();
    // The connection drops just as the plan is sent (the case itself is opened).
    let dropped = 0;
    await page.route('**/api/cases/*/plan', async (route) => {
      dropped += 1;
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: 'Open the case' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'The case is open, but its plan was not saved' });
    await warning.waitFor();
    expect(await warning.innerText()).toContain('Trellis could not be reached. Check your connection and try again.');
    expect(dropped).toBe(1);
    await page.unroute('**/api/cases/*/plan');
    await page.getByRole('button', { name: 'Save the plan again' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /Target T1: Sequence lessons across a unit\./ }).waitFor();
    const mine = (await (
      await apiGet('mark.whitfield@bcu.example', `/api/cases?search=${encodeURIComponent('Owen Price')}`)
    ).json()) as { total: number };
    expect(mine.total).toBe(1);
  });

  it('is offered to the course team only', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Laura Bennett');
    await page.getByRole('table', { name: 'Cases' }).waitFor();
    expect(await page.getByRole('button', { name: 'Open a case' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    await page.goto(`${tab.url}/cases/new`);
    await page.getByText('Cases are opened by the course team').waitFor();
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical axe violations on the wizard's first steps (${theme} theme)`, async () => {
      const page = await freshPage();
      await signInAs(page, tab.url, 'Mark Whitfield');
      await openWizard(page, tab.url, `?theme=${theme}`);
      await page.getByRole('radio', { name: /Birmingham City University/ }).check();
      await page.getByRole('checkbox', { name: 'A trainee does not make the expected progress' }).check();
      const first = await seriousViolations(page);
      expect(first, describeViolations(first)).toEqual([]);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('alert').waitFor();
      const people = await seriousViolations(page);
      expect(people, describeViolations(people)).toEqual([]);
    });
  }
});

/** Unfolds an action and waits for the panel's opening animation (Web Animations) to end, so nothing moves under the pointer. */
async function openAction(page: Page, title: string): Promise<void> {
  // Headers carry aria-expanded; a form's submit button of the same name does not.
  await page.getByRole('button', { name: title, exact: true, expanded: false }).click();
  await page.getByRole('button', { name: title, exact: true, expanded: true }).waitFor();
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
}

describe('case actions in the workspace', () => {
  it('extends the review date within the cap, with dates shown, and sends again after a conflict', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Joanna Price');
    await page.goto(`${tab.url}/cases/demo-rcttp-due-this-week`);
    await openAction(page, 'Extend the review date');
    const form = page.getByRole('form', { name: 'Extend the review date' });
    expect(await form.innerText()).toMatch(
      /runs for at most 4 weeks from .* so the review can move to .* at the latest\./,
    );
    const input = form.getByLabel('New review date');
    const latest = (await input.getAttribute('max')) ?? '';
    const beyond = new Date(`${latest}T00:00:00Z`);
    beyond.setUTCDate(beyond.getUTCDate() + 1);
    await input.fill(beyond.toISOString().slice(0, 10));
    await form.getByLabel('Why the review is moving').fill('The mentor is on a course next week.');
    await form.getByRole('button', { name: 'Move the review' }).click();
    await form.getByText(/That is too late: .* is the latest the review can move to\./).waitFor();
    await input.fill(latest);

    // Meanwhile the tutor moves it by a day through the API: the tab's version is now stale.
    const token = await apiToken('joanna.price@rcttp.example');
    const now = await fetch(`${local.url}/api/cases/demo-rcttp-due-this-week`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const current = (await now.json()) as { plan: { content: { reviewDate: string } } };
    const dayLater = new Date(`${current.plan.content.reviewDate}T00:00:00Z`);
    dayLater.setUTCDate(dayLater.getUTCDate() + 1);
    const moved = await fetch(`${local.url}/api/cases/demo-rcttp-due-this-week/extension`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'if-match': now.headers.get('etag') ?? '',
      },
      body: JSON.stringify({ reviewDate: dayLater.toISOString().slice(0, 10), reason: 'Moved by a day.' }),
    });
    expect(moved.status).toBe(200);

    await form.getByRole('button', { name: 'Move the review' }).click();
    const conflict = form.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('The review date changed from');
    expect(await input.inputValue()).toBe(latest);
    await conflict.getByRole('button', { name: 'Send again' }).click();
    await form.getByText('The review date has moved.').waitFor();
    const after = (await (
      await apiGet('joanna.price@rcttp.example', '/api/cases/demo-rcttp-due-this-week')
    ).json()) as { plan: { content: { reviewDate: string } } };
    expect(after.plan.content.reviewDate).toBe(latest);
  });

  it('convenes a panel with at least its quorum and at most its size, then offers to record its first meeting with a chair', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Joanna Price');
    await page.goto(`${tab.url}/cases/demo-rcttp-due-this-week`);
    await openAction(page, 'Convene the Exceptional Circumstances panel');
    const form = page.getByRole('form', { name: 'Convene the Exceptional Circumstances panel' });
    expect(await form.innerText()).toContain('(quorate with 3, at most 5 members)');
    const people = [
      ['Stephen Clarke', 'stephen.clarke@rcttp.example', 'Programme manager'],
      ['Dr Alan Marsh', 'alan.marsh@rcttp.example', 'Executive Group chair'],
      ['Lorraine Francis', 'l.francis@rcttp.example', 'Headteacher'],
    ] as const;
    for (const [index, [name, email, role]] of people.slice(0, 2).entries()) {
      await form.getByLabel(`Name of member ${index + 1}`).fill(name);
      await form.getByLabel(`Email of member ${index + 1}`).fill(email);
      await form.getByLabel(`Role of member ${index + 1} (optional)`).fill(role);
    }
    await form.getByRole('button', { name: 'Convene the panel' }).click();
    await form
      .getByText('The Exceptional Circumstances panel needs at least 3 members to be quorate; 2 named so far.')
      .waitFor();
    await form.getByRole('button', { name: 'Add a member' }).click();
    await form.getByRole('button', { name: 'Add a member' }).click();
    expect(await form.getByRole('button', { name: 'Add a member' }).count()).toBe(0);
    await form.getByLabel('Name of member 3').fill(people[2][0]);
    await form.getByLabel('Email of member 3').fill('not an address');
    await form.getByRole('button', { name: 'Convene the panel' }).click();
    await form.getByText('Give each member a name and an email address (their sign-in name).').waitFor();
    await form.getByLabel('Email of member 3').fill(people[2][1]);
    await form.getByRole('button', { name: 'Convene the panel' }).click();
    await page.getByText(/Joanna Price convened a panel\./).waitFor();
    await openAction(page, 'Record a meeting of the Exceptional Circumstances panel');
    const meeting = page.getByRole('form', { name: 'Record a meeting of the Exceptional Circumstances panel' });
    expect(await meeting.getByRole('checkbox').count()).toBe(3);
    await meeting.getByLabel('Chair (agreed at this meeting)').waitFor();
  });

  it('escalates where the procedure allows, and closes with a reason', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Joanna Price');
    await page.goto(`${tab.url}/cases/demo-rcttp-overdue`);
    await openAction(page, 'Escalate the case');
    const form = page.getByRole('form', { name: 'Escalate the case' });
    await form.getByRole('button', { name: 'Escalate' }).click();
    await form.getByText('Say why the case is escalated, for the record.').waitFor();
    await form.getByLabel('Why').fill('Concerns about professional conduct raised by the school.');
    await form.getByRole('button', { name: 'Escalate' }).click();
    await page.getByText(/Joanna Price escalated the case\./).waitFor();

    await page.goto(`${tab.url}/cases/demo-rcttp-drafting`);
    await openAction(page, 'Close the case');
    const close = page.getByRole('form', { name: 'Close the case' });
    await close.getByLabel('Reason').fill('Opened in error: the concern was about another trainee.');
    await close.getByRole('button', { name: 'Close the case' }).click();
    await close.getByText('Tick the box to confirm.').waitFor();
    await close.getByRole('checkbox', { name: 'I understand the case will be closed' }).check();
    await close.getByRole('button', { name: 'Close the case' }).click();
    await page.getByText(/The case was closed \(Closed by course team\)\./).waitFor();
    expect(await page.getByTestId('case-actions').count()).toBe(0);
  });

  it('resumes a paused case, then offers to pause it again for health', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Julia Hart');
    await page.goto(`${tab.url}/cases/demo-mid-essex-paused`);
    await openAction(page, 'Resume the case');
    await page.getByRole('form', { name: 'Resume the case' }).getByRole('button', { name: 'Resume the case' }).click();
    await page.getByText(/Julia Hart resumed the case\./).waitFor();
    await openAction(page, 'Pause the case (health or leave)');
    const pause = page.getByRole('form', { name: 'Pause the case' });
    await pause.getByRole('radio', { name: 'Ill health' }).check();
    await pause.getByRole('button', { name: 'Pause the case' }).click();
    await page.getByText(/Julia Hart paused the case\./).waitFor();
  });

  it('records a panel meeting and its decision only when quorate, with each decision explained', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Joanna Price');
    await page.goto(`${tab.url}/cases/demo-rcttp-exceptional-circumstances-panel`);
    await openAction(page, 'Record a meeting of the Exceptional Circumstances panel');
    const form = page.getByRole('form', { name: /^Record a meeting of the / });
    const members = form.getByRole('checkbox');
    expect(await members.count()).toBe(4);
    await members.nth(0).check();
    await expect.poll(() => members.nth(0).isChecked()).toBe(true);
    await members.nth(1).check();
    await form.getByText(/2 present; quorate with 3 — not yet quorate\./).waitFor();
    const decisions = form.getByRole('radio');
    expect(await decisions.count()).toBeGreaterThan(2);
    await decisions.nth(1).check();
    await form.getByRole('button', { name: 'Record the meeting and decision' }).click();
    await form.getByText(/is quorate with 3 members present; 2 ticked\./).waitFor();
    await members.nth(2).check();
    await form.getByText(/3 present; quorate with 3 — quorate\./).waitFor();
    await form.getByLabel('Rationale (not shown to the trainee)').fill('Occupational health report received.');
    // The history already holds the panel's first meeting: wait for this one to join it.
    const met = page.getByText('The panel met.');
    const metBefore = await met.count();
    await form.getByRole('button', { name: 'Record the meeting and decision' }).click();
    await expect.poll(() => met.count(), { timeout: STEP_TIMEOUT_MS }).toBe(metBefore + 1);
    const view = (await (
      await apiGet('joanna.price@rcttp.example', '/api/cases/demo-rcttp-exceptional-circumstances-panel')
    ).json()) as { panels: { decisionId?: string; meetings: unknown[] }[] };
    expect(view.panels[0]?.decisionId).toBeDefined();
    expect(view.panels[0]?.meetings).toHaveLength(2);
  });

  it('completes a stage task, and shows staff actions to a named mentor but not the course-team ones', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Mark Whitfield');
    await page.goto(`${tab.url}/cases/demo-bcu-at-panel`);
    const task = page.getByRole('button', { name: /^Task: The mentor\/senior school leader meets with the trainee/ });
    await openAction(page, (await task.innerText()).trim());
    await page
      .getByRole('form', { name: /^Complete: / })
      .getByRole('button', { name: 'Mark as done' })
      .click();
    await page.getByText(/Mark Whitfield completed a task\./).waitFor();
    expect(await page.getByRole('button', { name: /^Task: The mentor\/senior school leader meets/ }).count()).toBe(0);

    const named = (await (await apiGet('mark.whitfield@bcu.example', '/api/cases/demo-bcu-due-this-week')).json()) as {
      people: { role: string; name: string }[];
    };
    const mentor = await freshPage();
    await signInAs(mentor, tab.url, named.people.find((p) => p.role === 'mentor')?.name ?? '');
    await mentor.goto(`${tab.url}/cases/demo-bcu-due-this-week`);
    // The extension form appears once the procedure definition (its cap) has loaded.
    await mentor.getByRole('button', { name: 'Extend the review date' }).waitFor();
    expect(await mentor.getByRole('button', { name: 'Close the case' }).count()).toBe(0);
    // Named staff may record that the trainee has withdrawn, which closes the case.
    await openAction(mentor, 'The trainee has withdrawn');
    const withdraw = mentor.getByRole('form', { name: 'Record a withdrawal' });
    await withdraw.getByLabel('Reason').fill('The trainee has left the programme for family reasons.');
    await withdraw.getByRole('checkbox', { name: 'I understand the case will be closed' }).check();
    await withdraw.getByRole('button', { name: 'Record the withdrawal' }).click();
    await mentor.getByText(/The case was closed \(Withdrawn\)\./).waitFor();
  });

  it('lets the trainee record their perceptions while the plan is drawn up, and shows them no staff actions', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Olivia Clarke');
    await page.goto(`${tab.url}/cases/demo-northgate-drafting`);
    const form = page.getByRole('form', { name: 'Your perceptions of the concerns' });
    await form.waitFor();
    expect(await page.getByTestId('case-actions').count()).toBe(0);
    await form.getByLabel(/How you see the concerns/).fill('');
    await form.getByRole('button', { name: 'Save my perceptions' }).click();
    await form.getByText('Write how the concerns are seen before saving.').waitFor();
    await form
      .getByLabel(/How you see the concerns/)
      .fill('I find behaviour management hard with <script>alert(1)</script> Year 9 on Fridays.');
    await form.getByRole('button', { name: 'Save my perceptions' }).click();
    await form.getByText('Your perceptions are saved on the plan.').waitFor();
    await page
      .getByText('I find behaviour management hard with <script>alert(1)</script> Year 9 on Fridays.', { exact: true })
      .first()
      .waitFor();
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical axe violations with the actions open (${theme} theme)`, async () => {
      const page = await freshPage();
      await signInAs(page, tab.url, 'Helen Okafor');
      await page.goto(`${tab.url}/cases/demo-bcu-formal-stage-3?theme=${theme}`);
      await openAction(page, 'Extend the review date');
      await openAction(page, 'Pause the case (health or leave)');
      await page.getByRole('form', { name: 'Extend the review date' }).waitFor();
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  }
});

describe('download the form as PDF', () => {
  it('fetches the PDF with the bearer token and saves it', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Mark Whitfield');
    await page.goto(`${tab.url}/cases/demo-bcu-overdue`);
    const request = page.waitForRequest((r) => r.url().endsWith('/api/cases/demo-bcu-overdue/form.pdf'));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download PDF' }).click();
    expect((await request).headers().authorization).toMatch(/^Bearer ey/);
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = await readFile(await file.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.getByText(/Saved .*\.pdf\./).waitFor();
  });
});

describe('reports', () => {
  it('shows the course team charts and tables, each exportable to CSV', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Mark Whitfield');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL(`${tab.url}/reports`);
    await page.getByRole('heading', { name: 'Cases opened and closed per month' }).waitFor();
    const visible = (await (await apiGet('mark.whitfield@bcu.example', '/api/cases?status=open&limit=500')).json()) as {
      total: number;
    };
    expect(await page.locator('[data-total="open"]').innerText()).toBe(String(visible.total));
    for (const heading of [
      'Open cases by stage',
      'Cases by reason',
      'Cases by standard',
      'Time to resolution',
      'Outcomes',
      'Overdue reviews by tutor',
    ]) {
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    }
    expect(
      await page.getByRole('img', { name: /^Cases by reason: \d+ rows?; the table below has the figures\.$/ }).count(),
    ).toBe(1);
    const overdue = page.locator('[data-report-section="overdue-by-tutor"]');
    const report = (await (await apiGet('mark.whitfield@bcu.example', '/api/reports')).json()) as {
      overdueReviewsByTutor: { name: string }[];
    };
    expect(report.overdueReviewsByTutor.length).toBeGreaterThan(0);
    for (const tutor of report.overdueReviewsByTutor)
      expect(await overdue.getByRole('table').innerText()).toContain(tutor.name);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reports.png'), fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV: Cases by reason' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^trellis-by-reason-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = (await readFile(await file.path())).toString('utf8');
    const lines = csv.replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe('Procedure,Reason,Cases');
    // A label with commas is one quoted cell: the row still has exactly three cells.
    const plateau = lines.find((l) => l.includes('plateaus'));
    expect(plateau).toMatch(/^[^,]+,"A trainee's teaching, for any reason, is not developing as expected; .*",\d+$/);
    expect(lines.filter((l) => l !== '').length).toBe(
      1 + (await page.locator('[data-report-section="by-reason"] tbody tr').count()),
    );

    await page.getByLabel('Opened from').fill('2030-01-01');
    await page.getByLabel('Opened to').fill('2029-01-01');
    await page.getByText('The “from” date is after the “to” date: swap them.').waitFor();
    expect(await page.getByRole('button', { name: 'Show the report' }).isDisabled()).toBe(true);
    await page.getByLabel('Opened to').fill('2031-01-01');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await expect.poll(() => page.locator('[data-total="cases"]').innerText()).toBe('0');
    await page.getByText('No case was opened or closed in this period.').waitFor();
  });

  it('tells someone outside the course team that reports are for the course team', async () => {
    const page = await freshPage();
    await signInAs(page, tab.url, 'Helen Okafor');
    await page.goto(`${tab.url}/reports`);
    await page.getByText('Reports are for the course team').waitFor();
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical axe violations on the reports page (${theme} theme)`, async () => {
      const page = await freshPage();
      await signInAs(page, tab.url, 'Mark Whitfield');
      await page.goto(`${tab.url}/reports?theme=${theme}`);
      await page.getByRole('heading', { name: 'Cases opened and closed per month' }).waitFor();
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  }
});
