import { describe, expect, it } from 'vitest';
import { parseLocalDate as d } from '../calendar/index.js';
import { DomainError } from '../errors.js';
import { replay } from './apply-event.js';
import { calendarFor } from './command-kit.js';
import { closeCase, withdrawCase } from './commands/close-case.js';
import { convenePanel } from './commands/convene-panel.js';
import { editPlan, editPlanInputSchema } from './commands/edit-plan.js';
import { escalateCase } from './commands/escalate-case.js';
import { extendReviewDate } from './commands/extend-review-date.js';
import { openCase } from './commands/open-case.js';
import { pauseCase, pauseCaseInputSchema, resumeCase } from './commands/pause-case.js';
import { recordPanelMeeting } from './commands/record-panel-meeting.js';
import { recordReview } from './commands/record-review.js';
import { recordTraineePerceptions } from './commands/record-trainee-perceptions.js';
import { signPlan } from './commands/sign-plan.js';
import { completeTask, setStageStart, suspendPlacement } from './commands/stage-tasks.js';
import { engineTestProcedure as procedure } from './fixtures.js';
import { datedMilestones, nextReviewDate, outstandingSignatories, whoIsInformed } from './queries.js';
import { aDraft, CaseDriver, Clock, courseTeam, openInput, personFor } from './testing.js';
import type { CaseState } from './types.js';

const START = d('2026-12-14'); // a Monday: ten working days run across Christmas to 30 December

function opened(clock = new Clock(START), overrides: Parameters<typeof openInput>[1] = {}): CaseDriver {
  const input = openInput(procedure, overrides);
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  return new CaseDriver(procedure, clock, openCase(ctx, { caseId: 'case-1', previousCases: 0 }, input));
}

function agreed(clock = new Clock(START), targets = 2): CaseDriver {
  const c = opened(clock);
  c.run('tutor', editPlan, {
    plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, targets),
    withdrawSignatures: false,
  });
  c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
  c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' });
  return c;
}

