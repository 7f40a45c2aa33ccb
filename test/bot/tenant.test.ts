import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet } from 'jose';
import { APP_ROLES_TTL_MS, cachedAppRoles } from '../../src/bot/app-roles.js';
import { buildTrellis, type Trellis } from '../../src/compose/trellis.js';
import { DEFAULT_NOTIFY_SETTINGS } from '../../src/app/notifications/settings.js';
import { tenantIdentity } from '../../src/bot/identity.js';
import {
  EMULATOR_APP_IDENTITY,
  EMULATOR_APP_ROLES,
  emulatorServicePrincipalId,
} from '../../src/dev/graph-emulator/index.js';
import { calendarFor, openCase } from '../../src/domain/case/index.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { createTokenVerifier } from '../../src/server/auth/verify-token.js';
import { memoryLogger, silentLogger } from '../../src/app/logger.js';
import { GraphAppRoleDirectory } from '../../src/store/app-roles.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';
import { caseInput, P1, people } from '../server/fixtures.js';
import { keepIdleConnections } from '../../src/server/http/idle-connections.js';

/**
 * Tenant mode: the SDK validates Bot Framework tokens, so an activity without one (or with a
 * forged one) is refused before any handler runs, even from this machine; nothing is stored.
 */
let env: ProvisionedEmulator;
let server: Server;
let url: string;
let conversations: ConversationStore;
let trellis: Trellis;

beforeAll(async () => {
  env = await startProvisionedEmulator();
  conversations = new ConversationStore(env.client, env.site.lists.conversations);
  const logger = silentLogger;
  trellis = await buildTrellis({
    paceSends: true,
    mode: 'tenant',
    graph: env.client,
    site: env.site,
    procedures: SEED_PROCEDURES,
    clock: () => new Date(),
    logger,
    verifyToken: createTokenVerifier({
      keys: createLocalJWKSet({ keys: [] }),
      tenantId: '11111111-2222-4333-8444-555555555555',
      audiences: ['api://x'],
      programmes: { from: 'config', value: 'all' },
    }),
    publicUrl: () => 'https://trellis.example',
    identity: (stored) => tenantIdentity(stored),
    bot: {
      teamsAppId: '2f6c1d7e-8a4b-4c3d-9e5f-1a2b3c4d5e6f',
      credentials: {
        clientId: '7d3e9a1b-2c4f-4e6a-8b1d-3f5a7c9e0b2d',
        clientSecret: 'not-a-real-secret',
        tenantId: '11111111-2222-4333-8444-555555555555',
      },
      defaultServiceUrl: () => 'https://smba.trafficmanager.net/teams',
      installApp: false,
    },
    notify: { ...DEFAULT_NOTIFY_SETTINGS, schedule: false },
  });
  const app = trellis.app;
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => {
      resolve(keepIdleConnections(s));
    });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  await trellis.close();
  await env.close();
});

const install = {
  type: 'conversationUpdate',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/teams/',
  from: { id: '29:someone', aadObjectId: '99999999-2222-4333-8444-555555555555' },
  recipient: { id: '28:7d3e9a1b-2c4f-4e6a-8b1d-3f5a7c9e0b2d' },
  conversation: { id: 'a:personal', conversationType: 'personal', tenantId: '11111111-2222-4333-8444-555555555555' },
  membersAdded: [{ id: '28:7d3e9a1b-2c4f-4e6a-8b1d-3f5a7c9e0b2d' }],
};

