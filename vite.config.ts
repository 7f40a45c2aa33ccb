import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Tests run in UTC with an injected clock; nothing may depend on the host zone.
    env: { TZ: 'UTC' },
    testTimeout: 20_000,
    pool: 'forks',
  },
});
