import { configDefaults, defineConfig } from 'vitest/config';

/** Test files that serve the built tab to Chromium: they share one build per run (test/tab/global-setup.ts). */
const TAB_FILES = ['test/tab/**/*.e2e.test.ts', 'test/reliability/injection.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    // Tests run in UTC with an injected clock; nothing may depend on the host zone.
    env: { TZ: 'UTC' },
    // Generous: a bound that only a hung test reaches, also on a loaded machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...TAB_FILES],
        },
      },
      {
        extends: true,
        test: { name: 'tab', include: TAB_FILES, globalSetup: ['test/tab/global-setup.ts'] },
      },
    ],
  },
});
