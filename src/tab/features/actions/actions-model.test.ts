import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../../domain/calendar/index';
import { enhancedSupport, rcttpConcernProcedures } from '../../../domain/procedures/index';
import type { CaseView, Me } from '../../api/types';
import { aCaseView } from '../../shared/testing/builders';
import { standingOf } from '../../shared/case-people';
import { stageOf } from '../../shared/procedure/case-rules';
import {
  canScheduleStage,
  canSuspendPlacement,
  caseStageSchedule,
  changeableRoles,
  meetingRecordBody,
  meetingRecordProblem,
  otherPlacements,
  placementMoveBody,
  placementMoveProblem,
  placementPeople,
  traineeIdOf,
  reviewMeetingProblem,
  personChangeBody,
  personChangeProblem,
  perceptionsAuthor,
  scheduleProblem,
  scheduleSummary,
  stageSchedule,
  suspensionProblem,
  weeksLabel,
} from './actions-model';

/**
 * Suspending a placement (Enhanced Support step 5) and scheduling a week-by-week stage (RCTTP's
 * Deferred Final Assessment): who is offered them, what they check, the dates they show. Short
 * dates go through formatDate (the host's Intl data decides the comma); long dates are the domain's.
 */

const LEAD = 'lead@x.example';
const TUTOR = 'tutor@x.example';

function aView(over: Parameters<typeof aCaseView>[0] = {}): CaseView {
  return aCaseView({
    id: 'c1',
    reference: 'ESP-1',
    version: 7,
    procedure: {
      id: enhancedSupport.id,
      name: enhancedSupport.name,
      provider: enhancedSupport.provider,
      confidential: false,
      version: 1,
      hash: '0'.repeat(64),
    },
    status: 'awaiting_decision',
    stage: { id: 'step_5', title: 'Step 5', startsOn: '2027-03-15' },
    people: [
      {
        role: 'trainee',
        id: 'trainee@x.example',
        name: 'Tomasz Nowak',
        email: 'trainee@x.example',
        roleLabel: 'Trainee',
      },
      { role: 'tutor', id: TUTOR, name: 'Samuel Adeyemi', email: TUTOR, roleLabel: 'University tutor' },
      { role: 'course_leader', id: LEAD, name: 'Claire Thompson', email: LEAD, roleLabel: 'Course leader' },
    ],
    placement: { school: 'Ridgeway Academy', programme: 'P1' },
    reasons: [],
    openedOn: '2027-01-11',
    stageHistory: [{ stageId: 'step_5', enteredOn: '2027-03-15', via: 'outcome', title: 'Step 5' }],
    previousPlans: [],
    reviews: [],
    panels: [],
    tasksDone: [],
    openedBy: 'lead@x.example',
    updatedAt: '2027-03-15T10:00:00Z',
    ...over,
    derived: { today: '2027-03-16', ...over.derived },
  });
}

const courseTeamMe: Me = {
  upn: LEAD,
  name: 'Claire Thompson',
  roles: ['course_team'],
  programmes: ['P1'],
  can: { openCases: true, seeReports: true, configureChannelTab: true, keepRoster: true },
  today: '2027-03-16',
};
const staffMe: Me = {
  upn: TUTOR,
  name: 'Samuel Adeyemi',
  roles: [],
  programmes: [],
  can: { openCases: false, seeReports: false, configureChannelTab: false, keepRoster: false },
  today: '2027-03-16',
};

const dfa = (over: Partial<CaseView> = {}): CaseView =>
  aView({
    reference: 'RCTTP-1',
    procedure: {
      id: rcttpConcernProcedures.id,
      name: rcttpConcernProcedures.name,
      provider: { id: 'provider', name: 'RCTTP', shortName: 'RCTTP' },
      confidential: false,
      version: 1,
      hash: '0'.repeat(64),
    },
    status: 'awaiting_decision',
    stage: { id: 'deferred_final_assessment', title: 'Deferred Final Assessment', startsOn: '2026-11-23' },
    ...over,
  });

