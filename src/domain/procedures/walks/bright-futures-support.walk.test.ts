import { describe, expect, it } from 'vitest';
import { replay } from '../../case/apply-event.js';
import { editPlan, type PlanDraft } from '../../case/commands/edit-plan.js';
import { recordReview } from '../../case/commands/record-review.js';
import { recordTraineePerceptions } from '../../case/commands/record-trainee-perceptions.js';
import { nextReviewDate, outstandingSignatories, whoIsInformed } from '../../case/queries.js';
import type { CaseDriver } from '../../case/testing.js';
import type { CloseResolution, Person } from '../../case/types.js';
import { brightFuturesSupport as bf } from '../bright-futures-support.js';
import { signPlan } from '../../case/commands/sign-plan.js';
import { changePerson } from '../../case/commands/change-people.js';
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
 * Bright Futures SCITT Support Process, walked through the engine: Stage 1 (informal, ONLINE
 * meeting, SMART targets, Professional Mentor observation), Stage 2 (formal support plan signed
 * by all partners), Stage 3 (Lead observation and review) and the meeting with the SCITT Director.
 */

const SCITT = 'brightfutures-scitt.org.uk';
const SCHOOL = 'meadowbank-primary.sch.uk';

const person = (role: string, name: string, email: string): Person => ({ role, id: email, name, email });

const trainee = person('trainee', 'Amelia Hart', `amelia.hart@trainee.${SCITT}`);
const lead = person('lead', 'Karen Webb', `k.webb@${SCITT}`);
const mentor = person('mentor', "Liam O'Connor", `l.oconnor@${SCHOOL}`);
const professionalMentor = person('professional_mentor', 'Sunita Patel', `s.patel@${SCHOOL}`);
const director = person('director', 'Paul Richardson', `p.richardson@${SCITT}`);

const PEOPLE = [trainee, lead, mentor, professionalMentor, director];

function opening(by: string, people: readonly Person[] = PEOPLE): Opening {
  return {
    on: '2026-10-07',
    by,
    input: {
      reference: 'BF-2026-014',
      reasons: ['concern_raised'],
      people: [...people],
      placement: {
        school: 'Meadowbank Primary School',
        subject: undefined,
        phase: 'Key Stage 1',
        programme: 'Primary (5-11) with QTS 2026/27',
        startsOn: workday(bf, '2026-09-14'),
        endsOn: workday(bf, '2026-12-11'),
      },
    },
  };
}

/** Stage 1: SMART targets with action steps for the trainee, agreed at the preliminary ONLINE meeting. */
function stage1Form(reviewDate: string, mode: 'online' | 'in_person' = 'online'): PlanDraft {
  return {
    concernStatement:
      'Transitions between carpet and tables in Year 2 take up to ten minutes, and pupils working below age-related expectations are not given work they can access.',
    concerns: [
      { text: 'Learning time is lost at transitions; low-level disruption goes unchallenged.', links: [] },
      { text: 'Group tasks are not adapted for pupils working below age-related expectations.', links: [] },
    ],
    targets: [
      {
        text: 'Use a countdown and a rehearsed routine so that every transition in phonics and maths takes under two minutes by 16 October.',
        links: [],
        actions: [
          {
            party: 'trainee',
            text: 'Script the routine, rehearse it with the class on Monday and use it in every lesson.',
          },
        ],
        successCriteria:
          'In the observed lesson, each transition takes under two minutes with all pupils ready to learn.',
        timescale: 'By the observation on 16 October',
        observationFocus: true,
      },
      {
        text: 'Plan a scaffolded version of each maths task for the lower attaining group, every day this week and next.',
        links: [],
        actions: [{ party: 'trainee', text: 'Share the scaffolded task with the mentor the day before each lesson.' }],
        successCriteria: 'The lower attaining group completes the core task with the scaffold in the observed lesson.',
        timescale: 'Daily until 16 October',
        observationFocus: false,
      },
    ],
    supportMeasures: [],
    reviewDate: workday(bf, reviewDate),
    meeting: {
      heldOn: workday(bf, '2026-10-09'),
      mode,
      attendees: ['lead', 'mentor', 'trainee'],
      placementConcern: false,
    },
  };
}

