import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import {
  describeViolations,
  seriousViolations,
  startTabEnvironment,
  type TabEnvironment,
  type TabServer,
  signedInAs,
} from './tab-harness.js';

/**
 * Suspending a placement (Enhanced Support step 5) and scheduling a week-by-week stage (RCTTP's
 * Deferred Final Assessment) from the case workspace, end to end against local mode. The demo
 * cases stop short of those stages, so each test moves one there through the REST API first,
 * as the reviewers would.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;

/** Each form's checks run in every theme: signed in on the case page in the first, each other loads it afresh. */
const THEMES = ['default', 'dark', 'contrast'] as const;
/** Each test walks its form in three themes with axe, on a machine that may be busy. */
const LONG = 90_000;

const ESP_COURSE_TEAM = { name: 'Dr Catherine Lloyd', upn: 'catherine.lloyd@northgate-uni.example' };
const RCTTP_COURSE_TEAM = { name: 'Joanna Price', upn: 'joanna.price@rcttp.example' };
const ADMIN = 'trellis.admin@trellis.example';

interface CaseReply {
  readonly people: readonly { readonly role: string; readonly id: string; readonly name: string }[];
  readonly stage: { readonly id: string; readonly startsOn: string };
  readonly status: string;
  readonly plan?: { readonly content: { readonly targets: readonly { readonly id: string }[] } };
  readonly placementSuspended?: {
    readonly on: string;
    readonly by: string;
    readonly byName?: string;
    readonly reason?: string;
  };
  readonly derived: {
    readonly milestones: readonly { readonly id: string; readonly from: string; readonly to: string }[];
  };
}

/** The person named on the case in a role (demo cases spread the staff across cases). */
async function namedAs(caseId: string, role: string): Promise<{ readonly name: string; readonly upn: string }> {
  const person = (await readCase(ADMIN, caseId)).body.people.find((p) => p.role === role);
  if (person === undefined) throw new Error(`nobody is ${role} on ${caseId}`);
  return { name: person.name, upn: person.id };
}

async function readCase(upn: string, caseId: string): Promise<{ readonly body: CaseReply; readonly etag: string }> {
  const reply = await fetch(`${local.url}/api/cases/${caseId}`, {
    headers: { authorization: `Bearer ${await env.token(upn)}` },
  });
  expect(reply.status).toBe(200);
  return { body: (await reply.json()) as CaseReply, etag: reply.headers.get('etag') ?? '' };
}

/** One case command over REST, against the version just read (If-Match), as the tab sends it. */
async function command(upn: string, caseId: string, path: string, body: unknown): Promise<CaseReply> {
  const { etag } = await readCase(upn, caseId);
  const reply = await fetch(`${local.url}/api/cases/${caseId}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await env.token(upn)}`, 'content-type': 'application/json', 'if-match': etag },
    body: JSON.stringify(body),
  });
  const text = await reply.text();
  expect(reply.status, text).toBe(200);
  return JSON.parse(text) as CaseReply;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
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

/** "Monday 19 April 2027", worked out here rather than by the code under test. */
function longDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return `${DAYS[d.getUTCDay()] ?? ''} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}`;
}

function plusDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The first Monday at least `days` after `iso`: a start "in the following term". */
function mondayAfter(iso: string, days: number): string {
  let d = plusDays(iso, days);
  while (new Date(`${d}T00:00:00Z`).getUTCDay() !== 1) d = plusDays(d, 1);
  return d;
}

async function today(): Promise<string> {
  return ((await (await fetch(`${local.url}/dev/clock`)).json()) as { today: string }).today;
}

/** Unfolds an action and waits for the panel's opening animation to end, so nothing moves under the pointer. */
async function openAction(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: title, exact: true, expanded: false }).click();
  await page.getByRole('button', { name: title, exact: true, expanded: true }).waitFor();
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

beforeAll(async () => {
  env = await startTabEnvironment('case-actions');
  ({ local, tab } = env);
});

afterAll(async () => {
  await env.close();
});

