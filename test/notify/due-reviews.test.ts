import { describe, expect, it } from 'vitest';
import { makeWorkingCalendar, parseLocalDate } from '../../src/domain/calendar/index.js';
import { personFor } from '../../src/domain/case/testing.js';
import { planDueReviews, type CaseSummary } from '../../src/notify/due-reviews.js';

const d = parseLocalDate;
const calendar = makeWorkingCalendar();
const summaryOf = (reviewDate: string): CaseSummary => ({
  caseId: 'case-1',
  reference: 'CASE-1',
  stageId: 'stage_2',
  stageTitle: 'Stage 2',
  programme: 'PGCE Primary',
  reviewDate: d(reviewDate),
  people: ['trainee', 'mentor', 'tutor', 'course_leader'].map((r) => personFor(r)),
});

/** Each reviewer gets the review card in Teams and the reminder email (Outlook's actionable message). */
const reviewers = (kind: string): string[] =>
  [`${kind} chat_card mentor`, `${kind} chat_card tutor`, `${kind} email mentor`, `${kind} email tutor`].sort();

describe('planDueReviews (review Friday 13 Nov 2026; lead 2 working days; escalate after 3)', () => {
  const table = [
    { today: '2026-11-10', expected: [] },
    { today: '2026-11-11', expected: reviewers('review_coming_up') },
    { today: '2026-11-13', expected: reviewers('review_due_today') },
    { today: '2026-11-17', expected: reviewers('review_overdue') },
    {
      today: '2026-11-18',
      expected: [
        'review_escalation channel_card channel',
        'review_escalation chat_card course_leader',
        ...reviewers('review_escalation'),
      ].sort(),
    },
  ];
  it.each(table)('on $today', ({ today, expected }) => {
    const due = planDueReviews({
      cases: [summaryOf('2026-11-13')],
      today: d(today),
      calendar,
      leadWorkingDays: 2,
      escalateAfterWorkingDays: 3,
    });
    expect(
      due.map((n) => `${n.kind} ${n.channel} ${n.recipient.kind === 'person' ? n.recipient.role : 'channel'}`).sort(),
    ).toEqual(expected);
  });

  it('keys make each phase once-only, and a moved date is a new review', () => {
    const run = (today: string, date = '2026-11-13') =>
      planDueReviews({
        cases: [summaryOf(date)],
        today: d(today),
        calendar,
        leadWorkingDays: 2,
        escalateAfterWorkingDays: 3,
      }).map((n) => n.key);
    expect(run('2026-11-11')).toEqual(run('2026-11-12'));
    expect(run('2026-11-11').slice(0, 2)).toEqual([
      'case-1:review:2026-11-13:stage_2:review_coming_up:mentor@provider.test',
      'case-1:review:2026-11-13:stage_2:review_coming_up:email:mentor@provider.test',
    ]);
    expect(run('2026-11-18', '2026-11-20')[0]).toContain('2026-11-20');
  });
});
