import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findReferenceProblems } from '../domain/procedure/load-procedure.js';
import { checkProcedure } from '../domain/procedure/check-procedure.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { describeProcedure, procedureMermaid } from './describe-procedure.js';
import { DEFAULT_SCHEMA_REF, exportProcedureText } from './export-procedure.js';
import { PROCEDURE_SCHEMA_PATH, procedureJsonSchema, SCHEMA_OUT_OF_DATE, schemaMatches } from './json-schema.js';
import {
  formatFileProblem,
  loadProcedureFile,
  loadProcedureFiles,
  type FileProblem,
  type LoadedProcedureFile,
} from './load-procedure-files.js';

/**
 * The procedure commands (`npm run procedure:export|check|schema`), as functions from their
 * arguments to what they print, so tests run them without a shell. scripts/procedure-*.ts
 * call them and write the result.
 */

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

const usage = (text: string): CliResult => ({ stdout: '', stderr: `${text}\n`, exitCode: 2 });

interface ParsedArgs {
  readonly positional: readonly string[];
  readonly flags: ReadonlySet<string>;
  readonly options: ReadonlyMap<string, string>;
}

function parseArgs(args: readonly string[], withValue: readonly string[]): ParsedArgs | string {
  const positional: string[] = [];
  const flags = new Set<string>();
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (withValue.includes(name)) {
      const value = inline ?? args[i + 1];
      if (value === undefined || value === '') return `--${name} needs a value`;
      options.set(name, value);
      if (inline === undefined) i += 1;
    } else flags.add(name);
  }
  return { positional, flags, options };
}

function unknownFlags(parsed: ParsedArgs, known: readonly string[]): string | undefined {
  const unknown = [...parsed.flags].filter((f) => !known.includes(f));
  return unknown.length > 0 ? `Unknown option: --${unknown.join(', --')}` : undefined;
}

const EXPORT_USAGE = (procedures: readonly Procedure[]): string =>
  [
    'Usage: npm run procedure:export -- <procedure id> [--yaml] [--out <file>] [--schema <$schema reference>]',
    'Prints a built-in procedure as a procedure file (JSON, or YAML with --yaml); --out writes it to a file instead.',
    `Procedures: ${procedures.map((p) => p.id).join(', ')}`,
  ].join('\n');

/** `procedure:export <id>`: a built-in procedure as a file to start from. */
export async function runProcedureExport(
  args: readonly string[],
  procedures: readonly Procedure[],
  cwd = process.cwd(),
): Promise<CliResult> {
  const parsed = parseArgs(args, ['out', 'schema']);
  if (typeof parsed === 'string') return usage(`${parsed}\n${EXPORT_USAGE(procedures)}`);
  const bad = unknownFlags(parsed, ['yaml', 'help']);
  if (bad !== undefined || parsed.flags.has('help') || parsed.positional.length !== 1)
    return usage(`${bad === undefined ? '' : `${bad}\n`}${EXPORT_USAGE(procedures)}`);
  const id = parsed.positional[0] ?? '';
  const procedure = procedures.find((p) => p.id === id);
  if (!procedure) return usage(`There is no built-in procedure "${id}".\n${EXPORT_USAGE(procedures)}`);
  const out = parsed.options.get('out');
  const format = parsed.flags.has('yaml') ? 'yaml' : 'json';
  const schemaRef =
    parsed.options.get('schema') ??
    (out === undefined
      ? DEFAULT_SCHEMA_REF
      : path
          .relative(path.dirname(path.resolve(cwd, out)), path.resolve(cwd, PROCEDURE_SCHEMA_PATH))
          .split(path.sep)
          .join('/'));
  const text = exportProcedureText(procedure, { format, schemaRef });
  if (out === undefined) return { stdout: text, stderr: '', exitCode: 0 };
  const target = path.resolve(cwd, out);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, text);
  return { stdout: '', stderr: `Wrote ${procedure.id} to ${out}\n`, exitCode: 0 };
}

const CHECK_USAGE = [
  'Usage: npm run procedure:check -- <file, folder or built-in procedure id>... [--mermaid]',
  'Checks each procedure, then prints it in plain words and as a Mermaid diagram (--mermaid: the diagram only).',
  'Problems are printed one a line as file:line:column path — message; the exit code is 1 when there is an error.',
].join('\n');

