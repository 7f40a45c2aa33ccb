import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseProblemPath, type ProcedureProblem } from '../domain/procedure/load-procedure.js';
import { readProcedureDefinition } from '../domain/procedure/procedure-file.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { parseSourceText, type SourceFormat, type SourceText } from './source-text.js';

/**
 * Procedures from files: a provider's own procedure, written as JSON or YAML, loaded beside the
 * built-in ones without changing code. Every problem names the file, the line and column, and
 * the path inside the definition, so it can be fixed where it is.
 */

export interface FileProblem {
  readonly file: string;
  /** 1-based; 1 for problems about the file as a whole; 0 for a definition that is not in a file (a built-in one). */
  readonly line: number;
  readonly column: number;
  /** Where in the definition, e.g. `stages[1].plan.maxTargets`; `(file)` for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** One line per problem: `file:line:col path — message` (editors and terminals link the place). */
export function formatFileProblem(problem: FileProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${where} ${problem.path} — ${problem.message}`;
}

export interface LoadedProcedureFile {
  readonly file: string;
  readonly procedure: Procedure;
}

export interface ProcedureFileResult {
  /** The procedure, when the file has no errors. */
  readonly procedure: Procedure | undefined;
  readonly errors: readonly FileProblem[];
  readonly warnings: readonly FileProblem[];
  /** A problem about the part of this file at `path` (e.g. `id`), placed at its line. */
  problemAt(path: string, message: string): FileProblem;
}

/** Procedure files are JSON or YAML; anything else in the folder (a README) is left alone. */
export function procedureFileFormat(file: string): SourceFormat | undefined {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return undefined;
}

/** A procedure is a few hundred lines; anything this large is not one. */
export const MAX_PROCEDURE_FILE_BYTES = 1024 * 1024;

function placer(file: string, source: SourceText | undefined): (problem: ProcedureProblem) => FileProblem {
  return (problem) => ({
    file,
    ...(source ? source.locate(parseProblemPath(problem.path)) : { line: 1, column: 1 }),
    path: problem.path,
    message: problem.message,
  });
}

/** Reads one procedure from its text. `file` is only used to name it in problems. */
export function loadProcedureText(text: string, file: string, format: SourceFormat): ProcedureFileResult {
  const source = parseSourceText(text, format);
  const place = placer(file, source);
  const problemAt = (at: string, message: string): FileProblem => place({ path: at, message });
  if (source.problems.length > 0) {
    return {
      procedure: undefined,
      errors: source.problems.map((p) => ({
        file,
        line: p.line,
        column: p.column,
        path: '(file)',
        message: p.message,
      })),
      warnings: [],
      problemAt,
    };
  }
  const result = readProcedureDefinition(source.value);
  return {
    procedure: result.procedure,
    errors: result.errors.map(place),
    warnings: result.warnings.map(place),
    problemAt,
  };
}

/** Reads and checks one procedure file. */
export async function loadProcedureFile(file: string): Promise<ProcedureFileResult> {
  const place = placer(file, undefined);
  const whole = (message: string): ProcedureFileResult => ({
    procedure: undefined,
    errors: [place({ path: '(file)', message })],
    warnings: [],
    problemAt: (at, text) => place({ path: at, message: text }),
  });
  const format = procedureFileFormat(file);
  if (format === undefined) return whole('a procedure file ends in .json, .yaml or .yml');
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    return whole(`cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (size > MAX_PROCEDURE_FILE_BYTES) return whole(`is ${size} bytes; a procedure file is at most 1 MB`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return whole(`cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return loadProcedureText(text.replace(/^\uFEFF/, ''), file, format);
}

export interface LoadProcedureFilesOptions {
  /** Procedures already running (the built-in ones): a file may not reuse their ids. */
  readonly builtIns?: readonly Procedure[];
}

export interface ProcedureFilesResult {
  /** The valid procedures, in file-name order. Use them only when `problems` is empty. */
  readonly procedures: readonly LoadedProcedureFile[];
  /** Errors: Trellis does not start with any of them. */
  readonly problems: readonly FileProblem[];
  /** Walk-check findings worth a look; they do not stop Trellis. */
  readonly warnings: readonly FileProblem[];
}

/**
 * Loads every `.json`, `.yaml` and `.yml` file in `dir` (not its sub-folders) as a procedure.
 * Two procedures with one id, or a file reusing a built-in procedure's id, is a problem: a case
 * names its procedure by id, so each id means one procedure.
 */
export async function loadProcedureFiles(
  dir: string,
  options: LoadProcedureFilesOptions = {},
): Promise<ProcedureFilesResult> {
  const folderProblem = (message: string): ProcedureFilesResult => ({
    procedures: [],
    problems: [{ file: dir, line: 1, column: 1, path: '(folder)', message }],
    warnings: [],
  });
  const names: string[] = [];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || procedureFileFormat(entry.name) === undefined) continue;
      // Mounted configuration (a Kubernetes ConfigMap, for one) links each file: follow links to files.
      const isFile =
        entry.isFile() ||
        (entry.isSymbolicLink() &&
          (await stat(path.join(dir, entry.name)).then(
            (s) => s.isFile(),
            () => false,
          )));
      if (isFile) names.push(entry.name);
    }
    names.sort();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return folderProblem('the procedures folder does not exist');
    if (code === 'ENOTDIR') return folderProblem('is not a folder');
    return folderProblem(`cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }

  const procedures: LoadedProcedureFile[] = [];
  const problems: FileProblem[] = [];
  const warnings: FileProblem[] = [];
  const builtIn = new Set((options.builtIns ?? []).map((p) => p.id));
  for (const name of names) {
    const file = path.join(dir, name);
    const result = await loadProcedureFile(file);
    problems.push(...result.errors);
    warnings.push(...result.warnings);
    const procedure = result.procedure;
    if (!procedure) continue;
    if (builtIn.has(procedure.id)) {
      problems.push(
        result.problemAt(
          'id',
          `"${procedure.id}" is the id of a procedure Trellis ships: give this procedure its own id`,
        ),
      );
      continue;
    }
    const earlier = procedures.find((p) => p.procedure.id === procedure.id);
    if (earlier) {
      problems.push(result.problemAt('id', `"${procedure.id}" is also the id of the procedure in ${earlier.file}`));
      continue;
    }
    procedures.push({ file, procedure });
  }
  if (names.length === 0) {
    warnings.push({
      file: dir,
      line: 1,
      column: 1,
      path: '(folder)',
      message: 'has no procedure files (.json, .yaml or .yml)',
    });
  }
  return { procedures, problems, warnings };
}
