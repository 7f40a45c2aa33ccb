import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';

/** Test files that serve the built tab to Chromium: they share one build per run (test/tab/global-setup.ts). */
const TAB_FILES = ['test/tab/**/*.e2e.test.ts', 'test/reliability/injection.test.ts'];
/** The reliability suite: run alone by `npm run test:reliability`; its files close every server and child they start. */
const RELIABILITY_FILES = ['test/reliability/**/*.test.ts'];
/** Local mode provisioned and its demo data loaded once a run, for the files that start it (test/support/local-mode-seeds.ts). */
const LOCAL_MODE_SEEDS = 'test/support/local-mode-seeds.global.ts';

export default defineConfig({
  test: {
    environment: 'node',
    // Tests run in UTC with an injected clock; nothing may depend on the host zone.
    env: { TZ: 'UTC' },
    // Generous: a bound that only a hung test reaches, also on a loaded machine.
    testTimeout: 60_000,
    // Hooks start local mode, a browser or a child process: at the start of a run, while the tab
    // is built and the typecheck and lint run beside the tests, that took over a minute here.
    hookTimeout: 180_000,
    // expect.poll waits this long for its condition (vitest's default, one second, is less than a
    // page can take to update on a machine running other work).
    expect: { poll: { timeout: 20_000, interval: 50 } },
    pool: 'forks',
    // Much of the suite waits on Chromium, child processes and sockets: with one file more than
    // there are cores, the cores sat idle for a third of a run. Two files a core keeps them
    // busy; the reliability scenarios' bounds are for a hung run, not a slow one.
    maxWorkers: availableParallelism() * 2,
    // The longest files start first and the short ones fill in at the end (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: [LOCAL_MODE_SEEDS],
          exclude: [...configDefaults.exclude, ...TAB_FILES, ...RELIABILITY_FILES],
          // Files share a worker's loaded modules instead of each importing the code base afresh;
          // every file closes what it starts, and no module keeps state a test depends on.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'tab',
          include: TAB_FILES,
          globalSetup: ['test/tab/global-setup.ts'],
          // Waits for that setup, which runs while the other projects' files start.
          setupFiles: ['test/tab/shared-setup.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: RELIABILITY_FILES,
          exclude: [...configDefaults.exclude, ...TAB_FILES],
          globalSetup: [LOCAL_MODE_SEEDS],
          // As the node project: a worker's loaded modules are shared by the files it runs (the
          // app's modules loaded once a worker instead of once a file, a seventh of the project's CPU).
          isolate: false,
        },
      },
    ],
  },
});
