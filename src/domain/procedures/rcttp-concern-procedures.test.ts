import { describe, expect, it } from 'vitest';
import { TEACHERS_STANDARDS_ID } from '../frameworks/teachers-standards.js';
import { rcttpConcernProcedures as rcttp } from './rcttp-concern-procedures.js';
import { outcomeIds, outcomeOf, panelOf, planOf, recipients, stageOf } from './test-support.js';

const SUPPORT_PLAN_STAGES = ['progress_support_plan', 'cause_for_concern'] as const;

describe('RCTTP Concern Procedures: the procedure', () => {
  it("works against the Teachers' Standards, Part 1 and Part 2", () => {
    expect(rcttp.id).toBe('rcttp-concern-procedures');
    expect(rcttp.frameworks.map((f) => f.id)).toEqual([TEACHERS_STANDARDS_ID]);
    const parts = new Set(rcttp.frameworks[0]?.groups.map((g) => g.part));
    expect([...parts].sort()).toEqual(['part_1', 'part_2']);
  });

  it("names the roles in RCTTP's words", () => {
    expect(rcttp.roles.map((r) => [r.id, r.label])).toEqual([
      ['trainee', 'Trainee'],
      ['mentor', 'Mentor(s)'],
      ['partnership_tutor', 'Partnership Tutor'],
      ['course_leader', 'Course Leader'],
      ['programme_manager', 'Programme Manager'],
      ['professional_mentor', 'Head Teacher/Professional Mentor'],
      ['executive_group_chair', 'Chair of the Executive Group'],
      ['partnership_administrator', 'Partnership Administrator'],
    ]);
    expect(rcttp.roles.find((r) => r.id === 'mentor')?.multiple).toBe(true);
  });

  it('is followed by Mentors, Partnership Tutors and the Course Leader and/or Programme Manager', () => {
    expect(rcttp.raisedBy).toEqual(['mentor', 'partnership_tutor', 'course_leader', 'programme_manager']);
  });

  it('runs Stage 1, Stage 2, Stage 3 and the side stages the Executive Group can choose', () => {
    expect(rcttp.stages.map((s) => s.id)).toEqual([
      'progress_support_plan',
      'cause_for_concern',
      'executive_group',
      'further_monitoring',
      'deferred_final_assessment',
      'dfa_outcome_meeting',
    ]);
    expect(rcttp.stages.filter((s) => s.openable).map((s) => s.id)).toEqual(['progress_support_plan']);
  });

  it('lets the Executive Group be convened at any point during the year', () => {
    for (const stage of rcttp.stages.filter((s) => s.id !== 'executive_group')) {
      expect(stage.escalateTo, stage.id).toEqual(['executive_group']);
    }
  });
});