/** Stage 2: the formal support plan, with support measures, SMART targets and action steps. */
function supportPlan(heldOn: string, reviewDate: string): PlanDraft {
  return {
    concernStatement:
      'Concerns from Stage 1 are ongoing: transitions are still slow and adapted tasks are not consistently planned.',
    concerns: [{ text: 'Stage 1 targets were only partly met at the Professional Mentor observation.', links: [] }],
    targets: [
      {
        text: 'Every transition in the observed lesson takes under two minutes, using the agreed routine.',
        links: [],
        actions: [
          { party: 'trainee', text: 'Film one transition a day and review it with the class mentor on Friday.' },
        ],
        successCriteria: 'Two consecutive observed lessons with transitions under two minutes.',
        timescale: 'Three weeks',
        observationFocus: true,
      },
      {
        text: 'Weekly maths planning shows an adapted task for the lower attaining group in every lesson.',
        links: [],
        actions: [{ party: 'trainee', text: 'Submit weekly maths planning to the mentor by Thursday 4pm.' }],
        successCriteria: 'All weekly plans for three weeks show adapted tasks; pupils’ books show completed work.',
        timescale: 'Three weeks',
        observationFocus: false,
      },
    ],
    supportMeasures: ['Additional training', 'Planning support', 'Adjusted workload'],
    reviewDate: workday(bf, reviewDate),
    meeting: {
      heldOn: workday(bf, heldOn),
      mode: 'online',
      attendees: ['lead', 'trainee', 'mentor'],
      placementConcern: false,
    },
  };
}

/** Signs with all partners; proves a non-signatory is refused and agreement waits for the last one. */
function allPartnersSign(c: CaseDriver): void {
  expect(refusal(c, () => sign(c, 'director')).code).toBe('not_a_signatory');
  sign(c, 'trainee');
  sign(c, 'lead');
  sign(c, 'mentor');
  expect(c.state.status).toBe('awaiting_signatures');
  expect(c.state.plan?.agreedOn).toBeUndefined();
  expect(outstandingSignatories(bf, c.state).map((o) => o.people.map((p) => p.name))).toEqual([['Sunita Patel']]);
  sign(c, 'professional_mentor');
  expect(c.state.status).toBe('active');
  expect(c.state.plan?.agreedOn).toBe(c.clock.today);
}

type Step = (c: CaseDriver) => void;

const stage1Agreed: Step = (c) => {
  on(c, '2026-10-09');
  // The form gives action steps to the trainee only.
  const mentorAction = stage1Form('2026-10-16');
  const withMentorAction = {
    ...mentorAction,
    targets: mentorAction.targets.map((t) => ({
      ...t,
      actions: [...t.actions, { party: 'mentor', text: 'Model the routine.' }],
    })),
  };
  expect(refusal(c, () => c.run('lead', editPlan, { plan: withMentorAction, withdrawSignatures: false })).code).toBe(
    'invalid_input',
  );
  // The preliminary meeting is ONLINE.
  expect(
    refusal(c, () =>
      c.run('lead', editPlan, { plan: stage1Form('2026-10-16', 'in_person'), withdrawSignatures: false }),
    ).code,
  ).toBe('invalid_input');
  c.run('lead', editPlan, { plan: stage1Form('2026-10-16'), withdrawSignatures: false });
  expect(c.state.plan?.content.meeting.mode).toBe('online');
  allPartnersSign(c);
  expect(nextReviewDate(c.state)).toBe('2026-10-16');
};

const stage1Review =
  (outcomeId: 'concerns_addressed' | 'concerns_ongoing'): Step =>
  (c) => {
    on(c, '2026-10-16');
    const ratings =
      outcomeId === 'concerns_addressed' ? (['met', 'met'] as const) : (['partly_met', 'not_met'] as const);
    // The review and observation are the Professional Mentor's.
    expect(
      refusal(c, () =>
        c.run('mentor', recordReview, {
          progress: progressOf(c.state, ratings),
          evidence: 'Observation',
          attendees: [],
          outcomeId,
        }),
      ).code,
    ).toBe('not_permitted');
    // "Professional Mentor to observe lesson on agreed date, review targets and feed back to Lead.
    // If concerns are ongoing, Lead will initiate Stage 2."
    if (outcomeId === 'concerns_ongoing') {
      const byMentor = refusal(c, () =>
        c.run('professional_mentor', recordReview, {
          progress: progressOf(c.state, ratings),
          evidence: 'Observation',
          attendees: [],
          outcomeId,
        }),
      );
      expect(byMentor.userMessage).toBe(
        '“Concerns are ongoing” is decided by Programme Lead (SCITT Lead) or the course team.',
      );
    }
    c.run(outcomeId === 'concerns_ongoing' ? 'lead' : 'professional_mentor', recordReview, {
      progress: progressOf(c.state, ratings, 'Professional Mentor observation, 16 October'),
      evidence: 'Professional Mentor lesson observation (phonics), planning file and pupils’ maths books.',
      attendees: ['professional_mentor', 'trainee'],
      outcomeId,
    });
    expect(recipients(whoIsInformed(bf, c.state, 'stage_1', 'review_recorded', { outcomeId }))).toEqual([
      `lead:${lead.email}`,
    ]);
  };