describe('suspending the placement (Enhanced Support step 5)', () => {
  const caseId = 'demo-northgate-formal-step-4';

  it(
    'is offered to the course team at step 5, not to the tutor; once confirmed, the case shows it suspended with date and reason',
    async () => {
      const espTutor = await namedAs(caseId, 'tutor');
      // The Step 4 formal review finds no progress: the case moves to Step 5.
      const before = await readCase(espTutor.upn, caseId);
      expect(before.body.stage.id).toBe('step_4');
      const targets = before.body.plan?.content.targets ?? [];
      const atStep5 = await command(espTutor.upn, caseId, '/reviews', {
        progress: targets.map((t) => ({ targetId: t.id, rating: 'not_met' })),
        evidence: 'Observations, planning and pupils’ books over the review period.',
        attendees: ['trainee', 'mentor', 'tutor'],
        outcomeId: 'no_progress',
      });
      expect(atStep5.stage.id).toBe('step_5');

      // The tutor named on the case has staff actions, but suspending is for the course team.
      const tutor = await signedInAs(env, espTutor.name, `/cases/${caseId}`);
      await tutor.getByRole('button', { name: 'The trainee has withdrawn', exact: true }).waitFor();
      expect(await tutor.getByRole('button', { name: 'Suspend the placement', exact: true }).count()).toBe(0);
      expect(await tutor.getByTestId('placement-suspended').count()).toBe(0);

      const page = await signedInAs(env, ESP_COURSE_TEAM.name, `/cases/${caseId}?theme=${THEMES[0]}`);
      for (const theme of THEMES) {
        if (theme !== THEMES[0]) await page.goto(`${tab.url}/cases/${caseId}?theme=${theme}`);
        await openAction(page, 'Suspend the placement');
        const form = page.getByRole('form', { name: 'Suspend the placement' });
        expect(await form.innerText()).toMatch(
          /allows the course team to suspend the placement immediately, to avoid negative impact on pupils’ progress\. The trainee stops teaching on this placement from today/,
        );
        await form.getByRole('button', { name: 'Suspend the placement' }).click();
        await form.getByText('Say why the placement is suspended, for the record.').waitFor();
        await expectNoSeriousViolations(page);
      }

      const form = page.getByRole('form', { name: 'Suspend the placement' });
      const reason = 'Pupils in <b>Year 8</b> are falling behind; the school asked for it.';
      await form.getByLabel('Why the placement is suspended').fill(reason);
      await form.getByRole('button', { name: 'Suspend the placement' }).click();
      await form.getByText('Tick the box to confirm the placement is suspended now.').waitFor();
      await form.getByRole('checkbox', { name: 'I understand the placement is suspended from today' }).check();
      await form.getByRole('button', { name: 'Suspend the placement' }).click();

      const banner = page.getByTestId('placement-suspended');
      await banner.waitFor();
      const shown = await banner.innerText();
      expect(shown).toContain('The placement is suspended');
      expect(shown).toContain(`by ${ESP_COURSE_TEAM.name}.`);
      expect(shown).toContain(`Reason: ${reason}`);
      expect(await banner.locator('b').count()).toBe(0);
      await page.getByText('Placement suspended', { exact: true }).waitFor();
      await page.getByText(`${ESP_COURSE_TEAM.name} suspended the placement.`).waitFor();
      // Done once: the action is gone.
      expect(await page.getByRole('button', { name: 'Suspend the placement', exact: true }).count()).toBe(0);
      await expectNoSeriousViolations(page);

      const after = await readCase(ESP_COURSE_TEAM.upn, caseId);
      expect(after.body.placementSuspended).toEqual({
        on: await today(),
        by: ESP_COURSE_TEAM.upn,
        byName: ESP_COURSE_TEAM.name,
        reason,
      });
      // The tutor sees it too.
      await tutor.reload();
      await tutor.getByTestId('placement-suspended').getByText(`Reason: ${reason}`).waitFor();
    },
    LONG,
  );
});

