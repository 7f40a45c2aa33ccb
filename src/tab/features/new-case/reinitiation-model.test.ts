import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../domain/calendar/index';
import { bcuRapidImprovementTargets, rcttpConcernProcedures } from '../../../domain/procedures/index';
import type { CaseSummary } from '../../api/types';
import {
  emptyDraft,
  openCaseBody,
  peopleFor,
  reinitiationStandingOf,
  stepProblems,
  type WizardDraft,
} from './new-case-model';
import {
  earlierCasesOf,
  emptyReinitiation,
  reinitiationInput,
  reinitiationProblems,
  reinitiationStanding,
  type ReinitiationDraft,
} from './reinitiation-model';

/** RCTTP's rule in the wizard: a second case only on its grounds (some with evidence), never a third. */

const RCTTP = rcttpConcernProcedures;
const TODAY = '2026-11-23' as LocalDate;
const ZARA = 'zara.ahmed@trainee.rcttp.example';

const aCase = (over: Partial<CaseSummary> = {}): CaseSummary => ({
  id: 'c1',
  reference: 'RCTTP-2026-106',
  procedureId: RCTTP.id,
  stageId: 'progress_support_plan',
  status: 'closed',
  paused: false,
  programme: 'RCTTP Secondary 2026/27',
  school: 'Cwm Primary',
  traineeId: ZARA,
  traineeName: 'Zara Ahmed',
  people: [{ role: 'trainee', id: ZARA, name: 'Zara Ahmed' }],
  reasons: ['progress_towards_standards'],
  openedOn: '2026-10-19',
  closedOn: '2026-11-09',
  awaitingSignatures: false,
  version: 9,
  updatedAt: '2026-11-09T10:00:00Z',
  ...over,
});

const reinit = (over: Partial<ReinitiationDraft> = {}): ReinitiationDraft => ({ ...emptyReinitiation, ...over });

/** A complete RCTTP draft for Zara (every required person and the placement), as the people step would have it. */
function zaraDraft(over: Partial<WizardDraft> = {}): WizardDraft {
  const people = peopleFor(RCTTP).map((p) =>
    p.role === 'trainee'
      ? { ...p, name: 'Zara Ahmed', email: 'Zara.Ahmed@trainee.rcttp.example' }
      : { ...p, name: `The ${p.role}`, email: `${p.role.replace(/_/g, '.')}@rcttp.example` },
  );
  return {
    ...emptyDraft('RCTTP Secondary 2026/27'),
    procedureId: RCTTP.id,
    reference: 'RCTTP-2026-9001',
    reasons: ['progress_towards_standards'],
    people,
    school: 'Cwm Primary',
    ...over,
  };
}

describe('whether a case is a second initiation', () => {
  it('does not apply to a procedure without the rule, or before a trainee is named', () => {
    expect(
      reinitiationStanding(
        bcuRapidImprovementTargets,
        [aCase({ procedureId: bcuRapidImprovementTargets.id })],
        ZARA,
        emptyReinitiation,
      ),
    ).toEqual({ kind: 'not_applicable' });
    expect(reinitiationStanding(RCTTP, [aCase()], '  ', emptyReinitiation)).toEqual({ kind: 'not_applicable' });
  });

  it('finds the trainee’s earlier case under the same procedure among those visible, whatever the case of the address', () => {
    const earlier = aCase();
    const cases = [
      earlier,
      aCase({ id: 'other-procedure', procedureId: bcuRapidImprovementTargets.id }),
      aCase({ id: 'other-trainee', traineeId: 'jack.thompson@trainee.rcttp.example' }),
    ];
    expect(earlierCasesOf(cases, RCTTP.id, ' ZARA.AHMED@trainee.rcttp.example ')).toEqual([earlier]);
    expect(reinitiationStanding(RCTTP, cases, ZARA, emptyReinitiation)).toEqual({ kind: 'second', earlier });
  });

  it('is a first case when none is visible, unless the person says there is one they cannot see', () => {
    expect(reinitiationStanding(RCTTP, [], ZARA, emptyReinitiation)).toEqual({ kind: 'first' });
    expect(reinitiationStanding(RCTTP, [], ZARA, reinit({ declared: true }))).toEqual({
      kind: 'second',
      earlier: undefined,
    });
  });

  it('is a third initiation with two earlier cases, oldest first', () => {
    const older = aCase({ id: 'c0', reference: 'RCTTP-2025-101', openedOn: '2025-10-01', closedOn: '2025-11-01' });
    const standing = reinitiationStanding(RCTTP, [aCase(), older], ZARA, emptyReinitiation);
    expect(standing).toEqual({ kind: 'third', earlier: [older, aCase()] });
  });
});

