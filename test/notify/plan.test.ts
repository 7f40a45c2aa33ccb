import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { replay } from '../../src/domain/case/apply-event.js';
import { changePerson, changePlacement } from '../../src/domain/case/commands/change-people.js';
import { closeCase, withdrawCase } from '../../src/domain/case/commands/close-case.js';
import { extendReviewDate } from '../../src/domain/case/commands/extend-review-date.js';
import { reopenCase } from '../../src/domain/case/commands/reopen-case.js';
import { signPlan } from '../../src/domain/case/commands/sign-plan.js';
import { suspendPlacement } from '../../src/domain/case/commands/stage-tasks.js';
import { calendarFor, EventBuilder, type CommandResult } from '../../src/domain/case/command-kit.js';
import type { CaseEvent, CaseEventData, CaseEventType } from '../../src/domain/case/events.js';
import type { CaseState } from '../../src/domain/case/types.js';
import {
  bcuRapidImprovementTargets as bcu,
  brightFuturesSupport as bf,
  enhancedSupport as es,
  midEssexEarlySupport as me,
  rcttpConcernProcedures as rcttp,
} from '../../src/domain/procedures/index.js';
import { renderEmail } from '../../src/notify/email.js';
import type { Notification } from '../../src/notify/notification.js';
import { signingBlocker } from '../../src/domain/case/queries.js';
import { planNotifications } from '../../src/notify/plan.js';
import { replanTrail } from '../../src/notify/replan.js';
import { atEnhancedSupportStep5, CONFIG, dayOf, draftPlan, open, review, signAll, step, summary } from './kit.js';

const d = parseLocalDate;
const BCU_PEOPLE = ['trainee', 'mentor', 'tutor', 'course_leader', 'professional_development_tutor'];
const meeting = (attendees: string[], mode?: 'online' | 'in_person') => ({
  heldOn: d('2026-11-02'),
  attendees,
  placementConcern: false,
  ...(mode ? { mode } : {}),
});

