import type { CaseView } from '../../api/types';

/**
 * Builders with defaults for the tab's unit tests: a whole case view as the server sends it
 * (every field the contract requires), with the parts a test cares about given.
 */
type ViewOverrides = Partial<Omit<CaseView, 'derived' | 'people'>> & {
  readonly derived?: Partial<CaseView['derived']>;
  readonly people?: readonly PersonInput[];
};

interface PersonInput {
  readonly role: string;
  readonly id: string;
  readonly name: string;
  readonly roleLabel: string;
  readonly email?: string;
}

export function aCaseView(over: ViewOverrides = {}): CaseView {
  const { derived, people, ...rest } = over;
  return {
    view: 'full',
    id: 'c1',
    reference: 'CASE-1',
    version: 1,
    procedure: {
      id: 'bcu-rapid-improvement-targets',
      name: 'Rapid Improvement Targets',
      provider: { id: 'bcu', name: 'Birmingham City University', shortName: 'BCU' },
      confidential: false,
      version: 1,
      hash: '0'.repeat(64),
    },
    status: 'active',
    stage: { id: 'stage_1', title: 'Stage 1' },
    people: (people ?? []).map((p) => ({ ...p, email: p.email ?? p.id })),
    placement: { school: 'Hollybank Primary', programme: 'P1' },
    formerPeople: [],
    formerPlacements: [],
    meetings: [],
    reasons: [],
    openedOn: '2026-11-02',
    openedBy: 'lead@x.example',
    stageHistory: [{ stageId: 'stage_1', enteredOn: '2026-11-02', via: 'opened', title: 'Stage 1' }],
    previousPlans: [],
    reviews: [],
    panels: [],
    tasksDone: [],
    updatedAt: '2026-11-23T10:00:00Z',
    ...rest,
    derived: {
      today: '2026-11-23',
      reviewOverdue: false,
      outstandingSignatories: [],
      milestones: [],
      outcomes: [],
      escalateTo: [],
      panels: [],
      tasks: [],
      nextSteps: [],
      ...derived,
    },
  };
}
