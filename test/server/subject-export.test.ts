/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- export contents are JSON asserted field by field */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/app/caller.js';
import type { UseCaseDeps } from '../../src/app/deps.js';
import {
  exportSourcesOf,
  personExport,
  traineeExport,
  type SubjectExport,
} from '../../src/app/data-protection/subject-export.js';
import { editPlan, editPlanInputSchema } from '../../src/domain/case/index.js';
import type { Actor } from '../../src/domain/case/types.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import type { Notification } from '../../src/notify/notification.js';
import { GraphOutbox } from '../../src/store/notify/graph-outbox.js';
import { GraphPlacementRoster } from '../../src/store/placements.js';
import { bcuPlan, caseInput, identities, P1, people } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';

/**
 * Subject access exports: a trainee on two cases at two providers, exported by an
 * administrator (the app layer, with the outbox), by the trainee and by each course team (the
 * zip over HTTP), and refused to everyone else.
 */
let server: TestServer;
let outbox: GraphOutbox;
const RCTTP = 'RCTTP Primary 2026/27';
const NOTES = 'Internal: talked about <b>wellbeing</b>.';
const seedActor: Actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team'] };
const rcttpTeam = {
  upn: 'joanna.price@rcttp.example',
  name: 'Joanna Price',
  roles: ['CourseTeam'],
  programmes: [RCTTP],
};