const stage2Agreed =
  (heldOn: string, reviewDate: string): Step =>
  (c) => {
    on(c, heldOn);
    expect(c.state).toMatchObject({ stageId: 'stage_2', status: 'planning' });
    c.run('lead', editPlan, { plan: supportPlan(heldOn, reviewDate), withdrawSignatures: false });
    expect(c.state.plan?.content.supportMeasures).toEqual([
      'Additional training',
      'Planning support',
      'Adjusted workload',
    ]);
    allPartnersSign(c);
    // Copy of the support plan shared with the Mentor team and the Trainee.
    expect(recipients(whoIsInformed(bf, c.state, 'stage_2', 'plan_agreed'))).toEqual([
      `mentor:${mentor.email}`,
      `professional_mentor:${professionalMentor.email}`,
      `trainee:${trainee.email}`,
    ]);
  };

const stage2Review =
  (date: string, outcomeId: 'progress_made' | 'no_progress'): Step =>
  (c) => {
    on(c, date);
    const ratings = outcomeId === 'progress_made' ? (['met', 'met'] as const) : (['partly_met', 'partly_met'] as const);
    c.run('lead', recordReview, {
      progress: progressOf(c.state, ratings, 'Review of the support plan'),
      evidence: 'Filmed transitions, weekly maths planning and pupils’ books.',
      attendees: ['lead', 'mentor', 'trainee'],
      outcomeId,
    });
  };

const stage3Review =
  (outcomeId: 'progress_demonstrated' | 'progress_not_demonstrated'): Step =>
  (c) => {
    on(c, '2026-12-03');
    expect(c.state.stageId).toBe('stage_3');
    // The observation at Stage 3 is the Lead's.
    expect(
      refusal(c, () =>
        c.run('professional_mentor', recordReview, {
          progress: progressOf(c.state, ['met', 'met']),
          evidence: 'x',
          attendees: [],
          outcomeId,
        }),
      ).code,
    ).toBe('not_permitted');
    const ratings =
      outcomeId === 'progress_demonstrated' ? (['met', 'met'] as const) : (['not_met', 'partly_met'] as const);
    c.run('lead', recordReview, {
      progress: progressOf(c.state, ratings, 'Lead observation, 3 December'),
      evidence:
        'Lead observation of a Year 2 maths lesson, followed by the review meeting with the Trainee and Mentor team.',
      attendees: ['lead', 'trainee', 'mentor', 'professional_mentor'],
      outcomeId,
    });
  };

const directorMeeting =
  (outcomeId: 'continues_with_support' | 'leaves_programme'): Step =>
  (c) => {
    on(c, '2026-12-10');
    expect(c.state).toMatchObject({ stageId: 'director_meeting', status: 'awaiting_decision' });
    expect(
      refusal(c, () => c.run('lead', recordReview, { progress: [], evidence: 'x', attendees: [], outcomeId })).code,
    ).toBe('not_permitted');
    c.run('director', recordReview, {
      progress: [],
      evidence: 'Stage 1 and Stage 2 plans, Lead observation record and review meeting notes.',
      attendees: ['director', 'trainee'],
      outcomeId,
    });
  };

interface Walk {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly resolution: CloseResolution;
  readonly outcomeId: string;
  readonly history: readonly string[];
}

