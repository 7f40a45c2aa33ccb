/**
 * `npm run docs:screenshots`: refreshes the pictures in docs/ — the tab's screenshots, the cards
 * and the form PDFs' pages. The tests that drive those screens take them; in `npm test` they
 * go to build/test-output/docs (so a test run never changes a tracked file), and here the same
 * tests run with TRELLIS_DOCS_SCREENSHOTS=1, which sends them into docs/. The tab tests pin
 * "today" (test/tab/tab-harness.ts), so the pictures are the same whatever the date; review
 * and commit what changed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every test file that takes a picture for docs/: the ones that ask test/docs-images.ts where to put it, or to take it. */
function testsTakingPictures(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => /\bdocs(ImagesDir|Screenshot)\(/.test(readFileSync(file, 'utf8')))
    .sort();
}

const TAKEN_BY = testsTakingPictures('test');

const run = spawnSync('npx', ['vitest', 'run', ...TAKEN_BY], {
  stdio: 'inherit',
  env: { ...process.env, TRELLIS_DOCS_SCREENSHOTS: '1' },
});
if (run.status !== 0) {
  process.stderr.write('Some of the tests that take the pictures failed; docs/ may be partly refreshed.\n');
  process.exit(run.status ?? 1);
}
const changed = spawnSync('git', ['status', '--short', '--', 'docs'], { encoding: 'utf8' });
process.stdout.write(
  changed.stdout.trim() === ''
    ? 'The pictures in docs/ are unchanged.\n'
    : `Pictures in docs/ that changed (review, then commit):\n${changed.stdout}`,
);