function agreeBcuStage1(tutorPresent: boolean) {
  const c = open(bcu, BCU_PEOPLE);
  draftPlan(c, {
    reviewDate: d('2026-11-13'),
    meeting: meeting(tutorPresent ? ['trainee', 'mentor', 'tutor'] : ['trainee', 'mentor']),
  });
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

  it("review date set → a calendar event in the tutor's calendar with the mentor and trainee invited, in person", () => {
    const { c, sent } = agreeBcuStage1(false);
    const event = sent.find((n) => n.channel === 'calendar')?.calendar;
    expect(event).toMatchObject({
      action: 'upsert',
      organizer: 'tutor@provider.test',
      date: '2026-11-13',
      online: false,
      transactionId: 'trellis-case-1-plan1-review',
    });
    expect([...(event?.attendees ?? [])].sort()).toEqual(['mentor@provider.test', 'trainee@provider.test']);
    const moved = step(c, CONFIG, () =>
      c.run('course_team', extendReviewDate, { reviewDate: d('2026-11-16'), reason: 'Illness' }),
    );
    expect(summary(moved)).toEqual(['review_date_moved calendar tutor', 'trainee_informed email trainee']);
    expect(moved.find((n) => n.channel === 'calendar')?.calendar).toMatchObject({
      date: '2026-11-16',
      transactionId: 'trellis-case-1-plan1-review',
    });
    const closed = step(c, CONFIG, () => c.run('course_team', closeCase, { reason: 'Left the programme' }));
    expect(closed.find((n) => n.channel === 'calendar')?.calendar).toMatchObject({
      action: 'cancel',
      transactionId: 'trellis-case-1-plan1-review',
    });
    expect(summary(closed)).toContain('case_closed email course_mailbox +form');
  });

  it('a case withdrawn as opened in error tells only the course team (and cancels the review meeting), never the trainee', () => {
    const c = open(bcu, BCU_PEOPLE);
    const quiet = step(c, CONFIG, () =>
      c.run('course_team', withdrawCase, { reason: 'The wrong trainee.', openedInError: true }),
    );
    expect(summary(quiet).every((line) => /course_mailbox|course_team_channel/.test(line))).toBe(true);
    expect(summary(quiet)).toContain('case_closed email course_mailbox +form');
    const { c: agreed } = agreeBcuStage1(true);
    const closed = step(agreed, CONFIG, () =>
      agreed.run('course_team', closeCase, { reason: 'Duplicate.', openedInError: true }),
    );
    expect(summary(closed).filter((line) => !/course_mailbox|course_team_channel/.test(line))).toEqual([
      'review_cancelled calendar tutor',
    ]);
  });

  it('"A copy of the completed Rapid Improvement Targets Form is sent to @bcu.ac.uk" at the Stage 2 review', () => {
    const { c } = agreeBcuStage1(true);
    c.clock.set(d('2026-11-13'));
    const sent = step(c, CONFIG, () => review(c, 'sufficient_progress', ['met']));
    expect(summary(sent)).toEqual(
      expect.arrayContaining([
        'review_recorded email course_mailbox +form',
        'review_recorded channel_card course_team_channel',
        'trainee_informed email trainee',
      ]),
    );
    const trainee = sent.find((n) => n.kind === 'trainee_informed');
    expect(trainee?.lines.join(' ')).toMatch(/The outcome: /);
  });

  it('a case closed by mistake and reopened: everyone on the case is told, and the review meeting goes back into the calendar', () => {
    const { c } = agreeBcuStage1(true);
    c.clock.set(d('2026-11-12'));
    step(c, CONFIG, () => review(c, 'sufficient_progress', ['met']));
    expect(c.state.status).toBe('closed');
    const reopened = step(c, CONFIG, () =>
      c.run('course_team', reopenCase, { reason: 'Sufficient progress was chosen by mistake.' }),
    );
    expect(summary(reopened)).toEqual([
      'case_reopened channel_card course_team_channel',
      'case_reopened chat_card course_leader',
      'case_reopened chat_card mentor',
      'case_reopened chat_card professional_development_tutor',
      'case_reopened chat_card tutor',
      'case_reopened email course_leader',
      'case_reopened email course_mailbox +form',
      'case_reopened email mentor',
      'case_reopened email professional_development_tutor',
      'case_reopened email tutor',
      'review_date_moved calendar tutor',
      'trainee_informed email trainee',
    ]);
    const mentor = reopened.find(
      (n) => n.kind === 'case_reopened' && n.channel === 'email' && n.recipient.kind === 'person',
    );
    expect(mentor?.lines).toContain('The review whose outcome closed it is set aside: it is to be recorded again.');
    expect(mentor?.lines).toContain(
      'Reopened by Course Lead. The reason given: Sufficient progress was chosen by mistake.',
    );
    const trainee = reopened.find((n) => n.kind === 'trainee_informed');
    expect(trainee?.about).toBe('case_reopened');
  });

  it('"An email is sent to the course team, the school, the trainee, the Professional Development Tutor and the university tutor to confirm the decision."', () => {
    const { c } = agreeBcuStage1(true);
    const after: CaseState = {
      ...c.state,
      stageId: 'stage_5',
      panels: [
        {
          panelId: 'placement_review_panel',
          stageId: 'stage_5',
          convenedOn: d('2026-12-01'),
          members: [],
          evidence: [],
          chair: undefined,
          meetings: [],
          decisionId: 'passed',
        },
      ],
    };
    const event: CaseEvent = {
      type: 'panel_met',
      caseId: 'case-1',
      seq: 40,
      at: '2026-12-01T10:00:00.000Z',
      on: d('2026-12-01'),
      actorId: 'course.lead@provider.test',
      data: { panelId: 'placement_review_panel', heldOn: d('2026-12-01'), attendees: ['a'], decisionId: 'passed' },
    };
    const withSchool = { ...CONFIG, officeMailboxes: { school: 'office@oak.sch.test' } };
    expect(
      summary(
        planNotifications({ ...dayOf(c), procedure: bcu, before: c.state, after, events: [event], config: withSchool }),
      ),
    ).toEqual([
      'decision_recorded channel_card course_team_channel',
      'decision_recorded email course_mailbox +form',
      'decision_recorded email office:school',
      'decision_recorded email professional_development_tutor',
      'decision_recorded email tutor',
      'trainee_informed email trainee',
    ]);
    // No mailbox for the school: the course team is asked to pass it on, never silently dropped.
    const noSchool = planNotifications({
      ...dayOf(c),
      procedure: bcu,
      before: c.state,
      after,
      events: [event],
      config: CONFIG,
    });
    const passedOn = noSchool.filter((n) => n.passOnTo?.includes('The school'));
    expect(passedOn.map((n) => `${n.channel} ${n.recipient.kind}${n.attachForm ? ' +form' : ''}`).sort()).toEqual([
      'channel_card course_team_channel',
      'email course_mailbox +form',
    ]);
    const copy = passedOn.find((n) => n.channel === 'email');
    expect(copy && renderEmail(copy).html).toContain(
      'Please pass this on to The school, with the form: Trellis has no email address for them',
    );
    expect(noSchool.some((n) => n.recipient.kind === 'office')).toBe(false);
    // The placement's school contact address, where the course team gave one, is where the school's copy goes.
    const placed = { ...after, placement: { ...after.placement, schoolContactEmail: 'head@oak.sch.test' } };
    const toSchool = planNotifications({
      ...dayOf(c),
      procedure: bcu,
      before: c.state,
      after: placed,
      events: [event],
      config: CONFIG,
    });
    expect(toSchool.filter((n) => n.recipient.kind === 'office').map((n) => addressOf(n))).toEqual([
      'head@oak.sch.test',
    ]);
    expect(toSchool.some((n) => n.passOnTo !== undefined)).toBe(false);
    // The decision is said: what, by whom and when, and what happens next; the trainee is told the same without reasons.
    const staff = toSchool.find((n) => n.recipient.kind === 'office');
    expect(staff?.subject).toBe(`${after.reference}: Placement Review Panel decision (Stage 5)`);
    expect(staff?.lines[0]).toMatch(/^The decision: Trainee has passed the placement/);
    expect(staff?.lines[1]).toBe('Decided by the Placement Review Panel on Tuesday 1 December 2026, with a present.');
    expect(staff?.lines[2]).toMatch(/^What happens next: The placement is passed and the case closes\./);
  });
});