describe.each(SUPPORT_PLAN_STAGES)('RCTTP %s', (stageId) => {
  const plan = planOf(rcttp, stageId);

  it("sets targets against the Teachers' Standards", () => {
    expect(plan.frameworks).toEqual([TEACHERS_STANDARDS_ID]);
    expect(plan.targetsLinkedToFramework).toBe(true);
  });

  it('records strategies/actions with responsibility T (Trainee), S (School) or RCTTP', () => {
    expect(plan.fields).toContain('responsibility');
    expect(plan.responsibilities).toEqual([
      { code: 'T', label: 'Trainee' },
      { code: 'S', label: 'School' },
      { code: 'RCTTP', label: 'RCTTP' },
    ]);
  });

  it('records monitoring with success criteria and a record of action/supporting evidence', () => {
    expect(plan.fields).toEqual(expect.arrayContaining(['monitoring', 'success_criteria', 'evidence']));
  });

  it('runs for a maximum of 4 weeks, extensions included, with the review date agreed with the trainee', () => {
    expect(plan.reviewWindow).toEqual({ amount: 4, unit: 'weeks' });
    expect(stageOf(rcttp, stageId).extensionCap).toEqual({ amount: 4, unit: 'weeks' });
    expect(plan.reviewWindowText).toContain('A review date will be agreed as part of');
    expect(plan.meeting?.attendees).toContain('trainee');
  });

  it('is drawn up by the Mentor(s), Partnership Tutor and Course Leader', () => {
    expect(plan.meeting?.attendees).toEqual(['mentor', 'partnership_tutor', 'course_leader', 'trainee']);
  });

  it('is reviewed by the Mentor(s), Partnership Tutor and/or Course Leader', () => {
    expect(stageOf(rcttp, stageId).review?.reviewers).toEqual(['mentor', 'partnership_tutor', 'course_leader']);
  });

  it('closes when the targets have been met and the trainee is back on track', () => {
    const outcome = outcomeOf(rcttp, stageId, 'targets_met');
    expect(outcome.condition).toBe('all_targets_met');
    expect(outcome.effect).toEqual({ type: 'close', resolution: 'resolved' });
  });

  it('moves to the next stage when the targets have not been met', () => {
    const outcome = outcomeOf(rcttp, stageId, 'targets_not_met');
    expect(outcome.condition).toBe('some_target_not_met');
    expect(outcome.effect).toEqual({
      type: 'go_to_stage',
      stage: stageId === 'progress_support_plan' ? 'cause_for_concern' : 'executive_group',
    });
  });

  it('has only those two outcomes', () => {
    expect(outcomeIds(rcttp, stageId)).toEqual(['targets_met', 'targets_not_met']);
  });
});

describe('RCTTP Stage 3: Executive Group', () => {
  const stage = stageOf(rcttp, 'executive_group');

  it('is a decision on a report prepared and presented to the Executive Group', () => {
    expect(stage.formality).toBe('decision');
    expect(stage.tasks.map((t) => t.label)).toEqual(['A report is prepared and presented to the Executive Group.']);
  });

  it('has the four options the seed lists, plus directing the trainee to leave (section 4)', () => {
    expect(outcomeIds(rcttp, 'executive_group')).toEqual([
      'further_monitoring',
      'further_placement_or_training',
      'extend_placement',
      'advise_withdrawal',
      'direct_to_leave',
    ]);
  });

  it('can delegate a member of the Partnership to undertake further monitoring', () => {
    expect(outcomeOf(rcttp, 'executive_group', 'further_monitoring').effect).toEqual({
      type: 'go_to_stage',
      stage: 'further_monitoring',
    });
  });

  it('can set further teaching placement and/or training against a Progress Support Plan', () => {
    const outcome = outcomeOf(rcttp, 'executive_group', 'further_placement_or_training');
    // A new Progress Support Plan is a new case, linked to this one, which closes.
    expect(outcome.effect).toEqual({ type: 'close', resolution: 'decision' });
    expect(outcome.opensLinkedCase).toEqual({ stage: 'progress_support_plan', targetsRequired: false });
  });

  it('can extend the teaching placement beyond the end of the course as a deferred final assessment', () => {
    const outcome = outcomeOf(rcttp, 'executive_group', 'extend_placement');
    expect(outcome.effect).toEqual({ type: 'go_to_stage', stage: 'deferred_final_assessment' });
    expect(outcome.traineeNotice).toContain('no financial support will be available');
  });

  it('can advise the trainee to withdraw from the course', () => {
    expect(outcomeOf(rcttp, 'executive_group', 'advise_withdrawal').effect).toEqual({
      type: 'close',
      resolution: 'withdrawn',
    });
  });

  it('can direct the trainee to leave the programme', () => {
    expect(outcomeOf(rcttp, 'executive_group', 'direct_to_leave').effect).toEqual({
      type: 'close',
      resolution: 'withdrawn',
    });
  });
});

describe('RCTTP further monitoring by a delegated member of the Partnership', () => {
  it('closes when the trainee is back on track, or returns to the Executive Group', () => {
    expect(outcomeOf(rcttp, 'further_monitoring', 'back_on_track').effect).toEqual({
      type: 'close',
      resolution: 'resolved',
    });
    expect(outcomeOf(rcttp, 'further_monitoring', 'concerns_remain').effect).toEqual({
      type: 'go_to_stage',
      stage: 'executive_group',
    });
  });
});

