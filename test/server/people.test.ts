/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt } from '../../src/domain/calendar/index.js';
import { DIRECTORY_EXTRAS } from '../../src/dev/local-mode/demo-directory.js';
import { DEMO_PROVIDERS } from '../../src/dev/local-mode/personas.js';
import { startLocalMode } from '../../src/compose/local.js';
import { memoryLogger } from '../../src/app/logger.js';
import { caseInput, identities } from './fixtures.js';
import { call, seedCase, startTestServer, TODAY, type Reply, type TestServer } from './harness.js';

/**
 * GET /api/people over HTTP: the real app and the real Graph adapter on the emulator, whose
 * directory is filled through Graph's create user like a tenant's.
 */
let server: TestServer;
let courseTeam: string;

const DIRECTORY = [
  {
    displayName: 'Jo Bloggs',
    userPrincipalName: 'Jo.Bloggs@Provider.ac.uk',
    mail: 'Jo.Bloggs@Provider.ac.uk',
    jobTitle: 'Mentor',
  },
  {
    displayName: 'Joanna Price',
    userPrincipalName: 'jprice@provider.ac.uk',
    mail: 'joanna.price@provider.ac.uk',
    jobTitle: 'Course leader',
  },
  { displayName: 'Amy Jones', userPrincipalName: 'amy.jones@trainees.example', mail: null, jobTitle: null },
  {
    displayName: "Siobhan O'Neill",
    userPrincipalName: 'soneill@oakfield.example',
    mail: 'siobhan.oneill@oakfield.example',
    jobTitle: 'Class teacher/mentor',
  },
  // Fourteen Sams: more than one answer holds.
  ...Array.from({ length: 14 }, (_, i) => ({
    displayName: `Sam ${String.fromCharCode(90 - i)}ardley`,
    userPrincipalName: `sam.${String(i)}@school.example`,
    mail: null,
    jobTitle: 'Teaching assistant',
  })),
];

async function people(token: string | undefined, query: string): Promise<Reply> {
  return server.request('GET', `/api/people${query}`, { token });
}

function expectProblem(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ status, code });
  expect(String(reply.body.detail)).toMatch(/^[A-Z].{20,}\.$/);
  expect(reply.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|Graph answered/);
}

beforeAll(async () => {
  server = await startTestServer();
  courseTeam = await server.tokenFor(identities.courseTeamP1);
  for (const user of DIRECTORY) {
    await server.emulator.client.api('/users').post({
      accountEnabled: true,
      mailNickname: user.userPrincipalName.split('@')[0],
      passwordProfile: { password: 'Local-only-1!' },
      ...user,
    });
  }
  await seedCase(server, { caseId: 'case-a', input: caseInput('A') });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.emulator.emulator.setFaults({});
});

