import { describe, expect, it } from 'vitest';
import { addDays, formatLongDate } from '../../calendar/index.js';
import { replay } from '../../case/apply-event.js';
import { convenePanel } from '../../case/commands/convene-panel.js';
import { editPlan, type PlanDraft } from '../../case/commands/edit-plan.js';
import { escalateCase } from '../../case/commands/escalate-case.js';
import { extendReviewDate } from '../../case/commands/extend-review-date.js';
import { pauseCase, resumeCase } from '../../case/commands/pause-case.js';
import { recordPanelMeeting } from '../../case/commands/record-panel-meeting.js';
import { recordReview } from '../../case/commands/record-review.js';
import { completeMilestone, completeTask, setStageStart } from '../../case/commands/stage-tasks.js';
import { changePerson, changePlacement } from '../../case/commands/change-people.js';
import { calendarFor, rolesOnCase } from '../../case/command-kit.js';
import { openLinkedCase } from '../../case/commands/linked-case.js';
import { decideAppeal, lodgeAppeal } from '../../case/commands/decisions-after.js';
import { actorFor } from '../../case/testing.js';
import {
  datedMilestones,
  milestoneStatuses,
  nextReviewDate,
  outstandingSignatories,
  whoIsInformed,
} from '../../case/queries.js';
import type { CaseDriver } from '../../case/testing.js';
import type { CloseResolution, Person, ProgressRating } from '../../case/types.js';
import { TEACHERS_STANDARDS_ID } from '../../frameworks/teachers-standards.js';
import { rcttpConcernProcedures as rcttp } from '../rcttp-concern-procedures.js';
import { history, on, openWalk, progressOf, recipients, refusal, sign, workday, type Opening } from './walk-kit.js';

/**
 * RCTTP Concern Procedures, walked through the engine: Progress Support Plan (Stage 1), Cause
 * for Concern (Stage 2), the Executive Group (Stage 3) and each of its options, the Deferred
 * Final Assessment and its outcome meeting, the Exceptional Circumstances panel at any stage,
 * escalation to the Executive Group at any point, and re-initiation of the procedures.
 * Secondary English, 2026/27: the autumn Cause for Concern window runs over Christmas.
 */

const SCHOOL = 'stwilfrids.sch.uk';
const RCTTP = 'rcttp.org.uk';
const person = (role: string, name: string, email: string): Person => ({ role, id: email, name, email });

const trainee = person('trainee', 'Olivia Bennett', `olivia.bennett@trainee.${RCTTP}`);
const mentor = person('mentor', 'Sarah Collins', `s.collins@${SCHOOL}`);
const secondMentor = person('mentor', 'Daniel Price', `d.price@${SCHOOL}`);
const partnershipTutor = person('partnership_tutor', 'Fiona McLeod', `f.mcleod@${RCTTP}`);
const courseLeader = person('course_leader', 'James Atkinson', `j.atkinson@${RCTTP}`);
const programmeManager = person('programme_manager', 'Nadia Hussain', `n.hussain@${RCTTP}`);
const headteacher = person('professional_mentor', 'Catherine Lowe', `c.lowe@${SCHOOL}`);
const egChair = person('executive_group_chair', 'Graham Fletcher', `g.fletcher@${RCTTP}`);
const administrator = person('partnership_administrator', 'Lisa Turner', `l.turner@${RCTTP}`);

const PEOPLE = [
  trainee,
  mentor,
  secondMentor,
  partnershipTutor,
  courseLeader,
  programmeManager,
  headteacher,
  egChair,
  administrator,
];

function opening(overrides: Partial<Opening> = {}): Opening {
  return {
    on: '2026-11-02',
    by: 'partnership_tutor',
    input: {
      reference: 'RCTTP-CP-2026-007',
      reasons: ['progress_towards_standards'],
      people: PEOPLE,
      placement: {
        school: "St Wilfrid's High School",
        subject: 'English',
        phase: 'Secondary (11-16)',
        programme: 'PGCE Secondary English with QTS 2026/27',
        startsOn: workday(rcttp, '2026-09-07'),
        endsOn: workday(rcttp, '2027-06-25'),
      },
    },
    ...overrides,
  };
}

const ts = (code: string) => ({ frameworkId: TEACHERS_STANDARDS_ID, code });

/** The Stage 1 / 2 form: Teachers' Standards, Target, Strategies/Action (T, S, RCTTP), Monitoring, Success Criteria. */
function supportPlanForm(heldOn: string, reviewDate: string, actionParty?: string): PlanDraft {
  const party = (code: string): string => actionParty ?? code;
  return {
    concerns: [
      {
        text: 'Year 9 lessons lack a clear sequence; pupils are unsure what they are learning.',
        links: [ts('TS4'), ts('TS4a')],
      },
      { text: 'Low-level disruption in Year 8 is not addressed consistently.', links: [ts('TS7b')] },
    ],
    targets: [
      {
        text: 'Plan each Year 9 lesson with a single learning objective and a sequence of three timed episodes.',
        links: [ts('TS4a'), ts('TS4b')],
        actions: [
          { party: party('T'), text: 'Submit lesson plans to the mentor 24 hours before teaching.' },
          { party: party('S'), text: 'Mentor reviews plans and models one lesson a week.' },
          { party: party('RCTTP'), text: 'Partnership Tutor visit with a joint observation.' },
        ],
        successCriteria: 'Three consecutive observed lessons judged to be well structured.',
        monitoring: 'Weekly mentor meeting; formal observation each week.',
        observationFocus: true,
      },
      {
        text: 'Apply the school behaviour policy consistently, using the warning system in every Year 8 lesson.',
        links: [ts('TS7b')],
        actions: [
          { party: party('T'), text: 'Use seating plans and the warning system; log sanctions.' },
          { party: party('S'), text: 'Head of year drops in to two lessons a week.' },
        ],
        successCriteria: 'Behaviour log shows consistent use; observed lessons have no unchallenged disruption.',
        monitoring: 'Behaviour log checked at the weekly mentor meeting.',
        observationFocus: false,
      },
    ],
    supportMeasures: [],
    reviewDate: workday(rcttp, reviewDate),
    meeting: {
      heldOn: workday(rcttp, heldOn),
      mode: 'in_person',
      attendees: ['mentor', 'partnership_tutor', 'course_leader', 'trainee'],
      placementConcern: true,
    },
  };
}

