import path from 'node:path';
import { build } from 'vite';

/**
 * A production build of the tab into `outDir` (never build/tab, which `npm start` serves).
 * Vitest sets NODE_ENV=test, which would give React's development build; the tests use what ships.
 */
export async function buildTab(outDir: string): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.resolve('src/tab/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = before;
  }
}
