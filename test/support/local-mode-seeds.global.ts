import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSeeds, SEEDS_ENV } from './local-mode-seeds.js';

/**
 * Global setup of the `node` and `reliability` projects (vite.config.ts): makes the run's
 * local-mode seeds (test/support/local-mode-seeds.ts) once, whichever project asks first, into a
 * temp folder removed when the run ends. The work is started and not awaited, so no project waits
 * to start its files; a file that wants a seed waits for it. The folder is passed in the
 * environment, which the test processes, started after every global setup, inherit.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env[SEEDS_ENV] !== undefined) return undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'trellis-test-seeds-'));
  process.env[SEEDS_ENV] = dir;
  const work = makeSeeds(dir);
  return async () => {
    await work;
    await rm(dir, { recursive: true, force: true });
  };
}
