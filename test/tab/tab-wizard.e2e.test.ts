import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { docsScreenshot } from '../docs-images.js';
import {
  describeViolations,
  openWizard,
  seriousViolations,
  startTabEnvironment,
  type TabEnvironment,
  type TabServer,
  signedInAs,
} from './tab-harness.js';
import { putOnRoster } from '../server/harness.js';

/**
 * The new-case wizard end to end, against the real server and Graph emulator (local mode,
 * in-process): procedure, people, concerns with standards, targets, the review window, refusals
 * as sentences, a retry that keeps what was typed, and accessibility in every theme.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;

async function apiGet(upn: string, apiPath: string): Promise<Response> {
  return fetch(`${local.url}${apiPath}`, { headers: { authorization: `Bearer ${await env.token(upn)}` } });
}

beforeAll(async () => {
  env = await startTabEnvironment('tab-wizard');
  ({ local, tab } = env);
  // Trainees with no demo case, on their programme's placement roster: the course team may open a case for them.
  await putOnRoster(local.placements, {
    trainee: { id: 'nadia.khan@mail.bcu.example', name: 'Nadia Khan' },
    programme: 'PGCE Primary and Early Years 2026/27',
  });
  await putOnRoster(local.placements, {
    trainee: { id: 'aidan.walsh@trainee.rcttp.example', name: 'Aidan Walsh' },
    programme: 'RCTTP Secondary 2026/27',
  });
  await putOnRoster(local.placements, {
    trainee: { id: 'owen.price@mail.bcu.example', name: 'Owen Price' },
    programme: 'PGCE Primary and Early Years 2026/27',
  });
});

afterAll(async () => {
  await env.close();
});

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
    const page = await signedInAs(env, 'Mark Whitfield');
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
    await page.getByRole('textbox', { name: 'School', exact: true }).fill('Hollybank Primary School, Birmingham');
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
    // Nadia's placement (the roster) ends on Tuesday 31 August 2027: a date after it is warned
    // about, not refused, where the procedure sets no window.
    await dateInput.fill('2027-09-06');
    await page.getByText('Monday 6 September 2027 is after the placement ends on Tuesday 31 August 2027.').waitFor();
    const nextWeek = new Date(`${today}T00:00:00Z`);
    nextWeek.setUTCDate(nextWeek.getUTCDate() + 7);
    const latest = nextWeek.toISOString().slice(0, 10);
    await dateInput.fill(latest);
    const axeTargets = await seriousViolations(page);
    expect(axeTargets, describeViolations(axeTargets)).toEqual([]);
    await docsScreenshot(page, 'new-case-targets.png', { fullPage: true });
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Check and open' }).waitFor();
    expect(await page.getByText('Nadia <b>Khan</b> (nadia.khan@mail.bcu.example)').count()).toBe(1);
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /Nadia <b>Khan<\/b> — BCU-/ }).waitFor();
    expect(await page.locator('b', { hasText: 'Khan' }).count()).toBe(0);
    await page.getByRole('heading', { name: /Target T1: Establish a consistent routine/ }).waitFor();
    // Shown once (the course team's "Correct a record" list quotes it too, inside a closed select).
    expect(
      await page.getByText('Behaviour routines are not yet established in Year 4.').filter({ visible: true }).count(),
    ).toBe(1);
    const caseId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const stored = (await (await apiGet('mark.whitfield@bcu.example', `/api/cases/${caseId}`)).json()) as {
      plan: { content: { reviewDate: string; targets: { actions: { party: string }[] }[] } };
    };
    expect(stored.plan.content.reviewDate).toBe(latest);
    expect(stored.plan.content.targets[0]?.actions.map((a) => a.party).sort()).toEqual(['mentor', 'trainee']);
  });

  it('shows the review window as dates and refuses a date past it (Mid-Essex: 14 calendar days)', async () => {
    const page = await signedInAs(env, 'Julia Hart');
    await openWizard(page, tab.url);
    await page.getByRole('radio', { name: /Mid-Essex/ }).check();
    await expect.poll(() => page.getByLabel('Case reference').inputValue()).not.toBe('');
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Next' }).click();
    await pickKnownPeople(page);
    await page.getByLabel('Trainee: full name').fill('Priti Shah');
    await page.getByLabel('Trainee: email (sign-in name)').fill('priti.shah@trainee.mid-essex-itt.example');
    await page.getByRole('textbox', { name: 'School', exact: true }).fill('Chelmer Valley High School');
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
    const page = await signedInAs(env, 'Joanna Price');
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
    await page.getByRole('textbox', { name: 'School', exact: true }).fill('Cwm Primary');
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

  it('names the open case, with a link, when the trainee already has one under the procedure', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
    await openWizard(page, tab.url);
    await page.getByRole('radio', { name: /Birmingham City University/ }).check();
    await expect.poll(() => page.getByLabel('Case reference').inputValue()).not.toBe('');
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Next' }).click();
    await pickKnownPeople(page);
    // Priya Sharma has an open demo case under this procedure.
    await page.getByLabel('Trainee: full name').fill('Priya Sharma');
    await page.getByLabel('Trainee: email (sign-in name)').fill('priya.sharma@mail.bcu.example');
    await page.getByRole('textbox', { name: 'School', exact: true }).fill('Hollybank Primary School, Birmingham');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Remove concern 1' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Remove target 1' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Open the case' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The case was not opened' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('already has an open case');
    const link = page.getByRole('link', { name: /^Open BCU-RIT-/ });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/cases/demo-bcu-drafting');
  });

  it('keeps everything typed when the case opens but the plan cannot be saved, and saves it on retry without opening a second case', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
    await openWizard(page, tab.url);
    await page.getByRole('radio', { name: /Birmingham City University/ }).check();
    await expect.poll(() => page.getByLabel('Case reference').inputValue()).not.toBe('');
    await page.getByRole('checkbox', { name: 'A trainee does not make the expected progress' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await pickKnownPeople(page);
    await page.getByLabel('Trainee: full name').fill('Owen Price');
    await page.getByLabel('Trainee: email (sign-in name)').fill('owen.price@mail.bcu.example');
    await page.getByRole('textbox', { name: 'School', exact: true }).fill('Hollybank Primary School, Birmingham');
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
    const page = await signedInAs(env, 'Laura Bennett');
    await page.getByRole('table', { name: 'Cases' }).waitFor();
    expect(await page.getByRole('button', { name: 'Open a case' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    await page.goto(`${tab.url}/cases/new`);
    await page.getByText('Cases are opened by the course team').waitFor();
  });

  it('lets a Bright Futures trainee raise a concern about themselves: the procedure, the reasons and what the concern is', async () => {
    // Grace Edwards is on the roster with no open case ("Concerns raised by … Trainee").
    const page = await signedInAs(env, 'Grace Edwards');
    await page.getByRole('button', { name: 'Raise a concern' }).click();
    await page.waitForURL(`${tab.url}/cases/new`);
    // Only the procedure that lets a trainee raise a concern is offered; no people, no targets.
    const bf = page.getByRole('radio', { name: /Bright Futures SCITT/ });
    await bf.waitFor();
    expect(await page.getByRole('radio').count()).toBe(1);
    await bf.check();
    await page.getByRole('checkbox', { name: /Concerns raised by Professional Mentor, Mentor or Trainee/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Concerns', exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Trainee, people and placement' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByRole('alert')
      .getByText(
        'Say what the concern is, in your own words: it starts the plan your mentors and Lead draw up with you.',
      )
      .waitFor();
    const concern = 'I find it hard to keep Year 2 on task after lunch & <i>need</i> help.';
    await page.getByRole('textbox', { name: 'What is the concern?' }).fill(concern);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Check and open' }).waitFor();
    expect(await page.getByText(concern, { exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const caseId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const stored = (await (
      await apiGet('grace.edwards@trainee.brightfutures.example', `/api/cases/${caseId}`)
    ).json()) as {
      procedure: { id: string };
      people: { role: string; id: string }[];
      plan: { content: { concernStatement?: string; targets: unknown[] } };
    };
    expect(stored.procedure.id).toBe('bright-futures-support');
    expect(stored.plan.content.concernStatement).toBe(concern);
    expect(stored.plan.content.targets).toEqual([]);
    // Her mentors and Lead come from the roster.
    expect(stored.people.map((p) => p.role)).toEqual(expect.arrayContaining(['trainee', 'lead', 'mentor']));
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical axe violations on the wizard's first steps (${theme} theme)`, async () => {
      const page = await signedInAs(env, 'Mark Whitfield');
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
