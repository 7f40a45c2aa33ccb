import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where tests save the pictures the docs show: screenshots of the tab, the cards and the form
 * PDFs' pages. `npm test` must leave the working tree as it found it, so a test run writes them
 * under build/test-output/docs (ignored by git), where a failing run can still be looked at.
 * `npm run docs:screenshots` runs the same tests with TRELLIS_DOCS_SCREENSHOTS=1, which writes
 * them into docs/ to be committed.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const WRITES_DOCS = process.env.TRELLIS_DOCS_SCREENSHOTS === '1';

export type DocsImageFolder = 'screenshots' | 'cards' | 'forms';

/** The folder for this kind of picture (created if missing). */
export function docsImagesDir(folder: DocsImageFolder): string {
  const dir = WRITES_DOCS ? path.join(ROOT, 'docs', folder) : path.join(ROOT, 'build', 'test-output', 'docs', folder);
  mkdirSync(dir, { recursive: true });
  return dir;
}
