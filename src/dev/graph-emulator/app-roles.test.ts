import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_APP_IDENTITY, EMULATOR_APP_ROLES, emulatorServicePrincipalId } from './index.js';
import { asArray, asRecord, errorBody, graphError, rawFetch, startTestEmulator, tempDir } from './test-support.js';
import type { TestEmulator } from './test-support.js';

const APP_ID = EMULATOR_APP_IDENTITY.id;
const SP_ID = emulatorServicePrincipalId(APP_ID);
const COURSE_TEAM = EMULATOR_APP_ROLES[0].id;
const ADMIN = EMULATOR_APP_ROLES[1].id;
const ALICE = '3f1c9e2a-7b4d-4c8e-9a1f-6d2b5e8c0a47';
const BOB = '9b2e4d6f-1a3c-4e5b-8d7f-0c2a4e6b8d13';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t.close();
});

const assignedTo = (sp: string) => t.client.api(`/servicePrincipals/${sp}/appRoleAssignedTo`);
const userAssignments = (user: string) => t.client.api(`/users/${user}/appRoleAssignments`);

describe('service principal', () => {
  it('is found by appId and by id, with its app roles; $select narrows it', async () => {
    const byAppId = asRecord(
      await t.client.api(`/servicePrincipals(appId='${APP_ID}')`).select(['id', 'appRoles']).get(),
    );
    expect(byAppId.id).toBe(SP_ID);
    expect(Object.keys(byAppId).filter((k) => !k.startsWith('@'))).toEqual(['id', 'appRoles']);
    const roles = asArray(byAppId.appRoles).map(asRecord);
    expect(roles.map((r) => [r.value, r.id, r.isEnabled])).toEqual([
      ['CourseTeam', COURSE_TEAM, true],
      ['Admin', ADMIN, true],
    ]);
    const byId = asRecord(await t.client.api(`/servicePrincipals/${SP_ID}`).get());
    expect(byId.appId).toBe(APP_ID);
    expect(byId.displayName).toBe(EMULATOR_APP_IDENTITY.displayName);
  });

  it('answers 404 Request_ResourceNotFound for another app, 400 for an unknown property', async () => {
    const other = await graphError(() =>
      t.client.api("/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')").get(),
    );
    expect(other.statusCode).toBe(404);
    expect(errorBody(other).code).toBe('Request_ResourceNotFound');
    const unknownId = await graphError(() => t.client.api('/servicePrincipals/not-a-principal').get());
    expect(unknownId.statusCode).toBe(404);
    const badSelect = await graphError(() => t.client.api(`/servicePrincipals/${SP_ID}`).select('passwordz').get());
    expect(badSelect.statusCode).toBe(400);
  });
});