describe('suspending the placement', () => {
  const courseTeam = (view: CaseView) => standingOf(view, courseTeamMe, LEAD);

  it('is offered to the course team only, at a stage that allows it, once, while the case is open', () => {
    expect(canSuspendPlacement(aView(), enhancedSupport, courseTeam(aView()))).toBe(true);
    // The tutor named on the case is staff, not course team.
    const tutor = standingOf(aView(), staffMe, TUTOR);
    expect(tutor).toMatchObject({ staff: true, courseTeam: false });
    expect(canSuspendPlacement(aView(), enhancedSupport, tutor)).toBe(false);
    // Course team for another programme.
    expect(
      canSuspendPlacement(aView(), enhancedSupport, standingOf(aView(), { ...courseTeamMe, programmes: ['P2'] }, LEAD)),
    ).toBe(false);
    const step4 = aView({ stage: { id: 'step_4', title: 'Step 4' }, status: 'active' });
    expect(canSuspendPlacement(step4, enhancedSupport, courseTeam(step4))).toBe(false);
    const suspended = aView({ placementSuspended: { on: '2027-03-15', by: LEAD, reason: 'Pupils' } });
    expect(canSuspendPlacement(suspended, enhancedSupport, courseTeam(suspended))).toBe(false);
    const closed = aView({ status: 'closed' });
    expect(canSuspendPlacement(closed, enhancedSupport, courseTeam(closed))).toBe(false);
    // No procedure of the five allows it anywhere else.
    for (const stage of rcttpConcernProcedures.stages) {
      const view = dfa({ stage: { id: stage.id, title: stage.title } });
      expect(canSuspendPlacement(view, rcttpConcernProcedures, courseTeam(view))).toBe(false);
    }
  });

  it('asks for a reason, then for the confirmation', () => {
    expect(suspensionProblem('  ', true)).toBe('Say why the placement is suspended, for the record.');
    expect(suspensionProblem('Pupils’ progress in Year 8', false)).toBe(
      'Tick the box to confirm the placement is suspended now.',
    );
    expect(suspensionProblem('Pupils’ progress in Year 8', true)).toBeUndefined();
  });
});

describe('scheduling a week-by-week stage', () => {
  const courseTeam = (view: CaseView) => standingOf(view, courseTeamMe, LEAD);

  it('is offered to the course team at a stage with milestones, while the case is open', () => {
    expect(canScheduleStage(dfa(), rcttpConcernProcedures, courseTeam(dfa()))).toBe(true);
    expect(canScheduleStage(dfa(), rcttpConcernProcedures, standingOf(dfa(), staffMe, TUTOR))).toBe(false);
    const stage1 = dfa({ stage: { id: 'progress_support_plan', title: 'Stage 1: Progress Support Plan' } });
    expect(canScheduleStage(stage1, rcttpConcernProcedures, courseTeam(stage1))).toBe(false);
    expect(canScheduleStage(dfa({ status: 'closed' }), rcttpConcernProcedures, courseTeam(dfa()))).toBe(false);
    expect(canScheduleStage(aView(), enhancedSupport, courseTeam(aView()))).toBe(false);
  });

  it('dates the Deferred Final Assessment’s weeks from the chosen start, and says when the judgement may be recorded', () => {
    const stage = stageOf(dfa(), rcttpConcernProcedures);
    if (stage === undefined) throw new Error('RCTTP has a Deferred Final Assessment');
    const schedule = stageSchedule(stage, parseLocalDate('2027-04-19'));
    if (schedule === undefined) throw new Error('the stage has milestones');
    expect(schedule).toMatchObject({
      startsOn: '2027-04-19',
      weeks: 8,
      endsOn: '2027-06-13',
      judgement: { week: 7, from: '2027-05-31' },
    });
    expect(schedule.blocks.map((b) => [b.fromWeek, b.toWeek, b.from, b.to, b.milestones.length])).toEqual([
      [1, 2, '2027-04-19', '2027-05-02', 4],
      [3, 5, '2027-05-03', '2027-05-23', 4],
      [7, 8, '2027-05-31', '2027-06-13', 1],
    ]);
    expect(schedule.blocks[1]?.milestones.filter((m) => m.deadline).map((m) => m.id)).toEqual(['progress_review']);
    expect(schedule.blocks.map(weeksLabel)[0]).toBe('Weeks 1–2: Monday 19 April 2027 to Sunday 2 May 2027');
    expect(
      weeksLabel({
        fromWeek: 6,
        toWeek: 6,
        from: parseLocalDate('2027-05-24'),
        to: parseLocalDate('2027-05-30'),
        milestones: [],
      }),
    ).toBe('Week 6: Monday 24 May 2027 to Sunday 30 May 2027');
    expect(scheduleSummary(schedule)).toBe(
      'Week 1 begins on Monday 19 April 2027 and week 8 ends on Sunday 13 June 2027. Judgement at the end of the Deferred Final Assessment cannot be recorded before week 7, which begins on Monday 31 May 2027.',
    );
  });

  it('counts weeks from the start day itself, whatever the weekday, across the turn of the year', () => {
    const stage = stageOf(dfa(), rcttpConcernProcedures);
    if (stage === undefined) throw new Error('RCTTP has a Deferred Final Assessment');
    const schedule = stageSchedule(stage, parseLocalDate('2026-12-30'));
    expect(schedule).toMatchObject({ endsOn: '2027-02-23', judgement: { week: 7, from: '2027-02-10' } });
    expect(schedule?.blocks[0]).toMatchObject({ from: '2026-12-30', to: '2027-01-12' });
    expect(stageSchedule({ ...stage, milestones: [] }, parseLocalDate('2027-01-04'))).toBeUndefined();
  });

  it('is shown on the case dated from the stage’s start, while the case is open', () => {
    expect(caseStageSchedule(dfa(), rcttpConcernProcedures)).toMatchObject({
      startsOn: '2026-11-23',
      weeks: 8,
      endsOn: '2027-01-17',
    });
    expect(caseStageSchedule(dfa({ status: 'closed' }), rcttpConcernProcedures)).toBeUndefined();
    // A stage without weeks, a stage the definition no longer has, a start not known.
    expect(caseStageSchedule(aView(), enhancedSupport)).toBeUndefined();
    expect(
      caseStageSchedule(dfa({ stage: { id: 'gone', title: 'Gone', startsOn: '2026-11-23' } }), rcttpConcernProcedures),
    ).toBeUndefined();
    expect(
      caseStageSchedule(
        dfa({ stage: { id: 'deferred_final_assessment', title: 'Deferred Final Assessment' } }),
        rcttpConcernProcedures,
      ),
    ).toBeUndefined();
  });

  it('needs a whole date that moves the start', () => {
    expect(scheduleProblem('', '2026-11-23')).toBe('Choose the date week 1 begins.');
    expect(scheduleProblem('2027-02-30', '2026-11-23')).toBe(
      'Enter the whole date week 1 begins: day, month and year.',
    );
    expect(scheduleProblem('2026-11-23', '2026-11-23')).toBe(
      'The stage already starts on Monday 23 November 2026; choose another date to move it.',
    );
    expect(scheduleProblem('2027-04-19', '2026-11-23')).toBeUndefined();
    expect(scheduleProblem('2027-04-19', undefined)).toBeUndefined();
  });
});

