import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBicep, checkInfra, checkParametersFile, inspectBicep, INFRA_DIR } from '../../scripts/check-infra.js';

/**
 * infra/ has no Bicep CLI to compile it here (it is not on the npm registry): these are the
 * offline checks scripts/check-infra.ts makes, on the real templates and on broken ones.
 */
describe('infra/ Bicep, checked offline', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trellis-bicep-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, text: string): Promise<string> {
    const full = path.join(dir, name);
    await writeFile(full, text);
    return full;
  }

  it('finds no problem in infra/main.bicep, its modules and main.parameters.json', async () => {
    expect(await checkInfra()).toEqual([]);
  });

  it('declares what a deployment needs and outputs what the Agents Toolkit writes back', async () => {
    const main = await inspectBicep(path.join(INFRA_DIR, 'main.bicep'));
    expect(main.params.filter((p) => !p.hasDefault).map((p) => p.name)).toEqual([
      'resourceBaseName',
      'entraClientId',
      'graphSiteId',
    ]);
    expect(main.outputs).toEqual(
      expect.arrayContaining(['PUBLIC_URL', 'PUBLIC_HOSTNAME', 'AZURE_CONTAINER_REGISTRY_NAME', 'BOT_ENDPOINT']),
    );
    expect(main.modules.map((m) => path.relative(INFRA_DIR, m.path)).sort()).toEqual([
      'modules/bot.bicep',
      'modules/container-apps.bicep',
      'modules/key-vault.bicep',
      'modules/monitoring.bicep',
      'modules/registry.bicep',
    ]);
  });

  it('connects the bot to Teams, Microsoft 365 and Outlook (actionable messages), each channel named as the resource schema has it', async () => {
    const bot = await readFile(path.join(INFRA_DIR, 'modules/bot.bicep'), 'utf8');
    const channels = [
      ...bot.matchAll(/resource \w+ 'Microsoft\.BotService\/botServices\/channels@[\d-]+' = \{([\s\S]*?)\n\}/g),
    ].map((m) => {
      const body = m[1] ?? '';
      return { name: /\n {2}name: '(\w+)'/.exec(body)?.[1], channelName: /channelName: '(\w+)'/.exec(body)?.[1] };
    });
    expect(channels).toEqual([
      { name: 'MsTeamsChannel', channelName: 'MsTeamsChannel' },
      { name: 'M365Extensions', channelName: 'M365Extensions' },
      { name: 'OutlookChannel', channelName: 'OutlookChannel' },
    ]);
  });

  it('reports a syntax error and a name that is not declared', async () => {
    const broken = await file(
      'broken.bicep',
      "param a string\nvar b = '${a}-${c}'\nresource r 'X/y@2024-01-01' = {\n  name: \n}\n",
    );
    const problems = await checkBicep(broken);
    expect(problems.some((p) => p.includes('broken.bicep:2') && p.includes('"c" is not declared'))).toBe(true);
    expect(problems.some((p) => /broken\.bicep:\d+:\d+ (syntax error|missing)/.test(p))).toBe(true);
  });

  it('does not mistake keys, functions, lambda parameters or decorators for names', async () => {
    const fine = await file(
      'fine.bicep',
      [
        "@description('d')",
        'param settings object',
        'var env = map(filter(items(settings), s => !empty(s.value)), s => { name: s.key, value: s.value })',
        "resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {",
        "  name: 'x'",
        '  location: resourceGroup().location',
        "  tags: { '${env[0].name}': az.resourceGroup().name }",
        '}',
        'output id string = id.id',
      ].join('\n'),
    );
    expect(await checkBicep(fine)).toEqual([]);
  });

  it("checks a module's parameters and outputs against the module", async () => {
    await file('child.bicep', "param required string\nparam optional string = ''\noutput url string = required\n");
    const parent = await file(
      'parent.bicep',
      [
        "module child 'child.bicep' = {",
        "  name: 'child'",
        "  params: { optional: 'x', surprise: 'y' }",
        '}',
        'output a string = child.outputs.url',
        'output b string = child.outputs.nope',
      ].join('\n'),
    );
    const problems = await checkBicep(parent);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('passes "surprise", which it does not declare'),
        expect.stringContaining('needs "required"'),
        expect.stringContaining('child.outputs.nope is not an output'),
      ]),
    );
    expect(problems.some((p) => p.includes('outputs.url'))).toBe(false);
  });

  it('checks a parameters file against the template', async () => {
    const template = await file('t.bicep', "param needed string\nparam withDefault string = 'x'\n");
    const parameters = await file('t.parameters.json', JSON.stringify({ parameters: { extra: { value: 1 } } }));
    expect(await checkParametersFile(template, parameters)).toEqual([
      expect.stringContaining('sets "extra", which the template does not declare'),
      expect.stringContaining('does not set "needed", which has no default'),
    ]);
  });
});
