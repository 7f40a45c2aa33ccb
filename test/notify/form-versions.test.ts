import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { silentLogger } from '../../src/app/logger.js';
import { PINNED_NOW, seededDataDir } from '../support/local-mode-seeds.js';

/**
 * GET /api/cases/{caseId}/form.pdf?version=N over REST in local mode: the demo Enhanced Support
 * case at Step 4 has had two plans; version 1 is the Step 1 plan as it was completed (with the
 * Step 2 review that found insufficient progress), version 2 the current one.
 */

let dataDir: string;
let local: RunningLocalMode;
// The seed's clock: the copy local mode starts from was loaded on this day.
const realNow = PINNED_NOW;
const CASE_ID = 'demo-northgate-formal-step-4';
const courseLeader = {
  upn: 'catherine.lloyd@northgate-uni.example',
  name: 'Dr Catherine Lloyd',
  roles: ['CourseTeam'],
  programmes: ['PGCE Secondary 2026/27'],
};

async function get(route: string): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
  const token = await local.keys.sign(courseLeader, realNow());
  const reply = await fetch(`${local.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: reply.status, bytes: new Uint8Array(await reply.arrayBuffer()), headers: reply.headers };
}

async function textOf(bytes: Uint8Array, name: string): Promise<string> {
  const file = path.join(dataDir, name);
  await writeFile(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

beforeAll(async () => {
  dataDir = await seededDataDir('trellis-form-versions', 'pinned');
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: silentLogger,
    realNow,
    schedule: false,
  });
});

afterAll(async () => {
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('GET /api/cases/{caseId}/form.pdf?version=N', () => {
  it('gives each plan version’s form as it was completed, named by its version', async () => {
    const view = await get(`/api/cases/${CASE_ID}`);
    const body = JSON.parse(Buffer.from(view.bytes).toString('utf8')) as {
      reference: string;
      plan?: { version: number };
      previousPlans: { version: number }[];
    };
    expect(body.plan?.version).toBe(2);
    expect(body.previousPlans.map((p) => p.version)).toEqual([1]);

    const first = await get(`/api/cases/${CASE_ID}/form.pdf?version=1`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toContain(`${body.reference}-form-v1.pdf`);
    const current = await get(`/api/cases/${CASE_ID}/form.pdf?version=2`);
    expect(current.status).toBe(200);
    const [one, two, now] = await Promise.all([
      textOf(first.bytes, 'v1.pdf'),
      textOf(current.bytes, 'v2.pdf'),
      get(`/api/cases/${CASE_ID}/form.pdf`).then((r) => textOf(r.bytes, 'now.pdf')),
    ]);
    // Version 1 is a different form from the current one, and the current one is what the plain link gives.
    expect(one).not.toEqual(two);
    expect(two).toEqual(now);
    expect(one).toMatch(/Step 1/);

    expect((await get(`/api/cases/${CASE_ID}/form.pdf?version=9`)).status).toBe(404);
    for (const bad of ['0', 'x', '1.5', '-1', '99999'])
      expect((await get(`/api/cases/${CASE_ID}/form.pdf?version=${bad}`)).status, bad).toBe(400);
  });
});

/**
 * GET /api/cases/{caseId}/fee-letter.pdf over REST: the demo BCU case at its Placement Review
 * Panel is decided "a second and final attempt with a RIT" (the decision that brings the resit
 * fee), the course team waives the fee, and the letter is a PDF for those who see the case.
 */
describe('GET /api/cases/{caseId}/fee-letter.pdf', () => {
  const BCU_CASE = 'demo-bcu-at-panel';
  const bcuLead = { upn: 'mark.whitfield@bcu.example', name: 'Mark Whitfield', roles: ['CourseTeam'] };

  async function call(
    who: { upn: string; name: string; roles: string[]; programmes?: string[] },
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
  ): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
    const token = await local.keys.sign(who, realNow());
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['if-match'] = '*';
    }
    const reply = await fetch(`${local.url}${route}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: reply.status, bytes: new Uint8Array(await reply.arrayBuffer()), headers: reply.headers };
  }
  const json = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

  it('is the course team’s written confirmation, for those who may see the case (the trainee too) and nobody else', async () => {
    const lead = { ...bcuLead, programmes: [] as string[] };
    const first = await call({ ...lead, roles: [] }, 'GET', `/api/cases/${BCU_CASE}`);
    expect(first.status).toBe(200);
    const view = json(first.bytes) as {
      reference: string;
      placement: { programme: string };
      people: { id: string; name: string; role: string }[];
      panels: { panelId: string; members: { id: string }[] }[];
    };
    lead.programmes = [view.placement.programme];
    const path = `/api/cases/${BCU_CASE}`;
    // No fee is waived yet: no letter.
    expect((await call(lead, 'GET', `${path}/fee-letter.pdf`)).status).toBe(404);

    for (const taskId of ['evidence_meeting', 'course_leadership_meeting', 'refer_to_panel', 'placement_review_form']) {
      const done = await call(lead, 'POST', `${path}/tasks`, { taskId, note: 'Done.' });
      expect(done.status, `${taskId}: ${Buffer.from(done.bytes).toString('utf8')}`).toBe(200);
    }
    const members = view.panels.find((p) => p.panelId === 'placement_review_panel')?.members.map((m) => m.id) ?? [];
    const decided = await call(lead, 'POST', `${path}/panels/placement_review_panel/meetings`, {
      attendees: members,
      decisionId: 'second_attempt_with_rit',
      linkedCaseTargets: [
        {
          text: 'Establish behaviour routines from the start of every lesson',
          links: [],
          actions: [{ party: 'trainee', text: 'Rehearse entry routines.' }],
          observationFocus: false,
        },
      ],
    });
    expect(decided.status, Buffer.from(decided.bytes).toString('utf8')).toBe(200);
    const reason = 'Bereavement during the placement, supported by the student support team.';
    const waived = await call(lead, 'POST', `${path}/fee-waiver`, { reason });
    expect(waived.status, Buffer.from(waived.bytes).toString('utf8')).toBe(200);

    const forLead = await call(lead, 'GET', `${path}/fee-letter.pdf`);
    expect(forLead.status).toBe(200);
    expect(forLead.headers.get('content-type')).toBe('application/pdf');
    expect(forLead.headers.get('content-disposition')).toContain(`${view.reference}-fee-letter.pdf`);
    const leadText = (await textOf(forLead.bytes, 'fee-letter-lead.pdf')).replace(/\s+/g, ' ');
    expect(leadText).toContain('Confirmation of fee waiver');
    expect(leadText).toContain('Mark Whitfield, for the course team');
    expect(leadText).toContain(reason);

    const trainee = view.people.find((p) => p.role === 'trainee');
    if (!trainee) throw new Error('no trainee on the demo case');
    const forTrainee = await call(
      { upn: trainee.id, name: trainee.name, roles: [] },
      'GET',
      `${path}/fee-letter.pdf?letter=1`,
    );
    expect(forTrainee.status).toBe(200);
    const traineeText = (await textOf(forTrainee.bytes, 'fee-letter-trainee.pdf')).replace(/\s+/g, ' ');
    expect(traineeText).toContain(`Dear ${trainee.name},`);

    // School staff on the case see that the fee was waived, not why, and not the letter.
    const staff = view.people.find((p) => p.role !== 'trainee');
    if (!staff) throw new Error('no staff on the demo case');
    const asStaff = { upn: staff.id, name: staff.name, roles: [] };
    const staffView = json((await call(asStaff, 'GET', path)).bytes) as {
      feeWaivers: { amount: string; byName: string; reason?: string; letter?: string }[];
      events: { type: string; data: Record<string, unknown> }[];
    };
    expect(staffView.feeWaivers).toEqual([expect.objectContaining({ byName: 'Mark Whitfield' })]);
    expect(staffView.feeWaivers[0]).not.toHaveProperty('reason');
    expect(staffView.feeWaivers[0]).not.toHaveProperty('letter');
    expect(JSON.stringify(staffView)).not.toContain('Bereavement');
    const forStaff = await call(asStaff, 'GET', `${path}/fee-letter.pdf`);
    expect(forStaff.status).toBe(404);
    expect((json(forStaff.bytes) as { detail: string }).detail).toContain('for the trainee and the course team');
    const leadView = json((await call(lead, 'GET', path)).bytes) as { feeWaivers: { reason?: string }[] };
    expect(leadView.feeWaivers[0]?.reason).toBe(reason);

    const stranger = { upn: 'someone.else@bcu.example', name: 'Someone Else', roles: [] };
    expect((await call(stranger, 'GET', `${path}/fee-letter.pdf`)).status).toBe(404);
    expect((await call(lead, 'GET', `${path}/fee-letter.pdf?letter=2`)).status).toBe(404);
    for (const bad of ['0', 'x', '1.5', '-1', '100'])
      expect((await call(lead, 'GET', `${path}/fee-letter.pdf?letter=${bad}`)).status, bad).toBe(400);
  });
});
