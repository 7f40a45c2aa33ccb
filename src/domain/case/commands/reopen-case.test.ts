import { describe, expect, it } from 'vitest';
import { parseLocalDate as d } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import { TEACHERS_STANDARDS_ID } from '../../frameworks/teachers-standards.js';
import type { Procedure } from '../../procedure/schema.js';
import { enhancedSupport as es, rcttpConcernProcedures as rcttp } from '../../procedures/index.js';
import { replay } from '../apply-event.js';
import { calendarFor } from '../command-kit.js';
import { reviewDateConcerns } from '../plan-rules.js';
import { nextReviewDate, signingBlocker } from '../queries.js';
import { CaseDriver, Clock, courseTeam, openInput, personFor } from '../testing.js';
import type { Person } from '../types.js';
import { closeCase } from './close-case.js';
import { editPlan, type PlanDraft } from './edit-plan.js';
import { extendReviewDate } from './extend-review-date.js';
import { openCase } from './open-case.js';
import { pauseCase, resumeCase } from './pause-case.js';
import { recordReview } from './record-review.js';
import { reopenCase } from './reopen-case.js';
import { signPlan } from './sign-plan.js';

/**
 * Reopening a case closed by mistake, review dates a procedure would not have, and Enhanced
 * Support's grades. Dates are pinned: autumn term 2026, when Christmas Day (Friday 25 December)
 * and the substitute Boxing Day (Monday 28 December) are England and Wales bank holidays.
 */

const ts = (code: string) => ({ frameworkId: TEACHERS_STANDARDS_ID, code });

function opened(procedure: Procedure, start: string, endsOn?: string): CaseDriver {
  const clock = new Clock(d(start));
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  const base = openInput(procedure);
  const input = {
    ...base,
    placement: { ...base.placement, ...(endsOn === undefined ? {} : { endsOn: d(endsOn) }) },
  };
  return new CaseDriver(procedure, clock, openCase(ctx, { caseId: 'case-1', previousCases: 0 }, input));
}

function refusal(c: CaseDriver, act: () => unknown): DomainError {
  const before = c.state;
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) {
      expect(c.state).toBe(before);
      return error;
    }
    throw error;
  }
  throw new Error('expected a DomainError');
}

/** RCTTP's Progress Support Plan form: Teachers' Standards, target, actions (T / S / RCTTP), success criteria, monitoring. */
function pspForm(reviewDate: string): PlanDraft {
  return {
    concerns: [{ text: 'Lessons lack a clear sequence.', links: [ts('TS4')] }],
    targets: [
      {
        text: 'Plan each lesson with one objective and three timed episodes.',
        links: [ts('TS4')],
        actions: [
          { party: 'T', text: 'Share plans the day before.' },
          { party: 'S', text: 'Mentor models one lesson a week.' },
        ],
        successCriteria: 'Three observed lessons judged well structured.',
        monitoring: 'Weekly mentor meeting.',
        observationFocus: true,
      },
    ],
    supportMeasures: [],
    reviewDate: d(reviewDate),
    meeting: { attendees: ['mentor', 'partnership_tutor', 'trainee'], placementConcern: false },
  };
}

/** An RCTTP case whose Progress Support Plan, agreed on `agreedOn`, was reviewed on `closedOn` as "targets met": closed. */
function closedByReview(agreedOn: string, closedOn: string): CaseDriver {
  const c = opened(rcttp, agreedOn);
  c.run('mentor', editPlan, { plan: pspForm(closedOn), withdrawSignatures: false });
  c.run('partnership_tutor', signPlan, { role: 'partnership_tutor', typedName: c.person('partnership_tutor').name });
  c.clock.set(d(closedOn));
  c.run('partnership_tutor', recordReview, {
    progress: (c.state.plan?.content.targets ?? []).map((t) => ({ targetId: t.id, rating: 'met' as const })),
    evidence: 'Observations.',
    attendees: [],
    outcomeId: 'targets_met',
  });
  expect(c.state.closure).toMatchObject({ on: closedOn, resolution: 'resolved', outcomeId: 'targets_met' });
  return c;
}

