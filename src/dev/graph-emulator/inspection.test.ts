import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asArray,
  asRecord,
  createItems,
  createList,
  graphError,
  listPath,
  rawFetch,
  startTestEmulator,
} from './test-support.js';
import type { TestEmulator } from './test-support.js';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t.close();
});

describe('inspection and controls (/_emulator)', () => {
  it('counts Graph round trips per method and route kind; /_emulator is not counted', async () => {
    t.emu.resetCounters();
    const listId = await createList(t.client, t.emu, 'Counted');
    await createItems(t.client, t.emu, listId, 3, () => ({}), 1);
    await t.client.api(`${listPath(t.emu, listId)}/items`).get();
    await rawFetch(t.emu, '/_emulator/counters');
    const counters = asRecord(JSON.parse((await rawFetch(t.emu, '/_emulator/counters')).text));
    expect(counters.total).toBe(5);
    expect(asRecord(counters.byRoute)).toEqual({ 'POST lists': 1, 'POST items': 3, 'GET items': 1 });
    expect((await rawFetch(t.emu, '/_emulator/counters/reset', { method: 'POST' })).status).toBe(204);
    expect(t.emu.inspect().counters.total).toBe(0);
  });

  it('exposes the inspection over HTTP and in process', async () => {
    await t.client
      .api('/users/a@provider.ac.uk/sendMail')
      .post({ message: { toRecipients: [{ emailAddress: { address: 'b@school.org' } }] } });
    const inspect = asRecord(JSON.parse((await rawFetch(t.emu, '/_emulator/inspect')).text));
    for (const key of ['mails', 'events', 'installs', 'channelMessages', 'activityNotifications', 'counters'])
      expect(inspect).toHaveProperty(key);
    expect(asArray(inspect.mails)).toHaveLength(t.emu.inspect().mails.length);
    const health = asRecord(JSON.parse((await rawFetch(t.emu, '/_emulator/health')).text));
    expect(health).toMatchObject({ ok: true, baseUrl: t.emu.baseUrl, siteId: t.emu.siteId });
  });

  it('POST /_emulator/reset wipes state but keeps the site id', async () => {
    const listId = await createList(t.client, t.emu, 'Doomed');
    expect((await rawFetch(t.emu, '/_emulator/reset', { method: 'POST' })).status).toBe(204);
    expect((await graphError(() => t.client.api(listPath(t.emu, listId)).get())).statusCode).toBe(404);
    expect(t.emu.inspect().mails).toEqual([]);
    expect(asRecord(await t.client.api(`/sites/${t.emu.siteId}`).get()).id).toBe(t.emu.siteId);
  });
});
