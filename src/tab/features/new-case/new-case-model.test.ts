import { describe, expect, it } from 'vitest';
import { rcttpConcernProcedures as rcttp } from '../../../domain/procedures/index';
import { emptyDraft, peopleFor, placementEndOf, traineeIdOf, type WizardDraft } from './new-case-model';

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