type Step = (c: CaseDriver) => void;
type PlanStage = 'progress_support_plan' | 'cause_for_concern';

/**
 * Draws up and agrees a Stage 1 / 2 plan: actions carry the T / S / RCTTP codes, the review is
 * at most 4 weeks after the plan is discussed with the trainee (a day later is refused), and the
 * form carries no signatories, so a member of staff records the agreement (the trainee cannot).
 */
const supportPlan =
  (stageId: PlanStage, date: string, reviewDate: string): Step =>
  (c) => {
    const today = on(c, date);
    expect(c.state).toMatchObject({ stageId, status: 'planning' });
    expect(
      refusal(c, () =>
        c.run('mentor', editPlan, { plan: supportPlanForm(date, reviewDate, 'mentor'), withdrawSignatures: false }),
      ).code,
    ).toBe('invalid_input');
    const latest = addDays(today, 28);
    const late = refusal(c, () =>
      c.run('mentor', editPlan, {
        plan: supportPlanForm(date, addDays(latest, 1), undefined),
        withdrawSignatures: false,
      }),
    );
    expect(late.code).toBe('review_date_outside_window');
    expect(late.userMessage).toContain(formatLongDate(latest));
    c.run('mentor', editPlan, { plan: supportPlanForm(date, reviewDate), withdrawSignatures: false });
    expect(outstandingSignatories(rcttp, c.state)).toEqual([]);
    expect(refusal(c, () => sign(c, 'trainee')).code).toBe('not_a_signatory');
    expect(c.state.plan?.agreedOn).toBeUndefined();
    sign(c, 'partnership_tutor');
    expect(c.state).toMatchObject({ stageId, status: 'active', plan: { agreedOn: today } });
    expect(nextReviewDate(c.state)).toBe(reviewDate);
  };

/** The review of a Stage 1 / 2 plan: "met" is refused while any target is not met. */
const planReview =
  (stageId: PlanStage, date: string, ratings: readonly ProgressRating[]): Step =>
  (c) => {
    on(c, date);
    expect(c.state).toMatchObject({ stageId, status: 'active' });
    const met = ratings.every((r) => r === 'met');
    if (!met) {
      const refused = refusal(c, () =>
        c.run('partnership_tutor', recordReview, {
          progress: progressOf(c.state, ratings),
          evidence: 'x',
          attendees: [],
          outcomeId: 'targets_met',
        }),
      );
      expect(refused.code).toBe('outcome_not_allowed');
    } else {
      expect(
        refusal(c, () =>
          c.run('partnership_tutor', recordReview, {
            progress: progressOf(c.state, ratings),
            evidence: 'x',
            attendees: [],
            outcomeId: 'targets_not_met',
          }),
        ).code,
      ).toBe('outcome_not_allowed');
    }
    c.run('partnership_tutor', recordReview, {
      progress: progressOf(c.state, ratings, 'Formal observations and weekly mentor meeting records'),
      evidence: 'Formal observation records, lesson plans, behaviour log and mentor meeting notes.',
      attendees: ['mentor', 'partnership_tutor', 'course_leader', 'trainee'],
      outcomeId: met ? 'targets_met' : 'targets_not_met',
    });
  };

type ExecutiveOption =
  'further_monitoring' | 'further_placement_or_training' | 'extend_placement' | 'advise_withdrawal' | 'direct_to_leave';

/** The Executive Group as the chair records it: every member, and whether each attended. */
const EG_MEMBERS = [
  { name: 'Graham Fletcher', role: 'Chair of the Executive Group', attended: true },
  { name: 'Nadia Hussain', role: 'Programme Manager', attended: true },
  { name: 'Fiona McLeod', role: 'Partnership Tutor', attended: true },
  { name: 'Helen Marsh', role: 'Headteacher, partnership school', attended: false },
];

/** Stage 3: a report is prepared and presented to the Executive Group, whose chair records the decision. */
const executiveGroup =
  (date: string, outcomeId: ExecutiveOption): Step =>
  (c) => {
    on(c, date);
    expect(c.state).toMatchObject({ stageId: 'executive_group', status: 'awaiting_decision' });
    c.run('programme_manager', completeTask, {
      taskId: 'report',
      note: 'Report on Stages 1 and 2 presented to the Executive Group.',
    });
    // One report each time the Executive Group is convened.
    expect(refusal(c, () => c.run('course_leader', completeTask, { taskId: 'report' })).code).toBe('invalid_input');
    expect(c.state.tasksDone.filter((t) => t.taskId === 'report')).toHaveLength(
      c.state.stageHistory.filter((v) => v.stageId === 'executive_group').length,
    );
    expect(
      refusal(c, () =>
        c.run('programme_manager', recordReview, { progress: [], evidence: 'Report', attendees: [], outcomeId }),
      ).code,
    ).toBe('not_permitted');
    c.run('executive_group_chair', recordReview, {
      progress: [],
      evidence: 'Report to the Executive Group with the Progress Support Plan and Cause for Concern Plan records.',
      attendees: ['executive_group_chair', 'programme_manager', 'partnership_tutor'],
      outcomeId,
      members: EG_MEMBERS,
      ...(outcomeId === 'further_placement_or_training'
        ? {
            linkedCaseTargets: [
              {
                text: 'Plan sequences of lessons that build on prior learning',
                links: [ts('TS4')],
                actions: [{ party: 'T', text: 'Weekly planning checked with the mentor.' }],
                observationFocus: false,
              },
            ],
          }
        : {}),
    });
  };

