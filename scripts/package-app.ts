/**
 * Builds the Teams app package (unified manifest 1.30: Teams, Outlook and the Microsoft 365
 * app): fills manifest/manifest.template.json from the environment, validates it offline
 * against the official JSON schema shipped in @microsoft/app-manifest, checks the icons, and
 * zips manifest.json + color.png + outline.png into build/appPackage/trellis-<version>.zip.
 *
 *   npm run package          validate and write the zip; prints its path
 *   npm run package:icons    redraw manifest/color.png and manifest/outline.png (deterministic)
 *
 * Environment (local defaults in brackets, good for the Agents Playground and a dev tunnel):
 *   TEAMS_APP_ID      the app's id in Teams                 [a fixed local GUID]
 *   ENTRA_CLIENT_ID   Entra app registration (SSO / NAA)    [BOT_ID, else a fixed local GUID]
 *   BOT_ID            Azure Bot / Entra app id for the bot  [ENTRA_CLIENT_ID]
 *   PUBLIC_URL        https origin serving tab and bot      [https://localhost:3978]
 *   DEVELOPER_NAME    publisher shown in the store listing  [Trellis]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { PNG } from 'pngjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MANIFEST_DIR = join(ROOT, 'manifest');
export const PACKAGE_DIR = join(ROOT, 'build', 'appPackage');

export const LOCAL_DEFAULTS = {
  TEAMS_APP_ID: '2f6c1d7e-8a4b-4c3d-9e5f-1a2b3c4d5e6f',
  ENTRA_CLIENT_ID: '7d3e9a1b-2c4f-4e6a-8b1d-3f5a7c9e0b2d',
  PUBLIC_URL: 'https://localhost:3978',
  DEVELOPER_NAME: 'Trellis',
} as const;

export interface PackageConfig {
  readonly TEAMS_APP_ID: string;
  readonly BOT_ID: string;
  readonly ENTRA_CLIENT_ID: string;
  readonly PUBLIC_URL: string;
  readonly PUBLIC_HOSTNAME: string;
  readonly DEVELOPER_NAME: string;
  readonly APP_VERSION: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

/** Reads the package settings from an environment, with the documented local defaults. */
export function packageConfig(env: Readonly<Record<string, string | undefined>> = process.env): PackageConfig {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const entra = value('ENTRA_CLIENT_ID') ?? value('BOT_ID') ?? LOCAL_DEFAULTS.ENTRA_CLIENT_ID;
  const config = {
    TEAMS_APP_ID: value('TEAMS_APP_ID') ?? LOCAL_DEFAULTS.TEAMS_APP_ID,
    ENTRA_CLIENT_ID: entra,
    BOT_ID: value('BOT_ID') ?? entra,
    PUBLIC_URL: (value('PUBLIC_URL') ?? LOCAL_DEFAULTS.PUBLIC_URL).replace(/\/+$/, ''),
    DEVELOPER_NAME: value('DEVELOPER_NAME') ?? LOCAL_DEFAULTS.DEVELOPER_NAME,
    APP_VERSION: value('APP_VERSION') ?? appVersion(),
  };
  for (const name of ['TEAMS_APP_ID', 'ENTRA_CLIENT_ID', 'BOT_ID'] as const) {
    if (!GUID.test(config[name])) throw new Error(`${name} must be a GUID; got "${config[name]}".`);
  }
  const url = new URL(config.PUBLIC_URL);
  if (url.protocol !== 'https:')
    throw new Error(`PUBLIC_URL must be https (Teams loads tabs only over https); got "${config.PUBLIC_URL}".`);
  if (url.pathname !== '/' || url.search !== '')
    throw new Error(`PUBLIC_URL must be an origin without a path; got "${config.PUBLIC_URL}".`);
  // validDomains and the Entra resource take the host without a port.
  return { ...config, PUBLIC_HOSTNAME: url.hostname };
}

