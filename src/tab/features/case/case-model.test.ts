import { describe, expect, it } from 'vitest';
import type { CaseEvent, CaseView } from '../../api/types';
import { formatDate } from '../../shared/format';
import { eventSentence, feeLetters, formVersions, stageStartScheduled, suspensionLine } from './case-model';

/** The case as people read it: the trail's sentences, the suspension banner, a scheduled stage. */

const LEAD = 'mark.whitfield@bcu.example';

const view: CaseView = {
  view: 'full',
  id: 'c1',
  reference: 'BCU-RIT-1',
  version: 9,
  procedure: {
    id: 'bcu-rapid-improvement-targets',
    name: 'Rapid Improvement Targets',
    provider: { id: 'provider', name: 'BCU', shortName: 'BCU' },
    confidential: false,
    version: 1,
    hash: '0'.repeat(64),
  },
  status: 'active',
  stage: { id: 'stage_1', title: 'Stage 1' },
  people: [
    {
      role: 'mentor',
      id: 'gareth.evans@hollybank.example',
      name: 'Gareth Evans',
      email: 'gareth.evans@hollybank.example',
      roleLabel: 'Class teacher/mentor',
    },
  ],
  placement: { school: 'Hollybank Primary', programme: 'P1' },
  formerPeople: [],
  formerPlacements: [],
  meetings: [],
  reasons: [],
  openedOn: '2026-11-02',
  stageHistory: [{ stageId: 'stage_1', enteredOn: '2026-11-02', via: 'opened', title: 'Stage 1' }],
  previousPlans: [],
  reviews: [],
  panels: [],
  tasksDone: [],
  openedBy: 'lead@x.example',
  updatedAt: '2026-11-23T10:00:00Z',
  derived: {
    today: '2026-11-23',
    reviewOverdue: true,
    outstandingSignatories: [],
    milestones: [],
    outcomes: [],
    escalateTo: [],
    panels: [],
    tasks: [],
    nextSteps: [],
  },
};

const acknowledged = (data: Record<string, unknown>, actorId = LEAD): CaseEvent => ({
  caseId: 'c1',
  seq: 9,
  at: '2026-11-23T10:00:00.000Z',
  on: '2026-11-23',
  actorId,
  type: 'notice_acknowledged',
  data: { stageId: 'stage_1', ...data },
});

describe('the history line for an acknowledgement', () => {
  it('names the course team member from the event, who is not on the case', () => {
    expect(eventSentence(view, acknowledged({ about: 'concern_raised', byName: 'Mark Whitfield' }))).toBe(
      'Mark Whitfield acknowledged the raised concern for the course team.',
    );
  });

  it('says which review was overdue', () => {
    expect(
      eventSentence(
        view,
        acknowledged({ about: 'review_overdue', reviewDate: '2026-11-20', byName: 'Mark Whitfield' }),
      ),
    ).toBe(`Mark Whitfield acknowledged the overdue review (due on ${formatDate('2026-11-20')}) for the course team.`);
  });

  it('falls back to the person on the case, or the sign-in name, without a stored name', () => {
    expect(eventSentence(view, acknowledged({ about: 'concern_raised' }, 'gareth.evans@hollybank.example'))).toBe(
      'Gareth Evans acknowledged the raised concern for the course team.',
    );
    expect(eventSentence(view, acknowledged({ about: 'review_overdue' }))).toBe(
      `${LEAD} acknowledged the overdue review for the course team.`,
    );
  });
});

describe('the history line for a suspension', () => {
  const suspended = (data: Record<string, unknown>, actorId = LEAD): CaseEvent => ({
    caseId: 'c1',
    seq: 10,
    at: '2026-11-23T10:00:00.000Z',
    on: '2026-11-23',
    actorId,
    type: 'placement_suspended',
    data: { reason: 'Pupils', ...data },
  });

  it('names the course team member from the event, or by their sign-in name on an event stored without it', () => {
    expect(eventSentence(view, suspended({ byName: 'Mark Whitfield' }))).toBe(
      'Mark Whitfield suspended the placement.',
    );
    expect(eventSentence(view, suspended({}))).toBe(`${LEAD} suspended the placement.`);
    expect(eventSentence(view, suspended({ byName: 'G. Evans' }, 'gareth.evans@hollybank.example'))).toBe(
      'Gareth Evans suspended the placement.',
    );
  });
});

/** A course leader named on the case, as Enhanced Support and RCTTP cases have one. */
const CLAIRE = 'lead@x.example';
const withLeader = (over: Partial<CaseView> = {}): CaseView => ({
  ...view,
  people: [
    ...view.people,
    { role: 'course_leader', id: CLAIRE, name: 'Claire Thompson', email: CLAIRE, roleLabel: 'Course leader' },
  ],
  ...over,
});

describe('the suspension banner', () => {
  it('says when the placement was suspended and by whom: their name on the case, the name the event kept, or the sign-in name', () => {
    expect(suspensionLine(withLeader())).toBeUndefined();
    const suspended = withLeader({ placementSuspended: { on: '2027-03-16', by: CLAIRE, reason: 'Pupils' } });
    expect(suspensionLine(suspended)).toBe(`Suspended on ${formatDate('2027-03-16')} by Claire Thompson.`);
    expect(
      suspensionLine(
        withLeader({ placementSuspended: { on: '2027-03-16', by: 'someone@x.example', reason: 'Pupils' } }),
      ),
    ).toBe(`Suspended on ${formatDate('2027-03-16')} by someone@x.example.`);
    // A course team member not on the case, by the name the event kept.
    expect(
      suspensionLine(
        withLeader({
          placementSuspended: { on: '2027-03-16', by: 'someone@x.example', byName: 'Mark Whitfield', reason: 'Pupils' },
        }),
      ),
    ).toBe(`Suspended on ${formatDate('2027-03-16')} by Mark Whitfield.`);
  });
});

