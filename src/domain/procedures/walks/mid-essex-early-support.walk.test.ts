import { describe, expect, it } from 'vitest';
import { replay } from '../../case/apply-event.js';
import { editPlan, type PlanDraft } from '../../case/commands/edit-plan.js';
import { pauseCase, resumeCase } from '../../case/commands/pause-case.js';
import { recordReview } from '../../case/commands/record-review.js';
import { recordTraineePerceptions } from '../../case/commands/record-trainee-perceptions.js';
import { signPlan } from '../../case/commands/sign-plan.js';
import { changePerson } from '../../case/commands/change-people.js';
import { nextReviewDate, outstandingSignatories, whoIsInformed } from '../../case/queries.js';
import type { CaseDriver } from '../../case/testing.js';
import type { Person } from '../../case/types.js';
import { TEACHERS_STANDARDS_ID } from '../../frameworks/teachers-standards.js';
import { NOTIFY_TRIGGERS } from '../../procedure/schema.js';
import { midEssexEarlySupport as me } from '../mid-essex-early-support.js';
import { history, on, openWalk, progressOf, recipients, refusal, sign, workday } from './walk-kit.js';

/**
 * Mid-Essex ITT CONFIDENTIAL Early Support Plan, walked through the engine: the support plan
 * meeting (statement of concern, at most three targets across the two weeks, one observation
 * focus at a time, review within two weeks, typed full-name signatures of the trainee, Course
 * Tutor and the staff who apply), then the review: sufficient progress closes the plan,
 * insufficient progress hands the trainee on to a Cause for Concern plan. The two weeks run over
 * the Spring bank holiday (Monday 31 May 2027), which does not lengthen a calendar-day window.
 */

const MEITT = 'mid-essex-itt.org.uk';
const SCHOOL = 'boswells.essex.sch.uk';
const person = (role: string, name: string, email: string): Person => ({ role, id: email, name, email });

const trainee = person('trainee', 'Chloe Robinson', `chloe.robinson@trainee.${MEITT}`);
const courseTutor = person('course_tutor', 'Martin Shaw', `m.shaw@${MEITT}`);
const director = person('director', 'Alison Ward', `a.ward@${MEITT}`);
const professionalMentor = person('professional_mentor', 'Rebecca Moore', `r.moore@${SCHOOL}`);
const mentor = person('mentor', 'Kieran Walsh', `k.walsh@${SCHOOL}`);
const leadSubjectMentor = person('lead_subject_mentor', 'Deborah King', `d.king@${MEITT}`);

const ALL_STAFF = [trainee, courseTutor, director, professionalMentor, mentor, leadSubjectMentor];

function openCase(people: readonly Person[]): CaseDriver {
  return openWalk(me, {
    on: '2027-05-24',
    by: 'course_tutor',
    input: {
      reference: 'MEITT-ESP-2027-04',
      reasons: ['plateau'],
      people: [...people],
      placement: {
        school: 'The Boswells School, Chelmsford',
        subject: 'Geography',
        phase: 'Secondary',
        programme: 'PGCE Secondary with QTS 2026/27',
        startsOn: workday(me, '2027-04-19'),
        endsOn: workday(me, '2027-06-25'),
      },
    },
  });
}

