/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- response bodies are JSON asserted field by field; a typed client comes with the tab */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bcuPlan, caseInput, identities, people, P1 } from './fixtures.js';
import { person, putOnRoster, seedCase, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let tutor: string;
let courseTeam: string;
let mentorA: string;

beforeAll(async () => {
  server = await startTestServer();
  tutor = await server.tokenFor(identities.tutorA);
  courseTeam = await server.tokenFor(identities.courseTeamP1);
  mentorA = await server.tokenFor(identities.mentorA);
  await seedCase(server, { caseId: 'case-a', input: caseInput('A') });
});

afterAll(async () => {
  await server.close();
});

function expectProblem(
  reply: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
  code: string,
): void {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({
    status,
    code,
    type: expect.stringMatching(/^\/problems\//) as unknown,
    title: expect.any(String) as unknown,
    detail: expect.any(String) as unknown,
  });
  expect(String(reply.body.detail).length).toBeGreaterThan(10);
  expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.ts:|stack|Graph|SharePoint column/i);
}

describe('health, catalogue and API description', () => {
  it('reports health with the Graph emulator in local mode, without a token', async () => {
    const reply = await server.request('GET', '/api/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      status: 'ok',
      mode: 'local',
      graph: { baseUrl: server.emulator.emulator.baseUrl, siteId: server.emulator.emulator.siteId },
    });
  });

  it('lists procedures, gives one in full and a framework catalogue', async () => {
    const list = await server.request('GET', '/api/procedures', { token: tutor });
    expect(list.status).toBe(200);
    expect((list.body.items as { id: string }[]).map((p) => p.id)).toHaveLength(5);
    const one = await server.request('GET', '/api/procedures/mid-essex-early-support', { token: tutor });
    expect(one.body.stages[0].plan.maxTargets).toBe(3);
    const framework = await server.request('GET', '/api/frameworks/teachers-standards', { token: tutor });
    expect(framework.body.groups.map((g: { code: string }) => g.code)).toContain('TS7');
    expectProblem(await server.request('GET', '/api/procedures/nope', { token: tutor }), 404, 'not_found');
    expectProblem(await server.request('GET', '/api/frameworks/nope', { token: tutor }), 404, 'not_found');
  });

  it('answers 404 at an address with a trailing slash or an empty segment, as at any address it lacks', async () => {
    for (const [method, address] of [
      ['GET', '/api/frameworks/'],
      ['GET', '/api/procedures/'],
      ['GET', '/api/cases/'],
      ['GET', '/api/cases//plan'],
      ['POST', '/api/cases/'],
      ['GET', '/api/openapi.json/'],
      ['POST', '/api/jobs/review-sweep/'],
      ['GET', '/api/'],
    ] as const) {
      const reply = await server.request(method, address, { token: tutor, ...(method === 'POST' ? { body: {} } : {}) });
      expectProblem(reply, 404, 'not_found');
      expect(reply.body.detail).toContain(address);
    }
    expect((await server.request('GET', '/api/frameworks/teachers-standards?x=/', { token: tutor })).status).toBe(200);
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const reply = await server.request('GET', '/api/openapi.json');
    expect(reply.body.openapi).toBe('3.1.0');
    const paths = reply.body.paths as Record<
      string,
      Record<
        string,
        {
          requestBody?: {
            content: Record<
              string,
              { schema: { properties?: Record<string, unknown>; additionalProperties?: unknown } }
            >;
          };
        }
      >
    >;
    for (const p of [
      '/api/cases',
      '/api/cases/{caseId}',
      '/api/cases/{caseId}/plan',
      '/api/cases/{caseId}/reviews',
      '/api/cases/{caseId}/panels/{panelId}/meetings',
      '/api/reports',
    ]) {
      expect(paths[p]).toBeDefined();
    }
    const review = paths['/api/cases/{caseId}/reviews']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(review?.properties ?? {})).toEqual(
      expect.arrayContaining(['outcomeId', 'progress', 'evidence']),
    );
    expect(review?.additionalProperties).toBe(false);
    const meeting =
      paths['/api/cases/{caseId}/panels/{panelId}/meetings']?.post?.requestBody?.content['application/json']?.schema;
    expect(meeting?.properties).not.toHaveProperty('panelId');
  });

  it('answers unknown routes with a 404 problem', async () => {
    expectProblem(await server.request('GET', '/api/nothing-here', { token: tutor }), 404, 'not_found');
    expectProblem(await server.request('GET', '/nothing-here'), 404, 'not_found');
    expectProblem(await server.request('DELETE', '/api/cases/case-a', { token: tutor }), 404, 'not_found');
  });
});

