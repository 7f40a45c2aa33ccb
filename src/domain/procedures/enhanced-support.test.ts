import { describe, expect, it } from 'vitest';
import { TEACHERS_STANDARDS_ID } from '../frameworks/teachers-standards.js';
import { enhancedSupport as es } from './enhanced-support.js';
import { outcomeIds, outcomeOf, planOf, recipients, revisedPlanOf, stageOf } from './test-support.js';

describe('Enhanced Support: the procedure', () => {
  it("is the university partnership's Enhanced Support Procedure", () => {
    expect(es.id).toBe('enhanced-support');
    expect(es.provider.name).toBe('University partnership');
    expect(es.name).toBe('Enhanced Support Procedure');
  });

  it("works against the Teachers' Standards Part 1 and Part 2 conduct", () => {
    expect(es.frameworks.map((f) => f.id)).toEqual([TEACHERS_STANDARDS_ID]);
    expect(planOf(es, 'step_1').frameworks).toEqual([TEACHERS_STANDARDS_ID]);
    expect(planOf(es, 'step_1').targetsLinkedToFramework).toBe(true);
  });

  it('is implemented for progress, Part One, Part Two conduct, a plateau and insufficient school support', () => {
    expect(es.reasons.map((r) => r.id)).toEqual([
      'not_expected_progress',
      'struggles_part_one',
      'conduct',
      'plateau',
      'insufficient_school_support',
    ]);
    expect(es.reasons.filter((r) => r.conduct).map((r) => r.id)).toEqual(['conduct']);
  });

  it("names the roles in the provider's words", () => {
    expect(es.roles.map((r) => [r.id, r.label])).toEqual([
      ['trainee', 'Trainee'],
      ['mentor', 'School based mentor'],
      ['professional_mentor', 'Professional/Senior Mentor'],
      ['subject_mentor', 'Subject/Class Mentor'],
      ['tutor', 'University tutor'],
      ['course_leader', 'Course leader'],
      ['partnership_tutor', 'Partnership tutor'],
    ]);
    expect(es.roles.find((r) => r.id === 'mentor')?.multiple).toBe(true);
  });

  it('runs Steps 1 to 6', () => {
    expect(es.stages.map((s) => s.id)).toEqual(['step_1', 'step_2', 'step_3', 'step_4', 'step_5', 'step_6']);
  });
});

describe('Enhanced Support Step 1: the Enhanced Support Action Plan', () => {
  const plan = planOf(es, 'step_1');

  it("records concerns linked to the standards, the trainee's perceptions, actions and success criteria", () => {
    expect(plan.fields).toEqual(
      expect.arrayContaining(['concern_statement', 'trainee_perceptions', 'trainee_actions', 'success_criteria']),
    );
  });

  it('sets SMART targets with a review date', () => {
    expect(plan.smartTargets).toBe(true);
    expect(plan.reviewWindowText).toContain('an agreed timescale of the review point');
  });

  it('is completed with input from school based mentors, University tutors and trainee', () => {
    expect(plan.meeting?.attendees).toEqual(['trainee', 'mentor', 'tutor']);
  });

  it('discusses the targets at the weekly review of progress meeting between mentor and trainee', () => {
    // Recorded while the agreed plan runs (the case waits at Step 2's review), once a week.
    expect(stageOf(es, 'step_2').tasks).toEqual([
      {
        id: 'weekly_review_meeting',
        label:
          'At the weekly review of progress meeting these targets should be discussed between the mentor and trainee.',
        by: ['mentor', 'trainee'],
        when: 'any',
        repeats: true,
      },
    ]);
  });

  it('is reviewed at Step 2', () => {
    expect(stageOf(es, 'step_1').next).toBe('step_2');
  });
});

describe('Enhanced Support Step 2: review', () => {
  it('continues normal training routines on sufficient progress', () => {
    expect(outcomeOf(es, 'step_2', 'sufficient_progress').effect).toEqual({ type: 'close', resolution: 'resolved' });
    expect(outcomeOf(es, 'step_2', 'sufficient_progress').explanation).toMatch(/normal training routines continue/i);
  });

  it('proceeds to Step 3 on insufficient progress', () => {
    expect(outcomeOf(es, 'step_2', 'insufficient_progress').effect).toEqual({ type: 'go_to_stage', stage: 'step_3' });
  });

  it('returns the form to the course leader', () => {
    expect(recipients(es, 'step_2', 'review_recorded')).toEqual(['role:course_leader']);
    expect(stageOf(es, 'step_2').inform[0]?.note).toBe('Please return this form to the course leader.');
  });
});

