/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addDays,
  bcuOpenBody,
  bcuPlanBody,
  provider,
  staff,
  startLocal,
  type LocalTrellis,
  type Reply,
  closeOpenCasesOf,
} from './kit.js';

/**
 * Hostile input on every route the OpenAPI document lists (read from GET /api/openapi.json, so
 * a new route is fuzzed without touching this file): bodies built from each operation's own
 * field names with wrong, oversized and odd values; bad path parameters (raw and
 * percent-encoded); bad query strings; bad headers. Never a 5xx, every error problem+json with a
 * sentence, and a refused request changes nothing: the case's trail and the number of cases
 * stay as they were. test/server/hostile.test.ts fuzzes the write bodies with plain JSON; this
 * adds the rest of the request and the rest of the routes.
 */
interface Operation {
  readonly method: string;
  readonly template: string;
  readonly params: readonly string[];
  readonly query: readonly string[];
  readonly fields: readonly string[];
  readonly hasBody: boolean;
  readonly public?: boolean;
}

const UNDOCUMENTED: readonly Operation[] = [
  {
    method: 'GET',
    template: '/api/cases/{caseId}/form.pdf',
    params: ['caseId'],
    query: [],
    fields: [],
    hasBody: false,
  },
  { method: 'GET', template: '/api/notifications', params: [], query: ['state'], fields: [], hasBody: false },
  {
    method: 'POST',
    template: '/api/notifications/{key}/retry',
    params: ['key'],
    query: [],
    fields: [],
    hasBody: false,
  },
  { method: 'POST', template: '/api/jobs/review-sweep', params: [], query: [], fields: [], hasBody: false },
];

let server: LocalTrellis;
let token: string;
let operations: Operation[] = [];

/** The case every request aims at (a drafted BCU plan); set once it is opened. */
let CASE = '';
const EXAMPLES: Record<string, string> = {
  panelId: 'placement_review_panel',
  id: 'bcu-rapid-improvement-targets',
  key: 'no-such-notification',
};

beforeAll(async () => {
  // Local mode, so every documented route is mounted (notifications and jobs included).
  server = await startLocal();
  const bcu = provider('bcu');
  token = await server.signIn(bcu.courseTeam.upn);
  await closeOpenCasesOf(server, token, bcu.trainees[4] ?? bcu.courseTeam);
  const opened = await server.request('POST', '/api/cases', {
    token,
    body: bcuOpenBody('FUZZ-TARGET', {
      trainee: bcu.trainees[4] ?? bcu.courseTeam,
      mentor: staff(bcu, 'mentor'),
      tutor: staff(bcu, 'tutor'),
    }),
  });
  CASE = String(opened.body.id);
  EXAMPLES.caseId = CASE;
  const drafted = await server.request('PUT', `/api/cases/${CASE}/plan`, {
    token,
    body: bcuPlanBody(addDays(await server.today(), 10), 'Fuzz target.'),
    headers: { 'if-match': opened.headers.get('etag') ?? '' },
  });
  if (drafted.status !== 200) throw new Error(`could not draft the target plan: ${drafted.text}`);
  const document = (await server.request('GET', '/api/openapi.json')).body as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { name: string; in: string }[];
          security?: unknown[];
          requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
        }
      >
    >;
  };
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const schema = operation.requestBody?.content['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        template,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        fields: Object.keys(schema?.properties ?? {}),
        hasBody: operation.requestBody !== undefined,
        // An operation with an empty security list is open to anyone (health, sign-in settings, the document).
        public: operation.security?.length === 0,
      });
    }
  }
  // Mounted in local mode but not (yet) in the document: fuzzed all the same.
  for (const extra of UNDOCUMENTED) {
    if (!operations.some((o) => o.method === extra.method && o.template === extra.template)) operations.push(extra);
  }
  operations = operations.sort((a, b) => `${a.template} ${a.method}`.localeCompare(`${b.template} ${b.method}`));
});

afterAll(async () => {
  await server.close();
});

/** The dev clock's offset from real time: what a refused clock change must leave alone. */
async function clockOffset(): Promise<number> {
  return Number((await server.request('GET', '/dev/clock')).body.offsetMs);
}

interface Snapshot {
  readonly version: number;
  readonly events: number;
  readonly cases: number;
}

/** What a refused request must not have changed: the target case's trail and how many cases there are. */
async function snapshot(): Promise<Snapshot> {
  const [stored, page] = await Promise.all([
    server.running.repository.find(CASE),
    server.running.repository.list({ limit: 1 }),
  ]);
  return { version: stored?.state.version ?? -1, events: stored?.events.length ?? -1, cases: page.total };
}

/**
 * The store as the last probe left it. Requests go one at a time and only they change the store,
 * so the snapshot after one request is the snapshot before the next: each probe reads the store
 * once, after its request, instead of before and after. Forgotten between tests.
 */
let last: Snapshot | undefined;
beforeEach(() => {
  last = undefined;
});

function pathOf(operation: Operation, values: Readonly<Record<string, string>> = {}): string {
  return operation.template.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => values[name] ?? EXAMPLES[name] ?? name);
}

