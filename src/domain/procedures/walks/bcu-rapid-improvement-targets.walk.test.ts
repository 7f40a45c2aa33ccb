import { describe, expect, it } from 'vitest';
import { replay } from '../../case/apply-event.js';
import { convenePanel } from '../../case/commands/convene-panel.js';
import { editPlan, type PlanDraft } from '../../case/commands/edit-plan.js';
import { pauseCase, resumeCase } from '../../case/commands/pause-case.js';
import { recordPanelMeeting } from '../../case/commands/record-panel-meeting.js';
import { recordReview } from '../../case/commands/record-review.js';
import { recordTraineePerceptions } from '../../case/commands/record-trainee-perceptions.js';
import { signPlan } from '../../case/commands/sign-plan.js';
import { completeTask } from '../../case/commands/stage-tasks.js';
import { openLinkedCase } from '../../case/commands/linked-case.js';
import { waiveFee } from '../../case/commands/decisions-after.js';
import { calendarFor } from '../../case/command-kit.js';
import { changePerson } from '../../case/commands/change-people.js';
import { nextReviewDate, outstandingSignatories, whoIsInformed } from '../../case/queries.js';
import type { CaseDriver } from '../../case/testing.js';
import type { Person, ProgressRating } from '../../case/types.js';
import { BCU_TRACKER_ID } from '../../frameworks/bcu-formative-assessment-tracker.js';
import { TEACHERS_STANDARDS_ID } from '../../frameworks/teachers-standards.js';
import { bcuRapidImprovementTargets as bcu } from '../bcu-rapid-improvement-targets.js';
import {
  history,
  on,
  openWalk,
  progressOf,
  recipients,
  refusal,
  runAs,
  sign,
  workday,
  type Opening,
} from './walk-kit.js';

/**
 * BCU Rapid Improvement Targets, walked through the engine from the Stage 1 form to every
 * terminal outcome: Stage 2 sufficient, Stage 3 sufficient (after revised targets, and after
 * the targets are extended and Stage 3 repeated), Stage 4 further RIT, and each of the five
 * Placement Review Panel decisions at Stage 5. Summer term 2027: the Early May bank holiday
 * (Monday 3 May) falls inside the 10-working-day window.
 */

const SCHOOL = 'hollybank.bham.sch.uk';
const person = (role: string, name: string, email: string): Person => ({ role, id: email, name, email });

const trainee = person('trainee', 'Priya Sharma', 'priya.sharma@mail.bcu.ac.uk');
const mentor = person('mentor', 'Gareth Evans', `g.evans@${SCHOOL}`);
const tutor = person('tutor', 'Helen Okafor', 'helen.okafor@bcu.ac.uk');
const seniorLeader = person('senior_school_leader', 'Rachel Donnelly', `r.donnelly@${SCHOOL}`);
const courseLeader = person('course_leader', 'Mark Whitfield', 'mark.whitfield@bcu.ac.uk');
const pdt = person('professional_development_tutor', 'Siobhan Kelly', 'siobhan.kelly@bcu.ac.uk');

const opening: Opening = {
  on: '2027-04-22',
  by: 'mentor',
  input: {
    reference: 'BCU-RIT-2027-031',
    reasons: ['not_expected_progress', 'teaching_pupil_progress'],
    people: [trainee, mentor, tutor, seniorLeader, courseLeader, pdt],
    placement: {
      school: 'Hollybank Primary School, Birmingham',
      subject: undefined,
      phase: 'Primary (Year 4)',
      programme: 'PGCE Primary and Early Years 2026/27',
      startsOn: workday(bcu, '2027-04-12'),
      endsOn: workday(bcu, '2027-06-25'),
    },
  },
};

const tracker = (code: string) => ({ frameworkId: BCU_TRACKER_ID, code });

