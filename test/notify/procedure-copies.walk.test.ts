import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { addDays, londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { planRulesOf } from '../../src/domain/case/command-kit.js';
import { reviewWindow } from '../../src/domain/case/plan-rules.js';
import { aDraft } from '../../src/domain/case/testing.js';
import { calendarFor } from '../../src/domain/case/command-kit.js';
import { getProcedure } from '../../src/domain/procedures/index.js';
import { DEMO_PROVIDERS, type DemoProvider } from '../../src/dev/local-mode/personas.js';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import { call as callAt, type Reply, type RequestOptions } from '../server/harness.js';

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
 */

const TODAY = parseLocalDate('2026-11-23');
const realNow = (): Date => londonInstantAt(TODAY, 10, 0);

let dataDir: string;
let local: RunningLocalMode;
const work = mkdtempSync(path.join(tmpdir(), 'trellis-walk-pdf-'));

const call = (method: string, route: string, options?: RequestOptions): Promise<Reply> =>
  callAt(local.url, method, route, options);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-walk-'));
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
}, 90_000);

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
}

const WALKS: readonly Walk[] = [
  { key: 'bcu', trainee: 'Łukasz Nowak', copiesTo: [] },
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

interface Opened {
  readonly caseId: string;
  readonly reference: string;
  readonly people: readonly { role: string; id: string; name: string; email: string }[];
  readonly typed: ReadonlyMap<string, string>;
  /** The title of the form that was agreed. */
  readonly title: string;
}

/** Opens the case, drafts its first plan and has everyone named sign it, all over REST. */
async function walkToAgreedPlan(walk: Walk): Promise<Opened> {
  const provider = demo(walk.key);
  const procedure = getProcedure(provider.procedureId);
  const courseTeam = await local.keys.sign(
    {
      upn: provider.courseTeam.upn,
      name: provider.courseTeam.name,
      roles: ['CourseTeam'],
      programmes: [provider.programme],
    },
    realNow(),
  );
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
  const openedView = opened.body as { id: string; stage: { id: string } };
  const caseId = openedView.id;
  let etag = opened.headers.get('etag') ?? '';

  const rules = planRulesOf(procedure, { rulesFrom: { stageId: openedView.stage.id, outcome: undefined } });
  const window = reviewWindow(rules, TODAY, calendarFor(procedure));
  const inAWeek = addDays(TODAY, 7);
  const reviewDate = window.latest !== undefined && window.latest < inAWeek ? window.latest : inAWeek;
  const draft = aDraft(procedure, {
    reviewDate,
    meeting: { heldOn: TODAY, attendees: ['trainee'], placementConcern: false },
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
  const saved = await call('PUT', `/api/cases/${caseId}/plan`, {
    token: courseTeam,
    body: { plan },
    headers: { 'if-match': etag },
  });
  expect(saved.status, saved.text).toBe(200);
  etag = saved.headers.get('etag') ?? '';

  const tokenOf = (person: { id: string; name: string }) =>
    local.keys.sign({ upn: person.id, name: person.name, roles: [] }, realNow());
  const trainee = people[0];
  if (!trainee) throw new Error('no trainee');
  if (rules.fields.includes('trainee_perceptions')) {
    const perceived = await call('POST', `/api/cases/${caseId}/perceptions`, {
      token: await tokenOf(trainee),
      body: { text: 'I understand the concerns and want to improve.' },
      headers: { 'if-match': etag },
    });
    expect(perceived.status, perceived.text).toBe(200);
    etag = perceived.headers.get('etag') ?? '';
  }
  // Each requirement is met by the first role in it that someone holds; each signs as they type it.
  const typed = new Map<string, string>();
  const signers = rules.signatures.required.flatMap((req) => {
    const holder = req.anyOf.flatMap((role) => people.filter((p) => p.role === role))[0];
    return holder === undefined ? [] : [holder];
  });
  if (signers.length === 0) {
    const staff = people.find((p) => p.role !== 'trainee');
    if (staff) signers.push(staff);
  }
  for (const signer of signers) {
    const typedName = signer.role === 'trainee' ? walk.trainee.toLowerCase() : signer.name;
    const signed = await call('POST', `/api/cases/${caseId}/signatures`, {
      token: await tokenOf(signer),
      body: { role: signer.role, typedName },
      headers: { 'if-match': etag },
    });
    expect(signed.status, `${signer.role}: ${signed.text}`).toBe(200);
    etag = signed.headers.get('etag') ?? '';
    typed.set(signer.role, typedName);
  }
  const after = await call('GET', `/api/cases/${caseId}`, { token: courseTeam });
  expect((after.body as { plan?: { agreedOn?: string } }).plan?.agreedOn, `${reference} plan agreed`).toBe(TODAY);
  await local.notifications.background.idle();
  return { caseId, reference, people, typed, title: rules.title };
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
    const provider = demo(walk.key);
    const procedure = getProcedure(provider.procedureId);
    const { caseId, reference, people, typed, title } = await walkToAgreedPlan(walk);
    const mails = mailsOf(reference);
    const courseMailbox = `course.team@${procedure.provider.id.replace(/_/g, '-')}.example`;

    /** The email to `address` that carries the agreed form, checked as the seed's copy. */
    const copyTo = (address: string, who: string): string => {
      const mail = mails.find(
        (m) => m.toRecipients.includes(address) && m.attachments.some((a) => a.name.endsWith('-form-v1.pdf')),
      );
      const theirs = mails
        .filter((m) => m.toRecipients.includes(address))
        .map((m) => `${m.subject} [${m.attachments.map((a) => a.name).join(', ')}]`);
      expect(
        mail,
        `${walk.key}: the copy of the agreed form to ${who} <${address}>: ${theirs.join('; ')}`,
      ).toBeDefined();
      if (!mail) return '';
      expect(mail.subject).toContain(reference);
      const attachment = mail.attachments.find((a) => a.name.endsWith('-form-v1.pdf'));
      expect(attachment?.name).toBe(`${reference}-form-v1.pdf`);
      const text = flat(pdfText(attachment?.contentBytes ?? '', `${walk.key}-${who}.pdf`));
      expect(text, `${walk.key}: the form's title`).toContain(flat(title).slice(0, 30));
      expect(text, `${walk.key}: the form's version`).toContain('Form version 1');
      expect(text, `${walk.key}: the trainee as recorded`).toContain(walk.trainee);
      for (const [role, name] of typed) expect(text, `${walk.key}: ${role}'s typed signature`).toContain(name);
      return mail.bodyContent;
    };

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