describe('app role assignments', () => {
  it('grants a role through appRoleAssignedTo (201) and lists it for the user, filtered by resourceId', async () => {
    const created = asRecord(
      await assignedTo(SP_ID).post({ principalId: ALICE, resourceId: SP_ID, appRoleId: COURSE_TEAM }),
    );
    expect(created).toMatchObject({
      principalId: ALICE,
      resourceId: SP_ID,
      appRoleId: COURSE_TEAM,
      principalType: 'User',
    });
    expect(String(created.id)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const mine = asRecord(
      await userAssignments(ALICE)
        .filter(`resourceId eq ${SP_ID}`)
        .query({ $count: 'true' })
        .header('ConsistencyLevel', 'eventual')
        .get(),
    );
    expect(mine['@odata.count']).toBe(1);
    expect(asArray(mine.value).map((a) => asRecord(a).appRoleId)).toEqual([COURSE_TEAM]);
    const otherResource = asRecord(
      await userAssignments(ALICE).filter('resourceId eq 11111111-2222-4333-8444-555555555555').get(),
    );
    expect(otherResource.value).toEqual([]);
    const everyone = asRecord(await assignedTo(SP_ID).get());
    expect(asArray(everyone.value).map((a) => asRecord(a).principalId)).toContain(ALICE);
  });

  it('grants through the user too; the principal must be that user', async () => {
    const created = asRecord(
      await userAssignments(BOB).post({ principalId: BOB, resourceId: SP_ID, appRoleId: ADMIN }),
    );
    expect(created.appRoleId).toBe(ADMIN);
    const mismatch = await graphError(() =>
      userAssignments(BOB).post({ principalId: ALICE, resourceId: SP_ID, appRoleId: ADMIN }),
    );
    expect(mismatch.statusCode).toBe(400);
  });

  it('names a principal the directory knows, and finds a user’s assignments by sign-in name too', async () => {
    const user = asRecord(
      await t.client.api('/users').post({
        accountEnabled: true,
        displayName: 'Carol Course',
        mailNickname: 'carol',
        userPrincipalName: 'carol@provider.example',
        passwordProfile: { password: 'Not-used-1!', forceChangePasswordNextSignIn: true },
      }),
    );
    const id = String(user.id);
    const created = asRecord(
      await assignedTo(SP_ID).post({ principalId: id, resourceId: SP_ID, appRoleId: COURSE_TEAM }),
    );
    expect(created.principalDisplayName).toBe('Carol Course');
    const byUpn = asRecord(await userAssignments('carol@provider.example').get());
    expect(asArray(byUpn.value).map((a) => asRecord(a).principalId)).toEqual([id]);
  });

  it('refuses a duplicate, a role the app does not define, another resource and a malformed body with 400', async () => {
    const cases: unknown[] = [
      { principalId: ALICE, resourceId: SP_ID, appRoleId: COURSE_TEAM },
      { principalId: ALICE, resourceId: SP_ID, appRoleId: '12345678-1234-4234-8234-123456789012' },
      { principalId: ALICE, resourceId: '11111111-2222-4333-8444-555555555555', appRoleId: COURSE_TEAM },
      { principalId: 'alice', resourceId: SP_ID, appRoleId: COURSE_TEAM },
      [],
    ];
    for (const body of cases) {
      const error = await graphError(() => assignedTo(SP_ID).post(body));
      expect(error.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(errorBody(await graphError(() => assignedTo(SP_ID).post(cases[0]))).message).toContain('already exists');
  });

  it('needs ConsistencyLevel: eventual for $count, and takes only an unquoted GUID in the filter', async () => {
    const noHeader = await graphError(() => userAssignments(ALICE).query({ $count: 'true' }).get());
    expect(noHeader.statusCode).toBe(400);
    const quoted = await graphError(() => userAssignments(ALICE).filter(`resourceId eq '${SP_ID}'`).get());
    expect(quoted.statusCode).toBe(400);
    const otherProperty = await graphError(() => userAssignments(ALICE).filter(`appRoleId eq ${COURSE_TEAM}`).get());
    expect(otherProperty.statusCode).toBe(400);
  });

  it('revokes with DELETE (204), then the user has no assignment; counts requests by route', async () => {
    t.emu.resetCounters();
    const list = asRecord(await userAssignments(ALICE).get());
    const id = String(asRecord(asArray(list.value)[0]).id);
    const raw = await rawFetch(t.emu, `/v1.0/servicePrincipals/${SP_ID}/appRoleAssignedTo/${id}`, { method: 'DELETE' });
    expect(raw.status).toBe(204);
    expect(asRecord(await userAssignments(ALICE).get()).value).toEqual([]);
    const gone = await graphError(() => t.client.api(`/users/${ALICE}/appRoleAssignments/${id}`).delete());
    expect(gone.statusCode).toBe(404);
    const counters = t.emu.inspect().counters.byRoute;
    expect(counters['GET appRoleAssignments']).toBe(2);
    expect(counters['DELETE appRoleAssignedTo']).toBe(1);
  });

  it('keeps assignments across a restart and clears them on reset', async () => {
    const dir = await tempDir();
    try {
      const first = await startTestEmulator({ durability: 'fsync' }, dir);
      await first.client
        .api(`/servicePrincipals/${SP_ID}/appRoleAssignedTo`)
        .post({ principalId: ALICE, resourceId: SP_ID, appRoleId: ADMIN });
      await first.close();
      const again = await startTestEmulator({ durability: 'fsync' }, dir);
      try {
        const after = asRecord(await again.client.api(`/users/${ALICE}/appRoleAssignments`).get());
        expect(asArray(after.value).map((a) => asRecord(a).appRoleId)).toEqual([ADMIN]);
        await again.emu.reset();
        expect(asRecord(await again.client.api(`/users/${ALICE}/appRoleAssignments`).get()).value).toEqual([]);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