/** The paperwork: statement of concern, then Target or Objective, Specific Task(s), Support required, Time Scale, Success Criteria. */
function supportPlan(options: {
  readonly placementConcern: boolean;
  readonly reviewDate: string;
  readonly statement?: string;
}): PlanDraft {
  // "Agreed actions for both the trainee and all those working with them": the school's staff act when they are involved.
  const schoolActions = options.placementConcern
    ? [
        { party: 'mentor', text: 'Observe one Year 9 lesson a week focused on the current target.' },
        { party: 'professional_mentor', text: 'Protect a weekly co-planning slot on the timetable.' },
      ]
    : [];
  return {
    concernStatement: options.statement,
    concerns: [
      {
        text: 'Chloe’s geography teaching has plateaued: explanations of physical processes are unclear.',
        links: [{ frameworkId: TEACHERS_STANDARDS_ID, code: 'TS3a' }],
      },
      { text: 'Little impact on outcomes: Year 9 books show incomplete extended writing.', links: [] },
    ],
    targets: [
      {
        text: 'Plan explanations of river processes with a worked diagram and check understanding before independent work.',
        links: [{ frameworkId: TEACHERS_STANDARDS_ID, code: 'TS3a' }],
        actions: [
          { party: 'trainee', text: 'Script the explanation and share the diagram with the mentor in advance.' },
          { party: 'course_tutor', text: 'Run the subject knowledge session on fluvial processes.' },
          ...schoolActions,
        ],
        supportRequired: 'Subject knowledge session on fluvial processes with the Course Tutor.',
        successCriteria: 'In the observed lesson, most pupils can explain erosion and deposition with the diagram.',
        timescale: 'Week 1',
        observationFocus: true,
      },
      {
        text: 'Model extended writing with a shared paragraph in each Year 9 lesson.',
        links: [],
        actions: [
          { party: 'trainee', text: 'Use the department’s PEEL frame and live-model one paragraph.' },
          { party: 'course_tutor', text: 'Share exemplar modelled paragraphs.' },
          ...schoolActions,
        ],
        supportRequired: 'Co-planning with the mentor.',
        successCriteria: 'Year 9 books show completed PEEL paragraphs for two weeks.',
        timescale: 'Weeks 1–2',
        observationFocus: false,
      },
    ],
    trainingNeeds: 'Centre-based session on explaining abstract concepts.',
    supportMeasures: ['Subject knowledge session with the Course Tutor'],
    reviewDate: workday(me, options.reviewDate),
    meeting: {
      heldOn: workday(me, '2027-05-25'),
      mode: 'in_person',
      attendees: options.placementConcern
        ? ['trainee', 'course_tutor', 'professional_mentor', 'mentor']
        : ['trainee', 'course_tutor'],
      placementConcern: options.placementConcern,
    },
  };
}

const STATEMENT =
  'Chloe is not making the expected progress against the ITE curriculum in geography: explanations are unclear and pupils’ extended writing is incomplete. Chloe has been told of the concern and the issues that must be addressed.';

/** The plan meeting on Tuesday 25 May 2027: the review must be within two weeks, on or before Tuesday 8 June. */
function planMeeting(c: CaseDriver, placementConcern: boolean): void {
  on(c, '2027-05-25');
  expect(c.state).toMatchObject({ stageId: 'early_support_plan', status: 'planning', openedBy: courseTutor.id });
  c.run('trainee', recordTraineePerceptions, {
    text: 'I find it hard to explain processes I learned a long time ago; I would welcome subject support.',
  });
  const draft = supportPlan({ placementConcern, reviewDate: '2027-06-08', statement: STATEMENT });
  // A maximum of three targets set across the two weeks.
  const extra = draft.targets[1];
  if (!extra) throw new Error('draft');
  expect(
    refusal(c, () =>
      c.run('course_tutor', editPlan, {
        plan: { ...draft, targets: [...draft.targets, extra, { ...extra, text: 'A fourth target' }] },
        withdrawSignatures: false,
      }),
    ).code,
  ).toBe('too_many_targets');
  // Only one target is the focus of an observation at any one time.
  const twoFoci = { ...draft, targets: draft.targets.map((t) => ({ ...t, observationFocus: true })) };
  expect(refusal(c, () => c.run('course_tutor', editPlan, { plan: twoFoci, withdrawSignatures: false })).code).toBe(
    'invalid_input',
  );
  // The review date is within two weeks: Wednesday 9 June (15 days) is refused, bank holiday or not.
  const late = refusal(c, () =>
    c.run('course_tutor', editPlan, {
      plan: supportPlan({ placementConcern, reviewDate: '2027-06-09', statement: STATEMENT }),
      withdrawSignatures: false,
    }),
  );
  expect(late.code).toBe('review_date_outside_window');
  expect(late.userMessage).toContain('Tuesday 8 June 2027');
  // The statement of concern is completed before anyone signs.
  c.run('course_tutor', editPlan, {
    plan: supportPlan({ placementConcern, reviewDate: '2027-06-08' }),
    withdrawSignatures: false,
  });
  expect(refusal(c, () => sign(c, 'trainee')).code).toBe('missing_field');
  // Every target has agreed actions for the trainee and all those working with them.
  const traineeOnly = {
    ...draft,
    targets: draft.targets.map((t) => ({ ...t, actions: t.actions.filter((a) => a.party === 'trainee') })),
  };
  c.run('course_tutor', editPlan, { plan: traineeOnly, withdrawSignatures: false });
  expect(refusal(c, () => sign(c, 'trainee')).userMessage).toContain('Course Tutor');
  c.run('course_tutor', editPlan, { plan: draft, withdrawSignatures: false });
}

