import { londonDateOf, type LocalDate } from '../../domain/calendar/index.js';
import { calendarFor } from '../../domain/case/index.js';
import type { CaseQuery, CaseSummary, StoredCase } from '../../domain/ports.js';
import { accessTo, isCourseTeamFor, mayReport } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { recordReads } from '../access-log.js';
import { isAwaitedFrom, nextSteps, type NextStep } from '../../domain/case/next-steps.js';
import { findProcedureIn, traineeRolesOf } from './procedures.js';
import { versionsOf } from './procedure-versions.js';

/**
 * "What you need to do" (GET /api/me/todo, the tab's home, the bot later): every step awaited
 * from the caller on the open cases naming them — signatures, perceptions, reviews due or
 * overdue, meetings coming up — and, for the course team, the steps waiting on the course team
 * on their programmes' cases. Each item names its case and the form that does it. Only cases
 * the caller may see are read, and what a step says comes from the case as the caller may see it
 * (names and dates; nothing a view hides).
 */

export interface TodoItem {
  readonly caseId: string;
  readonly reference: string;
  readonly traineeName: string;
  readonly procedureName: string;
  /** `you`: awaited from you; `course_team`: waiting on the course team (you are on it for this programme). */
  readonly awaitedFrom: 'you' | 'course_team';
  readonly step: NextStep;
}

export interface Todo {
  readonly today: LocalDate;
  readonly items: readonly TodoItem[];
  /** Cases that could not be read just now (named by reference): the rest are listed. */
  readonly unreadable: readonly string[];
}

const PAGE = 500;
const READ_CONCURRENCY = 8;
/** A bound on the cases one person's list reads: far above anyone's own, and a course team's busiest programme. */
const MAX_CASES = 400;

async function openCases(deps: UseCaseDeps, query: CaseQuery): Promise<CaseSummary[]> {
  const out: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.repository.list({
      ...query,
      status: 'open',
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined && out.length < MAX_CASES);
  return out;
}

/** A course team's case that may be waiting on them, judged from its row before it is read. */
function mayWaitOnCourseTeam(s: CaseSummary, today: LocalDate): boolean {
  return (
    s.status === 'awaiting_decision' ||
    s.status === 'planning' ||
    s.status === 'awaiting_signatures' ||
    (s.nextReviewDate !== undefined && s.nextReviewDate <= today)
  );
}

const ORDER: Readonly<Record<NextStep['kind'], number>> = {
  perceptions: 0,
  sign: 1,
  review: 2,
  complete_plan: 3,
  follow_up: 4,
  decision: 5,
  meeting: 6,
};

/** Overdue first, then by date (undated last), then by kind (perceptions before signing), then by case. */
function byUrgency(a: TodoItem, b: TodoItem): number {
  if (a.step.overdue !== b.step.overdue) return a.step.overdue ? -1 : 1;
  const da = a.step.by ?? '9999-12-31';
  const db = b.step.by ?? '9999-12-31';
  if (da !== db) return da < db ? -1 : 1;
  const ka = ORDER[a.step.kind];
  const kb = ORDER[b.step.kind];
  return ka !== kb ? ka - kb : a.reference.localeCompare(b.reference);
}

export async function whatYouNeedToDo(deps: UseCaseDeps, caller: Caller): Promise<Todo> {
  const today = londonDateOf(deps.clock());
  const me = caller.actor.id;
  const named = await openCases(deps, { personId: me });
  const candidates = new Map(named.map((s) => [s.id, s]));
  if (mayReport(caller)) {
    const programmes = caller.programmes === 'all' ? [undefined] : caller.programmes;
    for (const programme of programmes) {
      for (const s of await openCases(deps, programme === undefined ? {} : { programme }))
        if (mayWaitOnCourseTeam(s, today)) candidates.set(s.id, s);
    }
  }
  const summaries = [...candidates.values()]
    .filter((s) => accessTo(caller, s, traineeRolesOf(deps.procedures, s.procedureId)) !== 'none')
    .slice(0, MAX_CASES);

  const items: TodoItem[] = [];
  const unreadable: string[] = [];
  const queue = [...summaries];
  const worker = async (): Promise<void> => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const procedure = findProcedureIn(deps.procedures, s.procedureId);
      if (!procedure) continue;
      let stored: StoredCase | undefined;
      try {
        stored = await deps.repository.find(s.id);
      } catch (error) {
        deps.logger.warn('todo: a case could not be read', {
          caseId: s.id,
          error: error instanceof Error ? error.message : String(error),
        });
        unreadable.push(s.reference);
        continue;
      }
      if (!stored) continue;
      const { state } = stored;
      // What the case waits for under the version of its procedure it follows.
      const followed = await versionsOf(deps)
        .of(state)
        .catch(() => procedure);
      const courseTeam = isCourseTeamFor(caller, state.placement.programme);
      // Someone holding two roles that each sign is asked once.
      const listed = new Set<string>();
      for (const step of nextSteps(followed, state, today, calendarFor(followed))) {
        const mine = isAwaitedFrom(step, me);
        if (!mine && !(courseTeam && step.courseTeam)) continue;
        if (listed.has(step.kind)) continue;
        listed.add(step.kind);
        items.push({
          caseId: state.id,
          reference: state.reference,
          traineeName: s.traineeName,
          procedureName: procedure.name,
          awaitedFrom: mine ? 'you' : 'course_team',
          step,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, queue.length) }, worker));
  // Each listed step names its case, its trainee and what is due: a read of that case (the cases
  // read only to find that nothing is waiting are not shown, so not recorded).
  recordReads(
    deps,
    caller,
    items.map((item) => item.caseId),
    'list',
  );
  return { today, items: items.sort(byUrgency), unreadable: unreadable.sort() };
}