/** Runs a command expected to fail and checks the case is untouched. */
function expectRefused(c: CaseDriver, code: DomainError['code'], act: () => unknown): DomainError {
  const before: CaseState = c.state;
  const eventsBefore = c.events.length;
  let caught: unknown;
  try {
    act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  const error = caught as DomainError;
  expect(error.code).toBe(code);
  expect(error.userMessage.length).toBeGreaterThan(10);
  expect(c.state).toBe(before);
  expect(c.events).toHaveLength(eventsBefore);
  return error;
}

describe('opening a case', () => {
  it('starts at the first stage with an empty plan being drafted', () => {
    const c = opened();
    expect(c.state).toMatchObject({ stageId: 's1', status: 'planning', reference: 'CASE-1', openedOn: START });
    expect(c.state.plan).toMatchObject({ version: 1, stageId: 's1', reviewAt: 's1', signatures: [] });
    expect(c.events.map((e) => e.type)).toEqual(['case_opened', 'stage_entered', 'plan_started']);
  });

  it('is refused to someone who is neither course team nor allowed to raise a concern', () => {
    const ctx = {
      procedure,
      calendar: calendarFor(procedure),
      now: new Clock(START).now,
      actor: { id: 'x@y.test', name: 'X', appRoles: [] },
    };
    expect(() => openCase(ctx, { caseId: 'c', previousCases: 0 }, openInput(procedure))).toThrow(
      expect.objectContaining({ code: 'not_permitted' }),
    );
  });

  it.each([
    ['an unknown reason', { reasons: ['astrology'] }, 'invalid_input'],
    ['no mentor', { people: [personFor('trainee'), personFor('tutor')] }, 'missing_field'],
    [
      'two trainees',
      {
        people: [
          personFor('trainee'),
          personFor('trainee', { id: 't2@x.test' }),
          personFor('mentor'),
          personFor('tutor'),
        ],
      },
      'invalid_input',
    ],
    [
      'two tutors',
      {
        people: [personFor('trainee'), personFor('mentor'), personFor('tutor'), personFor('tutor', { id: 'b@x.test' })],
      },
      'invalid_input',
    ],
    ['an unknown role', { people: [...openInput(procedure).people, personFor('wizard')] }, 'invalid_input'],
    ['a stage not open for entry', { stageId: 's2' }, 'stage_not_enterable'],
  ])('rejects %s', (_, overrides, code) => {
    const ctx = { procedure, calendar: calendarFor(procedure), now: new Clock(START).now, actor: courseTeam };
    expect(() => openCase(ctx, { caseId: 'c', previousCases: 0 }, openInput(procedure, overrides))).toThrow(
      expect.objectContaining({ code }),
    );
  });

  describe('a second time (re-initiation)', () => {
    const ctx = (actor = courseTeam) => ({
      procedure,
      calendar: calendarFor(procedure),
      now: new Clock(START).now,
      actor,
    });
    it('needs one of the grounds', () => {
      expect(() => openCase(ctx(), { caseId: 'c', previousCases: 1 }, openInput(procedure))).toThrow(
        expect.objectContaining({ code: 'reinitiation_not_allowed' }),
      );
    });
    it('needs the evidence a ground names (a medical certificate for illness)', () => {
      expect(() =>
        openCase(
          ctx(),
          { caseId: 'c', previousCases: 1 },
          openInput(procedure, { reinitiation: { groundId: 'illness' } }),
        ),
      ).toThrow(expect.objectContaining({ code: 'missing_field' }));
      const result = openCase(
        ctx(),
        { caseId: 'c', previousCases: 1 },
        openInput(procedure, { reinitiation: { groundId: 'illness', evidence: 'Certificate dated 1 Dec' } }),
      );
      expect(result.state.reinitiation).toEqual({ groundId: 'illness', evidence: 'Certificate dated 1 Dec' });
    });
    it('leaves case-by-case grounds to the course team', () => {
      const mentor = { id: 'mentor@provider.test', name: 'Mentor', appRoles: [] as const };
      expect(() =>
        openCase(
          ctx(mentor),
          { caseId: 'c', previousCases: 1 },
          openInput(procedure, { reinitiation: { groundId: 'other' } }),
        ),
      ).toThrow(expect.objectContaining({ code: 'not_permitted' }));
    });
    it('never allows a third initiation', () => {
      expect(() =>
        openCase(
          ctx(),
          { caseId: 'c', previousCases: 2 },
          openInput(procedure, { reinitiation: { groundId: 'bereavement' } }),
        ),
      ).toThrow(expect.objectContaining({ code: 'reinitiation_not_allowed' }));
    });
  });
});

describe('editing the plan', () => {
  it('saves the draft with target ids and keeps the plan unsigned', () => {
    const c = opened();
    c.run('tutor', editPlan, {
      plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, 3),
      withdrawSignatures: false,
    });
    expect(c.state.plan?.content.targets.map((t) => t.id)).toEqual(['T1', 'T2', 'T3']);
    expect(c.state.status).toBe('planning');
  });

  it('refuses a fourth target when the stage allows three', () => {
    const c = opened();
    const error = expectRefused(c, 'too_many_targets', () =>
      c.run('tutor', editPlan, { plan: aDraft(procedure, {}, 4), withdrawSignatures: false }),
    );
    expect(error.userMessage).toContain('at most 3');
  });

  it('refuses a review date past the window, counted in working days across Christmas', () => {
    const c = opened();
    const error = expectRefused(c, 'review_date_outside_window', () =>
      c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-31') }), withdrawSignatures: false }),
    );
    expect(error.userMessage).toContain('Wednesday 30 December 2026');
  });

  it('refuses a review date on or before the plan starts', () => {
    const c = opened();
    expectRefused(c, 'review_date_outside_window', () =>
      c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: START }), withdrawSignatures: false }),
    );
  });

  it('refuses links to standards that do not exist', () => {
    const c = opened();
    const draft = aDraft(procedure);
    const bad = {
      ...draft,
      targets: draft.targets.map((t) => ({ ...t, links: [{ frameworkId: 'teachers-standards', code: 'TS9' }] })),
    };
    expectRefused(c, 'unknown_framework_item', () =>
      c.run('tutor', editPlan, { plan: bad, withdrawSignatures: false }),
    );
  });

  it('refuses an action for someone the form gives no actions', () => {
    const c = opened();
    const draft = aDraft(procedure);
    const bad = {
      ...draft,
      targets: draft.targets.map((t) => ({ ...t, actions: [{ party: 'director', text: 'Watch' }] })),
    };
    expectRefused(c, 'invalid_input', () => c.run('tutor', editPlan, { plan: bad, withdrawSignatures: false }));
  });

  it('allows only one target as the focus of an observation at a time', () => {
    const c = opened();
    const draft = aDraft(procedure, {}, 2);
    const bad = { ...draft, targets: draft.targets.map((t) => ({ ...t, observationFocus: true })) };
    expectRefused(c, 'invalid_input', () => c.run('tutor', editPlan, { plan: bad, withdrawSignatures: false }));
  });

  it('is not for the trainee, and not for strangers', () => {
    const c = opened();
    expectRefused(c, 'not_permitted', () =>
      c.run('trainee', editPlan, { plan: aDraft(procedure), withdrawSignatures: false }),
    );
  });

  it('refuses unknown fields in the request', () => {
    expect(editPlanInputSchema.safeParse({ plan: { targets: [], sneaky: 1 } }).success).toBe(false);
  });

  it('after the first signature, changes need the signatures withdrawn', () => {
    const c = opened();
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }), withdrawSignatures: false });
    c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
    expectRefused(c, 'plan_locked', () =>
      c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-29') }), withdrawSignatures: false }),
    );
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-29') }), withdrawSignatures: true });
    expect(c.state.plan?.signatures).toEqual([]);
    expect(c.state.status).toBe('planning');
  });
});

