/** Starts the local Graph emulator: `npx tsx scripts/graph-emulator.ts --data .trellis-data/graph --port 8443`. */
import { runGraphEmulatorCli } from '../src/dev/graph-emulator/cli.js';

runGraphEmulatorCli(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`graph emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