/**
 * Typed full-name signatures: the trainee and the Course Tutor, plus every "Staff (if applicable)"
 * role someone holds on the case; the plan is agreed only by the last of them.
 */
function signatures(c: CaseDriver, extra: readonly string[]): void {
  expect(refusal(c, () => c.run('trainee', signPlan, { role: 'trainee', typedName: 'Chloe R' })).code).toBe(
    'invalid_input',
  );
  expect(refusal(c, () => c.run('course_tutor', signPlan, { role: 'trainee', typedName: 'Martin Shaw' })).code).toBe(
    'not_a_signatory',
  );
  const order = ['trainee', 'course_tutor', ...extra];
  order.forEach((role, index) => {
    expect(c.state.plan?.agreedOn).toBeUndefined();
    expect(outstandingSignatories(me, c.state).flatMap((o) => o.roles)).toEqual(order.slice(index));
    sign(c, role);
  });
  expect(c.state).toMatchObject({ status: 'active', plan: { agreedOn: '2027-05-25' } });
  expect(c.state.plan?.signatures.map((s) => s.typedName)).toEqual(order.map((role) => c.person(role).name));
  expect(nextReviewDate(c.state)).toBe('2027-06-08');
}

const healthPause = (c: CaseDriver): void => {
  on(c, '2027-06-01');
  c.run('course_tutor', pauseCase, { reason: 'health' });
  expect(nextReviewDate(c.state)).toBeUndefined();
  on(c, '2027-06-03');
  c.run('course_tutor', resumeCase, undefined);
  // Paused Tuesday 1 to Thursday 3 June: two working days, so 8 June becomes 10 June.
  expect(c.state.plan?.pausedWorkingDays).toBe(2);
  expect(nextReviewDate(c.state)).toBe('2027-06-10');
};

function review(
  c: CaseDriver,
  date: string,
  outcomeId: 'sufficient_progress' | 'insufficient_progress',
  by: string,
): void {
  on(c, date);
  const ratings =
    outcomeId === 'sufficient_progress' ? (['met', 'met'] as const) : (['partly_met', 'not_met'] as const);
  expect(
    refusal(c, () =>
      c.run('trainee', recordReview, {
        progress: progressOf(c.state, ratings),
        evidence: 'x',
        attendees: [],
        outcomeId,
      }),
    ).code,
  ).toBe('not_permitted');
  c.run(by, recordReview, {
    progress: progressOf(c.state, ratings, 'Mentor & PM: met / not met, with evidence'),
    evidence: 'Observation of the focus target, Year 9 books, planning and notes from the review meeting.',
    attendees:
      by === 'course_tutor'
        ? ['trainee', 'course_tutor']
        : ['trainee', 'course_tutor', 'professional_mentor', 'mentor'],
    notes: 'Notes from review meeting recorded on the paperwork.',
    outcomeId,
  });
}

const HAND_OFF = 'Cause for Concern plan (separate procedure and paperwork)';