describe('what a second initiation needs', () => {
  const second = { kind: 'second', earlier: aCase() } as const;

  it('asks for a ground, then for the evidence the ground needs', () => {
    expect(reinitiationProblems(RCTTP, second, emptyReinitiation, 'Zara Ahmed')).toEqual([
      `Choose the ground for starting ${RCTTP.name} a second time.`,
    ]);
    expect(reinitiationProblems(RCTTP, second, reinit({ groundId: 'no_such_ground' }), 'Zara Ahmed')).toHaveLength(1);
    expect(
      reinitiationProblems(RCTTP, second, reinit({ groundId: 'long_term_illness', evidence: '  ' }), 'Zara Ahmed'),
    ).toEqual([
      'Long term illness supported by a medical certificate must be supported by evidence (a medical certificate): say what it is.',
    ]);
    expect(
      reinitiationProblems(
        RCTTP,
        second,
        reinit({ groundId: 'long_term_illness', evidence: 'GP certificate, 2 November' }),
        'Zara Ahmed',
      ),
    ).toEqual([]);
    expect(
      reinitiationProblems(
        RCTTP,
        second,
        reinit({ groundId: 'long_term_illness', evidence: 'x'.repeat(2001) }),
        'Zara Ahmed',
      ),
    ).toEqual(['Describe the evidence in at most 2,000 characters.']);
    expect(reinitiationProblems(RCTTP, second, reinit({ groundId: 'bereavement' }), 'Zara Ahmed')).toEqual([]);
    // Text left from another ground neither blocks nor is sent.
    expect(
      reinitiationProblems(
        RCTTP,
        second,
        reinit({ groundId: 'bereavement', evidence: 'x'.repeat(2001) }),
        'Zara Ahmed',
      ),
    ).toEqual([]);
    expect(reinitiationProblems(RCTTP, { kind: 'first' }, emptyReinitiation, 'Zara Ahmed')).toEqual([]);
  });

  it('explains a third initiation, naming the earlier cases', () => {
    const older = aCase({ reference: 'RCTTP-2025-101', openedOn: '2025-10-01', closedOn: '2025-11-01' });
    const [sentence] = reinitiationProblems(
      RCTTP,
      { kind: 'third', earlier: [older, aCase({ closedOn: undefined, status: 'active' })] },
      emptyReinitiation,
      'Zara Ahmed',
    );
    expect(sentence).toContain(`Zara Ahmed has already been through ${RCTTP.name} twice`);
    expect(sentence).toContain('RCTTP-2025-101, opened');
    expect(sentence).toContain('RCTTP-2026-106, opened Mon, 19 Oct 2026, still open');
    expect(sentence).toContain('never a third, so this case cannot be opened');
  });

  it('sends the ground, and the evidence trimmed only where the ground asks for it', () => {
    expect(
      reinitiationInput(RCTTP, second, reinit({ groundId: 'long_term_illness', evidence: ' GP certificate ' })),
    ).toEqual({ groundId: 'long_term_illness', evidence: 'GP certificate' });
    expect(reinitiationInput(RCTTP, second, reinit({ groundId: 'bereavement', evidence: 'left over' }))).toEqual({
      groundId: 'bereavement',
    });
    expect(reinitiationInput(RCTTP, second, reinit({ groundId: 'other_extenuating', evidence: 'House fire' }))).toEqual(
      { groundId: 'other_extenuating', evidence: 'House fire' },
    );
    expect(reinitiationInput(RCTTP, { kind: 'first' }, reinit({ groundId: 'bereavement' }))).toBeUndefined();
    expect(reinitiationInput(RCTTP, second, emptyReinitiation)).toBeUndefined();
  });
});

