/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are JSON asserted field by field */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redactFor } from '../../src/app/views/case-view.js';
import { signatureCardFor } from '../../src/bot/case-cards.js';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { calendarFor, editPlan, openCase, signPlan } from '../../src/domain/case/index.js';
import { engineTestProcedure as procedure } from '../../src/domain/case/fixtures.js';
import { aDraft, CaseDriver, Clock, courseTeam, openInput } from '../../src/domain/case/testing.js';
import { getAllPages } from '../../src/store/graph/graph-json.js';
import { listItemsPath } from '../../src/store/graph/items.js';
import type { TrellisListName } from '../../src/store/lists.js';
import { startTestServer, type TestServer } from '../server/harness.js';

/**
 * Correcting a recorded text over REST on the Graph emulator: the old wording leaves every view
 * (each audience), the form PDF, the plan card and the stored rows; the signatures stay, shown as
 * given to the earlier wording; only the course team may correct; bad input is a problem+json.
 */
const START = parseLocalDate('2026-12-14');
const CORRECTED_ON = parseLocalDate('2027-01-06');
const PROGRAMME = 'PGCE Primary 2026/27';
const OLD_CONCERN = 'Shouted at a pupil WRONG-CONCERN-5e1d';
const OLD_TARGET = 'Target about the WRONG-TARGET-93ac';
const CASE_ID = 'rectify-case';

let server: TestServer;
let concernSeq = 0;
const token: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ procedures: [procedure] });
  const clock = new Clock(START);
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  const c = new CaseDriver(
    procedure,
    clock,
    openCase(ctx, { caseId: CASE_ID, previousCases: 0 }, openInput(procedure, { reference: 'RECT-1' })),
  );
  const draft = aDraft(procedure, { reviewDate: parseLocalDate('2026-12-30') }, 1);
  const [concern] = draft.concerns;
  const [target] = draft.targets;
  if (!concern || !target) throw new Error('the draft has no concern or target');
  c.run('tutor', editPlan, {
    plan: { ...draft, concerns: [{ ...concern, text: OLD_CONCERN }], targets: [{ ...target, text: OLD_TARGET }] },
    withdrawSignatures: false,
  });
  c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
  c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' });
  expect(c.state.plan?.agreedOn).toBeDefined();
  concernSeq = c.events.findLast((e) => e.type === 'plan_started' || e.type === 'plan_edited')?.seq ?? 0;
  await server.repository.create({ state: c.state, events: c.events });
  server.now = new Clock(CORRECTED_ON).now;
  token.lead = await server.tokenFor({
    upn: 'course.lead@provider.test',
    name: 'Course Lead',
    roles: ['CourseTeam'],
    programmes: [PROGRAMME],
  });
  for (const role of ['trainee', 'mentor', 'tutor']) {
    token[role] = await server.tokenFor({ upn: c.person(role).id, name: c.person(role).name });
  }
});

afterAll(async () => {
  await server.close();
});

async function etag(): Promise<string> {
  return (await server.request('GET', `/api/cases/${CASE_ID}`, { token: token.lead })).headers.get('etag') ?? '';
}

function correct(who: string, body: unknown, ifMatch: string) {
  return server.request('POST', `/api/cases/${CASE_ID}/corrections`, {
    token: token[who],
    headers: { 'if-match': ifMatch },
    body,
  });
}

/** Every row of a list as the emulator holds it, fields and all. */
async function listText(list: TrellisListName): Promise<string> {
  const items = await getAllPages(
    server.emulator.client,
    `${listItemsPath(server.emulator.site.lists[list])}?expand=fields&$top=500`,
    z.unknown(),
    `Reading every row of ${list}`,
  );
  return JSON.stringify(items);
}