const furtherMonitoring =
  (date: string, outcomeId: 'back_on_track' | 'concerns_remain'): Step =>
  (c) => {
    on(c, date);
    expect(c.state).toMatchObject({ stageId: 'further_monitoring', status: 'awaiting_decision' });
    c.run('course_leader', completeTask, {
      taskId: 'monitor_and_report',
      note: 'Four weekly visits; report to the Executive Group.',
    });
    c.run('course_leader', recordReview, {
      progress: [],
      evidence: 'Report of the delegated member of the Partnership after four weekly monitoring visits.',
      attendees: ['course_leader'],
      outcomeId,
    });
  };

/**
 * Deferred Final Assessment: in the following term, 8 weeks from its start; the Progress Review
 * is due by the end of week 5 and the judgement follows observations in weeks 7 and 8.
 */
const deferredFinalAssessment =
  (outcomeId: 'ready_for_moderation' | 'failed_standards'): Step =>
  (c) => {
    on(c, '2027-01-13');
    expect(c.state).toMatchObject({ stageId: 'deferred_final_assessment', status: 'awaiting_decision' });
    // The school accepting the trainee is fully informed about the deferment.
    expect(recipients(whoIsInformed(rcttp, c.state, 'deferred_final_assessment', 'stage_entered'))).toEqual([
      'office:dfa_school',
    ]);
    expect(
      refusal(c, () => c.run('partnership_tutor', setStageStart, { startsOn: workday(rcttp, '2027-04-19') })).code,
    ).toBe('not_permitted');
    c.run('course_team', setStageStart, { startsOn: workday(rcttp, '2027-04-19') });
    c.run('programme_manager', completeTask, {
      taskId: 'inform_dfa_school',
      note: 'Deferment documentation sent to Kingsmead Academy.',
    });
    const stage = rcttp.stages.find((s) => s.id === 'deferred_final_assessment');
    if (!stage) throw new Error('no DFA stage');
    const milestones = datedMilestones(stage, c.state.stageStartsOn);
    expect(milestones.find((m) => m.id === 'issues_meeting')).toMatchObject({
      from: '2027-04-19',
      to: '2027-05-02',
      deadline: false,
    });
    expect(milestones.find((m) => m.id === 'progress_review')).toMatchObject({
      from: '2027-05-03',
      to: '2027-05-23',
      deadline: true,
    });
    expect(milestones.find((m) => m.id === 'final_observations')).toMatchObject({
      from: '2027-05-31',
      to: '2027-06-13',
    });
    expect(milestones.filter((m) => m.deadline).map((m) => m.id)).toEqual(['progress_review']);
    // "The trainee's Progress Review must be completed by the end of week 5": recorded as done by
    // staff on the case (not the trainee), once; until then it is reminded (planDueMilestones).
    on(c, '2027-05-21');
    expect(milestoneStatuses(stage, c.state).find((m) => m.id === 'progress_review')?.done).toBeUndefined();
    expect(refusal(c, () => c.run('trainee', completeMilestone, { milestoneId: 'progress_review' })).code).toBe(
      'not_permitted',
    );
    expect(refusal(c, () => c.run('mentor', completeMilestone, { milestoneId: 'no_such_milestone' })).code).toBe(
      'task_unknown',
    );
    c.run('partnership_tutor', completeMilestone, { milestoneId: 'progress_review', note: 'Progress Review held.' });
    expect(milestoneStatuses(stage, c.state).find((m) => m.id === 'progress_review')?.done).toEqual({
      on: '2027-05-21',
      byName: partnershipTutor.name,
    });
    expect(
      refusal(c, () => c.run('mentor', completeMilestone, { milestoneId: 'progress_review' })).userMessage,
    ).toContain('already recorded as done');
    // The judgement follows the observations in weeks 7 and 8 (from Monday 31 May).
    on(c, '2027-05-28');
    const early = refusal(c, () =>
      c.run('partnership_tutor', recordReview, { progress: [], evidence: 'Progress Review', attendees: [], outcomeId }),
    );
    expect(early.code).toBe('invalid_date');
    expect(early.userMessage).toContain('Monday 31 May 2027');
    on(c, '2027-06-10');
    c.run('partnership_tutor', recordReview, {
      progress: [],
      evidence:
        'Observations in weeks 7 and 8 by the Partnership Tutor, the RCTTP Course Leader and the School Mentor; Progress Review of 21 May.',
      attendees: ['partnership_tutor', 'course_leader', 'mentor'],
      outcomeId,
    });
  };

const outcomeMeeting =
  (outcomeId: 'decision_confirmed' | 'decision_overturned'): Step =>
  (c) => {
    on(c, '2027-06-23');
    expect(c.state).toMatchObject({ stageId: 'dfa_outcome_meeting', status: 'awaiting_decision' });
    c.run('partnership_administrator', completeTask, { taskId: 'minute_meeting', note: 'Minutes circulated 24 June.' });
    c.run('programme_manager', recordReview, {
      progress: [],
      evidence: 'Deferred Final Assessment records and further evidence from the school.',
      attendees: [
        'trainee',
        'professional_mentor',
        'partnership_tutor',
        'programme_manager',
        'executive_group_chair',
        'partnership_administrator',
      ],
      outcomeId,
    });
  };

