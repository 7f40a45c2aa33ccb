/**
 * `npm run check:infra`: offline checks of infra/*.bicep, as far as they go without the Bicep
 * CLI (which is not on the npm registry, so neither this machine nor CI has it):
 *
 *   - syntax: each file parses with the tree-sitter Bicep grammar (tree-sitter-bicep, run as
 *     WebAssembly by web-tree-sitter), with no error or missing node;
 *   - names: every identifier an expression uses is a parameter, variable, resource, module or
 *     lambda parameter of that file, or a Bicep namespace (az, sys);
 *   - modules: each module's file exists, its `params` are parameters the module declares, every
 *     parameter without a default is given, and each `<module>.outputs.<name>` is an output it has;
 *   - parameters file: infra/main.parameters.json names only parameters main.bicep declares and
 *     gives every one without a default.
 *
 * What this cannot see: resource types, API versions and property names (the Bicep CLI checks
 * them against Azure's type definitions), function names and argument types, and anything Azure
 * Resource Manager decides at deployment. infra/README.md says what was and was not verified.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser, type Node } from 'web-tree-sitter';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const INFRA_DIR = path.join(ROOT, 'infra');

let parser: Promise<Parser> | undefined;

function bicepParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-bicep/tree-sitter-bicep.wasm');
    const language = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  return parser;
}

const DECLARATIONS = new Set([
  'parameter_declaration',
  'variable_declaration',
  'resource_declaration',
  'module_declaration',
  'output_declaration',
]);
/** Namespaces a Bicep expression may start with besides its own declarations. */
const NAMESPACES = new Set(['az', 'sys']);

interface ParamInfo {
  readonly name: string;
  readonly hasDefault: boolean;
}

export interface BicepFacts {
  readonly file: string;
  readonly problems: string[];
  readonly params: readonly ParamInfo[];
  readonly outputs: readonly string[];
  readonly modules: readonly { readonly name: string; readonly path: string; readonly node: Node }[];
}

