/**
 * The review sweep's benchmark population, shared by the sweep and latency benchmarks: cases on
 * the emulator, one in ten with an agreed plan awaiting review, one in a hundred changed in the
 * last day, and the sweep as `POST /api/jobs/review-sweep` runs it on 2026-12-14 at 07:30 (lead
 * 2 working days, escalation after 3) with senders that send nothing, so what is measured is
 * planning and the outbox, where the SharePoint resource units are.
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/app/logger.js';
import { runReviewSweep, type ReviewSweepResult } from '../src/app/notifications/review-sweep.js';
import { DEFAULT_NOTIFY_SETTINGS } from '../src/app/notifications/settings.js';
import { addWorkingDays, londonInstantAt, parseLocalDate as d, type LocalDate } from '../src/domain/calendar/index.js';
import { calendarFor, editPlan, openCase, signPlan, type CommandContext } from '../src/domain/case/index.js';
import { engineTestProcedure as procedure } from '../src/domain/case/fixtures.js';
import { actorFor, aDraft, courseTeam, openInput, personFor } from '../src/domain/case/testing.js';
import type { Actor, CaseState } from '../src/domain/case/types.js';
import type { CaseSummary as DueCase } from '../src/notify/due-reviews.js';
import type { Notification } from '../src/notify/notification.js';
import type { Senders } from '../src/notify/ports.js';
import { GraphCaseRepository } from '../src/store/case-repository.js';
import { roleSidesOf } from '../src/store/case-rows.js';
import { GraphOutbox } from '../src/store/notify/graph-outbox.js';
import type { BenchEmulator } from './emulator.js';

/** One case in ten has an agreed plan awaiting review; the rest are being planned or signed. */
export const ACTIVE_EVERY = 10;
/** One case in a hundred changed in the last day (re-planned by the sweep's recovery). */
export const RECENT_EVERY = 100;
export const SWEEP_DAY = d('2026-12-14');
export const sweepCalendar = calendarFor(procedure);
const LOAD_CONCURRENCY = 16;

const ctxOn = (day: LocalDate, actor: Actor): CommandContext => ({
  procedure,
  calendar: sweepCalendar,
  now: londonInstantAt(day, 10, 0),
  actor,
});
const as = (state: CaseState, role: string): Actor =>
  actorFor(state.people.find((p) => p.role === role) ?? personFor(role));

/** The case's commands in memory: opened (and for active cases, planned and signed) on its day. */
function caseFor(i: number): {
  opened: ReturnType<typeof openCase>;
  rest: { state: CaseState; events: ReturnType<typeof openCase>['events'] } | undefined;
} {
  const active = i % ACTIVE_EVERY === 0;
  const day =
    i % RECENT_EVERY === 1
      ? SWEEP_DAY
      : active
        ? addWorkingDays(sweepCalendar, d('2026-11-30'), i % 7)
        : d('2026-11-23');
  const people = [
    personFor('trainee', { id: `t${i}@uni.test`, name: `Trainee ${i}` }),
    personFor('mentor', { id: `m${i % 300}@school.test`, name: `Mentor ${i % 300}` }),
    personFor('tutor', { id: `tutor${i % 40}@uni.test`, name: `Tutor ${i % 40}` }),
  ];
  const opened = openCase(
    ctxOn(day, courseTeam),
    { caseId: `sweep-${i}`, previousCases: 0 },
    openInput(procedure, { reference: `S-${i}`, people }),
  );
  if (!active) return { opened, rest: undefined };
  const reviewDate = addWorkingDays(sweepCalendar, day, 1 + (i % 9));
  const planned = editPlan(ctxOn(day, as(opened.state, 'tutor')), opened.state, {
    plan: aDraft(procedure, { reviewDate }, 2),
    withdrawSignatures: false,
  });
  const signed1 = signPlan(ctxOn(day, as(planned.state, 'trainee')), planned.state, {
    role: 'trainee',
    typedName: `Trainee ${i}`,
  });
  const signed2 = signPlan(ctxOn(day, as(signed1.state, 'mentor')), signed1.state, {
    role: 'mentor',
    typedName: `Mentor ${i % 300}`,
  });
  return { opened, rest: { state: signed2.state, events: [...planned.events, ...signed1.events, ...signed2.events] } };
}

export interface SweepPopulation {
  readonly repository: GraphCaseRepository;
  /** Every case as the pure planner sees it (each treated as awaiting review). */
  readonly dueCases: readonly DueCase[];
  readonly loadSeconds: number;
  /** One sweep, as the daily job runs it. */
  sweep(): Promise<ReviewSweepResult>;
  /** Notifications the senders were given. */
  readonly sent: { count: number };
}

/** Stores `count` cases through the repository, 16 at a time, and makes the sweep over them. */
export async function loadSweepPopulation(env: BenchEmulator, count: number): Promise<SweepPopulation> {
  const repository = new GraphCaseRepository(env.client, env.site, { roleSides: roleSidesOf([procedure]) });
  const loadStart = performance.now();
  let next = 0;
  const dueCases: DueCase[] = [];
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const { opened, rest } = caseFor(i);
        const stored = await repository.create(opened);
        if (rest) await repository.append(stored, rest);
        const state = rest?.state ?? opened.state;
        const reviewDate = state.plan?.content.reviewDate;
        dueCases.push({
          caseId: state.id,
          reference: state.reference,
          stageId: state.stageId,
          stageTitle: 'Stage 1',
          programme: state.placement.programme,
          reviewDate: reviewDate ?? SWEEP_DAY,
          people: state.people,
        });
      }
    }),
  );
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const sent = { count: 0 };
  const noop = (_n: Notification): Promise<void> => {
    sent.count += 1;
    return Promise.resolve();
  };
  const senders: Senders = { email: noop, calendar: noop, chat_card: noop, channel_card: noop };
  const now = londonInstantAt(SWEEP_DAY, 7, 30);
  const deps = {
    repository,
    procedures: [procedure],
    clock: () => now,
    logger: silentLogger,
    runtime: {
      outbox: new GraphOutbox(env.client, env.site.lists.outbox),
      senders,
      settings: DEFAULT_NOTIFY_SETTINGS,
      owner: 'bench',
    },
  };
  // The repository's case-row cache is warm in a running server: one load first, as the dashboard would.
  await repository.list({ limit: 1 });
  return {
    repository,
    dueCases,
    loadSeconds,
    sent,
    sweep: () => runReviewSweep(deps, { dueReviews: true, recentSince: new Date(now.getTime() - 24 * 60 * 60_000) }),
  };
}
