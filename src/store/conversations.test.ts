import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConversationStore } from './conversations.js';
import { ListItemStore } from './graph/items.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../../test/support/provisioned-emulator.js';

/** The conversation store on the real Graph client against the emulator's "Trellis Conversations" list. */
let env: ProvisionedEmulator;
let store: ConversationStore;

beforeAll(async () => {
  env = await startProvisionedEmulator();
  store = new ConversationStore(env.client, env.site.lists.conversations);
});

afterAll(async () => {
  await env.close();
});

const person = {
  upn: 'Gareth.Evans@hollybank.example',
  name: 'Gareth Evans',
  aadObjectId: '11111111-2222-4333-8444-555555555555',
  teamsUserId: '29:gareth',
  tenantId: 'tenant',
  conversationId: 'a:1on1',
  serviceUrl: 'https://smba.example/teams/',
};

describe('ConversationStore', () => {
  it('saves a person and finds them by sign-in name and by object id, from a fresh store too', async () => {
    await store.savePerson(person);
    const fresh = new ConversationStore(env.client, env.site.lists.conversations);
    expect(await fresh.findPerson('gareth.evans@HOLLYBANK.example')).toMatchObject({
      upn: 'gareth.evans@hollybank.example',
      conversationId: 'a:1on1',
      teamsUserId: '29:gareth',
    });
    expect((await fresh.findPersonByObjectId(person.aadObjectId))?.upn).toBe('gareth.evans@hollybank.example');
    expect(await fresh.findPersonByObjectId('99999999-2222-4333-8444-555555555555')).toBeUndefined();
  });

  it('keeps the 1:1 conversation when a later activity (a group chat) does not carry one', async () => {
    await store.savePerson({ ...person, name: 'Gareth R. Evans', conversationId: undefined, serviceUrl: undefined });
    const found = await new ConversationStore(env.client, env.site.lists.conversations).findPerson(person.upn);
    expect(found).toMatchObject({
      name: 'Gareth R. Evans',
      conversationId: 'a:1on1',
      serviceUrl: 'https://smba.example/teams/',
    });
  });

  it('finds a programme’s channel, falling back to the default one', async () => {
    expect(await store.findChannel('PGCE Primary')).toBeUndefined();
    await store.saveChannel({
      programme: '*',
      conversationId: '19:default@thread',
      serviceUrl: 'https://smba.example/',
      tenantId: undefined,
      teamId: undefined,
      linkedBy: 'admin@uni.example',
    });
    expect((await store.findChannel('PGCE Primary'))?.conversationId).toBe('19:default@thread');
    await store.saveChannel({
      programme: 'PGCE Primary',
      conversationId: '19:primary@thread',
      serviceUrl: 'https://smba.example/',
      tenantId: 't',
      teamId: 'team',
      linkedBy: 'course.lead@uni.example',
    });
    expect((await store.findChannel('pgce primary'))?.conversationId).toBe('19:primary@thread');
    expect((await store.findChannel('Secondary'))?.conversationId).toBe('19:default@thread');
    // Unlinking works only from the channel linked.
    expect(await store.removeChannel('PGCE Primary', '19:elsewhere@thread')).toBe(false);
    expect(await store.removeChannel('PGCE Primary', '19:primary@thread')).toBe(true);
    expect((await store.findChannel('PGCE Primary'))?.conversationId).toBe('19:default@thread');
  });

  it('never uses a default channel nobody linked (rows an earlier version made on install)', async () => {
    const fresh = await startProvisionedEmulator();
    try {
      const items = new ListItemStore(fresh.client, fresh.site.lists.conversations, {
        fields: z.object({ ConversationKey: z.string() }).loose(),
        keyField: 'ConversationKey',
      });
      await items.createItem({
        Title: 'Channel for *',
        ConversationKey: 'channel:*',
        ConversationId: '19:first-team-anyone-added@thread',
        ServiceUrl: 'https://smba.example/',
        Reference: JSON.stringify({ programme: '*' }),
      });
      const conversations = new ConversationStore(fresh.client, fresh.site.lists.conversations);
      expect(await conversations.findChannel('PGCE Primary')).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });
});