const walks: readonly Walk[] = [
  {
    name: 'Stage 1: the concerns are addressed',
    steps: [stage1Agreed, stage1Review('concerns_addressed')],
    resolution: 'resolved',
    outcomeId: 'concerns_addressed',
    history: ['stage_1/opened'],
  },
  {
    name: 'Stage 2: the support plan leads to progress',
    steps: [
      stage1Agreed,
      stage1Review('concerns_ongoing'),
      stage2Agreed('2026-11-04', '2026-11-20'),
      stage2Review('2026-11-20', 'progress_made'),
    ],
    resolution: 'resolved',
    outcomeId: 'progress_made',
    history: ['stage_1/opened', 'stage_2/outcome'],
  },
  {
    name: 'Stage 3: progress demonstrated, the Trainee retains a place',
    steps: [
      stage1Agreed,
      stage1Review('concerns_ongoing'),
      stage2Agreed('2026-11-04', '2026-11-20'),
      stage2Review('2026-11-20', 'no_progress'),
      stage3Review('progress_demonstrated'),
    ],
    resolution: 'resolved',
    outcomeId: 'progress_demonstrated',
    history: ['stage_1/opened', 'stage_2/outcome', 'stage_3/outcome'],
  },
  {
    name: 'Director meeting: the Trainee continues with support, back to a Stage 2 plan that leads to progress',
    steps: [
      stage1Agreed,
      stage1Review('concerns_ongoing'),
      stage2Agreed('2026-11-04', '2026-11-20'),
      stage2Review('2026-11-20', 'no_progress'),
      stage3Review('progress_not_demonstrated'),
      directorMeeting('continues_with_support'),
      stage2Agreed('2027-01-11', '2027-01-29'),
      stage2Review('2027-01-29', 'progress_made'),
    ],
    resolution: 'resolved',
    outcomeId: 'progress_made',
    history: ['stage_1/opened', 'stage_2/outcome', 'stage_3/outcome', 'director_meeting/outcome', 'stage_2/outcome'],
  },
  {
    name: 'Director meeting: the Trainee leaves the programme',
    steps: [
      stage1Agreed,
      stage1Review('concerns_ongoing'),
      stage2Agreed('2026-11-04', '2026-11-20'),
      stage2Review('2026-11-20', 'no_progress'),
      stage3Review('progress_not_demonstrated'),
      directorMeeting('leaves_programme'),
    ],
    resolution: 'withdrawn',
    outcomeId: 'leaves_programme',
    history: ['stage_1/opened', 'stage_2/outcome', 'stage_3/outcome', 'director_meeting/outcome'],
  },
];

