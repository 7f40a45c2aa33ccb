import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../layers.config.js';
import { layerViolation } from '../../tools/eslint/layers-rule.js';

/**
 * The import graph of src/ follows layers.config.js: every arrow, not only the ones ESLint
 * happens to visit. And both guards are shown to bite on a deliberately wrong import.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

function sourceFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => /\.(ts|tsx)$/.test(file));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '').filter((s) => s !== '');
}

describe('the layers', () => {
  it('every import in src/ goes where layers.config.js allows', () => {
    const violations: string[] = [];
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(200);
    for (const file of files) {
      for (const specifier of importsOf(file)) {
        const why = layerViolation(file, specifier);
        if (why !== undefined) violations.push(`${file}: ${specifier} — ${why}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('every folder of src/ is a layer with a place in the picture', () => {
    const folders = new Set(sourceFiles().map((f) => f.split('/')[1]));
    for (const folder of folders) expect(Object.keys(LAYERS)).toContain(folder);
  });

  it('the checker refuses arrows that run back, and SDKs in the application layer', () => {
    expect(layerViolation('src/app/cases/open-case.ts', 'express')).toMatch(/free of HTTP and Teams SDKs/);
    expect(layerViolation('src/app/cases/open-case.ts', '@microsoft/teams.apps')).toBeDefined();
    expect(layerViolation('src/app/cases/open-case.ts', '../../store/case-repository.js')).toMatch(
      /src\/app may not import src\/store/,
    );
    expect(layerViolation('src/server/app.ts', '../bot/bot.js')).toMatch(/src\/server may not import src\/bot/);
    expect(layerViolation('src/bot/bot.ts', '../server/app.js')).toMatch(/src\/bot may not import src\/server/);
    expect(layerViolation('src/domain/ports.ts', 'node:fs')).toMatch(/pure/);
    expect(layerViolation('src/store/conversations.ts', '../dev/graph-emulator/index.js')).toBeDefined();
    // Allowed arrows stay allowed; tests are outside the rules.
    expect(layerViolation('src/server/app.ts', '../app/errors.js')).toBeUndefined();
    expect(layerViolation('src/store/conversations.ts', '../app/ports.js')).toBeUndefined();
    expect(layerViolation('src/tab/features/case/x.ts', '../../app/shell.js')).toBeUndefined();
    expect(layerViolation('src/app/x.test.ts', '../store/case-repository.js')).toBeUndefined();
  });

  it('ESLint fails a deliberate wrong import with the layer rule', async () => {
    // The project's own config, without type information (not needed for an import rule, and slow).
    const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });
    // The text of an application-layer file with one import too many (linted in memory, nothing written).
    const [result] = await eslint.lintText(
      "import { GraphCaseRepository } from '../store/case-repository.js';\nexport const repository = GraphCaseRepository;\n",
      { filePath: path.join(ROOT, 'src/app/deps.ts') },
    );
    const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'trellis/layers');
    expect(messages.map((m) => m.message)).toEqual([expect.stringMatching(/src\/app may not import src\/store/)]);
  }, 60_000);
});
