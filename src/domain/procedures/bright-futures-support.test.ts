import { describe, expect, it } from 'vitest';
import { brightFuturesSupport as bf } from './bright-futures-support.js';
import { outcomeIds, outcomeOf, planOf, recipients, signatories, stageOf } from './test-support.js';

describe('Bright Futures SCITT Support Process: the procedure', () => {
  it('is the Bright Futures SCITT Support Process', () => {
    expect(bf.id).toBe('bright-futures-support');
    expect(bf.provider.name).toBe('Bright Futures SCITT');
  });

  it("names the roles in the SCITT's words", () => {
    expect(bf.roles.map((r) => [r.id, r.label])).toEqual([
      ['trainee', 'Trainee'],
      ['lead', 'Programme Lead (SCITT Lead)'],
      ['mentor', 'Mentor (class/subject)'],
      ['professional_mentor', 'Professional Mentor'],
      ['director', 'SCITT Director'],
    ]);
    expect(bf.roles.find((r) => r.id === 'mentor')?.multiple).toBe(true);
  });

  it('takes concerns raised by the Professional Mentor, Mentor or Trainee', () => {
    expect(bf.raisedBy).toEqual(['professional_mentor', 'mentor', 'trainee']);
  });

  it('runs Stage 1 (informal), Stage 2 (formal), Stage 3 and a meeting with the SCITT Director', () => {
    expect(bf.stages.map((s) => [s.id, s.formality])).toEqual([
      ['stage_1', 'informal'],
      ['stage_2', 'formal'],
      ['stage_3', 'formal'],
      ['director_meeting', 'decision'],
    ]);
  });

  it('does not tie targets to a standards framework (the process names none)', () => {
    expect(planOf(bf, 'stage_1').targetsLinkedToFramework).toBe(false);
    expect(planOf(bf, 'stage_2').targetsLinkedToFramework).toBe(false);
  });

  it.each([
    'A Trainee must successfully complete a placement in each key stage in order to be recommended for QTS/EYTS.',
    'An Early Primary Trainee must successfully complete two placements in EYFS and one in Key Stage 1 in order to be recommended for QTS.',
    'A secondary Trainee must successfully complete placements in two contrasting schools in order to be recommended for QTS.',
  ])('notes the placement requirement: %s', (note) => {
    expect(bf.notes).toContain(note);
  });
});

describe('Bright Futures Stage 1 (informal)', () => {
  const plan = planOf(bf, 'stage_1');

  it('tells the Lead at an early stage', () => {
    expect(recipients(bf, 'stage_1', 'case_opened')).toEqual(['role:lead']);
  });

  it('holds a preliminary ONLINE meeting of the Programme Lead, Mentors and Trainee', () => {
    expect(plan.meeting).toMatchObject({ mode: 'online', attendees: ['lead', 'mentor', 'trainee'] });
  });

  it('agrees SMART targets and action steps', () => {
    expect(plan.smartTargets).toBe(true);
    expect(plan.fields).toEqual(['concern_statement', 'trainee_perceptions', 'trainee_actions']);
  });

  it('sets a date for review and observation by the Professional Mentor', () => {
    expect(plan.reviewWindowText).toBe('Date set for review and observation to be carried out by Professional Mentor.');
  });

  it('has all partners agree (the Professional Mentor when assigned)', () => {
    expect(signatories(plan)).toEqual(['lead', 'mentor', 'trainee', 'professional_mentor?']);
    expect(plan.signatures.statement).toContain('All partners to agree');
  });

  it('is reviewed by the Professional Mentor observing a lesson, who feeds back to the Lead', () => {
    const review = stageOf(bf, 'stage_1').review;
    expect(review?.reviewers).toEqual(['professional_mentor']);
    expect(review?.observationBy).toEqual(['professional_mentor']);
    expect(recipients(bf, 'stage_1', 'review_recorded')).toEqual(['role:lead']);
  });

  it('closes when concerns are addressed and the Lead initiates Stage 2 when ongoing', () => {
    expect(outcomeIds(bf, 'stage_1')).toEqual(['concerns_addressed', 'concerns_ongoing']);
    expect(outcomeOf(bf, 'stage_1', 'concerns_addressed').effect).toEqual({ type: 'close', resolution: 'resolved' });
    expect(outcomeOf(bf, 'stage_1', 'concerns_ongoing').effect).toEqual({ type: 'go_to_stage', stage: 'stage_2' });
    expect(outcomeOf(bf, 'stage_1', 'concerns_ongoing').explanation).toContain('Lead will initiate Stage 2');
  });
});

