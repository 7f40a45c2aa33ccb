import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Inside node_modules (ignored by git), so the packages a bundle imports resolve from it as they do from src/. */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'trellis-child-bundles');

export interface ChildBundle {
  /** The ES module to run with `node --enable-source-maps <file>`. */
  readonly file: string;
  remove(): Promise<void>;
}

/**
 * A TypeScript entry (a program the crash tests start as a child process) bundled into one ES
 * module that plain `node` runs. Started with `node --import tsx` instead, every start sends each
 * of the app's modules through tsx's loader hooks: about 4 of the 7 CPU seconds a local-mode
 * restart cost, and the crash tests start, kill and restart their children again and again.
 * Only our own modules are bundled; packages stay external and load from node_modules as they
 * do under `npm start`, so the child runs the same code. Files the code finds next to itself
 * (by import.meta.dirname) are copied beside the bundle: `assets` maps a folder of the
 * repository to its place relative to the bundle. Each call makes its own folder, so files
 * running side by side never share one; `remove` deletes it.
 */
export async function bundleForChild(
  entry: string,
  options: { readonly assets?: Readonly<Record<string, string>> } = {},
): Promise<ChildBundle> {
  await mkdir(CACHE, { recursive: true });
  const name = path.basename(entry).replace(/\.ts$/, '');
  const dir = await mkdtemp(path.join(CACHE, `${name}-`));
  const file = path.join(dir, `${name}.mjs`);
  try {
    await build({
      entryPoints: [path.resolve(ROOT, entry)],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'error',
    });
    for (const [from, to] of Object.entries(options.assets ?? {}))
      await cp(path.resolve(ROOT, from), path.join(dir, to), { recursive: true });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    file,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
