import { reportQuerySchema } from '../../contract/requests.js';
import { londonDateOf } from '../../domain/calendar/index.js';
import type { CaseState } from '../../domain/case/types.js';
import type { CaseSummary } from '../../domain/ports.js';
import { isCourseTeamFor, mayReport } from '../access.js';
import type { Caller } from '../caller.js';
import { NotAllowedError } from '../errors.js';
import { buildReport, STANDARDS_CASE_CAP, type Report } from '../views/reports.js';
import type { UseCaseDeps } from '../deps.js';
import { listCases } from './list-cases.js';
import { parseInput } from './parse-input.js';

const READ_CONCURRENCY = 8;

/** Cohort report over the cases the caller may see (course team and admin only). */
export async function getReport(
  deps: UseCaseDeps,
  caller: Caller,
  rawQuery: unknown,
): Promise<{ report: Report; format: 'json' | 'csv' }> {
  const { format, ...q } = parseInput(reportQuerySchema, rawQuery);
  if (!mayReport(caller)) {
    throw new NotAllowedError('Reports are for the course team. Ask your course leader for the figures you need.');
  }
  const summaries: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await listCases(deps, caller, {
      limit: '500',
      ...(q.procedure === undefined ? {} : { procedure: q.procedure }),
      ...(q.programme === undefined ? {} : { programme: q.programme }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    summaries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const inPeriod = summaries.filter(
    (s) => (q.from === undefined || s.openedOn >= q.from) && (q.to === undefined || s.openedOn <= q.to),
  );

  // Removed cases count where they did, on the programmes the caller covers.
  const present = new Set(summaries.map((s) => s.id));
  const removed = (deps.records === undefined ? [] : await deps.records.tombstones()).filter(
    (t) =>
      !present.has(t.caseId) &&
      isCourseTeamFor(caller, t.programme) &&
      (q.procedure === undefined || t.procedureId === q.procedure) &&
      (q.programme === undefined || t.programme === q.programme) &&
      (q.from === undefined || t.openedOn >= q.from) &&
      (q.to === undefined || t.openedOn <= q.to),
  );

  let states: CaseState[] | undefined;
  if (inPeriod.length <= STANDARDS_CASE_CAP) {
    states = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: READ_CONCURRENCY }, async () => {
        for (let i = next++; i < inPeriod.length; i = next++) {
          const summary = inPeriod[i];
          const stored = summary ? await deps.repository.find(summary.id) : undefined;
          if (stored) states?.push(stored.state);
        }
      }),
    );
  }
  const report = buildReport({
    summaries: inPeriod,
    procedures: deps.procedures,
    today: londonDateOf(deps.clock()),
    states,
    period: { from: q.from, to: q.to },
    removed,
  });
  return { report, format: format ?? 'json' };
}
