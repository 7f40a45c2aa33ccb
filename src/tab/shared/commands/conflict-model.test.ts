import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../api/types';
import { formatDate } from '../format';
import { changesBetween } from './conflict-model';

/** What the conflict notice lists after someone else saved first: what changed, in sentences. */

const LEAD = 'lead@x.example';

function aView(over: Partial<CaseView> = {}): CaseView {
  return {
    view: 'full',
    id: 'c1',
    reference: 'RCTTP-1',
    version: 7,
    procedure: {
      id: 'rcttp-concern-procedures',
      name: 'Concern procedures',
      provider: { id: 'provider', name: 'RCTTP', shortName: 'RCTTP' },
      confidential: false,
      version: 1,
      hash: '0'.repeat(64),
    },
    status: 'awaiting_decision',
    stage: { id: 'deferred_final_assessment', title: 'Deferred Final Assessment', startsOn: '2026-11-23' },
    people: [{ role: 'course_leader', id: LEAD, name: 'Claire Thompson', email: LEAD, roleLabel: 'Course leader' }],
    placement: { school: 'Ridgeway Academy', programme: 'P1' },
    formerPeople: [],
    formerPlacements: [],
    meetings: [],
    reasons: [],
    openedOn: '2026-10-05',
    stageHistory: [
      {
        stageId: 'deferred_final_assessment',
        enteredOn: '2026-11-23',
        via: 'outcome',
        title: 'Deferred Final Assessment',
      },
    ],
    previousPlans: [],
    reviews: [],
    panels: [],
    tasksDone: [],
    openedBy: 'lead@x.example',
    updatedAt: '2026-11-23T10:00:00Z',
    derived: {
      today: '2026-11-24',
      reviewOverdue: false,
      outstandingSignatories: [],
      milestones: [],
      outcomes: [],
      escalateTo: [],
      panels: [],
      tasks: [],
      nextSteps: [],
    },
    ...over,
  };
}

describe('what changed while the person was working', () => {
  it('names a suspension with its date', () => {
    const suspended = aView({ version: 8, placementSuspended: { on: '2027-03-16', by: LEAD, reason: 'Pupils' } });
    expect(changesBetween(aView(), suspended)).toEqual([`The placement was suspended on ${formatDate('2027-03-16')}.`]);
  });

  it('names a stage start moved on the same stage', () => {
    const view = aView();
    expect(changesBetween(view, { ...view, version: 8, stage: { ...view.stage, startsOn: '2027-04-19' } })).toEqual([
      `Deferred Final Assessment now starts on ${formatDate('2027-04-19')}.`,
    ]);
  });

  it('names a move to another stage and the new status, not the new stage’s start', () => {
    const before = aView({ status: 'active' });
    const after = aView({
      version: 9,
      status: 'closed',
      stage: { id: 'outcome', title: 'Outcome', startsOn: '2027-01-04' },
    });
    expect(changesBetween(before, after)).toEqual([
      'Status changed from “Under review” to “Closed”.',
      'The case moved from Deferred Final Assessment to Outcome.',
    ]);
  });

  it('says so when nothing on the page changed', () => {
    expect(changesBetween(aView(), aView({ version: 8 }))).toEqual([
      'The case was updated (version 7 → 8), but nothing shown on this page changed.',
    ]);
  });
});
