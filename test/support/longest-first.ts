import { statSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that run for a minute or more each (the reliability scenarios and the longest tab
 * journeys), longest first. In a clean clone vitest knows no durations yet and would start them
 * in file-size order — crash.test.ts, a small file, last of all — so the run ends with one long
 * file going alone while the other workers sit idle. Naming them here only orders the work: a
 * stale entry costs time, never a test.
 */
const LONGEST = [
  'test/reliability/crash.test.ts',
  'test/tab/case-actions.e2e.test.ts',
  'test/tab/tab-workspace-actions.e2e.test.ts',
  'test/tab/tab-journeys.e2e.test.ts',
  'test/tab/tab-wizard.e2e.test.ts',
  'test/reliability/faults.test.ts',
  'test/tab/new-case.e2e.test.ts',
  'test/tab/front-door.e2e.test.ts',
  'test/reliability/fuzz.test.ts',
  'test/tab/tab.e2e.test.ts',
  'test/reliability/access-matrix.test.ts',
];

/** The projects whose files start servers, browsers or child processes: tens of seconds each. */
const SLOW_PROJECTS = new Set(['reliability', 'tab']);

/**
 * Orders test files so the longest start first and the many short ones fill the gaps at the end
 * (vite.config.ts). Once a run has recorded durations (vitest's cache), those decide instead.
 */
export default class LongestFirst extends BaseSequencer {
  // Sharding (`--shard`) stays vitest's own; only the order changes.
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve(this.order(files));
  }

  private order(files: TestSpecification[]): TestSpecification[] {
    const root = this.ctx.config.root;
    const key = (spec: TestSpecification): string => `${spec.project.name}:${path.relative(root, spec.moduleId)}`;
    const recorded = (spec: TestSpecification): number | undefined =>
      this.ctx.cache.getFileTestResults(key(spec))?.duration;
    const rank = (spec: TestSpecification): number => {
      const index = LONGEST.indexOf(path.relative(root, spec.moduleId).split(path.sep).join('/'));
      return index === -1 ? LONGEST.length : index;
    };
    const size = (spec: TestSpecification): number => {
      try {
        return statSync(spec.moduleId).size;
      } catch {
        return 0;
      }
    };
    // Durations recorded for every file decide; otherwise (a clean clone, a new file) the order below does.
    const durations = new Map(files.map((spec) => [spec, recorded(spec)]));
    if ([...durations.values()].every((d) => d !== undefined))
      return [...files].sort((a, b) => (durations.get(b) ?? 0) - (durations.get(a) ?? 0));
    return [...files].sort((a, b) => {
      const slow = Number(SLOW_PROJECTS.has(b.project.name)) - Number(SLOW_PROJECTS.has(a.project.name));
      if (slow !== 0) return slow;
      return rank(a) - rank(b) || size(b) - size(a);
    });
  }
}
