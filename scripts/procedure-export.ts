/**
 * `npm run procedure:export -- <id> [--yaml] [--out <file>]`: a built-in procedure as a procedure
 * file (JSON with its `$schema`), the starting point for a provider's own (docs/procedures.md).
 */
import { SEED_PROCEDURES } from '../src/domain/procedures/index.js';
import { runProcedureExport } from '../src/procedures-files/cli.js';

const result = await runProcedureExport(process.argv.slice(2), SEED_PROCEDURES);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
