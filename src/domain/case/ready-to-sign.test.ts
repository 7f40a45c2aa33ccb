import { describe, expect, it } from 'vitest';
import { parseLocalDate as d } from '../calendar/index.js';
import { enhancedSupport as es, midEssexEarlySupport as me } from '../procedures/index.js';
import { on, openWalk, refusal, sign } from '../procedures/walks/walk-kit.js';
import type { Procedure } from '../procedure/schema.js';
import { calendarFor, EventBuilder, planRulesOf } from './command-kit.js';
import { changePlacement } from './commands/change-people.js';
import { editPlan, type PlanDraft } from './commands/edit-plan.js';
import { nextSteps } from './next-steps.js';
import { signingBlocker, signingBlockerOf } from './ready-to-sign.js';
import { aDraft, personFor, type CaseDriver } from './testing.js';

/**
 * Ready to sign: signing refuses what editing refuses, counted from the day of signing, and the
 * case says so before anyone is asked to sign. Dates are pinned: Mid-Essex's Early Support Plan is
 * drawn up on Monday 2 November 2026, its review date "within two weeks" (on or before Monday 16
 * November 2026), and the trainee, the Course Tutor and the mentor sign it.
 */

const PEOPLE = ['trainee', 'course_tutor', 'mentor', 'tutor'];

function opened(procedure: Procedure, endsOn = '2027-06-25'): CaseDriver {
  return openWalk(procedure, {
    on: '2026-11-02',
    by: 'course_team',
    caseId: 'case-1',
    input: {
      reference: 'CASE-1',
      reasons: [procedure.reasons[0]?.id ?? 'progress'],
      people: PEOPLE.filter((r) => procedure.roles.some((x) => x.id === r)).map((role) => personFor(role)),
      placement: { school: 'Oak Primary', programme: 'PGCE Primary 2026/27', subject: 'Primary', endsOn: d(endsOn) },
    },
  });
}

/** A complete draft: an action for everyone on the case the form gives actions to. */
function draft(c: CaseDriver, reviewDate: string): PlanDraft {
  const plan = c.state.plan;
  const parties = plan
    ? planRulesOf(c.procedure, plan).actionParties.filter(
        (p) => p !== 'trainee' && c.state.people.some((x) => x.role === p),
      )
    : [];
  const base = aDraft(c.procedure, {
    reviewDate: d(reviewDate),
    meeting: { heldOn: d('2026-11-02'), attendees: ['trainee', 'course_tutor'], placementConcern: false },
  });
  return {
    ...base,
    targets: base.targets.map((t) => ({
      ...t,
      actions: [...t.actions, ...parties.map((party) => ({ party, text: 'Observe and give weekly feedback.' }))],
    })),
  };
}

const dayOf = (c: CaseDriver) => ({ calendar: calendarFor(c.procedure), today: c.clock.today });