describe('reopening a case closed by mistake', () => {
  it('RCTTP "if the targets have been met … no further support is necessary", chosen by mistake: the course team reopens it, the review is set aside and owed again', () => {
    const c = closedByReview('2026-11-02', '2026-11-20');
    const closingReview = c.state.reviews.at(-1);
    c.clock.set(d('2026-11-23'));
    expect(refusal(c, () => c.run('partnership_tutor', reopenCase, { reason: 'Wrong outcome chosen' })).code).toBe(
      'not_permitted',
    );
    c.run('course_team', reopenCase, { reason: 'The wrong outcome was chosen: target T1 is only partly met.' });
    expect(c.state).toMatchObject({ status: 'active', closure: undefined, stageId: 'progress_support_plan' });
    expect(c.state.reviews).toEqual([]);
    expect(c.state.setAsideReviews).toEqual([closingReview]);
    expect(c.state.reopenings).toEqual([
      {
        on: '2026-11-23',
        by: courseTeam.id,
        byName: courseTeam.name,
        reason: 'The wrong outcome was chosen: target T1 is only partly met.',
        closedOn: '2026-11-20',
        resolution: 'resolved',
        outcomeId: 'targets_met',
        setAsideReviewId: closingReview?.id,
      },
    ]);
    // The review is owed again (and so reminded), and recorded afresh under a new id.
    expect(nextReviewDate(c.state)).toBe('2026-11-20');
    c.run('partnership_tutor', recordReview, {
      progress: [{ targetId: 'T1', rating: 'partly_met' }],
      evidence: 'Observations.',
      attendees: [],
      outcomeId: 'targets_not_met',
    });
    expect(c.state.reviews.map((r) => r.id)).toEqual(['R2']);
    expect(c.state.stageId).toBe('cause_for_concern');
    expect(replay(c.events)).toEqual(c.state);
  });

  it('only a closed case is reopened', () => {
    const c = opened(rcttp, '2026-11-02');
    const refused = refusal(c, () => c.run('course_team', reopenCase, { reason: 'x' }));
    expect(refused.code).toBe('reopen_not_allowed');
    expect(refused.userMessage).toBe('Case CASE-1 is open: only a closed case can be reopened.');
  });

  it('within 10 working days of closing, bank holidays not counted: closed Friday 18 December 2026, the last day is Wednesday 6 January 2027', () => {
    const c = closedByReview('2026-11-30', '2026-12-18');
    // Christmas Day, the substitute Boxing Day and New Year's Day are not working days.
    c.clock.set(d('2027-01-07'));
    const late = refusal(c, () => c.run('course_team', reopenCase, { reason: 'Closed by mistake' }));
    expect(late.code).toBe('reopen_not_allowed');
    expect(late.userMessage).toBe(
      'Case CASE-1 closed on Friday 18 December 2026, and a case can be reopened only within 10 working days of closing (the last day was Wednesday 6 January 2027). Open a new case if the trainee needs support again.',
    );
    c.clock.set(d('2027-01-06'));
    c.run('course_team', reopenCase, { reason: 'Closed by mistake' });
    expect(c.state.status).toBe('active');
  });

  it('a case the course team closed outside its outcomes returns to the status it had, with no review set aside', () => {
    const c = opened(rcttp, '2026-11-02');
    c.run('mentor', editPlan, { plan: pspForm('2026-11-20'), withdrawSignatures: false });
    const status = c.state.status;
    c.run('course_team', closeCase, { reason: 'Opened for the wrong trainee', openedInError: true });
    c.clock.set(d('2026-11-04'));
    c.run('course_team', reopenCase, { reason: 'It was the right trainee after all.' });
    expect(c.state).toMatchObject({ status, closure: undefined, setAsideReviews: [] });
    expect(c.state.reopenings[0]).toMatchObject({ resolution: 'opened_in_error', setAsideReviewId: undefined });
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('a pause in force when the case closed', () => {
  it('is in force again on reopening, from the day it began; resuming then moves the review date on by every working day since', () => {
    const c = opened(rcttp, '2026-11-02');
    c.run('mentor', editPlan, { plan: pspForm('2026-11-27'), withdrawSignatures: false });
    c.run('partnership_tutor', signPlan, { role: 'partnership_tutor', typedName: c.person('partnership_tutor').name });
    expect(c.state.plan?.agreedOn).toBe('2026-11-02');
    c.clock.set(d('2026-11-09'));
    c.run('partnership_tutor', pauseCase, { reason: 'health' });
    c.clock.set(d('2026-11-10'));
    c.run('course_team', closeCase, { reason: 'Closed in error while the trainee was signed off.' });
    expect(c.state.paused).toBeUndefined();
    c.clock.set(d('2026-11-12'));
    c.run('course_team', reopenCase, { reason: 'The trainee is still on the programme.' });
    expect(c.state.paused).toEqual({ since: '2026-11-09', reason: 'health' });
    c.clock.set(d('2026-11-16'));
    c.run('partnership_tutor', resumeCase, {});
    // Monday 9 to Monday 16 November: five working days, so Friday 27 November becomes Friday 4 December.
    expect(c.state.plan?.content.reviewDate).toBe('2026-12-04');
    expect(replay(c.events)).toEqual(c.state);
  });

  it('a case closed unpaused is not paused on reopening', () => {
    const c = opened(rcttp, '2026-11-02');
    c.run('course_team', closeCase, { reason: 'Opened twice.' });
    c.run('course_team', reopenCase, { reason: 'It was the only one.' });
    expect(c.state.paused).toBeUndefined();
  });
});

describe('review dates', () => {
  it('RCTTP sets a window ("will run for a maximum of 4 weeks"): a weekend, a bank holiday or a day after the placement ends is refused', () => {
    const c = opened(rcttp, '2026-11-30', '2026-12-18');
    const saturday = refusal(c, () =>
      c.run('mentor', editPlan, { plan: pspForm('2026-12-12'), withdrawSignatures: false }),
    );
    expect(saturday.code).toBe('review_date_outside_window');
    expect(saturday.userMessage).toContain('Saturday 12 December 2026 is not a working day (weekend).');
    const christmas = refusal(c, () =>
      c.run('mentor', editPlan, { plan: pspForm('2026-12-25'), withdrawSignatures: false }),
    );
    expect(christmas.userMessage).toContain(
      'Friday 25 December 2026 is not a working day (Christmas Day (bank holiday)).',
    );
    expect(christmas.userMessage).toContain('is after the placement ends on Friday 18 December 2026.');
    const afterPlacement = refusal(c, () =>
      c.run('mentor', editPlan, { plan: pspForm('2026-12-22'), withdrawSignatures: false }),
    );
    expect(afterPlacement.userMessage).toContain('Tuesday 22 December 2026 is after the placement ends');
    c.run('mentor', editPlan, { plan: pspForm('2026-12-18'), withdrawSignatures: false });
    c.run('partnership_tutor', signPlan, { role: 'partnership_tutor', typedName: c.person('partnership_tutor').name });
    // Moving the review is held to the same: within the cap, on a working day, within the placement.
    const moved = refusal(c, () =>
      c.run('mentor', extendReviewDate, { reviewDate: d('2026-12-19'), reason: 'Trainee absent' }),
    );
    expect(moved.code).toBe('extension_not_allowed');
    expect(moved.userMessage).toContain('Saturday 19 December 2026 is not a working day (weekend).');
  });

  it('Enhanced Support sets no window ("with an agreed timescale of the review point"): such dates are accepted and warned about', () => {
    const calendar = calendarFor(es);
    const today = d('2026-11-30');
    const ctx = { calendar, placementEndsOn: d('2027-06-25'), today };
    expect(reviewDateConcerns(d('2026-12-25'), ctx)).toEqual([
      'Friday 25 December 2026 is not a working day (Christmas Day (bank holiday)).',
    ]);
    expect(reviewDateConcerns(d('2031-01-06'), ctx)).toEqual([
      'Monday 6 January 2031 is after the placement ends on Friday 25 June 2027.',
      'Monday 6 January 2031 is more than a year away.',
    ]);
    expect(reviewDateConcerns(d('2026-12-11'), ctx)).toEqual([]);
    const c = opened(es, '2026-11-30');
    c.run('mentor', editPlan, { plan: esForm({ reviewDate: '2026-12-26' }), withdrawSignatures: false });
    expect(c.state.plan?.content.reviewDate).toBe('2026-12-26');
  });
});

/** Enhanced Support's action plan: every party on the case has an action; concerns graded where given. */
function esForm(options: {
  readonly reviewDate: string;
  readonly grade?: string;
  readonly targetCode?: string;
}): PlanDraft {
  return {
    concernStatement: 'Pupils in Year 5 are not making the expected progress in writing.',
    concerns: [
      {
        text: 'Low-level disruption goes unchallenged (TS7).',
        links: [ts('TS7')],
        ...(options.grade === undefined ? {} : { grade: options.grade }),
      },
    ],
    targets: [
      {
        text: 'Plan lessons with a clear sequence.',
        links: [ts(options.targetCode ?? 'TS4')],
        actions: [
          { party: 'trainee', text: 'Share plans.' },
          { party: 'mentor', text: 'Check plans weekly.' },
          { party: 'tutor', text: 'Joint observation.' },
        ],
        successCriteria: 'Observed lessons are well sequenced.',
        timescale: 'Three weeks',
        observationFocus: false,
      },
    ],
    supportMeasures: [],
    reviewDate: d(options.reviewDate),
    meeting: { attendees: ['trainee', 'mentor', 'tutor'], placementConcern: false },
  };
}

describe('Enhanced Support: grades against the grade descriptors', () => {
  const tutor: Person = personFor('tutor');

  it('"there must be clear alignment between the identified issues, the grades given and the targets set": a concern graded below expectation with no target for it is refused', () => {
    const c = opened(es, '2026-11-30');
    expect(
      refusal(c, () =>
        c.run('mentor', editPlan, {
          plan: esForm({ reviewDate: '2026-12-11', grade: 'poor' }),
          withdrawSignatures: false,
        }),
      ).userMessage,
    ).toBe(
      'Concern 1 is graded "poor", which is not on the scale: Outstanding, Good, Requires improvement, Inadequate.',
    );
    c.run('mentor', editPlan, {
      plan: esForm({ reviewDate: '2026-12-11', grade: 'inadequate' }),
      withdrawSignatures: false,
    });
    expect(c.state.plan?.content.concerns[0]?.grade).toBe('inadequate');
    const blocker =
      'Concern 1 is graded Inadequate, but no target addresses it: add a target linked to TS7, so the issue, its grade and the targets line up.';
    expect(signingBlocker(es, c.state, { calendar: calendarFor(es), today: c.clock.today })).toBe(blocker);
    expect(refusal(c, () => c.run('tutor', signPlan, { role: 'tutor', typedName: tutor.name })).userMessage).toBe(
      blocker,
    );
    // A target against the same standard aligns them; a concern graded Good needs no target of its own.
    c.run('mentor', editPlan, {
      plan: esForm({ reviewDate: '2026-12-11', grade: 'inadequate', targetCode: 'TS7' }),
      withdrawSignatures: false,
    });
    expect(signingBlocker(es, c.state, { calendar: calendarFor(es), today: c.clock.today })).toBeUndefined();
    c.run('mentor', editPlan, { plan: esForm({ reviewDate: '2026-12-11', grade: 'good' }), withdrawSignatures: false });
    expect(signingBlocker(es, c.state, { calendar: calendarFor(es), today: c.clock.today })).toBeUndefined();
  });

  it('the form grades concerns on the provider scale, and a form that does not grade refuses a grade', () => {
    const step1 = es.stages.find((s) => s.id === 'step_1')?.plan;
    expect(step1?.grades?.scale.filter((g) => g.belowExpectation).map((g) => g.id)).toEqual([
      'requires_improvement',
      'inadequate',
    ]);
    const c = opened(rcttp, '2026-11-30');
    const plan = pspForm('2026-12-11');
    expect(
      refusal(c, () =>
        c.run('mentor', editPlan, {
          plan: { ...plan, concerns: plan.concerns.map((x) => ({ ...x, grade: 'good' })) },
          withdrawSignatures: false,
        }),
      ).userMessage,
    ).toBe('Progress Support Plan does not grade concerns.');
  });
});
