/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneAccessLog } from '../../src/app/access-log.js';
import { editPlan, editPlanInputSchema } from '../../src/domain/case/index.js';
import type { Actor } from '../../src/domain/case/types.js';
import { bcuPlan, caseInput, identities, people } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';

/** Who looked: reads recorded in the access log list, shown to the course team, pruned by age. */
let server: TestServer;
const CASE = 'access-log-a';
/** A case whose plan waits for the trainee: on their "What you need to do". */
const PLANNED = 'access-log-planned';
const seedActor: Actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team'] };

beforeAll(async () => {
  server = await startTestServer();
  await seedCase(server, { caseId: CASE, input: caseInput('A') });
  await seedCase(server, {
    caseId: PLANNED,
    input: caseInput('A', { reference: 'RIT-PLANNED' }),
    steps: [(s, ctx) => editPlan(ctx(seedActor), s, editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04') }))],
  });
});

afterAll(async () => {
  await server.close();
});

const tokenOf = (who: keyof typeof identities) => server.tokenFor(identities[who]);

describe('the access log', () => {
  it('records a read of a case; the read costs what loading the case costs, the log adds no request to it', async () => {
    const mentor = await tokenOf('mentorA');
    const emulator = server.emulator.emulator;
    const requests = () => emulator.inspect().counters.total;
    // What loading the case costs on its own, warm (the repository's one-off feed start aside).
    await server.repository.find(CASE);
    emulator.resetCounters();
    await server.repository.find(CASE);
    const loadCost = requests();
    await server.accessLog.recorder.flush();
    emulator.resetCounters();
    const read = await server.request('GET', `/api/cases/${CASE}`, { token: mentor });
    expect(read.status).toBe(200);
    expect(requests()).toBe(loadCost);
    expect(loadCost).toBeLessThanOrEqual(2);
    // The entry waited in the buffer; writing it is one $batch.
    await server.accessLog.recorder.flush();
    expect(requests()).toBe(loadCost + 1);
    expect(emulator.inspect().counters.byRoute['POST $batch']).toBe(1);
    const entries = await server.accessLog.store.forCase(CASE);
    expect(entries.at(-1)).toMatchObject({ personId: people.mentorA.id, caseId: CASE, how: 'api' });
  });

  it('records form PDFs as pdf, and shows the course team who looked, by name and newest first', async () => {
    const tutor = await tokenOf('tutorA');
    expect((await server.request('GET', `/api/cases/${CASE}/form.pdf`, { token: tutor })).status).toBe(200);
    const log = await server.request('GET', `/api/cases/${CASE}/access-log`, { token: await tokenOf('courseTeamP1') });
    expect(log.status).toBe(200);
    expect(log.body.reference).toBe('RIT-A');
    expect(log.body.entries[0]).toMatchObject({
      personId: people.tutorA.id,
      name: 'Helen Okafor',
      role: 'tutor',
      how: 'pdf',
    });
    expect(log.body.entries[1]).toMatchObject({ name: 'Gareth Evans', role: 'mentor', how: 'api' });
    const admin = await server.request('GET', `/api/cases/${CASE}/access-log`, { token: await tokenOf('admin') });
    expect(admin.status).toBe(200);
    // The course team's own read of the log is not a read of the case.
    expect(admin.body.entries).toHaveLength(log.body.entries.length);
  });

  it('records each case a list page shows as a list read, in the same buffered batch, costing the list no request', async () => {
    const emulator = server.emulator.emulator;
    const lead = await tokenOf('courseTeamP1');
    await server.accessLog.recorder.flush();
    emulator.resetCounters();
    const page = await server.request('GET', '/api/cases', { token: lead });
    expect(page.status).toBe(200);
    const shown = (page.body.items as { id: string }[]).map((item) => item.id);
    expect(shown).toContain(CASE);
    // Nothing is written while the person waits for the list.
    expect(emulator.inspect().counters.byRoute['POST $batch']).toBeUndefined();
    const listCost = emulator.inspect().counters.total;
    // One entry per case on the page, written together: one $batch (up to 20 cases a batch).
    await server.accessLog.recorder.flush();
    expect(emulator.inspect().counters.total - listCost).toBe(Math.ceil(shown.length / 20));
    const entries = await server.accessLog.store.forCase(CASE);
    expect(entries.at(-1)).toMatchObject({ personId: 'course.lead@uni.example', caseId: CASE, how: 'list' });

    // The same page again soon after: not recorded again (once per person and case a quarter of an hour).
    expect((await server.request('GET', '/api/cases', { token: lead })).status).toBe(200);
    const listedBy = async (caseId: string, upn: string) =>
      (await server.accessLog.recorder.forCase(caseId)).filter((e) => e.how === 'list' && e.personId === upn).length;
    expect(await listedBy(CASE, 'course.lead@uni.example')).toBe(1);

    // "What you need to do" names cases too: each case it lists is a read.
    const todo = await server.request('GET', '/api/me/todo', { token: await tokenOf('traineeA') });
    expect(todo.status).toBe(200);
    const named = new Set((todo.body.items as { caseId: string }[]).map((item) => item.caseId));
    expect(named.has(PLANNED)).toBe(true);
    expect(await listedBy(PLANNED, people.traineeA.id)).toBe(1);
  });

  it('is for the course team and admins: 403 for people on the case, 404 for anyone else', async () => {
    for (const who of ['traineeA', 'mentorA', 'tutorA'] as const) {
      const reply = await server.request('GET', `/api/cases/${CASE}/access-log`, { token: await tokenOf(who) });
      expect(reply.status).toBe(403);
      expect(reply.text).not.toContain(people.mentorA.id);
    }
    const stranger = await server.request('GET', `/api/cases/${CASE}/access-log`, { token: await tokenOf('stranger') });
    expect(stranger.status).toBe(404);
    expect((await server.request('GET', `/api/cases/${CASE}/access-log`)).status).toBe(401);
  });

  it('prunes entries older than the retention and keeps the rest', async () => {
    const now = server.now;
    const day = 24 * 60 * 60 * 1000;
    const old = (days: number) => new Date(now.getTime() - days * day).toISOString();
    const left = await server.accessLog.store.append([
      { personId: 'old@uni.example', personName: 'Old', caseId: 'prune-case', how: 'api', at: old(400) },
      { personId: 'older@uni.example', personName: 'Older', caseId: 'prune-case', how: 'card', at: old(800) },
      { personId: 'recent@uni.example', personName: 'Recent', caseId: 'prune-case', how: 'export', at: old(30) },
    ]);
    expect(left).toEqual([]);
    const result = await pruneAccessLog(server.accessLog.store, { now });
    expect(result.deleted).toBe(2);
    expect(result.before).toBe(old(365));
    const kept = await server.accessLog.store.forCase('prune-case');
    expect(kept.map((e) => e.personId)).toEqual(['recent@uni.example']);
    expect((await pruneAccessLog(server.accessLog.store, { now, retentionDays: 10 })).deleted).toBe(1);
    await expect(pruneAccessLog(server.accessLog.store, { now, retentionDays: 0 })).rejects.toThrow(RangeError);
  });
});