describe('Bright Futures Support Process: walked from opening to every outcome', () => {
  it.each(walks)('$name', (walk) => {
    const c = openWalk(bf, opening('mentor'));
    for (const step of walk.steps) step(c);
    expect(c.state.status).toBe('closed');
    expect(c.state.closure).toMatchObject({ resolution: walk.resolution, outcomeId: walk.outcomeId });
    expect(history(c.state)).toEqual(walk.history);
    expect(replay(c.events)).toEqual(c.state);
  });

  it('a plan carried back to Stage 2 after the Director meeting is a new plan, signed afresh by all partners', () => {
    const c = openWalk(bf, opening('mentor'));
    for (const step of walks[3]?.steps.slice(0, 6) ?? []) step(c);
    expect(c.state).toMatchObject({ stageId: 'stage_2', status: 'planning' });
    expect(c.state.plan).toMatchObject({ version: 3, stageId: 'stage_2', signatures: [], agreedOn: undefined });
    expect(c.state.previousPlans.map((p) => p.agreedOn)).toEqual(['2026-10-09', '2026-11-04']);
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('Bright Futures: "signed by all partners" means every mentor on the case', () => {
  const subjectMentor = person('mentor', 'Grace Obi', `g.obi@${SCHOOL}`);

  it('waits for the second mentor before the plan is agreed, and names them as the one still to sign', () => {
    const c = openWalk(bf, opening('mentor', [...PEOPLE, subjectMentor]));
    on(c, '2026-10-09');
    c.run('lead', editPlan, { plan: stage1Form('2026-10-16'), withdrawSignatures: false });
    for (const role of ['trainee', 'lead', 'mentor', 'professional_mentor']) sign(c, role);
    expect(c.state.status).toBe('awaiting_signatures');
    expect(c.state.plan?.agreedOn).toBeUndefined();
    expect(outstandingSignatories(bf, c.state).map((o) => o.people.map((p) => p.name))).toEqual([['Grace Obi']]);
    runAs(c, subjectMentor, signPlan, { role: 'mentor', typedName: 'Grace Obi' });
    expect(c.state.status).toBe('active');
    expect(c.state.plan?.agreedOn).toBe(c.clock.today);
    expect(replay(c.events)).toEqual(c.state);
  });
});

describe('Bright Futures: who raises a concern', () => {
  it.each([
    ['the Trainee', 'trainee'],
    ['the Mentor', 'mentor'],
    ['the Professional Mentor', 'professional_mentor'],
  ])('%s can raise it, and the Lead is contacted', (_, role) => {
    const c = openWalk(bf, opening(role));
    expect(c.state).toMatchObject({
      stageId: 'stage_1',
      status: 'planning',
      openedBy: PEOPLE.find((p) => p.role === role)?.id,
    });
    expect(recipients(whoIsInformed(bf, c.state, 'stage_1', 'case_opened'))).toEqual([`lead:${lead.email}`]);
    expect(history(c.state)).toEqual(['stage_1/opened']);
    expect(replay(c.events)).toEqual(c.state);
  });

  it.each([
    ['the SCITT Director', 'director'],
    ['the Programme Lead', 'lead'],
  ])('%s cannot raise it (the Lead is contacted, not the one raising)', (_, role) => {
    expect(() => openWalk(bf, opening(role))).toThrow(expect.objectContaining({ code: 'not_permitted' }));
  });
});

describe('Bright Futures: "Concerns raised by Professional Mentor, Mentor or Trainee" — the trainee says what the concern is', () => {
  const concern = 'I am struggling to manage transitions between phonics groups and the class gets unsettled.';

  it('a trainee who opens a Stage 1 case states the concern, which starts the statement of concern on the draft', () => {
    const base = opening('trainee');
    const c = openWalk(bf, { ...base, input: { ...base.input, concern } });
    expect(c.state.plan?.content.concernStatement).toBe(concern);
    expect(replay(c.events)).toEqual(c.state);
  });

  it('the trainee may reword the concern on the draft, and nothing else of the plan', () => {
    const c = openWalk(bf, opening('trainee'));
    const draft = (concernStatement: string, targets: PlanDraft['targets'] = []): PlanDraft => ({
      concernStatement,
      concerns: [],
      targets,
      supportMeasures: [],
      meeting: { attendees: [], placementConcern: false },
    });
    c.run('trainee', editPlan, { plan: draft(concern), withdrawSignatures: false });
    expect(c.state.plan?.content.concernStatement).toBe(concern);
    const targets = refusal(c, () =>
      c.run('trainee', editPlan, {
        plan: draft(concern, [{ text: 'Use a visual timer', links: [], actions: [], observationFocus: false }]),
        withdrawSignatures: false,
      }),
    );
    expect(targets.code).toBe('not_permitted');
    expect(targets.userMessage).toContain('You can state what the concern is');
    // "… to have a voice": the trainee's own perceptions of the concerns are recorded on the Stage 1 form.
    c.run('trainee', recordTraineePerceptions, {
      text: 'I agree the transitions need work; I would like to see the Year 1 teacher.',
    });
    expect(c.state.plan?.perceptions?.recordedBy).toBe(trainee.id);
  });

  it('"the Trainee may be invited to a meeting with the SCITT Director": the trainee is an optional attendee, not an expected one', () => {
    const meeting = bf.stages.find((s) => s.id === 'director_meeting')?.review?.meeting;
    expect(meeting?.attendees).toEqual(['director']);
    expect(meeting?.optionalAttendees).toEqual(['trainee']);
  });

  it('"Professional Mentor to observe lesson on agreed date": the Stage 1 review is the Professional Mentor\'s observation', () => {
    expect(bf.stages.find((s) => s.id === 'stage_1')?.review?.observationBy).toEqual(['professional_mentor']);
  });
});

describe('Bright Futures: a mentor who leaves mid-plan', () => {
  it('"All partners to agree": the mentor who signed and left keeps their signature, and the new mentor signs too before the plan is agreed', () => {
    const c = openWalk(bf, opening('mentor'));
    on(c, '2026-10-09');
    c.run('lead', editPlan, { plan: stage1Form('2026-10-16'), withdrawSignatures: false });
    sign(c, 'trainee');
    sign(c, 'lead');
    sign(c, 'mentor');
    on(c, '2026-10-12');
    const newMentor = person('mentor', 'Grace Ellis', `g.ellis@${SCHOOL}`);
    c.run('course_team', changePerson, {
      role: 'mentor',
      removeId: mentor.id,
      add: { id: newMentor.id, name: newMentor.name, email: newMentor.email },
      reason: "Liam O'Connor has left Meadowbank.",
    });
    expect(c.state.plan?.signatures.map((s) => s.typedName)).toEqual(['Amelia Hart', 'Karen Webb', "Liam O'Connor"]);
    expect(outstandingSignatories(bf, c.state).map((o) => o.people.map((p) => p.name))).toEqual([
      ['Grace Ellis'],
      ['Sunita Patel'],
    ]);
    sign(c, 'mentor');
    sign(c, 'professional_mentor');
    expect(c.state).toMatchObject({ status: 'active', plan: { agreedOn: '2026-10-12' } });
    stage1Review('concerns_addressed')(c);
    expect(c.state.closure).toMatchObject({ outcomeId: 'concerns_addressed' });
    expect(replay(c.events)).toEqual(c.state);
  });
});
