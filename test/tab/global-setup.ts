import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { silentLogger } from '../../src/app/logger.js';
import { startLocalMode } from '../../src/compose/local.js';
import { loadDevClock } from '../../src/dev/local-mode/dev-clock.js';
import { buildTab } from './build-tab.js';
import { TAB_NOW } from './tab-today.js';

declare module 'vitest' {
  export interface ProvidedContext {
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
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trellis-test-tab-'));
  try {
    await Promise.all([buildTab(path.join(dir, 'tab')), seedLocalMode(path.join(dir, 'local-mode'))]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide('builtTabDir', path.join(dir, 'tab'));
  project.provide('seededLocalModeDir', path.join(dir, 'local-mode'));
  return () => rm(dir, { recursive: true, force: true });
}

async function seedLocalMode(dataDir: string): Promise<void> {
  await loadDevClock(dataDir).set(TAB_NOW);
  // No scheduler: each file's own local mode runs its sweeps, as it would from a fresh folder.
  const local = await startLocalMode({ dataDir, port: 0, durability: 'none', logger: silentLogger, schedule: false });
  await local.close();
}
