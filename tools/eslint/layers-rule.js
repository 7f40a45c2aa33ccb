// @ts-check
import path from 'node:path';
import { isTestFile, LAYERS, TAB_FEATURES_DIR, TAB_FEATURES_ISOLATED } from '../../layers.config.js';

/**
 * `trellis/layers`: every import of a file under src/ must go where layers.config.js allows.
 * Relative imports are resolved to the folder they land in, so `../app/x` inside src/tab (the
 * tab's own app folder) is not mistaken for the src/app layer.
 */

/** The layer a repository-relative path belongs to, or undefined outside src/. */
export function layerOf(relativePath) {
  const match = /^src\/([^/]+)\//.exec(relativePath);
  return match ? match[1] : undefined;
}

/** The tab feature a path belongs to, or undefined. */
export function tabFeatureOf(relativePath) {
  const prefix = `${TAB_FEATURES_DIR}/`;
  if (!relativePath.startsWith(prefix)) return undefined;
  return relativePath.slice(prefix.length).split('/')[0];
}

/**
 * Why importing `specifier` from `fromFile` (repository-relative) breaks a rule, or undefined.
 * Shared by the ESLint rule and the import-graph test.
 */
export function layerViolation(fromFile, specifier) {
  if (isTestFile(fromFile)) return undefined;
  const from = layerOf(fromFile);
  if (from === undefined) return undefined;
  const layer = LAYERS[from];
  if (layer === undefined) return `src/${from} is not a layer named in layers.config.js`;
  if (specifier.startsWith('.')) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
    const to = layerOf(target);
    if (to === undefined) {
      // Outside src/: only data folders are allowed (card templates, the package's own version).
      if (/^(adaptive-cards|schemas)\//.test(target) || target === 'package.json') return undefined;
      return `src/${from} imports ${target}, which is outside src/`;
    }
    if (to !== from && !layer.may.includes(to)) {
      return `src/${from} may not import src/${to} (allowed: ${layer.may.length === 0 ? 'nothing else' : layer.may.join(', ')})`;
    }
    const feature = tabFeatureOf(fromFile);
    const targetFeature = tabFeatureOf(target);
    if (TAB_FEATURES_ISOLATED && feature !== undefined && targetFeature !== undefined && feature !== targetFeature) {
      return `tab feature ${feature} may not import feature ${targetFeature}: move what both need to src/tab/shared`;
    }
    return undefined;
  }
  if (specifier.startsWith('node:'))
    return from === 'domain' || from === 'contract' ? `src/${from} is pure: no Node built-ins` : undefined;
  if (layer.onlyPackages && !layer.onlyPackages.some((re) => re.test(specifier))) {
    return `src/${from} may import only ${layer.onlyPackages.map(String).join(', ')}, not ${specifier}`;
  }
  if (layer.forbiddenPackages?.some((re) => re.test(specifier))) {
    return `src/${from} may not import ${specifier}: it is the application layer, free of HTTP and Teams SDKs`;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layers in layers.config.js' },
    schema: [],
  },
  create(context) {
    const relative = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const why = layerViolation(relative, source);
      if (why !== undefined) context.report({ node, message: why });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export const layersPlugin = { rules: { layers: rule } };