describe('the bot in tenant mode', () => {
  it('refuses activities without a Bot Framework token, even from this machine', async () => {
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(install),
    });
    expect(response.status).toBe(401);
    expect(await conversations.findPersonByObjectId('99999999-2222-4333-8444-555555555555')).toBeUndefined();
  });

  it('does not take the REST API’s bearer route for /api/messages, and answers bad bodies with 400', async () => {
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":',
    });
    expect(response.status).toBe(400);
    const notActivity = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(notActivity.status).toBe(400);
  });

  it('knows an Outlook actionable-message user by object id and address, and remembers only Teams users', async () => {
    const resolve = tenantIdentity(conversations);
    const objectId = '77777777-2222-4333-8444-555555555555';
    const fromOutlook = await resolve(
      { channel: 'outlook', teamsUserId: '', aadObjectId: objectId, name: 'Ruth Evans', tenantId: undefined },
      () => Promise.resolve({ email: 'ruth.evans@uni.example', name: 'Ruth Evans' }),
    );
    expect(fromOutlook?.caller.actor).toMatchObject({ id: 'ruth.evans@uni.example', name: 'Ruth Evans' });
    // Nothing stored: an Outlook action has no Teams user id to write to later.
    expect(await conversations.findPersonByObjectId(objectId)).toBeUndefined();
    // No object id, or an activity that names no address: nobody.
    expect(
      await resolve(
        { channel: 'outlook', teamsUserId: '', aadObjectId: undefined, name: 'x', tenantId: undefined },
        () => Promise.resolve({ email: 'ruth.evans@uni.example' }),
      ),
    ).toBeUndefined();
    expect(
      await resolve(
        { channel: 'outlook', teamsUserId: '', aadObjectId: objectId, name: 'x', tenantId: undefined },
        () => Promise.resolve(undefined),
      ),
    ).toBeUndefined();
    // Met in Teams, the person is remembered with their Teams id, and Outlook finds them by object id.
    await resolve(
      { channel: 'teams', teamsUserId: '29:ruth', aadObjectId: objectId, name: 'Ruth Evans', tenantId: undefined },
      () => Promise.resolve({ userPrincipalName: 'ruth.evans@uni.example', name: 'Ruth Evans' }),
    );
    expect((await conversations.findPersonByObjectId(objectId))?.teamsUserId).toBe('29:ruth');
    const again = await resolve(
      { channel: 'outlook', teamsUserId: '', aadObjectId: objectId, name: 'Ruth Evans', tenantId: undefined },
      () => Promise.resolve(undefined),
    );
    expect(again?.caller.actor.id).toBe('ruth.evans@uni.example');
  });
});

/**
 * Course-team powers in the bot: Teams activities carry no app roles, so the tenant identity
 * resolver asks Entra through Graph (here the emulator's servicePrincipals and
 * appRoleAssignments) by the person's object id, with the programmes REST callers get from
 * configuration. Bot Framework tokens are covered above and in bot-tokens.test.ts; this bot
 * takes unsigned activities from this machine so the test can post them, and everything after
 * the token check (member lookup, stored mapping, Graph, access rules, search) is tenant mode's.
 */