describe('signature needed', () => {
  it('a 1:1 card to each outstanding signatory, once: "The trainee and the class teacher/mentor/university tutor sign the form"', () => {
    const c = open(bcu, BCU_PEOPLE);
    const started = step(c, CONFIG, () =>
      draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'mentor']) }),
    );
    expect(summary(started)).toEqual([
      'signature_needed chat_card mentor',
      'signature_needed chat_card trainee',
      'signature_needed chat_card tutor',
    ]);
    const edited = step(c, CONFIG, () =>
      draftPlan(c, { reviewDate: d('2026-11-12'), meeting: meeting(['trainee', 'mentor']) }),
    );
    expect(edited).toEqual([]);
  });

  it('nobody is asked to sign until the form passes every check signing makes (BCU’s form carries the statement of concern)', () => {
    const c = open(bcu, BCU_PEOPLE);
    const incomplete = step(c, CONFIG, () =>
      draftPlan(c, { concernStatement: '', reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'mentor']) }),
    );
    expect(incomplete).toEqual([]);
    expect(signingBlocker(bcu, c.state, dayOf(c))).toBe(
      'Rapid Improvement Target Form needs the statement of concern before it can be signed.',
    );
    const complete = step(c, CONFIG, () =>
      draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'mentor']) }),
    );
    expect(signingBlocker(bcu, c.state, dayOf(c))).toBeUndefined();
    expect(summary(complete)).toEqual([
      'signature_needed chat_card mentor',
      'signature_needed chat_card trainee',
      'signature_needed chat_card tutor',
    ]);
  });
});

describe('signature needed: only while signing would succeed today', () => {
  const requested = (sent: readonly Notification[]): string[] =>
    sent
      .filter((n) => n.kind === 'signature_needed' && n.channel === 'chat_card')
      .map((n) => (n.recipient.kind === 'person' ? n.recipient.personId : n.recipient.kind))
      .sort();

  /** Mid-Essex's plan ("within two weeks") signed by the trainee, then the placement moved to end before its review. */
  function movedBeforeTheReview() {
    const c = open(me, ['trainee', 'course_tutor', 'mentor']);
    const drafted = step(c, CONFIG, () =>
      draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'course_tutor']) }),
    );
    expect(requested(drafted)).toEqual(['course.tutor@provider.test', 'mentor@provider.test', 'trainee@provider.test']);
    step(c, CONFIG, () => c.run('trainee', signPlan, { role: 'trainee', typedName: c.person('trainee').name }));
    // The placement moves to a school where it ends on Wednesday 11 November, two days before the review.
    const moved = step(c, CONFIG, () =>
      c.run('course_team', changePlacement, {
        school: 'Kingsmead Academy',
        endsOn: d('2026-11-11'),
        people: [{ role: 'mentor', id: 'a.khan@kingsmead.test', name: 'Aisha Khan', email: 'a.khan@kingsmead.test' }],
        reason: 'The trainee finishes the placement at Kingsmead.',
      }),
    );
    return { c, moved };
  }

  it('Mid-Essex: a mentor arriving with a placement that ends before the review date is not asked to sign; once the date is changed everyone is', () => {
    const { c, moved } = movedBeforeTheReview();
    expect(summary(moved)).toContain('person_added chat_card mentor');
    expect(requested(moved)).toEqual([]);
    expect(signingBlocker(me, c.state, dayOf(c))).toContain(
      'Friday 13 November 2026 is after the placement ends on Wednesday 11 November 2026.',
    );
    // A review date within the placement: the plan can be signed, and everyone who signs it is asked again.
    const fixed = step(c, CONFIG, () =>
      draftPlan(c, { reviewDate: d('2026-11-11'), meeting: meeting(['trainee', 'course_tutor']) }, true),
    );
    expect(signingBlocker(me, c.state, dayOf(c))).toBeUndefined();
    expect(requested(fixed)).toEqual(['a.khan@kingsmead.test', 'course.tutor@provider.test', 'trainee@provider.test']);
  });

  it('Mid-Essex: the placement moved again, to run past the review date, asks those who have not signed yet', () => {
    const { c } = movedBeforeTheReview();
    const extended = step(c, CONFIG, () =>
      c.run('course_team', changePlacement, {
        school: 'Elm Primary',
        endsOn: d('2026-12-18'),
        people: [],
        reason: 'Elm Primary takes the trainee until the end of term.',
      }),
    );
    expect(signingBlocker(me, c.state, dayOf(c))).toBeUndefined();
    // The trainee's signature stands; the Course Tutor and the mentor now at the school are asked.
    expect(requested(extended)).toEqual(['a.khan@kingsmead.test', 'course.tutor@provider.test']);
  });
});

