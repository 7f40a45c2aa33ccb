import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../domain/calendar/index';
import { brightFuturesSupport as bf, rcttpConcernProcedures as rcttp } from '../../../domain/procedures/index';
import {
  emptyDraft,
  openCaseBody,
  peopleFor,
  placementEndOf,
  stepProblems,
  stepsFor,
  traineeIdOf,
  traineeMayRaise,
  traineeOpening,
  type WizardDraft,
} from './new-case-model';

const RCTTP = 'RCTTP Secondary 2026/27';
const row = (programme: string, startsOn: string, endsOn: string, current: boolean) => ({
  programme,
  startsOn,
  endsOn,
  current,
});

describe('the placement end the wizard warns against', () => {
  it('is the current roster row of the programme, else its latest, and nothing from other programmes', () => {
    const rows = [
      row(RCTTP, '2026-01-05', '2026-07-17', false),
      row(RCTTP, '2026-09-01', '2026-12-18', true),
      row('PGCE Primary 2026/27', '2026-09-01', '2027-07-16', true),
    ];
    expect(placementEndOf(rows, RCTTP)).toBe('2026-12-18');
    expect(placementEndOf(rows.slice(0, 1).concat(row(RCTTP, '2027-01-04', '2027-03-26', false)), RCTTP)).toBe(
      '2027-03-26',
    );
    expect(placementEndOf(rows, 'Another programme')).toBeUndefined();
  });

  it('is looked up only once the trainee’s sign-in name or email is whole', () => {
    const base = emptyDraft(RCTTP);
    const withTrainee = (email: string, upn?: string): WizardDraft => ({
      ...base,
      people: peopleFor(rcttp).map((p) =>
        p.role === 'trainee' ? { ...p, name: 'Mia Evans', email, ...(upn === undefined ? {} : { upn }) } : p,
      ),
    });
    expect(traineeIdOf(withTrainee('mia.evans@'), rcttp)).toBeUndefined();
    expect(traineeIdOf(withTrainee(' Mia.Evans@Trainee.rcttp.example '), rcttp)).toBe(
      'mia.evans@trainee.rcttp.example',
    );
    expect(traineeIdOf(withTrainee('mia@home.example', 'mia.evans@trainee.rcttp.example'), rcttp)).toBe(
      'mia.evans@trainee.rcttp.example',
    );
  });
});

describe('a trainee opening a case about themselves (Bright Futures: "Concerns raised by Professional Mentor, Mentor or Trainee")', () => {
  const today = '2026-11-23' as LocalDate;
  const me = { upn: 'Lucy.Bradshaw@trainee.brightfutures.example', name: 'Lucy Bradshaw' };
  const placement = { programme: 'Bright Futures Primary 2026/27', school: 'Meadowbank Primary School' };
  const opening = (concernStatement: string): WizardDraft => ({
    ...traineeOpening(
      {
        ...emptyDraft(''),
        procedureId: bf.id,
        stageId: 'stage_1',
        reference: 'BF-2026-1001',
        reasons: ['concern_raised'],
      },
      bf,
      me,
      placement,
    ),
    concernStatement,
  });

  it('is offered where the procedure lets a trainee raise a concern, and asks only what the concern is', () => {
    expect(traineeMayRaise(bf)).toBe(true);
    expect(traineeMayRaise(rcttp)).toBe(false);
    expect(stepsFor('trainee', true)).toEqual(['procedure', 'concerns', 'review']);
    expect(stepsFor('course_team', true)).toEqual(['procedure', 'people', 'concerns', 'targets', 'review']);
  });

  it('requires the concern: the trainee cannot go on, or open the case, without saying what it is', () => {
    const blank = opening('  ');
    const sentence =
      'Say what the concern is, in your own words: it starts the plan your mentors and Lead draw up with you.';
    expect(stepProblems('concerns', blank, bf, today, [], 'trainee')).toEqual([sentence]);
    expect(stepProblems('review', blank, bf, today, [], 'trainee')).toEqual([sentence]);
    // The course team's draft does not need it to open (the plan cannot be signed without it).
    expect(stepProblems('concerns', blank, bf, today, [], 'course_team')).not.toContain(sentence);
    expect(stepProblems('review', opening('The class is unsettled after phonics.'), bf, today, [], 'trainee')).toEqual(
      [],
    );
  });

  it('sends the concern with the opening, and the trainee as the only person (the rest come from the roster)', () => {
    const body = openCaseBody(opening('  The class is unsettled after phonics.  '), bf, [], 'trainee');
    expect(body.concern).toBe('The class is unsettled after phonics.');
    expect(body.people).toEqual([
      {
        role: 'trainee',
        id: 'lucy.bradshaw@trainee.brightfutures.example',
        name: 'Lucy Bradshaw',
        email: 'lucy.bradshaw@trainee.brightfutures.example',
      },
    ]);
    expect(body.placement).toEqual({ school: placement.school, programme: placement.programme });
    expect(openCaseBody(opening('The class is unsettled.'), bf, [], 'course_team')).not.toHaveProperty('concern');
  });
});
