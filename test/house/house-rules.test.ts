import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The house rules that live in the repository (CONTRIBUTING.md): a rule that matters is stated
 * here, in a comment that stands on its own or in the docs, never by pointing at a document
 * outside the repository or at a tracker's issue number, which a reader of the code cannot
 * follow.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

const CITATIONS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\b(?:DESIGN|STYLE)\.md\b/, what: 'a design document outside the repository' },
  { pattern: /\.\.\/shared\b(?!\/)/, what: 'the folder beside the repository' },
  { pattern: /\b[Ii]ssues?\s+#?\d+\b/, what: 'an issue number' },
  { pattern: /\b(?:see|fixes|closes|refs?)\s+#\d+\b/i, what: 'an issue number' },
];

function trackedTextFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file !== '' && !/\.(png|jpg|ico|zip|pdf|woff2?|ttf|otf)$/.test(file))
    .filter((file) => file !== 'package-lock.json' && file !== 'test/house/house-rules.test.ts');
}

describe('the house rules', () => {
  it('nothing cites a document outside the repository or an issue number', () => {
    const hits: string[] = [];
    for (const file of trackedTextFiles()) {
      const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        for (const { pattern, what } of CITATIONS) {
          if (pattern.test(line)) hits.push(`${file}:${index + 1} cites ${what}: ${line.trim().slice(0, 120)}`);
        }
      });
    }
    expect(hits).toEqual([]);
  });
});
