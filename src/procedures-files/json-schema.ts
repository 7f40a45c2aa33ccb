import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { procedureFileSchema } from '../domain/procedure/procedure-file.js';

/**
 * The JSON Schema of a procedure file, generated from the domain's zod schema so the two cannot
 * drift (a test compares it with the committed `schemas/procedure.schema.json`). Editors use it
 * to complete and check procedure files as they are written: VS Code through
 * `.vscode/settings.json`, and any editor through the file's `$schema` (JSON) or
 * `# yaml-language-server: $schema=…` line (YAML). Fields with defaults are optional, as in a file.
 */

/** Where the schema is committed, from the repository root. */
export const PROCEDURE_SCHEMA_PATH = 'schemas/procedure.schema.json';

export function procedureJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(procedureFileSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  return {
    ...generated,
    title: 'Trellis procedure',
    description:
      "A teacher-training provider's trainee support procedure, run by Trellis: roles, stages, plans, reviews, outcomes, panels and who is told. Check a file with `npm run procedure:check <file>`.",
  };
}

/** What to do when the committed schema no longer matches the code. */
export const SCHEMA_OUT_OF_DATE = `${PROCEDURE_SCHEMA_PATH} does not match the procedure schema in src/domain/procedure: run \`npm run procedure:schema\` and commit the file.`;

/** Whether the committed text is the schema the code generates (formatting aside). */
export function schemaMatches(committedText: string): boolean {
  let committed: unknown;
  try {
    committed = JSON.parse(committedText);
  } catch {
    return false;
  }
  return isDeepStrictEqual(committed, JSON.parse(JSON.stringify(procedureJsonSchema())));
}
