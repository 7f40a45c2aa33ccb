import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { docsScreenshot } from '../docs-images.js';
import {
  describeViolations,
  seriousViolations,
  startTabEnvironment,
  type TabEnvironment,
  type TabServer,
  freshPage,
  signedInAs,
} from './tab-harness.js';

/**
 * The tab's newer pages end to end, against the real server and Graph emulator (local mode,
 * in-process): GET /api/me, the dashboard's filters, the channel configuration page,
 * /dev/sign-in?returnTo=, the PDF download and reports with CSV. The wizard and the case
 * actions have files of their own (tab-wizard, tab-workspace-actions), so the three run side by side.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;

async function apiGet(upn: string, apiPath: string): Promise<Response> {
  return fetch(`${local.url}${apiPath}`, { headers: { authorization: `Bearer ${await env.token(upn)}` } });
}

beforeAll(async () => {
  env = await startTabEnvironment('tab-journeys');
  ({ local, tab } = env);
});

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
    expect(leader.can).toEqual({ openCases: true, seeReports: true, configureChannelTab: true, keepRoster: true });
    const mentor = (await (await apiGet('laura.bennett@stannes-primary.example', '/api/me')).json()) as {
      roles: string[];
      programmes: string[];
      can: Record<string, boolean>;
    };
    expect(mentor.roles).toEqual([]);
    expect(mentor.programmes).toEqual([]);
    expect(mentor.can).toEqual({ openCases: false, seeReports: false, configureChannelTab: false, keepRoster: false });
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
    const page = await signedInAs(env, 'Mark Whitfield');
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
    const page = await signedInAs(env, 'Trellis Administrator');
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
    const page = await signedInAs(env, 'Mark Whitfield', '/config');
    await page.getByText('This page is used when adding Trellis to a Teams channel').waitFor();
    const validity = page.getByTestId('config-validity');
    expect(await validity.innerText()).toBe('Choose the programme whose cases this channel follows.');
    await page.getByRole('radio', { name: 'PGCE Primary and Early Years 2026/27' }).check();
    await expect.poll(() => validity.innerText()).toBe('Ready: select Save to add the tab.');
    expect(await page.getByLabel('Tab name').inputValue()).toBe('Trellis — PGCE Primary and Early Years 2026/27');
    const contentUrl = await page.getByTestId('config-content-url').innerText();
    expect(contentUrl).toBe(`${tab.url}/?inHost=1&programme=PGCE%20Primary%20and%20Early%20Years%202026%2F27`);
    await docsScreenshot(page, 'channel-config.png', { fullPage: true });
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
    const page = await signedInAs(env, 'Laura Bennett', '/config');
    await page.getByText('Only the course team sets up the channel tab').waitFor();
  });
});

describe('/dev/sign-in?returnTo=', () => {
  it('lands on the case after signing in, and ignores anything that is not a path on this site', async () => {
    const page = await freshPage(env);
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
    const fresh = await freshPage(env);
    await fresh.goto(`${tab.url}/cases/demo-bcu-due-this-week`);
    await fresh.getByRole('link', { name: 'Sign in as a demo person' }).click();
    await fresh.locator('li', { hasText: 'Mark Whitfield' }).first().getByRole('button', { name: 'Sign in' }).click();
    await fresh.waitForURL(`${tab.url}/cases/demo-bcu-due-this-week`);
  });
});

/** Fills each "Find the …" picker on the people step with the first person already on a case, where it offers one. */
describe('download the form as PDF', () => {
  it('fetches the PDF with the bearer token and saves it', async () => {
    const page = await signedInAs(env, 'Mark Whitfield', '/cases/demo-bcu-overdue');
    const request = page.waitForRequest((r) => r.url().endsWith('/api/cases/demo-bcu-overdue/form.pdf'));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download PDF' }).click();
    expect((await request).headers().authorization).toMatch(/^Bearer ey/);
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = await readFile(await file.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.getByText(/Saved .*\.pdf\./).waitFor();

    // Who has looked: the course leader's own download is in the case's access log, by name.
    await page.getByRole('button', { name: 'Show who has looked' }).click();
    await page
      .getByRole('list', { name: 'Who has looked at this case' })
      .getByText(/Mark Whitfield.*Downloaded the form PDF/)
      .first()
      .waitFor();
    // The trainee's data, for a subject access request: a zip fetched with the token.
    const zipDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export trainee’s data' }).click();
    const zip = await zipDownload;
    expect(zip.suggestedFilename()).toMatch(/^trellis-export-.*\.zip$/);
    expect((await readFile(await zip.path())).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('lets a trainee download their own data, and shows them no access log', async () => {
    const view = (await (await apiGet('mark.whitfield@bcu.example', '/api/cases/demo-bcu-overdue')).json()) as {
      people: { role: string; name: string }[];
    };
    const trainee = view.people.find((p) => p.role === 'trainee');
    if (!trainee) throw new Error('demo-bcu-overdue has no trainee');
    const page = await signedInAs(env, trainee.name, '/cases/demo-bcu-overdue');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download my data' }).click();
    const file = await download;
    expect((await readFile(await file.path())).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(await page.getByRole('button', { name: 'Show who has looked' }).count()).toBe(0);
  });
});

describe('the placement roster page', () => {
  const PROGRAMME = 'PGCE Primary and Early Years 2026/27';
  const HEADER =
    'trainee_upn,trainee_name,programme,school,mentor_upns,mentor_names,tutor_upn,tutor_name,term_start,term_end';
  const line = (school: string, termEnd = '2027-07-16'): string =>
    `nadia.roster@trainee.bcu.example,Nadia Roster,${PROGRAMME},${school},laura.bennett@stannes-primary.example,Laura Bennett,helen.okafor@bcu.example,Helen Okafor,2026-09-07,${termEnd}`;

  async function rowOnRoster(): Promise<{ id: string; version: number; school: string } | undefined> {
    const page = (await (await apiGet('mark.whitfield@bcu.example', '/api/placements?search=nadia.roster')).json()) as {
      items: { id: string; version: number; school: string }[];
    };
    return page.items[0];
  }

  it('imports a CSV after a preview with problems by line, updates on re-import, edits with If-Match and removes', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
    await page.getByRole('link', { name: 'Placement roster' }).click();
    await page.waitForURL(`${tab.url}/roster`);
    await page.getByRole('heading', { name: 'Placement roster', level: 1 }).waitFor();
    // The demo roster's rows, a page at a time.
    await page.getByText(/^Rows 1–\d+ of \d+$/).waitFor();

    // A file with a problem on its third line: the preview says so, and nothing can be written.
    await page
      .getByLabel('CSV export')
      .fill([HEADER, line('Hollybank Primary School'), line('Oak', '2026-01-01')].join('\n'));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByText('Nothing can be imported yet: 1 problem on 1 line.', { exact: false }).waitFor();
    expect(await page.locator('[data-problem-line="3"]').innerText()).toContain('term_end: is before term_start');
    expect(await page.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);
    expect(await rowOnRoster()).toBeUndefined();

    // Corrected: the preview shows the new row; importing writes it.
    await page.getByLabel('CSV export').fill([HEADER, line('Hollybank Primary School')].join('\n'));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page
      .getByText('Checked, nothing written yet: 1 new row, 0 changed, 0 unchanged.', { exact: false })
      .waitFor();
    expect(await rowOnRoster()).toBeUndefined();
    await page.getByRole('button', { name: 'Import 1 row' }).click();
    await page.getByText('Imported: 1 new row, 0 changed, 0 unchanged.').waitFor();
    expect((await rowOnRoster())?.school).toBe('Hollybank Primary School');

    // The same trainee and term again, another school: the row is updated, not added.
    await page.getByLabel('CSV export').fill([HEADER, line('Larch Primary School')].join('\n'));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page
      .getByText('Checked, nothing written yet: 0 new rows, 1 changed, 0 unchanged.', { exact: false })
      .waitFor();
    await page.getByRole('button', { name: 'Import 1 row' }).click();
    await page.getByText('Imported: 0 new rows, 1 changed, 0 unchanged.').waitFor();

    // Edit, while someone else changes the row first: the dialog shows the row as it now is.
    await page.getByLabel('Programme', { exact: true }).selectOption(PROGRAMME);
    await page.getByLabel('Trainee name or sign-in name').fill('Nadia');
    await page.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => page.locator('[data-roster-row]').count()).toBe(1);
    await page.getByRole('button', { name: 'Edit the row for Nadia Roster' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('School', { exact: true }).fill('Mine Primary School');
    const before = await rowOnRoster();
    if (!before) throw new Error('the imported row is not on the roster');
    const theirs = await fetch(`${local.url}/api/placements/${before.id}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await env.token('mark.whitfield@bcu.example')}`,
        'content-type': 'application/json',
        'if-match': `"v${String(before.version)}"`,
      },
      body: JSON.stringify({
        trainee_upn: 'nadia.roster@trainee.bcu.example',
        trainee_name: 'Nadia Roster',
        programme: PROGRAMME,
        school: 'Theirs Primary School',
        term_start: '2026-09-07',
        term_end: '2027-07-16',
      }),
    });
    expect(theirs.status).toBe(200);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Someone else changed the roster row for Nadia Roster', { exact: false }).waitFor();
    expect(await dialog.getByLabel('School', { exact: true }).inputValue()).toBe('Theirs Primary School');
    expect((await rowOnRoster())?.school).toBe('Theirs Primary School');
    await dialog.getByLabel('School', { exact: true }).fill('Mine Primary School');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved the row for Nadia Roster.').waitFor();
    expect((await rowOnRoster())?.school).toBe('Mine Primary School');

    await page.getByRole('button', { name: 'Remove the row for Nadia Roster' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByText('Removed the row for Nadia Roster.').waitFor();
    expect(await rowOnRoster()).toBeUndefined();
  });

  it('fits a 400 px screen with its preview, and is not offered to anyone outside the course team', async () => {
    const page = await signedInAs(env, 'Mark Whitfield', '/roster', { viewport: { width: 400, height: 800 } });
    await page.getByRole('list', { name: 'Roster rows' }).waitFor();
    await page
      .getByLabel('CSV export')
      .fill([HEADER, line('A school with a rather long name, Birmingham', '2026-01-01')].join('\n'));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.locator('[data-problem-line="2"]').waitFor();
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    const mentor = await signedInAs(env, 'Helen Okafor');
    await mentor.getByRole('navigation', { name: 'Trellis' }).waitFor();
    expect(await mentor.getByRole('link', { name: 'Placement roster' }).count()).toBe(0);
    await mentor.goto(`${tab.url}/roster`);
    await mentor.getByText('The placement roster is kept by the course team').waitFor();
  });
});

describe('reports', () => {
  it('shows the course team charts and tables, each exportable to CSV', async () => {
    const page = await signedInAs(env, 'Mark Whitfield');
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
    await docsScreenshot(page, 'reports.png', { fullPage: true });

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
    const page = await signedInAs(env, 'Helen Okafor', '/reports');
    await page.getByText('Reports are for the course team').waitFor();
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical axe violations on the reports page (${theme} theme)`, async () => {
      const page = await signedInAs(env, 'Mark Whitfield', `/reports?theme=${theme}`);
      await page.getByRole('heading', { name: 'Cases opened and closed per month' }).waitFor();
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  }
});

describe('correcting a record and erasing a case', () => {
  it('lets the course team correct a concern on the case page: the new wording in place, signatures dated before it', async () => {
    const caseId = 'demo-bcu-due-this-week';
    const page = await signedInAs(env, 'Mark Whitfield', `/cases/${caseId}`);
    const form = page.getByRole('form', { name: 'Correct a recorded text' });
    const concern = form.locator('option', { hasText: /: concern 1: / }).last();
    const value = await concern.getAttribute('value');
    if (value === null) throw new Error(`${caseId} offers no concern to correct`);
    await form.getByLabel('Text to correct').selectOption(value);
    await form.getByTestId('recorded-wording').waitFor();
    // Sent unchanged: the form says so, and nothing is sent.
    await form.getByRole('button', { name: 'Correct the text' }).click();
    await form.getByText('The new wording is the same as the recorded one: change it first.').waitFor();
    const wording = 'Pupils’ talk during transitions is not yet redirected <promptly>.';
    await form.getByLabel('Corrected wording').fill(wording);
    await form.getByRole('radio', { name: /^Inaccurate/ }).check();
    await form.getByLabel('Explanation').fill('The mentor’s note was misread.');
    await form.getByRole('button', { name: 'Correct the text' }).click();
    await form.getByText(/^Corrected: the new wording now shows everywhere/).waitFor();
    // In place on the plan, escaped as text; the earlier signatures say they came before the correction.
    await page.getByRole('region', { name: 'The plan' }).getByText(wording).first().waitFor();
    await page
      .getByRole('list', { name: 'Signatures' })
      .getByText(/before the correction of/)
      .first()
      .waitFor();
    const view = (await (await apiGet('mark.whitfield@bcu.example', `/api/cases/${caseId}`)).json()) as {
      plan: { content: { concerns: { text: string }[] } };
    };
    expect(view.plan.content.concerns[0]?.text).toBe(wording);
  });

  it('lets an administrator erase a case once they type its reference, and shows what the tombstone keeps', async () => {
    const admin = 'trellis.admin@trellis.example';
    const closed = (await (await apiGet(admin, '/api/cases?status=closed&limit=500')).json()) as {
      items: { id: string; reference: string }[];
    };
    const target = closed.items.find((c) => c.id.startsWith('demo-'));
    if (!target) throw new Error('The demo data has no closed case to erase.');
    const page = await signedInAs(env, 'Trellis Administrator', `/cases/${target.id}`);
    const form = page.getByRole('form', { name: 'Erase this case' });
    await form.getByLabel('The request this answers').fill('Erasure request ER-2026-14');
    await form.getByLabel(/^Type the case reference/).fill(target.reference.toLowerCase());
    await form.getByRole('button', { name: `Erase ${target.reference}` }).click();
    await form.getByText(`Type the case reference, ${target.reference}, exactly, to confirm.`).waitFor();
    expect((await apiGet(admin, `/api/cases/${target.id}`)).status).toBe(200);
    await form.getByLabel(/^Type the case reference/).fill(target.reference);
    await form.getByRole('button', { name: `Erase ${target.reference}` }).click();
    const erased = page.getByTestId('erased');
    await erased.waitFor();
    expect(await erased.innerText()).toMatch(
      new RegExp(
        `^Case ${target.reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was erased on .*A tombstone keeps only`,
      ),
    );
    expect((await apiGet(admin, `/api/cases/${target.id}`)).status).toBe(404);
    // The course team is not offered erasure.
    const lead = await signedInAs(env, 'Mark Whitfield', '/cases/demo-bcu-overdue');
    await lead.getByRole('form', { name: 'Correct a recorded text' }).waitFor();
    expect(await lead.getByRole('form', { name: 'Erase this case' }).count()).toBe(0);
  });
});
