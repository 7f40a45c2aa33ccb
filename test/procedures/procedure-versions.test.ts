/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import type { Person } from '../../src/domain/case/types.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { proceduresFromEnv } from '../../src/compose/procedures-config.js';
import { exportProcedureText } from '../../src/procedures-files/export-procedure.js';
import { loadProcedureFile } from '../../src/procedures-files/load-procedure-files.js';
import { rosterFor, startTestServer, type Identity, type Reply, type TestServer } from '../server/harness.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';

/**
 * A procedure revised while cases run under it, over REST: TRELLIS_PROCEDURES_DIR points at a
 * folder whose file is rewritten between starts, and Trellis is composed again over the same
 * store each time. A case keeps the version it was opened under (version 1's three-week review
 * window after version 2 shortens it to two); new cases follow version 2; an administrator moves
 * the old case on, with what changed listed; a version without the stage a case is at is refused.
 */

const EXAMPLE = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'examples',
  'procedures',
  'kestrel-scitt-cause-for-concern.yaml',
);
const PROGRAMME = 'Kestrel SCITT Primary 2026/27';
const SCITT = 'kestrel-scitt.example';
const person = (role: string, name: string, email: string): Person => ({ role, id: email, name, email });
const mentor = person('mentor', 'Bethany Cole', 'bethany.cole@larkfield-primary.example');
const linkTutor = person('link_tutor', 'Owen Pritchard', `owen.pritchard@${SCITT}`);
const programmeLead = person('programme_lead', 'Naomi Fraser', `naomi.fraser@${SCITT}`);
const director = person('director', 'Colin Ashby', `colin.ashby@${SCITT}`);
const traineeA = person('trainee', 'Evie Marshall', `evie.marshall@trainee.${SCITT}`);
const traineeB = person('trainee', 'Ravi Anand', `ravi.anand@trainee.${SCITT}`);

const ids: Record<string, Identity> = {
  courseTeam: { upn: programmeLead.id, name: programmeLead.name, roles: ['CourseTeam'], programmes: [PROGRAMME] },
  admin: { upn: 'trellis.admin@kestrel-scitt.example', name: 'Trellis Admin', roles: ['Admin'] },
  link_tutor: { upn: linkTutor.id, name: linkTutor.name },
  mentor: { upn: mentor.id, name: mentor.name },
  trainee: { upn: traineeA.id, name: traineeA.name },
};

/** Version 1 as the example file has it; version 2 reviews Stage 1 within two weeks instead of three. */
function version2(v1: Procedure): Procedure {
  return {
    ...v1,
    version: '2027-28',
    stages: v1.stages.map((stage) =>
      stage.id === 'cause_for_concern' && stage.plan
        ? { ...stage, plan: { ...stage.plan, reviewWindow: { amount: 2, unit: 'weeks' as const } } }
        : stage,
    ),
  };
}

/** Version 3 renames Stage 1 (a new id): a case at Stage 1 cannot follow it. */
function version3(v2: Procedure): Procedure {
  return JSON.parse(
    JSON.stringify({ ...v2, version: '2028-29' }).replaceAll('"cause_for_concern"', '"initial_concern"'),
  ) as Procedure;
}

function plan(reviewDate: string) {
  return {
    concernStatement: 'Lessons start late and the lower attaining group cannot access the main task.',
    concerns: [
      { text: 'Low-level disruption is not addressed.', links: [{ frameworkId: 'teachers-standards', code: 'TS7' }] },
    ],
    targets: [
      {
        text: 'Use the agreed behaviour routine so that every lesson starts within three minutes.',
        links: [{ frameworkId: 'teachers-standards', code: 'TS7' }],
        actions: ['trainee', 'mentor', 'link_tutor'].map((party) => ({ party, text: `${party} action` })),
        successCriteria: 'Seen in two observed lessons.',
        observationFocus: true,
      },
    ],
    supportMeasures: [],
    reviewDate,
    meeting: {
      heldOn: '2026-11-23',
      mode: 'in_person',
      attendees: ['trainee', 'mentor', 'link_tutor'],
      placementConcern: true,
    },
  };
}

