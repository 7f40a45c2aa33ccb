/**
 * `npm start`: Trellis from source (through tsx). Builds the tab with Vite into build/tab on the
 * first start (or after it was removed), then starts as scripts/start.ts does. Development only:
 * the production start (`npm run start:prod`) serves the tab `npm run build` made and builds nothing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, reportStartFailure, TAB_DIR } from './start.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function ensureTabBuilt(): Promise<void> {
  if (existsSync(path.join(TAB_DIR, 'index.html'))) return;
  process.stdout.write('Building the tab (first start only)…\n');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'src', 'tab', 'vite.config.ts'), logLevel: 'warn' });
}

ensureTabBuilt().then(main).catch(reportStartFailure);