describe('the trainee’s perceptions', () => {
  it('are recorded by the trainee on the plan being drawn up', () => {
    const c = opened();
    c.run('trainee', recordTraineePerceptions, { text: 'I found the class hard to settle after lunch.' });
    expect(c.state.plan?.perceptions).toMatchObject({
      text: 'I found the class hard to settle after lunch.',
      recordedBy: 'trainee@provider.test',
    });
  });
  it('cannot be overwritten by staff once the trainee has written them', () => {
    const c = opened();
    c.run('trainee', recordTraineePerceptions, { text: 'My view.' });
    expectRefused(c, 'not_permitted', () => c.run('tutor', recordTraineePerceptions, { text: 'Another view.' }));
  });
});

describe('signing', () => {
  it('agrees the plan once the trainee and the mentor or tutor have signed', () => {
    const c = agreed();
    expect(c.state.status).toBe('active');
    expect(c.state.plan?.agreedOn).toBe(START);
    expect(nextReviewDate(c.state)).toBe('2026-12-30');
    expect(c.events.at(-1)?.type).toBe('plan_agreed');
  });

  it('lists who still has to sign', () => {
    const c = opened();
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }), withdrawSignatures: false });
    c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
    expect(outstandingSignatories(procedure, c.state).map((o) => o.roles)).toEqual([['mentor', 'tutor']]);
  });

  it('needs "if applicable" signatories only when the case has someone in the role', () => {
    const c = opened(new Clock(START), { people: [...openInput(procedure).people, personFor('director')] });
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }), withdrawSignatures: false });
    c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
    c.run('tutor', signPlan, { role: 'tutor', typedName: 'Tutor' });
    expect(c.state.status).toBe('awaiting_signatures');
    c.run('director', signPlan, { role: 'director', typedName: 'Director' });
    expect(c.state.status).toBe('active');
  });

  it('refuses someone who is not a signatory of the stage', () => {
    const c = opened(new Clock(START), { people: [...openInput(procedure).people, personFor('programme_manager')] });
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }), withdrawSignatures: false });
    expectRefused(c, 'not_a_signatory', () =>
      c.run('programme_manager', signPlan, { role: 'programme_manager', typedName: 'Programme Manager' }),
    );
    expectRefused(c, 'not_a_signatory', () => c.run('trainee', signPlan, { role: 'mentor', typedName: 'Trainee' }));
  });

  it('refuses to sign twice, or with a typed name that is not the signer’s', () => {
    const c = opened();
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }), withdrawSignatures: false });
    expectRefused(c, 'invalid_input', () => c.run('trainee', signPlan, { role: 'trainee', typedName: 'Someone Else' }));
    c.run('trainee', signPlan, { role: 'trainee', typedName: '  trainee ' });
    expectRefused(c, 'already_signed', () => c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' }));
  });

  it.each([
    ['no targets', aDraft(procedure, { reviewDate: d('2026-12-30') }, 0), 'no_targets'],
    ['no review date', aDraft(procedure, {}, 1), 'review_date_missing'],
    [
      'no statement of concern',
      aDraft(procedure, { reviewDate: d('2026-12-30'), concernStatement: '' }),
      'missing_field',
    ],
  ] as const)('refuses an incomplete form (%s)', (_, draft, code) => {
    const c = opened();
    c.run('tutor', editPlan, { plan: draft, withdrawSignatures: false });
    expectRefused(c, code, () => c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' }));
  });

  it('counts the window from the day of agreement: a last signature too late is refused', () => {
    const clock = new Clock(START);
    const c = opened(clock);
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-30') }), withdrawSignatures: false });
    c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
    clock.set(d('2026-12-31'));
    expectRefused(c, 'review_date_outside_window', () =>
      c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' }),
    );
  });
});

