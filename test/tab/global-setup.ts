import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildTab } from './build-tab.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The tab's production build, shared by every file of the `tab` project in this run. */
    builtTabDir: string;
  }
}

/**
 * Global setup of the `tab` project (vite.config.ts): the tab is built once for the run, not
 * once per test file, into a temp folder of its own (two runs side by side never share one),
 * removed when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trellis-test-tab-'));
  await buildTab(path.join(dir, 'tab'));
  project.provide('builtTabDir', path.join(dir, 'tab'));
  return () => rm(dir, { recursive: true, force: true });
}
