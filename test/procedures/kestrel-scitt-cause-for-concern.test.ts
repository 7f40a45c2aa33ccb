/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { replay } from '../../src/domain/case/apply-event.js';
import { editPlan, type PlanDraft } from '../../src/domain/case/commands/edit-plan.js';
import { recordReview } from '../../src/domain/case/commands/record-review.js';
import { nextReviewDate, whoIsInformed } from '../../src/domain/case/queries.js';
import type { CaseDriver } from '../../src/domain/case/testing.js';
import type { Person } from '../../src/domain/case/types.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import {
  history,
  on,
  openWalk,
  progressOf,
  recipients,
  refusal,
  sign,
  workday,
  type Opening,
} from '../../src/domain/procedures/walks/walk-kit.js';
import { DEMO_PROVIDERS, personas } from '../../src/dev/local-mode/personas.js';
import { startLocalMode } from '../../src/compose/local.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadConfiguredProcedures } from '../../src/procedures-files/config.js';
import { loadProcedureFile } from '../../src/procedures-files/load-procedure-files.js';
import { putOnRoster, startTestServer, type Identity, type Reply, type TestServer } from '../server/harness.js';

/**
 * The sixth procedure, added as a file and nothing else (examples/procedures): loaded the way
 * `npm start` loads TRELLIS_PROCEDURES_DIR, then walked through the real engine and over the REST
 * API, from the concern being raised to the SCITT director's decision.
 */

const EXAMPLES = path.resolve(import.meta.dirname, '..', '..', 'examples', 'procedures');
const FILE = path.join(EXAMPLES, 'kestrel-scitt-cause-for-concern.yaml');

let kestrel: Procedure;

beforeAll(async () => {
  const loaded = await loadProcedureFile(FILE);
  expect(loaded.errors).toEqual([]);
  expect(loaded.warnings).toEqual([]);
  if (!loaded.procedure) throw new Error('the example did not load');
  kestrel = loaded.procedure;
});

const SCITT = 'kestrel-scitt.example';
const SCHOOL = 'larkfield-primary.example';
const person = (role: string, name: string, email: string): Person => ({ role, id: email, name, email });

const trainee = person('trainee', 'Evie Marshall', `evie.marshall@trainee.${SCITT}`);
const mentor = person('mentor', 'Bethany Cole', `bethany.cole@${SCHOOL}`);
const linkTutor = person('link_tutor', 'Owen Pritchard', `owen.pritchard@${SCITT}`);
const programmeLead = person('programme_lead', 'Naomi Fraser', `naomi.fraser@${SCITT}`);
const professionalMentor = person('professional_mentor', 'Imogen Stairs', `imogen.stairs@${SCHOOL}`);
const director = person('director', 'Colin Ashby', `colin.ashby@${SCITT}`);
const PEOPLE = [trainee, mentor, linkTutor, programmeLead, professionalMentor, director];
const PROGRAMME = 'Kestrel SCITT Primary 2026/27';

function opening(): Opening {
  return {
    on: '2026-11-02',
    by: 'mentor',
    input: {
      reference: 'KS-CFC-2026-001',
      reasons: ['progress'],
      people: PEOPLE,
      placement: {
        school: 'Larkfield Primary School',
        subject: undefined,
        phase: 'Primary',
        programme: PROGRAMME,
        startsOn: workday(kestrel, '2026-09-14'),
        endsOn: workday(kestrel, '2027-02-12'),
      },
    },
  };
}

const ts = (code: string) => ({ frameworkId: 'teachers-standards', code });