async function kindOf(target: string): Promise<'file' | 'folder' | 'missing'> {
  try {
    return (await stat(target)).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/** `procedure:check <file>…`: validates and walks each procedure, then describes it. */
export async function runProcedureCheck(args: readonly string[], builtIns: readonly Procedure[]): Promise<CliResult> {
  const parsed = parseArgs(args, []);
  if (typeof parsed === 'string') return usage(`${parsed}\n${CHECK_USAGE}`);
  const bad = unknownFlags(parsed, ['mermaid', 'help']);
  if (bad !== undefined || parsed.flags.has('help') || parsed.positional.length === 0)
    return usage(`${bad === undefined ? '' : `${bad}\n`}${CHECK_USAGE}`);
  const mermaidOnly = parsed.flags.has('mermaid');
  const out: string[] = [];
  const err: string[] = [];
  let errors = 0;
  const report = (problems: readonly FileProblem[], kind: 'error' | 'warning'): void => {
    for (const problem of problems) err.push(`${kind}: ${formatFileProblem(problem)}`);
    if (kind === 'error') errors += problems.length;
  };
  const describe = (procedure: Procedure, from: string, warnings: number): void => {
    if (mermaidOnly) {
      out.push(procedureMermaid(procedure));
      return;
    }
    out.push(
      `${from}: ${procedure.id} (version ${procedure.version}) is valid${warnings > 0 ? `, with ${warnings} warning(s)` : ''}.`,
      '',
      describeProcedure(procedure),
      'Diagram (Mermaid; paste it into a ```mermaid block, or mermaid.live):',
      '',
      procedureMermaid(procedure),
    );
  };

  for (const target of parsed.positional) {
    const kind = await kindOf(target);
    const builtIn = builtIns.find((p) => p.id === target);
    if (kind === 'missing' && builtIn) {
      const place = (p: { path: string; message: string }): FileProblem => ({
        file: `built-in ${builtIn.id}:`,
        line: 0,
        column: 0,
        ...p,
      });
      const references = findReferenceProblems(builtIn).map(place);
      const walk = references.length > 0 ? { errors: [], warnings: [] } : checkProcedure(builtIn);
      report([...references, ...walk.errors.map(place)], 'error');
      report(walk.warnings.map(place), 'warning');
      if (references.length === 0 && walk.errors.length === 0) describe(builtIn, target, walk.warnings.length);
      continue;
    }
    if (kind === 'missing') {
      report(
        [{ file: target, line: 1, column: 1, path: '(file)', message: 'no such file, folder or built-in procedure' }],
        'error',
      );
      continue;
    }
    let loaded: readonly LoadedProcedureFile[];
    let warnings: readonly FileProblem[];
    if (kind === 'folder') {
      const result = await loadProcedureFiles(target, { builtIns });
      report(result.problems, 'error');
      loaded = result.procedures;
      warnings = result.warnings;
    } else {
      const result = await loadProcedureFile(target);
      const procedure = result.procedure;
      const clash = procedure && builtIns.some((p) => p.id === procedure.id);
      report(
        [
          ...result.errors,
          ...(clash
            ? [
                result.problemAt(
                  'id',
                  `"${procedure.id}" is the id of a procedure Trellis ships: give this procedure its own id`,
                ),
              ]
            : []),
        ],
        'error',
      );
      loaded = procedure && !clash ? [{ file: target, procedure }] : [];
      warnings = result.warnings;
    }
    report(warnings, 'warning');
    for (const { file, procedure } of loaded) {
      describe(procedure, file, warnings.filter((w) => w.file === file).length);
    }
  }
  if (!mermaidOnly && errors > 0) err.push(`${errors} error(s): fix them and check again.`);
  return { stdout: out.join('\n'), stderr: err.length > 0 ? `${err.join('\n')}\n` : '', exitCode: errors > 0 ? 1 : 0 };
}

/** The schema text as committed: formatted by the repository's Prettier settings, so `npm run lint` passes. */
async function formattedSchemaText(file: string): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(procedureJsonSchema()), { ...options, filepath: file });
}

/** `procedure:schema`: writes the JSON Schema editors use; `--check` only compares it with the committed one. */
export async function runProcedureSchema(args: readonly string[], root: string): Promise<CliResult> {
  const parsed = parseArgs(args, []);
  if (typeof parsed === 'string' || unknownFlags(parsed, ['check']) !== undefined || parsed.positional.length > 0)
    return usage('Usage: npm run procedure:schema [-- --check]');
  const file = path.join(root, PROCEDURE_SCHEMA_PATH);
  let committed: string | undefined;
  try {
    committed = await readFile(file, 'utf8');
  } catch {
    committed = undefined;
  }
  const current = committed !== undefined && schemaMatches(committed);
  if (parsed.flags.has('check')) {
    return current
      ? { stdout: `${PROCEDURE_SCHEMA_PATH} matches the procedure schema.\n`, stderr: '', exitCode: 0 }
      : { stdout: '', stderr: `${SCHEMA_OUT_OF_DATE}\n`, exitCode: 1 };
  }
  const text = await formattedSchemaText(file);
  if (committed === text) return { stdout: `${PROCEDURE_SCHEMA_PATH} is up to date.\n`, stderr: '', exitCode: 0 };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return { stdout: `Wrote ${PROCEDURE_SCHEMA_PATH}.\n`, stderr: '', exitCode: 0 };
}