function expectSound(reply: Reply, label: string): void {
  expect(reply.status, `${label}: ${reply.text.slice(0, 300)}`).toBeLessThan(500);
  if (reply.status >= 400) {
    expect(reply.headers.get('content-type') ?? '', label).toMatch(/^application\/problem\+json/);
    expect(typeof reply.body?.code, label).toBe('string');
    expect(String(reply.body?.detail ?? '').length, label).toBeGreaterThan(10);
    expect(reply.text, label).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  }
}

/** Sends, checks the answer, and checks that a refusal wrote nothing. */
async function probe(operation: Operation, label: string, send: () => Promise<Reply>): Promise<Reply> {
  const before = last ?? (await snapshot());
  const reply = await send();
  expectSound(reply, label);
  const after = await snapshot();
  last = after;
  if (reply.status >= 400 || operation.method === 'GET') expect(after, label).toEqual(before);
  return reply;
}

/** Values no field expects: wrong types, huge, deeply nested, prototype keys, odd numbers and text. */
const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    '\ud800',
    '=HYPERLINK("http://x")',
    '<script>alert(1)</script>',
    '${header.caseId}',
    '../../etc/passwd',
    '%00',
    'x'.repeat(5000),
  ),
);
const oddValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    oddText,
    fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(oddText, fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

const ops = () => operations.map((o) => [`${o.method} ${o.template}`, o] as const);

/**
 * Cases per route for each kind of input. `npm test` sends every route the first few of each
 * kind (six bodies, five path parameters, three query strings, three sets of headers, two
 * tokens: the first half of what it sent before, as each kind keeps its seed);
 * `TRELLIS_FUZZ_RUNS=N npm run test:reliability` sends N times as many (2: the earlier size).
 */
const SCALE = scaleFrom(process.env.TRELLIS_FUZZ_RUNS);
function scaleFrom(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`TRELLIS_FUZZ_RUNS must be a number above 0, got '${value}'`);
  return scale;
}
/** fast-check's settings for one route: `runs` cases (scaled) from the kind's seed. */
const sized = (runs: number, seed: number) => ({ numRuns: Math.max(1, Math.round(runs * SCALE)), seed });

