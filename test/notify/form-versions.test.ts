import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { silentLogger } from '../../src/app/logger.js';

/**
 * GET /api/cases/{caseId}/form.pdf?version=N over REST in local mode: the demo Enhanced Support
 * case at Step 4 has had two plans; version 1 is the Step 1 plan as it was completed (with the
 * Step 2 review that found insufficient progress), version 2 the current one.
 */

let dataDir: string;
let local: RunningLocalMode;
const realNow = (): Date => londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);
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
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-form-versions-'));
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: silentLogger,
    realNow,
    schedule: false,
  });
}, 90_000);

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
