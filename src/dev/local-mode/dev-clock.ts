import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The dev clock: real time plus an offset, so "today" can be moved forward to watch reviews
 * fall due. The offset is kept in the data folder and survives restarts. Local mode only.
 */
export interface DevClock {
  now(): Date;
  /** Milliseconds ahead of (or behind) real time. */
  readonly offsetMs: number;
  set(instant: Date): Promise<void>;
  reset(): Promise<void>;
}

const fileSchema = z.object({ offsetMs: z.number() });

export function loadDevClock(dataDir: string, realNow: () => Date = () => new Date()): DevClock {
  const file = path.join(dataDir, 'dev-clock.json');
  let offsetMs = 0;
  try {
    offsetMs = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).offsetMs;
  } catch {
    offsetMs = 0;
  }
  const save = async (): Promise<void> => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify({ offsetMs }));
  };
  return {
    now: () => new Date(realNow().getTime() + offsetMs),
    get offsetMs() {
      return offsetMs;
    },
    set: async (instant) => {
      offsetMs = instant.getTime() - realNow().getTime();
      await save();
    },
    reset: async () => {
      offsetMs = 0;
      await save();
    },
  };
}
