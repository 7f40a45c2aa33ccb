import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { calendarFor } from '../../src/domain/case/command-kit.js';
import { milestoneStatuses } from '../../src/domain/case/queries.js';
import { personFor } from '../../src/domain/case/testing.js';
import type { CaseState } from '../../src/domain/case/types.js';
import type { Stage } from '../../src/domain/procedure/schema.js';
import { rcttpConcernProcedures as rcttp } from '../../src/domain/procedures/index.js';
import { planDueMilestones, type MilestoneCase } from '../../src/notify/due-milestones.js';

const d = parseLocalDate;
function dfaStage(): Stage {
  const found = rcttp.stages.find((s) => s.id === 'deferred_final_assessment');
  if (!found) throw new Error('RCTTP has no Deferred Final Assessment');
  return found;
}
const stage = dfaStage();
const people = ['trainee', 'mentor', 'partnership_tutor', 'course_leader', 'programme_manager'].map((r) =>
  personFor(r),
);

/**
 * RCTTP's Deferred Final Assessment from Monday 19 April 2027: "The trainee's Progress Review
 * must be completed by the end of week 5" (Sunday 23 May), and each week-by-week milestone, are
 * reminded like reviews until recorded as done.
 */
function dfaCase(done: readonly string[] = []): MilestoneCase {
  const state = {
    stageId: 'deferred_final_assessment',
    stageStartsOn: d('2027-04-19'),
    stageHistory: [{ stageId: 'deferred_final_assessment', enteredOn: d('2027-01-13'), via: 'outcome' }],
    milestonesDone: done.map((milestoneId) => ({
      stageId: 'deferred_final_assessment',
      milestoneId,
      by: 'p@x',
      byName: 'P',
      on: d('2027-05-20'),
      note: undefined,
      visit: 0,
    })),
  } satisfies Pick<CaseState, 'stageId' | 'stageStartsOn' | 'stageHistory' | 'milestonesDone'>;
  return {
    caseId: 'case-1',
    reference: 'RCTTP-1',
    stageId: 'deferred_final_assessment',
    stageTitle: 'Deferred Final Assessment',
    startsOn: state.stageStartsOn,
    milestones: milestoneStatuses(stage, state),
    people,
    reminded: stage.review?.reviewers ?? [],
  };
}

const plan = (today: string, done: readonly string[] = []) =>
  planDueMilestones({
    cases: [dfaCase(done)],
    today: d(today),
    calendar: calendarFor(rcttp),
    leadWorkingDays: 2,
  });

const progressReview = (today: string, done: readonly string[] = []) =>
  plan(today, done)
    .filter((n) => n.key.includes(':progress_review:'))
    .map((n) => `${n.kind} ${n.channel} ${n.recipient.kind === 'person' ? n.recipient.role : ''}`)
    .sort();

const reviewers = (kind: string): string[] =>
  ['mentor', 'partnership_tutor', 'course_leader']
    .flatMap((r) => [`${kind} chat_card ${r}`, `${kind} email ${r}`])
    .sort();

describe('planDueMilestones: the Progress Review "must be completed by the end of week 5"', () => {
  it.each([
    { today: '2027-05-18', expected: [] },
    { today: '2027-05-20', expected: reviewers('milestone_coming_up') },
    { today: '2027-05-23', expected: reviewers('milestone_due_today') },
    { today: '2027-05-24', expected: reviewers('milestone_overdue') },
  ])('on $today', ({ today, expected }) => {
    expect(progressReview(today)).toEqual(expected);
  });

  it('stops once it is recorded as done', () => {
    expect(progressReview('2027-05-24', ['progress_review'])).toEqual([]);
  });

  it('keys each phase by case, stage start, milestone and date, so a sweep run twice sends nothing twice', () => {
    const first = plan('2027-05-24').map((n) => n.key);
    expect(new Set(first).size).toBe(first.length);
    expect(plan('2027-05-24').map((n) => n.key)).toEqual(first);
    expect(first).toContain(
      `case-1:milestone:deferred_final_assessment:2027-04-19:progress_review:2027-05-23:milestone_overdue:${people[1]?.email ?? ''}`,
    );
    const overdue = plan('2027-05-24').find((n) => n.key.includes(':progress_review:') && n.channel === 'email');
    expect(overdue?.lines).toEqual([
      'Overdue in Deferred Final Assessment for RCTTP-1: this must be done by Sunday 23 May 2027 and has not been recorded as done.',
      "The trainee's Progress Review must be completed by the end of week 5.",
      'Record it as done on the case page in Trellis once it has happened.',
    ]);
  });

  it('reminds each milestone of the week-by-week plan, not only the deadline', () => {
    const weeks12 = plan('2027-04-30').map((n) => n.key.split(':')[4]);
    expect(new Set(weeks12)).toEqual(
      new Set(['issues_meeting', 'work_alongside_mentor', 'weekly_mentor_meetings_1_2', 'rcttp_visit_1_2']),
    );
  });
});