/** Fills `${{NAME}}` placeholders; JSON-escapes each value so no setting can break the document. */
export function renderManifest(template: string, config: PackageConfig): Record<string, unknown> {
  const filled = template.replace(/\$\{\{([A-Z_]+)\}\}/g, (_m, name: string) => {
    if (!(name in config)) throw new Error(`manifest template uses \${{${name}}}, which has no setting`);
    return JSON.stringify(config[name as keyof PackageConfig]).slice(1, -1);
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

export function buildManifest(config: PackageConfig = packageConfig()): Record<string, unknown> {
  return renderManifest(readFileSync(join(MANIFEST_DIR, 'manifest.template.json'), 'utf8'), config);
}

// ---------------------------------------------------------------------------------------
// Validation against the official schema, offline

type Validate = ((data: unknown) => boolean) & {
  errors?: readonly { instancePath: string; message?: string; params?: unknown }[] | null;
};

let validateSchema: Validate | undefined;

/**
 * The v1.30 schema is JSON Schema draft-04, so it is compiled with the ajv-draft-04 and
 * ajv-formats that @microsoft/app-manifest itself depends on (resolved from that package, not
 * installed separately), with the same options the package uses.
 */
function schemaValidator(): Validate {
  if (validateSchema) return validateSchema;
  const fromAppManifest = createRequire(createRequire(import.meta.url).resolve('@microsoft/app-manifest'));
  const AjvDraft04 = (
    fromAppManifest('ajv-draft-04') as { default: new (options: object) => { compile(schema: unknown): Validate } }
  ).default;
  const addFormats = (fromAppManifest('ajv-formats') as { default: (ajv: unknown, formats: string[]) => void }).default;
  const schema: unknown = fromAppManifest('./json-schemas/teams/v1.30/MicrosoftTeams.schema.json');
  const ajv = new AjvDraft04({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  validateSchema = ajv.compile(schema);
  return validateSchema;
}

export function schemaErrors(manifest: unknown): string[] {
  const validate = schemaValidator();
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) =>
    `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params ?? {})}`.trim(),
  );
}

export interface IconFacts {
  readonly width: number;
  readonly height: number;
  /** Every pixel with any opacity is pure white. */
  readonly whiteOnly: boolean;
  readonly transparentPixels: number;
  readonly opaquePixels: number;
}

export function iconFacts(png: Buffer): IconFacts {
  const image = PNG.sync.read(png);
  let whiteOnly = true;
  let transparentPixels = 0;
  let opaquePixels = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b, a] = [image.data[i], image.data[i + 1], image.data[i + 2], image.data[i + 3]];
    if (a === 0) transparentPixels += 1;
    else {
      if (a === 255) opaquePixels += 1;
      if (r !== 255 || g !== 255 || b !== 255) whiteOnly = false;
    }
  }
  return { width: image.width, height: image.height, whiteOnly, transparentPixels, opaquePixels };
}

/** Rules the schema cannot express, checked before zipping. */
export function packageProblems(
  manifest: Record<string, unknown>,
  icons: { readonly color: Buffer; readonly outline: Buffer },
): string[] {
  const problems = schemaErrors(manifest);
  const text = JSON.stringify(manifest);
  if (text.includes('${{')) problems.push('the manifest still has an unfilled ${{…}} placeholder');
  const color = iconFacts(icons.color);
  const outline = iconFacts(icons.outline);
  if (color.width !== 192 || color.height !== 192)
    problems.push(`color.png must be 192×192; it is ${color.width}×${color.height}`);
  if (outline.width !== 32 || outline.height !== 32)
    problems.push(`outline.png must be 32×32; it is ${outline.width}×${outline.height}`);
  if (!outline.whiteOnly) problems.push('outline.png must be white on a transparent background');
  if (outline.transparentPixels === 0) problems.push('outline.png has no transparent background');
  return problems;
}

// ---------------------------------------------------------------------------------------
// Icons: a trellis lattice, drawn from geometry so the PNGs are reproducible byte for byte

const GREEN = [0x2e, 0x6b, 0x4f] as const;

/** Distance from point (x, y) to the segment a–b, in the same units. */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

type Segment = readonly [number, number, number, number];

/**
 * The motif in unit coordinates: an upright frame with a diamond lattice inside, as a garden
 * trellis. `bars` sets how many diagonals cross the frame; fewer for the 32-pixel outline.
 */
function latticeSegments(bars: number, inset: number): { readonly frame: Segment[]; readonly lattice: Segment[] } {
  const [l, r, t, b] = [inset, 1 - inset, inset, 1 - inset];
  const frame: Segment[] = [
    [l, t, r, t],
    [r, t, r, b],
    [r, b, l, b],
    [l, b, l, t],
  ];
  const lattice: Segment[] = [];
  const w = r - l;
  const step = (2 * w) / (bars + 1);
  // Lines of slope +1 and −1 through the square, clipped to it.
  for (let k = 1; k <= bars; k += 1) {
    const c = -w + k * step; // offset along x of where the line meets the top edge
    // The line (x0 + s·dir, t + s) for s in the range that keeps it inside the frame.
    const clip = (x0: number, dir: 1 | -1): Segment | undefined => {
      const [xFrom, xTo] = dir === 1 ? [l - x0, r - x0] : [x0 - r, x0 - l];
      const from = Math.max(0, xFrom);
      const to = Math.min(b - t, xTo);
      return to > from ? [x0 + from * dir, t + from, x0 + to * dir, t + to] : undefined;
    };
    const down = clip(l + c, 1);
    const up = clip(r - c, -1);
    if (down) lattice.push(down);
    if (up) lattice.push(up);
  }
  return { frame, lattice };
}

/** Coverage (0–1) of the motif at a pixel, from 4×4 samples. */
function coverage(px: number, py: number, size: number, segments: readonly Segment[], halfWidth: number): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy += 1) {
    for (let sx = 0; sx < 4; sx += 1) {
      const x = (px + (sx + 0.5) / 4) / size;
      const y = (py + (sy + 0.5) / 4) / size;
      if (segments.some(([ax, ay, bx, by]) => segmentDistance(x, y, ax, ay, bx, by) <= halfWidth)) hits += 1;
    }
  }
  return hits / 16;
}