/** The Rapid Improvement Target Form: concerns against the tracker, up to three targets, actions for each party. */
function ritForm(options: {
  readonly heldOn: string;
  readonly reviewDate: string;
  readonly tutorPresent: boolean;
  readonly targets?: number;
}): PlanDraft {
  const targets = [
    {
      text: 'Establish a consistent entry and settling routine so that learning starts within three minutes of the bell.',
      links: [tracker('FAT7')],
      actions: [
        { party: 'trainee', text: 'Script the routine and rehearse it with the class; use it in every lesson.' },
        { party: 'mentor', text: 'Observe the first ten minutes of two lessons a week and give same-day feedback.' },
        { party: 'tutor', text: 'Joint observation with the mentor focused on this target.' },
      ],
      successCriteria: 'In observed lessons, all pupils are engaged in the starter within three minutes.',
      timescale: 'By the review date',
      observationFocus: true,
    },
    {
      text: 'Adapt maths tasks for the lower attaining group so that they can complete the core task.',
      links: [tracker('FAT5')],
      actions: [
        {
          party: 'trainee',
          text: 'Plan a scaffolded version of each core task and share it with the mentor the day before.',
        },
        { party: 'mentor', text: 'Check the adapted tasks in weekly planning.' },
      ],
      successCriteria: 'Pupils’ books show the lower attaining group completing the core task.',
      timescale: 'By the review date',
      observationFocus: false,
    },
    {
      text: 'Use mini-whiteboard checks at two points in each lesson and adjust the teaching in response.',
      links: [tracker('FAT6')],
      actions: [
        { party: 'trainee', text: 'Mark the two hinge points in every lesson plan.' },
        { party: 'tutor', text: 'Share an exemplar lesson with hinge questions.' },
      ],
      successCriteria: 'Observed lessons show the trainee changing the plan after a whiteboard check.',
      timescale: 'By the review date',
      observationFocus: false,
    },
  ];
  return {
    concernStatement:
      'Pupils in Year 4 are not making the expected progress in maths: lessons start slowly, low-level disruption is not addressed and tasks are not adapted for the lower attaining group.',
    concerns: [
      { text: 'Low-level disruption is not addressed at the start of lessons.', links: [tracker('FAT7')] },
      {
        text: 'Tasks are not adapted, so the lower attaining group cannot access the core task.',
        links: [tracker('FAT5'), tracker('FAT6')],
      },
    ],
    targets: targets.slice(0, options.targets ?? 3),
    trainingNeeds: 'Central session on behaviour routines (Managing behaviour) and adaptive teaching in maths.',
    supportMeasures: [],
    reviewDate: workday(bcu, options.reviewDate),
    meeting: {
      heldOn: workday(bcu, options.heldOn),
      mode: 'in_person',
      attendees: options.tutorPresent ? ['trainee', 'mentor', 'tutor'] : ['trainee', 'mentor'],
      placementConcern: true,
    },
  };
}

/** Who the plan's agreement informs, as a notifier would ask: at the stage whose review asked for the form. */
function informedOnAgreement(c: CaseDriver): string[] {
  const plan = c.state.plan;
  if (!plan) throw new Error('no plan');
  const asked = plan.rulesFrom.outcome;
  return recipients(
    whoIsInformed(bcu, c.state, asked?.stageId ?? plan.stageId, 'plan_agreed', {
      ...(asked ? { outcomeId: asked.outcomeId } : {}),
      presentRoles: plan.content.meeting.attendees,
    }),
  );
}

/**
 * Signs a form with exactly its signatories: the senior school leader is refused, the form is
 * not agreed after the trainee alone, and the last signature (mentor or tutor) agrees it.
 */
function signForm(c: CaseDriver, staff: 'mentor' | 'tutor', tutorPresent: boolean): void {
  expect(refusal(c, () => sign(c, 'senior_school_leader')).code).toBe('not_a_signatory');
  expect(refusal(c, () => c.run('trainee', signPlan, { role: 'trainee', typedName: 'P Sharma' })).code).toBe(
    'invalid_input',
  );
  sign(c, 'trainee');
  expect(c.state.status).toBe('awaiting_signatures');
  expect(c.state.plan?.agreedOn).toBeUndefined();
  expect(outstandingSignatories(bcu, c.state).map((o) => o.roles)).toEqual([['mentor', 'tutor']]);
  sign(c, staff);
  expect(c.state.status).toBe('active');
  expect(c.state.plan?.agreedOn).toBe(c.clock.today);
  expect(c.state.plan?.signatures.map((s) => [s.role, s.typedName])).toEqual([
    ['trainee', 'Priya Sharma'],
    [staff, staff === 'mentor' ? 'Gareth Evans' : 'Helen Okafor'],
  ]);
  // A copy goes to the course mailbox; the university tutor is told only when not at the meeting.
  expect(informedOnAgreement(c)).toEqual(
    tutorPresent ? ['course_mailbox'] : ['course_mailbox', `tutor:${tutor.email}`],
  );
}

type Step = (c: CaseDriver) => void;