describe('reviews', () => {
  const progress = (rating: 'met' | 'partly_met' | 'not_met') => [
    { targetId: 'T1', rating },
    { targetId: 'T2', rating },
  ];

  it('closes the case when every target is met', () => {
    const clock = new Clock(START);
    const c = agreed(clock);
    clock.set(d('2026-12-30'));
    c.run('mentor', recordReview, {
      progress: progress('met'),
      evidence: 'Observations 1–3',
      attendees: ['mentor', 'trainee'],
      outcomeId: 'met',
    });
    expect(c.state.status).toBe('closed');
    expect(c.state.closure).toMatchObject({ resolution: 'resolved', outcomeId: 'met', on: '2026-12-30' });
    expect(c.state.reviews[0]).toMatchObject({ id: 'R1', stageId: 's1', planVersion: 1, outcomeId: 'met' });
  });

  it('refuses an outcome the stage does not have, naming the ones it has', () => {
    const c = agreed();
    const error = expectRefused(c, 'unknown_outcome', () =>
      c.run('mentor', recordReview, { progress: progress('met'), evidence: 'e', attendees: [], outcomeId: 'pass' }),
    );
    expect(error.userMessage).toContain('Targets met');
  });

  it('refuses an outcome whose condition the progress does not satisfy', () => {
    const c = agreed();
    expectRefused(c, 'outcome_not_allowed', () =>
      c.run('mentor', recordReview, {
        progress: progress('partly_met'),
        evidence: 'e',
        attendees: [],
        outcomeId: 'met',
      }),
    );
    expectRefused(c, 'outcome_not_allowed', () =>
      c.run('mentor', recordReview, { progress: progress('met'), evidence: 'e', attendees: [], outcomeId: 'not_met' }),
    );
  });

  it('needs progress for every target, and evidence', () => {
    const c = agreed();
    expectRefused(c, 'missing_field', () =>
      c.run('mentor', recordReview, {
        progress: [{ targetId: 'T1', rating: 'met' }],
        evidence: 'e',
        attendees: [],
        outcomeId: 'limited',
      }),
    );
    expectRefused(c, 'unknown_target', () =>
      c.run('mentor', recordReview, {
        progress: [...progress('met'), { targetId: 'T9', rating: 'met' }],
        evidence: 'e',
        attendees: [],
        outcomeId: 'limited',
      }),
    );
    expectRefused(c, 'missing_field', () =>
      c.run('mentor', recordReview, { progress: progress('met'), attendees: [], outcomeId: 'limited' }),
    );
  });

  it('is refused before the plan is agreed, and to people who do not review', () => {
    const c = opened();
    expectRefused(c, 'plan_not_agreed', () =>
      c.run('mentor', recordReview, { progress: [], evidence: 'e', attendees: [], outcomeId: 'met' }),
    );
    const a = agreed();
    expectRefused(a, 'not_permitted', () =>
      a.run('trainee', recordReview, { progress: progress('met'), evidence: 'e', attendees: [], outcomeId: 'met' }),
    );
  });

  it('limited progress starts revised targets under the outcome’s own rules, carrying the old targets over', () => {
    const c = agreed();
    c.run('tutor', recordReview, {
      progress: progress('partly_met'),
      evidence: 'e',
      attendees: ['tutor'],
      outcomeId: 'limited',
    });
    expect(c.state.status).toBe('planning');
    expect(c.state.plan).toMatchObject({ version: 2, stageId: 's1', reviewAt: 's1', signatures: [] });
    expect(c.state.plan?.content.targets.map((t) => t.text)).toEqual([
      'Target 1: establish routines',
      'Target 2: establish routines',
    ]);
    expect(c.state.previousPlans).toHaveLength(1);
    // The revised form allows two targets and five working days.
    expectRefused(c, 'too_many_targets', () =>
      c.run('tutor', editPlan, { plan: aDraft(procedure, {}, 3), withdrawSignatures: false }),
    );
    expectRefused(c, 'review_date_outside_window', () =>
      c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-22') }), withdrawSignatures: false }),
    );
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-21') }), withdrawSignatures: false });
    c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
    // The revised form is signed by the trainee and the tutor: the mentor alone is not enough.
    expectRefused(c, 'not_a_signatory', () => c.run('mentor', signPlan, { role: 'mentor', typedName: 'Mentor' }));
    c.run('tutor', signPlan, { role: 'tutor', typedName: 'Tutor' });
    expect(c.state).toMatchObject({ status: 'active', stageId: 's1' });
    expect(c.state.stageHistory.map((s) => s.via)).toEqual(['opened', 'plan_agreed']);
  });

  it('targets not met moves the case to the panel stage', () => {
    const c = agreed();
    c.run('tutor', recordReview, { progress: progress('not_met'), evidence: 'e', attendees: [], outcomeId: 'not_met' });
    expect(c.state).toMatchObject({ stageId: 's2', status: 'awaiting_decision' });
    expectRefused(c, 'panel_not_convened', () =>
      c.run('tutor', recordReview, { progress: [], evidence: 'e', attendees: [], outcomeId: 'pass' }),
    );
  });

  it('cannot be dated in the future', () => {
    const c = agreed();
    expectRefused(c, 'invalid_date', () =>
      c.run('tutor', recordReview, {
        reviewedOn: d('2027-01-05'),
        progress: progress('met'),
        evidence: 'e',
        attendees: [],
        outcomeId: 'met',
      }),
    );
  });
});

