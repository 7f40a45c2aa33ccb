import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_APP_IDENTITY } from '../dev/graph-emulator/index.js';
import { EMULATOR_APP_ROLES, emulatorServicePrincipalId } from '../dev/graph-emulator/app-roles.js';
import { startTestEmulator, type TestEmulator } from '../dev/graph-emulator/test-support.js';
import { checkSiteAudience, describeSiteAudience } from './site-audience.js';

/**
 * Who besides the course team and administrators can open the Trellis site, against the Graph
 * emulator: a site of its own (Graph cannot tell: said so), a team's site whose group holds only
 * role holders, and one whose group also holds a mentor with no Trellis role.
 */
let t: TestEmulator;
const SP_ID = emulatorServicePrincipalId(EMULATOR_APP_IDENTITY.id);
const COURSE_TEAM = EMULATOR_APP_ROLES[0].id;
const ADMIN = EMULATOR_APP_ROLES[1].id;

async function user(name: string, upn: string): Promise<string> {
  const created = (await t.client.api('/users').post({
    accountEnabled: true,
    displayName: name,
    mailNickname: upn.slice(0, upn.indexOf('@')).replace(/\W/g, ''),
    userPrincipalName: upn,
    passwordProfile: { password: 'Not-used-1!', forceChangePasswordNextSignIn: true },
  })) as { id: string };
  return created.id;
}

async function group(nickname: string, members: readonly string[], owners: readonly string[]): Promise<string> {
  const bind = (id: string) => `https://graph.microsoft.com/v1.0/users/${id}`;
  const created = (await t.client.api('/groups').post({
    displayName: `Team ${nickname}`,
    mailNickname: nickname,
    mailEnabled: true,
    securityEnabled: false,
    groupTypes: ['Unified'],
    'members@odata.bind': members.map(bind),
    'owners@odata.bind': owners.map(bind),
  })) as { id: string };
  return created.id;
}

const audience = () => checkSiteAudience(t.client, { siteId: t.emu.siteId, appId: EMULATOR_APP_IDENTITY.id });

let lead: string;
let admin: string;
let mentor: string;

beforeAll(async () => {
  t = await startTestEmulator();
  lead = await user('Course Lead', 'lead@provider.example');
  admin = await user('Site Admin', 'admin@provider.example');
  mentor = await user('School Mentor', 'mentor@school.example');
  const assign = (principalId: string, appRoleId: string) =>
    t.client.api(`/servicePrincipals/${SP_ID}/appRoleAssignedTo`).post({ principalId, resourceId: SP_ID, appRoleId });
  await assign(lead, COURSE_TEAM);
  await assign(admin, ADMIN);
});

afterAll(async () => {
  await t.close();
});

describe('the site audience check', () => {
  it('says plainly that a site of its own was not checked: Graph cannot list its members', async () => {
    const result = await audience();
    expect(result).toEqual({ kind: 'not_group_connected' });
    const { warn, lines } = describeSiteAudience(result);
    expect(warn).toBe(false);
    expect(lines[0]).toMatch(/^site audience: not checked: .*cannot list a SharePoint site's own members/);
  });

  it('finds nobody to warn about on a team’s site whose members and owners all hold a Trellis role', async () => {
    const id = await group('trellis-course', [lead], [admin]);
    await t.emu.connectSiteToGroup(id);
    expect(await audience()).toEqual({ kind: 'group', groupId: id, people: 2, outsiders: [] });
  });

  it('warns, by object id, about a member of the site’s group who holds no Trellis role', async () => {
    const id = await group('ite-partnership', [lead, mentor], [admin, lead]);
    await t.emu.connectSiteToGroup(id);
    const result = await audience();
    expect(result).toEqual({ kind: 'group', groupId: id, people: 3, outsiders: [mentor.toLowerCase()] });
    const { warn, lines } = describeSiteAudience(result);
    expect(warn).toBe(true);
    expect(lines[0]).toContain(`1 of the 3 members and owners of Microsoft 365 group ${id}`);
    expect(lines[0]).toContain(mentor.toLowerCase());
    // Ids only: no name or address in what is printed and logged.
    expect(lines.join(' ')).not.toMatch(/Mentor|school\.example|provider\.example/);
  });

  it('answers unknown, with the reason, when Graph refuses a step', async () => {
    await t.emu.connectSiteToGroup(undefined);
    const refused = await checkSiteAudience(t.client, { siteId: 'no-such-site', appId: EMULATOR_APP_IDENTITY.id });
    expect(refused.kind).toBe('unknown');
    expect(describeSiteAudience(refused).warn).toBe(true);
  });
});