describe('the trainee’s perceptions', () => {
  const TRAINEE = 'trainee@x.example';
  const traineeMe: Me = { ...staffMe, upn: TRAINEE, name: 'Tomasz Nowak' };
  const plan: NonNullable<CaseView['plan']> = {
    version: 1,
    stageId: 'step_1',
    reviewAt: 'step_2',
    rulesFrom: { stageId: 'step_1' },
    content: { concerns: [], targets: [], supportMeasures: [], meeting: { attendees: [], placementConcern: false } },
    signatures: [],
    pausedWorkingDays: 0,
    extensions: [],
  };
  // Step 1's Enhanced Support Action Plan has a place for the trainee's perceptions.
  const step1 = (over: Partial<CaseView> = {}): CaseView =>
    aView({ status: 'planning', stage: { id: 'step_1', title: 'Step 1' }, plan, ...over });
  const author = (view: CaseView, me: Me, upn: string) =>
    perceptionsAuthor(view, enhancedSupport, standingOf(view, me, upn));

  it('are written by the trainee, or typed in by someone named on the case until the trainee has', () => {
    expect(author(step1(), traineeMe, TRAINEE)).toBe('trainee');
    expect(author(step1(), staffMe, TUTOR)).toBe('staff');
    const recorded = step1({
      plan: { ...plan, perceptions: { text: 'I see it', recordedBy: TRAINEE, recordedOn: '2027-01-05' } },
    });
    expect(author(recorded, traineeMe, TRAINEE)).toBe('trainee');
    expect(author(recorded, staffMe, TUTOR)).toBeUndefined();
    // The course team is not named on this case: the trainee or the people at the meeting write them.
    expect(author(step1(), courseTeamMe, 'someone.else@x.example')).toBeUndefined();
  });

  it('are closed once the plan is agreed, on a closed case, and where the form has no place for them', () => {
    expect(author(step1({ plan: { ...plan, agreedOn: '2027-01-06' } }), traineeMe, TRAINEE)).toBeUndefined();
    expect(author(step1({ status: 'closed' }), traineeMe, TRAINEE)).toBeUndefined();
    expect(author(step1({ plan: undefined }), traineeMe, TRAINEE)).toBeUndefined();
    const rcttp = dfa({ status: 'planning', plan: { ...plan, stageId: 'progress_support_plan' } });
    expect(perceptionsAuthor(rcttp, rcttpConcernProcedures, standingOf(rcttp, traineeMe, TRAINEE))).toBeUndefined();
  });
});

