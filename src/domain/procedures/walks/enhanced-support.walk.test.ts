import { describe, expect, it } from 'vitest';
import { replay } from '../../case/apply-event.js';
import { editPlan, type PlanDraft } from '../../case/commands/edit-plan.js';
import { completeTask } from '../../case/commands/stage-tasks.js';
import { changePerson } from '../../case/commands/change-people.js';
import { pauseCase, resumeCase } from '../../case/commands/pause-case.js';
import { recordReview } from '../../case/commands/record-review.js';
import { recordTraineePerceptions } from '../../case/commands/record-trainee-perceptions.js';
import { suspendPlacement } from '../../case/commands/stage-tasks.js';
import { nextReviewDate, outstandingSignatories, whoIsInformed } from '../../case/queries.js';
import type { CaseDriver } from '../../case/testing.js';
import type { Person, ProgressRating } from '../../case/types.js';
import { TEACHERS_STANDARDS_ID } from '../../frameworks/teachers-standards.js';
import { enhancedSupport as es } from '../enhanced-support.js';
import { history, on, openWalk, progressOf, recipients, refusal, sign, workday, type Opening } from './walk-kit.js';

/**
 * Enhanced Support Procedure, walked through the engine: the Enhanced Support Action Plan at
 * Step 1, its review at Step 2, the Step 3 review meeting with SMART targets, the Step 4 formal
 * review (sufficient / limited and re-evaluated / no progress), Step 5 (suspension and the three
 * routes) and the recommending board at Step 6. Spring term 2027, secondary mathematics.
 */

const UNI = 'northmoor.ac.uk';
const SCHOOL = 'ridgewayacademy.org.uk';
const person = (role: string, name: string, email: string): Person => ({ role, id: email, name, email });

const trainee = person('trainee', 'Tomasz Nowak', `t.nowak@student.${UNI}`);
const mentor = person('mentor', 'Emma Clarke', `e.clarke@${SCHOOL}`);
const professionalMentor = person('professional_mentor', 'David Reid', `d.reid@${SCHOOL}`);
const subjectMentor = person('subject_mentor', 'Hannah Lewis', `h.lewis@${SCHOOL}`);
const tutor = person('tutor', 'Samuel Adeyemi', `s.adeyemi@${UNI}`);
const courseLeader = person('course_leader', 'Claire Thompson', `c.thompson@${UNI}`);
const partnershipTutor = person('partnership_tutor', 'Ian Marshall', `i.marshall@${UNI}`);

const opening: Opening = {
  on: '2027-02-01',
  by: 'tutor',
  input: {
    reference: 'ES-2027-012',
    reasons: ['not_expected_progress', 'conduct'],
    people: [trainee, mentor, professionalMentor, subjectMentor, tutor, courseLeader, partnershipTutor],
    placement: {
      school: 'Ridgeway Academy',
      subject: 'Mathematics',
      phase: 'Secondary (11-16)',
      programme: 'PGCE Secondary Mathematics 2026/27',
      startsOn: workday(es, '2027-01-05'),
      endsOn: workday(es, '2027-03-25'),
    },
  },
};

const ts = (code: string) => ({ frameworkId: TEACHERS_STANDARDS_ID, code });

/**
 * The Enhanced Support Action Plan: concerns against Part 1 and Part 2 of the Teachers'
 * Standards, SMART targets with actions for the trainee and those working with him, success
 * criteria and a review date.
 */
