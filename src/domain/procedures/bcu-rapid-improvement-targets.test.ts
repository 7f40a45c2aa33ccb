import { describe, expect, it } from 'vitest';
import { BCU_TRACKER_ID } from '../frameworks/bcu-formative-assessment-tracker.js';
import { bcuRapidImprovementTargets as bcu } from './bcu-rapid-improvement-targets.js';
import {
  informRules,
  outcomeIds,
  outcomeOf,
  panelOf,
  planOf,
  recipients,
  revisedPlanOf,
  signatories,
  stageOf,
} from './test-support.js';

const TUTOR_NOTE =
  'If the university tutor is not present the class teacher/mentor emails or calls the university tutor to inform them of the discussion. The university tutor will consult the course leadership team and may offer additional visits.';

describe('BCU Rapid Improvement Targets: the procedure', () => {
  it("is BCU's RIT procedure against the BCU ITE Formative Assessment Tracker", () => {
    expect(bcu.id).toBe('bcu-rapid-improvement-targets');
    expect(bcu.provider.shortName).toBe('BCU');
    expect(bcu.frameworks.map((f) => f.id)).toEqual([BCU_TRACKER_ID]);
  });

  it('issues RITs for progress, conduct, engagement/attendance, teaching with no pupil progress, a plateau and missing school support', () => {
    expect(bcu.reasons.map((r) => r.id)).toEqual([
      'not_expected_progress',
      'conduct',
      'engagement_attendance',
      'teaching_pupil_progress',
      'plateau',
      'insufficient_school_support',
    ]);
    expect(bcu.reasons.find((r) => r.id === 'conduct')?.conduct).toBe(true);
    expect(bcu.reasons.find((r) => r.id === 'insufficient_school_support')?.label).toContain(
      'the university will intervene and offer additional support',
    );
  });

  it("names the roles in BCU's words", () => {
    expect(bcu.roles.map((r) => [r.id, r.label])).toEqual([
      ['trainee', 'Trainee'],
      ['mentor', 'Class teacher/mentor'],
      ['tutor', 'University tutor'],
      ['class_teacher', 'Class teacher'],
      ['senior_school_leader', 'Senior school leader'],
      ['course_leader', 'Course leadership team'],
      ['professional_development_tutor', 'Professional Development Tutor'],
    ]);
  });

  it('is raised by the class teacher/mentor and/or university tutor', () => {
    expect(bcu.raisedBy).toEqual(['mentor', 'tutor']);
  });

  it('runs five stages', () => {
    expect(bcu.stages.map((s) => s.id)).toEqual(['stage_1', 'stage_2', 'stage_3', 'stage_4', 'stage_5']);
    expect(stageOf(bcu, 'stage_1').openable).toBe(true);
  });
});

describe('BCU Stage 1: the Rapid Improvement Target Form', () => {
  const plan = planOf(bcu, 'stage_1');

  it('records a maximum of three targets linked to the tracker', () => {
    expect(plan.maxTargets).toBe(3);
    expect(plan.frameworks).toEqual([BCU_TRACKER_ID]);
    expect(plan.targetsLinkedToFramework).toBe(true);
  });

  it('records concerns, evidence, trainee perceptions, trainee actions, support strategies and training needs', () => {
    expect(plan.fields).toEqual([
      'concern_statement',
      'evidence',
      'trainee_perceptions',
      'trainee_actions',
      'support_actions',
      'training_needs',
    ]);
    expect(plan.actionParties).toEqual(['trainee', 'mentor', 'tutor']);
  });

  it('agrees a review date with enough time to show progress, with no fixed window', () => {
    expect(plan.reviewWindow).toBeUndefined();
    expect(plan.reviewWindowText).toContain('a date which will give enough time for trainees to demonstrate progress');
  });

  it('is signed by the trainee and the class teacher/mentor/university tutor', () => {
    expect(signatories(plan)).toEqual(['trainee', 'mentor|tutor']);
  });

  it('sends a copy of the signed form to the course mailbox', () => {
    const [copy] = informRules(bcu, 'stage_1', 'plan_agreed').filter((r) =>
      r.to.some((t) => t.kind === 'course_mailbox'),
    );
    expect(copy?.attachForm).toBe(true);
  });

  it('tells the university tutor when not present, who consults the course leadership team', () => {
    const [rule] = informRules(bcu, 'stage_1', 'plan_agreed').filter((r) =>
      r.to.some((t) => t.kind === 'role_if_absent'),
    );
    expect(rule?.to).toEqual([{ kind: 'role_if_absent', role: 'tutor' }]);
    expect(rule?.note).toBe(TUTOR_NOTE);
  });

  it('hands the agreed form to Stage 2 for review', () => {
    expect(stageOf(bcu, 'stage_1').review).toBeUndefined();
    expect(stageOf(bcu, 'stage_1').next).toBe('stage_2');
  });
});