describe('changing who is on the case', () => {
  const draft = {
    role: 'mentor',
    removeId: 'old@school.example',
    addName: 'Priya Shah',
    addEmail: 'P.Shah@School.example ',
    effectiveOn: '',
    reason: 'Left the school',
  };

  it('offers every role but the trainee’s', () => {
    expect(changeableRoles(rcttpConcernProcedures).map((r) => r.id)).not.toContain('trainee');
    expect(changeableRoles(rcttpConcernProcedures).map((r) => r.id)).toContain('mentor');
  });

  it('says what is missing, one thing at a time', () => {
    const today = '2026-11-23';
    expect(personChangeProblem({ ...draft, role: '' }, today)).toBe('Choose the role that changes.');
    expect(personChangeProblem({ ...draft, removeId: '', addName: '', addEmail: '' }, today)).toBe(
      'Name who joins, choose who leaves, or both.',
    );
    expect(personChangeProblem({ ...draft, addEmail: 'not an address' }, today)).toBe(
      'Give the work email address of the person joining.',
    );
    expect(personChangeProblem({ ...draft, effectiveOn: '2026-11-24' }, today)).toBe(
      'Record the change on or after the day it takes effect.',
    );
    expect(personChangeProblem({ ...draft, reason: ' ' }, today)).toBe('Say why, for the record.');
    expect(personChangeProblem(draft, today)).toBeUndefined();
  });

  it('sends the email as the sign-in name, lower-case', () => {
    expect(personChangeBody(draft)).toEqual({
      role: 'mentor',
      removeId: 'old@school.example',
      add: { id: 'p.shah@school.example', name: 'Priya Shah', email: 'p.shah@school.example' },
      reason: 'Left the school',
    });
    expect(personChangeBody({ ...draft, addName: '', addEmail: '' })).toEqual({
      role: 'mentor',
      removeId: 'old@school.example',
      reason: 'Left the school',
    });
  });
});

describe('recording a meeting', () => {
  const draft = {
    heldOn: '2026-11-23',
    startTime: '15:45',
    mode: 'online' as const,
    location: 'Ignored online',
    onlineLink: ' https://teams.microsoft.com/l/meetup-join/abc ',
    attendees: ['t@x.example', 'm@x.example'],
    notes: '',
  };

  it('asks for the date, who attended and a safe link', () => {
    expect(meetingRecordProblem({ ...draft, heldOn: '' }, '2026-11-23')).toBe('Give the date the meeting was held.');
    expect(meetingRecordProblem({ ...draft, heldOn: '2026-11-24' }, '2026-11-23')).toBe(
      'A meeting is recorded once it has been held.',
    );
    expect(meetingRecordProblem({ ...draft, attendees: [] }, '2026-11-23')).toBe('Tick who attended.');
    expect(meetingRecordProblem({ ...draft, onlineLink: 'javascript:alert(1)' }, '2026-11-23')).toBe(
      'The meeting link starts with https://.',
    );
    expect(meetingRecordProblem(draft, '2026-11-23')).toBeUndefined();
  });

  it('sends the place only in person and the link only online', () => {
    expect(meetingRecordBody('plan', draft)).toEqual({
      kind: 'plan',
      heldOn: '2026-11-23',
      startTime: '15:45',
      mode: 'online',
      onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
      attendees: ['t@x.example', 'm@x.example'],
    });
    expect(meetingRecordBody('review', { ...draft, mode: 'in_person', startTime: '' })).toEqual({
      kind: 'review',
      heldOn: '2026-11-23',
      mode: 'in_person',
      location: 'Ignored online',
      attendees: ['t@x.example', 'm@x.example'],
    });
  });

  it('the review meeting needs a start, a sensible length and, in person, a place', () => {
    const review = { startTime: '15:30', durationMinutes: 60, mode: 'in_person' as const, location: '' };
    expect(reviewMeetingProblem(review)).toBe('Say where the meeting is held.');
    expect(reviewMeetingProblem({ ...review, durationMinutes: 5, location: 'Room 4' })).toBe(
      'The meeting lasts between 10 minutes and 8 hours.',
    );
    expect(reviewMeetingProblem({ ...review, mode: 'online' })).toBeUndefined();
  });
});