describe('GET /api/people', () => {
  it('answers people whose name or email starts with the text, in the contract’s shape', async () => {
    const reply = await people(courseTeam, '?search=jo');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('private, no-store');
    expect(reply.body).toEqual({
      people: [
        { upn: 'amy.jones@trainees.example', name: 'Amy Jones', email: 'amy.jones@trainees.example', jobTitle: null },
        { upn: 'jo.bloggs@provider.ac.uk', name: 'Jo Bloggs', email: 'jo.bloggs@provider.ac.uk', jobTitle: 'Mentor' },
        {
          upn: 'jprice@provider.ac.uk',
          name: 'Joanna Price',
          email: 'joanna.price@provider.ac.uk',
          jobTitle: 'Course leader',
        },
      ],
    });
    // By mail address too, and trimmed.
    const byMail = (await people(courseTeam, `?search=${encodeURIComponent('  joanna.pr ')}`)).body.people as {
      name: string;
    }[];
    expect(byMail.map((p) => p.name)).toEqual(['Joanna Price']);
    expect((await people(courseTeam, '?search=nobody')).body).toEqual({ people: [] });
  });

  it('answers at most 10, sorted by name', async () => {
    const reply = await people(courseTeam, '?search=sam');
    expect(reply.status).toBe(200);
    const names = (reply.body.people as { name: string }[]).map((p) => p.name);
    expect(names).toHaveLength(10);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en-GB')));
  });

  it("finds O'Neill however the apostrophe is typed", async () => {
    for (const text of ["O'Neill", 'o’neill', 'oneill', "Siobhan O'N"]) {
      const reply = await people(courseTeam, `?search=${encodeURIComponent(text)}`);
      expect(reply.status, text).toBe(200);
      expect(reply.body.people, text).toEqual([
        {
          upn: 'soneill@oakfield.example',
          name: "Siobhan O'Neill",
          email: 'siobhan.oneill@oakfield.example',
          jobTitle: 'Class teacher/mentor',
        },
      ]);
    }
  });

  it('takes hostile text as text: no injected clause or query option, never a 5xx', async () => {
    const hostile = [
      '" OR "displayName:',
      'jo" OR "mail:a',
      'zz\\" OR \\"displayName:jo',
      'jo&$top=999&$select=passwordProfile',
      "'; DROP TABLE users; --",
      '<script>alert(1)</script>',
      '%00%0d%0a',
      '))((',
      '**',
      'x'.repeat(100),
    ];
    for (const text of hostile) {
      const reply = await people(courseTeam, `?search=${encodeURIComponent(text)}`);
      expect(reply.status, `${text}: ${reply.text}`).toBe(200);
      const found = reply.body.people as { upn: string }[];
      // Every word of the text must start a word of the name: none of these widens the search to "jo".
      expect(
        found.map((p) => p.upn),
        text,
      ).toEqual([]);
    }
    // Control and formatting characters are dropped: what is left is searched.
    const invisible = await people(courseTeam, `?search=${encodeURIComponent('\u0000\u202ejo\u0007')}`);
    expect(invisible.body.people).toHaveLength(3);
    expect(server.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('400 with a sentence for text that is missing, too short or too long once trimmed, repeated, or with unknown options', async () => {
    for (const query of [
      '',
      '?search=',
      '?search=j',
      `?search=${encodeURIComponent('   j   ')}`,
      `?search=${'x'.repeat(101)}`,
      '?search=jo&search=bl',
      '?search=jo&limit=50',
    ]) {
      expectProblem(await people(courseTeam, query), 400, 'invalid_request');
    }
    expect((await people(courseTeam, '?search=j')).body.detail).toBe(
      'The request is not valid: search needs at least 2 characters.',
    );
    expect((await people(courseTeam, '')).body.detail).toMatch(/search is missing/);
    // 100 characters once trimmed is fine.
    expect((await people(courseTeam, `?search=${encodeURIComponent(` ${'x'.repeat(100)} `)}`)).status).toBe(200);
  });

  it('403 for everyone but the course team and admins (trainees, strangers, named mentors and tutors)', async () => {
    expectProblem(await people(await server.tokenFor(identities.traineeA), '?search=jo'), 403, 'forbidden');
    expectProblem(await people(await server.tokenFor(identities.stranger), '?search=jo'), 403, 'forbidden');
    // The refusal comes before the input is looked at.
    expectProblem(await people(await server.tokenFor(identities.traineeA), '?search=j'), 403, 'forbidden');
    // Course team whose role covers no programme: no case they could open as course team.
    expectProblem(
      await people(
        await server.tokenFor({ upn: 'no.programmes@uni.example', roles: ['CourseTeam'], programmes: [] }),
        '?search=jo',
      ),
      403,
      'forbidden',
    );
    // Named mentors (school guests, often) and tutors raise concerns from Teams, not the directory.
    expectProblem(await people(await server.tokenFor(identities.mentorA), '?search=jo'), 403, 'forbidden');
    expectProblem(await people(await server.tokenFor(identities.tutorA), '?search=jo'), 403, 'forbidden');
    for (const who of [identities.admin]) {
      const reply = await people(await server.tokenFor(who), '?search=jo');
      expect(reply.status, who.upn).toBe(200);
      expect(reply.body.people).toHaveLength(3);
    }
    expectProblem(await people(undefined, '?search=jo'), 401, 'unauthenticated');
  });

  it('503 with Retry-After while Graph throttles or is down, then answers again', async () => {
    for (const status of [429, 503] as const) {
      server.emulator.emulator.setFaults({
        rules: [
          {
            name: `directory-${String(status)}`,
            kind: 'fail',
            status,
            retryAfterSeconds: 120,
            method: 'GET',
            path: '/users',
          },
        ],
      });
      const reply = await people(courseTeam, '?search=jo');
      expectProblem(reply, 503, 'service_unavailable');
      expect(reply.headers.get('retry-after')).toBe('120');
      server.emulator.emulator.setFaults({});
    }
    expect((await people(courseTeam, '?search=jo')).body.people).toHaveLength(3);
  });

  it('is in the OpenAPI document with its query parameter', async () => {
    const document = (await server.request('GET', '/api/openapi.json')).body as {
      paths: Record<string, { get: { parameters: unknown[]; responses: Record<string, unknown> } }>;
    };
    const operation = document.paths['/api/people']?.get;
    expect(operation?.parameters).toEqual([
      expect.objectContaining({
        name: 'search',
        in: 'query',
        required: true,
        schema: expect.objectContaining({ minLength: 2, maxLength: 100 }) as unknown,
      }),
    ]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '503']),
    );
  });
});

describe('local mode’s directory', () => {
  it('holds the demo personas and people on no case, loaded through Graph once however often it starts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-people-'));
    const realNow = (): Date => londonInstantAt(TODAY, 10, 0);
    try {
      const logger = memoryLogger();
      let local = await startLocalMode({ dataDir, port: 0, durability: 'none', logger, realNow, schedule: false });
      const loaded = logger.lines.find((l) => l.message === 'demo directory loaded');
      expect(loaded?.fields?.created).toBeGreaterThanOrEqual(60);
      const bcu = DEMO_PROVIDERS[0];
      if (!bcu) throw new Error('no BCU provider');
      const signIn = await call(local.url, 'POST', '/dev/sign-in', { body: { upn: bcu.courseTeam.upn } });
      const token = String(signIn.body.token);
      // A persona (on cases) and a school mentor on no case, found by a word of their names.
      const found = await call(local.url, 'GET', '/api/people?search=siobhan', { token });
      expect(found.status, found.text).toBe(200);
      expect(found.body.people).toEqual([
        {
          upn: 'siobhan.kelly@bcu.example',
          name: 'Siobhan Kelly',
          email: 'siobhan.kelly@bcu.example',
          jobTitle: expect.any(String) as unknown,
        },
        {
          upn: 'soneill@oakfield-primary.example',
          name: "Siobhan O'Neill",
          email: 'siobhan.oneill@oakfield-primary.example',
          jobTitle: 'Class teacher/mentor',
        },
      ]);
      const noMail = DIRECTORY_EXTRAS.find((p) => p.mail === null);
      if (!noMail) throw new Error('no extra without mail');
      // Someone without a mailbox: found by name, reached at their sign-in name.
      const withoutMail = await call(local.url, 'GET', `/api/people?search=${encodeURIComponent(noMail.name)}`, {
        token,
      });
      expect(withoutMail.body.people).toEqual([expect.objectContaining({ upn: noMail.upn, email: noMail.upn })]);
      // A trainee may open no case: 403, in local mode too.
      const trainee = await call(local.url, 'POST', '/dev/sign-in', { body: { upn: bcu.trainees[0]?.upn } });
      expect(
        (await call(local.url, 'GET', '/api/people?search=siobhan', { token: String(trainee.body.token) })).status,
      ).toBe(403);

      await local.close();
      const again = memoryLogger();
      local = await startLocalMode({ dataDir, port: 0, durability: 'none', logger: again, realNow, schedule: false });
      try {
        expect(again.lines.filter((l) => l.message.startsWith('demo directory'))).toEqual([]);
        const token2 = String(
          (await call(local.url, 'POST', '/dev/sign-in', { body: { upn: bcu.courseTeam.upn } })).body.token,
        );
        expect(
          (await call(local.url, 'GET', '/api/people?search=siobhan', { token: token2 })).body.people,
        ).toHaveLength(2);
      } finally {
        await local.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