describe('app roles for the bot, looked up through Graph', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const SP_ID = emulatorServicePrincipalId(EMULATOR_APP_IDENTITY.id);
  const roleId = (value: 'CourseTeam' | 'Admin'): string => EMULATOR_APP_ROLES.find((r) => r.value === value)?.id ?? '';
  /** Known to Teams only: the first activity's member lookup gives the sign-in name. */
  const lead = {
    objectId: '4c2e8a1f-6b3d-4f7e-9a2c-5d8b1e4f7a30',
    upn: 'course.lead@uni.example',
    name: 'Mark Whitfield',
  };
  const admin = { objectId: '7e1a3c5b-9d2f-4b6e-8a4c-1f3e5d7b9c02', upn: 'admin@uni.example', name: 'Ada Admin' };
  const members = new Map([lead, admin].map((p) => [p.objectId, p]));
  const log = memoryLogger();
  let botServer: Server;
  let connector: Server;
  let botUrl: string;
  let connectorUrl: string;
  let skewMs = 0;
  let rolesTrellis: Trellis;

  const listenOn = (s: Server): Promise<string> =>
    new Promise((resolve) => {
      s.listen(0, '127.0.0.1', () => {
        resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
      });
    });

  beforeAll(async () => {
    const repository = new GraphCaseRepository(env.client, env.site, { roleSides: roleSidesOf(SEED_PROCEDURES) });
    const procedure = SEED_PROCEDURES.find((p) => p.id === 'bcu-rapid-improvement-targets');
    if (!procedure) throw new Error('no BCU procedure');
    const seeder = { id: 'seed@uni.example', name: 'Seed', appRoles: ['course_team' as const] };
    const open = (caseId: string, input: ReturnType<typeof caseInput>) =>
      repository.create(
        openCase(
          { procedure, calendar: calendarFor(procedure), now: new Date(), actor: seeder },
          { caseId, previousCases: 0 },
          input,
        ),
      );
    await open('roles-a', caseInput('A', { reference: 'ROLES-A' }));
    await open('roles-b', caseInput('B', { reference: 'ROLES-B' }));
    // The only case that names the course leader: as the tutor, on their own programme.
    await open(
      'roles-c',
      caseInput('A', {
        reference: 'ROLES-C',
        people: [people.traineeA, people.mentorA, { role: 'tutor', id: lead.upn, name: lead.name, email: lead.upn }],
      }),
    );

    // The Bot Framework connector's member lookup, as Teams answers it for people in the tenant.
    connector = createServer((req, res) => {
      const match = /\/v3\/conversations\/[^/]+\/members\/([^/?]+)$/.exec(req.url ?? '');
      const member = [...members.values()].find((m) => `29:${m.objectId}` === decodeURIComponent(match?.[1] ?? ''));
      if (req.method !== 'GET' || !member) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `29:${member.objectId}`,
          aadObjectId: member.objectId,
          name: member.name,
          userPrincipalName: member.upn,
          email: member.upn,
        }),
      );
    });
    connectorUrl = await listenOn(connector);

    const directory = new GraphAppRoleDirectory(env.client, { appId: EMULATOR_APP_IDENTITY.id });
    // Unsigned activities from this machine (the local transport), with tenant mode's identity:
    // Teams users through the Conversations list and app roles asked of Entra through Graph.
    rolesTrellis = await buildTrellis({
      paceSends: true,
      mode: 'local',
      graph: env.client,
      site: env.site,
      procedures: SEED_PROCEDURES,
      clock: () => new Date(),
      logger: silentLogger,
      verifyToken: createTokenVerifier({
        keys: createLocalJWKSet({ keys: [] }),
        tenantId: TENANT,
        audiences: ['api://x'],
        programmes: { from: 'config', value: [P1] },
      }),
      publicUrl: () => 'https://trellis.example',
      identity: (stored) =>
        tenantIdentity(stored, {
          programmes: [P1],
          appRoles: cachedAppRoles(directory, { logger: log, now: () => Date.now() + skewMs }),
        }),
      bot: {
        teamsAppId: '2f6c1d7e-8a4b-4c3d-9e5f-1a2b3c4d5e6f',
        defaultServiceUrl: () => connectorUrl,
        installApp: false,
      },
      notify: { ...DEFAULT_NOTIFY_SETTINGS, schedule: false },
    });
    const app = rolesTrellis.app;
    botServer = keepIdleConnections(app.listen(0, '127.0.0.1'));
    botUrl = await new Promise((resolve) => {
      botServer.once('listening', () => {
        resolve(`http://127.0.0.1:${(botServer.address() as AddressInfo).port}`);
      });
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      botServer.close(() => {
        resolve();
      });
    });
    await new Promise<void>((resolve) => {
      connector.close(() => {
        resolve();
      });
    });
    await rolesTrellis.close();
  });

  /** What the message extension answers a search with (the fields these tests read). */
  interface ComposeAnswer {
    readonly composeExtension?: {
      readonly type?: string;
      readonly attachments?: readonly { readonly preview: { readonly content: { readonly title: string } } }[];
    };
  }

  /** "Search cases" in the message extension, as the person with this object id: the references found. */
  async function search(
    who: { readonly objectId: string },
    text: string,
  ): Promise<{ status: number; references: string[]; body: ComposeAnswer }> {
    const response = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'composeExtension/query',
        channelId: 'msteams',
        serviceUrl: connectorUrl,
        id: `activity-${Math.random().toString(36).slice(2)}`,
        // Teams names the person by ids alone; no sign-in name, no roles.
        from: { id: `29:${who.objectId}`, aadObjectId: who.objectId },
        recipient: { id: '28:trellis' },
        conversation: { id: `a:chat-${who.objectId}`, conversationType: 'personal', tenantId: TENANT },
        value: { commandId: 'searchCases', parameters: [{ name: 'query', value: text }] },
      }),
    });
    const body = (await response.json()) as ComposeAnswer;
    const attachments = body.composeExtension?.attachments ?? [];
    const references = attachments
      .map((a) => /ROLES-[A-C]/.exec(a.preview.content.title)?.[0] ?? a.preview.content.title)
      .sort();
    return { status: response.status, references, body };
  }

  const assignmentReads = (): number => env.emulator.inspect().counters.byRoute['GET appRoleAssignments'] ?? 0;

  it('gives a course-team member, known only by object id, their programme’s cases once the role is assigned in Entra', async () => {
    // No assignment yet: the course leader is a tutor like any other, and sees the case naming them.
    const before = await search(lead, 'ROLES');
    expect(before.status).toBe(200);
    expect(before.references).toEqual(['ROLES-C']);
    expect((await conversations.findPersonByObjectId(lead.objectId))?.upn).toBe(lead.upn);

    // Assigned the Graph way (what an admin does under Enterprise applications → Users and groups).
    await env.client
      .api(`/servicePrincipals/${SP_ID}/appRoleAssignedTo`)
      .post({ principalId: lead.objectId, resourceId: SP_ID, appRoleId: roleId('CourseTeam') });

    // Remembered for the cache's lifetime: the next activities ask Graph nothing.
    const reads = assignmentReads();
    expect((await search(lead, 'ROLES')).references).toEqual(['ROLES-C']);
    expect(assignmentReads()).toBe(reads);

    skewMs += APP_ROLES_TTL_MS;
    const after = await search(lead, 'ROLES');
    // Course team for P1 (TRELLIS_COURSE_TEAM_PROGRAMMES, as for REST callers): A and C, never P2's B.
    expect(after.references).toEqual(['ROLES-A', 'ROLES-C']);
    expect(assignmentReads()).toBe(reads + 1);
  });

  it('gives no extra rights and no crash when Graph fails, and asks again on the next activity', async () => {
    await env.client
      .api(`/users/${admin.objectId}/appRoleAssignments`)
      .post({ principalId: admin.objectId, resourceId: SP_ID, appRoleId: roleId('Admin') });
    env.emulator.setFaults({
      rules: [{ name: 'entra down', path: '/users/*/appRoleAssignments', kind: 'fail', status: 503 }],
    });
    try {
      const failed = await search(admin, 'ROLES');
      expect(failed.status).toBe(200);
      // Not named on any case: without their role they see nothing, and are told so without an error.
      expect(failed.references).toEqual([]);
      expect(failed.body.composeExtension?.type).toBe('result');
      expect(
        log.lines.some(
          (l) =>
            l.level === 'warn' &&
            l.message.startsWith('app role lookup failed') &&
            l.fields?.objectId === admin.objectId,
        ),
      ).toBe(true);
    } finally {
      env.emulator.setFaults({});
    }
    // The failure was not remembered: Graph answers now, and the admin sees every programme.
    expect((await search(admin, 'ROLES')).references).toEqual(['ROLES-A', 'ROLES-B', 'ROLES-C']);
  });
});
