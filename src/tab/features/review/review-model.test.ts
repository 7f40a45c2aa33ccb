import { describe, expect, it } from 'vitest';
import { aCaseView } from '../../shared/testing/builders';
import { canRecordReview, draftProblems, emptyDraft, reviewBody } from './review-model';

/** The Executive Group's decision: a group's, recorded with its members, and leading on to a new Progress Support Plan. */
const executiveGroup = aCaseView({
  status: 'awaiting_decision',
  stage: { id: 'executive_group', title: 'Stage 3: Executive Group' },
  derived: {
    perTarget: false,
    membersRecorded: true,
    outcomes: [
      {
        id: 'further_monitoring',
        label: 'Delegating a member of the Partnership to undertake further monitoring',
        effect: { type: 'go_to_stage', description: 'Moves the case.' },
      },
      {
        id: 'further_placement_or_training',
        label: 'Further teaching placement and/or training against a Progress Support Plan',
        effect: { type: 'close', description: 'Closes the case (decision).' },
        opensLinkedCase: {
          stageId: 'progress_support_plan',
          stageTitle: 'Stage 1: Progress Support Plan',
          targetsRequired: true,
        },
      },
    ],
  },
});

describe('the review form for a group decision that can open a linked case', () => {
  it('is offered at a decision stage with no plan to judge', () => {
    expect(canRecordReview(executiveGroup, 'lead@x.example')).toBe(true);
  });

  it('asks for the members and, for an outcome that opens a case, its targets', () => {
    const draft = { ...emptyDraft(), outcomeId: 'further_placement_or_training' };
    expect(draftProblems(executiveGroup, draft)).toEqual({
      members: 'Name the members of the group and whether each attended.',
      linkedTargets: 'Name the targets the new case addresses, one per line.',
    });
    const filled = {
      ...draft,
      members: [
        { name: ' Dr Alan Marsh ', role: 'Chair', attended: true },
        { name: 'Joanna Price', role: '', attended: false },
        { name: '', role: '', attended: true },
      ],
      linkedTargets: 'Plan sequences of lessons\n\n  Use assessment to set targets  \n',
    };
    expect(draftProblems(executiveGroup, filled)).toEqual({});
    expect(reviewBody(executiveGroup, filled)).toEqual({
      progress: [],
      attendees: [],
      outcomeId: 'further_placement_or_training',
      members: [
        { name: 'Dr Alan Marsh', role: 'Chair', attended: true },
        { name: 'Joanna Price', attended: false },
      ],
      linkedCaseTargets: [{ text: 'Plan sequences of lessons' }, { text: 'Use assessment to set targets' }],
    });
  });

  it('a group where nobody attended made no decision', () => {
    const draft = {
      ...emptyDraft(),
      outcomeId: 'further_monitoring',
      members: [{ name: 'Dr Alan Marsh', role: '', attended: false }],
    };
    expect(draftProblems(executiveGroup, draft)).toEqual({ members: 'At least one member attended the decision.' });
  });
});
