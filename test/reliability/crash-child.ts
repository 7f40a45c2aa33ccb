/**
 * The server the crash test kills: local mode on a data folder with fsync durability (what
 * `npm start` runs, without building the tab), on a free port. Prints one JSON line with its
 * address when it is ready; the parent reads it, drives writes and sends SIGKILL.
 * Usage: node --import tsx test/reliability/crash-child.ts <dataDir>
 */
import { startLocalMode } from '../../src/compose/local.js';

const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write('usage: crash-child.ts <dataDir>\n');
  process.exit(2);
}
const running = await startLocalMode({ dataDir, port: 0, durability: 'fsync' });
process.stdout.write(`${JSON.stringify({ ready: true, port: running.port })}\n`);