const where = (file: string, node: Node): string =>
  `${path.relative(ROOT, file)}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;

function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

function stringValue(node: Node | undefined): string | undefined {
  if (node?.type !== 'string') return undefined;
  const parts = namedChildren(node);
  if (parts.some((part) => part.type !== 'string_content')) return undefined;
  return parts.map((part) => part.text).join('');
}

/** The object that is the body of a resource or module declaration (after `if (…)` when conditional). */
function bodyOf(declaration: Node): Node | undefined {
  for (const child of namedChildren(declaration)) {
    if (child.type === 'object') return child;
    if (child.type === 'if_statement') return namedChildren(child).find((c) => c.type === 'object');
  }
  return undefined;
}

function propertyOf(object: Node | undefined, key: string): Node | undefined {
  if (object === undefined) return undefined;
  for (const property of namedChildren(object)) {
    const [name, value] = namedChildren(property);
    if (property.type === 'object_property' && name?.text === key) return value;
  }
  return undefined;
}

/** Is this identifier a use (a reference), rather than a name being declared or a key? */
function isReference(node: Node): boolean {
  const parent = node.parent;
  if (parent === null) return false;
  if (DECLARATIONS.has(parent.type) && parent.namedChildren[0]?.id === node.id) return false;
  if (parent.type === 'object_property' && parent.namedChildren[0]?.id === node.id) return false;
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) return false;
  if (parent.type === 'lambda_expression' && parent.namedChildren.at(-1)?.id !== node.id) return false;
  if (parent.type === 'type' || parent.type === 'decorator') return false;
  return true;
}

export async function inspectBicep(file: string, text = readFileSync(file, 'utf8')): Promise<BicepFacts> {
  const tree = (await bicepParser()).parse(text);
  if (tree === null) throw new Error(`${file} could not be parsed`);
  const root = tree.rootNode;
  const problems: string[] = [];
  const declared = new Set<string>();
  const lambdaParams = new Set<string>();
  const params: ParamInfo[] = [];
  const outputs: string[] = [];
  const modules: { name: string; path: string; node: Node }[] = [];
  const identifiers: Node[] = [];

  const walk = (node: Node): void => {
    if (node.isError) problems.push(`${where(file, node)} syntax error near "${node.text.slice(0, 40)}"`);
    else if (node.isMissing) problems.push(`${where(file, node)} missing ${node.type}`);
    if (node.type === 'identifier') identifiers.push(node);
    if (node.type === 'lambda_expression') {
      const children = namedChildren(node);
      for (const param of children.slice(0, -1)) {
        if (param.type === 'identifier') lambdaParams.add(param.text);
        for (const inner of namedChildren(param)) if (inner.type === 'identifier') lambdaParams.add(inner.text);
      }
    }
    for (const child of node.children) if (child !== null) walk(child);
  };
  walk(root);

  for (const declaration of namedChildren(root)) {
    const name = declaration.namedChildren[0]?.text;
    if (name === undefined || !DECLARATIONS.has(declaration.type)) continue;
    if (declaration.type === 'output_declaration') {
      outputs.push(name);
      continue;
    }
    declared.add(name);
    if (declaration.type === 'parameter_declaration') {
      const children = namedChildren(declaration);
      const typeIndex = children.findIndex((c) => c.type === 'type');
      const nullable = children[typeIndex]?.text.endsWith('?') ?? false;
      params.push({ name, hasDefault: nullable || (typeIndex >= 0 && children.length > typeIndex + 1) });
    }
    if (declaration.type === 'module_declaration') {
      const target = stringValue(declaration.namedChildren[1] ?? undefined);
      if (target === undefined) problems.push(`${where(file, declaration)} module ${name} has no plain path`);
      else modules.push({ name, path: path.resolve(path.dirname(file), target), node: declaration });
    }
  }

  for (const identifier of identifiers) {
    if (!isReference(identifier)) continue;
    const name = identifier.text;
    if (!declared.has(name) && !lambdaParams.has(name) && !NAMESPACES.has(name))
      problems.push(`${where(file, identifier)} "${name}" is not declared`);
  }
  return { file, problems, params, outputs, modules };
}

/** Checks a template and, recursively, the modules it uses. */
export async function checkBicep(file: string, seen = new Map<string, BicepFacts>()): Promise<string[]> {
  const facts = await inspectBicep(file);
  seen.set(file, facts);
  const problems = [...facts.problems];
  for (const module of facts.modules) {
    let target = seen.get(module.path);
    if (target === undefined) {
      try {
        problems.push(...(await checkBicep(module.path, seen)));
      } catch {
        problems.push(`${where(file, module.node)} module ${module.name}: ${module.path} does not exist`);
        continue;
      }
      target = seen.get(module.path);
    }
    if (target === undefined) continue;
    const given: string[] = [];
    const paramsObject = propertyOf(bodyOf(module.node), 'params');
    for (const property of paramsObject === undefined ? [] : namedChildren(paramsObject)) {
      const key = property.namedChildren[0]?.text;
      if (key !== undefined) given.push(key);
    }
    const declared = new Set(target.params.map((p) => p.name));
    for (const key of given)
      if (!declared.has(key))
        problems.push(`${where(file, module.node)} module ${module.name} passes "${key}", which it does not declare`);
    for (const param of target.params)
      if (!param.hasDefault && !given.includes(param.name))
        problems.push(`${where(file, module.node)} module ${module.name} needs "${param.name}"`);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(new RegExp(`\\b${module.name}\\.outputs\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'))) {
      const output = match[1] ?? '';
      if (!target.outputs.includes(output))
        problems.push(`${path.relative(ROOT, file)}: ${module.name}.outputs.${output} is not an output of the module`);
    }
  }
  return problems;
}

/** A deployment parameters file against the template's parameters. */
export async function checkParametersFile(template: string, parametersFile: string): Promise<string[]> {
  const { params } = await inspectBicep(template);
  const json = JSON.parse(readFileSync(parametersFile, 'utf8')) as { parameters?: Record<string, unknown> };
  const given = Object.keys(json.parameters ?? {});
  const names = new Set(params.map((p) => p.name));
  const file = path.relative(ROOT, parametersFile);
  return [
    ...given
      .filter((name) => !names.has(name))
      .map((name) => `${file} sets "${name}", which the template does not declare`),
    ...params
      .filter((p) => !p.hasDefault && !given.includes(p.name))
      .map((p) => `${file} does not set "${p.name}", which has no default`),
  ];
}

export async function checkInfra(): Promise<string[]> {
  const main = path.join(INFRA_DIR, 'main.bicep');
  return [
    ...(await checkBicep(main)),
    ...(await checkParametersFile(main, path.join(INFRA_DIR, 'main.parameters.json'))),
  ];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  checkInfra().then(
    (problems) => {
      if (problems.length > 0) {
        process.stderr.write(`infra/ has problems:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
        process.exitCode = 1;
      } else process.stdout.write('infra/: syntax, names, module parameters and outputs, parameters file: OK\n');
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
