import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import {
  describeViolations,
  openWizard,
  seriousViolations,
  signInAs,
  startTabEnvironment,
  type TabEnvironment,
  type TabServer,
  freshPage,
  signedInAs,
} from './tab-harness.js';
import { putOnRoster } from '../server/harness.js';

/**
 * The new-case wizard's people step in Chromium against local mode: people found in
 * the directory as you type (GET /api/people on the Graph emulator's directory), and RCTTP's
 * second initiation asked for before the case is sent, with a third explained.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;

const BCU_PROGRAMME = 'PGCE Primary and Early Years 2026/27';
const RCTTP_NAME = /Concern Procedures/;

beforeAll(async () => {
  env = await startTabEnvironment('tab-new-case', { schedule: false });
  ({ local, tab } = env);
  // A trainee who is in no directory but on the programme's placement roster (the course team opens cases for those).
  await putOnRoster(local.placements, {
    trainee: { id: 'rosa.qxz@mail.bcu.example', name: 'Rosa Qxz' },
    programme: BCU_PROGRAMME,
  });
});

afterAll(async () => {
  await env.close();
});

async function apiGet<T>(upn: string, path: string): Promise<T> {
  const reply = await fetch(`${local.url}${path}`, { headers: { authorization: `Bearer ${await env.token(upn)}` } });
  return (await reply.json()) as T;
}

/** From the home `page` is on, opens the wizard, chooses the procedure and its first reason, and goes on to the people step. */
async function toPeopleStep(page: Page, procedure: RegExp): Promise<void> {
  await openWizard(page, tab.url);
  await page.getByRole('radio', { name: procedure }).first().check();
  await expect.poll(() => page.getByLabel('Case reference').inputValue()).not.toBe('');
  await page.getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Trainee, people and placement' }).waitFor();
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The polite status beside a picker: what the search is doing. */
const statusOf = (page: Page, roleLabel: string) =>
  page.getByRole('group', { name: new RegExp(`^${escape(roleLabel)} \\(`) }).getByRole('status');

/** Chooses someone already on a case in the picker for `roleLabel` by the start of their name (the first one for ''). */
async function pickKnown(page: Page, roleLabel: string, name: string): Promise<void> {
  const picker = page.getByRole('combobox', { name: `Find the ${roleLabel}` });
  await picker.click();
  await picker.fill(name);
  await page
    .getByRole('group', { name: 'Already on cases' })
    .getByRole('option', { name: new RegExp(`^${escape(name)}`) })
    .first()
    .click();
}

/** Goes from the people step to "Check and open" with no concerns or targets (the plan is drafted on the case). */
async function skipToReview(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Concerns', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Remove concern 1' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Targets and review date' }).waitFor();
  await page.getByRole('button', { name: 'Remove target 1' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Check and open' }).waitFor();
}

interface PeopleAnswer {
  readonly people: readonly { readonly upn: string; readonly name: string }[];
}

describe('people from the directory', () => {
  it('finds the mentor and tutor by part of their name (people on no case), and the case names them', async () => {
    // Nobody chosen here is on a case yet: they come from the directory, not from the cases.
    const before = await apiGet<{ items: { people: { id: string }[] }[] }>(
      'mark.whitfield@bcu.example',
      '/api/cases?limit=500',
    );
    const onCases = new Set(before.items.flatMap((c) => c.people.map((p) => p.id)));
    expect(onCases.has('soneill@oakfield-primary.example')).toBe(false);
    expect(onCases.has('martin.cooper@bcu.example')).toBe(false);

    const page = await freshPage(env);
    // The page's own clock, which the test holds still while it types (below); it runs as usual otherwise.
    await page.clock.install();
    const searches: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/people') searches.push(url.searchParams.get('search') ?? '');
    });
    await signInAs(page, tab.url, 'Mark Whitfield');
    await toPeopleStep(page, /Birmingham City University/);

    // The mentor: typed quickly, searched once when the typing pauses; someone whose sign-in name is not their email.
    const mentor = page.getByRole('combobox', { name: 'Find the Class teacher/mentor' });
    await mentor.click();
    // Typed while the page's time stands still, so however slowly a busy machine delivers the
    // keys, none of them comes after a pause as long as the search waits for.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
    await mentor.pressSequentially('Siobhan O', { delay: 30 });
    expect(searches).toEqual([]);
    await page.clock.resume();
    await statusOf(page, 'Class teacher/mentor').getByText('1 person in the directory matches “Siobhan O”.').waitFor();
    // One search when the typing pauses, not one per key (8 keys from the second character on).
    expect(searches).toEqual(['Siobhan O']);
    await page
      .getByRole('group', { name: 'In the directory' })
      .getByRole('option', { name: /Siobhan O'Neill/ })
      .click();
    expect(await page.getByLabel('Class teacher/mentor: full name').inputValue()).toBe("Siobhan O'Neill");
    expect(await page.getByLabel('Class teacher/mentor: email (sign-in name)').inputValue()).toBe(
      'siobhan.oneill@oakfield-primary.example',
    );

    // The tutor, with the keyboard only: two words of the name, arrow down to the person, Enter.
    const tutor = page.getByRole('combobox', { name: 'Find the University tutor' });
    await tutor.focus();
    await page.keyboard.type('martin coo');
    await statusOf(page, 'University tutor').getByText('1 person in the directory matches “martin coo”.').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('University tutor: full name').inputValue()).toBe('Martin Cooper');
    expect(await page.getByLabel('University tutor: email (sign-in name)').inputValue()).toBe(
      'martin.cooper@bcu.example',
    );
    // A slip typed into the name and taken back: the choice no longer holds, so the box stops
    // naming Martin Cooper and says why. (His email is his sign-in name, so the case still names him.)
    const tutorName = page.getByLabel('University tutor: full name');
    await tutorName.press('End');
    await tutorName.press('x');
    await statusOf(page, 'University tutor')
      .getByText(
        'The name or email was changed by hand, so the choice here was cleared. Search again to choose someone.',
      )
      .waitFor();
    expect(await tutor.inputValue()).toBe('');
    await tutorName.press('Backspace');

    // The trainee is not in the directory under this name: typed by hand.
    const trainee = page.getByRole('combobox', { name: 'Find the Trainee' });
    await trainee.click();
    await trainee.fill('Qxz');
    await statusOf(page, 'Trainee')
      .getByText('No one in the directory matches “Qxz”. If they have no account, type their name and email below.')
      .waitFor();
    await page.getByLabel('Trainee: full name').fill('Rosa Qxz');
    await page.getByLabel('Trainee: email (sign-in name)').fill('rosa.qxz@mail.bcu.example');
    await page.getByRole('textbox', { name: 'School', exact: true }).fill('Oakfield Primary School');

    await skipToReview(page);
    expect(await page.getByText("Siobhan O'Neill (siobhan.oneill@oakfield-primary.example)").count()).toBe(1);
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /Rosa Qxz — BCU-/ }).waitFor();
    await page.getByText("Siobhan O'Neill").first().waitFor();
    await page.getByText('Martin Cooper').first().waitFor();

    const caseId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const opened = await apiGet<{
      people: { role: string; id: string; name: string }[];
      placement: { programme: string };
    }>('mark.whitfield@bcu.example', `/api/cases/${caseId}`);
    expect(opened.placement.programme).toBe(BCU_PROGRAMME);
    // The case records each person by their sign-in name, so they can open it when they sign in.
    expect(
      opened.people
        .filter((p) => p.role !== 'trainee')
        .map(({ role, id, name }) => ({ role, id, name }))
        .sort((a, b) => a.role.localeCompare(b.role)),
    ).toEqual([
      { role: 'mentor', id: 'soneill@oakfield-primary.example', name: "Siobhan O'Neill" },
      { role: 'tutor', id: 'martin.cooper@bcu.example', name: 'Martin Cooper' },
    ]);
  });

  it('says it is searching, then why the search failed in a sentence, and searches again as the typing goes on', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
    await toPeopleStep(page, /Birmingham City University/);
    // Graph is busy: no answer until the page has said it is searching, then 503.
    let answer = (): void => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await page.route('**/api/people?**', async (route) => {
      await answered;
      await route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
        body: JSON.stringify({ status: 503, title: 'Busy', detail: 'The directory is busy. Try again in a moment.' }),
      });
    });
    const mentor = page.getByRole('combobox', { name: 'Find the Class teacher/mentor' });
    await mentor.click();
    await mentor.fill('Joanne');
    await statusOf(page, 'Class teacher/mentor').getByText('Searching…').waitFor();
    answer();
    await statusOf(page, 'Class teacher/mentor')
      .getByText(
        'The directory could not be searched: The directory is busy. Try again in a moment. You can type the name and email below.',
      )
      .waitFor();
    await page.unroute('**/api/people?**');
    // Typing on searches again once the directory answers.
    await mentor.fill('Joanne Pe');
    await statusOf(page, 'Class teacher/mentor').getByText('1 person in the directory matches “Joanne Pe”.').waitFor();
  });

  it('answers the people search only to those who open cases (GET /api/people)', async () => {
    const leader = await fetch(`${local.url}/api/people?search=${encodeURIComponent('Siobhan O')}`, {
      headers: { authorization: `Bearer ${await env.token('mark.whitfield@bcu.example')}` },
    });
    expect(leader.status).toBe(200);
    expect(((await leader.json()) as PeopleAnswer).people.map((p) => p.upn)).toEqual([
      'soneill@oakfield-primary.example',
    ]);
    const short = await fetch(`${local.url}/api/people?search=S`, {
      headers: { authorization: `Bearer ${await env.token('mark.whitfield@bcu.example')}` },
    });
    expect(short.status).toBe(400);
    const trainee = await fetch(`${local.url}/api/people?search=Siobhan`, {
      headers: { authorization: `Bearer ${await env.token('callum.reid@mail.bcu.example')}` },
    });
    expect(trainee.status).toBe(403);
  });
});