describe('procedure versions over REST, with the procedure file rewritten between starts', () => {
  let dir: string;
  let store: ProvisionedEmulator;
  let server: TestServer | undefined;
  let v1: Procedure;
  let caseA = '';
  let caseB = '';

  /** Writes `procedure` as the folder's one file and composes Trellis again from TRELLIS_PROCEDURES_DIR over the same store. */
  async function restartWith(procedure: Procedure): Promise<TestServer> {
    await server?.close();
    await writeFile(path.join(dir, 'kestrel.json'), exportProcedureText(procedure));
    const { procedures } = await proceduresFromEnv(
      { TRELLIS_PROCEDURES_DIR: dir, TRELLIS_PROVIDER_PROCEDURES: procedure.id },
      () => undefined,
    );
    server = await startTestServer({ procedures, emulator: store });
    server.now = londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);
    return server;
  }

  async function act(
    who: string,
    method: string,
    route: string,
    options: { body?: unknown; etag?: string } = {},
  ): Promise<Reply> {
    const identity = ids[who];
    if (!identity || !server) throw new Error(`no identity ${who} or no server`);
    return server.request(method, route, {
      token: await server.tokenFor(identity),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.etag === undefined ? {} : { headers: { 'if-match': options.etag } }),
    });
  }

  async function openFor(trainee: Person, reference: string): Promise<Reply> {
    const body = {
      procedureId: v1.id,
      reference,
      reasons: ['progress'],
      people: [trainee, mentor, linkTutor, programmeLead, director],
      placement: { school: 'Larkfield Primary School', phase: 'Primary', programme: PROGRAMME },
    };
    if (!server) throw new Error('no server');
    // On the programme's roster first: the course team opens cases for the trainees it has.
    await rosterFor(server.placements, body);
    const opened = await act('courseTeam', 'POST', '/api/cases', { body });
    expect(opened.status).toBe(201);
    return opened;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trellis-procedure-versions-'));
    store = await startProvisionedEmulator();
    const loaded = await loadProcedureFile(EXAMPLE);
    if (!loaded.procedure) throw new Error('the example did not load');
    v1 = loaded.procedure;
  });

  afterAll(async () => {
    await server?.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens a case under version 1, which names its version', async () => {
    await restartWith(v1);
    const opened = await openFor(traineeA, 'KS-V1');
    caseA = opened.body.id as string;
    expect(opened.body.procedure).toMatchObject({ version: '2026-27' });
    expect(opened.body.procedure.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(opened.body.procedure.runningVersion).toBeUndefined();
    const events = await act('courseTeam', 'GET', `/api/cases/${caseA}/events`);
    const openingEvent = (events.body.events as { data: unknown }[])[0];
    expect(openingEvent?.data).toMatchObject({
      procedureVersion: '2026-27',
      procedureHash: opened.body.procedure.hash as string,
    });
  });

  it('keeps version 1’s review window for that case after version 2 shortens it; new cases follow version 2', async () => {
    await restartWith(version2(v1));
    let view = await act('courseTeam', 'GET', `/api/cases/${caseA}`);
    expect(view.body.procedure.version).toBe('2026-27');
    expect(view.body.procedure.runningVersion).toMatchObject({ version: '2027-28' });
    expect(view.body.procedure.runningVersion.changes).toEqual([
      'Stage 1: Cause for Concern: the review window is 2 weeks, where it was 3 weeks.',
    ]);
    expect(view.body.procedure.runningVersion.cannotMove).toBeUndefined();
    // The definition the case follows is version 1's, read back from the kept copy.
    const followed = await act('mentor', 'GET', `/api/cases/${caseA}/procedure`);
    expect(followed.status).toBe(200);
    expect(followed.body).toEqual(v1);

    // 11 December is within three weeks of 23 November (version 1), not within two (version 2).
    let etag = view.headers.get('etag') ?? '';
    const edited = await act('link_tutor', 'PUT', `/api/cases/${caseA}/plan`, {
      body: { plan: plan('2026-12-11') },
      etag,
    });
    expect(edited.status).toBe(200);
    etag = edited.headers.get('etag') ?? '';
    for (const [who, role, name] of [
      ['trainee', 'trainee', traineeA.name],
      ['mentor', 'mentor', mentor.name],
      ['link_tutor', 'link_tutor', linkTutor.name],
    ] as const) {
      const signed = await act(who, 'POST', `/api/cases/${caseA}/signatures`, {
        body: { role, typedName: name },
        etag,
      });
      expect(signed.status).toBe(200);
      etag = signed.headers.get('etag') ?? '';
    }
    view = await act('courseTeam', 'GET', `/api/cases/${caseA}`);
    expect(view.body.status).toBe('active');
    expect(view.body.derived.nextReviewDate).toBe('2026-12-11');

    // A case opened now follows version 2: the same date is past its two-week window.
    const openedB = await openFor(traineeB, 'KS-V2');
    caseB = openedB.body.id as string;
    expect(openedB.body.procedure.version).toBe('2027-28');
    expect(openedB.body.procedure.runningVersion).toBeUndefined();
    const refused = await act('link_tutor', 'PUT', `/api/cases/${caseB}/plan`, {
      body: { plan: plan('2026-12-11') },
      etag: openedB.headers.get('etag') ?? '',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('review_date_outside_window');
  });

  it('moves the version 1 case to version 2 only for an administrator, naming the version, with what changed', async () => {
    const view = await act('admin', 'GET', `/api/cases/${caseA}`);
    const etag = view.headers.get('etag') ?? '';
    const toHash = view.body.procedure.runningVersion.hash as string;

    const courseTeam = await act('courseTeam', 'POST', `/api/cases/${caseA}/procedure-version`, {
      body: { toHash },
      etag,
    });
    expect(courseTeam.status).toBe(403);
    const otherVersion = await act('admin', 'POST', `/api/cases/${caseA}/procedure-version`, {
      body: { toHash: view.body.procedure.hash as string },
      etag,
    });
    expect(otherVersion.status).toBe(409);
    expect(otherVersion.body.detail).toContain('not the version of Cause for Concern Procedure that runs now');
    const noIfMatch = await act('admin', 'POST', `/api/cases/${caseA}/procedure-version`, { body: { toHash } });
    expect(noIfMatch.status).toBe(428);

    const moved = await act('admin', 'POST', `/api/cases/${caseA}/procedure-version`, { body: { toHash }, etag });
    expect(moved.status).toBe(200);
    expect(moved.body.procedure).toMatchObject({ version: '2027-28', hash: toHash });
    expect(moved.body.procedure.runningVersion).toBeUndefined();
    expect(moved.body.derived.nextReviewDate).toBe('2026-12-11');
    const events = await act('courseTeam', 'GET', `/api/cases/${caseA}/events`);
    const last = (events.body.events as { type: string; actorId: string; data: Record<string, unknown> }[]).at(-1);
    expect(last).toMatchObject({
      type: 'procedure_version_changed',
      actorId: ids.admin?.upn,
      data: {
        fromVersion: '2026-27',
        toVersion: '2027-28',
        toHash,
        changes: ['Stage 1: Cause for Concern: the review window is 2 weeks, where it was 3 weeks.'],
      },
    });
    const again = await act('admin', 'POST', `/api/cases/${caseA}/procedure-version`, {
      body: { toHash },
      etag: moved.headers.get('etag') ?? '',
    });
    expect(again.status).toBe(409);
  });

  it('refuses to move a case whose stage the new version does not have, saying so', async () => {
    await restartWith(version3(version2(v1)));
    const view = await act('admin', 'GET', `/api/cases/${caseB}`);
    expect(view.body.procedure.version).toBe('2027-28');
    const running = view.body.procedure.runningVersion as {
      version: string;
      hash: string;
      cannotMove: string;
      changes: string[];
    };
    expect(running.version).toBe('2028-29');
    const sentence =
      'The case is at "Stage 1: Cause for Concern", which version 2028-29 of Cause for Concern Procedure does not have, so it cannot follow that version; it stays on its own.';
    expect(running.cannotMove).toBe(sentence);
    expect(running.changes).toContain('The stage "Stage 1: Cause for Concern" is removed.');
    const refused = await act('admin', 'POST', `/api/cases/${caseB}/procedure-version`, {
      body: { toHash: running.hash },
      etag: view.headers.get('etag') ?? '',
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'version_not_movable', detail: sentence });
    // It carries on under its own version meanwhile.
    const followed = await act('courseTeam', 'GET', `/api/cases/${caseB}/procedure`);
    expect(followed.body.version).toBe('2027-28');
  });
});