function drawIcon(
  size: number,
  background: readonly [number, number, number] | undefined,
  bars: number,
  inset: number,
  frameWidth: number,
  barWidth: number,
): Buffer {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  const { frame, lattice } = latticeSegments(bars, inset);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const ink = Math.max(coverage(x, y, size, frame, frameWidth / 2), coverage(x, y, size, lattice, barWidth / 2));
      const i = (y * size + x) * 4;
      if (background) {
        // Colour icon: white lattice over the accent colour, fully opaque.
        png.data[i] = Math.round(background[0] + (255 - background[0]) * ink);
        png.data[i + 1] = Math.round(background[1] + (255 - background[1]) * ink);
        png.data[i + 2] = Math.round(background[2] + (255 - background[2]) * ink);
        png.data[i + 3] = 255;
      } else {
        // Outline icon: white only; coverage goes into alpha over a transparent background.
        png.data[i] = 255;
        png.data[i + 1] = 255;
        png.data[i + 2] = 255;
        png.data[i + 3] = Math.round(255 * ink);
      }
    }
  }
  return PNG.sync.write(png, { colorType: 6, deflateLevel: 9 });
}

export function drawIcons(): { readonly color: Buffer; readonly outline: Buffer } {
  return {
    color: drawIcon(192, GREEN, 5, 0.2, 0.045, 0.03),
    outline: drawIcon(32, undefined, 3, 0.12, 0.09, 0.07),
  };
}

export function readIcons(): { readonly color: Buffer; readonly outline: Buffer } {
  return {
    color: readFileSync(join(MANIFEST_DIR, 'color.png')),
    outline: readFileSync(join(MANIFEST_DIR, 'outline.png')),
  };
}

// ---------------------------------------------------------------------------------------
// The package

export async function zipPackage(
  manifest: Record<string, unknown>,
  icons: { readonly color: Buffer; readonly outline: Buffer },
): Promise<Buffer> {
  const zip = new JSZip();
  // A fixed date keeps the zip byte-for-byte reproducible.
  const date = new Date('2026-01-01T00:00:00Z');
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date });
  zip.file('color.png', icons.color, { date });
  zip.file('outline.png', icons.outline, { date });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' });
}

/** Validates, then writes build/appPackage/trellis-<version>.zip; returns its path. */
export async function packageApp(config: PackageConfig = packageConfig(), outDir = PACKAGE_DIR): Promise<string> {
  const manifest = buildManifest(config);
  const icons = readIcons();
  const problems = packageProblems(manifest, icons);
  if (problems.length > 0) throw new Error(`The app package is not valid:\n  - ${problems.join('\n  - ')}`);
  const path = join(outDir, `trellis-${config.APP_VERSION}.zip`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await zipPackage(manifest, icons));
  return path;
}

async function main(args: readonly string[]): Promise<void> {
  if (args[0] === 'icons') {
    const icons = drawIcons();
    writeFileSync(join(MANIFEST_DIR, 'color.png'), icons.color);
    writeFileSync(join(MANIFEST_DIR, 'outline.png'), icons.outline);
    console.log(`${join(MANIFEST_DIR, 'color.png')}\n${join(MANIFEST_DIR, 'outline.png')}`);
    return;
  }
  console.log(await packageApp());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
