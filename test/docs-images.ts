import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where tests save the pictures the docs show: screenshots of the tab, the cards and the form
 * PDFs' pages. `npm test` must leave the working tree as it found it, so a test run writes them
 * under build/test-output/docs (ignored by git), where a failing run can still be looked at.
 * `npm run docs:screenshots` runs the same tests with TRELLIS_DOCS_SCREENSHOTS=1, which writes
 * them into docs/ to be committed. The tab's screenshots (docsScreenshot) are only taken then.
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

/** What a tab screenshot is taken of: a Playwright page. */
interface Photographable {
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
}

/**
 * A screenshot of the tab for docs/screenshots, taken only when `npm run docs:screenshots` asks
 * (TRELLIS_DOCS_SCREENSHOTS=1). In `npm test` nothing compares these pictures, and each costs
 * Chromium a render of the whole page; a failing test still keeps a picture of its page in
 * build/test-output/failures (test/tab/tab-harness.ts).
 */
export async function docsScreenshot(
  page: Photographable,
  file: string,
  options: { fullPage: boolean },
): Promise<void> {
  if (!WRITES_DOCS) return;
  await page.screenshot({ path: path.join(docsImagesDir('screenshots'), file), fullPage: options.fullPage });
}
