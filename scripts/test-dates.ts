/**
 * `npm run test:dates`: every test, run once for each of a few awkward "todays" under Debian's
 * faketime (`apt-get install faketime`), so a test that only passes on some days of the year
 * shows up before that day comes: a Sunday, a bank holiday and New Year's Eve by default, or
 * the dates given (`npm run test:dates -- 2027-05-03 "2027-03-28 00:30:00"`); anything after
 * `--` goes to vitest (`npm run test:dates -- 2026-12-25 -- test/server`).
 *
 * faketime moves the clock of Node and of everything it starts, Chromium included, and lets it
 * run on from there. The tab's tests in local mode pin their own day on the dev clock
 * (test/tab/tab-harness.ts), so there it is the tenant-mode tab tests and the rest of the suite
 * that meet the date. Not part of `npm test`: it is three full runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const DEFAULT_DAYS = ['2026-12-06', '2026-12-25', '2026-12-31'];

const args = process.argv.slice(2);
const split = args.indexOf('--');
const days = split === -1 ? args : args.slice(0, split);
const vitestArgs = split === -1 ? [] : args.slice(split + 1);

const DAY = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;
const bad = days.filter((d) => !DAY.test(d));
if (bad.length > 0) {
  process.stderr.write(`Not a date (YYYY-MM-DD, optionally with HH:MM[:SS], UTC): ${bad.join(', ')}\n`);
  process.exit(2);
}
if (spawnSync('faketime', ['--help'], { stdio: 'ignore' }).error !== undefined) {
  process.stderr.write("npm run test:dates needs Debian's faketime: apt-get install faketime\n");
  process.exit(2);
}

const require = createRequire(import.meta.url);
const vitestManifest = require.resolve('vitest/package.json');
const vitest = path.join(
  path.dirname(vitestManifest),
  (JSON.parse(readFileSync(vitestManifest, 'utf8')) as { bin: Record<string, string> }).bin.vitest ?? 'vitest.mjs',
);

const results: string[] = [];
for (const day of days.length > 0 ? days : DEFAULT_DAYS) {
  const at = day.length === 10 ? `${day} 09:00:00` : day;
  process.stdout.write(`\n== every test with today at ${at} UTC (faketime)\n`);
  const started = performance.now();
  // -m: the multi-threaded libfaketime, which Node needs.
  const run = spawnSync('faketime', ['-m', at, process.execPath, vitest, 'run', ...vitestArgs], {
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC' },
  });
  const seconds = Math.round((performance.now() - started) / 1000);
  results.push(`${run.status === 0 ? 'passed' : 'FAILED'}  ${at} UTC (${seconds} s)`);
}
process.stdout.write(`\n${results.join('\n')}\n`);
process.exitCode = results.every((r) => r.startsWith('passed')) ? 0 : 1;
