import { describe, expect, it } from 'vitest';
import { parseLocalDate as d } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import type { Procedure } from '../../procedure/schema.js';
import {
  bcuRapidImprovementTargets as bcu,
  brightFuturesSupport as bf,
  rcttpConcernProcedures as rcttp,
} from '../../procedures/index.js';
import { replay } from '../apply-event.js';
import { calendarFor } from '../command-kit.js';
import { caseEventSchema } from '../events.js';
import { whoIsInformed } from '../queries.js';
import { aDraft, CaseDriver, Clock, courseTeam, openInput } from '../testing.js';
import { editPlan } from './edit-plan.js';
import { recordMeeting, scheduleReviewMeeting } from './meetings.js';
import { openCase } from './open-case.js';
import { signPlan } from './sign-plan.js';

/** Monday 2 November 2026, a working day for every provider. */
const START = d('2026-11-02');

function opened(procedure: Procedure, roles?: readonly string[]): CaseDriver {
  const clock = new Clock(START);
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  const base = openInput(procedure);
  const input = roles
    ? {
        ...base,
        people: roles.map((role) => ({
          role,
          id: `${role.replace(/_/g, '.')}@provider.test`,
          email: `${role.replace(/_/g, '.')}@provider.test`,
          name: role
            .split('_')
            .map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`)
            .join(' '),
        })),
      }
    : base;
  return new CaseDriver(procedure, clock, openCase(ctx, { caseId: 'case-1', previousCases: 0 }, input));
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

const ids = (c: CaseDriver, roles: readonly string[]) => roles.map((r) => c.person(r).id);

describe('the plan meeting, recorded', () => {
  it('BCU “If the university tutor is not present the class teacher/mentor emails or calls the university tutor”: attendance recorded decides', () => {
    for (const tutorPresent of [false, true]) {
      const c = opened(bcu, ['trainee', 'mentor', 'tutor']);
      c.run('mentor', editPlan, { plan: aDraft(bcu, { reviewDate: d('2026-11-13') }), withdrawSignatures: false });
      c.run('mentor', recordMeeting, {
        kind: 'plan',
        heldOn: START,
        startTime: '15:45',
        mode: 'in_person',
        location: 'Year 4 classroom',
        attendees: ids(c, tutorPresent ? ['trainee', 'mentor', 'tutor'] : ['trainee', 'mentor']),
      });
      expect(c.state.plan?.content.meeting).toEqual({
        heldOn: START,
        mode: 'in_person',
        attendees: tutorPresent ? ['trainee', 'mentor', 'tutor'] : ['trainee', 'mentor'],
        placementConcern: false,
      });
      c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
      c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' });
      const told = whoIsInformed(bcu, c.state, 'stage_1', 'plan_agreed', {
        presentRoles: c.state.plan?.content.meeting.attendees ?? [],
      }).flatMap((decision) => decision.recipients.map((r) => (r.kind === 'person' ? r.person.role : r.kind)));
      expect(told.includes('tutor')).toBe(!tutorPresent);
      expect(replay(c.events)).toEqual(c.state);
    }
  });

  it('RCTTP “Targets discussed with (add date)”: the meeting’s date and who it was discussed with are on the plan', () => {
    const c = opened(rcttp);
    c.run('partnership_tutor', editPlan, { plan: aDraft(rcttp, { targets: [] }), withdrawSignatures: false });
    c.clock.advance(1);
    const result = c.run('partnership_tutor', recordMeeting, {
      kind: 'plan',
      heldOn: START,
      mode: 'in_person',
      attendees: ids(c, ['trainee', 'partnership_tutor']),
      notes: 'The trainee was anxious about the Year 9 group.',
    });
    expect(c.state.plan?.content.meeting).toMatchObject({
      heldOn: '2026-11-02',
      attendees: ['trainee', 'partnership_tutor'],
    });
    expect(c.state.meetings).toEqual([
      expect.objectContaining({
        id: 'M1',
        kind: 'plan',
        planVersion: 1,
        attendees: [
          { personId: 'trainee@provider.test', role: 'trainee', name: 'Trainee' },
          { personId: 'partnership.tutor@provider.test', role: 'partnership_tutor', name: 'Partnership Tutor' },
        ],
        notes: 'The trainee was anxious about the Year 9 group.',
      }),
    ]);
    expect(caseEventSchema.parse(JSON.parse(JSON.stringify(result.events[0])))).toEqual(result.events[0]);
  });

  it('Bright Futures “Preliminary ONLINE meeting”: a plan meeting in person is refused', () => {
    const c = opened(bf, ['trainee', 'lead', 'mentor']);
    c.run('lead', editPlan, { plan: aDraft(bf, { targets: [] }), withdrawSignatures: false });
    const refused = refusal(() =>
      c.run('lead', recordMeeting, { kind: 'plan', heldOn: START, mode: 'in_person', attendees: ids(c, ['trainee']) }),
    );
    expect(refused.userMessage).toBe('Stage 1: SMART targets and action steps is held at an online meeting.');
    c.run('lead', recordMeeting, {
      kind: 'plan',
      heldOn: START,
      mode: 'online',
      onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
      attendees: ids(c, ['trainee', 'lead', 'mentor']),
    });
    expect(c.state.meetings[0]).toMatchObject({
      mode: 'online',
      onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
    });
  });

  it('is recorded by staff on the case, once held, with people on the case', () => {
    const c = opened(bcu, ['trainee', 'mentor', 'tutor']);
    c.run('mentor', editPlan, { plan: aDraft(bcu, { targets: [] }), withdrawSignatures: false });
    const byTrainee = refusal(() =>
      c.run('trainee', recordMeeting, {
        kind: 'plan',
        heldOn: START,
        mode: 'in_person',
        attendees: ids(c, ['mentor']),
      }),
    );
    expect(byTrainee.code).toBe('not_permitted');
    const future = refusal(() =>
      c.run('mentor', recordMeeting, {
        kind: 'plan',
        heldOn: d('2026-11-03'),
        mode: 'in_person',
        attendees: ids(c, ['mentor']),
      }),
    );
    expect(future.userMessage).toBe('A meeting is recorded once it has been held, not before.');
    const stranger = refusal(() =>
      c.run('mentor', recordMeeting, {
        kind: 'plan',
        heldOn: START,
        mode: 'in_person',
        attendees: ['someone@else.test'],
      }),
    );
    expect(stranger).toMatchObject({
      code: 'person_not_on_case',
      userMessage: 'someone@else.test is not named on this case.',
    });
    const review = refusal(() =>
      c.run('mentor', recordMeeting, {
        kind: 'review',
        heldOn: START,
        mode: 'in_person',
        attendees: ids(c, ['mentor']),
      }),
    );
    expect(review.code).toBe('plan_not_agreed');
  });
});

describe('the review meeting, scheduled', () => {
  function agreed(procedure: Procedure, roles: readonly string[]): CaseDriver {
    const c = opened(procedure, roles);
    const author = roles.find((r) => r !== 'trainee') ?? 'mentor';
    c.run(author, editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-11-13') }), withdrawSignatures: false });
    c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
    c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' });
    return c;
  }

  it('sets the time, length and place of the agreed plan’s review, and moves it', () => {
    const c = agreed(bcu, ['trainee', 'mentor', 'tutor']);
    expect(c.state.plan?.agreedOn).toBe(START);
    c.run('tutor', scheduleReviewMeeting, {
      startTime: '16:00',
      durationMinutes: 45,
      mode: 'in_person',
      location: 'Hollybank Primary, Room 4',
    });
    expect(c.state.plan?.reviewMeeting).toEqual({
      startTime: '16:00',
      durationMinutes: 45,
      mode: 'in_person',
      location: 'Hollybank Primary, Room 4',
    });
    c.run('tutor', scheduleReviewMeeting, { startTime: '09:00', durationMinutes: 60, mode: 'online' });
    expect(c.state.plan?.reviewMeeting).toEqual({
      startTime: '09:00',
      durationMinutes: 60,
      mode: 'online',
      location: undefined,
    });
    expect(replay(c.events)).toEqual(c.state);
  });

  it('asks where a meeting in person is held, and keeps it within the day', () => {
    const c = agreed(bcu, ['trainee', 'mentor', 'tutor']);
    expect(
      refusal(() =>
        c.run('tutor', scheduleReviewMeeting, { startTime: '16:00', durationMinutes: 45, mode: 'in_person' }),
      ).userMessage,
    ).toBe('Say where the meeting is held in person.');
    expect(
      refusal(() =>
        c.run('tutor', scheduleReviewMeeting, {
          startTime: '23:30',
          durationMinutes: 60,
          mode: 'online',
        }),
      ).userMessage,
    ).toBe('The meeting must end on the day it starts.');
  });

  it('waits for the plan to be agreed', () => {
    const c = opened(bcu, ['trainee', 'mentor', 'tutor']);
    c.run('mentor', editPlan, { plan: aDraft(bcu, { reviewDate: d('2026-11-13') }), withdrawSignatures: false });
    expect(
      refusal(() => c.run('tutor', scheduleReviewMeeting, { startTime: '16:00', durationMinutes: 45, mode: 'online' }))
        .code,
    ).toBe('plan_not_agreed');
  });
});