describe('the wizard with a second initiation', () => {
  it('holds the people step until a ground is chosen, then sends it with the case', () => {
    const cases = [aCase()];
    const draft = zaraDraft();
    expect(reinitiationStandingOf(draft, RCTTP, cases)).toMatchObject({ kind: 'second' });
    expect(stepProblems('people', draft, RCTTP, TODAY, cases)).toEqual([
      `Choose the ground for starting ${RCTTP.name} a second time.`,
    ]);
    expect(openCaseBody(draft, RCTTP, cases).reinitiation).toBeUndefined();

    const withGround = {
      ...draft,
      reinitiation: reinit({ groundId: 'long_term_illness', evidence: 'Medical certificate from Dr Rees, 2 November' }),
    };
    expect(stepProblems('people', withGround, RCTTP, TODAY, cases)).toEqual([]);
    expect(stepProblems('review', withGround, RCTTP, TODAY, cases)).toEqual([]);
    expect(openCaseBody(withGround, RCTTP, cases).reinitiation).toEqual({
      groundId: 'long_term_illness',
      evidence: 'Medical certificate from Dr Rees, 2 November',
    });
    // Without the earlier case (another trainee, or a first case), nothing is asked or sent.
    expect(stepProblems('people', draft, RCTTP, TODAY, [])).toEqual([]);
    expect(openCaseBody(withGround, RCTTP, []).reinitiation).toBeUndefined();
  });

  it('blocks a third initiation at the people step', () => {
    const cases = [aCase(), aCase({ id: 'c0', reference: 'RCTTP-2025-101', openedOn: '2025-10-01' })];
    const problems = stepProblems('people', zaraDraft(), RCTTP, TODAY, cases);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/never a third/);
  });

  it('records a person chosen from the directory by their sign-in name, and their email as typed', () => {
    const draft = zaraDraft();
    const people = draft.people.map((p) =>
      p.role === 'partnership_tutor'
        ? { ...p, name: 'Hannah Reid', email: 'h.reid@rcttp.example', upn: 'hannah.reid@rcttp.example' }
        : p,
    );
    const body = openCaseBody({ ...draft, people }, RCTTP);
    expect(body.people.find((p) => p.role === 'partnership_tutor')).toEqual({
      role: 'partnership_tutor',
      id: 'hannah.reid@rcttp.example',
      name: 'Hannah Reid',
      email: 'h.reid@rcttp.example',
    });
    expect(body.people.find((p) => p.role === 'trainee')).toEqual({
      role: 'trainee',
      id: ZARA,
      name: 'Zara Ahmed',
      email: ZARA,
    });
  });
});

describe('the school’s contact email', () => {
  it('is optional, checked when given, and sent with the placement', () => {
    const draft = zaraDraft();
    expect(openCaseBody(draft, RCTTP, []).placement).not.toHaveProperty('schoolContactEmail');
    const bad = { ...draft, schoolContactEmail: 'the office' };
    expect(stepProblems('people', bad, RCTTP, TODAY, [])).toEqual([
      'The school’s contact email should look like office@school.example, or be left empty.',
    ]);
    const good = { ...draft, schoolContactEmail: ' Office@Cwm.sch.example ' };
    expect(stepProblems('people', good, RCTTP, TODAY, [])).toEqual([]);
    expect(openCaseBody(good, RCTTP, []).placement.schoolContactEmail).toBe('office@cwm.sch.example');
  });
});
