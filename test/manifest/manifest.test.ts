import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { MY_CASES_ENTITY_ID } from '../../src/cards/index.js';
import {
  buildManifest,
  drawIcons,
  iconFacts,
  LOCAL_DEFAULTS,
  packageApp,
  packageConfig,
  packageProblems,
  readIcons,
  schemaErrors,
} from '../../scripts/package-app.js';

const TENANT = {
  TEAMS_APP_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  ENTRA_CLIENT_ID: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
  BOT_ID: 'c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f',
  PUBLIC_URL: 'https://trellis.provider.ac.uk/',
  DEVELOPER_NAME: 'Mid-Essex ITT "Trellis"',
};

type Json = Record<string, unknown>;
const get = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[key] : undefined),
    value,
  );

describe('app manifest', () => {
  it('validates offline against the official v1.30 schema, with local defaults and with tenant settings', () => {
    expect(schemaErrors(buildManifest(packageConfig({})))).toEqual([]);
    expect(schemaErrors(buildManifest(packageConfig(TENANT)))).toEqual([]);
  });

  it('is checked by the schema for real: a wrong manifest is refused', () => {
    const manifest = buildManifest(packageConfig({}));
    const broken: Json = {
      ...manifest,
      bots: [{ ...(get(manifest, 'bots', 0) as Json), scopes: ['everywhere'] }],
      surprise: true,
    };
    const errors = schemaErrors(broken);
    expect(errors.some((e) => e.includes('/bots/0/scopes/0'))).toBe(true);
    expect(errors.some((e) => e.includes('surprise'))).toBe(true);
  });

  it('takes its ids and addresses from the environment', () => {
    const m = buildManifest(packageConfig(TENANT));
    expect(m.id).toBe(TENANT.TEAMS_APP_ID);
    expect(get(m, 'bots', 0, 'botId')).toBe(TENANT.BOT_ID);
    expect(get(m, 'composeExtensions', 0, 'botId')).toBe(TENANT.BOT_ID);
    expect(get(m, 'webApplicationInfo')).toEqual({
      id: TENANT.ENTRA_CLIENT_ID,
      resource: `api://trellis.provider.ac.uk/${TENANT.ENTRA_CLIENT_ID}`,
      nestedAppAuthInfo: [
        {
          redirectUri: 'brk-multihub://trellis.provider.ac.uk',
          scopes: [`api://trellis.provider.ac.uk/${TENANT.ENTRA_CLIENT_ID}/access_as_user`],
        },
      ],
    });
    expect(m.validDomains).toEqual(['trellis.provider.ac.uk']);
    expect(get(m, 'staticTabs', 0, 'contentUrl')).toBe('https://trellis.provider.ac.uk/?inHost=1');
    expect(get(m, 'developer', 'name')).toBe(TENANT.DEVELOPER_NAME);
    expect(m.version).toBe(
      (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
    );
  });

  it('defaults to one Entra app for bot and SSO, and to a local https origin', () => {
    const local = packageConfig({});
    expect(local).toMatchObject({
      TEAMS_APP_ID: LOCAL_DEFAULTS.TEAMS_APP_ID,
      BOT_ID: LOCAL_DEFAULTS.ENTRA_CLIENT_ID,
      PUBLIC_HOSTNAME: 'localhost',
    });
    expect(packageConfig({ BOT_ID: TENANT.BOT_ID })).toMatchObject({
      BOT_ID: TENANT.BOT_ID,
      ENTRA_CLIENT_ID: TENANT.BOT_ID,
    });
  });

  it.each([
    [{ TEAMS_APP_ID: 'trellis' }, /TEAMS_APP_ID must be a GUID/],
    [{ BOT_ID: '123' }, /must be a GUID/],
    [{ PUBLIC_URL: 'http://trellis.example' }, /must be https/],
    [{ PUBLIC_URL: 'https://trellis.example/app' }, /without a path/],
  ])('refuses bad settings %j', (env, message) => {
    expect(() => packageConfig(env)).toThrow(message);
  });

  it('declares the tabs, bot and message extension Trellis serves', () => {
    const m = buildManifest(packageConfig({}));
    expect(get(m, 'staticTabs', 0)).toMatchObject({
      entityId: MY_CASES_ENTITY_ID,
      name: 'Home',
      scopes: ['personal'],
    });
    expect(get(m, 'configurableTabs', 0)).toMatchObject({
      configurationUrl: 'https://localhost:3978/config?inHost=1',
      scopes: ['team', 'groupChat'],
    });
    expect(get(m, 'configurableTabs', 0, 'context')).toContain('channelTab');
    expect(get(m, 'bots', 0)).toMatchObject({ scopes: ['personal', 'team', 'groupChat'], supportsFiles: false });
    const commands = get(m, 'composeExtensions', 0, 'commands') as Json[];
    expect(commands.map((c) => [c.id, c.type])).toEqual([
      ['searchCases', 'query'],
      ['raiseConcern', 'action'],
    ]);
    expect(commands[0]).toMatchObject({ parameters: [{ name: 'query' }] });
    expect(commands[1]).toMatchObject({ fetchTask: true, context: ['message'] });
    expect(m).toMatchObject({
      devicePermissions: [],
      showLoadingIndicator: true,
      isFullScreen: false,
      manifestVersion: '1.30',
    });
  });
});

describe('icons', () => {
  const icons = readIcons();

  it('are 192×192 (colour) and 32×32 (outline, white on transparent)', () => {
    const color = iconFacts(icons.color);
    const outline = iconFacts(icons.outline);
    expect([color.width, color.height]).toEqual([192, 192]);
    expect(color.opaquePixels).toBe(192 * 192);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    expect(outline.whiteOnly).toBe(true);
    expect(outline.transparentPixels).toBeGreaterThan(32 * 32 * 0.3);
    expect(outline.opaquePixels).toBeGreaterThan(32 * 4);
    // The corners are background.
    const decoded = PNG.sync.read(icons.outline);
    for (const [x, y] of [
      [0, 0],
      [31, 0],
      [0, 31],
      [31, 31],
    ] as const)
      expect(decoded.data[(y * 32 + x) * 4 + 3]).toBe(0);
  });

  it('are exactly what the drawing script produces (committed PNGs are reproducible)', () => {
    const drawn = drawIcons();
    expect(drawn.color.equals(icons.color)).toBe(true);
    expect(drawn.outline.equals(icons.outline)).toBe(true);
  });

  it('are checked before packaging', () => {
    const manifest = buildManifest(packageConfig({}));
    expect(packageProblems(manifest, icons)).toEqual([]);
    expect(packageProblems(manifest, { color: icons.outline, outline: icons.color })).toEqual([
      'color.png must be 192×192; it is 32×32',
      'outline.png must be 32×32; it is 192×192',
      'outline.png must be white on a transparent background',
      'outline.png has no transparent background',
    ]);
  });
});

describe('app package', () => {
  it('zips manifest.json and the two icons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-package-'));
    const config = packageConfig(TENANT);
    const path = await packageApp(config, dir);
    expect(path).toBe(join(dir, `trellis-${config.APP_VERSION}.zip`));
    const zip = await JSZip.loadAsync(readFileSync(path));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse((await zip.file('manifest.json')?.async('string')) ?? '') as Json;
    expect(manifest).toEqual(buildManifest(config));
    expect(schemaErrors(manifest)).toEqual([]);
    expect((await zip.file('color.png')?.async('nodebuffer'))?.equals(readIcons().color)).toBe(true);
    expect((await zip.file('outline.png')?.async('nodebuffer'))?.equals(readIcons().outline)).toBe(true);
  });

  it('is written by `npm run package`, which prints its path', () => {
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const out = execFileSync(tsx, ['scripts/package-app.ts'], {
      encoding: 'utf8',
      env: { ...process.env, ...TENANT },
    }).trim();
    expect(out).toMatch(/build\/appPackage\/trellis-\d+\.\d+\.\d+.*\.zip$/);
    expect(existsSync(out)).toBe(true);
  });

  it('refuses to package an invalid manifest', () => {
    const manifest = { ...buildManifest(packageConfig({})), accentColor: 'green' };
    expect(packageProblems(manifest, readIcons()).some((p) => p.includes('/accentColor'))).toBe(true);
  });
});
