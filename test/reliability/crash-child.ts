/**
 * The server the crash test kills, and each Trellis process of a soak run: local mode on a data
 * folder, on a free port, with its own embedded emulator (fsync durability, what `npm start`
 * runs, without building the tab), or on a shared emulator given by `--graph-url` and
 * `--graph-ca` (several processes, one store). Prints one JSON line with its address when it is
 * ready; the parent reads it, drives requests and may send SIGKILL. Logs JSON lines on stderr.
 * The cluster (cluster.ts) runs it bundled with plain node (test/support/child-bundle.ts); by hand:
 * node --import tsx test/reliability/crash-child.ts <dataDir> [--graph-url URL --graph-ca FILE] [--no-scheduler]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startLocalMode, startLocalModeOnSharedGraph } from '../../src/compose/local.js';

const { values, positionals } = parseArgs({
  options: {
    'graph-url': { type: 'string' },
    'graph-ca': { type: 'string' },
    // No in-process scheduler: sweeps run only when a test asks for them.
    'no-scheduler': { type: 'boolean' },
  },
  allowPositionals: true,
});
const dataDir = positionals[0];
if (dataDir === undefined) {
  process.stderr.write('usage: crash-child.ts <dataDir> [--graph-url URL --graph-ca FILE]\n');
  process.exit(2);
}
const graphUrl = values['graph-url'];
const schedule = values['no-scheduler'] === true ? { schedule: false } : {};
const running =
  graphUrl === undefined
    ? await startLocalMode({ dataDir, port: 0, durability: 'fsync', ...schedule })
    : await startLocalModeOnSharedGraph(
        { dataDir, port: 0, ...schedule },
        { baseUrl: graphUrl, caCertPem: readFileSync(values['graph-ca'] ?? '', 'utf8') },
      );
process.stdout.write(`${JSON.stringify({ ready: true, port: running.port })}\n`);