const healthPauseAndExtension: Step = (c) => {
  on(c, '2026-11-10');
  c.run('partnership_tutor', pauseCase, { reason: 'health' });
  expect(nextReviewDate(c.state)).toBeUndefined();
  expect(
    refusal(c, () =>
      c.run('partnership_tutor', extendReviewDate, { reviewDate: workday(rcttp, '2026-11-30'), reason: 'x' }),
    ).code,
  ).toBe('case_paused');
  on(c, '2026-11-13');
  c.run('partnership_tutor', resumeCase, undefined);
  // Paused Tuesday 10 to Friday 13 November: three working days, so 27 November becomes 2 December.
  expect(c.state.plan?.pausedWorkingDays).toBe(3);
  expect(nextReviewDate(c.state)).toBe('2026-12-02');
  // The plan runs for at most 4 weeks from 2 November, lengthened by the three working days paused.
  const capped = refusal(c, () =>
    c.run('mentor', extendReviewDate, { reviewDate: workday(rcttp, '2026-12-04'), reason: 'Trainee absent' }),
  );
  expect(capped.code).toBe('extension_not_allowed');
  expect(capped.userMessage).toContain('Thursday 3 December 2026');
  c.run('mentor', extendReviewDate, {
    reviewDate: workday(rcttp, '2026-12-03'),
    reason: 'Observation moved to the Year 9 set on Thursday',
  });
  expect(nextReviewDate(c.state)).toBe('2026-12-03');
};

/** The Cause for Concern review date moves within the 4-week cap, never beyond it. */
const extensionWithinCap: Step = (c) => {
  on(c, '2026-12-14');
  // Agreed Monday 30 November: 4 weeks is Monday 28 December (a bank holiday, as the procedure counts weeks).
  const capped = refusal(c, () =>
    c.run('mentor', extendReviewDate, { reviewDate: workday(rcttp, '2026-12-29'), reason: 'More time' }),
  );
  expect(capped.code).toBe('extension_not_allowed');
  expect(capped.userMessage).toContain('Monday 28 December 2026');
  c.run('mentor', extendReviewDate, { reviewDate: workday(rcttp, '2026-12-18'), reason: 'Mock examinations week' });
  expect(c.state.plan?.extensions).toEqual([
    { from: '2026-12-17', to: '2026-12-18', reason: 'Mock examinations week' },
  ]);
};

const NOT_MET = ['partly_met', 'not_met'] as const;
const MET = ['met', 'met'] as const;

const toCauseForConcern: Step[] = [
  supportPlan('progress_support_plan', '2026-11-02', '2026-11-27'),
  planReview('progress_support_plan', '2026-11-27', NOT_MET),
  supportPlan('cause_for_concern', '2026-11-30', '2026-12-17'),
];
const toExecutiveGroup: Step[] = [...toCauseForConcern, planReview('cause_for_concern', '2026-12-17', NOT_MET)];
const EG_HISTORY = ['progress_support_plan/opened', 'cause_for_concern/outcome', 'executive_group/outcome'];

interface Walk {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly resolution: CloseResolution;
  readonly outcomeId: string;
  readonly history: readonly string[];
}

const walks: readonly Walk[] = [
  {
    name: 'Stage 1: Progress Support Plan targets met',
    steps: [
      supportPlan('progress_support_plan', '2026-11-02', '2026-11-27'),
      planReview('progress_support_plan', '2026-11-27', MET),
    ],
    resolution: 'resolved',
    outcomeId: 'targets_met',
    history: ['progress_support_plan/opened'],
  },
  {
    name: 'Stage 1: targets met after a health pause and an extension to the 4-week cap',
    steps: [
      supportPlan('progress_support_plan', '2026-11-02', '2026-11-27'),
      healthPauseAndExtension,
      planReview('progress_support_plan', '2026-12-03', MET),
    ],
    resolution: 'resolved',
    outcomeId: 'targets_met',
    history: ['progress_support_plan/opened'],
  },
  {
    name: 'Stage 2: PSP not met, Cause for Concern targets met',
    steps: [...toCauseForConcern, extensionWithinCap, planReview('cause_for_concern', '2026-12-18', MET)],
    resolution: 'resolved',
    outcomeId: 'targets_met',
    history: ['progress_support_plan/opened', 'cause_for_concern/outcome'],
  },
  {
    name: 'Stage 3: Executive Group delegates further monitoring, the trainee is back on track',
    steps: [
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'further_monitoring'),
      furtherMonitoring('2027-02-10', 'back_on_track'),
    ],
    resolution: 'resolved',
    outcomeId: 'back_on_track',
    history: [...EG_HISTORY, 'further_monitoring/outcome'],
  },
  {
    name: 'Stage 3: further monitoring, concerns remain, back to the Executive Group, which advises withdrawal',
    steps: [
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'further_monitoring'),
      furtherMonitoring('2027-02-10', 'concerns_remain'),
      executiveGroup('2027-02-24', 'advise_withdrawal'),
    ],
    resolution: 'withdrawn',
    outcomeId: 'advise_withdrawal',
    history: [...EG_HISTORY, 'further_monitoring/outcome', 'executive_group/outcome'],
  },
  {
    name: 'Stage 3: further placement against a new Progress Support Plan, which opens a linked case',
    steps: [...toExecutiveGroup, executiveGroup('2027-01-13', 'further_placement_or_training')],
    resolution: 'decision',
    outcomeId: 'further_placement_or_training',
    history: EG_HISTORY,
  },
  {
    name: 'Stage 3: Deferred Final Assessment, ready to be recommended for a moderation visit',
    steps: [
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'extend_placement'),
      deferredFinalAssessment('ready_for_moderation'),
    ],
    resolution: 'resolved',
    outcomeId: 'ready_for_moderation',
    history: [...EG_HISTORY, 'deferred_final_assessment/outcome'],
  },
  {
    name: 'Stage 3: Deferred Final Assessment failed, the outcome meeting confirms: not recommended for QTS',
    steps: [
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'extend_placement'),
      deferredFinalAssessment('failed_standards'),
      outcomeMeeting('decision_confirmed'),
    ],
    resolution: 'decision',
    outcomeId: 'decision_confirmed',
    history: [...EG_HISTORY, 'deferred_final_assessment/outcome', 'dfa_outcome_meeting/outcome'],
  },
  {
    name: 'Stage 3: Deferred Final Assessment failed, the outcome meeting overturns it: recommended for QTS',
    steps: [
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'extend_placement'),
      deferredFinalAssessment('failed_standards'),
      outcomeMeeting('decision_overturned'),
    ],
    resolution: 'decision',
    outcomeId: 'decision_overturned',
    history: [...EG_HISTORY, 'deferred_final_assessment/outcome', 'dfa_outcome_meeting/outcome'],
  },
  {
    name: 'Stage 3: the Executive Group advises the trainee to withdraw',
    steps: [...toExecutiveGroup, executiveGroup('2027-01-13', 'advise_withdrawal')],
    resolution: 'withdrawn',
    outcomeId: 'advise_withdrawal',
    history: EG_HISTORY,
  },
  {
    name: 'Stage 3: the Executive Group directs the trainee to leave the programme',
    steps: [...toExecutiveGroup, executiveGroup('2027-01-13', 'direct_to_leave')],
    resolution: 'withdrawn',
    outcomeId: 'direct_to_leave',
    history: EG_HISTORY,
  },
];

