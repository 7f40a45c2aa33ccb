/**
 * `npm run procedure:schema`: regenerates schemas/procedure.schema.json (the JSON Schema editors
 * use for procedure files) from the domain's zod schema; `-- --check` only compares.
 */
import path from 'node:path';
import { runProcedureSchema } from '../src/procedures-files/cli.js';

const result = await runProcedureSchema(process.argv.slice(2), path.resolve(import.meta.dirname, '..'));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
