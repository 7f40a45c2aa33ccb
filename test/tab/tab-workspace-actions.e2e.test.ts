import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import {
  describeViolations,
  seriousViolations,
  startTabEnvironment,
  STEP_TIMEOUT_MS,
  type TabEnvironment,
  type TabServer,
  signedInAs,
} from './tab-harness.js';

/**
 * Case actions in the workspace end to end, against the real server and Graph emulator (local
 * mode, in-process): extend, panels, escalate and close, pause and resume, stage tasks, the
 * trainee's perceptions, who is offered what, and accessibility in every theme.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;

async function apiGet(upn: string, apiPath: string): Promise<Response> {
  return fetch(`${local.url}${apiPath}`, { headers: { authorization: `Bearer ${await env.token(upn)}` } });
}

beforeAll(async () => {
  env = await startTabEnvironment('tab-workspace-actions');
  ({ local, tab } = env);
});

afterAll(async () => {
  await env.close();
});

async function openAction(page: Page, title: string): Promise<void> {
  // Headers carry aria-expanded; a form's submit button of the same name does not.
  await page.getByRole('button', { name: title, exact: true, expanded: false }).click();
  await page.getByRole('button', { name: title, exact: true, expanded: true }).waitFor();
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
}

describe('case actions in the workspace', () => {
  it('extends the review date within the cap, with dates shown, and sends again after a conflict', async () => {
    const page = await signedInAs(env, 'Joanna Price', '/cases/demo-rcttp-due-this-week');
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
    const token = await env.token('joanna.price@rcttp.example');
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
    const page = await signedInAs(env, 'Joanna Price', '/cases/demo-rcttp-due-this-week');
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
    const page = await signedInAs(env, 'Joanna Price', '/cases/demo-rcttp-overdue');
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
    // A closed case offers the course team one action: reopening it (closed by mistake).
    const actions = page.getByTestId('case-actions');
    await actions.getByRole('button', { name: 'Reopen the case' }).waitFor();
    expect(await actions.getByRole('button').allInnerTexts()).toEqual(['Reopen the case']);
  });

  it('resumes a paused case, then offers to pause it again for health', async () => {
    const page = await signedInAs(env, 'Julia Hart', '/cases/demo-mid-essex-paused');
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
    const page = await signedInAs(env, 'Joanna Price', '/cases/demo-rcttp-exceptional-circumstances-panel');
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
    const page = await signedInAs(env, 'Mark Whitfield', '/cases/demo-bcu-at-panel');
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
    const mentor = await signedInAs(
      env,
      named.people.find((p) => p.role === 'mentor')?.name ?? '',
      '/cases/demo-bcu-due-this-week',
    );
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
    const page = await signedInAs(env, 'Olivia Clarke', '/cases/demo-northgate-drafting');
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
      const page = await signedInAs(env, 'Helen Okafor', `/cases/demo-bcu-formal-stage-3?theme=${theme}`);
      await openAction(page, 'Extend the review date');
      await openAction(page, 'Pause the case (health or leave)');
      await page.getByRole('form', { name: 'Extend the review date' }).waitFor();
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  }
});

describe('a decision that opens a linked second-attempt case (BCU Placement Review Panel)', () => {
  const COURSE_TEAM = 'mark.whitfield@bcu.example';
  const CASE = 'demo-bcu-at-panel';

  /** The Stage 5 tasks still to do before the panel decides, ticked off by the course team over REST. */
  async function finishTasks(): Promise<void> {
    for (;;) {
      const reply = await apiGet(COURSE_TEAM, `/api/cases/${CASE}`);
      const view = (await reply.json()) as { derived: { tasks: { id: string; done: boolean }[] } };
      // The de-brief follows the decision: everything else comes first.
      const next = view.derived.tasks.find((t) => !t.done && t.id !== 'debrief_meeting');
      if (next === undefined) return;
      const done = await fetch(`${local.url}/api/cases/${CASE}/tasks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await env.token(COURSE_TEAM)}`,
          'content-type': 'application/json',
          'if-match': reply.headers.get('etag') ?? '',
        },
        body: JSON.stringify({ taskId: next.id }),
      });
      expect(done.status, await done.text()).toBe(200);
    }
  }

  it('records the decision with its targets, links the two cases both ways, and offers the fee waiver', async () => {
    await finishTasks();
    const page = await signedInAs(env, 'Mark Whitfield', `/cases/${CASE}`);
    await openAction(page, 'Record a meeting of the Placement Review Panel');
    const form = page.getByRole('form', { name: 'Record a meeting of the Placement Review Panel' });
    const members = form.getByRole('checkbox');
    for (let i = 0; i < (await members.count()); i += 1) await members.nth(i).check();
    await form.getByLabel('Chair (agreed at this meeting)').selectOption({ index: 1 });
    await form.getByRole('radio', { name: /second and final attempt with a RIT in place/ }).check();
    // The decision names the identified targets before it can be sent.
    await form.getByRole('button', { name: 'Record the meeting and decision' }).click();
    await form.getByText('Name the targets the new case addresses, one per line.').waitFor();
    await form
      .getByLabel(/Targets the new case addresses/)
      .fill('Establish behaviour routines from the start of every lesson\nPlan lessons that build on prior attainment');
    await form.getByRole('button', { name: 'Record the meeting and decision' }).click();

    const links = page.getByTestId('linked-cases');
    await links.getByText(/Led on to case/).waitFor({ timeout: STEP_TIMEOUT_MS });
    // The course team may now waive the resit fee, in writing to the trainee.
    await page.getByRole('button', { name: 'Waive the fee', exact: true }).waitFor();

    await links.getByRole('link').click();
    await page.waitForURL(/\/cases\/demo-bcu-at-panel-L\d+$/);
    const back = page.getByTestId('linked-cases');
    await back.getByText(/Continues case/).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.getByText('Establish behaviour routines from the start of every lesson').first().waitFor();
    await back.getByRole('link').click();
    await page.waitForURL(/\/cases\/demo-bcu-at-panel$/);
  });
});