describe('Mid-Essex Early Support Plan', () => {
  it('"Other relevant partnership staff should be informed and all correspondence copied to the Director."', () => {
    const c = open(me, ['trainee', 'course_tutor', 'director', 'mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'course_tutor']) });
    const config = { ...CONFIG, officeMailboxes: { relevant_partnership_staff: 'partnership@mid-essex.test' } };
    const agreed = step(c, config, () => signAll(c));
    expect(summary(agreed)).toEqual(
      expect.arrayContaining([
        'plan_agreed email director +form',
        'plan_agreed email office:relevant_partnership_staff +form',
      ]),
    );
    c.clock.set(d('2026-11-13'));
    const reviewed = step(c, config, () =>
      review(c, 'sufficient_progress', c.state.plan?.content.targets.map(() => 'met') ?? []),
    );
    expect(summary(reviewed)).toEqual(
      expect.arrayContaining(['review_recorded email director +form', 'case_closed email director +form']),
    );
  });
});

describe('Bright Futures Support Process', () => {
  it('"Preliminary ONLINE meeting" → the review event is a Teams online meeting', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor', 'professional_mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['lead', 'mentor', 'trainee'], 'online') });
    const sent = step(c, CONFIG, () => signAll(c));
    expect(sent.find((n) => n.channel === 'calendar')?.calendar).toMatchObject({
      online: true,
      organizer: 'lead@provider.test',
    });
  });

  it('"Copy of support plan to be shared with Mentor team and Trainee and signed by all partners."', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor', 'professional_mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['lead', 'mentor', 'trainee'], 'online') });
    signAll(c);
    c.clock.set(d('2026-11-13'));
    review(c, 'concerns_ongoing', ['not_met']);
    draftPlan(c, { reviewDate: d('2026-11-27'), meeting: meeting(['lead', 'mentor', 'trainee'], 'online') });
    const sent = step(c, CONFIG, () => signAll(c));
    expect(summary(sent)).toEqual(
      expect.arrayContaining([
        'plan_agreed email mentor +form',
        'plan_agreed email professional_mentor +form',
        'trainee_informed email trainee +form',
      ]),
    );
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
    expect(summary(agreed)).toEqual(
      expect.arrayContaining([
        'plan_agreed email mentor +form',
        'plan_agreed email professional_mentor +form',
        'plan_agreed email subject_mentor +form',
        'trainee_informed email trainee +form',
      ]),
    );
  });
});

