import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { stringify } from 'yaml';
import { frameworkSchema } from '../domain/frameworks/framework.js';
import { BUILT_IN_FRAMEWORKS } from '../domain/procedure/procedure-file.js';
import { procedureSchema, type Procedure } from '../domain/procedure/schema.js';
import type { SourceFormat } from './source-text.js';

/**
 * A procedure as a file a provider can start from: the built-in definitions exported as JSON
 * (or YAML), naming the JSON Schema for editors. Settings left at their default are left out,
 * as a person would write the file; loading it puts them back, so the file loads to exactly
 * the procedure it came from.
 */

/** `$schema` for a file in a `procedures/` folder at the repository root. */
export const DEFAULT_SCHEMA_REF = '../schemas/procedure.schema.json';

/** `value` without the fields whose value is the schema's default for them. */
function withoutDefaults(schema: z.core.$ZodType, value: unknown): unknown {
  if (schema instanceof z.ZodDefault) return withoutDefaults(schema.unwrap(), value);
  if (schema instanceof z.ZodOptional) return value === undefined ? value : withoutDefaults(schema.unwrap(), value);
  if (schema instanceof z.ZodPipe) return withoutDefaults(schema.in, value);
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item: unknown) => withoutDefaults(schema.element, item));
  }
  if (schema instanceof z.ZodUnion) {
    const option = schema.options.find((o) => z.safeParse(o, value).success);
    return option === undefined ? value : withoutDefaults(option, value);
  }
  if (schema instanceof z.ZodObject && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const shape = schema.shape as Record<string, z.core.$ZodType>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const fieldSchema = shape[key];
      if (fieldSchema === undefined) {
        out[key] = field;
        continue;
      }
      if (fieldSchema instanceof z.ZodDefault && isDeepStrictEqual(field, fieldSchema.def.defaultValue)) continue;
      out[key] = withoutDefaults(fieldSchema, field);
    }
    return out;
  }
  return value;
}

export interface ExportOptions {
  readonly format?: SourceFormat;
  /** The `$schema` reference written into the file, relative to where the file will be. */
  readonly schemaRef?: string;
}

/** The text of a procedure file for `procedure`. */
export function exportProcedureText(procedure: Procedure, options: ExportOptions = {}): string {
  const schemaRef = options.schemaRef ?? DEFAULT_SCHEMA_REF;
  const definition = {
    ...(withoutDefaults(procedureSchema, procedure) as Record<string, unknown>),
    // A framework Trellis ships is named by id, as a provider would write it.
    frameworks: procedure.frameworks.map((framework) =>
      BUILT_IN_FRAMEWORKS.some((f) => isDeepStrictEqual(f, framework))
        ? framework.id
        : withoutDefaults(frameworkSchema, framework),
    ),
  };
  if ((options.format ?? 'json') === 'json') {
    return `${JSON.stringify({ $schema: schemaRef, ...definition }, null, 2)}\n`;
  }
  // YAML editors (the YAML extension for VS Code) read the schema from this first-line comment.
  return `# yaml-language-server: $schema=${schemaRef}\n${stringify(definition, { lineWidth: 100 })}`;
}
