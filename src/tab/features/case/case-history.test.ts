import { describe, expect, it } from 'vitest';
import type { CaseEvent, CaseView } from '../../api/types';
import { formatDate } from '../../shared/format';
import { eventSentence } from './case-model';

/** The case history's line for the course team's acknowledgement (notice_acknowledged). */

const LEAD = 'mark.whitfield@bcu.example';

const view: CaseView = {
  view: 'full',
  id: 'c1',
  reference: 'BCU-RIT-1',
  version: 9,
  procedure: { id: 'bcu-rapid-improvement-targets', name: 'Rapid Improvement Targets', provider: { name: 'BCU' } },
  status: 'active',
  stage: { id: 'stage_1', title: 'Stage 1' },
  people: [
    { role: 'mentor', id: 'gareth.evans@hollybank.example', name: 'Gareth Evans', roleLabel: 'Class teacher/mentor' },
  ],
  placement: { school: 'Hollybank Primary', programme: 'P1' },
  reasons: [],
  openedOn: '2026-11-02',
  stageHistory: [{ stageId: 'stage_1', enteredOn: '2026-11-02', via: 'opened', title: 'Stage 1' }],
  previousPlans: [],
  reviews: [],
  updatedAt: '2026-11-23T10:00:00Z',
  derived: { today: '2026-11-23', reviewOverdue: true, outstandingSignatories: [], outcomes: [] },
};

const acknowledged = (data: Record<string, unknown>, actorId = LEAD): CaseEvent => ({
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
