/**
 * `npm run procedure:check -- <file, folder or built-in id>... [--mermaid]`: validates a procedure
 * file, walks it (the checks Trellis runs at start), and prints it in plain words and as a
 * Mermaid diagram. Exit code 1 when there is an error.
 */
import { SEED_PROCEDURES } from '../src/domain/procedures/index.js';
import { runProcedureCheck } from '../src/procedures-files/cli.js';

const result = await runProcedureCheck(process.argv.slice(2), SEED_PROCEDURES);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
