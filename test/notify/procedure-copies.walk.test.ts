import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import {
  addDays,
  isWorkingDay,
  londonInstantAt,
  parseLocalDate,
  type LocalDate,
} from '../../src/domain/calendar/index.js';
import { planRulesOf } from '../../src/domain/case/command-kit.js';
import { reviewWindow } from '../../src/domain/case/plan-rules.js';
import { aDraft } from '../../src/domain/case/testing.js';
import { calendarFor } from '../../src/domain/case/command-kit.js';
import { getProcedure } from '../../src/domain/procedures/index.js';
import { DEMO_PROVIDERS, type DemoProvider } from '../../src/dev/local-mode/personas.js';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { recipientToken } from '../../src/notify/notification.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import { call as callAt, type Reply, type RequestOptions } from '../server/harness.js';
import { seededDataDir } from '../support/local-mode-seeds.js';

/**
 * Each seed procedure walked through REST to its first completed form, as the providers wrote
 * it, in one local-mode start: the course team opens a case, drafts the plan, everyone named
 * signs with their own token, and then each copy the seed asks for is checked as delivered —
 * the recipient, the subject (the case reference), the form attached as a PDF whose text
 * (pdftotext) names the form, its version, the trainee as recorded and every typed signature,
 * and the course team channel card's words.
 *
 * What each seed says about the copy of the agreed form:
 *  - BCU: "The trainee and the class teacher/mentor/university tutor sign the form and a copy is
 *    sent to @bcu.ac.uk" (the course mailbox);
 *  - RCTTP and every provider: a copy goes to the course team (mailbox and channel);
 *  - the university partnership: "The University Tutor provides a copy of the Enhanced Support
 *    Action Plan" (to the trainee and the mentors);
 *  - Bright Futures: "Copy of support plan to be shared with Mentor team and Trainee";
 *  - Mid-Essex: "Other relevant partnership staff should be informed and all correspondence
 *    copied to the Director".
 *
 * Then each case walks on, in the same start, to the later copies its seed asks for, each person
 * acting with their own token and the case's ETag, the dev clock moved on to each review date:
 *  - BCU Stage 5: "An email is sent to the course team, the school, the trainee, the Professional
 *    Development Tutor and the university tutor to confirm the decision" (the school at the
 *    contact address on the trainee's roster row);
 *  - RCTTP: "The school that agrees to accept the trainee for the deferred final assessment
 *    placement will be fully informed …": the course team is asked to pass it on while no school
 *    has agreed, then the school and its School Mentor(s) get the form when the placement moves;
 *  - the university partnership's Step 3 and Bright Futures' Stage 2 forms go to the trainee and
 *    the mentors again;
 *  - Mid-Essex: what the review sends anyone is copied to the Director too.
 */

const TODAY = parseLocalDate('2026-11-23');
const realNow = (): Date => londonInstantAt(TODAY, 10, 0);

let dataDir: string;
let local: RunningLocalMode;
const work = mkdtempSync(path.join(tmpdir(), 'trellis-walk-pdf-'));

const call = (method: string, route: string, options?: RequestOptions): Promise<Reply> =>
  callAt(local.url, method, route, options);

beforeAll(async () => {
  dataDir = await seededDataDir('trellis-walk', 'pinned');
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: silentLogger,
    realNow,
    schedule: false,
  });
  // Each programme's course team has linked its Teams channel ("@Trellis use this channel for …"),
  // as the demo's first programme has: the channel cards land in the dev connector.
  const client = createGraphClient({
    kind: 'custom',
    baseUrl: local.emulator.baseUrl,
    caCertPem: local.emulator.caCertPem,
    token: EMULATOR_APP_TOKEN,
  });
  const conversations = new ConversationStore(
    client,
    (await openTrellisSite(client, local.emulator.siteId)).lists.conversations,
  );
  for (const walk of WALKS) {
    const provider = demo(walk.key);
    await conversations.saveChannel({
      programme: provider.programme,
      conversationId: channelOf(walk.key),
      serviceUrl: `${local.url}/dev/connector`,
      tenantId: undefined,
      teamId: undefined,
      linkedBy: provider.courseTeam.upn,
    });
  }
});

