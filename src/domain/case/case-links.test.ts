import { describe, expect, it } from 'vitest';
import { caseSubPageId, parseCaseSubPageId } from './case-links.js';
import { NEXT_STEP_FORMS } from './next-steps.js';

describe('the sub-page id a link opens a case with', () => {
  it('names the case, and the form when there is one, and reads back the same', () => {
    expect(caseSubPageId('case-1')).toBe('case-1');
    expect(caseSubPageId('case-1', 'review')).toBe('case-1#review');
    for (const form of NEXT_STEP_FORMS) {
      expect(parseCaseSubPageId(caseSubPageId('4f1c2e9a-0b7d-4c55-9e61-2d3f4a5b6c7d', form))).toEqual({
        caseId: '4f1c2e9a-0b7d-4c55-9e61-2d3f4a5b6c7d',
        form,
      });
    }
    expect(parseCaseSubPageId('case-1')).toEqual({ caseId: 'case-1', form: undefined });
  });

  it('splits off only a form it knows, and names no case for an empty id', () => {
    expect(parseCaseSubPageId('case#1')).toEqual({ caseId: 'case#1', form: undefined });
    expect(parseCaseSubPageId('case-1#nonsense')).toEqual({ caseId: 'case-1#nonsense', form: undefined });
    expect(parseCaseSubPageId('')).toBeUndefined();
    expect(parseCaseSubPageId('#review')).toBeUndefined();
    expect(parseCaseSubPageId('  ')).toBeUndefined();
  });
});