describe('a week-by-week stage’s start', () => {
  it('tells a scheduled start from one counted from entering the stage, and says it in the trail', () => {
    const event = (seq: number, type: string, data: Record<string, unknown>): CaseEvent => ({
      caseId: 'c1',
      seq,
      at: '2026-11-23T10:00:00Z',
      on: '2026-11-23',
      actorId: CLAIRE,
      type,
      data,
    });
    const entered = event(5, 'stage_entered', { stageId: 'deferred_final_assessment' });
    const scheduled = event(6, 'stage_start_set', { stageId: 'deferred_final_assessment', startsOn: '2027-04-19' });
    const dfa = withLeader({
      stage: { id: 'deferred_final_assessment', title: 'Deferred Final Assessment', startsOn: '2026-11-23' },
      stageHistory: [
        {
          stageId: 'deferred_final_assessment',
          enteredOn: '2026-11-23',
          via: 'outcome',
          title: 'Deferred Final Assessment',
        },
      ],
    });
    expect(stageStartScheduled(dfa, [entered])).toBe(false);
    expect(stageStartScheduled(dfa, [entered, scheduled])).toBe(true);
    // Scheduled on an earlier visit, then the case left the stage and came back.
    expect(
      stageStartScheduled(dfa, [scheduled, event(7, 'stage_entered', { stageId: 'deferred_final_assessment' })]),
    ).toBe(false);
    expect(eventSentence(dfa, scheduled)).toBe(
      `Claire Thompson scheduled Deferred Final Assessment to start on ${formatDate('2027-04-19')}.`,
    );
  });
});

describe('the case’s forms by version', () => {
  const plan = (version: number, stageId: string, agreedOn?: string): NonNullable<CaseView['plan']> => ({
    version,
    stageId,
    reviewAt: stageId,
    rulesFrom: { stageId },
    content: { concerns: [], targets: [], supportMeasures: [], meeting: { attendees: [], placementConcern: false } },
    signatures: [],
    pausedWorkingDays: 0,
    extensions: [],
    ...(agreedOn === undefined ? {} : { agreedOn }),
  });

  it('lists every plan the case has had, oldest first, with its stage, agreement and the review that completed it', () => {
    const forms = formVersions({
      ...view,
      stageHistory: [
        { stageId: 'stage_1', enteredOn: '2026-11-02', via: 'opened', title: 'Stage 1' },
        { stageId: 'stage_2', enteredOn: '2026-11-20', via: 'outcome', title: 'Stage 2' },
      ],
      previousPlans: [plan(1, 'stage_1', '2026-11-04')],
      plan: plan(2, 'stage_2'),
      reviews: [
        {
          id: 'r1',
          stageId: 'stage_1',
          planVersion: 1,
          reviewedOn: '2026-11-18',
          progress: [],
          attendees: [],
          outcomeId: 'insufficient',
          outcomeLabel: 'Insufficient progress',
          recordedBy: LEAD,
        },
      ],
    });
    expect(forms).toEqual([
      {
        version: 1,
        current: false,
        description: `Version 1 · Stage 1 · agreed ${formatDate('2026-11-04')} · reviewed ${formatDate('2026-11-18')}: Insufficient progress`,
      },
      { version: 2, current: true, description: 'Version 2 · Stage 2 · not yet agreed' },
    ]);
    expect(formVersions({ ...view, previousPlans: [] })).toEqual([]);
  });

  it('lists each fee letter the course team sent, numbered as the fee-letter download counts them', () => {
    const waiver = (on: string, amount: string) => ({
      outcomeId: 'second_attempt_with_rit',
      amount,
      reason: 'Bereavement',
      letter: 'Dear Priya,',
      by: LEAD,
      byName: 'Dr Alex Morgan',
      on,
    });
    expect(feeLetters({ ...view, feeWaivers: [waiver('2027-06-09', '£1125'), waiver('2027-07-01', '£500')] })).toEqual([
      { number: 1, description: `Fee waiver letter · £1125 waived ${formatDate('2027-06-09')} by Dr Alex Morgan` },
      { number: 2, description: `Fee waiver letter · £500 waived ${formatDate('2027-07-01')} by Dr Alex Morgan` },
    ]);
    expect(feeLetters({ ...view, feeWaivers: [] })).toEqual([]);
  });
});

describe('the history line for a correction', () => {
  const corrected = (data: Record<string, unknown>): CaseEvent => ({
    caseId: 'c1',
    seq: 10,
    at: '2026-11-23T10:00:00.000Z',
    on: '2026-11-23',
    actorId: LEAD,
    type: 'text_corrected',
    data: { seq: 4, field: 'content.concerns.0.text', seqs: [4], byName: 'Mark Whitfield', ...data },
  });

  it('says who corrected a text and why, with the explanation where the view has it', () => {
    expect(eventSentence(view, corrected({ reason: 'inaccurate', explanation: 'Misread the notes' }))).toBe(
      'Mark Whitfield corrected a recorded text (inaccurate): Misread the notes.',
    );
    expect(eventSentence(view, corrected({ reason: 'excessive' }))).toBe(
      'Mark Whitfield corrected a recorded text (more than the record needs).',
    );
  });
});
