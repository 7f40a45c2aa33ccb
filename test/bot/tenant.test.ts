import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet } from 'jose';
import { createBot } from '../../src/bot/bot.js';
import { tenantIdentity } from '../../src/bot/identity.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { createApp } from '../../src/server/app.js';
import { createTokenVerifier } from '../../src/server/auth/verify-token.js';
import { silentLogger } from '../../src/server/logger.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../../src/store/testing/emulator.js';

/**
 * Tenant mode: the SDK validates Bot Framework tokens, so an activity without one (or with a
 * forged one) is refused before any handler runs, even from this machine; nothing is stored.
 */
let env: ProvisionedEmulator;
let server: Server;
let url: string;
let conversations: ConversationStore;

beforeAll(async () => {
  env = await startProvisionedEmulator();
  const repository = new GraphCaseRepository(env.client, env.site, { roleSides: roleSidesOf(SEED_PROCEDURES) });
  conversations = new ConversationStore(env.client, env.site.lists.conversations);
  const logger = silentLogger;
  const bot = await createBot({
    mode: 'tenant',
    useCases: { repository, procedures: SEED_PROCEDURES, clock: () => new Date(), logger },
    conversations,
    links: { appId: '2f6c1d7e-8a4b-4c3d-9e5f-1a2b3c4d5e6f', tabEntityId: 'my-cases', publicUrl: 'https://trellis.example' },
    identity: tenantIdentity(conversations),
    logger,
    credentials: { clientId: '7d3e9a1b-2c4f-4e6a-8b1d-3f5a7c9e0b2d', clientSecret: 'not-a-real-secret', tenantId: '11111111-2222-4333-8444-555555555555' },
    defaultServiceUrl: () => 'https://smba.trafficmanager.net/teams',
  });
  const app = createApp({
    repository,
    procedures: SEED_PROCEDURES,
    clock: () => new Date(),
    verifyToken: createTokenVerifier({ keys: createLocalJWKSet({ keys: [] }), tenantId: '11111111-2222-4333-8444-555555555555', audiences: ['api://x'], programmes: { from: 'config', value: 'all' } }),
    config: { mode: 'tenant', publicUrl: 'https://trellis.example' },
    logger,
    messages: bot.messages,
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => { resolve(s); });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
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
    const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(install) });
    expect(response.status).toBe(401);
    expect(await conversations.findPersonByObjectId('99999999-2222-4333-8444-555555555555')).toBeUndefined();
  });

  it('does not take the REST API’s bearer route for /api/messages, and answers bad bodies with 400', async () => {
    const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(response.status).toBe(400);
    const notActivity = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(notActivity.status).toBe(400);
  });
});
