import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorGraphClient } from './index.js';
import { asArray, asRecord, graphError, rawFetch, startTestEmulator } from './test-support.js';
import type { TestEmulator } from './test-support.js';

const APP = '11111111-2222-3333-4444-555555555555';
let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ teamsAppCatalog: [APP] });
});
afterAll(async () => {
  await t.close();
});

const bind = (id: string): Record<string, string> => ({
  'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${id}`,
});

describe('installedApps (item 31)', () => {
  it('201 with no body, 409 when installed, 404 for an unknown catalog app', async () => {
    const raw = await rawFetch(t.emu, '/v1.0/users/trainee@provider.ac.uk/teamwork/installedApps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(bind(APP)),
    });
    expect(raw.status).toBe(201);
    expect(raw.text).toBe('');
    expect(raw.headers['content-type']).toBeUndefined();
    await expect(
      t.client.api('/users/mentor@school.org/teamwork/installedApps').post(bind(APP)),
    ).resolves.not.toThrow();
    const again = await graphError(() =>
      t.client.api('/users/mentor@school.org/teamwork/installedApps').post(bind(APP)),
    );
    expect(again.statusCode).toBe(409);
    const unknown = await graphError(() =>
      t.client.api('/users/mentor@school.org/teamwork/installedApps').post(bind('not-in-catalog')),
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('GET with $expand=teamsApp and $filter=teamsApp/id, then the 1:1 chat', async () => {
    const list = asRecord(
      await t.client
        .api('/users/mentor@school.org/teamwork/installedApps')
        .expand('teamsApp')
        .filter(`teamsApp/id eq '${APP}'`)
        .get(),
    );
    const [install] = asArray(list.value).map(asRecord);
    expect(asRecord(install?.teamsApp).id).toBe(APP);
    const none = asRecord(
      await t.client.api('/users/mentor@school.org/teamwork/installedApps').filter("teamsApp/id eq 'zzz'").get(),
    );
    expect(none.value).toEqual([]);
    const chat = asRecord(
      await t.client.api(`/users/mentor@school.org/teamwork/installedApps/${String(install?.id)}/chat`).get(),
    );
    expect(chat.id).toMatch(/^19:.+@unq\.gbl\.spaces$/);
    expect(t.emu.inspect().installs.map((i) => i.userId)).toEqual(
      expect.arrayContaining(['mentor@school.org', 'trainee@provider.ac.uk']),
    );
  });
});

describe('sendActivityNotification (item 30)', () => {
  const notification = (topic: Record<string, unknown>): Record<string, unknown> => ({
    topic,
    activityType: 'reviewDue',
    previewText: { content: 'Review due for CASE-123' },
    templateParameters: [{ name: 'caseId', value: 'CASE-123' }],
  });

  it('204 when the app is installed for the recipient; recorded for inspection', async () => {
    await t.client
      .api('/users/mentor@school.org/teamwork/sendActivityNotification')
      .post(notification({ source: 'text', value: 'Review', webUrl: 'https://teams.microsoft.com/l/entity/x' }));
    expect(t.emu.inspect().activityNotifications.at(-1)).toMatchObject({
      userId: 'mentor@school.org',
      activityType: 'reviewDue',
    });
  });

  it('403 when the app is not installed; 400 for a text topic without webUrl', async () => {
    const e = await graphError(() =>
      t.client
        .api('/users/nobody@school.org/teamwork/sendActivityNotification')
        .post(notification({ source: 'entityUrl', value: 'https://graph.microsoft.com/v1.0/users/x' })),
    );
    expect(e.statusCode).toBe(403);
    expect(e.message).toContain('Ensure that the expected Teams app is installed in the target scope');
    const bad = await graphError(() =>
      t.client
        .api('/users/mentor@school.org/teamwork/sendActivityNotification')
        .post(notification({ source: 'text', value: 'x' })),
    );
    expect(bad.statusCode).toBe(400);
  });
});

describe('channel messages (item 29)', () => {
  const card = JSON.stringify({
    type: 'AdaptiveCard',
    version: '1.4',
    body: [{ type: 'TextBlock', text: 'Review due' }],
  });
  const post = (attachmentId: string, content: unknown = card): Record<string, unknown> => ({
    body: { contentType: 'html', content: `<attachment id="${attachmentId}"></attachment>` },
    attachments: [{ id: 'a1', contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  });
  const url = '/teams/team-1/channels/19:general@thread.tacv2/messages';

  it('201 with an epoch-ms id equal to the etag; card recorded', async () => {
    const msg = asRecord(await t.client.api(url).post(post('a1')));
    expect(msg.id).toMatch(/^\d{13,}$/);
    expect(msg.etag).toBe(msg.id);
    expect(msg.createdDateTime).toMatch(/\.\d{3}Z$/);
    expect(t.emu.inspect().channelMessages.at(-1)?.cards).toEqual([JSON.parse(card)]);
  });

  it('validates attachments: content must be a string, ids must match', async () => {
    expect((await graphError(() => t.client.api(url).post(post('a1', { type: 'AdaptiveCard' })))).statusCode).toBe(400);
    expect((await graphError(() => t.client.api(url).post(post('zz')))).statusCode).toBe(400);
  });

  it('app-only callers are refused when channelPostsAllowApp is false; delegated callers are fine', async () => {
    const strict = await startTestEmulator({ channelPostsAllowApp: false });
    try {
      expect((await graphError(() => strict.client.api(url).post(post('a1')))).statusCode).toBe(403);
      const delegated = createEmulatorGraphClient(strict.emu, { callerKind: 'delegated' });
      expect(asRecord(await delegated.api(url).post(post('a1'))).id).toBeDefined();
    } finally {
      await strict.close();
    }
  });

  it('more than 4 posts per second on one channel are 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      try {
        await t.raw.api('/teams/team-2/channels/c/messages').post(post('a1'));
        statuses.push(201);
      } catch (e) {
        statuses.push((e as { statusCode: number }).statusCode);
      }
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
  });
});
