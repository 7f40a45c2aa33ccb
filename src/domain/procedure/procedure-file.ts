import { z } from 'zod';
import { DomainError } from '../errors.js';
import { frameworkSchema, type Framework } from '../frameworks/framework.js';
import { teachersStandards } from '../frameworks/teachers-standards.js';
import { checkProcedure } from './check-procedure.js';
import { findReferenceProblems, problemsFromZod, type ProcedureProblem } from './load-procedure.js';
import { procedureSchema, type Procedure } from './schema.js';

/**
 * A procedure as a provider writes it in a file (JSON or YAML): the procedure schema, plus a
 * `$schema` reference for editors, and frameworks that may be named by id when Trellis ships
 * them ("teachers-standards") instead of copied out item by item. Reading the file is someone
 * else's job (src/procedures-files); this takes the parsed value.
 */

/** Frameworks a procedure file may name by id instead of spelling out. */
export const BUILT_IN_FRAMEWORKS: readonly Framework[] = Object.freeze([teachersStandards]);

const builtInFrameworkIds = BUILT_IN_FRAMEWORKS.map((f) => f.id) as [string, ...string[]];

export const procedureFileSchema = procedureSchema.extend({
  /** Where editors find the JSON Schema (`schemas/procedure.schema.json`); Trellis ignores it. */
  $schema: z.string().max(500).optional(),
  frameworks: z
    .array(
      z.union([
        frameworkSchema,
        z.enum(builtInFrameworkIds).describe("A framework Trellis ships, by id (the DfE Teachers' Standards)"),
      ]),
    )
    .min(1),
});

/** A framework named by id becomes the framework itself (the schema let only built-in ids through). */
function builtInOr(framework: Framework | string): Framework {
  if (typeof framework !== 'string') return framework;
  const found = BUILT_IN_FRAMEWORKS.find((f) => f.id === framework);
  if (!found) throw new DomainError('invalid_procedure', `Trellis ships no framework "${framework}".`);
  return found;
}

export interface ProcedureDefinitionResult {
  /** The procedure, when the definition has no errors. */
  readonly procedure: Procedure | undefined;
  /** Schema, reference and walk problems: any one makes the definition unusable. */
  readonly errors: readonly ProcedureProblem[];
  /** Walk-check findings worth a look that do not stop the procedure running. */
  readonly warnings: readonly ProcedureProblem[];
}

/**
 * Validates a procedure file's parsed value in three passes, each only when the one before
 * found nothing (a later pass would only echo an earlier problem): the schema, the references
 * between parts, then the walk checks.
 */
export function readProcedureDefinition(value: unknown): ProcedureDefinitionResult {
  const parsed = procedureFileSchema.safeParse(value);
  if (!parsed.success) return { procedure: undefined, errors: problemsFromZod(parsed.error, value), warnings: [] };
  const { $schema: _editorSchema, ...definition } = parsed.data;
  const procedure: Procedure = { ...definition, frameworks: definition.frameworks.map(builtInOr) };
  const references = findReferenceProblems(procedure);
  if (references.length > 0) return { procedure: undefined, errors: references, warnings: [] };
  const walk = checkProcedure(procedure);
  return { procedure: walk.errors.length > 0 ? undefined : procedure, errors: walk.errors, warnings: walk.warnings };
}