function walkTo(steps: readonly Step[], open: Opening = opening()): CaseDriver {
  const c = openWalk(rcttp, open);
  for (const step of steps) step(c);
  return c;
}

function expectClosed(c: CaseDriver, walk: Omit<Walk, 'name' | 'steps'>): void {
  expect(c.state.status).toBe('closed');
  expect(c.state.closure).toMatchObject({ resolution: walk.resolution, outcomeId: walk.outcomeId });
  expect(history(c.state)).toEqual(walk.history);
  expect(replay(c.events)).toEqual(c.state);
}

describe('RCTTP Concern Procedures: walked from the Progress Support Plan to every outcome', () => {
  it.each(walks)('$name', (walk) => {
    expectClosed(walkTo(walk.steps), walk);
  });

  it('the deferred final assessment is offered with no financial support, and the confirmed decision carries the appeal rule', () => {
    const outcomes = rcttp.stages.flatMap((s) => s.review?.outcomes ?? []);
    expect(outcomes.find((o) => o.id === 'extend_placement')?.traineeNotice).toContain(
      'no financial support will be available',
    );
    expect(outcomes.find((o) => o.id === 'decision_confirmed')?.traineeNotice).toContain('on a procedural basis');
  });
});

// ---------------------------------------------------------------------------------------------
// Exceptional Circumstances: the Head Teacher/Professional Mentor informs the Programme Manager,
// who informs the chair of the Executive Group, who convenes a panel of up to 5 (3 quorate).

const PANEL = [
  { id: egChair.email, name: egChair.name, role: 'Chair of the Executive Group' },
  { id: programmeManager.email, name: programmeManager.name, role: 'Programme Manager' },
  { id: 'a.shaw@kingsmead.sch.uk', name: 'Andrew Shaw', role: 'Headteacher, partnership school' },
  { id: 'r.ellis@rcttp.org.uk', name: 'Ruth Ellis', role: 'Partnership Tutor (another school)' },
  { id: 'm.grant@rcttp.org.uk', name: 'Michael Grant', role: 'Executive Group member' },
];
const SIXTH = { id: 'k.dunn@rcttp.org.uk', name: 'Kate Dunn', role: 'Observer' };
const ids = (n: number): string[] => PANEL.slice(0, n).map((m) => m.id);

type PanelDecision = 'continue_concern_procedures' | 'refer_to_executive_group' | 'direct_to_leave';

const exceptionalCircumstances =
  (date: string, decisionId: PanelDecision): Step =>
  (c) => {
    on(c, date);
    const stageId = c.state.stageId;
    const before = { status: c.state.status, plan: c.state.plan };
    const panelId = 'exceptional_circumstances';
    expect(
      refusal(c, () => c.run('professional_mentor', convenePanel, { panelId, members: PANEL, evidence: [] })).code,
    ).toBe('not_permitted');
    expect(
      refusal(c, () =>
        c.run('executive_group_chair', convenePanel, { panelId, members: [...PANEL, SIXTH], evidence: [] }),
      ).code,
    ).toBe('panel_too_large');
    expect(
      refusal(c, () =>
        c.run('executive_group_chair', convenePanel, { panelId, members: PANEL.slice(0, 2), evidence: [] }),
      ).code,
    ).toBe('panel_not_quorate');
    c.run('executive_group_chair', convenePanel, {
      panelId,
      members: PANEL,
      evidence: [
        'Records of mentor meetings and lesson observation feedback',
        'Attendance registers for central training',
      ],
    });
    expect(
      refusal(c, () =>
        c.run('executive_group_chair', recordPanelMeeting, { panelId, attendees: ids(2), chair: egChair.email }),
      ).code,
    ).toBe('panel_not_quorate');
    expect(
      refusal(c, () => c.run('executive_group_chair', recordPanelMeeting, { panelId, attendees: ids(3) })).code,
    ).toBe('missing_field');
    // First meeting: the chair is agreed; verbal reports from the school and partnership staff.
    c.run('executive_group_chair', recordPanelMeeting, {
      panelId,
      attendees: ids(3),
      chair: 'a.shaw@kingsmead.sch.uk',
    });
    expect(c.state.panels.at(-1)).toMatchObject({
      panelId,
      stageId,
      chair: 'a.shaw@kingsmead.sch.uk',
      decisionId: undefined,
    });
    expect(
      refusal(c, () =>
        c.run('executive_group_chair', recordPanelMeeting, {
          panelId,
          attendees: ids(4),
          chair: egChair.email,
          decisionId,
        }),
      ).code,
    ).toBe('invalid_input');
    c.run('executive_group_chair', recordPanelMeeting, {
      panelId,
      attendees: [...ids(3), 'm.grant@rcttp.org.uk'],
      decisionId,
      rationale:
        "Performance against Part 1 of the Teachers' Standards is having a detrimental impact on pupils' learning.",
    });
    expect(c.state.panels.at(-1)?.decisionId).toBe(decisionId);
    if (decisionId === 'continue_concern_procedures') {
      expect(c.state).toMatchObject({ stageId, status: before.status, plan: before.plan });
    }
  };