describe('RCTTP Exceptional Circumstances panel', () => {
  const panel = panelOf(rcttp, 'exceptional_circumstances');

  it('is convened through the Programme Manager by the chair of the Executive Group', () => {
    expect(panel.convenedBy).toEqual(['programme_manager', 'executive_group_chair']);
  });

  it('has up to 5 people, 3 to be quorate, and agrees its Chair at the first meeting', () => {
    expect(panel.maxMembers).toBe(5);
    expect(panel.quorum).toBe(3);
    expect(panel.chairAgreedAtFirstMeeting).toBe(true);
  });

  it('considers the evidence the seed lists and verbal reports', () => {
    expect(panel.evidence).toEqual([
      'Evidence that appropriate support has been provided e.g. records of mentor meetings, records of Partnership Tutor meetings, lesson observation feedback, verbal reports.',
      'Evidence of appropriate attendance at central training e.g. attendance registers and absence records',
      'Data pertaining to the attainment of the trainee.',
      'Verbal reports from the school and other partnership staff',
    ]);
  });

  it('can be convened at any stage of the Concern Procedures', () => {
    expect(panel.availableAt).toEqual(rcttp.stages.map((s) => s.id));
  });

  it('is triggered by a detrimental impact on pupils, reported by the Head Teacher/Professional Mentor', () => {
    expect(panel.description).toContain('detrimental impact on the learning and progress of the pupils');
  });

  it('decides to continue, refer to the Executive Group or direct the trainee to leave', () => {
    expect(panel.decisions.map((d) => [d.id, d.effect])).toEqual([
      ['continue_concern_procedures', { type: 'continue' }],
      ['refer_to_executive_group', { type: 'go_to_stage', stage: 'executive_group' }],
      ['direct_to_leave', { type: 'close', resolution: 'withdrawn' }],
    ]);
  });
});

describe('RCTTP Deferred Final Assessment', () => {
  const stage = stageOf(rcttp, 'deferred_final_assessment');
  const milestone = (id: string) => stage.milestones.find((m) => m.id === id);

  it('lasts 8 weeks', () => {
    expect(stage.durationWeeks).toBe(8);
  });

  it('has exactly the milestones RCTTP wrote, in weeks 1–2, 3–5 and 7–8 (nothing for week 6)', () => {
    expect(stage.milestones.map((m) => [m.id, m.fromWeek, m.toWeek])).toEqual([
      ['issues_meeting', 1, 2],
      ['work_alongside_mentor', 1, 2],
      ['weekly_mentor_meetings_1_2', 1, 2],
      ['rcttp_visit_1_2', 1, 2],
      ['timetable_70', 3, 5],
      ['full_documentation', 3, 5],
      ['progress_review', 3, 5],
      ['rcttp_visit_fortnightly', 3, 5],
      ['final_observations', 7, 8],
    ]);
    expect(stage.milestones.some((m) => m.fromWeek <= 6 && m.toWeek >= 6)).toBe(false);
  });

  it('meets the Mentor, the Headteacher/Professional Mentor and a representative of the Partnership in weeks 1–2', () => {
    expect(milestone('issues_meeting')?.label).toContain(
      'a meeting with the Mentor, the Headteacher/Professional Mentor and a representative of the Partnership',
    );
  });

  it('has the trainee teach a 70% timetable in weeks 3–5', () => {
    expect(milestone('timetable_70')?.label).toBe(
      'The Trainee will teach a 70% timetable with weekly mentor meetings and formal observations.',
    );
  });

  it('requires the Progress Review by the end of week 5', () => {
    expect(milestone('progress_review')).toMatchObject({ toWeek: 5, deadline: true });
    expect(stage.milestones.filter((m) => m.deadline).map((m) => m.id)).toEqual(['progress_review']);
  });

  it('has an RCTTP visit every fortnight in weeks 3–5', () => {
    expect(milestone('rcttp_visit_fortnightly')?.label).toContain('every fortnight');
  });

  it('is observed by the Partnership Tutor, RCTTP Course Leader and School Mentor(s) in weeks 7–8 before judgement', () => {
    expect(stage.review?.observationBy).toEqual(['partnership_tutor', 'course_leader', 'mentor']);
    expect(milestone('final_observations')?.label).toContain('before a judgement can be made');
  });

  it('ends in a moderation visit recommendation or the outcome meeting', () => {
    expect(outcomeOf(rcttp, 'deferred_final_assessment', 'ready_for_moderation').effect).toEqual({
      type: 'close',
      resolution: 'resolved',
    });
    expect(outcomeOf(rcttp, 'deferred_final_assessment', 'failed_standards').effect).toEqual({
      type: 'go_to_stage',
      stage: 'dfa_outcome_meeting',
    });
  });

  it('fully informs the school that accepts the trainee and gives it the documentation', () => {
    expect(recipients(rcttp, 'deferred_final_assessment', 'stage_entered')).toEqual(['office:dfa_school']);
    expect(stage.tasks.map((t) => t.id)).toEqual(['inform_dfa_school']);
  });
});