describe('Bright Futures Stage 2 (formal support plan)', () => {
  const plan = planOf(bf, 'stage_2');

  it('holds an ONLINE meeting with the Lead, Trainee and Mentor', () => {
    expect(plan.meeting).toMatchObject({ mode: 'online', attendees: ['lead', 'trainee', 'mentor'] });
  });

  it('offers support measures: additional training, planning support, adjusted workload', () => {
    expect(plan.fields).toContain('support_measures');
    expect(plan.supportMeasureOptions).toEqual(['Additional training', 'Planning support', 'Adjusted workload']);
  });

  it('sets SMART targets with action steps and a review date', () => {
    expect(plan.smartTargets).toBe(true);
    expect(plan.fields).toContain('trainee_actions');
    expect(plan.reviewWindowText).toBe('Review date set.');
  });

  it('sets the expectation that support must result in progress and tells the trainee the next steps', () => {
    expect(plan.noticeToTrainee).toContain('additional support must result in progress');
    expect(plan.noticeToTrainee).toContain('retain a place on the programme');
  });

  it('is signed by all partners', () => {
    expect(signatories(plan)).toEqual(['lead', 'mentor', 'trainee', 'professional_mentor?']);
  });

  it("shares a copy with the Mentor team and Trainee, retained on the student's record", () => {
    expect(recipients(bf, 'stage_2', 'plan_agreed')).toEqual([
      'role:mentor',
      'role:professional_mentor',
      'role:trainee',
    ]);
    expect(stageOf(bf, 'stage_2').inform[0]?.note).toContain("retained as part of the student's record");
  });

  it('closes on progress or moves to Stage 3', () => {
    expect(outcomeOf(bf, 'stage_2', 'progress_made').effect).toEqual({ type: 'close', resolution: 'resolved' });
    expect(outcomeOf(bf, 'stage_2', 'no_progress').effect).toEqual({ type: 'go_to_stage', stage: 'stage_3' });
  });
});

describe('Bright Futures Stage 3 and the SCITT Director', () => {
  it('has the Lead observe, then a review meeting with the Trainee and Mentor team', () => {
    const review = stageOf(bf, 'stage_3').review;
    expect(review?.observationBy).toEqual(['lead']);
    expect(review?.meeting?.attendees).toEqual(['lead', 'trainee', 'mentor', 'professional_mentor']);
  });

  it("keeps the trainee's place only if targets were addressed and progress made", () => {
    expect(stageOf(bf, 'stage_3').description).toContain('in order to retain a place on the programme');
    expect(outcomeOf(bf, 'stage_3', 'progress_demonstrated').effect).toEqual({ type: 'close', resolution: 'resolved' });
  });

  it('may invite the trainee to a meeting with the SCITT Director', () => {
    expect(outcomeOf(bf, 'stage_3', 'progress_not_demonstrated').effect).toEqual({
      type: 'go_to_stage',
      stage: 'director_meeting',
    });
    expect(stageOf(bf, 'director_meeting').review?.reviewers).toEqual(['director']);
  });

  it('ends the Director meeting with further support (Stage 2) or leaving the programme', () => {
    expect(outcomeOf(bf, 'director_meeting', 'continues_with_support').effect).toEqual({
      type: 'go_to_stage',
      stage: 'stage_2',
    });
    expect(outcomeOf(bf, 'director_meeting', 'leaves_programme').effect).toEqual({
      type: 'close',
      resolution: 'withdrawn',
    });
  });
});