const atDfaOutcomeMeeting = [
  ...toExecutiveGroup,
  executiveGroup('2027-01-13', 'extend_placement'),
  deferredFinalAssessment('failed_standards'),
];

const panelWalks = [
  {
    name: 'at Stage 1, decides the procedures continue; the PSP targets are then met',
    steps: [
      supportPlan('progress_support_plan', '2026-11-02', '2026-11-27'),
      exceptionalCircumstances('2026-11-16', 'continue_concern_procedures'),
      planReview('progress_support_plan', '2026-11-27', MET),
    ],
    resolution: 'resolved',
    outcomeId: 'targets_met',
    history: ['progress_support_plan/opened'],
  },
  {
    name: 'at Stage 2, refers to the Executive Group, which directs the trainee to leave',
    steps: [
      ...toCauseForConcern,
      exceptionalCircumstances('2026-12-09', 'refer_to_executive_group'),
      executiveGroup('2026-12-16', 'direct_to_leave'),
    ],
    resolution: 'withdrawn',
    outcomeId: 'direct_to_leave',
    history: ['progress_support_plan/opened', 'cause_for_concern/outcome', 'executive_group/decision'],
  },
  {
    name: 'at Stage 3, directs the trainee to leave',
    steps: [...toExecutiveGroup, exceptionalCircumstances('2027-01-08', 'direct_to_leave')],
    resolution: 'withdrawn',
    outcomeId: 'direct_to_leave',
    history: EG_HISTORY,
  },
  {
    name: 'during further monitoring, decides the procedures continue; the trainee is then back on track',
    steps: [
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'further_monitoring'),
      exceptionalCircumstances('2027-01-27', 'continue_concern_procedures'),
      furtherMonitoring('2027-02-10', 'back_on_track'),
    ],
    resolution: 'resolved',
    outcomeId: 'back_on_track',
    history: [...EG_HISTORY, 'further_monitoring/outcome'],
  },
  {
    name: 'during the Deferred Final Assessment, refers to the Executive Group, which advises withdrawal',
    steps: [
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'extend_placement'),
      exceptionalCircumstances('2027-05-05', 'refer_to_executive_group'),
      executiveGroup('2027-05-12', 'advise_withdrawal'),
    ],
    resolution: 'withdrawn',
    outcomeId: 'advise_withdrawal',
    history: [...EG_HISTORY, 'deferred_final_assessment/outcome', 'executive_group/decision'],
  },
  {
    name: 'before the outcome meeting, directs the trainee to leave',
    steps: [...atDfaOutcomeMeeting, exceptionalCircumstances('2027-06-16', 'direct_to_leave')],
    resolution: 'withdrawn',
    outcomeId: 'direct_to_leave',
    history: [...EG_HISTORY, 'deferred_final_assessment/outcome', 'dfa_outcome_meeting/outcome'],
  },
] as const;

