import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/app/logger.js';
import { startLocalMode } from '../../src/compose/local.js';
import { runSweepJob, SWEEP_JOB_EXIT } from '../../src/compose/sweep-job.js';

/**
 * The review sweep as a job (npm run job:sweep): local mode's data folder, one sweep, one JSON
 * line, an exit code. The demo data always holds overdue reviews (dated from today), so some
 * are due whatever day the suite runs.
 */
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-sweep-job-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function job(env: Record<string, string>): Promise<{ code: number; result: Record<string, unknown> }> {
  const lines: string[] = [];
  const code = await runSweepJob(
    { TRELLIS_DATA_DIR: dataDir, ...env },
    { line: (text) => lines.push(text), logger: memoryLogger() },
  );
  return { code, result: JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown> };
}

describe('npm run job:sweep', () => {
  it('sweeps local mode’s data folder once and says what it did; a second run the same day sends nothing again', async () => {
    const first = await job({});
    expect(first.code).toBe(SWEEP_JOB_EXIT.ran);
    expect(first.result).toMatchObject({ job: 'review-sweep', outcome: 'ran', caseProblems: [] });
    expect(Number(first.result.dueCases)).toBeGreaterThan(0);
    expect(Number(first.result.sent)).toBeGreaterThan(0);
    const second = await job({});
    expect(second.code).toBe(SWEEP_JOB_EXIT.ran);
    expect(second.result.sent).toBe(0);
    expect(second.result.already).toBe(second.result.planned);
  }, 180_000);

  it('fails with exit code 1 and a reason on a bad configuration, or while a server holds the data folder', async () => {
    const bad = await job({ TRELLIS_SCHEDULER: 'sometimes' });
    expect(bad.code).toBe(SWEEP_JOB_EXIT.failed);
    expect(String(bad.result.error)).toMatch(/TRELLIS_SCHEDULER/);
    const running = await startLocalMode({ dataDir, port: 0, schedule: false, logger: memoryLogger() });
    try {
      const busy = await job({});
      expect(busy.code).toBe(SWEEP_JOB_EXIT.failed);
      expect(busy.result).toMatchObject({ outcome: 'failed' });
      expect(String(busy.result.error)).toMatch(/lock|in use|running/i);
    } finally {
      await running.close();
    }
  }, 180_000);
});