describe('correcting a recorded text', () => {
  it('is in the OpenAPI document', async () => {
    const document = (await server.request('GET', '/api/openapi.json')).body;
    expect(document.paths['/api/cases/{caseId}/corrections']?.post?.operationId).toBe('correct_text');
  });

  it('refuses bad input with problem+json and changes nothing', async () => {
    const tag = await etag();
    const bad: unknown[] = [
      { eventSeq: concernSeq, field: 'content.concerns.0.text', text: 'x', reason: 'wrong', explanation: 'y' },
      { eventSeq: concernSeq, field: 'content..text', text: 'x', reason: 'inaccurate', explanation: 'y' },
      { eventSeq: concernSeq, field: 'content.concerns.0.text', text: '', reason: 'inaccurate', explanation: 'y' },
      { eventSeq: 999, field: 'content.concerns.0.text', text: 'x', reason: 'inaccurate', explanation: 'y' },
      { eventSeq: 1, field: 'reference', text: 'x', reason: 'inaccurate', explanation: 'y' },
      { eventSeq: concernSeq, field: 'content.concerns.7.text', text: 'x', reason: 'inaccurate', explanation: 'y' },
      {
        eventSeq: concernSeq,
        field: 'content.concerns.0.text',
        text: OLD_CONCERN,
        reason: 'inaccurate',
        explanation: 'y',
      },
      {
        eventSeq: concernSeq,
        field: 'content.concerns.0.text',
        text: 'x'.repeat(2001),
        reason: 'inaccurate',
        explanation: 'y',
      },
    ];
    for (const body of bad) {
      const reply = await correct('lead', body, tag);
      expect(reply.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(reply.status, JSON.stringify(body)).toBeLessThan(500);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await etag()).toBe(tag);
  });

  it('only the course team may correct: the trainee and staff named on the case are refused', async () => {
    const tag = await etag();
    const body = {
      eventSeq: concernSeq,
      field: 'content.concerns.0.text',
      text: 'Mine',
      reason: 'inaccurate',
      explanation: 'No',
    };
    for (const who of ['trainee', 'mentor', 'tutor']) {
      const reply = await correct(who, body, tag);
      expect(reply.status, who).toBe(403);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await etag()).toBe(tag);
  });

  it('removes an inaccurate concern and target from every view, the PDF, the card and the stored rows', async () => {
    const first = await correct(
      'lead',
      {
        eventSeq: concernSeq,
        field: 'content.concerns.0.text',
        text: 'Raised their voice to regain attention',
        reason: 'inaccurate',
        explanation: 'The mentor confirmed nobody was shouted at.',
      },
      await etag(),
    );
    expect(first.status, first.text).toBe(200);
    const second = await correct(
      'lead',
      {
        eventSeq: concernSeq,
        field: 'content.targets.0.text',
        text: 'Target about routines',
        reason: 'excessive',
        explanation: 'Named a pupil.',
      },
      first.headers.get('etag') ?? '',
    );
    expect(second.status, second.text).toBe(200);
    expect(second.body.plan.content.concerns[0].text).toBe('Raised their voice to regain attention');

    for (const who of ['lead', 'trainee', 'mentor', 'tutor']) {
      const view = await server.request('GET', `/api/cases/${CASE_ID}`, { token: token[who] });
      const events = await server.request('GET', `/api/cases/${CASE_ID}/events`, { token: token[who] });
      const form = await server.request('GET', `/api/cases/${CASE_ID}/form`, { token: token[who] });
      for (const reply of [view, events, form]) {
        expect(reply.status, who).toBe(200);
        expect(reply.text, who).not.toContain('WRONG-CONCERN');
        expect(reply.text, who).not.toContain('WRONG-TARGET');
      }
      expect(view.text, who).toContain('Raised their voice to regain attention');
      // The signatures stand, given to the earlier wording, dated.
      const signatures = z
        .array(z.object({ wordingCorrectedOn: z.string().optional() }))
        .parse(view.body.plan.signatures);
      expect(
        signatures.map((s) => s.wordingCorrectedOn),
        who,
      ).toEqual([CORRECTED_ON, CORRECTED_ON]);
      expect(form.text, who).toMatch(/before the correction of Wednesday 6 January 2027/);
    }
    // The explanation is the course team's alone.
    const traineeEvents = await server.request('GET', `/api/cases/${CASE_ID}/events`, { token: token.trainee });
    expect(traineeEvents.text).not.toContain('nobody was shouted at');

    const pdf = await server.request('GET', `/api/cases/${CASE_ID}/form.pdf`, { token: token.lead });
    expect(pdf.status).toBe(200);
    const dir = await mkdtemp(path.join(tmpdir(), 'trellis-rectify-'));
    try {
      const file = path.join(dir, 'form.pdf');
      const bytes = await fetch(`${server.url}/api/cases/${CASE_ID}/form.pdf`, {
        headers: { authorization: `Bearer ${token.lead}` },
      }).then(async (r) => new Uint8Array(await r.arrayBuffer()));
      await writeFile(file, bytes);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('Raised their voice');
      expect(text).not.toContain('WRONG-');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const stored = await server.repository.find(CASE_ID);
    if (!stored) throw new Error('no case');
    for (const audience of ['full', 'staff', 'trainee', 'shared'] as const) {
      expect(JSON.stringify(redactFor(stored.state, audience)), audience).not.toContain('WRONG-');
    }
    const card = JSON.stringify(
      signatureCardFor(
        {
          links: { appId: 'app', tabEntityId: 'tab', publicUrl: 'https://trellis.example' },
          clock: () => server.now,
          conversations: {
            savePerson: (p) => Promise.resolve(p),
            findPerson: () => Promise.resolve(undefined),
            findPersonByObjectId: () => Promise.resolve(undefined),
            saveChannel: () => Promise.resolve(),
            findChannel: () => Promise.resolve(undefined),
            removeChannel: () => Promise.resolve(false),
          },
        },
        { actor: courseTeam, programmes: 'all' },
        stored,
        procedure,
        'trainee',
      ),
    );
    expect(card).toContain('Target about routines');
    expect(card).not.toContain('WRONG-');
    expect(card).toContain('before the correction of');

    // Storage: the event rows and the agreed plan's target rows hold the new wording only.
    for (const list of ['events', 'targets', 'cases', 'signatures', 'reviews'] as const) {
      const text = await listText(list);
      expect(text, list).not.toContain('WRONG-CONCERN');
      expect(text, list).not.toContain('WRONG-TARGET');
    }
    expect(await listText('targets')).toContain('Target about routines');
  });

  it('the rewrite is idempotent and the correction event never carries the old text', async () => {
    const stored = await server.repository.find(CASE_ID);
    const corrections = stored?.events.filter((e) => e.type === 'text_corrected') ?? [];
    expect(corrections).toHaveLength(2);
    for (const correction of corrections) {
      expect(await server.repository.removeCorrectedWording(correction)).toBe(0);
      expect(JSON.stringify(correction)).not.toContain('WRONG-');
    }
    // Replaying the stored trail gives the same case (order, ids and versions kept).
    expect(stored?.state.version).toBe(corrections.at(-1)?.seq);
  });

  it('an incomplete text is superseded in every view but stays in the stored trail as recorded then', async () => {
    const before = await server.repository.find(CASE_ID);
    const statement = before?.state.plan?.content.concernStatement;
    if (statement === undefined) throw new Error('no concern statement');
    const reply = await correct(
      'lead',
      {
        eventSeq: concernSeq,
        field: 'content.concernStatement',
        text: `${statement} Lesson starts are also late.`,
        reason: 'incomplete',
        explanation: 'The tutor added the second point.',
      },
      await etag(),
    );
    expect(reply.status, reply.text).toBe(200);
    for (const who of ['lead', 'trainee', 'mentor']) {
      const view = await server.request('GET', `/api/cases/${CASE_ID}`, { token: token[who] });
      expect(view.body.plan.content.concernStatement, who).toBe(`${statement} Lesson starts are also late.`);
    }
    // The stored row of the plan's save still holds the statement as first recorded.
    const items = z
      .array(z.object({ fields: z.object({ EventKey: z.string(), EventData: z.string() }).loose() }))
      .parse(JSON.parse(await listText('events')));
    const row = items.find((i) => i.fields.EventKey === `${CASE_ID}:${concernSeq}`);
    const data = z
      .object({ data: z.object({ content: z.object({ concernStatement: z.string() }).loose() }).loose() })
      .parse(JSON.parse(row?.fields.EventData ?? '{}'));
    expect(data.data.content.concernStatement).toBe(statement);
  });
});
