/* eslint-disable @typescript-eslint/no-unsafe-member-access -- invoke response bodies are JSON asserted field by field */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import { createLocalJWKSet, exportJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTrellis, type Trellis } from '../../src/compose/trellis.js';
import { DEFAULT_NOTIFY_SETTINGS } from '../../src/app/notifications/settings.js';
import { tenantIdentity } from '../../src/bot/identity.js';
import { calendarFor, openCase } from '../../src/domain/case/index.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { createTokenVerifier } from '../../src/server/auth/verify-token.js';
import { memoryLogger } from '../../src/app/logger.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';
import { call, type Reply } from '../server/harness.js';
import { caseInput, P1 } from '../server/fixtures.js';
import { keepIdleConnections } from '../../src/server/http/idle-connections.js';

/**
 * Bot Framework tokens on POST /api/messages in tenant mode, checked by the Teams SDK's own
 * validator (ServiceTokenValidator → jsonwebtoken + jwks-rsa), not a copy of it. The bot is
 * given a cloud environment whose OpenID metadata points at a local server publishing the JWKS
 * of a test key, so the SDK fetches real keys over HTTP and checks signature, kid, audience,
 * issuer, expiry, algorithm and the serviceurl claim exactly as it does against Bot Framework.
 * The activity is a card action (Acknowledge) answered in the invoke response, so nothing goes
 * out: the local server also stands in for the login endpoint and the connector, and sees no
 * request but the key fetch.
 */
const BOT_ID = '7d3e9a1b-2c4f-4e6a-8b1d-3f5a7c9e0b2d';
const TENANT_ID = '11111111-2222-4333-8444-555555555555';
const ISSUER = 'https://api.botframework.test';
const KID = 'trellis-test-signing-key';
const LEAD = {
  upn: 'course.lead@uni.example',
  name: 'Mark Whitfield',
  objectId: '0b7d3c2a-1e4f-4a6b-8c9d-2e3f4a5b6c7d',
};
const CASE_ID = 'token-case';

let env: ProvisionedEmulator;
let trellis: Trellis;
let repository: GraphCaseRepository;
let server: Server;
let cloudServer: Server;
let url: string;
let cloudUrl: string;
let serviceUrl: string;
const useCaseLog = memoryLogger();
/** Every request the stand-in for Bot Framework's cloud received, by path. */
const cloudRequests: string[] = [];

const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => {
    s.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    });
  });
}