describe('RCTTP Concern Procedures', () => {
  it('"The Progress Support Plan will be discussed with the Trainee": course team copy and the trainee told, no signature cards (the form has none)', () => {
    const c = open(rcttp, ['trainee', 'mentor', 'partnership_tutor', 'course_leader']);
    const started = step(c, CONFIG, () =>
      draftPlan(c, {
        reviewDate: d('2026-11-20'),
        meeting: meeting(['mentor', 'partnership_tutor', 'course_leader', 'trainee']),
        targets: [
          {
            text: 'Plan lessons that build on prior learning',
            links: [{ frameworkId: 'teachers-standards', code: 'TS2' }],
            actions: [{ party: 'T', text: 'Use assessment data' }],
            successCriteria: 'Seen in 2 lessons',
            observationFocus: false,
          },
        ],
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
      type: 'stage_entered',
      caseId: 'case-1',
      seq: 30,
      at: '2027-01-04T10:00:00.000Z',
      on: d('2027-01-04'),
      actorId: 'x',
      data: {
        stageId: 'deferred_final_assessment',
        fromStageId: 'executive_group',
        via: 'decision',
        startsOn: d('2027-01-04'),
      },
    };
    const sent = planNotifications({
      ...dayOf(c),
      procedure: rcttp,
      before: c.state,
      after: { ...c.state, stageId: 'deferred_final_assessment' },
      events: [event],
      config: { ...CONFIG, officeMailboxes: { dfa_school: 'head@dfa.sch.test' } },
    });
    expect(summary(sent)).toEqual(
      expect.arrayContaining([
        'stage_changed email office:dfa_school +form',
        'stage_changed channel_card course_team_channel',
      ]),
    );
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

describe('placement suspended (Enhanced Support step 5: "The placement may be suspended immediately in order to avoid negative impact on pupils\' progress")', () => {
  const ES_PEOPLE = ['trainee', 'mentor', 'professional_mentor', 'tutor', 'course_leader'];
  const reason = 'Pupils in <b>Year 8</b> are falling behind & the school asked for it.';

  function suspended(
    act: (c: ReturnType<typeof atEnhancedSupportStep5>) => CommandResult = (c) =>
      c.run('course_team', suspendPlacement, { reason }),
  ) {
    const c = atEnhancedSupportStep5(ES_PEOPLE);
    c.clock.set(d('2026-11-30'));
    const sent = step(c, CONFIG, () => act(c));
    return { c, sent };
  }

  it('tells everyone on the case by email and 1:1 card (the trainee in their own words), and gives the course team its copy', () => {
    const { sent } = suspended();
    expect(summary(sent)).toEqual([
      'placement_suspended channel_card course_team_channel',
      'placement_suspended chat_card course_leader',
      'placement_suspended chat_card mentor',
      'placement_suspended chat_card professional_mentor',
      'placement_suspended chat_card tutor',
      'placement_suspended email course_leader',
      'placement_suspended email course_mailbox +form',
      'placement_suspended email mentor',
      'placement_suspended email professional_mentor',
      'placement_suspended email tutor',
      'trainee_informed chat_card trainee',
      'trainee_informed email trainee',
    ]);
    expect(sent.filter((n) => n.kind === 'trainee_informed').every((n) => n.about === 'placement_suspended')).toBe(
      true,
    );
  });

  it('says who suspended it, from which date, the reason as written and what happens next', () => {
    const { sent } = suspended();
    const mentor = sent.find(
      (n) =>
        n.kind === 'placement_suspended' &&
        n.channel === 'email' &&
        n.recipient.kind === 'person' &&
        n.recipient.role === 'mentor',
    );
    expect(mentor?.subject).toBe('CASE-1: placement suspended (Step 5)');
    expect(mentor?.lines).toEqual([
      'The placement of Trainee at Oak Primary is suspended from Monday 30 November 2026, at Step 5 of the Enhanced Support Procedure.',
      // The course team member who suspended it is not named on the case: the event keeps their name.
      'Suspended by Course Lead (course team).',
      `The reason given: ${reason}`,
      'Trainee does not teach on this placement while it is suspended.',
      'What happens next: the course team will be in touch with everyone on the case about the next steps.',
    ]);
    // The course team's copy says the same.
    expect(sent.find((n) => n.recipient.kind === 'course_mailbox')?.lines).toEqual(mentor?.lines);
  });

  it('names the person who suspended it when they are on the case', () => {
    const { sent } = suspended((c) => {
      const leader = c.person('course_leader');
      const result = suspendPlacement(
        { ...c.context({ id: leader.id, name: leader.name, appRoles: ['course_team'] }) },
        c.state,
        { reason },
      );
      c.state = result.state;
      c.events.push(...result.events);
      return result;
    });
    expect(sent.find((n) => n.recipient.kind === 'course_mailbox')?.lines).toContain(
      'Suspended by Course Leader (Course leader).',
    );
  });

  it('falls back to the sign-in name for a suspension stored before the event kept a name, or by someone without one', () => {
    const { c } = suspended();
    const event = c.events.at(-1);
    if (event?.type !== 'placement_suspended') throw new Error('the case is suspended');
    const before = replay(c.events.slice(0, -1));
    const old: CaseEvent = { ...event, data: { reason: event.data.reason } };
    const fromOld = planNotifications({
      ...dayOf(c),
      procedure: es,
      before,
      after: replay([...c.events.slice(0, -1), old]),
      events: [old],
      config: CONFIG,
    });
    expect(fromOld.find((n) => n.recipient.kind === 'course_mailbox')?.lines).toContain(
      'Suspended by the course team (course.lead@provider.test).',
    );

    const { sent } = suspended((x) => {
      const result = suspendPlacement(
        x.context({ id: 'no.name@provider.test', name: '', appRoles: ['course_team'] }),
        x.state,
        { reason },
      );
      x.state = result.state;
      x.events.push(...result.events);
      return result;
    });
    expect(sent.find((n) => n.recipient.kind === 'course_mailbox')?.lines).toContain(
      'Suspended by the course team (no.name@provider.test).',
    );
  });

  it('writes to the trainee kindly, with the same facts and nothing written for staff', () => {
    const { sent } = suspended();
    const email = sent.find((n) => n.kind === 'trainee_informed' && n.channel === 'email');
    expect(email?.subject).toBe('CASE-1: Your placement has been suspended');
    expect(email?.attachForm).toBe(false);
    expect(email?.because).toBeUndefined();
    expect(email?.lines).toEqual([
      'Your placement at Oak Primary is suspended from Monday 30 November 2026. This means you will not teach on this placement for now.',
      `The decision was made by Course Lead (course team). The reason given: ${reason}`,
      'We know this may be hard to hear. Your course team will be in touch soon to talk it through with you, to explain what happens next and the support available to you.',
      'If you have questions before then, you can contact Tutor (University tutor).',
    ]);
    expect(sent.find((n) => n.kind === 'trainee_informed' && n.channel === 'chat_card')?.lines).toEqual(email?.lines);
  });

  it('keeps staff-only review notes and the staff wording out of what the trainee gets', () => {
    const c = atEnhancedSupportStep5(ES_PEOPLE);
    const secret = 'Mentor’s private note: considering Fitness to Practise';
    // A review note is staff-only (the trainee view drops it); it must not reach the trainee's copy.
    c.state = { ...c.state, reviews: c.state.reviews.map((r) => ({ ...r, notes: secret })) };
    const sent = step(c, CONFIG, () => c.run('course_team', suspendPlacement, { reason }));
    const toTrainee = sent.filter((n) => n.recipient.kind === 'person' && n.recipient.role === 'trainee');
    expect(toTrainee.map((n) => n.kind)).toEqual(['trainee_informed', 'trainee_informed']);
    expect(JSON.stringify(toTrainee)).not.toContain('private note');
    expect(JSON.stringify(toTrainee)).not.toContain('What happens next: the course team');
  });

  it('one key per event, kind, channel and recipient: planned again (after a crash or by the sweep) it is the same notifications', () => {
    const { c, sent } = suspended();
    const keys = sent.map((n) => n.key);
    const seq = c.events.at(-1)?.seq;
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain(`case-1:${seq}:placement_suspended:email:person:mentor@provider.test`);
    expect(keys).toContain(`case-1:${seq}:trainee_informed:chat_card:person:trainee@provider.test`);
    expect(keys).toContain(`case-1:${seq}:placement_suspended:channel_card:channel:pgce primary 2026/27`);
    const replanned = replanTrail({
      procedure: es,
      events: c.events,
      config: CONFIG,
      since: '2026-11-30T00:00:00.000Z',
      calendar: calendarFor(es),
    });
    expect(replanned).toEqual(sent);
    expect(suspended().sent).toEqual(sent);
  });
});

function addressOf(n: Notification): string {
  switch (n.recipient.kind) {
    case 'person':
      return n.recipient.email;
    case 'office':
    case 'course_mailbox':
      return n.recipient.address;
    case 'course_team_channel':
      return n.recipient.programme;
  }
}

describe('people change on a case', () => {
  const newTutor = { id: 'new.tutor@provider.test', name: 'Helen Ward', email: 'new.tutor@provider.test' };

  it('the newcomer gets an email and a card, whoever leaves an email, the trainee is told; the review event moves calendars', () => {
    const { c } = agreeBcuStage1(true);
    const sent = step(c, CONFIG, () =>
      c.run('course_team', changePerson, {
        role: 'tutor',
        removeId: 'tutor@provider.test',
        add: newTutor,
        reason: 'The university tutor has retired.',
      }),
    );
    expect(summary(sent)).toEqual([
      'person_added chat_card tutor',
      'person_added email tutor',
      'person_removed email tutor',
      'review_cancelled calendar tutor',
      'review_date_moved calendar tutor',
      'trainee_informed email trainee',
    ]);
    const added = sent.find((n) => n.kind === 'person_added' && n.channel === 'email');
    expect(added?.recipient).toMatchObject({ personId: newTutor.id });
    expect(added?.lines[0]).toBe(
      'You are now the University tutor on the support case for Trainee (CASE-1), from Monday 2 November 2026.',
    );
    const removed = sent.find((n) => n.kind === 'person_removed');
    expect(removed?.recipient).toMatchObject({ personId: 'tutor@provider.test' });
    expect(removed?.lines).toContain(
      'The case no longer appears in your Trellis, and you will not receive its notifications. Signatures you gave stay on the plan under your name.',
    );
    expect(sent.find((n) => n.kind === 'review_cancelled')?.calendar).toMatchObject({
      action: 'cancel',
      organizer: 'tutor@provider.test',
    });
    expect(sent.find((n) => n.kind === 'review_date_moved')?.calendar).toMatchObject({
      action: 'upsert',
      organizer: newTutor.email,
      date: '2026-11-13',
    });
    expect(sent.find((n) => n.kind === 'trainee_informed')?.lines).toEqual([
      'Helen Ward is now your University tutor, taking over from Tutor, from Monday 2 November 2026.',
    ]);
  });

  it('"signed by all partners": a mentor who joins a plan being signed is asked to sign it', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'lead', 'mentor'], 'online') });
    const sent = step(c, CONFIG, () =>
      c.run('course_team', changePerson, {
        role: 'mentor',
        add: { id: 'second.mentor@school.test', name: 'Second Mentor', email: 'second.mentor@school.test' },
        reason: 'The subject mentor joins the mentor team.',
      }),
    );
    expect(summary(sent)).toContain('signature_needed chat_card mentor');
    expect(sent.filter((n) => n.kind === 'signature_needed').map((n) => n.recipient)).toEqual([
      expect.objectContaining({ personId: 'second.mentor@school.test' }),
    ]);
  });

  it('"signed by all partners": a move to a school bringing two newcomers asks each of them once, in one command', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor', 'professional_mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'lead', 'mentor'], 'online') });
    const sent = step(c, CONFIG, () =>
      c.run('course_team', changePlacement, {
        school: 'Kingsmead Academy',
        people: [
          { role: 'mentor', id: 'a.khan@kingsmead.test', name: 'Aisha Khan', email: 'a.khan@kingsmead.test' },
          {
            role: 'professional_mentor',
            id: 'm.osei@kingsmead.test',
            name: 'Martin Osei',
            email: 'm.osei@kingsmead.test',
          },
        ],
        reason: 'The trainee moves school.',
      }),
    );
    // One person_changed event per newcomer, each finding both newcomers still to sign.
    expect(c.events.filter((e) => e.type === 'person_changed').length).toBeGreaterThanOrEqual(2);
    const asked = sent
      .filter((n) => n.kind === 'signature_needed')
      .map((n) => `${n.channel} ${n.recipient.kind === 'person' ? n.recipient.personId : n.recipient.kind}`);
    expect(asked.sort()).toEqual(['chat_card a.khan@kingsmead.test', 'chat_card m.osei@kingsmead.test']);
  });

  it('saving an edit to a plan someone signed asks the signer again once (signatures withdrawn, then the plan edited)', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['trainee', 'lead', 'mentor'], 'online') });
    step(c, CONFIG, () => c.run('mentor', signPlan, { role: 'mentor', typedName: c.person('mentor').name }));
    const sent = step(c, CONFIG, () =>
      draftPlan(c, { reviewDate: d('2026-11-12'), meeting: meeting(['trainee', 'lead', 'mentor'], 'online') }, true),
    );
    expect(summary(sent.filter((n) => n.kind === 'signature_needed'))).toEqual(['signature_needed chat_card mentor']);
  });

  it('a placement moved: the trainee and the course team hear, the new school mentor is welcomed', () => {
    const c = open(rcttp, ['trainee', 'mentor', 'partnership_tutor']);
    const sent = step(c, CONFIG, () =>
      c.run('course_team', changePlacement, {
        school: 'Kingsmead Academy',
        people: [{ role: 'mentor', id: 'a.khan@kingsmead.test', name: 'Aisha Khan', email: 'a.khan@kingsmead.test' }],
        reason: 'Deferred final assessment placement.',
      }),
    );
    expect(summary(sent)).toEqual([
      'person_added chat_card mentor',
      'person_added email mentor',
      'person_removed email mentor',
      'placement_changed channel_card course_team_channel',
      'trainee_informed email trainee',
      'trainee_informed email trainee',
    ]);
    expect(sent.find((n) => n.kind === 'placement_changed')?.lines[0]).toContain('to Kingsmead Academy from');
  });

  it('"The school that agrees to accept the trainee for the deferred final assessment placement will be fully informed": the school at its contact address and its mentors, with the form', () => {
    const c = open(rcttp, ['trainee', 'mentor', 'professional_mentor', 'partnership_tutor']);
    c.state = { ...c.state, stageId: 'deferred_final_assessment', status: 'awaiting_decision' };
    const oldMentor = c.person('mentor');
    const kingsmead = [
      { role: 'mentor', id: 'a.khan@kingsmead.test', name: 'Aisha Khan', email: 'a.khan@kingsmead.test' },
      { role: 'professional_mentor', id: 'm.osei@kingsmead.test', name: 'Martin Osei', email: 'm.osei@kingsmead.test' },
    ];
    const sent = step(c, CONFIG, () =>
      c.run('course_team', changePlacement, {
        school: 'Kingsmead Academy',
        people: kingsmead,
        schoolContactEmail: 'office@kingsmead.test',
        reason: 'Kingsmead Academy agrees to accept the trainee.',
      }),
    );
    const told = sent.filter((n) => n.kind === 'placement_changed' && n.channel === 'email');
    expect(told.map((n) => `${addressOf(n)}${n.attachForm ? ' +form' : ''}`).sort()).toEqual([
      'a.khan@kingsmead.test +form',
      'm.osei@kingsmead.test +form',
      'office@kingsmead.test +form',
    ]);
    expect(told.every((n) => n.because?.startsWith('The school that agrees to accept the trainee'))).toBe(true);
    // The mentor the trainee leaves behind is not sent the deferment's documentation.
    expect(sent.some((n) => n.kind === 'placement_changed' && addressOf(n) === oldMentor.email)).toBe(false);
    expect(summary(sent).filter((line) => line.startsWith('placement_changed channel_card'))).toHaveLength(1);

    // No contact address for the school: the course team is asked, in words, to pass it on.
    const d2 = open(rcttp, ['trainee', 'mentor', 'partnership_tutor']);
    d2.state = { ...d2.state, stageId: 'deferred_final_assessment', status: 'awaiting_decision' };
    const unaddressed = step(d2, CONFIG, () =>
      d2.run('course_team', changePlacement, { school: 'Kingsmead Academy', people: [], reason: 'Agreed.' }),
    );
    const passedOn = unaddressed.filter((n) => n.kind === 'placement_changed' && n.passOnTo !== undefined);
    expect(passedOn.map((n) => `${n.channel} ${n.recipient.kind}${n.attachForm ? ' +form' : ''}`).sort()).toEqual([
      'channel_card course_team_channel',
      'email course_mailbox +form',
    ]);
  });
});