/** Stage 1: the form is completed with the trainee, who shares their perceptions, and signed. */
const stage1 =
  (tutorPresent: boolean): Step =>
  (c) => {
    on(c, '2027-04-22');
    expect(c.state).toMatchObject({ stageId: 'stage_1', status: 'planning', openedBy: mentor.id });
    c.run('trainee', recordTraineePerceptions, {
      text: 'I agree the start of lessons is slow. I have been unsure how to adapt the maths without lowering expectations.',
    });
    const form = ritForm({ heldOn: '2027-04-22', reviewDate: '2027-04-29', tutorPresent });
    // At most three targets.
    const fourth = form.targets[0];
    if (!fourth) throw new Error('form');
    expect(
      refusal(c, () =>
        c.run('mentor', editPlan, { plan: { ...form, targets: [...form.targets, fourth] }, withdrawSignatures: false }),
      ).code,
    ).toBe('too_many_targets');
    // Concerns are identified against the BCU ITE Formative Assessment Tracker, not the Teachers' Standards.
    const againstStandards = {
      ...form,
      concerns: [{ text: 'Behaviour', links: [{ frameworkId: TEACHERS_STANDARDS_ID, code: 'TS7' }] }],
    };
    expect(
      refusal(c, () => c.run('mentor', editPlan, { plan: againstStandards, withdrawSignatures: false })).code,
    ).toBe('unknown_framework_item');
    // Actions are for the trainee and the class teacher/mentor/university tutor only.
    const forPdt = {
      ...form,
      targets: form.targets.map((t) => ({
        ...t,
        actions: [...t.actions, { party: 'professional_development_tutor', text: 'x' }],
      })),
    };
    expect(refusal(c, () => c.run('mentor', editPlan, { plan: forPdt, withdrawSignatures: false })).code).toBe(
      'invalid_input',
    );
    c.run('mentor', editPlan, { plan: form, withdrawSignatures: false });
    signForm(c, 'mentor', tutorPresent);
    // The agreed form is reviewed at Stage 2.
    expect(c.state).toMatchObject({ stageId: 'stage_2', status: 'active' });
    expect(nextReviewDate(c.state)).toBe('2027-04-29');
  };

/** A per-target review (Stages 2 and 3): the mentor or tutor records progress on every target, with evidence. */
const review =
  (stageId: 'stage_2' | 'stage_3', date: string, outcomeId: string, ratings: readonly ProgressRating[]): Step =>
  (c) => {
    on(c, date);
    expect(c.state).toMatchObject({ stageId, status: 'active' });
    // The trainee takes part but does not record the review.
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
    // Reviews use the full range of evidence.
    expect(
      refusal(c, () =>
        c.run('mentor', recordReview, { progress: progressOf(c.state, ratings), attendees: [], outcomeId }),
      ).code,
    ).toBe('missing_field');
    c.run('mentor', recordReview, {
      progress: progressOf(c.state, ratings, 'Observed lessons and pupils’ books'),
      evidence: 'Two observed maths lessons, weekly planning, pupils’ books and the tutor’s visit notes.',
      attendees: ['trainee', 'mentor', 'tutor'],
      outcomeId,
    });
    expect(c.state.reviews.at(-1)).toMatchObject({ stageId, outcomeId, reviewedOn: date });
    // A copy of the completed form goes to the course mailbox.
    expect(recipients(whoIsInformed(bcu, c.state, stageId, 'review_recorded', { outcomeId }))).toEqual([
      'course_mailbox',
    ]);
  };

/**
 * Stage 2, insufficient progress: revised targets with a timescale of up to 10 working days from
 * agreement. Agreed Thursday 29 April 2027: the 10th working day skips the Early May bank holiday
 * and is Friday 14 May; Monday 17 May is one working day too late.
 */
const revisedTargets =
  (tutorPresent: boolean): Step =>
  (c) => {
    on(c, '2027-04-29');
    expect(c.state).toMatchObject({ stageId: 'stage_2', status: 'planning' });
    expect(c.state.plan?.rulesFrom.outcome).toEqual({ stageId: 'stage_2', outcomeId: 'insufficient_progress' });
    expect(c.state.plan?.content.targets).toHaveLength(3);
    const tooLate = ritForm({ heldOn: '2027-04-29', reviewDate: '2027-05-17', tutorPresent });
    const error = refusal(c, () => c.run('tutor', editPlan, { plan: tooLate, withdrawSignatures: false }));
    expect(error.code).toBe('review_date_outside_window');
    expect(error.userMessage).toContain('Friday 14 May 2027');
    c.run('tutor', editPlan, {
      plan: ritForm({ heldOn: '2027-04-29', reviewDate: '2027-05-14', tutorPresent }),
      withdrawSignatures: false,
    });
    signForm(c, 'tutor', tutorPresent);
    expect(c.state).toMatchObject({ stageId: 'stage_3', status: 'active' });
    expect(nextReviewDate(c.state)).toBe('2027-05-14');
  };

