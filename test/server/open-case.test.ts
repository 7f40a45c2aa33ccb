/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment -- response bodies are JSON asserted field by field */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleForColumn } from '../../src/app/placements/roster.js';
import { raisersOf } from '../../src/app/cases/open-case.js';
import { ROSTER_COLUMNS, type Procedure } from '../../src/domain/procedure/schema.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { loadProcedureFile } from '../../src/procedures-files/load-procedure-files.js';
import { person, putOnRoster, startTestServer, type TestServer } from './harness.js';

/**
 * Who may open a case, over HTTP with the real roster on the Graph emulator: the course team of
 * the programme; staff only for a trainee whose current roster row names them (the case's people
 * then come from the row); a trainee only about themselves where the procedure allows it; nobody
 * else. One open case per trainee per procedure; a case withdrawn as opened in error does not
 * count toward re-initiation.
 */
const RCTTP = 'RCTTP Secondary 2026/27';
const BF = 'Bright Futures SCITT Primary 2026/27';
const OTHER = 'PGCE Primary 2026/27';

const jack = person('trainee', 'Jack Thompson', 'jack.thompson@trainee.rcttp.example');
const sophie = person('trainee', 'Sophie Turner', 'sophie.turner@trainee.rcttp.example');
const owen = { upn: 'owen.griffiths@riverside-academy.example', name: 'Owen Griffiths' };
const fiona = { upn: 'fiona.macleod@rcttp.example', name: 'Fiona MacLeod' };
const lucy = person('trainee', 'Lucy Bradshaw', 'lucy.bradshaw@trainee.brightfutures.example');

const HEADER =
  'trainee_upn,trainee_name,programme,provider,school,school_contact_email,mentor_upns,mentor_names,tutor_upn,tutor_name,professional_mentor_upn,professional_mentor_name,term_start,term_end';
const ROSTER_CSV = [
  HEADER,
  `${jack.id},Jack Thompson,${RCTTP},RCTTP,"Riverside Academy, Rochdale",office@riverside-academy.example,${owen.upn},Owen Griffiths,${fiona.upn},Fiona MacLeod,,,2026-09-01,2027-07-16`,
  `${sophie.id},Sophie Turner,${RCTTP},RCTTP,"Riverside Academy, Rochdale",,hannah.whitaker@riverside-academy.example,Hannah Whitaker,anil.kapoor@rcttp.example,Anil Kapoor,,,2026-09-01,2027-07-16`,
].join('\n');

function rcttpBody(trainee: { role: string; id: string; name: string; email: string }, extra: object = {}) {
  return {
    procedureId: 'rcttp-concern-procedures',
    reference: `RCTTP-${trainee.name.split(' ')[0] ?? ''}`,
    reasons: ['progress_towards_standards'],
    people: [
      trainee,
      person('mentor', 'Owen Griffiths', owen.upn),
      person('partnership_tutor', 'Fiona MacLeod', fiona.upn),
    ],
    placement: { school: 'Riverside Academy, Rochdale', programme: RCTTP },
    ...extra,
  };
}

let server: TestServer;
const token: Record<string, string> = {};
/** The five built-in procedures and the example SCITT's, loaded from its file as `npm start` would. */
let procedures: readonly Procedure[];

beforeAll(async () => {
  const kestrel = await loadProcedureFile(
    path.resolve(import.meta.dirname, '../../examples/procedures/kestrel-scitt-cause-for-concern.yaml'),
  );
  if (!kestrel.procedure) throw new Error(`the example procedure did not load: ${JSON.stringify(kestrel.errors)}`);
  procedures = [...SEED_PROCEDURES, kestrel.procedure];
  server = await startTestServer({ procedures });
  token.rcttpTeam = await server.tokenFor({
    upn: 'joanna.price@rcttp.example',
    name: 'Joanna Price',
    roles: ['CourseTeam'],
    programmes: [RCTTP],
  });
  token.otherTeam = await server.tokenFor({
    upn: 'mark.whitfield@bcu.example',
    name: 'Mark Whitfield',
    roles: ['CourseTeam'],
    programmes: [OTHER],
  });
  token.bfTeam = await server.tokenFor({
    upn: 'paul.ashworth@brightfutures.example',
    name: 'Paul Ashworth',
    roles: ['CourseTeam'],
    programmes: [BF],
  });
  token.owen = await server.tokenFor(owen);
  token.fiona = await server.tokenFor(fiona);
  token.jack = await server.tokenFor({ upn: jack.id, name: jack.name });
  token.sophie = await server.tokenFor({ upn: sophie.id, name: sophie.name });
  token.lucy = await server.tokenFor({ upn: lucy.id, name: lucy.name });
});

