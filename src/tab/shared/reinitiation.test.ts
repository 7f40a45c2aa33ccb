import { describe, expect, it } from 'vitest';
import { rcttpConcernProcedures } from '../../domain/procedures/index';
import type { CaseEvent } from '../api/types';
import { reinitiationOfCase, secondInitiationFact } from './reinitiation';

const RCTTP = rcttpConcernProcedures;

describe('a second initiation on the case page', () => {
  const opened = (data: Record<string, unknown>): CaseEvent => ({
    caseId: 'c1',
    seq: 1,
    at: '2026-11-23T10:00:00Z',
    on: '2026-11-23',
    actorId: 'j.price@rcttp.example',
    type: 'case_opened',
    data,
  });

  it('reads the ground from the case_opened event in the procedure’s words, with the evidence', () => {
    const events = [opened({ reinitiation: { groundId: 'long_term_illness', evidence: 'GP certificate' } })];
    expect(reinitiationOfCase(events, RCTTP)).toEqual({
      ground: 'Long term illness supported by a medical certificate',
      evidence: 'GP certificate',
    });
    expect(secondInitiationFact(events, RCTTP)).toEqual([
      ['Second initiation', 'Long term illness supported by a medical certificate. Evidence: GP certificate'],
    ]);
    // Before the procedure has loaded, the ground's id in words.
    expect(secondInitiationFact([opened({ reinitiation: { groundId: 'bereavement' } })], undefined)).toEqual([
      ['Second initiation', 'Bereavement'],
    ]);
  });

  it('shows nothing for a first case or an event it cannot read', () => {
    expect(secondInitiationFact([opened({})], RCTTP)).toEqual([]);
    expect(secondInitiationFact([opened({ reinitiation: 'yes' })], RCTTP)).toEqual([]);
    expect(secondInitiationFact([opened({ reinitiation: { groundId: 7 } })], RCTTP)).toEqual([]);
    expect(secondInitiationFact([], RCTTP)).toEqual([]);
  });
});