/** A health pause: the review date moves by the working days paused. */
const healthPause: Step = (c) => {
  on(c, '2027-05-04');
  c.run('mentor', pauseCase, { reason: 'health' });
  expect(nextReviewDate(c.state)).toBeUndefined();
  on(c, '2027-05-07');
  expect(
    refusal(c, () =>
      c.run('mentor', recordReview, {
        progress: progressOf(c.state, ['met', 'met', 'met']),
        evidence: 'x',
        attendees: [],
        outcomeId: 'sufficient_progress',
      }),
    ).code,
  ).toBe('case_paused');
  c.run('mentor', resumeCase, undefined);
  // Paused Tuesday 4 May, resumed Friday 7 May: 5, 6 and 7 May are three working days.
  expect(c.state.plan?.pausedWorkingDays).toBe(3);
  expect(nextReviewDate(c.state)).toBe('2027-05-19');
};

/** Stage 3 (ii): limited progress, the targets are revised and extended, and Stage 3 is repeated. */
const extendedTargets =
  (date: string, reviewDate: string): Step =>
  (c) => {
    on(c, date);
    expect(c.state).toMatchObject({ stageId: 'stage_3', status: 'planning' });
    expect(c.state.plan?.rulesFrom.outcome).toEqual({ stageId: 'stage_3', outcomeId: 'limited_progress' });
    // The tutor was not at this discussion: the mentor informs them.
    c.run('mentor', editPlan, {
      plan: ritForm({ heldOn: date, reviewDate, tutorPresent: false, targets: 2 }),
      withdrawSignatures: false,
    });
    signForm(c, 'mentor', false);
    expect(c.state).toMatchObject({ stageId: 'stage_3', status: 'active' });
  };

/** Stage 4: the senior school leader contacts the course team. */
const consultation =
  (date: string, outcomeId: 'further_rit' | 'failed_placement'): Step =>
  (c) => {
    on(c, date);
    expect(c.state).toMatchObject({ stageId: 'stage_4', status: 'awaiting_decision' });
    expect(
      refusal(c, () =>
        c.run('course_leader', recordReview, {
          progress: progressOf(c.state, ['not_met', 'not_met', 'not_met']),
          evidence: 'x',
          attendees: [],
          outcomeId,
        }),
      ).code,
    ).toBe('invalid_input');
    // "contacts the course team to discuss the trainee's progress … It is agreed that …": school staff
    // alone cannot record the agreement; the course leadership team on the case does.
    const alone = refusal(c, () =>
      c.run('senior_school_leader', recordReview, {
        progress: [],
        evidence: 'RIT forms from Stages 1–3.',
        attendees: ['senior_school_leader'],
        outcomeId,
      }),
    );
    expect(alone.code).toBe('not_permitted');
    expect(alone.userMessage).toBe(
      'Consultation with the course team: the outcome is agreed with the course team, so it is recorded by the course team or the Course leadership team named on the case.',
    );
    c.run('course_leader', recordReview, {
      progress: [],
      evidence: 'RIT forms from Stages 1–3, tracker judgements and the formal review record.',
      attendees: ['senior_school_leader', 'tutor', 'course_leader'],
      outcomeId,
    });
  };

const furtherRit: Step = (c) => {
  on(c, '2027-05-24');
  expect(c.state).toMatchObject({ stageId: 'stage_4', status: 'planning' });
  expect(c.state.plan?.rulesFrom.outcome).toEqual({ stageId: 'stage_4', outcomeId: 'further_rit' });
  c.run('tutor', editPlan, {
    plan: ritForm({ heldOn: '2027-05-24', reviewDate: '2027-06-07', tutorPresent: true }),
    withdrawSignatures: false,
  });
  expect(refusal(c, () => sign(c, 'senior_school_leader')).code).toBe('not_a_signatory');
  sign(c, 'trainee');
  expect(c.state.plan?.agreedOn).toBeUndefined();
  sign(c, 'tutor');
  expect(recipients(whoIsInformed(bcu, c.state, 'stage_4', 'plan_agreed', { outcomeId: 'further_rit' }))).toEqual([
    'course_mailbox',
  ]);
  expect(c.state).toMatchObject({ stageId: 'stage_3', status: 'active' });
  expect(nextReviewDate(c.state)).toBe('2027-06-07');
};