const walks = [
  {
    name: 'trainee and Course Tutor only; sufficient progress, normal training routines continue',
    people: [trainee, courseTutor],
    placementConcern: false,
    extraSignatories: [],
    pause: false,
    review: ['2027-06-08', 'sufficient_progress', 'course_tutor'],
    closure: { resolution: 'resolved', outcomeId: 'sufficient_progress', handOffTo: undefined },
  },
  {
    name: 'with the Director; insufficient progress, on to a Cause for Concern plan',
    people: [trainee, courseTutor, director],
    placementConcern: false,
    extraSignatories: ['director'],
    pause: false,
    review: ['2027-06-08', 'insufficient_progress', 'course_tutor'],
    closure: { resolution: 'handed_off', outcomeId: 'insufficient_progress', handOffTo: HAND_OFF },
  },
  {
    name: 'placement concern, all six sign; a health pause; sufficient progress',
    people: ALL_STAFF,
    placementConcern: true,
    extraSignatories: ['director', 'professional_mentor', 'mentor', 'lead_subject_mentor'],
    pause: true,
    review: ['2027-06-10', 'sufficient_progress', 'mentor'],
    closure: { resolution: 'resolved', outcomeId: 'sufficient_progress', handOffTo: undefined },
  },
  {
    name: 'placement concern, all six sign; insufficient progress, on to a Cause for Concern plan',
    people: ALL_STAFF,
    placementConcern: true,
    extraSignatories: ['director', 'professional_mentor', 'mentor', 'lead_subject_mentor'],
    pause: false,
    review: ['2027-06-08', 'insufficient_progress', 'professional_mentor'],
    closure: { resolution: 'handed_off', outcomeId: 'insufficient_progress', handOffTo: HAND_OFF },
  },
] as const;

describe('Mid-Essex Early Support Plan: walked from the plan meeting to every outcome', () => {
  it('is confidential', () => {
    expect(me.confidential).toBe(true);
  });

  it.each(walks)('$name', (walk) => {
    const c = openCase(walk.people);
    planMeeting(c, walk.placementConcern);
    signatures(c, walk.extraSignatories);
    if (walk.pause) healthPause(c);
    const [date, outcomeId, by] = walk.review;
    review(c, date, outcomeId, by);

    expect(c.state.status).toBe('closed');
    expect(c.state.closure).toMatchObject(walk.closure);
    expect(history(c.state)).toEqual(['early_support_plan/opened']);
    expect(c.state.reviews.map((r) => r.progress.length)).toEqual([2]);
    // Confidential: nothing goes to the course mailbox or channel; all correspondence is copied to
    // the Director (the one named on the case, else the Director's office) and other relevant partnership staff.
    const hasDirector = walk.people.includes(director);
    for (const trigger of NOTIFY_TRIGGERS) {
      const sent = recipients(whoIsInformed(me, c.state, 'early_support_plan', trigger, { outcomeId }));
      expect(sent).toEqual([
        hasDirector ? `director:${director.email}` : 'office:director',
        'office:relevant_partnership_staff',
      ]);
    }
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('Mid-Essex: a subject mentor who leaves mid-plan', () => {
  it('is replaced by the course team after signing; the plan stays agreed and the new mentor records the review', () => {
    const c = openCase(ALL_STAFF);
    planMeeting(c, true);
    signatures(c, ['director', 'professional_mentor', 'mentor', 'lead_subject_mentor']);
    on(c, '2027-06-01');
    const newMentor = person('mentor', 'Joel Adams', `j.adams@${SCHOOL}`);
    c.run('course_team', changePerson, {
      role: 'mentor',
      removeId: mentor.id,
      add: { id: newMentor.id, name: newMentor.name, email: newMentor.email },
      reason: 'Kieran Walsh has left The Boswells School.',
    });
    expect(c.state.plan?.signatures.map((s) => s.typedName)).toContain('Kieran Walsh');
    expect(c.state.plan?.agreedOn).toBe('2027-05-25');
    review(c, '2027-06-08', 'sufficient_progress', 'mentor');
    expect(c.state.reviews.at(-1)?.recordedBy).toBe(newMentor.id);
    expect(c.state.closure).toMatchObject({ outcomeId: 'sufficient_progress' });
    expect(replay(c.events)).toEqual(c.state);
  });
});