describe('panels', () => {
  const members = ['a', 'b', 'c', 'd', 'e'].map((x) => ({ id: `${x}@p.test`, name: x.toUpperCase() }));
  function atPanel(): CaseDriver {
    const c = agreed();
    c.run('tutor', recordReview, {
      progress: [
        { targetId: 'T1', rating: 'not_met' },
        { targetId: 'T2', rating: 'met' },
      ],
      evidence: 'e',
      attendees: [],
      outcomeId: 'not_met',
    });
    return c;
  }

  it('has at most its number of members', () => {
    const c = atPanel();
    expectRefused(c, 'panel_too_large', () =>
      c.run('course_team', convenePanel, {
        panelId: 'decision_panel',
        members: [...members, { id: 'f@p.test', name: 'F' }],
        evidence: [],
      }),
    );
  });

  it('decides only when quorate, and agrees its chair at the first meeting', () => {
    const c = atPanel();
    c.run('course_team', convenePanel, { panelId: 'decision_panel', members, evidence: ['Observation records'] });
    expectRefused(c, 'panel_not_quorate', () =>
      c.run('course_team', recordPanelMeeting, {
        panelId: 'decision_panel',
        attendees: ['a@p.test', 'b@p.test'],
        chair: 'a@p.test',
        decisionId: 'pass',
      }),
    );
    expectRefused(c, 'missing_field', () =>
      c.run('course_team', recordPanelMeeting, {
        panelId: 'decision_panel',
        attendees: ['a@p.test', 'b@p.test', 'c@p.test'],
      }),
    );
    expectRefused(c, 'invalid_input', () =>
      c.run('course_team', recordPanelMeeting, {
        panelId: 'decision_panel',
        attendees: ['a@p.test', 'b@p.test', 'z@p.test'],
        chair: 'a@p.test',
      }),
    );
    c.run('course_team', recordPanelMeeting, {
      panelId: 'decision_panel',
      attendees: ['a@p.test', 'b@p.test', 'c@p.test'],
      chair: 'b@p.test',
    });
    expect(c.state.panels[0]?.chair).toBe('b@p.test');
    expectRefused(c, 'unknown_decision', () =>
      c.run('course_team', recordPanelMeeting, {
        panelId: 'decision_panel',
        attendees: ['a@p.test', 'b@p.test', 'c@p.test'],
        decisionId: 'maybe',
      }),
    );
    c.run('course_team', recordPanelMeeting, {
      panelId: 'decision_panel',
      attendees: ['a@p.test', 'b@p.test', 'd@p.test'],
      decisionId: 'pass',
      rationale: 'Evidence sufficient',
    });
    expect(c.state).toMatchObject({ status: 'closed', closure: { resolution: 'decision', outcomeId: 'pass' } });
  });

  it('a decision can send the case back to a new plan', () => {
    const c = atPanel();
    c.run('course_team', convenePanel, { panelId: 'decision_panel', members: members.slice(0, 3), evidence: [] });
    c.run('course_team', recordPanelMeeting, {
      panelId: 'decision_panel',
      attendees: members.slice(0, 3).map((m) => m.id),
      chair: 'a@p.test',
      decisionId: 'again',
    });
    expect(c.state).toMatchObject({ stageId: 's1', status: 'planning', plan: { version: 2 } });
  });

  it('a side panel is convened only where the procedure allows, and a "continue" decision leaves the case in place', () => {
    const c = agreed();
    c.run('course_team', convenePanel, { panelId: 'side_panel', members: members.slice(0, 4), evidence: [] });
    c.run('course_team', recordPanelMeeting, {
      panelId: 'side_panel',
      attendees: members.slice(0, 3).map((m) => m.id),
      decisionId: 'continue',
    });
    expect(c.state).toMatchObject({ stageId: 's1', status: 'active' });
    const p = atPanel();
    expectRefused(p, 'panel_not_allowed', () =>
      p.run('course_team', convenePanel, { panelId: 'side_panel', members, evidence: [] }),
    );
  });

  it('is convened by its conveners or the course team only', () => {
    const c = atPanel();
    expectRefused(c, 'not_permitted', () =>
      c.run('mentor', convenePanel, { panelId: 'decision_panel', members, evidence: [] }),
    );
  });
});