/** A support plan under the stage's rules: targets linked to the Teachers' Standards, actions for each party. */
function supportPlan(
  heldOn: string,
  reviewDate: string,
  parties: readonly string[],
  attendees: readonly string[],
  targets = 3,
): PlanDraft {
  const library = [
    ['TS7', 'Use the agreed behaviour routine so that every lesson starts within three minutes.'],
    ['TS5', 'Adapt the main task for the lower attaining group in every maths lesson.'],
    ['TS6', 'Check understanding with mini-whiteboards twice a lesson and act on what they show.'],
    ['TS4', 'Plan sequences of lessons that build on what pupils learnt the week before.'],
  ] as const;
  return {
    concernStatement: 'Lessons start late and the lower attaining group cannot access the main task.',
    concerns: [{ text: 'Low-level disruption at the start of lessons is not addressed.', links: [ts('TS7')] }],
    targets: library.slice(0, targets).map(([code, text], index) => ({
      text,
      links: [ts(code)],
      actions: parties.map((party) => ({ party, text: `${party} action for ${code}` })),
      successCriteria: `Seen in two observed lessons (${code}).`,
      observationFocus: index === 0,
    })),
    supportMeasures: [],
    reviewDate: workday(kestrel, reviewDate),
    meeting: { heldOn: workday(kestrel, heldOn), mode: 'in_person', attendees: [...attendees], placementConcern: true },
  };
}

const STAGE_1_PARTIES = ['trainee', 'mentor', 'link_tutor'];
const STAGE_2_PARTIES = ['trainee', 'mentor', 'link_tutor', 'programme_lead'];

function stage1Agreed(c: CaseDriver): void {
  on(c, '2026-11-04');
  // The SCITT's rules, from the file: at most three targets, reviewed within three weeks.
  expect(
    refusal(c, () =>
      c.run('link_tutor', editPlan, {
        plan: supportPlan('2026-11-04', '2026-11-20', STAGE_1_PARTIES, ['trainee', 'mentor', 'link_tutor'], 4),
        withdrawSignatures: false,
      }),
    ).code,
  ).toBe('too_many_targets');
  expect(
    refusal(c, () =>
      c.run('link_tutor', editPlan, {
        plan: supportPlan('2026-11-04', '2026-11-26', STAGE_1_PARTIES, ['trainee', 'mentor', 'link_tutor']),
        withdrawSignatures: false,
      }),
    ).code,
  ).toBe('review_date_outside_window');
  c.run('link_tutor', editPlan, {
    plan: supportPlan('2026-11-04', '2026-11-20', STAGE_1_PARTIES, ['trainee', 'mentor', 'link_tutor']),
    withdrawSignatures: false,
  });
  expect(refusal(c, () => sign(c, 'director')).code).toBe('not_a_signatory');
  sign(c, 'trainee');
  sign(c, 'mentor');
  expect(c.state.status).toBe('awaiting_signatures');
  sign(c, 'link_tutor');
  expect(c.state.status).toBe('active');
  expect(nextReviewDate(c.state)).toBe('2026-11-20');
  // A copy to the SCITT office; the professional mentor was not at the meeting, so they are sent it.
  expect(
    recipients(
      whoIsInformed(kestrel, c.state, 'cause_for_concern', 'plan_agreed', {
        presentRoles: ['trainee', 'mentor', 'link_tutor'],
      }),
    ),
  ).toEqual(['course_mailbox', `professional_mentor:${professionalMentor.email}`]);
}