function actionPlan(options: {
  readonly heldOn: string;
  readonly reviewDate: string;
  readonly support: readonly string[];
  readonly attendees: readonly string[];
}): PlanDraft {
  // "Explicit actions for the trainee, school based mentor and University tutor": each supporter acts on every target.
  const supporters = (texts: Readonly<Record<string, string>>): { party: string; text: string }[] =>
    options.support.map((party) => ({
      party,
      text: texts[party] ?? 'Check progress against this target at the weekly review.',
    }));
  return {
    concernStatement:
      'Pupils in Tomasz’s Year 8 and Year 10 classes are not making the expected progress: lessons lack structure and assessment does not inform the next step. He has also arrived after registration on four occasions.',
    concerns: [
      {
        text: 'PART 1: Lessons are not well structured; pupils are unclear what they are learning.',
        links: [ts('TS4'), ts('TS4a')],
      },
      { text: 'PART 1: Assessment in lessons does not inform the teaching.', links: [ts('TS6b')] },
      {
        text: 'PART 2: Punctuality and attendance at department meetings fall below the school’s expectations.',
        links: [ts('PT2.2')],
      },
    ],
    targets: [
      {
        text: 'Plan every Year 8 lesson using the department’s three-part structure, with a single learning objective shared with pupils.',
        links: [ts('TS4a')],
        actions: [
          { party: 'trainee', text: 'Submit plans to the mentor by 3pm the day before.' },
          ...supporters({
            mentor: 'Feed back on plans within 24 hours; observe one Year 8 lesson a week.',
            tutor: 'Joint observation with the mentor in week 2.',
          }),
        ],
        successCriteria: 'Three observed lessons in a row judged well structured against TS4.',
        timescale: 'By the review date',
        observationFocus: true,
      },
      {
        text: 'Use an exit ticket in every Year 10 lesson and adapt the next lesson’s starter in response.',
        links: [ts('TS6b')],
        actions: [
          { party: 'trainee', text: 'Keep exit tickets with the next lesson plan.' },
          ...supporters({
            mentor: 'Model exit-ticket analysis in a co-planning session.',
            tutor: 'Share the university’s formative assessment exemplars.',
          }),
        ],
        successCriteria: 'Lesson plans show starters changed in response to exit tickets.',
        timescale: 'By the review date',
        observationFocus: false,
      },
      {
        text: 'Arrive by 8:15am every day and attend every Tuesday department meeting.',
        links: [ts('PT2.2')],
        actions: [
          { party: 'trainee', text: 'Sign in at reception by 8:15am.' },
          ...supporters({
            mentor: 'Check the signing-in record each Friday.',
            tutor: 'Discuss professional expectations at the weekly call.',
          }),
        ],
        successCriteria: 'Signing-in record shows arrival by 8:15am on every day of the period.',
        timescale: 'Daily',
        observationFocus: false,
      },
    ],
    trainingNeeds: 'University session on formative assessment; department CPD on lesson structure.',
    supportMeasures: [],
    reviewDate: workday(es, options.reviewDate),
    meeting: {
      heldOn: workday(es, options.heldOn),
      mode: 'in_person',
      attendees: [...options.attendees],
      placementConcern: true,
    },
  };
}

/** The form names no signatories: a member of staff at the meeting records the agreement; the trainee cannot. */
function agree(c: CaseDriver, by: string): void {
  expect(outstandingSignatories(es, c.state)).toEqual([]);
  expect(refusal(c, () => sign(c, 'trainee')).code).toBe('not_a_signatory');
  expect(c.state.plan?.agreedOn).toBeUndefined();
  sign(c, by);
  expect(c.state.plan?.agreedOn).toBe(c.clock.today);
}

type Step = (c: CaseDriver) => void;

const step1: Step = (c) => {
  on(c, '2027-02-01');
  expect(c.state).toMatchObject({ stageId: 'step_1', status: 'planning', openedBy: tutor.id });
  // The mentor/University tutor listens respectfully to gain a full understanding of his perceptions.
  c.run('trainee', recordTraineePerceptions, {
    text: 'Two buses a day have been cancelled; I accept my lessons need more structure.',
  });
  const draft = actionPlan({
    heldOn: '2027-02-01',
    reviewDate: '2027-02-12',
    support: ['mentor', 'tutor'],
    attendees: ['trainee', 'mentor', 'tutor'],
  });
  // Targets must be referenced to the Teachers' Standards.
  const unlinked = { ...draft, targets: draft.targets.map((t) => ({ ...t, links: [] })) };
  c.run('tutor', editPlan, { plan: unlinked, withdrawSignatures: false });
  expect(refusal(c, () => sign(c, 'tutor')).code).toBe('missing_field');
  // Targets need agreed actions for the trainee and all those working with them.
  const traineeOnly = {
    ...draft,
    targets: draft.targets.map((t) => ({ ...t, actions: t.actions.filter((a) => a.party === 'trainee') })),
  };
  c.run('tutor', editPlan, { plan: traineeOnly, withdrawSignatures: false });
  const noSupport = refusal(c, () => sign(c, 'tutor'));
  expect(noSupport.code).toBe('missing_field');
  expect(noSupport.userMessage).toContain('University tutor');
  c.run('tutor', editPlan, { plan: draft, withdrawSignatures: false });
  agree(c, 'tutor');
  expect(c.state).toMatchObject({ stageId: 'step_2', status: 'active' });
  expect(c.state.plan?.perceptions?.recordedBy).toBe(trainee.id);
  expect(nextReviewDate(c.state)).toBe('2027-02-12');
};