describe('ready to sign: signing refuses what editing refuses, and the case says so first', () => {
  it('the placement’s end moves before the review date after the trainee signed: the last signature is refused, the course team is told, a new date lets everyone sign', () => {
    const c = opened(me);
    c.run('course_team', editPlan, { plan: draft(c, '2026-11-13'), withdrawSignatures: false });
    expect(signingBlocker(me, c.state, dayOf(c))).toBeUndefined();
    sign(c, 'trainee');
    sign(c, 'course_tutor');

    // The placement now ends on Wednesday 11 November: a review on Friday 13th would be after it.
    c.run('course_team', changePlacement, {
      school: 'Elm Primary',
      endsOn: d('2026-11-11'),
      people: [],
      reason: 'The trainee moves school for the last weeks of the placement.',
    });
    const expected =
      'The review date cannot be Friday 13 November 2026: Friday 13 November 2026 is after the placement ends on Wednesday 11 November 2026. Choose a working day before the placement ends, on or before Monday 16 November 2026.';
    expect(signingBlockerOf(me, c.state, dayOf(c))).toEqual({ message: expected, part: 'review_date' });
    const refused = refusal(c, () => sign(c, 'mentor'));
    expect(refused.code).toBe('review_date_outside_window');
    expect(refused.userMessage).toBe(expected);

    // The case page's next step: the course team and staff on the case choose a date, nobody is asked to sign.
    const steps = nextSteps(me, c.state, c.clock.today, calendarFor(me));
    expect(steps.map((s) => s.kind)).not.toContain('sign');
    const fix = steps.find((s) => s.kind === 'complete_plan');
    expect(fix).toMatchObject({
      title: 'Choose a review date the plan can be signed with',
      detail: expected,
      form: 'edit-plan',
      courseTeam: true,
    });
    expect(fix?.from.map((p) => p.roleLabel)).toEqual(['Course Tutor', 'Mentor (subject mentor)']);

    c.run('course_team', editPlan, { plan: draft(c, '2026-11-11'), withdrawSignatures: true });
    expect(signingBlocker(me, c.state, dayOf(c))).toBeUndefined();
    sign(c, 'trainee');
    sign(c, 'course_tutor');
    sign(c, 'mentor');
    expect(c.state.plan?.agreedOn).toBe(d('2026-11-02'));
  });

  it('a draft left until its review date has come: the last signature is refused, and the blocker says the same', () => {
    const c = opened(me);
    c.run('course_team', editPlan, { plan: draft(c, '2026-11-13'), withdrawSignatures: false });
    sign(c, 'trainee');
    sign(c, 'course_tutor');
    on(c, '2026-11-13');
    const expected = 'The review date must be after Friday 13 November 2026, the day the plan starts.';
    expect(signingBlocker(me, c.state, dayOf(c))).toBe(expected);
    expect(refusal(c, () => sign(c, 'mentor')).userMessage).toBe(expected);
  });

  it('a review date on a Saturday, from a draft saved before dates were held to working days, is refused at signing where the procedure sets a window', () => {
    const c = opened(me);
    const saved = c.run('course_team', editPlan, { plan: draft(c, '2026-11-13'), withdrawSignatures: false });
    const edited = saved.events.find((e) => e.type === 'plan_edited');
    if (edited?.type !== 'plan_edited') throw new Error('the draft was saved');
    // The same draft as the trail of an older version kept it: Saturday 14 November, which editing now refuses.
    const old = new EventBuilder(c.context(c.as('course_team')), c.state.id, c.state);
    old.add('plan_edited', { ...edited.data, content: { ...edited.data.content, reviewDate: d('2026-11-14') } });
    c.state = old.result().state;

    const expected =
      'The review date cannot be Saturday 14 November 2026: Saturday 14 November 2026 is not a working day (weekend). Choose a working day before the placement ends, on or before Monday 16 November 2026.';
    expect(signingBlocker(me, c.state, dayOf(c))).toBe(expected);
    for (const role of ['trainee', 'mentor']) {
      const refused = refusal(c, () => sign(c, role));
      expect(refused.code).toBe('review_date_outside_window');
      expect(refused.userMessage).toBe(expected);
    }
  });

  it('where the procedure sets no window (Enhanced Support: "with an agreed timescale of the review point"), a Saturday does not stop signing (the case warns of it instead)', () => {
    const c = opened(es);
    c.run('course_team', editPlan, {
      plan: {
        ...draft(c, '2026-11-14'),
        meeting: { heldOn: d('2026-11-02'), attendees: ['trainee', 'mentor', 'tutor'], placementConcern: false },
      },
      withdrawSignatures: false,
    });
    expect(signingBlocker(es, c.state, dayOf(c))).toBeUndefined();
    // The form names no signatories: a member of staff at the meeting records the agreement.
    sign(c, 'tutor');
    expect(c.state.plan?.agreedOn).toBe(d('2026-11-02'));
    expect(c.state.plan?.content.reviewDate).toBe(d('2026-11-14'));
  });
});