describe('the Kestrel SCITT Cause for Concern procedure, from its file', () => {
  it('is the sixth procedure: version 2026-27, two stages, its own provider and roles', () => {
    expect(kestrel).toMatchObject({
      id: 'kestrel-scitt-cause-for-concern',
      version: '2026-27',
      provider: { id: 'kestrel_scitt', name: 'Kestrel Schools SCITT' },
    });
    expect(kestrel.stages.map((s) => [s.id, s.formality])).toEqual([
      ['cause_for_concern', 'informal'],
      ['formal_cause_for_concern', 'formal'],
    ]);
    expect(SEED_PROCEDURES.some((p) => p.id === kestrel.id)).toBe(false);
  });

  it('is what TRELLIS_PROCEDURES_DIR=examples/procedures adds to the five', async () => {
    const configured = await loadConfiguredProcedures({ dir: EXAMPLES, selection: 'all' }, SEED_PROCEDURES);
    expect(configured.problems).toEqual([]);
    expect(configured.procedures.map((p) => p.id)).toEqual([...SEED_PROCEDURES.map((p) => p.id), kestrel.id]);
  });

  it('walks open → plan → sign → review → Stage 2 → plan → sign → the director’s decision', () => {
    const c = openWalk(kestrel, opening());
    expect(c.state).toMatchObject({ stageId: 'cause_for_concern', status: 'planning', procedureVersion: '2026-27' });
    expect(recipients(whoIsInformed(kestrel, c.state, 'cause_for_concern', 'case_opened'))).toEqual([
      `programme_lead:${programmeLead.email}`,
      'course_team_channel',
    ]);
    stage1Agreed(c);

    on(c, '2026-11-20');
    c.run('mentor', recordReview, {
      progress: progressOf(c.state, ['partly_met', 'not_met', 'not_met'], 'Observed on 19 November'),
      evidence: 'Two observed lessons and the maths books.',
      attendees: ['trainee', 'mentor', 'link_tutor'],
      outcomeId: 'targets_not_met',
    });
    expect(c.state).toMatchObject({ stageId: 'formal_cause_for_concern', status: 'planning' });
    expect(recipients(whoIsInformed(kestrel, c.state, 'formal_cause_for_concern', 'stage_entered'))).toEqual([
      'course_team_channel',
      `director:${director.email}`,
    ]);

    on(c, '2026-11-24');
    const formal = {
      ...supportPlan(
        '2026-11-24',
        '2026-12-15',
        STAGE_2_PARTIES,
        ['trainee', 'mentor', 'link_tutor', 'programme_lead'],
        2,
      ),
      supportMeasures: ['Protected planning time on the timetable'],
    };
    c.run('programme_lead', editPlan, { plan: formal, withdrawSignatures: false });
    for (const role of ['trainee', 'mentor', 'link_tutor']) sign(c, role);
    expect(c.state.status).toBe('awaiting_signatures');
    sign(c, 'programme_lead');
    expect(c.state.status).toBe('active');

    on(c, '2026-12-15');
    // The decision is the SCITT director's, at the progress review meeting.
    const decision = {
      progress: progressOf(c.state, ['not_met', 'partly_met'], 'Progress review meeting'),
      evidence: 'The formal plan, observation records and the trainee’s own account.',
      attendees: ['director', 'programme_lead', 'link_tutor', 'trainee'],
      outcomeId: 'extend_training',
    };
    expect(refusal(c, () => c.run('programme_lead', recordReview, decision)).code).toBe('not_permitted');
    // "Targets met" needs every target met.
    expect(
      refusal(c, () => c.run('director', recordReview, { ...decision, outcomeId: 'concerns_resolved' })).code,
    ).toBe('outcome_not_allowed');
    c.run('director', recordReview, decision);
    expect(c.state.status).toBe('closed');
    expect(c.state.closure).toMatchObject({ resolution: 'decision', outcomeId: 'extend_training' });
    expect(history(c.state)).toEqual(['cause_for_concern/opened', 'formal_cause_for_concern/outcome']);
    expect(replay(c.events)).toEqual(c.state);
  });

  it('revises the targets once progress is partial, reviewed within two weeks, then closes', () => {
    const c = openWalk(kestrel, opening());
    stage1Agreed(c);
    on(c, '2026-11-20');
    c.run('link_tutor', recordReview, {
      progress: progressOf(c.state, ['met', 'partly_met', 'met']),
      evidence: 'Observed lessons.',
      attendees: ['trainee', 'mentor', 'link_tutor'],
      outcomeId: 'targets_partly_met',
    });
    expect(c.state).toMatchObject({ stageId: 'cause_for_concern', status: 'planning' });
    on(c, '2026-11-23');
    const revised = supportPlan('2026-11-23', '2026-12-07', STAGE_1_PARTIES, ['trainee', 'mentor', 'link_tutor'], 1);
    expect(
      refusal(c, () =>
        c.run('link_tutor', editPlan, {
          plan: { ...revised, reviewDate: workday(kestrel, '2026-12-08') },
          withdrawSignatures: false,
        }),
      ).code,
    ).toBe('review_date_outside_window');
    c.run('link_tutor', editPlan, { plan: revised, withdrawSignatures: false });
    for (const role of ['trainee', 'mentor', 'link_tutor']) sign(c, role);
    on(c, '2026-12-07');
    c.run('mentor', recordReview, {
      progress: progressOf(c.state, ['met']),
      evidence: 'Observed lesson.',
      attendees: ['trainee', 'mentor'],
      outcomeId: 'targets_met',
    });
    expect(c.state.closure).toMatchObject({ resolution: 'resolved', outcomeId: 'targets_met' });
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('the Kestrel SCITT people in local mode', () => {
  it('are offered at the dev sign-in only while its procedure runs, titled in its words', () => {
    const roleLabel = (procedures: readonly Procedure[]) => (procedureId: string, roleId: string) =>
      procedures.find((p) => p.id === procedureId)?.roles.find((r) => r.id === roleId)?.label ?? roleId;
    const withFile = [...SEED_PROCEDURES, kestrel];
    const people = personas(roleLabel(withFile), (id) => withFile.some((p) => p.id === id));
    const ks = people.filter((p) => p.provider === 'Kestrel Schools SCITT');
    expect(ks.map((p) => p.title)).toEqual([
      'SCITT programme lead (course team)',
      'SCITT link tutor',
      'School mentor',
      'Professional mentor',
      'SCITT director',
      'Trainee',
      'Trainee',
      'Trainee',
    ]);
    expect(ks[0]).toMatchObject({ roles: ['CourseTeam'], programmes: ['Kestrel SCITT Primary 2026/27'] });
    const builtInsOnly = personas(roleLabel(SEED_PROCEDURES), (id) => SEED_PROCEDURES.some((p) => p.id === id));
    expect(builtInsOnly.some((p) => p.provider === 'Kestrel Schools SCITT')).toBe(false);
    // Every role a demo provider staffs is one its procedure defines.
    const provider = DEMO_PROVIDERS.find((p) => p.procedureId === kestrel.id);
    for (const role of Object.keys(provider?.staff ?? {})) expect(kestrel.roles.map((r) => r.id)).toContain(role);
  });
});

describe('local mode running only the file procedure', () => {
  it('starts, offers its people at the dev sign-in and the procedure to its course team', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-kestrel-local-'));
    const local = await startLocalMode({
      dataDir,
      port: 0,
      durability: 'none',
      logger: silentLogger,
      realNow: () => londonInstantAt(parseLocalDate('2026-11-23'), 10, 0),
      procedures: [kestrel],
      schedule: false,
    });
    try {
      expect(local.demo).toEqual({ created: 0, skipped: 0, failures: [] });
      const personasReply = (await (await fetch(`${local.url}/dev/personas`)).json()) as {
        items: { upn: string; provider: string; title: string }[];
      };
      expect(new Set(personasReply.items.map((p) => p.provider))).toEqual(
        new Set(['Kestrel Schools SCITT', 'Trellis']),
      );
      const signIn = await fetch(`${local.url}/dev/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ upn: 'naomi.fraser@kestrel-scitt.example' }),
      });
      const { token } = (await signIn.json()) as { token: string };
      const procedures = (await (
        await fetch(`${local.url}/api/procedures`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { items: { id: string; version: unknown }[] };
      expect(procedures.items.map((p) => [p.id, p.version])).toEqual([[kestrel.id, '2026-27']]);
    } finally {
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the Kestrel SCITT procedure over the REST API', () => {
  let server: TestServer;
  const ids: Record<string, Identity> = {
    courseTeam: { upn: programmeLead.id, name: programmeLead.name, roles: ['CourseTeam'], programmes: [PROGRAMME] },
    ...Object.fromEntries(PEOPLE.map((p) => [p.role, { upn: p.id, name: p.name }])),
  };
  let etag = '';
  let caseId = '';

  const at = (date: string): void => {
    server.now = londonInstantAt(parseLocalDate(date), 10, 0);
  };
  async function act(who: string, method: string, route: string, body?: unknown): Promise<Reply> {
    const identity = ids[who];
    if (!identity) throw new Error(`no identity ${who}`);
    const reply = await server.request(method, route, {
      token: await server.tokenFor(identity),
      ...(body === undefined ? {} : { body }),
      ...(etag === '' ? {} : { headers: { 'if-match': etag } }),
    });
    if (reply.status >= 400) throw new Error(`${method} ${route} as ${who}: ${reply.status} ${reply.text}`);
    etag = reply.headers.get('etag') ?? etag;
    return reply;
  }

  beforeAll(async () => {
    server = await startTestServer({ procedures: [...SEED_PROCEDURES, kestrel] });
    // Evie on the SCITT's roster, with her mentor, link tutor and programme lead.
    await putOnRoster(server.placements, {
      trainee,
      programme: PROGRAMME,
      provider: 'Kestrel Schools SCITT',
      school: 'Larkfield Primary School',
      mentors: [mentor],
      tutor: linkTutor,
      professionalMentor,
      programmeLead,
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('lists the procedure and gives it in full, version included', async () => {
    at('2026-11-23');
    const list = await act('courseTeam', 'GET', '/api/procedures');
    expect((list.body.items as { id: string; version: unknown }[]).find((p) => p.id === kestrel.id)).toMatchObject({
      version: '2026-27',
    });
    const full = await act('courseTeam', 'GET', `/api/procedures/${kestrel.id}`);
    expect(full.body).toEqual(kestrel);
  });

  it('opens a case, agrees and signs the plan, reviews it into Stage 2, and records the director’s decision', async () => {
    at('2026-11-23');
    etag = '';
    const opened = await act('courseTeam', 'POST', '/api/cases', {
      procedureId: kestrel.id,
      reference: 'KS-CFC-HTTP',
      reasons: ['progress', 'attendance_engagement'],
      people: PEOPLE,
      placement: { school: 'Larkfield Primary School', phase: 'Primary', programme: PROGRAMME },
    });
    expect(opened.status).toBe(201);
    expect(opened.body.stage.id).toBe('cause_for_concern');
    caseId = opened.body.id as string;

    await act('link_tutor', 'PUT', `/api/cases/${caseId}/plan`, {
      plan: supportPlan('2026-11-23', '2026-12-11', STAGE_1_PARTIES, ['trainee', 'mentor', 'link_tutor']),
    });
    for (const role of ['trainee', 'mentor', 'link_tutor']) {
      const signer = PEOPLE.find((p) => p.role === role);
      await act(role, 'POST', `/api/cases/${caseId}/signatures`, { role, typedName: signer?.name });
    }
    let reply = await act('mentor', 'GET', `/api/cases/${caseId}`);
    expect(reply.body.status).toBe('active');
    expect(reply.body.derived.nextReviewDate).toBe('2026-12-11');

    at('2026-12-11');
    reply = await act('mentor', 'POST', `/api/cases/${caseId}/reviews`, {
      progress: ['T1', 'T2', 'T3'].map((targetId) => ({ targetId, rating: 'not_met' })),
      evidence: 'Observed lessons on 9 and 10 December.',
      outcomeId: 'targets_not_met',
    });
    expect(reply.body.stage.id).toBe('formal_cause_for_concern');

    at('2026-12-14');
    await act('programme_lead', 'PUT', `/api/cases/${caseId}/plan`, {
      plan: supportPlan(
        '2026-12-14',
        '2027-01-04',
        STAGE_2_PARTIES,
        ['trainee', 'mentor', 'link_tutor', 'programme_lead'],
        2,
      ),
    });
    for (const role of ['trainee', 'mentor', 'link_tutor', 'programme_lead']) {
      const signer = PEOPLE.find((p) => p.role === role);
      await act(role, 'POST', `/api/cases/${caseId}/signatures`, { role, typedName: signer?.name });
    }
    at('2027-01-04');
    reply = await act('director', 'POST', `/api/cases/${caseId}/reviews`, {
      progress: [
        { targetId: 'T1', rating: 'partly_met' },
        { targetId: 'T2', rating: 'not_met' },
      ],
      evidence: 'The formal plan, observation records and the trainee’s account.',
      outcomeId: 'fitness_to_teach',
    });
    expect(reply.body.status).toBe('closed');
    const trainee = await act('trainee', 'GET', `/api/cases/${caseId}`);
    expect(trainee.body.view).toBe('trainee');
  });
});