beforeAll(async () => {
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: KID, use: 'sig', alg: 'RS256' };
  cloudServer = createServer((req: IncomingMessage, res) => {
    cloudRequests.push(req.url ?? '');
    if (req.method === 'GET' && req.url === '/v1/.well-known/keys') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  cloudUrl = await listen(cloudServer);
  serviceUrl = `${cloudUrl}/connector/`;

  env = await startProvisionedEmulator();
  repository = new GraphCaseRepository(env.client, env.site, { roleSides: roleSidesOf(SEED_PROCEDURES) });
  const conversations = new ConversationStore(env.client, env.site.lists.conversations);
  // The course leader has written to the bot before: their object id maps to their sign-in name.
  await conversations.savePerson({
    upn: LEAD.upn,
    name: LEAD.name,
    aadObjectId: LEAD.objectId,
    teamsUserId: `29:${LEAD.objectId}`,
    tenantId: TENANT_ID,
    conversationId: undefined,
    serviceUrl: undefined,
  });
  const procedure = SEED_PROCEDURES.find((p) => p.id === 'bcu-rapid-improvement-targets');
  if (!procedure) throw new Error('no BCU procedure');
  const seedActor = { id: 'seed@uni.example', name: 'Seed', appRoles: ['course_team' as const] };
  await repository.create(
    openCase(
      { procedure, calendar: calendarFor(procedure), now: new Date(), actor: seedActor },
      { caseId: CASE_ID, previousCases: 0 },
      caseInput('A'),
    ),
  );

  // Tenant mode as Trellis composes it, with the Bot Framework keys served locally.
  trellis = await buildTrellis({
    paceSends: true,
    mode: 'tenant',
    graph: env.client,
    site: env.site,
    procedures: SEED_PROCEDURES,
    clock: () => new Date(),
    logger: useCaseLog,
    verifyToken: createTokenVerifier({
      keys: createLocalJWKSet({ keys: [] }),
      tenantId: TENANT_ID,
      audiences: ['api://x'],
      programmes: { from: 'config', value: 'all' },
    }),
    publicUrl: () => 'https://trellis.example',
    // App roles do not travel with activities; the course leader's come from this lookup (Graph in a tenant).
    identity: (stored) =>
      tenantIdentity(stored, {
        appRoles: (objectId) => Promise.resolve(objectId === LEAD.objectId ? ['CourseTeam'] : []),
        programmes: [P1],
      }),
    bot: {
      teamsAppId: '2f6c1d7e-8a4b-4c3d-9e5f-1a2b3c4d5e6f',
      credentials: { clientId: BOT_ID, clientSecret: 'not-a-real-secret', tenantId: TENANT_ID },
      defaultServiceUrl: () => serviceUrl,
      installApp: false,
      cloud: withOverrides(PUBLIC, {
        openIdMetadataUrl: `${cloudUrl}/v1/.well-known/openidconfiguration`,
        tokenIssuer: ISSUER,
        loginEndpoint: cloudUrl,
        tokenServiceUrl: cloudUrl,
      }),
    },
    notify: { ...DEFAULT_NOTIFY_SETTINGS, schedule: false },
  });
  // Reads from here on go through Trellis's own repository, as the bot's writes do.
  repository = trellis.repository;
  const app = trellis.app;
  server = keepIdleConnections(app.listen(0, '127.0.0.1'));
  url = await new Promise((resolve) => {
    server.once('listening', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  await new Promise<void>((resolve) => {
    cloudServer.close(() => {
      resolve();
    });
  });
  await trellis.close();
  await env.close();
});

/** The Acknowledge button on the concern card, pressed by the course leader. */
function acknowledgeActivity(activityServiceUrl = serviceUrl): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    channelId: 'msteams',
    serviceUrl: activityServiceUrl,
    id: `activity-${Math.random().toString(36).slice(2)}`,
    from: { id: `29:${LEAD.objectId}`, aadObjectId: LEAD.objectId, name: LEAD.name },
    recipient: { id: `28:${BOT_ID}` },
    conversation: { id: 'a:personal-lead', conversationType: 'personal', tenantId: TENANT_ID },
    value: {
      action: {
        type: 'Action.Execute',
        verb: 'acknowledge',
        data: { action: 'acknowledge', caseId: CASE_ID, version: 1, about: 'concern_raised' },
      },
    },
  };
}

/** The claims Bot Framework puts in the token it sends with an activity. */
function claims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: BOT_ID,
    iat: now - 10,
    nbf: now - 10,
    exp: now + 3600,
    serviceurl: serviceUrl,
    ...overrides,
  };
}

function rs256(payload: JWTPayload, key: KeyObject = signing.privateKey, kid = KID): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
}

const base64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function post(authorization: string | undefined, body: unknown = acknowledgeActivity()): Promise<Reply> {
  return call(url, 'POST', '/api/messages', {
    body,
    ...(authorization === undefined ? {} : { headers: { authorization } }),
  });
}

async function trailLength(): Promise<number> {
  return (await repository.find(CASE_ID))?.events.length ?? -1;
}

const commandsRun = (): number => useCaseLog.lines.filter((l) => l.message === 'case command').length;

beforeEach(() => {
  cloudRequests.length = 0;
});