describe('scheduling the Deferred Final Assessment (RCTTP)', () => {
  const caseId = 'demo-rcttp-escalated';

  it(
    'shows the weeks as dates from the chosen start, sends it again after a conflict, and the case shows the schedule',
    async () => {
      const rcttpTutor = await namedAs(caseId, 'partnership_tutor');
      // The Executive Group hears the report and extends the placement: a deferred final assessment.
      await command(RCTTP_COURSE_TEAM.upn, caseId, '/tasks', { taskId: 'report' });
      const atDfa = await command(RCTTP_COURSE_TEAM.upn, caseId, '/reviews', {
        evidence: 'The report to the Executive Group.',
        attendees: [],
        outcomeId: 'extend_placement',
        // The Executive Group decides as a group: its members and who attended.
        members: [
          { name: 'Dr Alan Marsh', role: 'Chair of the Executive Group', attended: true },
          { name: 'Joanna Price', role: 'Course team', attended: true },
        ],
      });
      expect(atDfa.stage.id).toBe('deferred_final_assessment');
      const entered = atDfa.stage.startsOn;

      // The partnership tutor is on the case, but scheduling is for the course team.
      const tutor = await signedInAs(env, rcttpTutor.name, `/cases/${caseId}`);
      await tutor.getByRole('button', { name: 'The trainee has withdrawn', exact: true }).waitFor();
      expect(await tutor.getByRole('button', { name: 'Schedule the stage', exact: true }).count()).toBe(0);

      const page = await signedInAs(env, RCTTP_COURSE_TEAM.name, `/cases/${caseId}?theme=${THEMES[0]}`);
      const weeks = page.getByRole('region', { name: 'Week by week' });
      const startsOn = mondayAfter(entered, 60);
      for (const theme of THEMES) {
        if (theme !== THEMES[0]) await page.goto(`${tab.url}/cases/${caseId}?theme=${theme}`);
        // Until scheduled, the weeks count from the day the case entered the stage.
        expect(await weeks.innerText()).toContain(`Week 1 begins on ${longDate(entered)}`);
        expect(await weeks.innerText()).toContain('until the course team schedules the start');
        await openAction(page, 'Schedule the stage');
        const form = page.getByRole('form', { name: 'Schedule Deferred Final Assessment' });
        if (theme === THEMES[0]) {
          await form.getByRole('button', { name: 'Schedule the stage' }).click();
          await form.getByText('Choose the date week 1 begins.').waitFor();
          await form.getByLabel('Week 1 begins on').fill(startsOn);
        } else {
          // The date chosen is kept as a draft: after the page is loaded again it is still there.
          await expect.poll(() => form.getByLabel('Week 1 begins on').inputValue(), { timeout: 10_000 }).toBe(startsOn);
        }
        const preview = form.getByRole('group', { name: 'The week-by-week plan from this date' });
        await preview.waitFor();
        await expectNoSeriousViolations(page);
      }

      const form = page.getByRole('form', { name: 'Schedule Deferred Final Assessment' });
      await form.getByLabel('Week 1 begins on').fill(entered);
      await form.getByRole('button', { name: 'Schedule the stage' }).click();
      await form
        .getByText(`The stage already starts on ${longDate(entered)}; choose another date to move it.`)
        .waitFor();
      await form.getByLabel('Week 1 begins on').fill(startsOn);
      const preview = await form.getByRole('group', { name: 'The week-by-week plan from this date' }).innerText();
      expect(preview).toContain(
        `Week 1 begins on ${longDate(startsOn)} and week 8 ends on ${longDate(plusDays(startsOn, 55))}.`,
      );
      expect(preview).toContain(
        `cannot be recorded before week 7, which begins on ${longDate(plusDays(startsOn, 42))}.`,
      );
      expect(preview).toContain(`Weeks 1–2: ${longDate(startsOn)} to ${longDate(plusDays(startsOn, 13))}`);
      expect(preview).toContain(
        `Weeks 3–5: ${longDate(plusDays(startsOn, 14))} to ${longDate(plusDays(startsOn, 34))}`,
      );
      expect(preview).toContain(`Deadline: ${longDate(plusDays(startsOn, 34))}.`);

      // Meanwhile someone else schedules it a week earlier: the tab's version is stale.
      await command(RCTTP_COURSE_TEAM.upn, caseId, '/stage-start', { startsOn: plusDays(startsOn, -7) });
      await form.getByRole('button', { name: 'Schedule the stage' }).click();
      const conflict = form.getByTestId('conflict');
      await conflict.waitFor();
      expect(await conflict.innerText()).toContain('Deferred Final Assessment now starts on');
      expect(await form.getByLabel('Week 1 begins on').inputValue()).toBe(startsOn);
      await conflict.getByRole('button', { name: 'Send again' }).click();
      await form.getByText('The stage is scheduled: the week-by-week plan on the case shows the new dates.').waitFor();
      // Sent, its draft goes.
      await expect
        .poll(() =>
          page.evaluate<string[]>(
            "Object.keys(localStorage).filter((k) => k.endsWith(':schedule-deferred_final_assessment'))",
          ),
        )
        .toEqual([]);
      // The date sent is now the start: that is not a problem to show until they try again.
      expect(await form.getByText(/already starts on/).count()).toBe(0);

      await expect.poll(() => weeks.innerText()).toContain(`Week 1 begins on ${longDate(startsOn)}`);
      const shown = await weeks.innerText();
      expect(shown).toContain('The course team scheduled Deferred Final Assessment to start on');
      expect(shown).toContain(`week 7, which begins on ${longDate(plusDays(startsOn, 42))}`);
      expect(shown).toContain(`Weeks 7–8: ${longDate(plusDays(startsOn, 42))} to ${longDate(plusDays(startsOn, 55))}`);
      await page
        .getByText(`${RCTTP_COURSE_TEAM.name} scheduled Deferred Final Assessment to start on`)
        .first()
        .waitFor();
      await expectNoSeriousViolations(page);

      const after = await readCase(RCTTP_COURSE_TEAM.upn, caseId);
      expect(after.body.stage.startsOn).toBe(startsOn);
      expect(after.body.derived.milestones.find((m) => m.id === 'final_observations')).toMatchObject({
        from: plusDays(startsOn, 42),
        to: plusDays(startsOn, 55),
      });
      // The judgement is refused before week 7, as the tab said.
      const early = await fetch(`${local.url}/api/cases/${caseId}/reviews`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await env.token(RCTTP_COURSE_TEAM.upn)}`,
          'content-type': 'application/json',
          'if-match': after.etag,
        },
        body: JSON.stringify({ evidence: 'Observations.', attendees: [], outcomeId: 'ready_for_moderation' }),
      });
      expect(early.status).toBeGreaterThanOrEqual(400);
      expect(early.status).toBeLessThan(500);
    },
    LONG,
  );
});

describe('changing a mentor (course team)', () => {
  const caseId = 'demo-bcu-awaiting-signatures';
  const BCU_COURSE_TEAM = { name: 'Mark Whitfield', upn: 'mark.whitfield@bcu.example' };

  it(
    'replaces the mentor from the case page: the new one is named, the trail says so, the old one no longer sees the case',
    async () => {
      const oldMentor = await namedAs(caseId, 'mentor');
      const page = await signedInAs(env, BCU_COURSE_TEAM.name, `/cases/${caseId}?theme=${THEMES[0]}`);
      for (const theme of THEMES) {
        if (theme !== THEMES[0]) await page.goto(`${tab.url}/cases/${caseId}?theme=${theme}`);
        await openAction(page, 'Change who is on the case');
        const form = page.getByRole('form', { name: 'Change who is on the case' });
        await form.getByRole('button', { name: 'Save the change' }).click();
        await form.getByText('Choose the role that changes.').waitFor();
        await expectNoSeriousViolations(page);
      }
      const form = page.getByRole('form', { name: 'Change who is on the case' });
      await form.getByLabel('Role').selectOption({ label: 'Class teacher/mentor' });
      expect(await form.getByLabel('Who leaves the role').inputValue()).toBe(oldMentor.upn);
      await form.getByLabel('Who joins (full name)').fill('Priya <i>Shah</i>');
      await form.getByLabel('Their work email (their sign-in name)').fill('P.Shah@hollybank.example');
      await form.getByRole('button', { name: 'Save the change' }).click();
      await form.getByText('Say why, for the record.').waitFor();
      await form.getByLabel('Why').fill('The class teacher has moved to another school.');
      await form.getByRole('button', { name: 'Save the change' }).click();
      await page
        .getByText(
          `${BCU_COURSE_TEAM.name} replaced ${oldMentor.name} with Priya <i>Shah</i> as Class teacher/mentor from`,
        )
        .first()
        .waitFor();
      expect(await page.locator('i', { hasText: 'Shah' }).count()).toBe(0);
      await expectNoSeriousViolations(page);

      const after = await readCase(BCU_COURSE_TEAM.upn, caseId);
      expect(after.body.people.find((p) => p.role === 'mentor')).toMatchObject({
        id: 'p.shah@hollybank.example',
        name: 'Priya <i>Shah</i>',
      });
      const old = await fetch(`${local.url}/api/cases/${caseId}`, {
        headers: { authorization: `Bearer ${await env.token(oldMentor.upn)}` },
      });
      expect(old.status).toBe(404);
    },
    LONG,
  );
});

describe('meetings on a case', () => {
  it(
    'records the plan meeting with who attended; the form keeps them and the page lists them',
    async () => {
      const caseId = 'demo-bcu-drafting';
      const mentor = await namedAs(caseId, 'mentor');
      const trainee = await namedAs(caseId, 'trainee');
      const page = await signedInAs(env, mentor.name, `/cases/${caseId}?theme=${THEMES[0]}`);
      for (const theme of THEMES) {
        if (theme !== THEMES[0]) await page.goto(`${tab.url}/cases/${caseId}?theme=${theme}`);
        await openAction(page, 'Record the plan meeting');
        const form = page.getByRole('form', { name: 'Record the plan meeting' });
        await form.getByRole('button', { name: 'Record the meeting' }).click();
        await form.getByText('Tick who attended.').waitFor();
        await expectNoSeriousViolations(page);
      }
      const form = page.getByRole('form', { name: 'Record the plan meeting' });
      await form.getByRole('checkbox', { name: new RegExp(`^${trainee.name} \\(`) }).check();
      await form.getByRole('checkbox', { name: new RegExp(`^${mentor.name} \\(`) }).check();
      await form.getByLabel('Where (optional)').fill('Year 4 classroom');
      await form.getByLabel('Notes (not shown to the trainee)').fill('The tutor is to be phoned.');
      await form.getByRole('button', { name: 'Record the meeting' }).click();
      const meetings = page.getByRole('list', { name: 'Meetings' });
      await meetings.waitFor();
      const shown = await meetings.innerText();
      expect(shown).toContain('Plan meeting');
      expect(shown).toContain('in person, Year 4 classroom');
      expect(shown).toContain(`Attended: ${trainee.name} (Trainee), ${mentor.name} (Class teacher/mentor)`);
      expect(shown).toContain('Notes: The tutor is to be phoned.');
      await expectNoSeriousViolations(page);
      const after = await readCase(mentor.upn, caseId);
      expect(after.body.plan).toMatchObject({
        content: { meeting: { heldOn: await today(), mode: 'in_person', attendees: ['trainee', 'mentor'] } },
      });
      // The trainee sees the meeting, not the notes.
      const traineePage = await signedInAs(env, trainee.name, `/cases/${caseId}`);
      const seen = traineePage.getByRole('list', { name: 'Meetings' });
      await seen.waitFor();
      expect(await seen.innerText()).not.toContain('The tutor is to be phoned.');
    },
    LONG,
  );

  it(
    'schedules the review meeting: time, place, and the case page says so',
    async () => {
      const caseId = 'demo-bcu-due-this-week';
      const tutor = await namedAs(caseId, 'tutor');
      const page = await signedInAs(env, tutor.name, `/cases/${caseId}`);
      await openAction(page, 'Schedule the review meeting');
      const form = page.getByRole('form', { name: 'Schedule the review meeting' });
      await form.getByLabel('Start time').fill('16:15');
      await form.getByLabel('Length in minutes').fill('45');
      await form.getByRole('button', { name: 'Save and update the invitation' }).click();
      await form.getByText('Say where the meeting is held.').waitFor();
      await form.getByLabel('Where').fill('Hollybank Primary, Room 4');
      await form.getByRole('button', { name: 'Save and update the invitation' }).click();
      await page
        .getByText(/^The review meeting: .* at 16:15 for 45 minutes, at Hollybank Primary, Room 4\.$/)
        .waitFor();
      await expectNoSeriousViolations(page);
      const after = await readCase(tutor.upn, caseId);
      expect((after.body as unknown as { plan: { reviewMeeting: unknown } }).plan.reviewMeeting).toEqual({
        startTime: '16:15',
        durationMinutes: 45,
        mode: 'in_person',
        location: 'Hollybank Primary, Room 4',
      });
    },
    LONG,
  );
});