describe('a case from opening to review, over HTTP', () => {
  let caseId = '';
  let etag = '';
  // Not Priya (case-a is her open case): a trainee has one open case per procedure.
  const traineeC = person('trainee', 'Nadia Khan', 'nadia.khan@students.example');
  let traineeCToken = '';
  beforeAll(async () => {
    traineeCToken = await server.tokenFor({ upn: traineeC.id, name: traineeC.name });
    await putOnRoster(server.placements, { trainee: traineeC, programme: P1 });
  });

  it('opens a case (201, Location, ETag)', async () => {
    const reply = await server.request('POST', '/api/cases', {
      token: courseTeam,
      body: {
        procedureId: 'bcu-rapid-improvement-targets',
        ...caseInput('A', { reference: 'RIT-HTTP', people: [traineeC, people.mentorA, people.tutorA] }),
      },
    });
    expect(reply.status).toBe(201);
    caseId = reply.body.id as string;
    expect(reply.headers.get('location')).toBe(`/api/cases/${caseId}`);
    expect(reply.headers.get('etag')).toBe('"v3"');
    expect(reply.body.stage.title).toBe('Stage 1');
    expect(reply.body.status).toBe('planning');
    etag = reply.headers.get('etag') ?? '';
  });

  it('refuses a write without If-Match (428) and a stale one (412 with the current case)', async () => {
    const body = { plan: bcuPlan('2026-12-04') };
    expectProblem(
      await server.request('PUT', `/api/cases/${caseId}/plan`, { token: tutor, body }),
      428,
      'precondition_required',
    );
    const stale = await server.request('PUT', `/api/cases/${caseId}/plan`, {
      token: tutor,
      body,
      headers: { 'if-match': '"v1"' },
    });
    expectProblem(stale, 412, 'precondition_failed');
    expect(stale.body.current.version).toBe(3);
    expect(stale.headers.get('etag')).toBe('"v3"');
  });

  it('matches If-Match only in the exact form it sends ("v3"; not "v003", "v+3" or W/"v3")', async () => {
    const body = { plan: bcuPlan('2026-12-04') };
    for (const form of ['"v003"', '"v03"', '"v+3"', 'W/"v3"', '"V3"', '"v3 "']) {
      const reply = await server.request('PUT', `/api/cases/${caseId}/plan`, {
        token: tutor,
        body,
        headers: { 'if-match': form },
      });
      expectProblem(reply, 412, 'precondition_failed');
    }
    expect((await server.request('GET', `/api/cases/${caseId}`, { token: tutor })).body.version).toBe(3);
  });

  it('saves the plan, collects signatures and agrees it', async () => {
    let reply = await server.request('PUT', `/api/cases/${caseId}/plan`, {
      token: tutor,
      body: { plan: bcuPlan('2026-12-04') },
      headers: { 'if-match': etag },
    });
    expect(reply.status).toBe(200);
    etag = reply.headers.get('etag') ?? '';
    expect(reply.body.derived.outstandingSignatories).toHaveLength(2);
    reply = await server.request('POST', `/api/cases/${caseId}/perceptions`, {
      token: traineeCToken,
      body: { text: 'I would like feedback each week.' },
      headers: { 'if-match': etag },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.view).toBe('trainee');
    etag = reply.headers.get('etag') ?? '';
    reply = await server.request('POST', `/api/cases/${caseId}/signatures`, {
      token: traineeCToken,
      body: { role: 'trainee', typedName: traineeC.name },
      headers: { 'if-match': etag },
    });
    expect(reply.body.status).toBe('awaiting_signatures');
    etag = reply.headers.get('etag') ?? '';
    // A signature by someone who is not a signatory is the domain's refusal: 403 with its own code.
    expectProblem(
      await server.request('POST', `/api/cases/${caseId}/signatures`, {
        token: courseTeam,
        body: { role: 'mentor', typedName: 'Mark Whitfield' },
        headers: { 'if-match': etag },
      }),
      403,
      'not_a_signatory',
    );
    reply = await server.request('POST', `/api/cases/${caseId}/signatures`, {
      token: mentorA,
      body: { role: 'mentor', typedName: people.mentorA.name },
      headers: { 'if-match': etag },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('active');
    expect(reply.body.stage.id).toBe('stage_2');
    expect(reply.body.derived.nextReviewDate).toBe('2026-12-04');
    expect(reply.body.derived.outcomes.map((o: { id: string }) => o.id)).toEqual([
      'sufficient_progress',
      'insufficient_progress',
    ]);
    expect(reply.body.derived.outcomes[1].effect.description).toMatch(/Stage 3/);
    etag = reply.headers.get('etag') ?? '';
  });

  it('maps rule violations to problems with the domain code, and writes nothing', async () => {
    const before = await server.request('GET', `/api/cases/${caseId}`, { token: tutor });
    expectProblem(
      await server.request('POST', `/api/cases/${caseId}/reviews`, {
        token: tutor,
        body: { outcomeId: 'no_such_outcome' },
        headers: { 'if-match': etag },
      }),
      422,
      'unknown_outcome',
    );
    expectProblem(
      await server.request('POST', `/api/cases/${caseId}/escalation`, {
        token: tutor,
        body: { toStageId: 'stage_5', reason: 'x' },
        headers: { 'if-match': etag },
      }),
      403,
      'not_permitted',
    );
    expectProblem(
      await server.request('POST', `/api/cases/${caseId}/resume`, { token: tutor, headers: { 'if-match': etag } }),
      409,
      'case_not_paused',
    );
    const after = await server.request('GET', `/api/cases/${caseId}`, { token: tutor });
    expect(after.body.version).toBe(before.body.version);
  });

  it('rejects malformed JSON, wrong types, unknown fields, non-JSON and huge bodies without writing', async () => {
    const path = `/api/cases/${caseId}/reviews`;
    expectProblem(
      await server.request('POST', path, { token: tutor, rawBody: '{"outcomeId": ', headers: { 'if-match': etag } }),
      400,
      'malformed_json',
    );
    expectProblem(
      await server.request('POST', path, { token: tutor, body: { outcomeId: 42 }, headers: { 'if-match': etag } }),
      400,
      'invalid_request',
    );
    const unknown = await server.request('POST', path, {
      token: tutor,
      body: { outcomeId: 'sufficient_progress', sneaky: true },
      headers: { 'if-match': etag },
    });
    expectProblem(unknown, 400, 'invalid_request');
    expect(unknown.body.errors[0].message).toMatch(/sneaky/);
    expectProblem(
      await server.request('POST', path, {
        token: tutor,
        rawBody: 'outcomeId=x',
        headers: { 'if-match': etag, 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await server.request('POST', path, {
        token: tutor,
        body: { outcomeId: 'x', evidence: 'a'.repeat(300 * 1024) },
        headers: { 'if-match': etag },
      }),
      413,
      'payload_too_large',
    );
    expectProblem(
      await server.request('POST', path, { token: tutor, rawBody: '[1,2]', headers: { 'if-match': etag } }),
      400,
      'invalid_request',
    );
    // Said to be deflated, but not: zlib refuses it, and that is the request's fault, not ours.
    expectProblem(
      await server.request('POST', path, {
        token: tutor,
        rawBody: '{"outcomeId":"x"}',
        headers: { 'if-match': etag, 'content-encoding': 'deflate' },
      }),
      400,
      'invalid_request',
    );
    const after = await server.request('GET', `/api/cases/${caseId}`, { token: tutor });
    expect(after.headers.get('etag')).toBe(etag);
  });

  it('records a review and returns the trail', async () => {
    const reply = await server.request('POST', `/api/cases/${caseId}/reviews`, {
      token: tutor,
      headers: { 'if-match': etag },
      body: {
        progress: [
          { targetId: 'T1', rating: 'met' },
          { targetId: 'T2', rating: 'met' },
        ],
        evidence: 'Observed lessons',
        notes: 'Internal: discussed wellbeing.',
        outcomeId: 'sufficient_progress',
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('closed');
    const events = await server.request('GET', `/api/cases/${caseId}/events`, { token: tutor });
    expect(events.body.events.map((e: { type: string }) => e.type)).toContain('review_recorded');
    expect(JSON.stringify(events.body)).toContain('Internal: discussed wellbeing.');
    const traineeEvents = await server.request('GET', `/api/cases/${caseId}/events`, { token: traineeCToken });
    expect(traineeEvents.body.view).toBe('trainee');
    expect(JSON.stringify(traineeEvents.body)).not.toContain('Internal: discussed wellbeing.');
    const traineeCase = await server.request('GET', `/api/cases/${caseId}`, { token: traineeCToken });
    expect(JSON.stringify(traineeCase.body)).not.toContain('Internal: discussed wellbeing.');
    expectProblem(
      await server.request('POST', `/api/cases/${caseId}/close`, {
        token: courseTeam,
        body: { reason: 'again' },
        headers: { 'if-match': reply.headers.get('etag') ?? '' },
      }),
      409,
      'case_closed',
    );
  });

  it('supports If-None-Match on reads', async () => {
    const first = await server.request('GET', `/api/cases/${caseId}`, { token: tutor });
    const again = await server.request('GET', `/api/cases/${caseId}`, {
      token: tutor,
      headers: { 'if-none-match': first.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });
});

describe('conflicts', () => {
  it('lets one of two writers with the same If-Match win; the other gets 412 with the current case', async () => {
    await seedCase(server, { caseId: 'race', input: caseInput('A', { reference: 'RACE' }) });
    const first = await server.request('GET', '/api/cases/race', { token: tutor });
    const etag = first.headers.get('etag') ?? '';
    const write = (text: string) =>
      server.request('PUT', '/api/cases/race/plan', {
        token: tutor,
        body: { plan: bcuPlan('2026-12-04', { concernStatement: text }) },
        headers: { 'if-match': etag },
      });
    const replies = await Promise.all([write('one'), write('two'), write('three')]);
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412]);
    const winner = replies.find((r) => r.status === 200);
    for (const loser of replies.filter((r) => r.status === 412)) {
      expect(loser.body.code).toBe('precondition_failed');
      expect(loser.body.current.plan.content.concernStatement).toBe(winner?.body.plan.content.concernStatement);
    }
  });
});

describe('the form, lists and reports', () => {
  it('renders the form as escaped HTML', async () => {
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    await seedCase(server, {
      caseId: 'hostile',
      input: caseInput('A', {
        reference: `R-${hostile}`.slice(0, 60),
        placement: {
          school: hostile,
          subject: undefined,
          phase: undefined,
          programme: P1,
          startsOn: undefined,
          endsOn: undefined,
        },
      }),
    });
    const form = await server.request('GET', '/api/cases/hostile/form', { token: tutor });
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toMatch(/text\/html/);
    expect(form.text).not.toContain('<script>alert');
    expect(form.text).not.toContain('<img src=x');
    expect(form.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(form.text).toContain('Rapid Improvement Targets');
  });

  it('filters, searches and pages the case list', async () => {
    for (let i = 0; i < 5; i += 1)
      await seedCase(server, { caseId: `page-${i}`, input: caseInput('A', { reference: `PAGE-${i}` }) });
    const first = await server.request('GET', '/api/cases?search=PAGE-&limit=2', { token: courseTeam });
    expect(first.body.total).toBe(5);
    expect(first.body.items).toHaveLength(2);
    const second = await server.request(
      'GET',
      `/api/cases?search=PAGE-&limit=2&cursor=${first.body.nextCursor as string}`,
      { token: courseTeam },
    );
    expect(second.body.items.map((c: { reference: string }) => c.reference)).not.toContain(
      first.body.items[0].reference,
    );
    const mine = await server.request('GET', '/api/cases?mine=true&status=open', { token: mentorA });
    expect(
      mine.body.items.every((c: { people: { id: string }[] }) => c.people.some((p) => p.id === people.mentorA.id)),
    ).toBe(true);
    const byProcedure = await server.request('GET', '/api/cases?procedure=mid-essex-early-support', {
      token: courseTeam,
    });
    expect(byProcedure.body.total).toBe(0);
    const due = await server.request('GET', '/api/cases?reviewDueBefore=2026-12-31', { token: courseTeam });
    expect(due.status).toBe(200);
    expectProblem(
      await server.request('GET', '/api/cases?status=nonsense', { token: courseTeam }),
      400,
      'invalid_request',
    );
    expectProblem(
      await server.request('GET', '/api/cases?cursor=garbage', { token: courseTeam }),
      400,
      'invalid_request',
    );
    expectProblem(
      await server.request('GET', '/api/cases?cursor=garbage', { token: await server.tokenFor(identities.admin) }),
      400,
      'invalid_request',
    );
    expectProblem(await server.request('GET', '/api/cases?unknown=1', { token: courseTeam }), 400, 'invalid_request');
  });

  it('reports cohort figures to the course team, as JSON and CSV', async () => {
    const reply = await server.request('GET', '/api/reports', { token: courseTeam });
    expect(reply.status).toBe(200);
    expect(reply.body.totals.cases).toBeGreaterThan(5);
    expect(reply.body.openedByMonth[0].month).toBe('2026-11');
    expect(reply.body.byStandard.map((s: { code: string }) => s.code)).toEqual(
      expect.arrayContaining(['FAT5', 'FAT7']),
    );
    expect(reply.body.timeToResolution.closedCases).toBeGreaterThanOrEqual(1);
    expect(reply.body.outcomes[0]).toMatchObject({ resolution: 'resolved', outcomeId: 'sufficient_progress' });
    const csv = await server.request('GET', '/api/reports?format=csv', { token: courseTeam });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('section,key,label,value');
    expect(csv.text).toContain('by_standard,bcu-ite-formative-assessment-tracker/FAT7');
    expectProblem(await server.request('GET', '/api/reports', { token: mentorA }), 403, 'forbidden');
  });
});
