import type { Procedure } from '../domain/procedure/schema.js';
import { formatFileProblem, loadProcedureFiles } from './load-procedure-files.js';

/**
 * Which procedures a Trellis runs, from the environment:
 *   TRELLIS_PROCEDURES_DIR        a folder of procedure files (.json, .yaml, .yml), loaded at start beside the built-in
 *                                 procedures; every file in it must be valid, or Trellis does not start
 *   TRELLIS_PROVIDER_PROCEDURES   the ids of the procedures that run, separated by ";" (built-in or from the folder);
 *                                 unset or "*": all of them
 * A procedure that is not running cannot be chosen for a new case, and a case already opened under
 * it cannot be read: take a procedure out only when it has no cases.
 */

type Env = Readonly<Record<string, string | undefined>>;

export interface ProcedureSources {
  /** The folder of procedure files, as given (relative to where Trellis starts). */
  readonly dir: string | undefined;
  /** The ids that run, in the order given; `all`: every built-in procedure and every file. */
  readonly selection: readonly string[] | 'all';
}

const PROCEDURE_ID = /^[a-z0-9][a-z0-9-]*$/;

/** Parses the two variables; each problem is one sentence naming the variable. */
export function procedureSourcesFromEnv(env: Env, problems: string[]): ProcedureSources {
  const dir = (env.TRELLIS_PROCEDURES_DIR ?? '').trim();
  const raw = (env.TRELLIS_PROVIDER_PROCEDURES ?? '').trim();
  let selection: readonly string[] | 'all' = 'all';
  if (raw !== '' && raw !== '*') {
    const ids = raw
      .split(';')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    for (const id of ids) {
      if (!PROCEDURE_ID.test(id))
        problems.push(
          `TRELLIS_PROVIDER_PROCEDURES lists procedure ids separated by ";" (lower-case letters, digits and hyphens), got "${id}"`,
        );
    }
    selection = [...new Set(ids)];
  }
  return { dir: dir === '' ? undefined : dir, selection };
}

export interface ConfiguredProcedures {
  /** The procedures that run: the built-in ones first, then the files', as selected. Empty when there are problems. */
  readonly procedures: readonly Procedure[];
  /** One line each; any problem means Trellis must not start. */
  readonly problems: readonly string[];
  /** One line each, worth logging: findings about the procedures that run. */
  readonly warnings: readonly string[];
}

/** Loads the folder (when set), checks the selection, and returns what runs or why nothing can. */
export async function loadConfiguredProcedures(
  sources: ProcedureSources,
  builtIns: readonly Procedure[],
): Promise<ConfiguredProcedures> {
  const fromFiles =
    sources.dir === undefined
      ? { procedures: [], problems: [], warnings: [] }
      : await loadProcedureFiles(sources.dir, { builtIns });
  const problems = fromFiles.problems.map(formatFileProblem);
  const available = [...builtIns, ...fromFiles.procedures.map((p) => p.procedure)];
  const selection = sources.selection;
  if (selection !== 'all') {
    const known = new Set(available.map((p) => p.id));
    for (const id of selection) {
      if (!known.has(id)) {
        // A file with errors is not available; its problems already say why.
        const where =
          sources.dir === undefined ? 'a built-in procedure' : `a built-in procedure or one in ${sources.dir}`;
        problems.push(
          `TRELLIS_PROVIDER_PROCEDURES names "${id}", which is not ${where} (there are: ${[...known].join(', ')})`,
        );
      }
    }
  }
  const runs = (procedure: Procedure): boolean => selection === 'all' || selection.includes(procedure.id);
  const running = available.filter(runs);
  if (problems.length === 0 && running.length === 0) problems.push('No procedure would run: name at least one.');
  const runningFiles = new Set(fromFiles.procedures.filter((p) => runs(p.procedure)).map((p) => p.file));
  const warnings = fromFiles.warnings
    .filter((w) => w.path === '(folder)' || runningFiles.has(w.file))
    .map(formatFileProblem);
  return { procedures: problems.length === 0 ? running : [], problems, warnings };
}
