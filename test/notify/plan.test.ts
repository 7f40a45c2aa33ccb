import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { closeCase } from '../../src/domain/case/commands/close-case.js';
import { extendReviewDate } from '../../src/domain/case/commands/extend-review-date.js';
import type { CaseEvent } from '../../src/domain/case/events.js';
import type { CaseState } from '../../src/domain/case/types.js';
import {
  bcuRapidImprovementTargets as bcu,
  brightFuturesSupport as bf,
  enhancedSupport as es,
  midEssexEarlySupport as me,
  rcttpConcernProcedures as rcttp,
} from '../../src/domain/procedures/index.js';
import { planNotifications } from '../../src/notify/plan.js';
import { CONFIG, draftPlan, open, review, signAll, step, summary } from './kit.js';

const d = parseLocalDate;
const BCU_PEOPLE = ['trainee', 'mentor', 'tutor', 'course_leader', 'professional_development_tutor'];
const meeting = (attendees: string[], mode?: 'online' | 'in_person') => ({ heldOn: d('2026-11-02'), attendees, placementConcern: false, ...(mode ? { mode } : {}) });

function agreeBcuStage1(tutorPresent: boolean) {
  const c = open(bcu, BCU_PEOPLE);
  draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(tutorPresent ? ['trainee', 'mentor', 'tutor'] : ['trainee', 'mentor']) });
  const sent = step(c, CONFIG, () => signAll(c));
  return { c, sent };
}

describe('BCU Rapid Improvement Targets', () => {
  it('"The trainee and the class teacher/mentor/university tutor sign the form and a copy is sent to @bcu.ac.uk" + "If the university tutor is not present … emails or calls the university tutor"', () => {
    const { sent } = agreeBcuStage1(false);
    expect(summary(sent)).toEqual([
      'plan_agreed channel_card course_team_channel',
      'plan_agreed email course_mailbox +form',
      'plan_agreed email tutor',
      'review_date_set calendar tutor',
      'trainee_informed email trainee +form',
    ]);
    const tutorMail = sent.find((n) => n.kind === 'plan_agreed' && n.recipient.kind === 'person');
    expect(tutorMail?.because).toMatch(/^If the university tutor is not present/);
    const mailbox = sent.find((n) => n.recipient.kind === 'course_mailbox');
    expect(mailbox?.recipient).toEqual({ kind: 'course_mailbox', address: CONFIG.courseMailbox });
  });

  it('the tutor present at the meeting is not told again ("If the university tutor is not present")', () => {
    const { sent } = agreeBcuStage1(true);
    expect(summary(sent)).not.toContain('plan_agreed email tutor');
  });

  it('review date set → a calendar event in the tutor\'s calendar with the mentor and trainee invited, in person', () => {
    const { c, sent } = agreeBcuStage1(false);
    const event = sent.find((n) => n.channel === 'calendar')?.calendar;
    expect(event).toMatchObject({ action: 'upsert', organizer: 'tutor@provider.test', date: '2026-11-13', online: false, transactionId: 'trellis-case-1-plan1-review' });
    expect([...(event?.attendees ?? [])].sort()).toEqual(['mentor@provider.test', 'trainee@provider.test']);
    const moved = step(c, CONFIG, () => c.run('course_team', extendReviewDate, { reviewDate: d('2026-11-16'), reason: 'Illness' }));
    expect(summary(moved)).toEqual(['review_date_moved calendar tutor', 'trainee_informed email trainee']);
    expect(moved.find((n) => n.channel === 'calendar')?.calendar).toMatchObject({ date: '2026-11-16', transactionId: 'trellis-case-1-plan1-review' });
    const closed = step(c, CONFIG, () => c.run('course_team', closeCase, { reason: 'Left the programme' }));
    expect(closed.find((n) => n.channel === 'calendar')?.calendar).toMatchObject({ action: 'cancel', transactionId: 'trellis-case-1-plan1-review' });
    expect(summary(closed)).toContain('case_closed email course_mailbox +form');
  });

  it('"A copy of the completed Rapid Improvement Targets Form is sent to @bcu.ac.uk" at the Stage 2 review', () => {
    const { c } = agreeBcuStage1(true);
    c.clock.set(d('2026-11-13'));
    const sent = step(c, CONFIG, () => review(c, 'sufficient_progress', ['met']));
    expect(summary(sent)).toEqual(expect.arrayContaining(['review_recorded email course_mailbox +form', 'review_recorded channel_card course_team_channel', 'trainee_informed email trainee']));
    const trainee = sent.find((n) => n.kind === 'trainee_informed');
    expect(trainee?.lines.join(' ')).toMatch(/The outcome: /);
  });

  it('"An email is sent to the course team, the school, the trainee, the Professional Development Tutor and the university tutor to confirm the decision."', () => {
    const { c } = agreeBcuStage1(true);
    const after: CaseState = {
      ...c.state,
      stageId: 'stage_5',
      panels: [{ panelId: 'placement_review_panel', stageId: 'stage_5', convenedOn: d('2026-12-01'), members: [], evidence: [], chair: undefined, meetings: [], decisionId: 'passed' }],
    };
    const event: CaseEvent = {
      type: 'panel_met', caseId: 'case-1', seq: 40, at: '2026-12-01T10:00:00.000Z', on: d('2026-12-01'), actorId: 'course.lead@provider.test',
      data: { panelId: 'placement_review_panel', heldOn: d('2026-12-01'), attendees: ['a'], decisionId: 'passed' },
    };
    const withSchool = { ...CONFIG, officeMailboxes: { school: 'office@oak.sch.test' } };
    expect(summary(planNotifications({ procedure: bcu, before: c.state, after, events: [event], config: withSchool }))).toEqual([
      'decision_recorded channel_card course_team_channel',
      'decision_recorded email course_mailbox +form',
      'decision_recorded email office:school',
      'decision_recorded email professional_development_tutor',
      'decision_recorded email tutor',
      'trainee_informed email trainee',
    ]);
    // No mailbox for the school: the course team is asked to pass it on, never silently dropped.
    const noSchool = planNotifications({ procedure: bcu, before: c.state, after, events: [event], config: CONFIG });
    expect(noSchool.some((n) => n.lines.some((l) => l.includes('Please pass this on to The school')))).toBe(true);
  });
});

