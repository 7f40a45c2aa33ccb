/**
 * `npm test`: the typecheck (the server side and the tab), the lint (ESLint, Prettier, knip) and every
 * test, run side by side rather than one after another: tsc and ESLint each keep one core busy,
 * while the tests spend much of their time waiting on Chromium, child processes and sockets, so
 * together they finish well before the sum of their times. The tests' output streams as they
 * run; each check's output is printed whole when it ends. Fails if any of them fails.
 * `npm run typecheck`, `npm run lint` and `npm run test:unit` run one part alone.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The JavaScript file behind a package's command, run with this Node (no shell, no npx). */
function commandOf(pkg: string, name: string): string {
  const manifest = manifestOf(pkg);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const file = typeof bin === 'string' ? bin : bin?.[name];
  if (file === undefined) throw new Error(`${pkg} has no command ${name}`);
  return path.join(path.dirname(manifest), file);
}

/**
 * A package's package.json: its exported manifest, or else found from its entry point (not every
 * package exports its manifest). An installed alias (`typescript-7`) is found by the alias, though
 * its manifest names the package it stands for.
 */
function manifestOf(pkg: string): string {
  try {
    return require.resolve(`${pkg}/package.json`);
  } catch {
    // Not exported: look up from the entry point.
  }
  let dir = path.dirname(require.resolve(pkg));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    try {
      if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === pkg) return candidate;
    } catch {
      // No manifest here: look further up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${pkg}'s package.json`);
    dir = parent;
  }
}

interface Step {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Streams its output as it runs (the tests); the others print theirs when they end. */
  readonly live?: boolean;
}

/**
 * The typecheck runs TypeScript 7, the compiler's native port: the same checks in a fifth of the
 * CPU (the server side took 28 s with TypeScript 6 here, 10 s with 7). TypeScript 6 stays the
 * `typescript` package, for the tools that call the compiler's JavaScript API (typescript-eslint,
 * the production build).
 */
const TSC = commandOf('typescript-7', 'tsc');

const STEPS: readonly Step[] = [
  { name: 'typecheck', command: TSC, args: ['--noEmit', '-p', 'tsconfig.json'] },
  {
    name: 'typecheck:tab',
    command: TSC,
    args: ['--noEmit', '-p', 'src/tab/tsconfig.json'],
  },
  { name: 'eslint', command: commandOf('eslint', 'eslint'), args: ['.'] },
  { name: 'prettier', command: commandOf('prettier', 'prettier'), args: ['--check', '.'] },
  // No file, export or dependency nothing uses, no package used but undeclared (knip.jsonc).
  { name: 'knip', command: commandOf('knip', 'knip'), args: ['--no-progress'] },
  { name: 'vitest', command: commandOf('vitest', 'vitest'), args: ['run', ...process.argv.slice(2)], live: true },
];

interface Outcome {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
}

const seconds = (since: number): number => Math.round((performance.now() - since) / 100) / 10;

function run(step: Step): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [step.command, ...step.args], {
      stdio: step.live === true ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: step.live === true ? process.env : { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    });
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    const finish = (ok: boolean, note = ''): void => {
      const outcome = { name: step.name, ok, seconds: seconds(started) };
      if (step.live !== true) {
        const text = Buffer.concat(output).toString('utf8').trimEnd();
        process.stdout.write(
          `\n── ${step.name}: ${ok ? 'passed' : 'FAILED'} in ${outcome.seconds} s${note}\n${ok || text === '' ? '' : `${text}\n`}`,
        );
      }
      resolve(outcome);
    };
    child.on('error', (error) => {
      finish(false, ` (${error.message})`);
    });
    child.on('close', (code) => {
      finish(code === 0);
    });
  });
}

const started = performance.now();
const outcomes = await Promise.all(STEPS.map(run));
const failed = outcomes.filter((o) => !o.ok);
process.stdout.write(
  `\n${outcomes.map((o) => `${o.ok ? 'passed' : 'FAILED'}  ${o.name} (${o.seconds} s)`).join('\n')}\n` +
    `npm test ${failed.length === 0 ? 'passed' : `FAILED (${failed.map((o) => o.name).join(', ')})`} in ${seconds(started)} s\n`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
