import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/app/logger.js';
import { startGraphEmulator, type RunningGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import { connectGraphEmulator, type SharedGraphEmulator } from '../../src/dev/graph-emulator/remote.js';
import { DEMO_PROVIDERS } from '../../src/dev/local-mode/personas.js';
import { startLocalModeOnSharedGraph, type RunningLocalMode } from '../../src/compose/local.js';

/**
 * Two local-mode Trellis instances on one emulator that neither runs (as `npm run graph-emulator`
 * and two `npm start`s with TRELLIS_LOCAL_GRAPH_URL would be): one store, one dev sign-in.
 */
let dataDir: string;
let emulator: RunningGraphEmulator;
let first: RunningLocalMode<SharedGraphEmulator>;
let second: RunningLocalMode<SharedGraphEmulator>;

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function call(base: string, method: string, route: string, init: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  } as Reply;
}

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-shared-'));
  emulator = await startGraphEmulator({ dataDir: path.join(dataDir, 'emulator'), durability: 'none' });
  const graph = { baseUrl: emulator.baseUrl, caCertPem: emulator.caCertPem };
  const options = { dataDir: path.join(dataDir, 'trellis'), port: 0, logger: memoryLogger(), schedule: false };
  first = await startLocalModeOnSharedGraph(options, graph);
  second = await startLocalModeOnSharedGraph(options, graph);
});

afterAll(async () => {
  await second.close();
  await first.close();
  await emulator.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode on a shared emulator', () => {
  it('connects to a running emulator and finds its site; a wrong address is a clear error', async () => {
    const shared = await connectGraphEmulator({ baseUrl: emulator.baseUrl, caCertPem: emulator.caCertPem });
    try {
      expect(shared.siteId).toBe(emulator.siteId);
      expect((await shared.inspect()).mails).toEqual(emulator.inspect().mails);
    } finally {
      await shared.close();
    }
    await expect(
      connectGraphEmulator({ baseUrl: 'https://localhost:9', caCertPem: emulator.caCertPem }),
    ).rejects.toThrow(/No Graph emulator answers at https:\/\/localhost:9/);
  });

  it('loads the demo data once; a sign-in on one instance is accepted by the other, which serves its writes', async () => {
    expect(first.demo?.created).toBeGreaterThan(0);
    expect(second.demo).toBeUndefined();
    const bcu = DEMO_PROVIDERS.find((p) => p.key === 'bcu');
    // Someone with no case yet: every demo trainee has one open, and a trainee has one open case per procedure.
    const trainee = { upn: 'sam.shared@mail.bcu.example', name: 'Sam Shared' };
    const mentor = bcu?.staff.mentor?.[0];
    const tutor = bcu?.staff.tutor?.[0];
    if (!bcu || !mentor || !tutor) throw new Error('no BCU demo people');
    const signedIn = await call(first.url, 'POST', '/dev/sign-in', { body: { upn: bcu.courseTeam.upn } });
    expect(signedIn.status).toBe(200);
    const token = String(field(signedIn.body, 'token'));
    const person = (role: string, p: { upn: string; name: string }) => ({
      role,
      id: p.upn,
      name: p.name,
      email: p.upn,
    });
    // On the programme's roster first (the course team opens cases for the trainees it has).
    const rostered = await call(first.url, 'POST', '/api/placements/import', {
      token,
      body: {
        rows: [
          {
            trainee_upn: trainee.upn,
            trainee_name: trainee.name,
            programme: bcu.programme,
            school: 'Hollybank Primary School',
            term_start: '2026-09-01',
            term_end: '2027-07-16',
          },
        ],
      },
    });
    expect(field(rostered.body, 'written')).toBe(true);
    const opened = await call(first.url, 'POST', '/api/cases', {
      token,
      body: {
        procedureId: 'bcu-rapid-improvement-targets',
        reference: 'SHARED-1',
        reasons: ['not_expected_progress'],
        people: [person('trainee', trainee), person('mentor', mentor), person('tutor', tutor)],
        placement: { school: 'Hollybank Primary School', phase: 'Primary', programme: bcu.programme },
      },
    });
    expect(opened.status).toBe(201);
    const read = await call(second.url, 'GET', `/api/cases/${String(field(opened.body, 'id'))}`, { token });
    expect(read.status).toBe(200);
    expect(field(read.body, 'reference')).toBe('SHARED-1');
    const onFirst = await call(first.url, 'GET', '/api/cases?limit=500', { token });
    const onSecond = await call(second.url, 'GET', '/api/cases?limit=500', { token });
    expect(field(onSecond.body, 'total')).toBe(field(onFirst.body, 'total'));
    // The dev outbox of either instance shows what the shared emulator holds.
    const outbox = await call(second.url, 'GET', '/dev/outbox?format=json');
    expect(outbox.status).toBe(200);
    expect(field(outbox.body, 'mails')).toEqual(emulator.inspect().mails);
  });
});