describe('signature needed', () => {
  it('a 1:1 card to each outstanding signatory, once: "The trainee and the class teacher/mentor/university tutor sign the form"', () => {
    const c = open(bcu, BCU_PEOPLE);
    const started = step(c, CONFIG, () => draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'mentor']) }));
    expect(summary(started)).toEqual(['signature_needed chat_card mentor', 'signature_needed chat_card trainee', 'signature_needed chat_card tutor']);
    const edited = step(c, CONFIG, () => draftPlan(c, { reviewDate: d('2026-11-12'), meeting: meeting(['trainee', 'mentor']) }));
    expect(edited).toEqual([]);
  });
});

describe('Mid-Essex Early Support Plan', () => {
  it('"Other relevant partnership staff should be informed and all correspondence copied to the Director."', () => {
    const c = open(me, ['trainee', 'course_tutor', 'director', 'mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'course_tutor']) });
    const config = { ...CONFIG, officeMailboxes: { relevant_partnership_staff: 'partnership@mid-essex.test' } };
    const agreed = step(c, config, () => signAll(c));
    expect(summary(agreed)).toEqual(expect.arrayContaining(['plan_agreed email director +form', 'plan_agreed email office:relevant_partnership_staff +form']));
    c.clock.set(d('2026-11-13'));
    const reviewed = step(c, config, () => review(c, 'sufficient_progress', c.state.plan?.content.targets.map(() => 'met') ?? []));
    expect(summary(reviewed)).toEqual(expect.arrayContaining(['review_recorded email director +form', 'case_closed email director +form']));
  });
});

describe('Bright Futures Support Process', () => {
  it('"Preliminary ONLINE meeting" → the review event is a Teams online meeting', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor', 'professional_mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['lead', 'mentor', 'trainee'], 'online') });
    const sent = step(c, CONFIG, () => signAll(c));
    expect(sent.find((n) => n.channel === 'calendar')?.calendar).toMatchObject({ online: true, organizer: 'lead@provider.test' });
  });

  it('"Copy of support plan to be shared with Mentor team and Trainee and signed by all partners."', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor', 'professional_mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['lead', 'mentor', 'trainee'], 'online') });
    signAll(c);
    c.clock.set(d('2026-11-13'));
    review(c, 'concerns_ongoing', ['not_met']);
    draftPlan(c, { reviewDate: d('2026-11-27'), meeting: meeting(['lead', 'mentor', 'trainee'], 'online') });
    const sent = step(c, CONFIG, () => signAll(c));
    expect(summary(sent)).toEqual(expect.arrayContaining(['plan_agreed email mentor +form', 'plan_agreed email professional_mentor +form', 'trainee_informed email trainee +form']));
  });
});