describe('extensions, escalation, pauses, closing', () => {
  it('extends within the stage cap only', () => {
    const c = agreed();
    c.run('tutor', extendReviewDate, { reviewDate: d('2027-01-08'), reason: 'Trainee absent for a week' });
    expect(nextReviewDate(c.state)).toBe('2027-01-08');
    expectRefused(c, 'extension_not_allowed', () =>
      c.run('tutor', extendReviewDate, { reviewDate: d('2027-01-12'), reason: 'More time' }),
    );
    expectRefused(c, 'extension_not_allowed', () =>
      c.run('tutor', extendReviewDate, { reviewDate: d('2027-01-07'), reason: 'Earlier' }),
    );
  });

  it('escalates only to the stages the procedure names, by the course team', () => {
    const c = agreed();
    expectRefused(c, 'not_permitted', () =>
      c.run('tutor', escalateCase, { toStageId: 's2', reason: 'Serious concern' }),
    );
    expectRefused(c, 'escalation_not_allowed', () =>
      c.run('course_team', escalateCase, { toStageId: 's1', reason: 'Again' }),
    );
    c.run('course_team', escalateCase, { toStageId: 's2', reason: 'Detrimental impact on pupils' });
    expect(c.state).toMatchObject({ stageId: 's2', status: 'awaiting_decision' });
    expect(c.state.stageHistory.at(-1)?.via).toBe('escalation');
  });

  it('a health pause stops the clock: no review while paused, and the review date moves by the working days paused', () => {
    const clock = new Clock(START);
    const c = agreed(clock);
    clock.set(d('2026-12-16'));
    c.run('tutor', pauseCase, { reason: 'health' });
    expect(nextReviewDate(c.state)).toBeUndefined();
    expectRefused(c, 'case_paused', () =>
      c.run('tutor', recordReview, {
        progress: [
          { targetId: 'T1', rating: 'met' },
          { targetId: 'T2', rating: 'met' },
        ],
        evidence: 'e',
        attendees: [],
        outcomeId: 'met',
      }),
    );
    expectRefused(c, 'case_paused', () => c.run('tutor', pauseCase, { reason: 'health' }));
    clock.set(d('2026-12-18')); // two working days paused (17th, 18th)
    c.run('tutor', resumeCase, undefined);
    expect(c.state.paused).toBeUndefined();
    expect(nextReviewDate(c.state)).toBe('2027-01-04'); // 30 Dec + 2 working days (31 Dec, 4 Jan; 1 Jan is a bank holiday)
    expect(c.state.plan?.pausedWorkingDays).toBe(2);
    expectRefused(c, 'case_not_paused', () => c.run('tutor', resumeCase, undefined));
  });

  it('stores no diagnosis: a pause carries only its category', () => {
    expect(pauseCaseInputSchema.safeParse({ reason: 'health', note: 'Diagnosed with …' }).success).toBe(false);
    expect(pauseCaseInputSchema.safeParse({ reason: 'influenza' }).success).toBe(false);
  });

  it('the course team closes; staff record a withdrawal; a closed case takes nothing more', () => {
    const c = agreed();
    expectRefused(c, 'not_permitted', () => c.run('mentor', closeCase, { reason: 'Opened in error' }));
    c.run('course_team', closeCase, { reason: 'Opened in error' });
    expect(c.state.closure).toMatchObject({ resolution: 'closed_by_course_team', reason: 'Opened in error' });
    expectRefused(c, 'case_closed', () =>
      c.run('tutor', extendReviewDate, { reviewDate: d('2027-01-05'), reason: 'x' }),
    );
    expectRefused(c, 'case_closed', () => c.run('course_team', closeCase, { reason: 'again' }));
    const w = agreed();
    w.run('tutor', withdrawCase, { reason: 'Trainee withdrew from the programme' });
    expect(w.state.closure?.resolution).toBe('withdrawn');
  });

  it('stage tasks, milestones and suspension belong to their stage', () => {
    const c = agreed();
    expectRefused(c, 'task_unknown', () => c.run('tutor', completeTask, { taskId: 'record' }));
    expectRefused(c, 'suspension_not_allowed', () =>
      c.run('course_team', suspendPlacement, { reason: 'Pupils’ progress' }),
    );
    c.run('course_team', escalateCase, { toStageId: 's2', reason: 'x' });
    c.run('tutor', completeTask, { taskId: 'record', note: 'Filed' });
    expectRefused(c, 'invalid_input', () => c.run('tutor', completeTask, { taskId: 'record' }));
    c.run('course_team', suspendPlacement, { reason: 'Pupils’ progress' });
    expect(c.state.placementSuspended).toMatchObject({ on: START });
    c.run('course_team', setStageStart, { startsOn: d('2027-01-04') });
    const stage = procedure.stages.find((s) => s.id === 's2');
    if (!stage) throw new Error('fixture');
    expect(datedMilestones(stage, c.state.stageStartsOn)).toEqual([
      { id: 'w1', label: 'Weeks 1–2', from: '2027-01-04', to: '2027-01-17', deadline: false },
      { id: 'w5', label: 'Review by end of week 5', from: '2027-01-18', to: '2027-02-07', deadline: true },
    ]);
  });
});

