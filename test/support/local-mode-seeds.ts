import { cp, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger } from '../../src/app/logger.js';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';

/**
 * Local mode's first start in an empty data folder provisions the lists and loads the demo data:
 * about three seconds of CPU, paid again by every test file that starts local mode. The suite's
 * global setup (test/support/local-mode-seeds.global.ts) starts it once per run into seed folders,
 * and `seededDataDir` gives each file a copy, which local mode finds provisioned and loaded and
 * starts in a fraction of that. A copy holds exactly what the file's own first start would have
 * written, as long as the clock is the one the seed was made with:
 *
 * - `pinned`: local mode's clock fixed at Monday 23 November 2026, 10:00 in London (`PINNED_NOW`),
 *   the day the API tests pin;
 * - `today`: the real clock. The demo cases are dated from the day they are loaded, so a file that
 *   starts on another London day than its seed (a run across midnight) gets an empty folder and
 *   loads them afresh.
 */
export type Seed = 'pinned' | 'today';

export const PINNED_NOW = (): Date => londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);

/** Where the run's seeds are, set by the global setup for the test processes it starts. */
export const SEEDS_ENV = 'TRELLIS_TEST_LOCAL_MODE_SEEDS';

const DONE = 'seeded.json';

interface Outcome {
  readonly ok: boolean;
  readonly error?: string;
  /** The London day the `today` seed was made on. */
  readonly today?: string;
}

export const londonDay = (at: Date = new Date()): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(at);

/** Makes both seeds under `dir`, then says how it went in a file written whole. */
export async function makeSeeds(dir: string): Promise<void> {
  let outcome: Outcome;
  try {
    const today = londonDay();
    // Loaded here: the global setup's process need not compile the app before it is asked to.
    const { startLocalMode } = await import('../../src/compose/local.js');
    const seed = async (name: Seed, realNow?: () => Date): Promise<void> => {
      const local = await startLocalMode({
        dataDir: path.join(dir, name),
        port: 0,
        durability: 'none',
        logger: silentLogger,
        schedule: false,
        ...(realNow === undefined ? {} : { realNow }),
      });
      await local.close();
    };
    await seed('pinned', PINNED_NOW);
    await seed('today');
    outcome = { ok: true, today };
  } catch (error) {
    outcome = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  await writeFile(path.join(dir, `${DONE}.part`), JSON.stringify(outcome));
  await rename(path.join(dir, `${DONE}.part`), path.join(dir, DONE));
}

async function seedsReady(dir: string): Promise<Outcome> {
  const giveUp = Date.now() + 600_000;
  for (;;) {
    const text = await readFile(path.join(dir, DONE), 'utf8').catch(() => undefined);
    if (text !== undefined) return JSON.parse(text) as Outcome;
    if (Date.now() > giveUp) throw new Error('The local-mode seeds were not made in ten minutes');
    await delay(100);
  }
}

/**
 * A fresh data folder for local mode under the system's temp folder (`prefix` names it), holding a
 * copy of the run's `seed` when there is one to use. Outside a run with the global setup (a
 * file run from an editor, a script) it is empty, and local mode seeds it itself.
 */
export async function seededDataDir(prefix: string, seed: Seed): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  const seeds = process.env[SEEDS_ENV];
  if (seeds === undefined || seeds === '') return dataDir;
  const outcome = await seedsReady(seeds);
  if (!outcome.ok) throw new Error(`The local-mode seeds could not be made:\n${outcome.error ?? ''}`);
  if (seed === 'today' && outcome.today !== londonDay()) return dataDir;
  await cp(path.join(seeds, seed), dataDir, { recursive: true });
  return dataDir;
}
