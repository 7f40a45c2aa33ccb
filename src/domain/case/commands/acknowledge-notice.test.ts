import { describe, expect, it } from 'vitest';
import { parseLocalDate as d } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import { replay } from '../apply-event.js';
import { calendarFor } from '../command-kit.js';
import { caseEventSchema, isCurrentFor, type CaseEvent } from '../events.js';
import { engineTestProcedure as procedure } from '../fixtures.js';
import { aDraft, CaseDriver, Clock, courseTeam, openInput } from '../testing.js';
import { closeCase } from './close-case.js';
import { editPlan } from './edit-plan.js';
import { extendReviewDate } from './extend-review-date.js';
import { openCase } from './open-case.js';
import { pauseCase } from './pause-case.js';
import { signPlan } from './sign-plan.js';
import { acknowledgeNotice } from './acknowledge-notice.js';

const START = d('2026-12-14');

function opened(clock = new Clock(START)): CaseDriver {
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  return new CaseDriver(procedure, clock, openCase(ctx, { caseId: 'case-1', previousCases: 0 }, openInput(procedure)));
}

/** Agreed on 14 December 2026, review due on 30 December 2026. */
function agreed(clock = new Clock(START)): CaseDriver {
  const c = opened(clock);
  c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, 2), withdrawSignatures: false });
  c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
  c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' });
  return c;
}

function refusal(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('acknowledging a notice', () => {
  it('records the course team’s acknowledgement of a raised concern in the trail, once', () => {
    const c = opened();
    const before = c.state.version;
    const planBefore = c.state.plan;
    const result = c.run('course_team', acknowledgeNotice, { about: 'concern_raised' });
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      type: 'notice_acknowledged',
      seq: before + 1,
      actorId: courseTeam.id,
      on: START,
      data: { about: 'concern_raised', stageId: 's1', byName: 'Course Lead' },
    });
    expect(c.state.acknowledgements).toEqual([
      {
        about: 'concern_raised',
        stageId: 's1',
        reviewDate: undefined,
        by: courseTeam.id,
        byName: 'Course Lead',
        on: START,
        at: c.clock.now.toISOString(),
      },
    ]);
    // Nothing a person decides on changes: plan, status and stage are as they were.
    expect(c.state).toMatchObject({ status: 'planning', stageId: 's1' });
    expect(c.state.plan).toBe(planBefore);
    expect(replay(c.events)).toEqual(c.state);

    c.clock.advance(1);
    const again = refusal(() => c.run('course_team', acknowledgeNotice, { about: 'concern_raised' }));
    expect(again.code).toBe('already_acknowledged');
    expect(again.userMessage).toBe('Course Lead already acknowledged this on Monday 14 December 2026.');
    expect(c.state.acknowledgements).toHaveLength(1);
  });

  it.each(['trainee', 'mentor', 'tutor'])('is refused to the %s', (role) => {
    const c = agreed();
    const error = refusal(() => c.run(role, acknowledgeNotice, { about: 'concern_raised' }));
    expect(error.code).toBe('not_permitted');
    expect(c.state.acknowledgements).toEqual([]);
  });

  it('acknowledges an overdue review once per review date, and only once it is overdue', () => {
    const clock = new Clock(START);
    const c = agreed(clock);
    expect(refusal(() => c.run('course_team', acknowledgeNotice, { about: 'review_overdue' })).code).toBe(
      'review_not_overdue',
    );
    clock.set(d('2026-12-30'));
    expect(refusal(() => c.run('course_team', acknowledgeNotice, { about: 'review_overdue' })).userMessage).toBe(
      'The review is not overdue: it is due on Wednesday 30 December 2026.',
    );

    clock.set(d('2026-12-31'));
    c.run('course_team', acknowledgeNotice, { about: 'review_overdue' });
    expect(c.state.acknowledgements.at(-1)).toMatchObject({
      about: 'review_overdue',
      reviewDate: '2026-12-30',
      stageId: 's1',
    });
    expect(refusal(() => c.run('course_team', acknowledgeNotice, { about: 'review_overdue' })).code).toBe(
      'already_acknowledged',
    );

    // The date moves: the new date is a new notice, acknowledged again once it has passed.
    c.run('tutor', extendReviewDate, { reviewDate: d('2027-01-08'), reason: 'Trainee absent for a week' });
    expect(refusal(() => c.run('course_team', acknowledgeNotice, { about: 'review_overdue' })).code).toBe(
      'review_not_overdue',
    );
    clock.set(d('2027-01-11'));
    c.run('course_team', acknowledgeNotice, { about: 'review_overdue' });
    expect(c.state.acknowledgements.map((a) => a.reviewDate)).toEqual(['2026-12-30', '2027-01-08']);
    // A concern is a separate notice from the review.
    c.run('course_team', acknowledgeNotice, { about: 'concern_raised' });
    expect(c.state.acknowledgements).toHaveLength(3);
    expect(replay(c.events)).toEqual(c.state);
  });

  it('has no overdue review to acknowledge while the plan is drafted or the case is paused', () => {
    const drafting = opened(new Clock(d('2027-03-01')));
    expect(refusal(() => drafting.run('course_team', acknowledgeNotice, { about: 'review_overdue' })).code).toBe(
      'review_not_overdue',
    );
    const clock = new Clock(START);
    const paused = agreed(clock);
    paused.run('tutor', pauseCase, { reason: 'health' });
    clock.set(d('2027-01-20'));
    expect(refusal(() => paused.run('course_team', acknowledgeNotice, { about: 'review_overdue' })).code).toBe(
      'review_not_overdue',
    );
    // A raised concern can still be acknowledged on a paused case.
    paused.run('course_team', acknowledgeNotice, { about: 'concern_raised' });
    expect(paused.state.acknowledgements).toHaveLength(1);
  });

  it('is refused on a closed case', () => {
    const c = agreed();
    c.run('course_team', closeCase, { reason: 'Opened in error' });
    expect(refusal(() => c.run('course_team', acknowledgeNotice, { about: 'concern_raised' })).code).toBe(
      'case_closed',
    );
  });

  it('keeps the trail strict: an unknown notice is not an event', () => {
    const c = opened();
    const event = c.run('course_team', acknowledgeNotice, { about: 'concern_raised' }).events[0];
    expect(caseEventSchema.safeParse(event).success).toBe(true);
    expect(caseEventSchema.safeParse({ ...event, data: { ...event?.data, about: 'pizza' } }).success).toBe(false);
    expect(caseEventSchema.safeParse({ ...event, data: { ...event?.data, note: 'extra' } }).success).toBe(false);
  });
});

describe('isCurrentFor: the version check', () => {
  const c = agreed();
  const signedAt = c.state.version;
  c.run('course_team', acknowledgeNotice, { about: 'concern_raised' });
  const acknowledgedAt = c.state.version;
  const trail: readonly CaseEvent[] = c.events;

  it.each([
    ['the current version', acknowledgedAt, true],
    ['a version followed only by an acknowledgement', signedAt, true],
    ['a version followed by a signature', signedAt - 1, false],
    ['a version the case has not reached', acknowledgedAt + 1, false],
    ['version 0', 0, false],
  ])('%s', (_label, version, expected) => {
    expect(isCurrentFor(trail, acknowledgedAt, version)).toBe(expected);
  });

  it('treats a trail that does not reach back to the version as a conflict', () => {
    expect(
      isCurrentFor(
        trail.filter((e) => e.seq !== acknowledgedAt),
        acknowledgedAt,
        signedAt,
      ),
    ).toBe(false);
  });
});
