import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { silentLogger } from '../../src/app/logger.js';
import { startLocalMode } from '../../src/compose/local.js';
import { loadDevClock } from '../../src/dev/local-mode/dev-clock.js';
import { buildTab } from './build-tab.js';
import { SHARED_SETUP_DONE } from './shared-setup-done.js';
import { TAB_NOW } from './tab-today.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of this run's shared setup; it holds SHARED_SETUP_DONE once the work is done. */
    sharedSetupDir: string;
    /** The tab's production build, shared by every file of the `tab` project in this run. */
    builtTabDir: string;
    /** A local-mode data folder with the dev clock at TAB_NOW and the demo data loaded. */
    seededLocalModeDir: string;
  }
}

/**
 * Global setup of the `tab` project (vite.config.ts), into a temp folder of its own (two runs side
 * by side never share one), removed when the run ends. Once for the run, not once per test file:
 * the tab is built, and local mode's lists are provisioned and its demo data loaded into a folder
 * each file starts from a copy of (test/tab/tab-harness.ts), which local mode then finds seeded.
 *
 * The work is started here and not awaited: vitest starts no test of any project until every
 * global setup has returned, and the other projects have no need of it. Each tab file waits for
 * it instead (test/tab/shared-setup.ts, the project's setup file), told by a file in the folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trellis-test-tab-'));
  // Written whole under another name and renamed, so a file waiting never reads half of it.
  const tell = async (outcome: { ok: boolean; error?: string }): Promise<void> => {
    await writeFile(path.join(dir, `${SHARED_SETUP_DONE}.part`), JSON.stringify(outcome));
    await rename(path.join(dir, `${SHARED_SETUP_DONE}.part`), path.join(dir, SHARED_SETUP_DONE));
  };
  const work = Promise.all([buildTab(path.join(dir, 'tab')), seedLocalMode(path.join(dir, 'local-mode'))])
    .then(
      () => tell({ ok: true }),
      (error: unknown) =>
        tell({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
    .catch((error: unknown) => {
      console.error('the tab project could not record its shared setup', error);
    });
  project.provide('sharedSetupDir', dir);
  project.provide('builtTabDir', path.join(dir, 'tab'));
  project.provide('seededLocalModeDir', path.join(dir, 'local-mode'));
  return async () => {
    await work;
    await rm(dir, { recursive: true, force: true });
  };
}

async function seedLocalMode(dataDir: string): Promise<void> {
  await loadDevClock(dataDir).set(TAB_NOW);
  // No scheduler: each file's own local mode runs its sweeps, as it would from a fresh folder.
  const local = await startLocalMode({ dataDir, port: 0, durability: 'none', logger: silentLogger, schedule: false });
  await local.close();
}