const step2 =
  (outcomeId: 'sufficient_progress' | 'insufficient_progress'): Step =>
  (c) => {
    // Step 1's weekly review of progress meetings, between the mentor and the trainee, while the plan runs.
    on(c, '2027-02-05');
    c.run('mentor', completeTask, {
      taskId: 'weekly_review_meeting',
      note: 'Week 1: plans submitted on time; exit tickets started.',
    });
    on(c, '2027-02-11');
    c.run('trainee', completeTask, {
      taskId: 'weekly_review_meeting',
      note: 'Week 2: discussed the Year 10 starters.',
    });
    expect(refusal(c, () => c.run('tutor', completeTask, { taskId: 'weekly_review_meeting' })).code).toBe(
      'not_permitted',
    );
    expect(c.state.tasksDone.filter((t) => t.taskId === 'weekly_review_meeting')).toHaveLength(2);
    on(c, '2027-02-12');
    const ratings: ProgressRating[] =
      outcomeId === 'sufficient_progress' ? ['met', 'met', 'met'] : ['partly_met', 'not_met', 'met'];
    c.run('mentor', recordReview, {
      progress: progressOf(c.state, ratings, 'Weekly review of progress meeting'),
      evidence: 'Lesson observations, lesson plans, exit tickets and the signing-in record.',
      attendees: ['mentor', 'trainee'],
      outcomeId,
    });
    // "Please return this form to the course leader."
    expect(recipients(whoIsInformed(es, c.state, 'step_2', 'review_recorded', { outcomeId }))).toEqual([
      `course_leader:${courseLeader.email}`,
    ]);
  };

/** Step 3: a review meeting sets SMART targets, an agreed period and explicit actions for trainee, mentor and tutor. */
const step3: Step = (c) => {
  on(c, '2027-02-22');
  expect(c.state).toMatchObject({ stageId: 'step_3', status: 'planning' });
  expect(c.state.plan?.content.targets).toHaveLength(3);
  c.run('tutor', editPlan, {
    plan: actionPlan({
      heldOn: '2027-02-22',
      reviewDate: '2027-03-12',
      support: ['mentor', 'tutor'],
      attendees: ['mentor', 'tutor', 'trainee'],
    }),
    withdrawSignatures: false,
  });
  agree(c, 'tutor');
  expect(c.state).toMatchObject({ stageId: 'step_4', status: 'active' });
  // The University Tutor provides a copy of the Enhanced Support Action Plan.
  expect(recipients(whoIsInformed(es, c.state, 'step_3', 'plan_agreed'))).toEqual([
    `trainee:${trainee.email}`,
    `mentor:${mentor.email}`,
    `professional_mentor:${professionalMentor.email}`,
    `subject_mentor:${subjectMentor.email}`,
  ]);
};