/** Stage 5: the tasks before the panel, then the Placement Review Panel decides. */
const STAGE_5_TASKS = [
  ['mentor', 'evidence_meeting', 'Met with Priya on 26 May to go through the tracker evidence.'],
  ['course_leader', 'course_leadership_meeting', 'Targets for improvement agreed; failed placement record completed.'],
  ['course_leader', 'refer_to_panel', 'Placement records reviewed by the course team and referred.'],
  ['tutor', 'placement_review_form', 'Placement Review Form sent to the trainee, class teacher, mentor and tutor.'],
] as const;

const PANEL = [
  { id: 'anne.marsh@bcu.ac.uk', name: 'Anne Marsh', role: 'Chair, Head of Department' },
  { id: 'david.osei@bcu.ac.uk', name: 'David Osei', role: 'Course leader (another route)' },
  { id: 'j.barker@partnerschool.sch.uk', name: 'Julie Barker', role: 'Partnership headteacher' },
];

/** "… with a RIT in place to address identified targets": the decisions that open a linked case. */
const OPENS_LINKED_CASE = new Set(['first_attempt_with_rit', 'second_attempt_with_rit']);

/** The targets identified with the panel's decision, which the new case's Rapid Improvement Target Form starts from. */
const IDENTIFIED_TARGETS = [
  {
    text: 'Establish and sustain behaviour routines from the start of every lesson',
    links: [tracker('FAT7')],
    actions: [{ party: 'trainee', text: 'Rehearse entry routines and use the school behaviour policy.' }],
    observationFocus: false,
  },
  {
    text: 'Plan lessons that build on pupils’ prior attainment',
    links: [tracker('FAT5')],
    actions: [],
    observationFocus: false,
  },
];

const stage5Decision =
  (decisionId: string): Step =>
  (c) => {
    on(c, '2027-05-26');
    expect(c.state).toMatchObject({ stageId: 'stage_5', status: 'awaiting_decision' });
    // Stage 5 ends with the panel's decision, not a review.
    expect(
      refusal(c, () =>
        c.run('tutor', recordReview, { progress: [], evidence: 'x', attendees: [], outcomeId: decisionId }),
      ).code,
    ).toBe('panel_not_convened');
    // Each task is ticked off by the roles it names (or the course team); the de-brief waits for the decision.
    expect(refusal(c, () => c.run('mentor', completeTask, { taskId: 'refer_to_panel' })).code).toBe('not_permitted');
    expect(refusal(c, () => c.run('tutor', completeTask, { taskId: 'debrief_meeting' })).code).toBe('task_not_yet');
    const [sendForm, ...beforePanel] = [...STAGE_5_TASKS].reverse();
    for (const [role, taskId, note] of beforePanel.reverse()) c.run(role, completeTask, { taskId, note });
    on(c, '2027-06-02');
    expect(
      refusal(c, () =>
        c.run('mentor', convenePanel, { panelId: 'placement_review_panel', members: PANEL, evidence: [] }),
      ).code,
    ).toBe('not_permitted');
    c.run('course_leader', convenePanel, {
      panelId: 'placement_review_panel',
      members: PANEL,
      evidence: ['The placement records, reviewed by the course team', 'The record for a failed placement'],
    });
    on(c, '2027-06-09');
    const meeting = {
      panelId: 'placement_review_panel',
      attendees: PANEL.map((m) => m.id),
      decisionId,
      rationale:
        'The panel reviewed the placement records, the failed placement record and the Placement Review Forms.',
      ...(OPENS_LINKED_CASE.has(decisionId) ? { linkedCaseTargets: IDENTIFIED_TARGETS } : {}),
    };
    // The panel decides once the Placement Review Form has gone out for completion.
    const early = refusal(c, () => c.run('course_leader', recordPanelMeeting, meeting));
    expect(early.code).toBe('tasks_outstanding');
    expect(early.userMessage).toContain('Placement Review Form');
    if (!sendForm) throw new Error('tasks');
    c.run(sendForm[0], completeTask, { taskId: sendForm[1], note: sendForm[2] });
    expect(c.state.tasksDone.map((t) => t.taskId)).toEqual(STAGE_5_TASKS.map(([, taskId]) => taskId));
    c.run('course_leader', recordPanelMeeting, meeting);
    // The de-brief between the university tutor and the school follows the decision, on the closed case.
    expect(c.state.status).toBe('closed');
    c.run('tutor', completeTask, {
      taskId: 'debrief_meeting',
      note: 'De-brief with the school; report of arising issues and actions sent.',
    });
    expect(c.state.tasksDone.at(-1)).toMatchObject({ taskId: 'debrief_meeting', stageId: 'stage_5' });
    expect(c.state.status).toBe('closed');
    expect(c.state.panels[0]).toMatchObject({ panelId: 'placement_review_panel', stageId: 'stage_5', decisionId });
    // An email confirms the decision to the course team, the school, the trainee, the PDT and the tutor.
    expect(recipients(whoIsInformed(bcu, c.state, 'stage_5', 'decision_recorded', { outcomeId: decisionId }))).toEqual([
      'course_team_channel',
      'course_mailbox',
      'office:school',
      `trainee:${trainee.email}`,
      `professional_development_tutor:${pdt.email}`,
      `tutor:${tutor.email}`,
    ]);
  };