afterAll(async () => {
  await server.close();
});

describe('the placement roster over HTTP', () => {
  it('previews an import (every row and problem by line) and writes nothing until confirmed', async () => {
    const bad = [
      ROSTER_CSV,
      `not-an-email,Someone,${RCTTP},RCTTP,School,,,,,,,,2026-09-01,2027-07-16`,
      `x.y@trainee.example,X Y,${OTHER},,School,,,,,,,,2026-09-01,2026-08-01`,
    ].join('\r\n');
    const preview = await server.request('POST', '/api/placements/import?dryRun=true', {
      token: token.rcttpTeam,
      body: { csv: bad },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, written: false, created: 2 });
    expect(preview.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 4, column: 'trainee_upn' }),
        expect.objectContaining({ line: 5, column: 'programme', message: expect.stringMatching(/not course team/) }),
        expect.objectContaining({ line: 5, column: 'term_end' }),
      ]),
    );
    // Not a dry run, but a row has a problem: still nothing is written.
    const refused = await server.request('POST', '/api/placements/import', {
      token: token.rcttpTeam,
      body: { csv: bad },
    });
    expect(refused.body.written).toBe(false);
    expect((await server.request('GET', '/api/placements', { token: token.rcttpTeam })).body.total).toBe(0);

    const done = await server.request('POST', '/api/placements/import', {
      token: token.rcttpTeam,
      body: { csv: ROSTER_CSV },
    });
    expect(done.body).toMatchObject({ dryRun: false, written: true, created: 2, updated: 0 });
    const again = await server.request('POST', '/api/placements/import', {
      token: token.rcttpTeam,
      body: { csv: ROSTER_CSV },
    });
    expect(again.body).toMatchObject({ written: true, created: 0, updated: 0, unchanged: 2 });
    const list = await server.request('GET', '/api/placements?current=true', { token: token.rcttpTeam });
    expect(list.body.items.map((r: { trainee: { id: string } }) => r.trainee.id).sort()).toEqual([jack.id, sophie.id]);
    expect(list.body.items[0]).toMatchObject({ school: 'Riverside Academy, Rochdale', current: true, version: 1 });
  });

  it('is kept and seen by the course team of the programme only', async () => {
    expect((await server.request('GET', '/api/placements', { token: token.otherTeam })).body.total).toBe(0);
    const mentor = await server.request('GET', '/api/placements', { token: token.owen });
    expect(mentor.status).toBe(403);
    expect(mentor.headers.get('content-type')).toMatch(/problem\+json/);
    const trainee = await server.request('POST', '/api/placements/import', {
      token: token.jack,
      body: { csv: ROSTER_CSV },
    });
    expect(trainee.status).toBe(403);
  });
});