describe('RCTTP outcome of the Deferred Final Assessment', () => {
  const review = stageOf(rcttp, 'dfa_outcome_meeting').review;

  it('is a meeting of exactly the six people RCTTP names', () => {
    expect(review?.meeting?.attendees).toEqual([
      'trainee',
      'professional_mentor',
      'partnership_tutor',
      'programme_manager',
      'executive_group_chair',
      'partnership_administrator',
    ]);
  });

  it('is minuted by the Partnership Administrator', () => {
    expect(stageOf(rcttp, 'dfa_outcome_meeting').tasks).toEqual([
      {
        id: 'minute_meeting',
        label: 'Partnership Administrator (to minute the meeting).',
        by: ['partnership_administrator'],
        when: 'any',
        repeats: false,
      },
    ]);
  });

  it('confirms the decision (not recommended for QTS) or overturns it on further evidence', () => {
    expect(review?.outcomes.map((o) => [o.label, o.effect])).toEqual([
      [
        'The decision is confirmed and the trainee is not recommended for QTS',
        { type: 'close', resolution: 'decision' },
      ],
      [
        'The decision is overturned (based on further evidence provided) and the trainee is recommended for QTS',
        { type: 'close', resolution: 'decision' },
      ],
    ]);
  });

  it('tells the trainee an appeal is on a procedural basis only', () => {
    expect(outcomeOf(rcttp, 'dfa_outcome_meeting', 'decision_confirmed').traineeNotice).toContain(
      'on a procedural basis and may not appeal against the outcome',
    );
  });
});

describe('RCTTP second initiation and notes', () => {
  it('can initiate the Concern Procedures a second time only on the grounds RCTTP lists', () => {
    expect(rcttp.reinitiation?.grounds.map((g) => g.id)).toEqual([
      'long_term_illness',
      'bereavement',
      'relationship_breakdown',
      'other_extenuating',
    ]);
  });

  it('needs a medical certificate for long term illness', () => {
    expect(rcttp.reinitiation?.grounds[0]?.evidence).toBe('A medical certificate');
  });

  it('considers other extenuating circumstances case by case', () => {
    expect(rcttp.reinitiation?.grounds.filter((g) => g.caseByCase).map((g) => g.id)).toEqual(['other_extenuating']);
  });

  it.each([
    ['no financial support for the deferred final assessment', 'no financial support will be available'],
    ['the deferred final assessment school is fully informed', 'will be fully informed about the issues'],
    ['QTS only for those who met all the standards', 'have demonstrated that they have met all the standards'],
    ['appeals on a procedural basis only', 'may only make an appeal'],
  ])('notes %s', (_rule, words) => {
    expect(rcttp.notes.some((note) => note.includes(words))).toBe(true);
  });
});
