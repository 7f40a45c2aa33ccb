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
      'case-1:review:2026-11-13:stage_2:email:due:mentor@provider.test',
    ]);
    expect(run('2026-11-18', '2026-11-20')[0]).toContain('2026-11-20');
  });

  it('emails each reviewer at most once when the review falls due and once when it is overdue, however the sweep runs', () => {
    const people = [
      ...summaryOf('2026-11-13').people,
      personFor('professional_mentor', { email: 'mentor@provider.test' }),
    ];
    // Every day from a week before the review to a week after it, as a daily sweep would.
    const emails = new Map<string, string[]>();
    for (let day = 4; day <= 20; day += 1) {
      const today = `2026-11-${String(day).padStart(2, '0')}`;
      for (const n of planDueReviews({
        cases: [{ ...summaryOf('2026-11-13'), people }],
        today: d(today),
        calendar,
        leadWorkingDays: 2,
        escalateAfterWorkingDays: 3,
      })) {
        if (n.channel !== 'email' || n.recipient.kind !== 'person') continue;
        // The outbox sends a key once: what a reviewer receives is the distinct keys, each with its first phase.
        const keys = emails.get(n.recipient.email) ?? [];
        if (!keys.some((k) => k.startsWith(`${n.key} `))) keys.push(`${n.key} ${n.kind}`);
        emails.set(n.recipient.email, keys);
      }
    }
    expect(Object.fromEntries(emails)).toEqual({
      'mentor@provider.test': [
        'case-1:review:2026-11-13:stage_2:email:due:mentor@provider.test review_coming_up',
        'case-1:review:2026-11-13:stage_2:email:overdue:mentor@provider.test review_overdue',
      ],
      'tutor@provider.test': [
        'case-1:review:2026-11-13:stage_2:email:due:tutor@provider.test review_coming_up',
        'case-1:review:2026-11-13:stage_2:email:overdue:tutor@provider.test review_overdue',
      ],
    });
  });

  it('a reminder first seen on the day, or once escalated, is still one email for that change', () => {
    const keysOn = (today: string) =>
      planDueReviews({
        cases: [summaryOf('2026-11-13')],
        today: d(today),
        calendar,
        leadWorkingDays: 2,
        escalateAfterWorkingDays: 3,
      })
        .filter((n) => n.channel === 'email')
        .map((n) => `${n.key} ${n.kind}`);
    expect(keysOn('2026-11-13')).toEqual([
      'case-1:review:2026-11-13:stage_2:email:due:mentor@provider.test review_due_today',
      'case-1:review:2026-11-13:stage_2:email:due:tutor@provider.test review_due_today',
    ]);
    expect(keysOn('2026-11-18')).toEqual([
      'case-1:review:2026-11-13:stage_2:email:overdue:mentor@provider.test review_escalation',
      'case-1:review:2026-11-13:stage_2:email:overdue:tutor@provider.test review_escalation',
    ]);
  });
});