describe('forged and broken Bot Framework tokens, checked by the Teams SDK', () => {
  const attacks: readonly (readonly [string, () => Promise<string | undefined>])[] = [
    ['signed by another key under the same kid', async () => `Bearer ${await rs256(claims(), impostor.privateKey)}`],
    [
      'signed by a key the JWKS does not have',
      async () => `Bearer ${await rs256(claims(), impostor.privateKey, 'someone-elses-key')}`,
    ],
    [
      'for another bot (audience)',
      async () => `Bearer ${await rs256(claims({ aud: '00000000-1111-4222-8333-444444444444' }))}`,
    ],
    [
      'from another issuer',
      async () => `Bearer ${await rs256(claims({ iss: 'https://login.microsoftonline.com/evil/v2.0' }))}`,
    ],
    [
      'expired (beyond the SDK’s five minutes of clock skew)',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return `Bearer ${await rs256(claims({ iat: now - 7200, nbf: now - 7200, exp: now - 600 }))}`;
      },
    ],
    [
      'with alg "none"',
      () => Promise.resolve(`Bearer ${base64url({ alg: 'none', typ: 'JWT', kid: KID })}.${base64url(claims())}.`),
    ],
    [
      'HS256, signed with the public key as the secret',
      () => {
        const header = base64url({ alg: 'HS256', typ: 'JWT', kid: KID });
        const payload = base64url(claims());
        const secret = signing.publicKey.export({ type: 'spki', format: 'pem' });
        const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
        return Promise.resolve(`Bearer ${header}.${payload}.${signature}`);
      },
    ],
    [
      'for another serviceUrl than the activity’s',
      async () => `Bearer ${await rs256(claims({ serviceurl: 'https://smba.trafficmanager.net/teams/' }))}`,
    ],
    ['missing (no Authorization header)', () => Promise.resolve(undefined)],
    ['garbage', () => Promise.resolve('Bearer not.a.token')],
    ['garbage without Bearer', () => Promise.resolve('eyJhbGciOiJSUzI1NiJ9')],
    ['empty', () => Promise.resolve('Bearer ')],
  ];

  it.each(attacks)('refuses a token %s with 401; nothing is handled or stored', async (_label, token) => {
    const before = await trailLength();
    const commands = commandsRun();
    const reply = await post(await token());
    expect(reply.status, reply.text).toBe(401);
    // The SDK's own refusal, not an invoke response: no handler ran.
    expect(reply.body?.statusCode).toBeUndefined();
    expect(reply.text).not.toContain('acknowledged');
    expect(await trailLength()).toBe(before);
    expect(commandsRun()).toBe(commands);
    expect(cloudRequests.filter((path) => path !== '/v1/.well-known/keys')).toEqual([]);
  });

  it('refuses a valid token presented with an activity for another serviceUrl', async () => {
    const before = await trailLength();
    const reply = await post(
      `Bearer ${await rs256(claims())}`,
      acknowledgeActivity('https://smba.trafficmanager.net/emea/'),
    );
    expect(reply.status).toBe(401);
    expect(await trailLength()).toBe(before);
  });

  it('accepts a correctly signed token: the activity is handled and the acknowledgement is in the trail', async () => {
    const before = await trailLength();
    const reply = await post(`Bearer ${await rs256(claims())}`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(reply.body.value)).toContain('You acknowledged this');
    const stored = await repository.find(CASE_ID);
    expect(stored?.events.length).toBe(before + 1);
    expect(stored?.events.at(-1)).toMatchObject({
      type: 'notice_acknowledged',
      actorId: LEAD.upn,
      data: { about: 'concern_raised', byName: LEAD.name },
    });
    // The keys came from the injected cloud; nothing else was asked of it, and nothing was sent to the connector.
    expect(cloudRequests.every((path) => path === '/v1/.well-known/keys')).toBe(true);
  });

  it('accepts the other audiences the SDK allows for the bot (api://botid-<id>), still checked against the key', async () => {
    const reply = await post(`Bearer ${await rs256(claims({ aud: `api://botid-${BOT_ID}` }))}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    // First or second press, the answer is the card with who acknowledged it; only one acknowledgement is recorded.
    expect(JSON.stringify(reply.body.value)).toMatch(/You acknowledged this|Mark Whitfield already acknowledged this/);
    expect((await repository.find(CASE_ID))?.events.filter((e) => e.type === 'notice_acknowledged')).toHaveLength(1);
  });
  it('takes an Outlook actionable message’s action through the same check and handler, the person by object id', async () => {
    const before = await trailLength();
    // Outlook's invoke: the `outlook` channel, the person's object id and address, no Teams ids.
    const fromOutlook = {
      ...acknowledgeActivity(),
      channelId: 'outlook',
      from: { id: LEAD.upn, aadObjectId: LEAD.objectId, name: LEAD.name },
      recipient: { id: BOT_ID },
      conversation: { id: 'outlook-message-1', tenantId: TENANT_ID },
      value: {
        action: {
          type: 'Action.Execute',
          verb: 'refresh',
          data: { action: 'refresh', caseId: CASE_ID, version: 1, card: 'case_summary' },
        },
        trigger: 'automatic',
      },
    };
    expect((await post(undefined, fromOutlook)).status).toBe(401);
    const reply = await post(`Bearer ${await rs256(claims())}`, fromOutlook);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(reply.body.value)).toContain(caseInput('A').reference);
    expect(await trailLength()).toBe(before);
  });
});