describe('Enhanced Support Procedure', () => {
  it('"Please return this form to the course leader." and "The University Tutor provides a copy of the Enhanced Support Action Plan."', () => {
    const c = open(es, ['trainee', 'mentor', 'professional_mentor', 'subject_mentor', 'tutor', 'course_leader']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'mentor', 'tutor']) });
    signAll(c);
    c.clock.set(d('2026-11-13'));
    const reviewed = step(c, CONFIG, () => review(c, 'insufficient_progress', ['not_met']));
    expect(summary(reviewed)).toContain('review_recorded email course_leader +form');
    draftPlan(c, { reviewDate: d('2026-11-27'), meeting: meeting(['trainee', 'mentor', 'tutor']) });
    const agreed = step(c, CONFIG, () => signAll(c));
    expect(summary(agreed)).toEqual(expect.arrayContaining([
      'plan_agreed email mentor +form', 'plan_agreed email professional_mentor +form', 'plan_agreed email subject_mentor +form', 'trainee_informed email trainee +form',
    ]));
  });
});

describe('RCTTP Concern Procedures', () => {
  it('"The Progress Support Plan will be discussed with the Trainee": course team copy and the trainee told, no signature cards (the form has none)', () => {
    const c = open(rcttp, ['trainee', 'mentor', 'partnership_tutor', 'course_leader']);
    const started = step(c, CONFIG, () =>
      draftPlan(c, {
        reviewDate: d('2026-11-20'),
        meeting: meeting(['mentor', 'partnership_tutor', 'course_leader', 'trainee']),
        targets: [{ text: 'Plan lessons that build on prior learning', links: [{ frameworkId: 'teachers-standards', code: 'TS2' }], actions: [{ party: 'T', text: 'Use assessment data' }], successCriteria: 'Seen in 2 lessons', observationFocus: false }],
      }),
    );
    expect(started.filter((n) => n.kind === 'signature_needed')).toEqual([]);
    expect(summary(step(c, CONFIG, () => signAll(c)))).toEqual([
      'plan_agreed channel_card course_team_channel',
      'plan_agreed email course_mailbox +form',
      'review_date_set calendar partnership_tutor',
      'trainee_informed email trainee +form',
    ]);
  });

  it('"The school that agrees to accept the trainee for the deferred final assessment placement will be fully informed … Documentation … made available to the school."', () => {
    const c = open(rcttp, ['trainee', 'mentor', 'partnership_tutor', 'course_leader']);
    const event: CaseEvent = {
      type: 'stage_entered', caseId: 'case-1', seq: 30, at: '2027-01-04T10:00:00.000Z', on: d('2027-01-04'), actorId: 'x',
      data: { stageId: 'deferred_final_assessment', fromStageId: 'executive_group', via: 'decision', startsOn: d('2027-01-04') },
    };
    const sent = planNotifications({ procedure: rcttp, before: c.state, after: { ...c.state, stageId: 'deferred_final_assessment' }, events: [event], config: { ...CONFIG, officeMailboxes: { dfa_school: 'head@dfa.sch.test' } } });
    expect(summary(sent)).toEqual(expect.arrayContaining(['stage_changed email office:dfa_school +form', 'stage_changed channel_card course_team_channel']));
  });
});

describe('keys', () => {
  it('planning the same step twice gives the same keys (the outbox sends each once)', () => {
    const a = agreeBcuStage1(false).sent.map((n) => n.key);
    const b = agreeBcuStage1(false).sent.map((n) => n.key);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });
});