describe('a second initiation (RCTTP)', () => {
  it('asks for the ground of a second case for a trainee with a closed earlier case, takes one that needs evidence, and the case shows it', async () => {
    const page = await signedInAs(env, 'Joanna Price');
    await toPeopleStep(page, RCTTP_NAME);
    await pickKnown(page, 'Trainee', 'Zara Ahmed');
    const section = page.getByRole('group', { name: 'Second initiation' });
    await section.waitFor();
    const earlier = await section.getByTestId('earlier-case').innerText();
    expect(earlier).toMatch(/^Zara Ahmed has been through .* before \(RCTTP-\d{4}-\d+, opened .*, closed .*\)/);
    expect(await section.innerText()).toContain('never a third time');
    await pickKnown(page, 'Mentor(s)', '');
    await pickKnown(page, 'Partnership Tutor', '');
    await page.getByRole('textbox', { name: 'School', exact: true }).fill('Kingsway Academy');

    const alert = page.getByRole('alert');
    await page.getByRole('button', { name: 'Next' }).click();
    await alert.getByText(/^Choose the ground for starting .* a second time\.$/).waitFor();
    await section
      .getByRole('radio', {
        name: /^Long term illness supported by a medical certificate \(needs: a medical certificate\)$/,
      })
      .check();
    await page.getByRole('button', { name: 'Next' }).click();
    await alert
      .getByText(
        'Long term illness supported by a medical certificate must be supported by evidence (a medical certificate): say what it is.',
      )
      .waitFor();
    await section
      .getByLabel(/^Evidence: A medical certificate/)
      .fill('Fit note from Dr <i>Rees</i>, 2 November: unfit for work for six weeks.');
    const axe = await seriousViolations(page);
    expect(axe, describeViolations(axe)).toEqual([]);

    await skipToReview(page);
    await page
      .getByText(
        'Long term illness supported by a medical certificate. Evidence: Fit note from Dr <i>Rees</i>, 2 November: unfit for work for six weeks.',
      )
      .waitFor();
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /Zara Ahmed — RCTTP-/ }).waitFor();
    const fact = page.locator('dt', { hasText: 'Second initiation' }).locator('xpath=following-sibling::dd[1]');
    await expect
      .poll(() => fact.innerText())
      .toBe(
        'Long term illness supported by a medical certificate. Evidence: Fit note from Dr <i>Rees</i>, 2 November: unfit for work for six weeks.',
      );
    expect(await page.locator('i', { hasText: 'Rees' }).count()).toBe(0);

    // A third is explained before anything is sent.
    const again = await signedInAs(env, 'Joanna Price');
    await toPeopleStep(again, RCTTP_NAME);
    await pickKnown(again, 'Trainee', 'Zara Ahmed');
    const third = again.getByText('This would be a third initiation');
    await third.waitFor();
    await again.getByRole('button', { name: 'Next' }).click();
    await again
      .getByRole('alert')
      .getByText(/Zara Ahmed has already been through .* twice .* never a third, so this case cannot be opened/)
      .waitFor();
    await again.getByRole('heading', { name: 'Trainee, people and placement' }).waitFor();
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical axe violations on the people step with the directory list and a second initiation (${theme} theme)`, async () => {
      const page = await signedInAs(env, 'Joanna Price', `/?theme=${theme}`);
      await toPeopleStep(page, RCTTP_NAME);
      // Jack Thompson has one RCTTP case, still being drafted.
      await pickKnown(page, 'Trainee', 'Jack Thompson');
      const section = page.getByRole('group', { name: 'Second initiation' });
      await section.getByRole('radio', { name: /^Long term illness/ }).check();
      await section.getByLabel(/^Evidence:/).waitFor();
      const tutor = page.getByRole('combobox', { name: 'Find the Partnership Tutor' });
      await tutor.click();
      await tutor.fill('Gr');
      await statusOf(page, 'Partnership Tutor')
        .getByText(/in the directory match/)
        .waitFor();
      await page.getByRole('listbox').waitFor();
      const open = await seriousViolations(page);
      expect(open, describeViolations(open)).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('alert').waitFor();
      const withProblems = await seriousViolations(page);
      expect(withProblems, describeViolations(withProblems)).toEqual([]);
    });
  }
});