describe('roster row edits', () => {
  it('changes a row with its ETag (412 when stale), keeps its key, and deletes it', async () => {
    const list = await server.request('GET', `/api/placements?search=${encodeURIComponent(sophie.name)}`, {
      token: token.rcttpTeam,
    });
    const row = list.body.items[0];
    const body = {
      trainee_upn: sophie.id,
      trainee_name: 'Sophie Turner',
      programme: RCTTP,
      school: 'Riverside Academy, Rochdale',
      mentor_upns: 'nadia.hussain@riverside-academy.example',
      mentor_names: 'Nadia Hussain',
      tutor_upn: 'anil.kapoor@rcttp.example',
      tutor_name: 'Anil Kapoor',
      term_start: '2026-09-01',
      term_end: '2027-07-16',
    };
    const path = `/api/placements/${String(row.id)}`;
    expect((await server.request('PUT', path, { token: token.rcttpTeam, body })).status).toBe(428);
    const stale = await server.request('PUT', path, { token: token.rcttpTeam, body, headers: { 'if-match': '"v9"' } });
    expect(stale.status).toBe(412);
    const other = await server.request('PUT', path, { token: token.otherTeam, body, headers: { 'if-match': '"v1"' } });
    expect(other.status).toBe(404);
    const moved = await server.request('PUT', path, {
      token: token.rcttpTeam,
      body: { ...body, term_start: '2026-09-02' },
      headers: { 'if-match': '"v1"' },
    });
    expect(moved.status).toBe(400);
    const saved = await server.request('PUT', path, { token: token.rcttpTeam, body, headers: { 'if-match': '"v1"' } });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"v2"');
    expect(saved.body.mentors).toEqual([{ id: 'nadia.hussain@riverside-academy.example', name: 'Nadia Hussain' }]);
    expect((await server.request('DELETE', path, { token: token.owen, headers: { 'if-match': '"v2"' } })).status).toBe(
      403,
    );
    expect(
      (await server.request('DELETE', path, { token: token.rcttpTeam, headers: { 'if-match': '"v2"' } })).status,
    ).toBe(204);
    const after = await server.request('GET', `/api/placements?search=${encodeURIComponent(sophie.name)}`, {
      token: token.rcttpTeam,
    });
    expect(after.body.total).toBe(0);
  });
});