const toStage3 = (tutorPresent: boolean): Step[] => [
  stage1(tutorPresent),
  review('stage_2', '2027-04-29', 'insufficient_progress', ['partly_met', 'not_met', 'met']),
  revisedTargets(tutorPresent),
];

const toStage4: Step[] = [
  ...toStage3(true),
  review('stage_3', '2027-05-14', 'insufficient_progress', ['not_met', 'not_met', 'partly_met']),
];

const STAGE_5_HISTORY = [
  'stage_1/opened',
  'stage_2/plan_agreed',
  'stage_3/plan_agreed',
  'stage_4/outcome',
  'stage_5/outcome',
];

const walks = [
  {
    name: 'Stage 2: sufficient progress, normal training routines resume',
    steps: [stage1(false), review('stage_2', '2027-04-29', 'sufficient_progress', ['met', 'met', 'met'])],
    outcomeId: 'sufficient_progress',
    history: ['stage_1/opened', 'stage_2/plan_agreed'],
    plans: 1,
  },
  {
    name: 'Stage 3: sufficient progress on the revised targets (with a health pause in the 10-day window)',
    steps: [
      ...toStage3(false),
      healthPause,
      review('stage_3', '2027-05-19', 'sufficient_progress', ['met', 'met', 'met']),
    ],
    outcomeId: 'sufficient_progress',
    history: ['stage_1/opened', 'stage_2/plan_agreed', 'stage_3/plan_agreed'],
    plans: 2,
  },
  {
    name: 'Stage 3: limited progress, targets extended, Stage 3 repeated, then sufficient',
    steps: [
      ...toStage3(true),
      review('stage_3', '2027-05-14', 'limited_progress', ['partly_met', 'met', 'partly_met']),
      extendedTargets('2027-05-14', '2027-05-28'),
      review('stage_3', '2027-05-28', 'sufficient_progress', ['met', 'met']),
    ],
    outcomeId: 'sufficient_progress',
    history: ['stage_1/opened', 'stage_2/plan_agreed', 'stage_3/plan_agreed', 'stage_3/plan_agreed'],
    plans: 3,
  },
  {
    name: 'Stage 4: a further RIT form, Stage 3 repeated, then sufficient',
    steps: [
      ...toStage4,
      consultation('2027-05-20', 'further_rit'),
      furtherRit,
      review('stage_3', '2027-06-07', 'sufficient_progress', ['met', 'met', 'met']),
    ],
    outcomeId: 'sufficient_progress',
    history: ['stage_1/opened', 'stage_2/plan_agreed', 'stage_3/plan_agreed', 'stage_4/outcome', 'stage_3/plan_agreed'],
    plans: 3,
  },
];