describe('every route in the OpenAPI document', () => {
  it('lists the routes the server has', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(operations.map((o) => `${o.method} ${o.template}`)).toEqual(
      expect.arrayContaining(['POST /api/cases', 'PUT /api/cases/{caseId}/plan', 'GET /api/reports']),
    );
    // Only these answer without a token; every other route is fuzzed for it below.
    expect(
      ops()
        .filter(([, o]) => o.public === true)
        .map(([label]) => label),
    ).toEqual(['GET /api/client-config', 'GET /api/health', 'GET /api/openapi.json', 'GET /api/ready']);
  });

  it('bodies: fields of the operation with wrong, huge and odd values', async () => {
    for (const [label, operation] of ops().filter(([, o]) => o.hasBody)) {
      const body = fc.oneof(
        fc.dictionary(fc.constantFrom(...operation.fields, 'unexpected', '__proto__'), oddValue, {
          maxKeys: operation.fields.length + 2,
        }),
        oddValue,
      );
      await fc.assert(
        fc.asyncProperty(body, async (value) => {
          const { version } = last ?? (await snapshot());
          await probe(operation, label, () =>
            server.request(operation.method, pathOf(operation), {
              token,
              rawBody: JSON.stringify(value),
              headers: { 'if-match': `"v${version}"` },
            }),
          );
        }),
        sized(6, 801),
      );
    }
  }, 120_000);

  it('path parameters: raw, percent-encoded and invalid encodings', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => encodeURIComponent(s)),
      fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => encodeURIComponent(s)),
      fc.constantFrom(
        '%00',
        '..',
        '%2e%2e',
        '%2F',
        'a%2Fb',
        'x'.repeat(3000),
        '*',
        "'%20OR%201=1--",
        'target%20',
        'TARGET',
      ),
    );
    for (const [label, operation] of ops().filter(([, o]) => o.params.length > 0)) {
      await fc.assert(
        fc.asyncProperty(segment, async (value) => {
          const values = Object.fromEntries(operation.params.map((p) => [p, value]));
          await probe(operation, label, () =>
            server.request(operation.method, pathOf(operation, values), {
              token,
              ...(operation.hasBody ? { body: {} } : {}),
              headers: { 'if-match': '*' },
            }),
          );
        }),
        sized(5, 802),
      );
    }
  }, 120_000);

  it('query strings: unknown keys, repeated keys, wrong types, odd encodings', async () => {
    const pair = fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'limit',
          'cursor',
          'status',
          'search',
          'mine',
          'format',
          'reviewDueBefore',
          'procedure',
          'programme',
          '__proto__',
          'limit[]',
          'a[b]',
        ),
        fc.string({ maxLength: 10 }),
      ),
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('-1', '0', '1e9', '999999999999', 'NaN', '%', '%ZZ', 'csv', 'true', 'x'.repeat(3000)),
      ),
    );
    for (const [label, operation] of ops()) {
      await fc.assert(
        fc.asyncProperty(fc.array(pair, { minLength: 1, maxLength: 4 }), async (pairs) => {
          const query = pairs
            .map(([k, v]) => `${encodeURIComponent(k)}=${/^%/.test(v) ? v : encodeURIComponent(v)}`)
            .join('&');
          await probe(operation, label, () =>
            server.request(operation.method, `${pathOf(operation)}?${query}`, {
              token,
              ...(operation.hasBody ? { body: {} } : {}),
              headers: { 'if-match': '*' },
            }),
          );
        }),
        sized(3, 803),
      );
    }
  }, 120_000);

  it('headers: If-Match, Content-Type, Accept, Authorization and encodings nobody should send', async () => {
    const headers = fc.record(
      {
        'if-match': fc.oneof(
          fc.constantFrom('"v', 'v3', '"v99999999999"', 'W/"v3"', '"v-1"', '*, "v1"', ',', '"v4", *'),
          fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        ),
        'content-type': fc.constantFrom(
          'application/json',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/merge-patch+json',
          'application/problem+json',
          ';;;',
        ),
        accept: fc.constantFrom('*/*', 'text/html', 'application/xml', 'image/png;q=0', ''),
        'if-none-match': fc.constantFrom('"v1"', '*', 'garbage'),
        'content-encoding': fc.constantFrom('identity', 'gzip', 'deflate', 'br', 'compress', 'x-unknown'),
      },
      { requiredKeys: ['content-type'] },
    );
    for (const [label, operation] of ops()) {
      await fc.assert(
        fc.asyncProperty(
          headers,
          fc.oneof(fc.constant('{}'), fc.constant('{"reason":"x"}'), fc.string({ maxLength: 50 })),
          async (sent, raw) => {
            await probe(operation, label, () =>
              server.request(operation.method, pathOf(operation), {
                token,
                headers: sent,
                ...(operation.method === 'GET' ? {} : { rawBody: raw }),
              }),
            );
          },
        ),
        sized(3, 804),
      );
    }
  }, 120_000);

  it('tokens: garbage in Authorization is a 401 problem on every protected route', async () => {
    const authorization = fc.oneof(
      fc.string({ maxLength: 80 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer x.y.z',
        'Basic YTpi',
        `Bearer ${'a'.repeat(20_000)}`,
        'Bearer e30.e30.',
        'Bearer eyJhbGciOiJub25lIn0.e30.',
      ),
    );
    for (const [label, operation] of ops().filter(([, o]) => o.public !== true)) {
      await fc.assert(
        fc.asyncProperty(authorization, async (value) => {
          const reply = await probe(operation, label, () =>
            server.request(operation.method, pathOf(operation), {
              headers: { authorization: value, 'if-match': '*' },
              ...(operation.hasBody ? { body: { reason: 'x' } } : {}),
            }),
          );
          expect(reply.status, label).toBe(401);
        }),
        sized(2, 805),
      );
    }
  }, 120_000);

  it('local mode’s dev routes (sign-in, clock, outbox) refuse odd bodies and addresses with a problem', async () => {
    const before = await clockOffset();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/dev/sign-in', '/dev/clock'), oddValue, async (route, value) => {
        const reply = await server.request('POST', route, { rawBody: JSON.stringify(value) });
        expectSound(reply, route);
        expect(reply.status, route).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 30, seed: 806 },
    );
    for (const route of [
      '/dev/outbox/mails/%00/attachments/x',
      '/dev/outbox/mails/x/attachments/-1',
      '/dev/../api/cases',
      '/dev/personas?x=%ZZ',
    ]) {
      expectSound(await server.request('GET', route), route);
    }
    expect(await clockOffset()).toBe(before);
  });

  it('a compressed body that inflates past the limit is refused (413), not inflated into memory', async () => {
    const bomb = gzipSync(Buffer.from(`{"reason":"${'0'.repeat(20 * 1024 * 1024)}"}`));
    const operation = operations.find((o) => o.template === '/api/cases/{caseId}/close');
    if (!operation) throw new Error('no close route');
    const before = await snapshot();
    const response = await fetch(`${server.url}${pathOf(operation)}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'if-match': '*',
      },
      body: bomb,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await snapshot()).toEqual(before);
  });

  it('logged no unexpected error while being fuzzed', () => {
    expect(server.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  // Found by this suite and fixed: a notification key holding "%" or "#" went into the outbox's
  // $filter unencoded (500), and a path segment that is not valid percent-encoding made the
  // router's URIError a 500.
  it('retrying a notification whose key holds % or # answers 404, not 500', async () => {
    for (const key of ['%25', '%23', 'a%25b']) {
      const reply = await server.request('POST', `/api/notifications/${key}/retry`, { token });
      expectSound(reply, key);
      expect(reply.status).toBe(404);
    }
  });

  it('a path parameter that is not valid percent-encoding answers 400, not 500', async () => {
    for (const raw of ['%', '%ZZ', '%E0%A4%A', '%C0%AE']) {
      const reply = await server.request('GET', `/api/cases/${raw}`, { token });
      expectSound(reply, raw);
      expect(reply.status).toBe(400);
    }
  });
});
