/**
 * `npm run build`: the production artefact in dist/, run with `npm run start:prod`
 * (`node dist/scripts/start.js`) on production dependencies only.
 *
 *   dist/scripts, dist/src   the server, compiled by tsc from tsconfig.build.json's entry points
 *   dist/adaptive-cards      the card templates (JSON imports, emitted by tsc beside the code)
 *   dist/package.json        emitted too (the Graph client reads its version); its "type":
 *                            "module" makes Node read dist/**.js as ES modules
 *   dist/src/…/assets        files the server reads from disk next to its code (copied)
 *   dist/tab                 the tab, built by Vite; start.js serves it from beside itself
 *
 *   --no-check   emit without type checking (CI runs `npm run typecheck` first; the build is then
 *                a few seconds of tsc instead of a minute)
 */
import { spawnSync } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = path.join(ROOT, 'dist');

/** Files under src/ that the server reads at run time and tsc does not emit (not TypeScript, not imported JSON). */
export async function runtimeAssets(srcDir = path.join(ROOT, 'src')): Promise<string[]> {
  const entries = await readdir(srcDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(srcDir, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith(`tab${path.sep}`) && !/\.(ts|tsx|json)$/.test(file))
    .sort();
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${String(result.status)})`);
}

async function main(args: readonly string[]): Promise<void> {
  const started = Date.now();
  await rm(DIST, { recursive: true, force: true });

  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.build.json', ...(args.includes('--no-check') ? ['--noCheck'] : [])]);

  const assets = await runtimeAssets();
  for (const file of assets) await cp(path.join(ROOT, 'src', file), path.join(DIST, 'src', file));

  const { build } = await import('vite');
  await build({
    configFile: path.join(ROOT, 'src', 'tab', 'vite.config.ts'),
    root: path.join(ROOT, 'src', 'tab'),
    logLevel: 'warn',
    build: { outDir: path.join(DIST, 'tab'), emptyOutDir: true },
  });

  process.stdout.write(
    `Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s (${assets.length} runtime asset${assets.length === 1 ? '' : 's'} copied). Run it with \`npm run start:prod\`.\n`,
  );
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