const step4 =
  (date: string, outcomeId: 'sufficient_progress' | 'limited_progress' | 'no_progress'): Step =>
  (c) => {
    on(c, date);
    expect(c.state).toMatchObject({ stageId: 'step_4', status: 'active' });
    // Only at Step 5 may the placement be suspended.
    expect(refusal(c, () => c.run('course_team', suspendPlacement, { reason: 'Impact on pupils' })).code).toBe(
      'suspension_not_allowed',
    );
    const ratings: ProgressRating[] =
      outcomeId === 'sufficient_progress'
        ? ['met', 'met', 'met']
        : outcomeId === 'limited_progress'
          ? ['met', 'partly_met', 'met']
          : ['not_met', 'not_met', 'partly_met'];
    const progress = progressOf(c.state, ratings.slice(0, c.state.plan?.content.targets.length), 'Formal review');
    if (outcomeId === 'no_progress') {
      expect(
        refusal(c, () =>
          c.run('tutor', recordReview, {
            progress: progressOf(c.state, ['met', 'met', 'met']),
            evidence: 'x',
            attendees: [],
            outcomeId,
          }),
        ).code,
      ).toBe('outcome_not_allowed');
    }
    c.run('tutor', recordReview, {
      progress,
      evidence: 'Formal review of the full range of evidence: observations, planning, exit tickets, signing-in record.',
      attendees: ['trainee', 'mentor', 'tutor'],
      outcomeId,
    });
  };

/** Step 4 (2): the partnership tutor, mentor and trainee revise the targets; Enhanced Support is re-evaluated. */
const revisedTargets: Step = (c) => {
  on(c, '2027-03-15');
  expect(c.state).toMatchObject({ stageId: 'step_4', status: 'planning' });
  expect(c.state.plan?.rulesFrom.outcome).toEqual({ stageId: 'step_4', outcomeId: 'limited_progress' });
  // The revised form gives actions to the partnership tutor, not the University tutor.
  const withTutor = actionPlan({
    heldOn: '2027-03-15',
    reviewDate: '2027-03-25',
    support: ['tutor'],
    attendees: ['partnership_tutor', 'mentor', 'trainee'],
  });
  expect(
    refusal(c, () => c.run('partnership_tutor', editPlan, { plan: withTutor, withdrawSignatures: false })).code,
  ).toBe('invalid_input');
  c.run('partnership_tutor', editPlan, {
    plan: actionPlan({
      heldOn: '2027-03-15',
      reviewDate: '2027-03-25',
      support: ['mentor', 'partnership_tutor'],
      attendees: ['partnership_tutor', 'mentor', 'trainee'],
    }),
    withdrawSignatures: false,
  });
  agree(c, 'partnership_tutor');
  expect(c.state).toMatchObject({ stageId: 'step_4', status: 'active' });
  expect(nextReviewDate(c.state)).toBe('2027-03-25');
};

/** A health pause in Step 3's agreed period: the review moves by the working days paused. */
const healthPause: Step = (c) => {
  on(c, '2027-03-01');
  c.run('tutor', pauseCase, { reason: 'health' });
  on(c, '2027-03-05');
  c.run('tutor', resumeCase, undefined);
  // Paused Monday 1 to Friday 5 March: four working days, so Friday 12 March becomes Thursday 18 March.
  expect(c.state.plan?.pausedWorkingDays).toBe(4);
  expect(nextReviewDate(c.state)).toBe('2027-03-18');
};

type Route = 'fitness_to_practise' | 'handbook_section_6' | 'resit_placement';

const step5 =
  (route: Route): Step =>
  (c) => {
    on(c, '2027-03-15');
    expect(c.state).toMatchObject({ stageId: 'step_5', status: 'awaiting_decision' });
    // "The placement may be suspended immediately in order to avoid negative impact on pupils' progress."
    expect(refusal(c, () => c.run('tutor', suspendPlacement, { reason: 'x' })).code).toBe('not_permitted');
    c.run('course_team', suspendPlacement, {
      reason: 'To avoid negative impact on pupils’ progress in Years 8 and 10.',
    });
    expect(c.state.placementSuspended).toMatchObject({ on: '2027-03-15' });
    on(c, '2027-03-17');
    c.run('course_leader', recordReview, {
      progress: [],
      evidence: 'Enhanced Support Action Plans (Steps 1–4) and the Step 4 formal review.',
      attendees: ['course_leader', 'tutor'],
      outcomeId: route,
    });
  };

