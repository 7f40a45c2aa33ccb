import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { runtimeAssets } from '../../scripts/build.js';
import { tabDirectoryFor } from '../../scripts/start.js';

/**
 * The production build runs on production dependencies only (`npm ci --omit=dev`). This walks
 * the code reachable from the build's entry points (tsconfig.build.json) the way Node will load
 * the compiled files — static and dynamic imports, `createRequire` calls — and checks that every
 * package it reaches is a dependency, so a devDependency used at run time fails here rather than
 * on a server. (scripts/check-prod-build.sh then proves it by starting the real artefact.)
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function buildEntryPoints(): string[] {
  const configPath = path.join(ROOT, 'tsconfig.build.json');
  const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  return parsed.fileNames;
}

/** Module specifiers a file loads at run time; `import type` and `export type` are erased, so skipped. */
function runtimeSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      node.importClause?.phaseModifier !== ts.SyntaxKind.TypeKeyword &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const [argument] = node.arguments;
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      // createRequire(import.meta.url)('x') and createRequire(import.meta.url).resolve('x')
      const isRequire =
        (ts.isCallExpression(callee) && callee.expression.getText(source) === 'createRequire') ||
        (ts.isPropertyAccessExpression(callee) &&
          callee.name.text === 'resolve' &&
          ts.isCallExpression(callee.expression) &&
          callee.expression.expression.getText(source) === 'createRequire');
      if ((isDynamicImport || isRequire) && argument !== undefined && ts.isStringLiteralLike(argument))
        found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier);
}

function resolveLocal(from: string, specifier: string): string {
  const target = path.resolve(path.dirname(from), specifier);
  if (target.endsWith('.json')) return target;
  for (const candidate of [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx'), target]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${path.relative(ROOT, from)} imports ${specifier}, which does not exist`);
}

/** Every local file and every package reachable from the entry points. */
function reachable(entries: readonly string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (files.has(file)) continue;
    files.add(file);
    if (file.endsWith('.json')) continue;
    for (const specifier of runtimeSpecifiers(file, readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolveLocal(file, specifier));
      else if (!specifier.startsWith('node:')) {
        const name = packageNameOf(specifier);
        if (!packages.has(name)) packages.set(name, path.relative(ROOT, file));
      }
    }
  }
  return { files, packages };
}

describe('the production build', () => {
  const entries = buildEntryPoints();
  const { files, packages } = reachable(entries);

  it('starts from the start, provision and reset scripts', () => {
    const names = entries.map((file) => path.relative(ROOT, file));
    expect(names).toEqual(expect.arrayContaining(['scripts/start.ts', 'scripts/provision.ts', 'scripts/reset.ts']));
    expect(names).not.toContain('scripts/start-dev.ts');
  });

  it('reaches only production dependencies', () => {
    const notDependencies = [...packages].filter(([name]) => !(name in pkg.dependencies));
    expect(notDependencies.map(([name, from]) => `${name} (from ${from})`)).toEqual([]);
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['express', 'zod', '@microsoft/teams.apps', 'pdfkit']));
    for (const tool of ['vite', 'tsx', 'typescript', 'vitest', '@vitejs/plugin-react'])
      expect(packages.has(tool), `${tool} is reached at run time`).toBe(false);
    // The local Graph emulator is the embedded default, so its own dependency is needed in production too.
    expect(packages.get('selfsigned')).toMatch(/^src\/dev\/graph-emulator\//);
  });

  it('keeps packages only the tab uses out of the production install (dist/tab has them bundled)', () => {
    const tabDir = path.join(ROOT, 'src', 'tab');
    const tabFiles = readdirSync(tabDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.endsWith('vite.config.ts'))
      .map((file) => path.join(tabDir, file));
    const tabPackages = new Set(
      tabFiles.flatMap((file) =>
        runtimeSpecifiers(file, readFileSync(file, 'utf8'))
          .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
          .map(packageNameOf),
      ),
    );
    expect([...tabPackages]).toEqual(expect.arrayContaining(['react', '@fluentui/react-components']));
    const tabOnly = [...tabPackages].filter((name) => !packages.has(name));
    expect(tabOnly.filter((name) => name in pkg.dependencies)).toEqual([]);
    for (const name of tabOnly) expect(pkg.devDependencies, name).toHaveProperty([name]);
  });

  it('compiles the server, the local mode and the card templates, and never the tab, tests or benchmarks', () => {
    const local = [...files].map((file) => path.relative(ROOT, file));
    expect(local).toEqual(
      expect.arrayContaining([
        'src/server/app.ts',
        'src/compose/local.ts',
        'src/dev/graph-emulator/index.ts',
        'adaptive-cards/review-form.json',
      ]),
    );
    const misplaced = local.filter(
      (file) =>
        file.startsWith('src/tab/') ||
        file.startsWith('test/') ||
        file.startsWith('bench/') ||
        /\.test\.tsx?$/.test(file) ||
        /(^|\/)testing\//.test(file),
    );
    expect(misplaced).toEqual([]);
  });

  it('catches a devDependency reached through createRequire or a dynamic import', () => {
    const specifiers = runtimeSpecifiers(
      'probe.ts',
      [
        "import type { ILogger } from '@microsoft/teams.common';",
        "import { build } from 'vite';",
        "const m = await import('tsx');",
        "const r = createRequire(import.meta.url)('adaptivecards-templating');",
        "const p = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js');",
      ].join('\n'),
    );
    expect(specifiers).toEqual(['vite', 'tsx', 'adaptivecards-templating', 'adaptivecards/dist/adaptivecards.min.js']);
  });

  it('copies the files the server reads beside its code', async () => {
    const assets = await runtimeAssets();
    expect(assets).toContain(path.join('dev', 'local-mode', 'assets', 'outbox.js'));
    expect(assets.filter((file) => /\.(ts|tsx)$/.test(file) || file.startsWith('tab'))).toEqual([]);
  });

  it('serves the tab from beside the compiled code, and build/tab when run from source', () => {
    expect(tabDirectoryFor(pathToFileURL('/srv/trellis/dist/scripts/start.js').href)).toBe(
      path.resolve('/srv/trellis/dist/tab'),
    );
    expect(tabDirectoryFor(pathToFileURL(path.join(ROOT, 'scripts', 'start.ts')).href)).toBe(
      path.join(ROOT, 'build', 'tab'),
    );
  });
});