describe('what follows a decision', () => {
  /** The case with one event appended as recorded (its data built and checked by the event factory). */
  function after<T extends CaseEventType>(
    c: ReturnType<typeof open>,
    type: T,
    data: CaseEventData<T>,
  ): { before: CaseState; state: CaseState; events: CaseEvent[] } {
    const builder = new EventBuilder(c.context(c.as('course_team')), c.state.id, c.state);
    builder.add(type, data);
    const result = builder.result();
    return { before: c.state, state: result.state, events: [...result.events] };
  }

  it('"the course team will confirm this in writing to the trainee": the letter is the trainee\'s email, with copies for the course team', () => {
    const c = open(bcu, BCU_PEOPLE);
    const letter = 'Dear Trainee,\n\nThe fee of £1125 is waived.\n\nCourse Lead, for the course team.';
    const { before, state, events } = after(c, 'fee_waived', {
      outcomeId: 'second_attempt_with_rit',
      amount: '£1125',
      reason: 'Bereavement',
      letter,
      byName: 'Course Lead',
    });
    const sent = planNotifications({ ...dayOf(c), procedure: bcu, before, after: state, events, config: CONFIG });
    expect(summary(sent)).toEqual([
      'fee_waived channel_card course_team_channel',
      'fee_waived email course_mailbox',
      // The letter goes as the email's body and as the attached PDF the trainee can keep.
      'trainee_informed email trainee +form',
    ]);
    const toTrainee = sent.find((n) => n.kind === 'trainee_informed');
    expect(toTrainee?.subject).toBe('CASE-1: the resit fee of £1125 is waived');
    expect(toTrainee?.lines.slice(0, 3)).toEqual([
      'Dear Trainee,',
      'The fee of £1125 is waived.',
      'Course Lead, for the course team.',
    ]);
    expect(toTrainee && renderEmail(toTrainee).html).toContain('The fee of £1125 is waived.');
  });

  it('"may only make an appeal … on a procedural basis": an appeal and its outcome are told to those at the meeting whose decision is appealed, not the school mentor', () => {
    const c = open(rcttp, [
      'trainee',
      'mentor',
      'partnership_tutor',
      'programme_manager',
      'executive_group_chair',
      'professional_mentor',
      'partnership_administrator',
    ]);
    const lodged = after(c, 'appeal_lodged', {
      appealId: 'A1',
      lodgedOn: d('2026-11-02'),
      grounds: 'The week-5 Progress Review was not held.',
      against: 'decision_confirmed',
      byName: 'Course Lead',
    });
    const sent = planNotifications({
      ...dayOf(c),
      procedure: rcttp,
      before: lodged.before,
      after: lodged.state,
      events: lodged.events,
      config: CONFIG,
    });
    expect(summary(sent)).toEqual([
      'appeal_lodged channel_card course_team_channel',
      'appeal_lodged email course_mailbox',
      'appeal_lodged email executive_group_chair',
      'appeal_lodged email partnership_administrator',
      'appeal_lodged email partnership_tutor',
      'appeal_lodged email professional_mentor',
      'appeal_lodged email programme_manager',
      'trainee_informed email trainee',
    ]);
    expect(sent.find((n) => n.kind === 'trainee_informed')?.lines[0]).toContain(
      'Your appeal of Monday 2 November 2026',
    );
    c.state = lodged.state;
    const decided = after(c, 'appeal_decided', {
      appealId: 'A1',
      decidedOn: d('2026-11-02'),
      outcome: 'not_upheld',
      reasons: 'It was held on the Friday of week 5.',
      byName: 'Course Lead',
    });
    const told = planNotifications({
      ...dayOf(c),
      procedure: rcttp,
      before: decided.before,
      after: decided.state,
      events: decided.events,
      config: CONFIG,
    });
    expect(told.find((n) => n.kind === 'trainee_informed')?.lines[0]).toContain(
      'was not upheld on Monday 2 November 2026',
    );
    // "The meeting will be attended by: … Partnership Administrator (to minute the meeting)."
    expect(summary(told).filter((line) => line.startsWith('appeal_decided email'))).toEqual([
      'appeal_decided email course_mailbox',
      'appeal_decided email executive_group_chair',
      'appeal_decided email partnership_administrator',
      'appeal_decided email partnership_tutor',
      'appeal_decided email professional_mentor',
      'appeal_decided email programme_manager',
    ]);
  });

  it('"Professional Mentor to observe lesson on agreed date": the Professional Mentor is invited to the Stage 1 review meeting', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor', 'professional_mentor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: meeting(['lead', 'mentor', 'trainee'], 'online') });
    const sent = step(c, CONFIG, () => signAll(c));
    expect(sent.find((n) => n.channel === 'calendar')?.calendar?.attendees).toEqual(
      expect.arrayContaining(['professional.mentor@provider.test']),
    );
  });

  it('a case opened by a decision says which case it continues', () => {
    // Bright Futures tells the Lead of every case opened ("Contact Lead at an early stage").
    const c = open(bf, ['trainee', 'lead', 'mentor']);
    const link = { caseId: 'case-0', reference: 'CASE-0', outcomeId: 'continues_with_support' };
    const state: CaseState = { ...c.state, linkedFrom: link };
    const sent = planNotifications({
      ...dayOf(c),
      procedure: bf,
      before: undefined,
      after: state,
      events: c.events.slice(0, 1),
      config: CONFIG,
    });
    expect(sent.find((n) => n.kind === 'case_opened')?.lines).toContain(
      'It continues case CASE-0, opened by the decision recorded there.',
    );
  });
});