describe('BCU Rapid Improvement Targets: walked from the Stage 1 form to every outcome', () => {
  it.each(walks)('$name', (walk) => {
    const c = openWalk(bcu, opening);
    for (const step of walk.steps) step(c);
    expect(c.state.status).toBe('closed');
    expect(c.state.closure).toMatchObject({ resolution: 'resolved', outcomeId: walk.outcomeId });
    expect(history(c.state)).toEqual(walk.history);
    expect([...c.state.previousPlans, c.state.plan].map((p) => p?.agreedOn !== undefined)).toEqual(
      Array<boolean>(walk.plans).fill(true),
    );
    expect(replay(c.events)).toEqual(c.state);
  });

  const decisions = [
    ['passed', 'the trainee has passed the placement'],
    ['first_attempt', 'the placement is offered as a first attempt'],
    ['first_attempt_with_rit', 'a first attempt with a RIT in place'],
    ['second_attempt_with_rit', 'failed; a second and final attempt with a RIT in place (£1125 resit fee)'],
    ['fitness_referral', 'a referral to Student Governance (Fitness to Practice/Study/Train)'],
  ] as const;

  it.each(decisions)('Stage 4 failed placement → Stage 5 → Placement Review Panel: %s (%s)', (decisionId) => {
    const c = openWalk(bcu, opening);
    for (const step of [...toStage4, consultation('2027-05-20', 'failed_placement'), stage5Decision(decisionId)])
      step(c);
    expect(c.state.status).toBe('closed');
    expect(c.state.closure).toMatchObject({ resolution: 'decision', outcomeId: decisionId, on: '2027-06-09' });
    expect(history(c.state)).toEqual(STAGE_5_HISTORY);
    // Only the second-attempt decision carries the resit fee notice to the trainee.
    const decision = bcu.panels
      .find((p) => p.id === 'placement_review_panel')
      ?.decisions.find((d) => d.id === c.state.closure?.outcomeId);
    if (decisionId === 'second_attempt_with_rit') {
      expect(decision?.traineeNotice).toContain('£1125');
      expect(decision?.traineeNotice).toContain('Student Finance England');
    } else {
      expect(decision?.traineeNotice).toBeUndefined();
    }
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('BCU Placement Review Panel decisions that lead on, and the fee waiver', () => {
  const toSecondAttempt = (): CaseDriver => {
    const c = openWalk(bcu, opening);
    for (const step of [
      ...toStage4,
      consultation('2027-05-20', 'failed_placement'),
      stage5Decision('second_attempt_with_rit'),
    ])
      step(c);
    return c;
  };

  it('"a second and final attempt with a RIT in place to address identified targets": the decision fixes a linked case carrying those targets, which opens at Stage 1 linked back', () => {
    const c = toSecondAttempt();
    const [link] = c.state.linkedCases;
    expect(c.state.linkedCases).toHaveLength(1);
    expect(link).toMatchObject({
      caseId: `${c.state.id}-L${c.events.findIndex((e) => e.type === 'linked_case_decided') + 1}`,
      reference: `${c.state.reference}/2`,
      stageId: 'stage_1',
      outcomeId: 'second_attempt_with_rit',
      panelId: 'placement_review_panel',
      decidedOn: '2027-06-09',
    });
    expect(link?.targets.map((t) => [t.id, t.text])).toEqual([
      ['T1', IDENTIFIED_TARGETS[0]?.text],
      ['T2', IDENTIFIED_TARGETS[1]?.text],
    ]);
    // The decision comes before the closure, in the same command.
    const types = c.events.map((e) => e.type);
    expect(types.indexOf('linked_case_decided')).toBe(types.indexOf('case_closed') - 1);
    if (!link) throw new Error('no link');

    const opened = openLinkedCase(
      { procedure: bcu, calendar: calendarFor(bcu), now: c.clock.now, actor: c.as('course_leader') },
      c.state,
      link,
    );
    expect(opened.state).toMatchObject({
      id: link.caseId,
      reference: link.reference,
      stageId: 'stage_1',
      status: 'planning',
      linkedFrom: { caseId: c.state.id, reference: c.state.reference, outcomeId: 'second_attempt_with_rit' },
      people: c.state.people,
    });
    expect(opened.state.plan?.content.targets.map((t) => t.text)).toEqual(IDENTIFIED_TARGETS.map((t) => t.text));
    expect(opened.state.plan?.content.targets[0]?.links).toEqual([tracker('FAT7')]);
    expect(replay(opened.events)).toEqual(opened.state);
    // Built from the decision alone: a second run builds the same case (what the store's create keys on).
    const again = openLinkedCase(
      { procedure: bcu, calendar: calendarFor(bcu), now: c.clock.now, actor: c.as('course_leader') },
      c.state,
      link,
    );
    expect(again.events).toEqual(opened.events);
  });

  it('the decision names the identified targets: none, or more than the form allows, is refused', () => {
    const c = atPanel();
    const none = refusalOfDecision(c, []);
    expect(none.code).toBe('missing_field');
    expect(none.userMessage).toContain('name the targets');
    const four = refusalOfDecision(c, [...IDENTIFIED_TARGETS, ...IDENTIFIED_TARGETS]);
    expect(four.code).toBe('too_many_targets');
  });

  it('a decision that opens no case carries no targets', () => {
    const c = atPanel();
    const refused = refusalOfDecision(c, IDENTIFIED_TARGETS, 'passed');
    expect(refused.code).toBe('invalid_input');
  });

  it('"the course team will confirm this in writing to the trainee": the course team waives the fee with a reason, and the letter is kept as sent', () => {
    const c = toSecondAttempt();
    const reason = 'Bereavement during the placement, supported by the student support team.';
    expect(refusal(c, () => c.run('tutor', waiveFee, { reason })).code).toBe('not_permitted');
    c.run('course_team', waiveFee, { reason });
    const [waiver] = c.state.feeWaivers;
    expect(waiver).toMatchObject({ outcomeId: 'second_attempt_with_rit', amount: '£1125', reason, on: '2027-06-09' });
    expect(waiver?.letter).toContain('Dear Priya Sharma');
    expect(waiver?.letter).toContain('will incur a cost to the trainee of £1125');
    expect(waiver?.letter).toContain('the fee of £1125 is waived');
    expect(waiver?.letter).toContain(reason);
    // Once only.
    expect(refusal(c, () => c.run('course_team', waiveFee, { reason })).code).toBe('invalid_input');
    expect(replay(c.events)).toEqual(c.state);
  });

  it('no fee to waive where the decision brought none', () => {
    const c = openWalk(bcu, opening);
    for (const step of [...toStage4, consultation('2027-05-20', 'failed_placement'), stage5Decision('first_attempt')])
      step(c);
    expect(refusal(c, () => c.run('course_team', waiveFee, { reason: 'Hardship' })).code).toBe('outcome_not_allowed');
  });
});

/** A case at Stage 5 with its tasks done and the Placement Review Panel convened, ready to decide. */
function atPanel(): CaseDriver {
  const c = openWalk(bcu, opening);
  for (const step of [...toStage4, consultation('2027-05-20', 'failed_placement')]) step(c);
  on(c, '2027-05-26');
  for (const [role, taskId, note] of STAGE_5_TASKS) c.run(role, completeTask, { taskId, note });
  on(c, '2027-06-02');
  c.run('course_leader', convenePanel, { panelId: 'placement_review_panel', members: PANEL, evidence: [] });
  on(c, '2027-06-09');
  return c;
}

/** The panel asked to decide with `targets` for the new case (refused). */
function refusalOfDecision(
  c: CaseDriver,
  targets: readonly (typeof IDENTIFIED_TARGETS)[number][],
  decisionId = 'second_attempt_with_rit',
) {
  return refusal(c, () =>
    c.run('course_leader', recordPanelMeeting, {
      panelId: 'placement_review_panel',
      attendees: PANEL.map((m) => m.id),
      decisionId,
      linkedCaseTargets: [...targets],
    }),
  );
}

describe('BCU: a class teacher/mentor who leaves mid-plan', () => {
  it('is replaced by the course team; the new mentor records the Stage 2 review, the one who left no longer can, and their signature stays', () => {
    const c = openWalk(bcu, opening);
    stage1(true)(c);
    on(c, '2027-04-26');
    const newMentor = person('mentor', 'Tom Reid', `t.reid@${SCHOOL}`);
    const change = {
      role: 'mentor',
      removeId: mentor.id,
      add: { id: newMentor.id, name: newMentor.name, email: newMentor.email },
      reason: 'Gareth Evans has moved to another school.',
    };
    expect(refusal(c, () => c.run('tutor', changePerson, change)).code).toBe('not_permitted');
    c.run('course_team', changePerson, change);
    expect(c.state.people.filter((p) => p.role === 'mentor')).toEqual([newMentor]);
    expect(c.state.plan?.signatures.map((s) => s.typedName)).toEqual(['Priya Sharma', 'Gareth Evans']);
    on(c, '2027-04-29');
    const input = {
      progress: progressOf(c.state, ['met', 'met', 'met'], 'Observed lessons'),
      evidence: 'Two observed maths lessons and pupils’ books.',
      attendees: ['trainee', 'mentor'],
      outcomeId: 'sufficient_progress',
    };
    expect(refusal(c, () => runAs(c, mentor, recordReview, input)).code).toBe('not_permitted');
    c.run('mentor', recordReview, input);
    expect(c.state.reviews.at(-1)?.recordedBy).toBe(newMentor.id);
    expect(c.state.closure).toMatchObject({ resolution: 'resolved', outcomeId: 'sufficient_progress' });
    expect(replay(c.events)).toEqual(c.state);
  });
});
