import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTestFile, TAB_FEATURES_ISOLATED } from '../../layers.config.js';
import { layerViolation } from '../../tools/eslint/layers-rule.js';

/**
 * The tab's folders. A feature (src/tab/features/<feature>) imports the shared parts (api, app,
 * shared, host) and never another feature: the layers rule (ESLint and the import-graph test)
 * checks that. This checks the two ways round it. The shared parts below the features (api, host,
 * shared) import no feature; and no feature imports a page (src/tab/app/pages), because pages
 * compose features, so a feature importing one would reach every feature the page holds.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const TAB = 'src/tab';

function tabSources(): string[] {
  return readdirSync(path.join(ROOT, TAB), { recursive: true, encoding: 'utf8' })
    .map((file) => `${TAB}/${file.split(path.sep).join('/')}`)
    .filter((file) => /\.(ts|tsx)$/.test(file) && !isTestFile(file));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '').filter((s) => s.startsWith('.'));
}

/** Why `fromFile` may not import `specifier` (a relative import, resolved), or undefined. */
function folderViolation(fromFile: string, specifier: string): string | undefined {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
  const part = (file: string): string | undefined => /^src\/tab\/([^/]+)\//.exec(file)?.[1];
  const from = part(fromFile);
  if ((from === 'api' || from === 'host' || from === 'shared') && target.startsWith(`${TAB}/features/`))
    return `src/tab/${from} is shared by the features and imports none of them`;
  if (from === 'features' && target.startsWith(`${TAB}/app/pages/`))
    return 'a feature may not import a page: pages compose features';
  return undefined;
}

describe('the tab’s feature folders', () => {
  it('are isolated from each other, and the layers rule says so', () => {
    expect(TAB_FEATURES_ISOLATED).toBe(true);
    expect(layerViolation('src/tab/features/review/ReviewForm.tsx', '../case/case-model')).toMatch(
      /tab feature review may not import feature case/,
    );
    // A page composes features; a feature uses the shared parts.
    expect(layerViolation('src/tab/app/pages/CaseWorkspace.tsx', '../../features/review/ReviewForm')).toBeUndefined();
    expect(
      layerViolation('src/tab/features/review/ReviewForm.tsx', '../../shared/commands/ActionForm'),
    ).toBeUndefined();
  });

  it('have shared parts that import no feature, and import no page', () => {
    const files = tabSources();
    expect(files.length).toBeGreaterThan(50);
    const violations = files.flatMap((file) =>
      importsOf(file).flatMap((specifier) => {
        const why = folderViolation(file, specifier);
        return why === undefined ? [] : [`${file}: ${specifier} — ${why}`];
      }),
    );
    expect(violations).toEqual([]);
  });

  it('refuse a shared part that imports a feature, and a feature that imports a page', () => {
    expect(folderViolation('src/tab/shared/commands/ActionForm.tsx', '../../features/case/case-model')).toMatch(
      /imports none of them/,
    );
    expect(folderViolation('src/tab/api/trellis-api.ts', '../features/sign/sign-model')).toBeDefined();
    expect(folderViolation('src/tab/features/sign/SignForm.tsx', '../../app/pages/CaseWorkspace')).toMatch(
      /pages compose features/,
    );
    // Features still use the app's router and session; pages use features.
    expect(folderViolation('src/tab/features/sign/SignForm.tsx', '../../app/session-context')).toBeUndefined();
    expect(folderViolation('src/tab/app/pages/CaseWorkspace.tsx', '../../features/sign/SignForm')).toBeUndefined();
  });
});
