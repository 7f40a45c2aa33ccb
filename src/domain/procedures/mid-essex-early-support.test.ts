import { describe, expect, it } from 'vitest';
import { NOTIFY_TRIGGERS } from '../procedure/schema.js';
import { midEssexEarlySupport as me } from './mid-essex-early-support.js';
import { outcomeIds, outcomeOf, planOf, recipients, signatories, stageOf } from './test-support.js';

const STAGE = 'early_support_plan';

describe('Mid-Essex ITT Early Support Plan: the procedure', () => {
  it('is confidential', () => {
    expect(me.id).toBe('mid-essex-early-support');
    expect(me.confidential).toBe(true);
  });

  it('is started for a plateau, struggling to make progress, or Part Two conduct', () => {
    expect(me.reasons.map((r) => r.id)).toEqual(['plateau', 'struggles_to_progress', 'conduct']);
    expect(me.reasons.filter((r) => r.conduct).map((r) => r.id)).toEqual(['conduct']);
  });

  it("names the roles in Mid-Essex's words", () => {
    expect(me.roles.map((r) => [r.id, r.label])).toEqual([
      ['trainee', 'Trainee'],
      ['course_tutor', 'Course Tutor'],
      ['director', 'Director'],
      ['professional_mentor', 'Professional Mentor (Professional Tutor)'],
      ['mentor', 'Mentor (subject mentor)'],
      ['lead_subject_mentor', 'Lead Subject Mentor'],
    ]);
  });

  it('has one stage, the Early Support Plan, openable at any stage of the programme', () => {
    expect(me.stages.map((s) => s.id)).toEqual([STAGE]);
    expect(stageOf(me, STAGE).openable).toBe(true);
  });
});

describe('Mid-Essex Early Support Plan meeting and targets', () => {
  const plan = planOf(me, STAGE);

  it('meets the Course Tutor, plus the Professional Mentor and subject mentor when the concern is about the placement', () => {
    expect(plan.meeting?.attendees).toEqual(['trainee', 'course_tutor']);
    expect(plan.meeting?.attendeesWhenPlacementConcern).toEqual(['professional_mentor', 'mentor']);
  });

  it('records the statement of concern, perceptions, tasks, support, time scale, success criteria and training', () => {
    expect(plan.fields).toEqual([
      'concern_statement',
      'trainee_perceptions',
      'trainee_actions',
      'support_measures',
      'training_needs',
      'timescale',
      'success_criteria',
      'monitoring',
    ]);
  });

  it('sets a maximum of three targets across the two weeks', () => {
    expect(plan.maxTargets).toBe(3);
  });

  it('focuses each observation on only one target', () => {
    expect(plan.oneTargetPerObservation).toBe(true);
  });

  it('records a review date within two weeks', () => {
    expect(plan.reviewWindow).toEqual({ amount: 14, unit: 'calendar_days' });
  });

  it('is signed with typed full name and date by the trainee, Course Tutor and staff if applicable', () => {
    expect(plan.signatures.typedFullName).toBe(true);
    expect(signatories(plan)).toEqual([
      'trainee',
      'course_tutor',
      'director?',
      'professional_mentor?',
      'mentor?',
      'lead_subject_mentor?',
    ]);
  });

  it('copies all correspondence to the Director and informs other relevant partnership staff', () => {
    for (const on of NOTIFY_TRIGGERS) {
      expect(recipients(me, STAGE, on), on).toEqual(['role:director', 'office:relevant_partnership_staff']);
    }
  });
});

describe('Mid-Essex Early Support Plan review', () => {
  const review = stageOf(me, STAGE).review;

  it('records comments per target from the Mentor & PM, met or not met, with evidence', () => {
    expect(review?.perTarget).toBe(true);
    expect(review?.evidenceRequired).toBe(true);
    expect(review?.commentsBy).toEqual(['mentor', 'professional_mentor']);
  });

  it('keeps notes from the review meeting', () => {
    expect(review?.meeting?.description).toContain('Notes from review meeting');
  });

  it('has two final outcomes', () => {
    expect(outcomeIds(me, STAGE)).toEqual(['sufficient_progress', 'insufficient_progress']);
  });

  it('continues normal training routines on sufficient progress', () => {
    expect(outcomeOf(me, STAGE, 'sufficient_progress').effect).toEqual({ type: 'close', resolution: 'resolved' });
  });

  it('hands off to a Cause for Concern plan (separate procedure and paperwork) on insufficient progress', () => {
    expect(outcomeOf(me, STAGE, 'insufficient_progress').effect).toEqual({
      type: 'hand_off',
      to: 'Cause for Concern plan (separate procedure and paperwork)',
    });
  });
});