describe('RCTTP: the deferred final assessment at another school, with its School Mentor(s)', () => {
  const kingsmead = 'kingsmead.sch.uk';
  const dfaMentor = person('mentor', 'Aisha Khan', `a.khan@${kingsmead}`);
  const dfaClassTeacher = person('mentor', 'Robert Dale', `r.dale@${kingsmead}`);
  const dfaHead = person('professional_mentor', 'Martin Osei', `m.osei@${kingsmead}`);

  /**
   * "The school that agrees to accept the trainee for the deferred final assessment placement";
   * "the Trainee will be observed teaching by the Partnership Tutor, the RCTTP Course Leader and
   * School Mentor(s) before a judgement can be made": the placement moves to that school and its
   * mentors replace St Wilfrid's on the case, while the Partnership Tutor and Course Leader stay.
   */
  const moveToDeferredSchool: Step = (c) => {
    on(c, '2027-01-13');
    expect(c.state.stageId).toBe('deferred_final_assessment');
    // A mentor of the old school cannot move the placement; the course team does.
    expect(
      refusal(c, () => c.run('mentor', changePlacement, { school: 'Kingsmead Academy', people: [], reason: 'Agreed' }))
        .code,
    ).toBe('not_permitted');
    c.run('course_team', changePlacement, {
      school: 'Kingsmead Academy',
      startsOn: workday(rcttp, '2027-04-19'),
      endsOn: workday(rcttp, '2027-06-11'),
      people: [dfaMentor, dfaClassTeacher, dfaHead],
      reason: 'Kingsmead Academy agrees to accept the trainee for the deferred final assessment placement.',
    });
    expect(c.state.placement.school).toBe('Kingsmead Academy');
    expect(c.state.people.filter((p) => p.role === 'mentor')).toEqual([dfaMentor, dfaClassTeacher]);
    expect(c.state.people.find((p) => p.role === 'professional_mentor')).toEqual(dfaHead);
    expect(c.state.people).toContainEqual(partnershipTutor);
    expect(c.state.people).toContainEqual(courseLeader);
    expect(c.state.formerPeople.map((f) => f.person)).toEqual([mentor, secondMentor, headteacher]);
    // St Wilfrid's mentors no longer act on the case.
    expect(rolesOnCase(c.state, actorFor(mentor))).toEqual([]);
  };

  it('moves the placement, then the Kingsmead mentors observe and the trainee is ready for a moderation visit', () => {
    const c = walkTo([
      ...toExecutiveGroup,
      executiveGroup('2027-01-13', 'extend_placement'),
      moveToDeferredSchool,
      deferredFinalAssessment('ready_for_moderation'),
    ]);
    expectClosed(c, {
      resolution: 'resolved',
      outcomeId: 'ready_for_moderation',
      history: [...EG_HISTORY, 'deferred_final_assessment/outcome'],
    });
    expect(c.state.formerPlacements.map((f) => f.placement.school)).toEqual(["St Wilfrid's High School"]);
  });

  it('a mentor who leaves mid-plan is replaced, and the plan goes on with the new one', () => {
    const c = walkTo([supportPlan('progress_support_plan', '2026-11-02', '2026-11-27')]);
    on(c, '2026-11-09');
    c.run('course_team', changePerson, {
      role: 'mentor',
      removeId: mentor.id,
      add: { id: dfaMentor.id, name: 'Nina Shah', email: dfaMentor.email },
      reason: 'Sarah Collins is on long-term leave.',
    });
    expect(c.state.people.filter((p) => p.role === 'mentor').map((p) => p.name)).toEqual([
      secondMentor.name,
      'Nina Shah',
    ]);
    planReview('progress_support_plan', '2026-11-27', MET)(c);
    expect(c.state.closure).toMatchObject({ resolution: 'resolved', outcomeId: 'targets_met' });
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('RCTTP: the Exceptional Circumstances panel, at any stage', () => {
  it.each(panelWalks)('$name', (walk) => {
    expectClosed(walkTo(walk.steps), walk);
  });
});

// ---------------------------------------------------------------------------------------------
// "At any point during the year … the Executive Group can be convened … and, where appropriate,
// direct the trainee to leave the programme."

const escalate =
  (date: string): Step =>
  (c) => {
    on(c, date);
    const from = c.state.stageId;
    expect(
      refusal(c, () =>
        c.run('partnership_tutor', escalateCase, { toStageId: 'executive_group', reason: 'Concerns unresolved' }),
      ).code,
    ).toBe('not_permitted');
    c.run('course_team', escalateCase, {
      toStageId: 'executive_group',
      reason: 'It has not been possible to resolve specific concerns.',
    });
    expect(c.state).toMatchObject({ stageId: 'executive_group', status: 'awaiting_decision' });
    expect(c.events.find((e) => e.type === 'case_escalated' && e.data.fromStageId === from)).toBeDefined();
    // From the Executive Group there is nowhere further to escalate.
    expect(
      refusal(c, () => c.run('course_team', escalateCase, { toStageId: 'executive_group', reason: 'again' })).code,
    ).toBe('escalation_not_allowed');
  };

const escalations = [
  {
    name: 'from Stage 1 while the PSP is being drawn up',
    steps: [escalate('2026-11-02')],
    executiveGroupOn: '2026-11-11',
    history: ['progress_support_plan/opened', 'executive_group/escalation'],
  },
  {
    name: 'from Stage 1 with the PSP running',
    steps: [supportPlan('progress_support_plan', '2026-11-02', '2026-11-27'), escalate('2026-11-18')],
    executiveGroupOn: '2026-11-25',
    history: ['progress_support_plan/opened', 'executive_group/escalation'],
  },
  {
    name: 'from Stage 2',
    steps: [...toCauseForConcern, escalate('2026-12-08')],
    executiveGroupOn: '2026-12-15',
    history: ['progress_support_plan/opened', 'cause_for_concern/outcome', 'executive_group/escalation'],
  },
  {
    name: 'during further monitoring',
    steps: [...toExecutiveGroup, executiveGroup('2027-01-13', 'further_monitoring'), escalate('2027-01-29')],
    executiveGroupOn: '2027-02-03',
    history: [...EG_HISTORY, 'further_monitoring/outcome', 'executive_group/escalation'],
  },
  {
    name: 'during the Deferred Final Assessment',
    steps: [...toExecutiveGroup, executiveGroup('2027-01-13', 'extend_placement'), escalate('2027-05-05')],
    executiveGroupOn: '2027-05-12',
    history: [...EG_HISTORY, 'deferred_final_assessment/outcome', 'executive_group/escalation'],
  },
  {
    name: 'before the Deferred Final Assessment outcome meeting',
    steps: [...atDfaOutcomeMeeting, escalate('2027-06-14')],
    executiveGroupOn: '2027-06-16',
    history: [
      ...EG_HISTORY,
      'deferred_final_assessment/outcome',
      'dfa_outcome_meeting/outcome',
      'executive_group/escalation',
    ],
  },
];

describe('RCTTP: the Executive Group convened at any point, directing the trainee to leave', () => {
  it.each(escalations)('$name', (walk) => {
    const c = walkTo([...walk.steps, executiveGroup(walk.executiveGroupOn, 'direct_to_leave')]);
    expectClosed(c, { resolution: 'withdrawn', outcomeId: 'direct_to_leave', history: walk.history });
  });
});

// ---------------------------------------------------------------------------------------------
// "The Concern Procedures could be initiated a second time in the case of: long term illness
// supported by a medical certificate; bereavement of a close relative; serious breakdown of
// professional relationships." A third initiation is refused.

const SECOND = { reference: 'RCTTP-CP-2027-002' };

describe('RCTTP: initiating the Concern Procedures a second time', () => {
  it.each([
    ['without a ground', 1, undefined, 'reinitiation_not_allowed'],
    ['for long term illness without a medical certificate', 1, { groundId: 'long_term_illness' }, 'missing_field'],
    [
      'a third time, even with a medical certificate',
      2,
      { groundId: 'long_term_illness', evidence: 'GP fit note dated 4 January 2027' },
      'reinitiation_not_allowed',
    ],
  ] as const)('is refused %s', (_, previousCases, reinitiation, code) => {
    const open = opening({
      on: '2027-02-01',
      previousCases,
      input: { ...opening().input, ...SECOND, ...(reinitiation ? { reinitiation } : {}) },
    });
    expect(() => openWalk(rcttp, open)).toThrow(expect.objectContaining({ code }));
  });

  it.each<[string, { groundId: string; evidence?: string }]>([
    [
      'for long term illness supported by a medical certificate',
      { groundId: 'long_term_illness', evidence: 'GP fit note dated 4 January 2027, six weeks' },
    ],
    ['after the bereavement of a close relative', { groundId: 'bereavement' }],
  ])('is accepted %s, and the new PSP runs to its outcome', (_, reinitiation) => {
    const open = opening({
      on: '2027-02-01',
      previousCases: 1,
      input: { ...opening().input, ...SECOND, reinitiation },
    });
    const c = walkTo(
      [
        supportPlan('progress_support_plan', '2027-02-01', '2027-02-26'),
        planReview('progress_support_plan', '2027-02-26', MET),
      ],
      open,
    );
    expect(c.state.reinitiation).toEqual({ groundId: reinitiation.groundId, evidence: reinitiation.evidence });
    expectClosed(c, { resolution: 'resolved', outcomeId: 'targets_met', history: ['progress_support_plan/opened'] });
  });

  it('other extenuating circumstances are considered case by case by the course team', () => {
    const input = {
      ...opening().input,
      ...SECOND,
      reinitiation: {
        groundId: 'other_extenuating',
        evidence: 'Change of placement school after a safeguarding concern',
      },
    };
    expect(() => openWalk(rcttp, opening({ on: '2027-02-01', previousCases: 1, input }))).toThrow(
      expect.objectContaining({ code: 'not_permitted' }),
    );
    const c = openWalk(rcttp, opening({ on: '2027-02-01', by: 'course_team', previousCases: 1, input }));
    expect(c.state).toMatchObject({
      stageId: 'progress_support_plan',
      status: 'planning',
      reinitiation: { groundId: 'other_extenuating' },
    });
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('RCTTP: the Executive Group decides as a group, leads on to a new Progress Support Plan, and the procedural appeal', () => {
  it('"Options available to the Executive Group include: …": the decision is recorded with its members and who attended, not the chair alone', () => {
    const c = walkTo(toExecutiveGroup);
    c.run('programme_manager', completeTask, { taskId: 'report', note: 'Report presented.' });
    const decide = (members?: { name: string; role?: string; attended: boolean }[]) =>
      c.run('executive_group_chair', recordReview, {
        progress: [],
        evidence: 'Report to the Executive Group.',
        attendees: [],
        outcomeId: 'further_monitoring',
        ...(members === undefined ? {} : { members }),
      });
    const alone = refusal(c, () => decide());
    expect(alone.code).toBe('missing_field');
    expect(alone.userMessage).toContain('list its members and whether each attended');
    expect(refusal(c, () => decide(EG_MEMBERS.map((m) => ({ ...m, attended: false })))).code).toBe('invalid_input');
    expect(refusal(c, () => decide([...EG_MEMBERS, ...EG_MEMBERS.slice(0, 1)])).code).toBe('invalid_input');
    decide(EG_MEMBERS);
    expect(c.state.reviews.at(-1)?.members).toEqual(
      EG_MEMBERS.map((m) => ({ name: m.name, role: m.role, attended: m.attended })),
    );
    expect(replay(c.events)).toEqual(c.state);
  });

  it('"Further teaching placement and/or training against a Progress Support Plan": this case closes and a linked case opens at Stage 1 with the targets the group names', () => {
    const c = walkTo([...toExecutiveGroup, executiveGroup('2027-01-13', 'further_placement_or_training')]);
    const [link] = c.state.linkedCases;
    expect(link).toMatchObject({
      reference: 'RCTTP-CP-2026-007/2',
      stageId: 'progress_support_plan',
      outcomeId: 'further_placement_or_training',
    });
    if (!link) throw new Error('no link');
    const opened = openLinkedCase(
      { procedure: rcttp, calendar: calendarFor(rcttp), now: c.clock.now, actor: actorFor(egChair) },
      c.state,
      link,
    );
    expect(opened.state).toMatchObject({
      stageId: 'progress_support_plan',
      linkedFrom: { caseId: c.state.id, reference: 'RCTTP-CP-2026-007', outcomeId: 'further_placement_or_training' },
    });
    expect(opened.state.plan?.content.targets.map((t) => t.links)).toEqual([[ts('TS4')]]);
  });

  it('"may only make an appeal against the Partnership\'s decision about the recommendation for the award of QTS on a procedural basis and may not appeal against the outcome"', () => {
    const early = walkTo(atDfaOutcomeMeeting);
    // Nothing to appeal before the decision.
    expect(
      refusal(early, () =>
        early.run('programme_manager', lodgeAppeal, { lodgedOn: early.clock.today, grounds: 'x', procedural: true }),
      ).code,
    ).toBe('outcome_not_allowed');

    const c = walkTo([...atDfaOutcomeMeeting, outcomeMeeting('decision_confirmed')]);
    on(c, '2027-06-30');
    const grounds = 'The Progress Review was not completed by the end of week 5 as the procedure requires.';
    const onOutcome = refusal(c, () =>
      c.run('programme_manager', lodgeAppeal, { lodgedOn: c.clock.today, grounds, procedural: false }),
    );
    expect(onOutcome.code).toBe('not_permitted');
    expect(onOutcome.userMessage).toContain('may not appeal against the outcome');
    expect(
      refusal(c, () => c.run('mentor', lodgeAppeal, { lodgedOn: c.clock.today, grounds, procedural: true })).code,
    ).toBe('not_permitted');
    c.run('programme_manager', lodgeAppeal, { lodgedOn: workday(rcttp, '2027-06-28'), grounds, procedural: true });
    expect(c.state.appeals).toEqual([
      expect.objectContaining({ id: 'A1', lodgedOn: '2027-06-28', grounds, against: 'decision_confirmed' }),
    ]);
    on(c, '2027-07-07');
    c.run('executive_group_chair', decideAppeal, {
      appealId: 'A1',
      outcome: 'not_upheld',
      reasons: 'The Progress Review was completed on the Friday of week 5.',
    });
    expect(c.state.appeals[0]?.decision).toMatchObject({ on: '2027-07-07', outcome: 'not_upheld' });
    expect(
      refusal(c, () =>
        c.run('executive_group_chair', decideAppeal, { appealId: 'A1', outcome: 'upheld', reasons: 'x' }),
      ).code,
    ).toBe('invalid_input');
    expect(replay(c.events)).toEqual(c.state);
  });
});