const step6: Step = (c) => {
  on(c, '2027-06-30');
  expect(c.state).toMatchObject({ stageId: 'step_6', status: 'awaiting_decision' });
  expect(
    refusal(c, () =>
      c.run('tutor', recordReview, {
        progress: [],
        evidence: 'x',
        attendees: [],
        outcomeId: 'final_decision_confirmed',
      }),
    ).code,
  ).toBe('not_permitted');
  c.run('course_leader', recordReview, {
    progress: [],
    evidence: 'Step 5 decision and Enhanced Support records, presented to the recommending board.',
    attendees: ['course_leader'],
    outcomeId: 'final_decision_confirmed',
  });
};

const toStep4: Step[] = [step1, step2('insufficient_progress'), step3];
const TO_STEP_4 = ['step_1/opened', 'step_2/plan_agreed', 'step_3/outcome', 'step_4/plan_agreed'];

const walks = [
  {
    name: 'Step 2: sufficient progress, normal training routines continue',
    steps: [step1, step2('sufficient_progress')],
    resolution: 'resolved',
    outcomeId: 'sufficient_progress',
    history: ['step_1/opened', 'step_2/plan_agreed'],
  },
  {
    name: 'Step 2 insufficient → Step 3 SMART targets → Step 4 sufficient (with a health pause)',
    steps: [...toStep4, healthPause, step4('2027-03-18', 'sufficient_progress')],
    resolution: 'resolved',
    outcomeId: 'sufficient_progress',
    history: TO_STEP_4,
  },
  {
    name: 'Step 4 limited progress → targets revised and re-evaluated at Step 4 → sufficient',
    steps: [
      ...toStep4,
      step4('2027-03-12', 'limited_progress'),
      revisedTargets,
      step4('2027-03-25', 'sufficient_progress'),
    ],
    resolution: 'resolved',
    outcomeId: 'sufficient_progress',
    history: [...TO_STEP_4, 'step_4/plan_agreed'],
  },
  ...(['fitness_to_practise', 'handbook_section_6', 'resit_placement'] as const).map((route) => ({
    name: `Step 4 no progress → Step 5 placement suspended, ${route} → Step 6 recommending board confirms`,
    steps: [...toStep4, step4('2027-03-12', 'no_progress'), step5(route), step6],
    resolution: 'decision',
    outcomeId: 'final_decision_confirmed',
    history: [...TO_STEP_4, 'step_5/outcome', 'step_6/outcome'],
    route,
  })),
];

describe('Enhanced Support Procedure: walked from the action plan to every outcome', () => {
  it.each(walks)('$name', (walk) => {
    const c = openWalk(es, opening);
    for (const step of walk.steps) step(c);
    expect(c.state.status).toBe('closed');
    expect(c.state.closure).toMatchObject({ resolution: walk.resolution, outcomeId: walk.outcomeId });
    expect(history(c.state)).toEqual(walk.history);
    if ('route' in walk) {
      expect(c.state.reviews.find((r) => r.stageId === 'step_5')?.outcomeId).toBe(walk.route);
      expect(c.state.placementSuspended).toBeDefined();
    } else {
      expect(c.state.placementSuspended).toBeUndefined();
    }
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('Enhanced Support: a school based mentor who leaves mid-plan', () => {
  it('is replaced by the course team; the new mentor holds the weekly review meetings and the Step 2 review', () => {
    const c = openWalk(es, opening);
    step1(c);
    on(c, '2027-02-03');
    const newMentor = person('mentor', 'Owen Price', `o.price@${SCHOOL}`);
    c.run('course_team', changePerson, {
      role: 'mentor',
      removeId: mentor.id,
      add: { id: newMentor.id, name: newMentor.name, email: newMentor.email },
      reason: 'Emma Clarke is on maternity leave.',
    });
    expect(c.state.people.filter((p) => p.role === 'mentor')).toEqual([newMentor]);
    expect(c.state.formerPeople.map((f) => f.person)).toEqual([mentor]);
    step2('sufficient_progress')(c);
    expect(c.state.tasksDone.find((t) => t.taskId === 'weekly_review_meeting')?.by).toBe(newMentor.id);
    expect(c.state.reviews.at(-1)?.recordedBy).toBe(newMentor.id);
    expect(c.state.closure).toMatchObject({ outcomeId: 'sufficient_progress' });
    expect(replay(c.events)).toEqual(c.state);
  });
});
