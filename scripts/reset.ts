/**
 * `npm run reset`: deletes the local data folder (TRELLIS_DATA_DIR, default .trellis-data), so
 * the next `npm start` provisions and loads the demo data afresh. Refuses anything that does
 * not look like a Trellis data folder.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const KNOWN = new Set(['graph', 'dev-signing-key.json', 'dev-clock.json', 'demo-data.json']);

async function main(): Promise<void> {
  const dir = path.resolve(process.env.TRELLIS_DATA_DIR ?? '.trellis-data');
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    process.stdout.write(`Nothing to reset: ${dir} does not exist.\n`);
    return;
  }
  const strangers = entries.filter((e) => !KNOWN.has(e));
  if (dir === path.parse(dir).root || strangers.length > 0) {
    process.stderr.write(
      `Not deleting ${dir}: it holds files Trellis did not make (${strangers.slice(0, 5).join(', ')}).\n`,
    );
    process.exitCode = 1;
    return;
  }
  await rm(dir, { recursive: true, force: true });
  process.stdout.write(`Deleted ${dir}. The next \`npm start\` loads fresh demo data.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`reset failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
