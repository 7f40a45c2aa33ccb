import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import {
  caseEventSchema,
  calendarFor,
  closeCase,
  editPlan,
  openCase,
  replay,
  suspendPlacement,
} from '../../src/domain/case/index.js';
import { CaseDriver, Clock, courseTeam, openInput } from '../../src/domain/case/testing.js';
import { enhancedSupport, rcttpConcernProcedures } from '../../src/domain/procedures/index.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { caseView } from '../../src/app/views/case-view.js';

/**
 * What GET /api/cases/:id says about a suspended placement: the tab's banner needs when, by
 * whom and why, and the reason is kept on the event trail, not in the state.
 */

// Enhanced Support suspends only at Step 5; here its first step allows it, so one command gets there.
const suspendable: Procedure = {
  ...enhancedSupport,
  stages: enhancedSupport.stages.map((s, i) => (i === 0 ? { ...s, allowsSuspension: true } : s)),
};

describe('the case view of a suspended placement', () => {
  it('carries the date, who suspended it and the reason, in the full and the trainee view', () => {
    const clock = new Clock(parseLocalDate('2027-03-15'));
    const ctx = { procedure: suspendable, calendar: calendarFor(suspendable), now: clock.now, actor: courseTeam };
    const driver = new CaseDriver(
      suspendable,
      clock,
      openCase(ctx, { caseId: 'c1', previousCases: 0 }, openInput(suspendable)),
    );
    const stored = () => ({ state: driver.state, events: driver.events, etag: '"x"' });
    expect(caseView(stored(), suspendable, clock.now, 'full').placementSuspended).toBeUndefined();

    clock.advance(2);
    driver.run('course_team', suspendPlacement, {
      reason: 'To avoid negative impact on pupils’ progress in <b>Year 8</b>.',
    });
    for (const access of ['full', 'trainee'] as const) {
      expect(caseView(stored(), suspendable, clock.now, access).placementSuspended).toEqual({
        on: '2027-03-17',
        by: courseTeam.id,
        // The course team member is not on the case: the tab shows the name the event kept.
        byName: 'Course Lead',
        reason: 'To avoid negative impact on pupils’ progress in <b>Year 8</b>.',
      });
    }
    expect(driver.state.people.some((p) => p.id === courseTeam.id)).toBe(false);
  });

  it('carries no name for a suspension stored before the event kept one', () => {
    const clock = new Clock(parseLocalDate('2027-03-15'));
    const ctx = { procedure: suspendable, calendar: calendarFor(suspendable), now: clock.now, actor: courseTeam };
    const driver = new CaseDriver(
      suspendable,
      clock,
      openCase(ctx, { caseId: 'c1', previousCases: 0 }, openInput(suspendable)),
    );
    driver.run('course_team', suspendPlacement, { reason: 'Pupils’ progress.' });
    const events = driver.events
      .map((e): unknown => (e.type === 'placement_suspended' ? { ...e, data: { reason: e.data.reason } } : e))
      .map((e) => caseEventSchema.parse(e));
    const view = caseView({ state: replay(events), events, etag: '"x"' }, suspendable, clock.now, 'full');
    expect(JSON.parse(JSON.stringify(view.placementSuspended))).toEqual({
      on: '2027-03-15',
      by: courseTeam.id,
      reason: 'Pupils’ progress.',
    });
  });
});

describe('the case view of a closed case, for reopening', () => {
  it('says until when the course team may reopen it (10 working days, bank holidays skipped), then why it no longer can', () => {
    const clock = new Clock(parseLocalDate('2026-12-18'));
    const procedure = rcttpConcernProcedures;
    const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
    const driver = new CaseDriver(
      procedure,
      clock,
      openCase(ctx, { caseId: 'c1', previousCases: 0 }, openInput(procedure)),
    );
    driver.run('course_team', closeCase, { reason: 'Closed.' });
    const stored = () => ({ state: driver.state, events: driver.events, etag: '"x"' });
    expect(caseView(stored(), procedure, clock.now, 'full').derived.reopen).toEqual({
      lastDay: '2027-01-06',
      open: true,
    });
    clock.set(parseLocalDate('2027-01-07'));
    expect(caseView(stored(), procedure, clock.now, 'full').derived.reopen).toEqual({
      lastDay: '2027-01-06',
      open: false,
      refusal:
        'This case closed on Friday 18 December 2026 and can no longer be reopened: a case is reopened only within 10 working days of closing (the last day was Wednesday 6 January 2027). Open a new case if the trainee needs support again.',
    });
  });

  it('warns about a review date on a bank holiday where the procedure sets no window', () => {
    const clock = new Clock(parseLocalDate('2026-11-30'));
    const procedure = enhancedSupport;
    const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
    const driver = new CaseDriver(
      procedure,
      clock,
      openCase(ctx, { caseId: 'c1', previousCases: 0 }, openInput(procedure)),
    );
    driver.run('mentor', editPlan, {
      plan: {
        concerns: [],
        targets: [],
        supportMeasures: [],
        reviewDate: parseLocalDate('2026-12-28'),
        meeting: { attendees: [], placementConcern: false },
      },
      withdrawSignatures: false,
    });
    const stored = { state: driver.state, events: driver.events, etag: '"x"' };
    expect(caseView(stored, procedure, clock.now, 'full').derived.reviewDateWarnings).toEqual([
      'Monday 28 December 2026 is not a working day (Boxing Day (substitute day) (bank holiday)).',
    ]);
  });
});