describe('BCU Stage 2: review of the targets', () => {
  it('is a professional discussion reviewing each target against the full range of evidence', () => {
    const review = stageOf(bcu, 'stage_2').review;
    expect(review?.reviewers).toEqual(['mentor', 'tutor']);
    expect(review?.perTarget).toBe(true);
    expect(review?.evidenceRequired).toBe(true);
  });

  it('has two outcomes: sufficient and insufficient progress', () => {
    expect(outcomeIds(bcu, 'stage_2')).toEqual(['sufficient_progress', 'insufficient_progress']);
  });

  it('resumes normal training routines on sufficient progress', () => {
    const outcome = outcomeOf(bcu, 'stage_2', 'sufficient_progress');
    expect(outcome.effect).toEqual({ type: 'close', resolution: 'resolved' });
    expect(outcome.explanation).toContain('Normal training routines resume');
  });

  it('sets up to three revised targets on insufficient progress, then reviews them at Stage 3', () => {
    const outcome = outcomeOf(bcu, 'stage_2', 'insufficient_progress');
    expect(outcome.effect).toMatchObject({ type: 'revise', reviewAt: 'stage_3' });
    expect(revisedPlanOf(bcu, 'stage_2', 'insufficient_progress').maxTargets).toBe(3);
  });

  it('gives the revised targets a timescale of up to 10 working days', () => {
    expect(revisedPlanOf(bcu, 'stage_2', 'insufficient_progress').reviewWindow).toEqual({
      amount: 10,
      unit: 'working_days',
    });
  });

  it('agrees revised actions for the trainee, class teacher/mentor and university tutor', () => {
    expect(revisedPlanOf(bcu, 'stage_2', 'insufficient_progress').actionParties).toEqual([
      'trainee',
      'mentor',
      'tutor',
    ]);
  });

  it('focuses all observations and meetings on the identified targets', () => {
    expect(revisedPlanOf(bcu, 'stage_2', 'insufficient_progress').noticeToTrainee).toBe(
      'All observations and meetings should focus on the identified targets.',
    );
  });

  it('has the revised form signed by the trainee and the mentor/university tutor', () => {
    expect(signatories(revisedPlanOf(bcu, 'stage_2', 'insufficient_progress'))).toEqual(['trainee', 'mentor|tutor']);
  });

  it('sends a copy of the completed form to the course mailbox whatever the outcome', () => {
    const [rule] = informRules(bcu, 'stage_2', 'review_recorded');
    expect(rule).toMatchObject({ to: [{ kind: 'course_mailbox' }], attachForm: true, outcomes: [] });
  });

  it('sends the signed revised form to the course mailbox and tells an absent tutor', () => {
    expect(recipients(bcu, 'stage_2', 'plan_agreed', 'insufficient_progress')).toEqual([
      'course_mailbox',
      'role_if_absent:tutor',
    ]);
    expect(informRules(bcu, 'stage_2', 'plan_agreed').every((r) => r.outcomes.join() === 'insufficient_progress')).toBe(
      true,
    );
  });
});

describe('BCU Stage 3: formal review', () => {
  it('is a formal review with exactly three outcomes', () => {
    expect(stageOf(bcu, 'stage_3').review?.kind).toBe('formal_review');
    expect(outcomeIds(bcu, 'stage_3')).toEqual(['sufficient_progress', 'limited_progress', 'insufficient_progress']);
  });

  it('ends the RIT on sufficient progress', () => {
    expect(outcomeOf(bcu, 'stage_3', 'sufficient_progress').effect).toEqual({ type: 'close', resolution: 'resolved' });
  });

  it('revises and extends the targets on limited progress and repeats Stage 3', () => {
    expect(outcomeOf(bcu, 'stage_3', 'limited_progress').effect).toMatchObject({ type: 'revise', reviewAt: 'stage_3' });
    const plan = revisedPlanOf(bcu, 'stage_3', 'limited_progress');
    expect(plan.maxTargets).toBe(3);
    expect(plan.reviewWindowText).toContain('extended');
  });

  it('tells an absent university tutor about the limited-progress discussion', () => {
    const [rule] = informRules(bcu, 'stage_3', 'plan_agreed', 'limited_progress').filter((r) =>
      r.to.some((t) => t.kind === 'role_if_absent'),
    );
    expect(rule?.note).toBe(TUTOR_NOTE);
    expect(rule?.outcomes).toEqual(['limited_progress']);
  });

  it('proceeds to Stage 4 on insufficient progress', () => {
    expect(outcomeOf(bcu, 'stage_3', 'insufficient_progress').effect).toEqual({
      type: 'go_to_stage',
      stage: 'stage_4',
    });
  });

  it('sends a copy of the form to the course mailbox', () => {
    expect(recipients(bcu, 'stage_3', 'review_recorded')).toEqual(['course_mailbox']);
    expect(informRules(bcu, 'stage_3', 'review_recorded')[0]?.attachForm).toBe(true);
  });
});