describe('moving the placement to a school on the roster (RCTTP: "The school that agrees to accept the trainee")', () => {
  const row = (id: string, school: string, trainee = 'olivia@x.example') => ({
    id,
    key: `${trainee}|p|2027-04-19`,
    version: 1,
    trainee: { id: trainee, name: 'Olivia Bennett' },
    programme: 'P1',
    school,
    mentors: [
      { id: 'A.Khan@kingsmead.example', name: 'Aisha Khan' },
      { id: 'r.dale@kingsmead.example', name: 'Robert Dale' },
    ],
    professionalMentor: { id: 'm.osei@kingsmead.example', name: 'Martin Osei' },
    startsOn: '2027-04-19',
    endsOn: '2027-06-11',
    current: false,
    updatedAt: '2027-01-13T10:00:00Z',
    updatedBy: 'lead@x.example',
  });
  const view = aCaseView({
    placement: { school: "St Wilfrid's High School", programme: 'P1' },
    people: [
      { role: 'trainee', id: 'olivia@x.example', name: 'Olivia Bennett', roleLabel: 'Trainee' },
      { role: 'mentor', id: 's.collins@x.example', name: 'Sarah Collins', roleLabel: 'Mentor(s)' },
    ],
  });

  it("offers the trainee's other schools only, with the row's mentors and professional mentor in the procedure's roles", () => {
    const trainee = traineeIdOf(view, rcttpConcernProcedures);
    expect(trainee).toBe('olivia@x.example');
    const rows = [
      row('1', "St Wilfrid's High School"),
      row('2', 'Kingsmead Academy'),
      row('3', 'Elsewhere', 'other@x.example'),
    ];
    expect(otherPlacements(view, trainee ?? '', rows).map((r) => r.id)).toEqual(['2']);
    expect(placementPeople(rcttpConcernProcedures, row('2', 'Kingsmead Academy'))).toEqual([
      { role: 'mentor', id: 'a.khan@kingsmead.example', name: 'Aisha Khan', email: 'a.khan@kingsmead.example' },
      { role: 'mentor', id: 'r.dale@kingsmead.example', name: 'Robert Dale', email: 'r.dale@kingsmead.example' },
      {
        role: 'professional_mentor',
        id: 'm.osei@kingsmead.example',
        name: 'Martin Osei',
        email: 'm.osei@kingsmead.example',
      },
    ]);
  });

  it('says what is missing, then sends the school, its dates and people', () => {
    const rows = [row('2', 'Kingsmead Academy')];
    const draft = { rowId: '', effectiveOn: '', reason: '' };
    expect(placementMoveProblem(draft, [], '2027-01-13')).toBe(
      'The placement roster has no other placement for this trainee: add the new school to the roster first.',
    );
    expect(placementMoveProblem(draft, rows, '2027-01-13')).toBe('Choose the new placement from the roster.');
    expect(placementMoveProblem({ ...draft, rowId: '2', effectiveOn: '2027-01-14' }, rows, '2027-01-13')).toBe(
      'Record the move on or after the day it takes effect.',
    );
    expect(placementMoveProblem({ ...draft, rowId: '2' }, rows, '2027-01-13')).toBe(
      'Say why the placement moves, for the record.',
    );
    const ready = { rowId: '2', effectiveOn: '', reason: ' Kingsmead agrees to accept the trainee. ' };
    expect(placementMoveProblem(ready, rows, '2027-01-13')).toBeUndefined();
    expect(placementMoveBody(rcttpConcernProcedures, ready, rows[0])).toMatchObject({
      school: 'Kingsmead Academy',
      startsOn: '2027-04-19',
      endsOn: '2027-06-11',
      reason: 'Kingsmead agrees to accept the trainee.',
    });
    expect(placementMoveBody(rcttpConcernProcedures, ready, rows[0])).not.toHaveProperty('schoolContactEmail');
    // The roster row's school contact goes with the move, so the new school is told.
    const withOffice = { ...row('2', 'Kingsmead Academy'), schoolContactEmail: 'office@kingsmead.example' };
    expect(placementMoveBody(rcttpConcernProcedures, ready, withOffice)).toMatchObject({
      schoolContactEmail: 'office@kingsmead.example',
    });
  });
});
