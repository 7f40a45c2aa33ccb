import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inspectBicep } from '../../scripts/check-infra.js';
import { buildManifest, packageConfig } from '../../scripts/package-app.js';

/**
 * The Microsoft 365 Agents Toolkit project files (m365agents.yml, m365agents.local.yml, env/,
 * aad.manifest.json, .vscode/) cannot be run here (provisioning needs a tenant and a
 * subscription). What can be checked offline: every `${{VARIABLE}}` a step uses is a setting in
 * env/ or is written by an earlier step, the Entra app manifest agrees with the Teams manifest and
 * the server, and the local launch runs what `npm run playground` reads.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Step {
  readonly uses: string;
  readonly name?: string;
  readonly with?: Record<string, unknown>;
  readonly writeToEnvironmentFile?: Record<string, string>;
}

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1] ?? '');

/** env/.env.<name>: settings above the "Written by provision and deploy" line, the rest below it. */
function envFile(name: string): { settings: Set<string>; written: Set<string> } {
  const settings = new Set<string>();
  const written = new Set<string>();
  let target = settings;
  for (const line of read(`env/.env.${name}`).split('\n')) {
    if (line.startsWith('# ---- Written by provision')) target = written;
    const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match?.[1] !== undefined) target.add(match[1]);
  }
  return { settings, written };
}

/** Files a step reads whose `${{…}}` the toolkit fills in. */
function filesOf(step: Step): string[] {
  const w = step.with ?? {};
  const files: string[] = [];
  if (typeof w.manifestPath === 'string') files.push(w.manifestPath);
  if (Array.isArray(w.templates))
    for (const template of w.templates as { parameters?: string }[])
      if (typeof template.parameters === 'string') files.push(template.parameters);
  return files;
}

/** The environment `npm run package` (scripts/package-app.ts) reads. */
const PACKAGE_APP_VARIABLES = [
  'TEAMS_APP_ID',
  'ENTRA_CLIENT_ID',
  'BOT_ID',
  'PUBLIC_URL',
  'DEVELOPER_NAME',
  'APP_VERSION',
];

async function writesOf(step: Step): Promise<string[]> {
  const out = Object.values(step.writeToEnvironmentFile ?? {});
  const run = step.with?.run;
  if (step.uses === 'script' && typeof run === 'string')
    out.push(...[...run.matchAll(/::set-teamsfx-env ([A-Z0-9_]+)=/g)].map((m) => m[1] ?? ''));
  if (step.uses === 'arm/deploy')
    for (const template of (step.with?.templates ?? []) as { path: string }[])
      out.push(...(await inspectBicep(path.join(ROOT, template.path))).outputs);
  // aadApp/update makes an id for the access_as_user scope when none is set yet.
  if (step.uses === 'aadApp/update') out.push('AAD_APP_ACCESS_AS_USER_PERMISSION_ID');
  return out;
}

function usesOf(step: Step): string[] {
  const used = placeholders(JSON.stringify(step.with ?? {}));
  for (const file of filesOf(step)) used.push(...placeholders(read(file)));
  if (step.uses === 'cli/runNpmCommand' && step.with?.args === 'run package') used.push(...PACKAGE_APP_VARIABLES);
  return used;
}