describe('who is informed', () => {
  it('copies the course mailbox and informs the tutor only when absent from the meeting', () => {
    const c = agreed();
    const absent = whoIsInformed(procedure, c.state, 's1', 'plan_agreed', { presentRoles: ['mentor', 'trainee'] });
    expect(absent.flatMap((x) => x.recipients.map((r) => (r.kind === 'person' ? r.person.role : r.kind)))).toEqual([
      'course_mailbox',
      'tutor',
    ]);
    const present = whoIsInformed(procedure, c.state, 's1', 'plan_agreed', { presentRoles: ['tutor'] });
    expect(present.flatMap((x) => x.recipients.map((r) => r.kind))).toEqual(['course_mailbox']);
  });
  it('skips roles nobody holds on the case', () => {
    const c = agreed();
    expect(whoIsInformed(procedure, c.state, 's1', 'review_recorded')).toEqual([]);
  });
});

describe('the event trail', () => {
  it('replays to the same state after a long walk', () => {
    const c = agreed();
    c.run('tutor', recordReview, {
      progress: [
        { targetId: 'T1', rating: 'partly_met' },
        { targetId: 'T2', rating: 'met' },
      ],
      evidence: 'e',
      attendees: [],
      outcomeId: 'limited',
    });
    c.run('tutor', editPlan, { plan: aDraft(procedure, { reviewDate: d('2026-12-21') }), withdrawSignatures: false });
    c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
    c.run('tutor', signPlan, { role: 'tutor', typedName: 'Tutor' });
    c.run('tutor', recordReview, {
      progress: [{ targetId: 'T1', rating: 'not_met' }],
      evidence: 'e',
      attendees: [],
      outcomeId: 'not_met',
    });
    expect(replay(c.events)).toEqual(c.state);
    expect(c.events.map((e) => e.seq)).toEqual(c.events.map((_, i) => i + 1));
    expect(c.state.version).toBe(c.events.length);
  });

  it('rejects a trail with a gap or out of order', () => {
    const c = agreed();
    const [first, , ...rest] = c.events;
    if (!first) throw new Error('fixture');
    expect(() => replay([first, ...rest])).toThrow(DomainError);
  });
});

describe('revised targets', () => {
  it('carry the targets not met first when the revised form allows fewer', () => {
    const c = agreed(new Clock(START), 3);
    c.run('tutor', recordReview, {
      progress: [
        { targetId: 'T1', rating: 'met' },
        { targetId: 'T2', rating: 'partly_met' },
        { targetId: 'T3', rating: 'not_met' },
      ],
      evidence: 'Observations',
      attendees: [],
      outcomeId: 'limited',
    });
    expect(c.state.plan?.content.targets.map((t) => t.id)).toEqual(['T2', 'T3']);
    expect(c.state.plan?.content.reviewDate).toBeUndefined();
  });
});