beforeAll(async () => {
  server = await startTestServer();
  const bcu = await seedCase(server, {
    caseId: 'sar-bcu',
    input: caseInput('A', { reference: 'SAR-BCU' }),
    steps: [(s, ctx) => editPlan(ctx(seedActor), s, editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04') }))],
  });
  const meeting = await server.request('POST', '/api/cases/sar-bcu/meetings', {
    token: await server.tokenFor(identities.mentorA),
    headers: { 'if-match': `"v${String(bcu.state.version)}"` },
    body: { kind: 'plan', heldOn: '2026-11-23', mode: 'in_person', attendees: [people.traineeA.id], notes: NOTES },
  });
  expect(meeting.status, meeting.text).toBe(200);
  await seedCase(server, {
    caseId: 'sar-rcttp',
    procedureId: 'rcttp-concern-procedures',
    input: caseInput('A', {
      reference: 'SAR-RCTTP',
      reasons: ['progress_towards_standards'],
      people: caseInput('A').people.map((p) => (p.role === 'tutor' ? { ...p, role: 'partnership_tutor' } : p)),
      placement: { ...caseInput('A').placement, programme: RCTTP },
    }),
  });
  outbox = new GraphOutbox(server.emulator.client, server.emulator.site.lists.outbox);
  const sent: Notification = {
    key: 'sar:bcu:plan',
    caseId: 'sar-bcu',
    reference: 'SAR-BCU',
    kind: 'plan_agreed',
    about: undefined,
    channel: 'email',
    recipient: {
      kind: 'person',
      role: 'trainee',
      personId: people.traineeA.id,
      name: people.traineeA.name,
      email: people.traineeA.email,
    },
    subject: 'Your plan SAR-BCU',
    lines: ['Your plan is agreed.'],
    because: undefined,
    attachForm: false,
    calendar: undefined,
  };
  // Two rows about the mentor that an address match would get wrong: a card to them at an
  // address they no longer use (theirs), and an email to an office whose shared mailbox has
  // their sign-in name as its address (not theirs).
  const toMentorOldAddress: Notification = {
    ...sent,
    key: 'sar:bcu:mentor-old-address',
    kind: 'review_coming_up',
    recipient: {
      kind: 'person',
      role: 'mentor',
      personId: people.mentorA.id,
      name: people.mentorA.name,
      email: 'gareth.evans.old@school-mail.example',
    },
    subject: 'Review coming up for SAR-BCU',
  };
  const toOfficeSharingTheirAddress: Notification = {
    ...sent,
    key: 'sar:bcu:office',
    kind: 'case_closed',
    recipient: { kind: 'office', office: 'placements', label: 'Placements office', address: people.mentorA.id },
    subject: 'Office copy SAR-BCU',
  };
  for (const notification of [sent, toMentorOldAddress, toOfficeSharingTheirAddress]) {
    const claimed = await outbox.claimNew(notification, { token: 'sar', at: server.now });
    if (claimed.outcome !== 'claimed') throw new Error('the test notification was not claimed');
    await outbox.markSent(claimed.record, server.now);
  }
});

afterAll(async () => {
  await server.close();
});

async function unzip(
  reply: { status: number; headers: Headers },
  bytes: ArrayBuffer,
): Promise<Map<string, JSZip.JSZipObject>> {
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toBe('application/zip');
  expect(reply.headers.get('cache-control')).toBe('private, no-store');
  const zip = await JSZip.loadAsync(bytes);
  return new Map(Object.entries(zip.files).filter(([, f]) => !f.dir));
}

async function download(route: string, token: string) {
  const response = await fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  return { reply: response, bytes: await response.arrayBuffer() };
}

const text = (files: Map<string, JSZip.JSZipObject>, path: string): Promise<string> => {
  const file = files.get(path);
  if (!file) throw new Error(`No ${path} in the export: ${[...files.keys()].join(', ')}`);
  return file.async('string');
};

describe('the subject access export', () => {
  it('gives an administrator both providers’ cases in full, with forms, notifications and who looked', async () => {
    // A read for who-looked.json to show.
    await server.request('GET', '/api/cases/sar-rcttp', { token: await server.tokenFor(identities.tutorA) });
    const deps: UseCaseDeps = {
      repository: server.repository,
      placements: new GraphPlacementRoster(server.emulator.client, server.emulator.site.lists.placements),
      procedures: SEED_PROCEDURES,
      clock: () => server.now,
      logger: server.logger,
      accessLog: server.accessLog.recorder,
    };
    const admin: Caller = { actor: { id: 'admin@uni.example', name: 'Admin', appRoles: ['admin'] }, programmes: 'all' };
    const exported: SubjectExport = await traineeExport(deps, exportSourcesOf(deps, outbox), admin, people.traineeA.id);
    expect(exported.cases).toBe(2);
    const paths = exported.files.map((f) => f.path);
    expect(paths).toEqual([
      'README.txt',
      'cases.json',
      'cases/SAR-BCU-sar-bcu/case.json',
      'cases/SAR-BCU-sar-bcu/SAR-BCU-form-v1.pdf',
      'cases/SAR-BCU-sar-bcu/notifications.json',
      'cases/SAR-BCU-sar-bcu/who-looked.json',
      'cases/SAR-RCTTP-sar-rcttp/case.json',
      'cases/SAR-RCTTP-sar-rcttp/SAR-RCTTP-form-v1.pdf',
      'cases/SAR-RCTTP-sar-rcttp/notifications.json',
      'cases/SAR-RCTTP-sar-rcttp/who-looked.json',
    ]);
    const file = (path: string) => exported.files.find((f) => f.path === path)?.content;
    const bcu = JSON.parse(String(file('cases/SAR-BCU-sar-bcu/case.json')));
    expect(bcu.case.view).toBe('full');
    expect(bcu.case.meetings[0].notes).toBe(NOTES);
    expect(bcu.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['case_opened', 'plan_edited', 'meeting_recorded']),
    );
    expect(bcu.events).toHaveLength(bcu.case.version);
    expect(bcu.case.people.map((p: { id: string }) => p.id)).toContain(people.mentorA.id);
    const pdf = file('cases/SAR-BCU-sar-bcu/SAR-BCU-form-v1.pdf');
    expect(pdf instanceof Uint8Array && Buffer.from(pdf.slice(0, 5)).toString()).toBe('%PDF-');
    const notifications = JSON.parse(String(file('cases/SAR-BCU-sar-bcu/notifications.json')));
    // Every message on the case is about the trainee: theirs, the mentor's and the office's.
    expect(notifications).toHaveLength(3);
    expect(notifications).toEqual(
      expect.arrayContaining([
        {
          recipient: `Priya Sharma <${people.traineeA.email}>`,
          channel: 'email',
          kind: 'plan_agreed',
          subject: 'Your plan SAR-BCU',
          state: 'sent',
          at: expect.any(String),
        },
      ]),
    );
    const looked = JSON.parse(String(file('cases/SAR-RCTTP-sar-rcttp/who-looked.json')));
    expect(looked).toContainEqual(
      expect.objectContaining({ name: 'Helen Okafor', signInName: people.tutorA.id, how: 'api' }),
    );
    const index = JSON.parse(String(file('cases.json')));
    expect(new Set(index.map((c: { provider: string }) => c.provider)).size).toBe(2);
    expect(String(file('README.txt'))).toMatch(/every provider/);
    expect(String(file('README.txt'))).not.toMatch(/withheld/);
    // The export is a read of each case, by the administrator.
    const after = await server.accessLog.recorder.forCase('sar-bcu');
    expect(after).toContainEqual(expect.objectContaining({ personId: 'admin@uni.example', how: 'export' }));
  });

  it('gives the trainee their own record as a zip, in the trainee view, saying what is withheld and why', async () => {
    const { reply, bytes } = await download(
      `/api/trainees/${encodeURIComponent(people.traineeA.id)}/export`,
      await server.tokenFor(identities.traineeA),
    );
    const files = await unzip(reply, bytes);
    expect(reply.headers.get('content-disposition')).toContain('trellis-export-priya.sharma-students.example.zip');
    expect([...files.keys()].filter((p) => p.endsWith('/case.json'))).toHaveLength(2);
    const bcu = await text(files, 'cases/SAR-BCU-sar-bcu/case.json');
    expect(JSON.parse(bcu).case.view).toBe('trainee');
    expect(bcu).not.toContain('wellbeing');
    expect(bcu).toContain('meeting_recorded');
    const readme = await text(files, 'README.txt');
    expect(readme).toMatch(/Some content is withheld: notes written in reviews and meetings/);
    expect(readme).toMatch(/case\.json/);
    const pdf = await files.get('cases/SAR-BCU-sar-bcu/SAR-BCU-form-v1.pdf')?.async('uint8array');
    expect(Buffer.from(pdf?.slice(0, 5) ?? []).toString()).toBe('%PDF-');
  });

  it('gives each course team its own provider’s case only', async () => {
    const bcu = await download(
      `/api/trainees/${encodeURIComponent(people.traineeA.id)}/export`,
      await server.tokenFor(identities.courseTeamP1),
    );
    const files = await unzip(bcu.reply, bcu.bytes);
    expect([...files.keys()].filter((p) => p.endsWith('/case.json'))).toEqual(['cases/SAR-BCU-sar-bcu/case.json']);
    expect(await text(files, 'cases/SAR-BCU-sar-bcu/case.json')).toContain('wellbeing');
    expect(await text(files, 'README.txt')).toMatch(/Each provider answers for its own records/);
    const rcttp = await download(
      `/api/trainees/${encodeURIComponent(people.traineeA.id)}/export`,
      await server.tokenFor(rcttpTeam),
    );
    const theirs = await unzip(rcttp.reply, rcttp.bytes);
    expect([...theirs.keys()].filter((p) => p.endsWith('/case.json'))).toEqual(['cases/SAR-RCTTP-sar-rcttp/case.json']);
  });

  it('exports what Trellis holds about a member of staff: roles, signatures, steps, reads', async () => {
    const { reply, bytes } = await download(
      `/api/people/${encodeURIComponent(people.mentorA.id)}/export`,
      await server.tokenFor(identities.courseTeamP1),
    );
    const files = await unzip(reply, bytes);
    const cases = JSON.parse(await text(files, 'cases.json'));
    expect(cases).toEqual([
      expect.objectContaining({
        reference: 'SAR-BCU',
        namedAs: [{ role: 'mentor', name: people.mentorA.name, email: people.mentorA.email }],
        stepsRecorded: [{ step: 'meeting_recorded', at: expect.any(String) }],
      }),
    ]);
    expect(JSON.stringify(cases)).not.toContain('wellbeing');
    expect(await text(files, 'README.txt')).toMatch(/not part of this export/);

    // With the outbox (the app layer, as above): their notifications are matched by who they
    // are on the row, not by an address. The card to an address they no longer use is theirs;
    // the office copy sent to a shared mailbox that has their sign-in name as its address is not.
    const deps: UseCaseDeps = {
      repository: server.repository,
      placements: new GraphPlacementRoster(server.emulator.client, server.emulator.site.lists.placements),
      procedures: SEED_PROCEDURES,
      clock: () => server.now,
      logger: server.logger,
    };
    const lead: Caller = {
      actor: { id: identities.courseTeamP1.upn, name: identities.courseTeamP1.name, appRoles: ['course_team'] },
      programmes: [P1],
    };
    const withOutbox = await personExport(deps, exportSourcesOf(deps, outbox), lead, people.mentorA.id);
    const staffCases = JSON.parse(String(withOutbox.files.find((f) => f.path === 'cases.json')?.content));
    expect(staffCases[0].notificationsToThem.map((n: { subject: string }) => n.subject)).toEqual([
      'Review coming up for SAR-BCU',
    ]);
    expect(JSON.stringify(staffCases)).not.toContain('Office copy');
    const own = await download(
      `/api/people/${encodeURIComponent(people.mentorA.id)}/export`,
      await server.tokenFor(identities.mentorA),
    );
    expect(own.reply.status).toBe(200);
  });

  it('refuses everyone else as the house does: 403 for people on the case, 404 otherwise, 400 for a bad name', async () => {
    const route = `/api/trainees/${encodeURIComponent(people.traineeA.id)}/export`;
    const status = async (path: string, identity?: Parameters<TestServer['tokenFor']>[0]) =>
      (await server.request('GET', path, identity ? { token: await server.tokenFor(identity) } : {})).status;
    expect(await status(route, identities.mentorA)).toBe(403);
    expect(await status(route, identities.tutorA)).toBe(403);
    expect(await status(route, identities.stranger)).toBe(404);
    expect(await status(route, { upn: people.traineeB.id, name: people.traineeB.name })).toBe(404);
    expect(
      await status(route, {
        upn: 'lead@elsewhere.example',
        name: 'Lead',
        roles: ['CourseTeam'],
        programmes: ['Other'],
      }),
    ).toBe(404);
    expect(await status(route)).toBe(401);
    expect(await status('/api/trainees/not-a-sign-in/export', identities.admin)).toBe(400);
    expect(await status(`/api/people/${encodeURIComponent(people.mentorA.id)}/export`, identities.traineeA)).toBe(403);
    expect(await status(`/api/people/${encodeURIComponent(people.mentorA.id)}/export`, identities.stranger)).toBe(404);
    expect(P1).toBe(caseInput('A').placement.programme);
  });
});