describe('Agents Toolkit project (m365agents.yml)', () => {
  const project = parse(read('m365agents.yml')) as Record<string, Step[] | string>;
  const env = envFile('dev');

  it('has the provision, deploy and publish lifecycles in the toolkit layout', () => {
    expect(project.version).toMatch(/^v1\.\d+$/);
    expect(project.environmentFolderPath).toBe('./env');
    const provision = (project.provision as Step[]).map((s) => s.uses);
    expect(provision).toEqual([
      'teamsApp/create',
      'aadApp/create',
      'arm/deploy',
      'aadApp/update',
      'script',
      'cli/runNpmCommand',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
      'teamsApp/extendToM365',
    ]);
    expect((project.deploy as Step[]).map((s) => s.uses)).toEqual(['script', 'arm/deploy']);
    expect((project.publish as Step[]).map((s) => s.uses)).toContain('teamsApp/publishAppPackage');
  });

  it('uses no variable before a setting or an earlier step provides it', async () => {
    const available = new Set(env.settings);
    const missing: string[] = [];
    for (const lifecycle of ['provision', 'deploy', 'publish'] as const) {
      for (const step of project[lifecycle] as Step[]) {
        const writes = await writesOf(step);
        // A step may use what it writes only when the toolkit makes it before using it (aadApp/update's scope id).
        const own = step.uses === 'aadApp/update' ? writes : [];
        for (const name of usesOf(step))
          if (!available.has(name) && !own.includes(name))
            missing.push(`${lifecycle}: ${step.name ?? step.uses} uses ${name}`);
        for (const name of writes) available.add(name);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists in env/.env.dev exactly what provision and deploy write, and keeps secrets out of it', async () => {
    const writes = new Set<string>();
    for (const lifecycle of ['provision', 'deploy'] as const)
      for (const step of project[lifecycle] as Step[]) for (const name of await writesOf(step)) writes.add(name);
    const notListed = [...writes].filter(
      (name) => !name.startsWith('SECRET_') && !env.written.has(name) && !env.settings.has(name),
    );
    const neverWritten = [...env.written].filter((name) => !writes.has(name));
    // Outputs not every step needs still land in the file; these are the ones a person or a later step reads.
    expect(neverWritten).toEqual([]);
    expect(
      notListed.filter(
        (name) => !name.startsWith('AZURE_') && !name.startsWith('MANAGED_IDENTITY_') && name !== 'BOT_ENDPOINT',
      ),
    ).toEqual([]);
    expect([...env.settings, ...env.written].filter((name) => name.startsWith('SECRET_'))).toEqual([]);
    expect(writes.has('SECRET_ENTRA_CLIENT_SECRET')).toBe(true);
  });

  it('keeps env/.env.*.user and .localConfigs out of git, and env/.env.dev in it', () => {
    const ignored = (file: string): boolean => {
      try {
        execFileSync('git', ['check-ignore', '-q', file], { cwd: ROOT });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored('env/.env.dev.user')).toBe(true);
    expect(ignored('env/.env.prod.user')).toBe(true);
    expect(ignored('.localConfigs')).toBe(true);
    expect(ignored('env/.env.dev')).toBe(false);
    expect(ignored('env/.env.local')).toBe(false);
  });
});

describe('Entra app manifest (aad.manifest.json)', () => {
  const aad = JSON.parse(read('aad.manifest.json')) as {
    identifierUris: string[];
    signInAudience: string;
    api: {
      requestedAccessTokenVersion: number;
      oauth2PermissionScopes: { value: string; id: string }[];
      preAuthorizedApplications: { appId: string; delegatedPermissionIds: string[] }[];
    };
    appRoles: { value: string; id: string; allowedMemberTypes: string[] }[];
    spa: { redirectUris: string[] };
    requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
  };
  const host = 'trellis.provider.example';
  const clientId = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
  const fill = (text: string): string =>
    text.replaceAll('${{PUBLIC_HOSTNAME}}', host).replaceAll('${{ENTRA_CLIENT_ID}}', clientId);
  const teams = buildManifest(packageConfig({ PUBLIC_URL: `https://${host}`, ENTRA_CLIENT_ID: clientId })) as {
    webApplicationInfo: {
      id: string;
      resource: string;
      nestedAppAuthInfo: { redirectUri: string; scopes: string[] }[];
    };
  };

  it('exposes the resource and scope the Teams manifest and the tab ask for', () => {
    expect(aad.identifierUris.map(fill)).toEqual([teams.webApplicationInfo.resource]);
    expect(aad.api.oauth2PermissionScopes.map((s) => s.value)).toEqual(['access_as_user']);
    expect(teams.webApplicationInfo.nestedAppAuthInfo[0]?.scopes).toEqual([
      `${fill(aad.identifierUris[0] ?? '')}/access_as_user`,
    ]);
    expect(aad.api.requestedAccessTokenVersion).toBe(2);
    expect(aad.signInAudience).toBe('AzureADMyOrg');
  });

  it('has the SPA redirect URIs sign-in needs: MSAL in a browser and nested app auth in Teams and Outlook', () => {
    const redirects = aad.spa.redirectUris.map(fill);
    expect(redirects).toContain(`https://${host}/`);
    expect(redirects).toContain(teams.webApplicationInfo.nestedAppAuthInfo[0]?.redirectUri);
  });

  it('pre-authorises the Teams, Outlook and Microsoft 365 clients for the scope', () => {
    const scopeId = aad.api.oauth2PermissionScopes[0]?.id;
    const apps = aad.api.preAuthorizedApplications;
    for (const client of [
      '1fec8e78-bce4-4aaf-ab1b-5451cc387264', // Teams desktop and mobile
      '5e3ce6c0-2b1f-4285-8d4b-75ee78787346', // Teams web
      '4765445b-32c6-49b0-83e6-1d93765276ca', // Microsoft 365 web
      '0ec893e0-5785-4de6-99da-4ed124e5296c', // Microsoft 365 desktop
      'd3590ed6-52b3-4102-aeff-aad2292ab01c', // Microsoft 365 mobile, Outlook desktop
      'bc59ab01-8403-45c6-8796-ac3ef710b3e3', // Outlook web
      '27922004-5251-4030-b22d-91ecd9a37ea4', // Outlook mobile
    ])
      expect(apps.find((a) => a.appId === client)?.delegatedPermissionIds).toEqual([scopeId]);
  });

  it('defines the app roles the server reads from tokens', () => {
    const server = read('src/server/auth/verify-token.ts');
    expect(aad.appRoles.map((r) => r.value).sort()).toEqual(['Admin', 'CourseTeam']);
    for (const role of aad.appRoles) {
      expect(server).toContain(`${role.value}: '`);
      expect(role.allowedMemberTypes).toEqual(['User']);
      expect(role.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('asks for the Graph application permissions the README names, and no broad site scope', () => {
    const graph = aad.requiredResourceAccess.find((r) => r.resourceAppId === 'Microsoft Graph');
    const roles = (graph?.resourceAccess ?? []).filter((a) => a.type === 'Role').map((a) => a.id);
    expect(roles.sort()).toEqual(
      [
        'Calendars.ReadWrite',
        'Directory.Read.All',
        'Mail.Send',
        'Sites.Selected',
        'TeamsAppInstallation.ReadWriteForUser.All',
        'User.Read.All',
      ].sort(),
    );
    const readme = read('README.md');
    for (const role of roles) expect(readme).toContain(role);
    expect(roles.some((r) => /^Sites\.(Read|ReadWrite|FullControl|Manage)\.All$/.test(r))).toBe(false);
  });
});

describe('local run (m365agents.local.yml, .vscode)', () => {
  const local = parse(read('m365agents.local.yml')) as { deploy: Step[] };

  it('writes .localConfigs with what npm run playground reads, from env/.env.local', () => {
    const step = local.deploy.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile');
    const envs = (step?.with?.envs ?? {}) as Record<string, string>;
    const playground = read('scripts/playground.ts');
    for (const name of Object.keys(envs)) expect(playground).toContain(`process.env.${name}`);
    const settings = envFile('local').settings;
    for (const name of placeholders(JSON.stringify(envs))) expect(settings.has(name), name).toBe(true);
  });

  it('launches npm scripts and tasks that exist', () => {
    const strip = (text: string): string => text.replace(/^\s*\/\/.*$/gm, '');
    const launch = JSON.parse(strip(read('.vscode/launch.json'))) as {
      configurations: { runtimeArgs?: string[]; preLaunchTask?: string; program?: string }[];
    };
    const tasks = JSON.parse(strip(read('.vscode/tasks.json'))) as { tasks: { label: string; script?: string }[] };
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const configuration of launch.configurations) {
      const args = configuration.runtimeArgs ?? [];
      const script = args[0] === 'run' ? args[1] : args[0];
      if (script !== undefined) expect(scripts[script], script).toBeDefined();
      if (configuration.preLaunchTask !== undefined)
        expect(tasks.tasks.map((t) => t.label)).toContain(configuration.preLaunchTask);
    }
    for (const task of tasks.tasks)
      if (task.script !== undefined) expect(scripts[task.script], task.script).toBeDefined();
    expect(launch.configurations.some((c) => c.runtimeArgs?.join(' ') === 'run playground')).toBe(true);
  });
});
