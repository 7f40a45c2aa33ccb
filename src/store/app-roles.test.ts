import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_APP_IDENTITY, EMULATOR_APP_ROLES, emulatorServicePrincipalId } from '../dev/graph-emulator/index.js';
import { GraphAppRoleDirectory } from './app-roles.js';
import { GraphStoreError } from './graph/errors.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../../test/support/provisioned-emulator.js';

/** The app role lookup against the Graph emulator's service principal and assignments. */
let env: ProvisionedEmulator;
const SP_ID = emulatorServicePrincipalId(EMULATOR_APP_IDENTITY.id);
const USER = '2d4f6a8c-1b3e-4d5f-8a7c-9e0b2d4f6a81';

beforeAll(async () => {
  env = await startProvisionedEmulator();
});
afterAll(async () => {
  await env.close();
});

const reads = (kind: string): number => env.emulator.inspect().counters.byRoute[`GET ${kind}`] ?? 0;

describe('GraphAppRoleDirectory', () => {
  it('maps a user’s assignments to role names, reading the service principal once', async () => {
    const directory = new GraphAppRoleDirectory(env.client, { appId: EMULATOR_APP_IDENTITY.id });
    expect(await directory.rolesOf(USER)).toEqual([]);
    for (const role of EMULATOR_APP_ROLES) {
      await env.client
        .api(`/servicePrincipals/${SP_ID}/appRoleAssignedTo`)
        .post({ principalId: USER, resourceId: SP_ID, appRoleId: role.id });
    }
    const before = reads('servicePrincipal');
    expect(await directory.rolesOf(USER.toUpperCase())).toEqual(['CourseTeam', 'Admin']);
    expect(reads('servicePrincipal')).toBe(before);
  });

  it('asks Graph nothing for an object id that is not a GUID', async () => {
    const directory = new GraphAppRoleDirectory(env.client, { appId: EMULATOR_APP_IDENTITY.id });
    env.emulator.resetCounters();
    expect(await directory.rolesOf('../../sites/root')).toEqual([]);
    expect(env.emulator.inspect().counters.total).toBe(0);
  });

  it('throws a GraphStoreError when the app has no service principal, and tries again next time', async () => {
    const directory = new GraphAppRoleDirectory(env.client, { appId: '0f0e0d0c-0b0a-4908-8706-050403020100' });
    const error = await directory.rolesOf(USER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphStoreError);
    expect((error as GraphStoreError).code).toBe('not_found');
    const before = reads('servicePrincipal');
    await directory.rolesOf(USER).catch(() => undefined);
    expect(reads('servicePrincipal')).toBe(before + 1);
  });

  it('refuses an app id that is not a GUID', () => {
    expect(() => new GraphAppRoleDirectory(env.client, { appId: "x') or ('" })).toThrow(GraphStoreError);
  });
});