describe('who may open a case', () => {
  it('refuses a trainee who names themselves mentor on another trainee’s case (403, saying who can)', async () => {
    const body = rcttpBody(sophie, {
      people: [sophie, person('mentor', 'Jack Thompson', jack.id), person('partnership_tutor', 'F', fiona.upn)],
    });
    const reply = await server.request('POST', '/api/cases', { token: token.jack, body });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
    expect(reply.body.code).toBe('not_permitted');
    expect(reply.body.detail).toMatch(/course team of the programme/);
    expect(reply.body.detail).toMatch(/Mentor\(s\)/);
  });

  it('refuses staff the roster does not name for that trainee, and staff of another provider’s programme', async () => {
    // Owen mentors Jack, not Sophie.
    expect((await server.request('POST', '/api/cases', { token: token.owen, body: rcttpBody(sophie) })).status).toBe(
      403,
    );
    // A course team of another programme has no standing in RCTTP's.
    expect(
      (await server.request('POST', '/api/cases', { token: token.otherTeam, body: rcttpBody(sophie) })).status,
    ).toBe(403);
  });

  it('lets a rostered mentor open a case; the people come from the roster row, not the request', async () => {
    const body = rcttpBody(jack, {
      people: [
        jack,
        person('mentor', 'Owen Griffiths', owen.upn),
        person('mentor', 'Outsider', 'attacker@evil.example'),
        person('partnership_tutor', 'Someone Else', 'someone@rcttp.example'),
      ],
      placement: { school: 'Made-up School', programme: RCTTP },
    });
    const reply = await server.request('POST', '/api/cases', { token: token.owen, body });
    expect(reply.status).toBe(201);
    const people = reply.body.people.map((p: { role: string; id: string }) => `${p.role}:${p.id}`).sort();
    expect(people).toEqual([`mentor:${owen.upn}`, `partnership_tutor:${fiona.upn}`, `trainee:${jack.id}`]);
    expect(reply.body.placement.school).toBe('Riverside Academy, Rochdale');
    // The school's contact address comes from the roster row too: "the school" is told there.
    expect(reply.body.placement.schoolContactEmail).toBe('office@riverside-academy.example');
  });

  it('gives a case the course team opens the placement dates of the trainee’s roster row, where it names none', async () => {
    const mia = person('trainee', 'Mia Evans', 'mia.evans@trainee.rcttp.example');
    const rostered = await server.request('POST', '/api/placements/import', {
      token: token.rcttpTeam,
      body: {
        rows: [
          {
            trainee_upn: mia.id,
            trainee_name: mia.name,
            programme: RCTTP,
            provider: 'RCTTP',
            school: 'Riverside Academy, Rochdale',
            term_start: '2026-09-01',
            term_end: '2027-03-26',
          },
        ],
      },
    });
    expect(rostered.status, rostered.text).toBe(200);
    const reply = await server.request('POST', '/api/cases', { token: token.rcttpTeam, body: rcttpBody(mia) });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.placement).toMatchObject({ startsOn: '2026-09-01', endsOn: '2027-03-26' });
  });

  it('answers a second open case for the trainee with 409 naming the open one', async () => {
    const reply = await server.request('POST', '/api/cases', { token: token.rcttpTeam, body: rcttpBody(jack) });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('case_already_open');
    expect(reply.body.openCase).toMatchObject({ reference: 'RCTTP-Jack' });
    expect(reply.body.detail).toMatch(/RCTTP-Jack/);
  });

  it('does not count a case withdrawn as opened in error toward re-initiation', async () => {
    const open = await server.request('GET', '/api/cases?search=RCTTP-Jack', { token: token.rcttpTeam });
    const id = open.body.items[0].id as string;
    // Only the course team may say a case was opened in error.
    const byMentor = await server.request('POST', `/api/cases/${id}/withdraw`, {
      token: token.owen,
      body: { reason: 'Opened in error.', openedInError: true },
      headers: { 'if-match': '*' },
    });
    expect(byMentor.status).toBe(403);
    const withdrawn = await server.request('POST', `/api/cases/${id}/withdraw`, {
      token: token.rcttpTeam,
      body: { reason: 'Opened in error.', openedInError: true },
      headers: { 'if-match': '*' },
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('closed');
    // RCTTP may be initiated a second time only on its grounds: this is the first real one.
    const reopened = await server.request('POST', '/api/cases', {
      token: token.rcttpTeam,
      body: rcttpBody(jack, { reference: 'RCTTP-Jack-2' }),
    });
    expect(reopened.status).toBe(201);
  });

  it('refuses a course team opening a case in their programme for a trainee the roster has elsewhere', async () => {
    const reply = await server.request('POST', '/api/cases', {
      token: token.otherTeam,
      body: {
        procedureId: 'bcu-rapid-improvement-targets',
        reference: 'BCU-X',
        reasons: ['not_expected_progress'],
        people: [
          jack,
          person('mentor', 'Gareth Evans', 'gareth.evans@hollybank.example'),
          person('tutor', 'Helen Okafor', 'helen.okafor@bcu.example'),
        ],
        placement: { school: 'Hollybank', programme: OTHER },
      },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toMatch(/RCTTP Secondary/);
  });

  it('lets a trainee raise a concern about themselves only where the procedure allows it, from their roster row', async () => {
    await server.request('POST', '/api/placements/import', {
      token: token.bfTeam,
      body: {
        rows: [
          {
            trainee_upn: lucy.id,
            trainee_name: lucy.name,
            programme: BF,
            school: 'Meadowbank Primary School',
            mentor_upns: 'emma.shaw@meadowbank.example',
            mentor_names: 'Emma Shaw',
            tutor_upn: 'karen.jenkins@brightfutures.example',
            tutor_name: 'Karen Jenkins',
            term_start: '2026-09-01',
            term_end: '2027-07-16',
          },
        ],
      },
    });
    // RCTTP does not let a trainee raise a concern.
    expect((await server.request('POST', '/api/cases', { token: token.sophie, body: rcttpBody(sophie) })).status).toBe(
      403,
    );
    // The tab offers the new-case form to the trainee a procedure lets raise one, about their roster placement.
    expect((await server.request('GET', '/api/me', { token: token.lucy })).body.ownConcern).toEqual({
      procedureIds: ['bright-futures-support'],
      programme: BF,
      school: 'Meadowbank Primary School',
    });
    expect((await server.request('GET', '/api/me', { token: token.sophie })).body).not.toHaveProperty('ownConcern');
    expect((await server.request('GET', '/api/me', { token: token.bfTeam })).body).not.toHaveProperty('ownConcern');
    const reply = await server.request('POST', '/api/cases', {
      token: token.lucy,
      body: {
        procedureId: 'bright-futures-support',
        reference: 'BF-LUCY',
        reasons: ['concern_raised'],
        people: [lucy, person('mentor', 'Not My Mentor', 'someone@evil.example')],
        placement: { school: 'Anywhere', programme: BF },
        // "Concerns raised by Professional Mentor, Mentor or Trainee": the trainee says what it is.
        concern: 'I struggle to <b>keep</b> the class settled after phonics.',
      },
    });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.people.map((p: { id: string }) => p.id).sort()).toEqual([
      'emma.shaw@meadowbank.example',
      'karen.jenkins@brightfutures.example',
      lucy.id,
    ]);
    expect(reply.body.plan.content.concernStatement).toBe('I struggle to <b>keep</b> the class settled after phonics.');

    // On the draft the trainee may reword the concern, and nothing else; and give their perceptions.
    const caseId = reply.body.id as string;
    const draft = (concernStatement: string, targets: unknown[] = []) => ({
      plan: {
        concernStatement,
        concerns: [],
        targets,
        supportMeasures: [],
        meeting: { attendees: [], placementConcern: false },
      },
    });
    const reworded = await server.request('PUT', `/api/cases/${caseId}/plan`, {
      token: token.lucy,
      headers: { 'if-match': reply.headers.get('etag') ?? '' },
      body: draft('The class is unsettled after phonics and I lose the first ten minutes.'),
    });
    expect(reworded.status, reworded.text).toBe(200);
    expect(reworded.body.plan.content.concernStatement).toBe(
      'The class is unsettled after phonics and I lose the first ten minutes.',
    );
    const targets = await server.request('PUT', `/api/cases/${caseId}/plan`, {
      token: token.lucy,
      headers: { 'if-match': reworded.headers.get('etag') ?? '' },
      body: draft('The class is unsettled.', [
        { text: 'Use a visual timer', links: [], actions: [], observationFocus: false },
      ]),
    });
    expect(targets.status).toBe(403);
    const perceptions = await server.request('POST', `/api/cases/${caseId}/perceptions`, {
      token: token.lucy,
      headers: { 'if-match': reworded.headers.get('etag') ?? '' },
      body: { text: 'I would like to watch the Year 1 teacher’s transitions.' },
    });
    expect(perceptions.status, perceptions.text).toBe(200);
  });
});

describe('the course team opens cases for trainees of their programmes', () => {
  const nobody = person('trainee', 'Nia Unlisted', 'nia.unlisted@trainee.rcttp.example');

  it('refuses a trainee the roster does not have, saying to add them to the roster, and opens once they are on it', async () => {
    const refused = await server.request('POST', '/api/cases', {
      token: token.rcttpTeam,
      body: rcttpBody(nobody, { reference: 'RCTTP-Nia' }),
    });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(refused.body.code).toBe('not_on_roster');
    expect(refused.body.detail).toBe(
      `${nobody.name} is not on the placement roster for ${RCTTP}. Add the trainee to the placement roster of the programme first (the Placement roster page in the Trellis tab: import their row from your placement system’s export), then open the case.`,
    );
    // An admin is held to the same: a trainee of a programme is one the roster has in it.
    const admin = await server.tokenFor({ upn: 'admin@trellis.example', roles: ['Admin'] });
    expect(
      (await server.request('POST', '/api/cases', { token: admin, body: rcttpBody(nobody, { reference: 'RCTTP-N' }) }))
        .body.code,
    ).toBe('not_on_roster');

    await putOnRoster(server.placements, { trainee: nobody, programme: RCTTP, provider: 'RCTTP' });
    const opened = await server.request('POST', '/api/cases', {
      token: token.rcttpTeam,
      body: rcttpBody(nobody, { reference: 'RCTTP-Nia' }),
    });
    expect(opened.status).toBe(201);
  });

  it('refuses a roster row that names another provider than the procedure’s', async () => {
    const elsewhere = person('trainee', 'Omar Elsewhere', 'omar.elsewhere@trainee.rcttp.example');
    await putOnRoster(server.placements, { trainee: elsewhere, programme: RCTTP, provider: 'Bright Futures SCITT' });
    const reply = await server.request('POST', '/api/cases', {
      token: token.rcttpTeam,
      body: rcttpBody(elsewhere, { reference: 'RCTTP-Omar' }),
    });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toMatch(/with Bright Futures SCITT, not RCTTP/);
  });
});

describe('staff on the roster open cases with every role the procedure requires', () => {
  const staff = {
    mentor: { id: 'mira.mentor@school.example', name: 'Mira Mentor' },
    tutor: { id: 'theo.tutor@provider.example', name: 'Theo Tutor' },
    professional_mentor: { id: 'petra.pm@school.example', name: 'Petra Professional' },
    programme_lead: { id: 'lena.lead@provider.example', name: 'Lena Lead' },
  } as const;

  /** The roster column of a role that may raise a concern (a staff one), and the procedure role it fills. */
  function raiserColumn(procedure: Procedure): { column: (typeof ROSTER_COLUMNS)[number]; role: string } {
    const raisers = raisersOf(procedure);
    for (const column of ROSTER_COLUMNS) {
      const role = roleForColumn(procedure, column);
      if (role !== undefined && raisers.includes(role)) return { column, role };
    }
    throw new Error(`${procedure.id}: no roster column may raise a concern`);
  }

  it.each([
    'bcu-rapid-improvement-targets',
    'bright-futures-support',
    'enhanced-support',
    'mid-essex-early-support',
    'rcttp-concern-procedures',
    'kestrel-scitt-cause-for-concern',
  ])('%s', async (procedureId) => {
    const procedure = procedures.find((p) => p.id === procedureId);
    if (!procedure) throw new Error(`no procedure ${procedureId}`);
    const programme = `${procedure.provider.shortName} roster programme`;
    const trainee = person('trainee', 'Rosa Rostered', `rosa.${procedure.provider.id}@trainee.example`);
    await putOnRoster(server.placements, {
      trainee,
      programme,
      provider: procedure.provider.name,
      mentors: [staff.mentor],
      tutor: staff.tutor,
      professionalMentor: staff.professional_mentor,
      programmeLead: staff.programme_lead,
    });
    const { column, role } = raiserColumn(procedure);
    const raiser = staff[column];
    const reply = await server.request('POST', '/api/cases', {
      token: await server.tokenFor({ upn: raiser.id, name: raiser.name }),
      body: {
        procedureId,
        reference: `ROSTER-${procedure.provider.id}`,
        reasons: [procedure.reasons[0]?.id],
        people: [trainee, person(role, raiser.name, raiser.id)],
        placement: { school: 'Oak Primary', programme },
      },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const roles = new Set((reply.body.people as { role: string }[]).map((p) => p.role));
    for (const required of procedure.roles.filter((r) => r.requiredOnCase))
      expect([...roles], `${procedureId} needs its ${required.label}`).toContain(required.id);
  });

  it('cannot open a Kestrel case from a row without its programme lead: the procedure needs one on every case', async () => {
    const kestrel = procedures.find((p) => p.id === 'kestrel-scitt-cause-for-concern');
    if (!kestrel) throw new Error('no Kestrel procedure');
    const trainee = person('trainee', 'Lee Leadless', 'lee.leadless@trainee.example');
    const programme = 'Kestrel SCITT leadless programme';
    await putOnRoster(server.placements, {
      trainee,
      programme,
      mentors: [staff.mentor],
      tutor: staff.tutor,
    });
    const reply = await server.request('POST', '/api/cases', {
      token: await server.tokenFor({ upn: staff.mentor.id, name: staff.mentor.name }),
      body: {
        procedureId: kestrel.id,
        reference: 'ROSTER-LEADLESS',
        reasons: [kestrel.reasons[0]?.id],
        people: [trainee, person('mentor', staff.mentor.name, staff.mentor.id)],
        placement: { school: 'Oak Primary', programme },
      },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toMatch(/programme lead/i);
  });
});