describe('BCU Stage 4: consultation with the course team', () => {
  it('is a whole-case consultation by the mentor/senior school leader/university tutor', () => {
    const review = stageOf(bcu, 'stage_4').review;
    expect(review?.kind).toBe('consultation');
    expect(review?.perTarget).toBe(false);
    expect(review?.reviewers).toEqual(['mentor', 'senior_school_leader', 'tutor']);
  });

  it('has two outcomes: a further RIT or a failed placement', () => {
    expect(outcomeIds(bcu, 'stage_4')).toEqual(['further_rit', 'failed_placement']);
  });

  it('repeats Stage 3 with a further RIT form', () => {
    expect(outcomeOf(bcu, 'stage_4', 'further_rit').effect).toMatchObject({ type: 'revise', reviewAt: 'stage_3' });
    expect(revisedPlanOf(bcu, 'stage_4', 'further_rit').maxTargets).toBe(3);
  });

  it('proceeds to Stage 5 when the placement is failed', () => {
    expect(outcomeOf(bcu, 'stage_4', 'failed_placement').effect).toEqual({ type: 'go_to_stage', stage: 'stage_5' });
  });
});

describe('BCU Stage 5: Placement Review Panel', () => {
  const stage = stageOf(bcu, 'stage_5');
  const panel = panelOf(bcu, 'placement_review_panel');

  it('is decided by the Placement Review Panel', () => {
    expect(stage.formality).toBe('panel');
    expect(stage.panel).toBe('placement_review_panel');
    expect(panel.availableAt).toEqual(['stage_5']);
  });

  it('lists the steps before and after the panel', () => {
    expect(stage.tasks.map((t) => t.id)).toEqual([
      'evidence_meeting',
      'course_leadership_meeting',
      'refer_to_panel',
      'placement_review_form',
      'debrief_meeting',
    ]);
  });

  it('has the mentor/senior school leader explain the evidence to the trainee', () => {
    expect(stage.tasks[0]?.by).toEqual(['mentor', 'senior_school_leader']);
  });

  it('completes the failed-placement record at a meeting with the course leadership team', () => {
    expect(stage.tasks[1]?.label).toContain('the record for a failed placement is completed');
    expect(stage.tasks[1]?.by).toEqual(['trainee', 'course_leader']);
  });

  it('sends the Placement Review Form to the trainee, class teacher, mentor and university tutor', () => {
    expect(stage.tasks[3]?.by).toEqual(['trainee', 'class_teacher', 'mentor', 'tutor']);
  });

  it('holds a de-brief between the university tutor and school personnel with a report of issues and actions', () => {
    expect(stage.tasks[4]?.label).toContain('leading to a report of arising issues and actions');
  });

  it("has exactly the five decisions in BCU's words, each closing the case", () => {
    expect(panel.decisions.map((d) => d.label)).toEqual([
      'Trainee has passed the placement as there was sufficient evidence to demonstrate that they had met the requirements of the BCU ITE Assessment Tracker for this placement.',
      'Trainee will be offered an opportunity to undertake this placement as a first attempt.',
      'Trainee will be offered an opportunity to undertake this placement as a first attempt with a RIT in place to address identified targets.',
      'Trainee has failed the placement and will be offered a second and final attempt with a RIT in place to address identified targets.',
      'A referral has been made to Student Governance under the Fitness to Practice/Fitness to Study/Fitness to Train procedures.',
    ]);
    expect(panel.decisions.every((d) => d.effect.type === 'close' && d.effect.resolution === 'decision')).toBe(true);
  });

  it('tells the trainee about the £1125 resit fee only on a resit after a failed first attempt', () => {
    const withNotice = panel.decisions.filter((d) => d.traineeNotice !== undefined);
    expect(withNotice.map((d) => d.id)).toEqual(['second_attempt_with_rit']);
    const notice = withNotice[0]?.traineeNotice ?? '';
    expect(notice).toContain('will incur a cost to the trainee of £1125');
    expect(notice).toContain('Student Finance England');
    expect(notice).toContain('the course team will confirm this in writing');
  });

  it('emails the course team, the school, the trainee, the Professional Development Tutor and the university tutor', () => {
    expect(recipients(bcu, 'stage_5', 'decision_recorded')).toEqual([
      'course_team_channel',
      'course_mailbox',
      'office:school',
      'role:trainee',
      'role:professional_development_tutor',
      'role:tutor',
    ]);
  });
});
