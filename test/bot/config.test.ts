import { describe, expect, it } from 'vitest';
import { botSettingsFromEnv, DEFAULT_BOT_SERVICE_URL } from '../../src/compose/bot-config.js';

const GRAPH_APP = '7d3e9a1b-2c4f-4e6a-8b1d-3f5a7c9e0b2d';
const TENANT = '11111111-2222-4333-8444-555555555555';
const defaults = { clientId: GRAPH_APP, tenantId: TENANT, graphClientId: GRAPH_APP, graphClientSecret: 'graph-secret' };

describe('bot settings from the environment', () => {
  it('uses the Graph registration when the bot has none of its own', () => {
    const problems: string[] = [];
    expect(botSettingsFromEnv({}, defaults, problems)).toEqual({
      clientId: GRAPH_APP,
      clientSecret: 'graph-secret',
      tenantId: TENANT,
      teamsAppId: undefined,
      serviceUrl: DEFAULT_BOT_SERVICE_URL,
      appRoles: 'graph',
      appRolesTtlMs: 120_000,
    });
    expect(problems).toEqual([]);
  });

  it('needs a secret for a separate bot registration and names each bad value', () => {
    const problems: string[] = [];
    botSettingsFromEnv(
      {
        BOT_ID: '2f6c1d7e-8a4b-4c3d-9e5f-1a2b3c4d5e6f',
        TEAMS_APP_ID: 'nope',
        BOT_SERVICE_URL: 'http://insecure.example',
      },
      defaults,
      problems,
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/BOT_PASSWORD is missing/);
    expect(problems.join('\n')).toMatch(/TEAMS_APP_ID must be a GUID/);
    expect(problems.join('\n')).toMatch(/BOT_SERVICE_URL must be an https/);
  });

  it('looks app roles up through Graph unless BOT_APP_ROLES=off, and names a bad value', () => {
    expect(botSettingsFromEnv({ BOT_APP_ROLES: 'OFF' }, defaults, []).appRoles).toBe('off');
    const problems: string[] = [];
    expect(botSettingsFromEnv({ BOT_APP_ROLES: 'token' }, defaults, problems).appRoles).toBe('off');
    expect(problems).toEqual(['BOT_APP_ROLES must be "graph" or "off", got "token"']);
  });

  it('remembers app roles for BOT_APP_ROLES_TTL_SECONDS (two minutes by default), and names a bad value', () => {
    expect(botSettingsFromEnv({ BOT_APP_ROLES_TTL_SECONDS: '30' }, defaults, []).appRolesTtlMs).toBe(30_000);
    expect(botSettingsFromEnv({ BOT_APP_ROLES_TTL_SECONDS: '0' }, defaults, []).appRolesTtlMs).toBe(0);
    for (const bad of ['-1', '1.5', 'ten', '3601']) {
      const problems: string[] = [];
      expect(botSettingsFromEnv({ BOT_APP_ROLES_TTL_SECONDS: bad }, defaults, problems).appRolesTtlMs).toBe(120_000);
      expect(problems).toEqual([
        `BOT_APP_ROLES_TTL_SECONDS must be a whole number of seconds from 0 to 3600, got "${bad}"`,
      ]);
    }
  });
});