afterAll(async () => {
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function pdfText(base64: string, name: string): string {
  const file = path.join(work, name);
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** Wrapped lines folded back into one: words split over two lines of a cell still match. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

interface Walk {
  readonly key: string;
  /** A trainee new to the provider (every demo trainee has a case open already), named beyond ASCII. */
  readonly trainee: string;
  /** Who the seed says gets a copy of the agreed form, by role, besides the course team. */
  readonly copiesTo: readonly string[];
  /** The placement school's contact address, where the roster has one (the case takes it from there). */
  readonly schoolContact?: string;
}

const WALKS: readonly Walk[] = [
  { key: 'bcu', trainee: 'Łukasz Nowak', copiesTo: [], schoolContact: 'placements@hollybank.example' },
  { key: 'rcttp', trainee: 'Siân Prydderch', copiesTo: [] },
  { key: 'northgate', trainee: 'Zoë Ferreira', copiesTo: ['trainee'] },
  { key: 'brightfutures', trainee: '李华', copiesTo: ['trainee'] },
  { key: 'mid-essex', trainee: 'Chloé Ó Briain', copiesTo: [] },
];

function demo(key: string): DemoProvider {
  const found = DEMO_PROVIDERS.find((p) => p.key === key);
  if (!found) throw new Error(`no demo provider ${key}`);
  return found;
}

interface Person {
  readonly role: string;
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

/** A walk's case, as the walk knows it. */
interface CaseRef {
  readonly walk: Walk;
  readonly caseId: string;
  readonly reference: string;
  readonly people: readonly Person[];
}

interface Opened extends CaseRef {
  readonly typed: ReadonlyMap<string, string>;
  /** The title of the form that was agreed. */
  readonly title: string;
}

/** Each walk's case once its first form is agreed: the later stages go on from there. */
const agreed = new Map<string, Opened>();

function walked(key: string): Opened {
  const found = agreed.get(key);
  if (!found) throw new Error(`${key} did not reach its first agreed form`);
  return found;
}

/** The parts of the case view the walk reads. */
interface CaseView {
  readonly status: string;
  readonly stage: { readonly id: string };
  readonly plan?: {
    readonly rulesFrom: {
      readonly stageId: string;
      readonly outcome?: { readonly stageId: string; readonly outcomeId: string; readonly panelId?: string };
    };
    readonly content: { readonly targets: readonly { readonly id: string }[] };
    readonly agreedOn?: string;
  };
  readonly derived: {
    readonly nextReviewDate?: string;
    readonly reviewWindow?: { readonly earliest: string; readonly latest?: string };
  };
}

/** Today on the dev clock: the walks share it, so it only ever moves forward. */
let today: LocalDate = TODAY;

/** Moves the dev clock to `date` (local mode's POST /dev/clock) unless it is there or later already. */
async function moveClockTo(date: string): Promise<void> {
  const day = parseLocalDate(date);
  if (day <= today) return;
  const moved = await call('POST', '/dev/clock', { body: { now: londonInstantAt(day, 10, 0).toISOString() } });
  expect(moved.status, moved.text).toBe(200);
  today = day;
}

const procedureOf = (walk: Walk) => getProcedure(demo(walk.key).procedureId);

function courseTeamOf(walk: Walk): Promise<string> {
  const provider = demo(walk.key);
  return local.keys.sign(
    {
      upn: provider.courseTeam.upn,
      name: provider.courseTeam.name,
      roles: ['CourseTeam'],
      programmes: [provider.programme],
    },
    realNow(),
  );
}

const tokenOf = (person: Person): Promise<string> =>
  local.keys.sign({ upn: person.id, name: person.name, roles: [] }, realNow());

function personIn(c: CaseRef, role: string): Person {
  const found = c.people.find((p) => p.role === role);
  if (!found) throw new Error(`${c.walk.key} names nobody as ${role}`);
  return found;
}

async function read(c: CaseRef): Promise<{ view: CaseView; etag: string }> {
  const reply = await call('GET', `/api/cases/${c.caseId}`, { token: await courseTeamOf(c.walk) });
  expect(reply.status, reply.text).toBe(200);
  return { view: reply.body as CaseView, etag: reply.headers.get('etag') ?? '' };
}

/** One command on the case as `who` (a person on it, with their own token, or the course team), with the case's ETag. */
async function act(
  c: CaseRef,
  who: Person | 'course team',
  method: 'POST' | 'PUT',
  route: string,
  body: unknown,
): Promise<void> {
  const { etag } = await read(c);
  const token = who === 'course team' ? await courseTeamOf(c.walk) : await tokenOf(who);
  const reply = await call(method, `/api/cases/${c.caseId}${route}`, { token, body, headers: { 'if-match': etag } });
  const as = who === 'course team' ? 'the course team' : who.role;
  expect(reply.status, `${c.walk.key}: ${method} ${route} as ${as}: ${reply.text}`).toBe(200);
}

/** The trainee on the roster and the case opened by the course team, over REST. */
async function openWalkCase(walk: Walk): Promise<CaseRef> {
  const provider = demo(walk.key);
  const procedure = getProcedure(provider.procedureId);
  const courseTeam = await courseTeamOf(walk);
  const traineeUpn = `walk.trainee@trainee.${walk.key}.example`;
  const people = [
    { role: 'trainee', id: traineeUpn, name: walk.trainee, email: traineeUpn },
    ...Object.entries(provider.staff).flatMap(([role, staff]) => {
      const first = staff[0];
      return first && procedure.roles.some((r) => r.id === role)
        ? [{ role, id: first.upn, name: first.name, email: first.upn }]
        : [];
    }),
  ];
  // On the programme's placement roster first: the course team opens cases for the trainees it has.
  const rostered = await call('POST', '/api/placements/import', {
    token: courseTeam,
    body: {
      rows: [
        {
          trainee_upn: traineeUpn,
          trainee_name: walk.trainee,
          programme: provider.programme,
          school: provider.school,
          ...(walk.schoolContact === undefined ? {} : { school_contact_email: walk.schoolContact }),
          term_start: '2026-09-01',
          term_end: '2027-07-16',
        },
      ],
    },
  });
  expect(rostered.status, rostered.text).toBe(200);
  const reference = `${provider.referencePrefix}-WALK`;
  const opened = await call('POST', '/api/cases', {
    token: courseTeam,
    body: {
      procedureId: procedure.id,
      reference,
      reasons: [procedure.reasons[0]?.id ?? 'progress'],
      people,
      placement: {
        school: provider.school,
        subject: provider.subject,
        phase: provider.phase,
        programme: provider.programme,
      },
    },
  });
  expect(opened.status, opened.text).toBe(201);
  return { walk, caseId: (opened.body as { id: string }).id, reference, people };
}

/**
 * The form the case's current stage asks for, drafted on today's date by the course team: the
 * review a week on (or the latest the stage allows, on a working day), an action for each party
 * the form names. Returns the form's title.
 */
async function draftPlan(c: CaseRef): Promise<string> {
  const procedure = procedureOf(c.walk);
  const { view } = await read(c);
  const rulesFrom = view.plan?.rulesFrom ?? { stageId: view.stage.id };
  const rules = planRulesOf(procedure, {
    rulesFrom: {
      stageId: rulesFrom.stageId,
      outcome:
        rulesFrom.outcome === undefined
          ? undefined
          : {
              stageId: rulesFrom.outcome.stageId,
              outcomeId: rulesFrom.outcome.outcomeId,
              ...(rulesFrom.outcome.panelId === undefined ? {} : { panelId: rulesFrom.outcome.panelId }),
            },
    },
  });
  const calendar = calendarFor(procedure);
  const window = view.derived.reviewWindow ?? reviewWindow(rules, today, calendar);
  const inAWeek = addDays(today, 7);
  let reviewDate = window.latest !== undefined && window.latest < inAWeek ? parseLocalDate(window.latest) : inAWeek;
  while (!isWorkingDay(calendar, reviewDate)) reviewDate = addDays(reviewDate, -1);
  const draft = aDraft(procedure, {
    reviewDate,
    meeting: { heldOn: today, attendees: ['trainee'], placementConcern: false },
    ...(rules.fields.includes('support_measures') ? { supportMeasures: rules.supportMeasureOptions.slice(0, 1) } : {}),
  });
  // An action for each party the form names (the trainee's own, where the form gives the trainee actions).
  const plan = {
    ...draft,
    targets: draft.targets.map((t) => ({
      ...t,
      // Parties by the form's responsibility codes (RCTTP's T, S, RCTTP) where it has them.
      actions: (rules.responsibilities.length > 0
        ? rules.responsibilities.map((r) => r.code)
        : rules.actionParties
      ).map((party) => ({
        party,
        text: ['trainee', 'T'].includes(party)
          ? 'Plan and rehearse entry routines.'
          : 'Observe and give weekly feedback.',
      })),
      ...(rules.fields.includes('monitoring') ? { monitoring: 'Weekly observation by the mentor.' } : {}),
    })),
  };
  await act(c, 'course team', 'PUT', '/plan', { plan });
  return rules.title;
}

/**
 * Everyone the form names signs it with their own token, as they type their name (the trainee's
 * perceptions first where the form asks for them): each requirement is met by the first role in
 * it that someone holds. Returns the typed signatures by role.
 */
async function signAll(c: CaseRef): Promise<Map<string, string>> {
  const procedure = procedureOf(c.walk);
  const { view } = await read(c);
  if (!view.plan) throw new Error(`${c.walk.key}: no plan to sign`);
  const rules = planRulesOf(procedure, {
    rulesFrom: {
      stageId: view.plan.rulesFrom.stageId,
      outcome:
        view.plan.rulesFrom.outcome === undefined
          ? undefined
          : { stageId: view.plan.rulesFrom.outcome.stageId, outcomeId: view.plan.rulesFrom.outcome.outcomeId },
    },
  });
  const trainee = personIn(c, 'trainee');
  if (rules.fields.includes('trainee_perceptions')) {
    await act(c, trainee, 'POST', '/perceptions', { text: 'I understand the concerns and want to improve.' });
  }
  const typed = new Map<string, string>();
  const signers = rules.signatures.required.flatMap((req) => {
    const holder = req.anyOf.flatMap((role) => c.people.filter((p) => p.role === role))[0];
    return holder === undefined ? [] : [holder];
  });
  if (signers.length === 0) {
    const staff = c.people.find((p) => p.role !== 'trainee');
    if (staff) signers.push(staff);
  }
  for (const signer of signers) {
    const typedName = signer.role === 'trainee' ? c.walk.trainee.toLowerCase() : signer.name;
    await act(c, signer, 'POST', '/signatures', { role: signer.role, typedName });
    typed.set(signer.role, typedName);
  }
  const after = await read(c);
  expect(after.view.plan?.agreedOn, `${c.reference} plan agreed`).toBe(today);
  await local.notifications.background.idle();
  return typed;
}

/**
 * The stage's review (or decision, where the stage waits for one) recorded by the holder of
 * `role` with `outcomeId`, on its date: the dev clock moves on to the review date first. Every
 * target on the plan under review is rated not met.
 */
async function recordReview(c: CaseRef, role: string, outcomeId: string, extra: object = {}): Promise<void> {
  const { view } = await read(c);
  const due = view.derived.nextReviewDate;
  if (due !== undefined) await moveClockTo(due);
  const underReview = view.status === 'active' ? (view.plan?.content.targets ?? []) : [];
  await act(c, personIn(c, role), 'POST', '/reviews', {
    progress: underReview.map((t) => ({ targetId: t.id, rating: 'not_met', comment: 'Not yet seen in lessons.' })),
    evidence: 'Observed lessons, planning and the notes of the weekly meetings.',
    attendees: [role],
    outcomeId,
    ...extra,
  });
  await local.notifications.background.idle();
}

/** Opens the case, drafts its first plan and has everyone named sign it, all over REST. */
async function walkToAgreedPlan(walk: Walk): Promise<Opened> {
  const opened = await openWalkCase(walk);
  const title = await draftPlan(opened);
  const typed = await signAll(opened);
  const c = { ...opened, typed, title };
  agreed.set(walk.key, c);
  return c;
}

type Mail = ReturnType<typeof mailsOf>[number];

/**
 * The email to `address` among `mails` that carries version `version` of the agreed form, checked
 * as the seed's copy: the subject names the case; the attached PDF's text (pdftotext) names the
 * form, its version, the trainee as recorded and every typed signature. Returns the email's body.
 */
function formCopy(
  form: { caseRef: CaseRef; typed: ReadonlyMap<string, string>; title: string },
  mails: readonly Mail[],
  address: string,
  who: string,
  version: number,
): string {
  const { walk, reference } = form.caseRef;
  const file = `${reference}-form-v${version}.pdf`;
  const mail = mails.find((m) => m.toRecipients.includes(address) && m.attachments.some((a) => a.name === file));
  const theirs = mails
    .filter((m) => m.toRecipients.includes(address))
    .map((m) => `${m.subject} [${m.attachments.map((a) => a.name).join(', ')}]`);
  expect(mail, `${walk.key}: the copy of form v${version} to ${who} <${address}>: ${theirs.join('; ')}`).toBeDefined();
  if (!mail) return '';
  expect(mail.subject).toContain(reference);
  const attachment = mail.attachments.find((a) => a.name === file);
  const text = flat(pdfText(attachment?.contentBytes ?? '', `${walk.key}-${who}-v${version}.pdf`));
  expect(text, `${walk.key}: the form's title`).toContain(flat(form.title).slice(0, 30));
  expect(text, `${walk.key}: the form's version`).toContain(`Form version ${version}`);
  expect(text, `${walk.key}: the trainee as recorded`).toContain(walk.trainee);
  for (const [role, name] of form.typed) expect(text, `${walk.key}: ${role}'s typed signature`).toContain(name);
  return mail.bodyContent;
}

function mailsOf(reference: string) {
  return local.emulator.inspect().mails.filter((m) => m.subject.includes(reference));
}

/** The course team channel each walk's programme is linked to. */
const channelOf = (key: string): string => `19:walk-${key}@thread.tacv2`;

/** What was posted to the walk's course team channel about the case, as card JSON. */
function channelCards(key: string, reference: string): string[] {
  return local.connector
    .activities()
    .filter((a) => a.conversationId.startsWith(channelOf(key)))
    .map((a) => JSON.stringify(a.activity))
    .filter((json) => json.includes(reference));
}

describe('each procedure’s copies of the agreed form, walked through REST', () => {
  it.each(WALKS)('$key: every copy the seed asks for is delivered with the form as agreed', async (walk) => {
    const opened = await walkToAgreedPlan(walk);
    const { caseId, reference, people, typed, title } = opened;
    const mails = mailsOf(reference);
    const courseMailbox = courseMailboxOf(walk);

    const copyTo = (address: string, who: string): string =>
      formCopy({ caseRef: opened, typed, title }, mails, address, who, 1);

    // The course team: the mailbox copy with the form, and the channel card saying what happened.
    copyTo(courseMailbox, 'the course mailbox');
    const cards = channelCards(walk.key, reference);
    const rows = await local.notifications.runtime.outbox.listForCase(caseId);
    const channelRows = rows.records.filter((r) => r.notification.channel === 'channel_card');
    expect(
      cards.length,
      `${walk.key}: the course team channel card (${channelRows.map((r) => `${r.state} ${r.lastError ?? ''}`).join('; ')})`,
    ).toBeGreaterThan(0);
    expect(cards.some((json) => /agreed/i.test(json) && json.includes(title.slice(0, 20)))).toBe(true);

    for (const role of walk.copiesTo) {
      const person = people.find((p) => p.role === role);
      if (!person) throw new Error(`${walk.key} names nobody as ${role}`);
      const body = copyTo(person.email, role);
      // The trainee's own email speaks to them.
      if (role === 'trainee') expect(body).toMatch(/\byour\b/i);
    }

    if (walk.key === 'mid-essex') {
      // "All correspondence copied to the Director": each email and signature request the case
      // sent someone else is copied to the Director by email.
      const director = people.find((p) => p.role === 'director');
      if (!director) throw new Error('Mid-Essex names no Director');
      const toDirector = mails.filter((m) => m.toRecipients.includes(director.email));
      const toOthers = mails.filter(
        (m) => !m.toRecipients.includes(director.email) && !m.toRecipients.includes(courseMailbox),
      );
      expect(toOthers.length).toBeGreaterThan(0);
      expect(toDirector.length).toBeGreaterThanOrEqual(toOthers.length);
      const trainee = people.find((p) => p.role === 'trainee');
      expect(toDirector.some((m) => m.bodyContent.includes(trainee?.name ?? '\u0000'))).toBe(true);
    }
  });
});

/** The emails about the case from the `since`-th on: what one step of the walk sent. */
function mailsSince(reference: string, since: number) {
  return local.emulator
    .inspect()
    .mails.slice(since)
    .filter((m) => m.subject.includes(reference));
}

const mailCount = (): number => local.emulator.inspect().mails.length;

const courseMailboxOf = (walk: Walk): string =>
  `course.team@${procedureOf(walk).provider.id.replace(/_/g, '-')}.example`;

/** The course team channel cards about the case posted from the `since`-th activity on. */
function channelCardsSince(key: string, reference: string, since: number): string[] {
  return local.connector
    .activities()
    .slice(since)
    .filter((a) => a.conversationId.startsWith(channelOf(key)))
    .map((a) => JSON.stringify(a.activity))
    .filter((json) => json.includes(reference));
}

/** The Placement Review Panel as the course leader convenes it. */
const BCU_PANEL = [
  { id: 'anne.marsh@bcu.example', name: 'Anne Marsh', role: 'Chair, Head of Department' },
  { id: 'david.osei@bcu.example', name: 'David Osei', role: 'Course leader (another route)' },
  { id: 'j.barker@partnerschool.example', name: 'Julie Barker', role: 'Partnership headteacher' },
];

describe('the copies the seeds ask for at later stages, walked on from the first form', () => {
  it('BCU Stage 5: the Placement Review Panel’s decision is emailed to the course team, the school, the trainee, the PDT and the university tutor', async () => {
    const c = walked('bcu');
    // Stage 2: insufficient progress, so revised targets on a new Rapid Improvement Target Form.
    await recordReview(c, 'mentor', 'insufficient_progress');
    await draftPlan(c);
    await signAll(c);
    // Stage 3: the formal review finds insufficient progress; Stage 4: the course team agrees the placement is failed.
    await recordReview(c, 'mentor', 'insufficient_progress');
    await recordReview(c, 'course_leader', 'failed_placement');
    // Stage 5: the tasks before the panel, by the people they name.
    for (const [role, taskId, note] of [
      ['mentor', 'evidence_meeting', 'Met the trainee to go through the tracker evidence.'],
      ['course_leader', 'course_leadership_meeting', 'Targets agreed; failed placement record completed.'],
      ['course_leader', 'refer_to_panel', 'Placement records reviewed and referred to the panel.'],
      ['tutor', 'placement_review_form', 'Placement Review Form sent to the trainee, class teacher, mentor and tutor.'],
    ] as const) {
      await act(c, personIn(c, role), 'POST', '/tasks', { taskId, note });
    }
    await act(c, personIn(c, 'course_leader'), 'POST', '/panels', {
      panelId: 'placement_review_panel',
      members: BCU_PANEL,
      evidence: ['The placement records, reviewed by the course team', 'The record for a failed placement'],
    });
    const mailsBefore = mailCount();
    const cardsBefore = local.connector.activities().length;
    await act(c, personIn(c, 'course_leader'), 'POST', '/panels/placement_review_panel/meetings', {
      attendees: BCU_PANEL.map((m) => m.id),
      decisionId: 'first_attempt',
      rationale: 'The panel reviewed the placement records and the Placement Review Forms.',
    });
    await local.notifications.background.idle();

    const decision = 'Trainee will be offered an opportunity to undertake this placement as a first attempt.';
    const mails = mailsSince(c.reference, mailsBefore);
    const confirmed = (address: string, who: string) => {
      const mail = mails.find((m) => m.toRecipients.includes(address) && m.bodyContent.includes(decision));
      expect(
        mail,
        `the decision to ${who} <${address}>: ${mails.map((m) => `${m.toRecipients.join(',')} ${m.subject}`).join('; ')}`,
      ).toBeDefined();
      expect(mail?.subject).toContain(c.reference);
    };
    confirmed(courseMailboxOf(c.walk), 'the course team');
    confirmed('placements@hollybank.example', 'the school');
    for (const role of ['trainee', 'professional_development_tutor', 'tutor']) confirmed(personIn(c, role).email, role);
    const cards = channelCardsSince(c.walk.key, c.reference, cardsBefore);
    expect(
      cards.some((json) => json.includes(decision)),
      'the course team channel card states the decision',
    ).toBe(true);
  }, 120_000);

  /** Where a later stage's form goes out again, the seed names who gets a copy. */
  const LATER_FORMS = [
    {
      key: 'northgate',
      stage: 'Step 3',
      seed: 'The University Tutor provides a copy of the Enhanced Support Action Plan',
      // Step 2: "If insufficient progress has been made, proceed to Step 3."
      review: { by: 'mentor', outcomeId: 'insufficient_progress' },
      copiesTo: ['trainee', 'mentor', 'professional_mentor'],
    },
    {
      key: 'brightfutures',
      stage: 'Stage 2',
      seed: 'Copy of support plan to be shared with Mentor team and Trainee',
      // "If concerns are ongoing, Lead will initiate Stage 2."
      review: { by: 'lead', outcomeId: 'concerns_ongoing' },
      copiesTo: ['trainee', 'mentor', 'professional_mentor'],
    },
  ];

  it.each(LATER_FORMS.map((later) => [`${later.key} ${later.stage}: “${later.seed}”`, later] as const))(
    '%s',
    async (_name, later) => {
      const c = walked(later.key);
      await recordReview(c, later.review.by, later.review.outcomeId);
      const title = await draftPlan(c);
      const since = mailCount();
      const typed = await signAll(c);
      const mails = mailsSince(c.reference, since);
      const form = { caseRef: c, typed, title };
      formCopy(form, mails, courseMailboxOf(c.walk), 'the course mailbox', 2);
      for (const role of later.copiesTo) {
        const body = formCopy(form, mails, personIn(c, role).email, role, 2);
        if (role === 'trainee') expect(body).toMatch(/\byour\b/i);
      }
    },
    60_000,
  );

  it('Mid-Essex: what the review and the hand-off send is copied to the Director too', async () => {
    const c = walked('mid-essex');
    const director = personIn(c, 'director');
    const directorToken = recipientToken({
      kind: 'person',
      role: director.role,
      personId: director.id,
      name: director.name,
      email: director.email,
    });
    const before = new Set(
      (await local.notifications.runtime.outbox.listForCase(c.caseId)).records.map((r) => r.notification.key),
    );
    // "If insufficient progress has been made, the trainee will proceed onto a Cause for Concern plan."
    await recordReview(c, 'course_tutor', 'insufficient_progress');
    const sent = (await local.notifications.runtime.outbox.listForCase(c.caseId)).records
      .map((r) => r.notification)
      .filter((n) => !before.has(n.key) && n.channel === 'email');
    const toDirector = sent.filter((n) => recipientToken(n.recipient) === directorToken);
    const toOthers = sent.filter(
      (n) => recipientToken(n.recipient) !== directorToken && n.recipient.kind !== 'course_mailbox',
    );
    expect(toOthers.length, 'the review is told to someone besides the Director').toBeGreaterThan(0);
    // Each message to someone else reached the Director: as a copy of it, or the Director's own about the same event.
    for (const message of toOthers) {
      expect(
        toDirector.some(
          (d) =>
            d.subject === `Copy: ${message.subject}` ||
            (d.kind === message.kind && d.about === message.about && d.caseVersion === message.caseVersion),
        ),
        `${message.subject} to ${recipientToken(message.recipient)}, copied to the Director: ${toDirector.map((d) => d.subject).join('; ')}`,
      ).toBe(true);
    }
    // Delivered: the Director's emails about the review name the trainee and the outcome.
    const mails = mailsOf(c.reference).filter((m) => m.toRecipients.includes(director.email));
    expect(
      mails.some((m) => m.bodyContent.includes(c.walk.trainee) && /insufficient progress/i.test(m.bodyContent)),
    ).toBe(true);
  }, 60_000);

  it('RCTTP deferred final assessment: the school that agrees to accept the trainee, its School Mentor(s) and Headteacher/Professional Mentor are told, with the documentation', async () => {
    const c = walked('rcttp');
    const dfaSchool = 'The school that agrees to accept the trainee for the deferred final assessment placement';
    // Stage 1's review: the targets are not met, so a Cause for Concern Plan (Stage 2), agreed and reviewed in turn.
    await recordReview(c, 'partnership_tutor', 'targets_not_met');
    const title = await draftPlan(c);
    const typed = await signAll(c);
    await recordReview(c, 'partnership_tutor', 'targets_not_met');
    // Stage 3: the report goes to the Executive Group, whose chair records its option.
    await act(c, personIn(c, 'programme_manager'), 'POST', '/tasks', {
      taskId: 'report',
      note: 'Report on Stages 1 and 2 presented to the Executive Group.',
    });
    const mailsAtEntry = mailCount();
    const cardsAtEntry = local.connector.activities().length;
    await recordReview(c, 'executive_group_chair', 'extend_placement', {
      attendees: ['executive_group_chair', 'programme_manager', 'partnership_tutor'],
      members: [
        { name: personIn(c, 'executive_group_chair').name, role: 'Chair of the Executive Group', attended: true },
        { name: personIn(c, 'programme_manager').name, role: 'Programme Manager', attended: true },
        { name: personIn(c, 'partnership_tutor').name, role: 'Partnership Tutor', attended: true },
      ],
    });
    // No school has agreed yet: the course team's copy says, in words, whom to pass it on to.
    const atEntry = mailsSince(c.reference, mailsAtEntry).filter((m) =>
      m.toRecipients.includes(courseMailboxOf(c.walk)),
    );
    expect(
      atEntry.some((m) => m.bodyContent.includes(`Please pass this on to ${dfaSchool}`)),
      `the course mailbox asked to pass it on: ${atEntry.map((m) => m.subject).join('; ')}`,
    ).toBe(true);
    expect(
      channelCardsSince(c.walk.key, c.reference, cardsAtEntry).some((json) => json.includes(dfaSchool)),
      'the channel card says whom to pass it on to',
    ).toBe(true);

    // Kingsmead Academy agrees to accept the trainee: the course team moves the placement, with its people.
    const kingsmead = [
      { role: 'mentor', id: 'a.khan@kingsmead.example', name: 'Aisha Khan', email: 'a.khan@kingsmead.example' },
      { role: 'mentor', id: 'r.dale@kingsmead.example', name: 'Robert Dale', email: 'r.dale@kingsmead.example' },
      {
        role: 'professional_mentor',
        id: 'm.osei@kingsmead.example',
        name: 'Martin Osei',
        email: 'm.osei@kingsmead.example',
      },
    ];
    const mailsBefore = mailCount();
    await act(c, 'course team', 'POST', '/placement', {
      school: 'Kingsmead Academy',
      people: kingsmead,
      schoolContactEmail: 'office@kingsmead.example',
      reason: 'Kingsmead Academy agrees to accept the trainee for the deferred final assessment placement.',
    });
    await local.notifications.background.idle();
    const mails = mailsSince(c.reference, mailsBefore);
    const form = { caseRef: c, typed, title };
    for (const [address, who] of [
      ['office@kingsmead.example', 'the accepting school'],
      ...kingsmead.map((p) => [p.email, p.role] as const),
    ] as const) {
      const body = formCopy(form, mails, address, who, 2);
      expect(body, `${who} is told why`).toContain('deferred final assessment placement will be fully informed');
    }
    // The school the trainee leaves hears that its mentor is no longer on the case, not about the deferment.
    const riverside = personIn(c, 'mentor').email;
    const toRiverside = mails.filter((m) => m.toRecipients.includes(riverside));
    expect(toRiverside.some((m) => m.attachments.length > 0 || m.bodyContent.includes('fully informed'))).toBe(false);
  }, 120_000);
});
