import { describe, expect, it } from 'vitest';
import { parseLocalDate as d } from '../../calendar/index.js';
import { replay } from '../apply-event.js';
import { calendarFor } from '../command-kit.js';
import { caseEventSchema, type CaseEvent } from '../events.js';
import { engineTestProcedure as procedure } from '../fixtures.js';
import { aDraft, CaseDriver, Clock, courseTeam, openInput } from '../testing.js';
import { escalateCase } from './escalate-case.js';
import { editPlan } from './edit-plan.js';
import { openCase } from './open-case.js';
import { signPlan } from './sign-plan.js';
import { suspendPlacement } from './stage-tasks.js';

const START = d('2026-12-14');
const REASON = 'To avoid negative impact on pupils’ progress.';

/** Agreed at s1, then moved on to s2, the engine fixture's stage that allows suspension. */
function atSuspendableStage(): CaseDriver {
  const clock = new Clock(START);
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  const c = new CaseDriver(
    procedure,
    clock,
    openCase(ctx, { caseId: 'case-1', previousCases: 0 }, openInput(procedure)),
  );
  c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }), withdrawSignatures: false });
  c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
  c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' });
  c.run('course_team', escalateCase, { toStageId: 's2', reason: 'Targets not met' });
  return c;
}

describe('suspending a placement', () => {
  it('keeps the name of the course team member who suspended it, who is not named on the case', () => {
    const c = atSuspendableStage();
    expect(c.state.people.some((p) => p.id === courseTeam.id)).toBe(false);
    const result = c.run('course_team', suspendPlacement, { reason: REASON });
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      type: 'placement_suspended',
      actorId: courseTeam.id,
      data: { reason: REASON, byName: 'Course Lead' },
    });
    expect(c.state.placementSuspended).toEqual({ on: START, by: courseTeam.id, byName: 'Course Lead', reason: REASON });
    expect(replay(c.events)).toEqual(c.state);
  });

  it('falls back to the sign-in name when the actor has no display name', () => {
    const c = atSuspendableStage();
    const nameless = { ...courseTeam, name: '   ' };
    const result = suspendPlacement(c.context(nameless), c.state, { reason: REASON });
    expect(result.events[0]?.data).toEqual({ reason: REASON, byName: courseTeam.id });
  });

  it('still parses and applies a suspension stored before the trail kept the name', () => {
    const c = atSuspendableStage();
    c.run('course_team', suspendPlacement, { reason: REASON });
    const stored = c.events.map((event): unknown =>
      event.type === 'placement_suspended' ? { ...event, data: { reason: event.data.reason } } : event,
    );
    const parsed: CaseEvent[] = stored.map((event) => caseEventSchema.parse(event));
    expect(parsed.at(-1)).toMatchObject({ type: 'placement_suspended', data: { reason: REASON } });
    expect(replay(parsed).placementSuspended).toEqual({
      on: START,
      by: courseTeam.id,
      byName: undefined,
      reason: REASON,
    });
  });

  it('keeps at most 200 characters of a name, as the trail’s schema allows', () => {
    const c = atSuspendableStage();
    const event = c.run('course_team', suspendPlacement, { reason: REASON }).events[0];
    expect(caseEventSchema.safeParse({ ...event, data: { reason: REASON, byName: 'x'.repeat(201) } }).success).toBe(
      false,
    );
    const longName = { ...courseTeam, name: 'N'.repeat(300) };
    const fresh = atSuspendableStage();
    const trimmed = suspendPlacement(fresh.context(longName), fresh.state, { reason: REASON }).events[0];
    expect(caseEventSchema.parse(trimmed)).toMatchObject({ data: { byName: 'N'.repeat(200) } });
  });
});