describe('Enhanced Support Step 3: review meeting and SMART targets', () => {
  const plan = planOf(es, 'step_3');

  it('is a review meeting with the school based mentors, University tutor (normally course leader) and trainee', () => {
    expect(plan.meeting?.attendees).toEqual(['mentor', 'tutor', 'trainee']);
    expect(plan.meeting?.description).toContain('University tutor (normally course leader)');
  });

  it('sets an agreed period with explicit actions for the trainee, school based mentor and University tutor', () => {
    expect(plan.reviewWindowText).toBe(
      'An agreed period is set for the trainee to focus on the targets for development.',
    );
    expect(plan.actionParties).toEqual(['trainee', 'mentor', 'tutor']);
  });

  it('focuses all observations and meetings on the targets for development', () => {
    expect(stageOf(es, 'step_3').description).toContain(
      'All observations and meetings should focus on the targets for development.',
    );
  });

  it('warns that failure to meet the targets may end the placement', () => {
    expect(plan.smartTargets).toBe(true);
    expect(plan.noticeToTrainee).toContain('Failure to meet these may result in the termination of the placement');
  });

  it('has the University Tutor give everyone a copy of the plan', () => {
    expect(recipients(es, 'step_3', 'plan_agreed')).toEqual([
      'role:trainee',
      'role:mentor',
      'role:professional_mentor',
      'role:subject_mentor',
    ]);
    expect(stageOf(es, 'step_3').inform[0]?.attachForm).toBe(true);
  });

  it('is formally reviewed at Step 4', () => {
    expect(stageOf(es, 'step_3').next).toBe('step_4');
  });
});

describe('Enhanced Support Step 4: formal review', () => {
  it('has exactly three outcomes', () => {
    expect(outcomeIds(es, 'step_4')).toEqual(['sufficient_progress', 'limited_progress', 'no_progress']);
  });

  it('ends the Enhanced Support on sufficient progress', () => {
    expect(outcomeOf(es, 'step_4', 'sufficient_progress').effect).toEqual({ type: 'close', resolution: 'resolved' });
  });

  it('revises the targets with the partnership tutor, mentor and trainee and re-evaluates at Step 4', () => {
    expect(outcomeOf(es, 'step_4', 'limited_progress').effect).toMatchObject({ type: 'revise', reviewAt: 'step_4' });
    expect(revisedPlanOf(es, 'step_4', 'limited_progress').meeting?.attendees).toEqual([
      'partnership_tutor',
      'mentor',
      'trainee',
    ]);
  });

  it('proceeds to Step 5 when the targets are not met and there is no progress towards the Standards', () => {
    const outcome = outcomeOf(es, 'step_4', 'no_progress');
    expect(outcome.condition).toBe('some_target_not_met');
    expect(outcome.effect).toEqual({ type: 'go_to_stage', stage: 'step_5' });
  });
});

describe('Enhanced Support Step 5 and Step 6', () => {
  it('may suspend the placement immediately', () => {
    expect(stageOf(es, 'step_5').allowsSuspension).toBe(true);
    expect(stageOf(es, 'step_5').formality).toBe('decision');
  });

  it("invokes Fitness to Practise or section 6 of the Students' Handbook, or offers a resit placement for an age phase", () => {
    expect(outcomeIds(es, 'step_5')).toEqual(['fitness_to_practise', 'handbook_section_6', 'resit_placement']);
    expect(outcomeOf(es, 'step_5', 'resit_placement').label).toContain('particular age phase');
  });

  it('sends every Step 5 decision to the recommending board', () => {
    for (const outcome of stageOf(es, 'step_5').review?.outcomes ?? []) {
      expect(outcome.effect, outcome.id).toEqual({ type: 'go_to_stage', stage: 'step_6' });
    }
  });

  it('has the recommending board confirm the final decision', () => {
    expect(stageOf(es, 'step_6').review?.title).toBe('Recommending board');
    expect(outcomeOf(es, 'step_6', 'final_decision_confirmed').effect).toEqual({
      type: 'close',
      resolution: 'decision',
    });
  });
});
