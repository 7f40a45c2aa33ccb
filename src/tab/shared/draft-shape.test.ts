import { describe, expect, it } from 'vitest';
import { isDraftOf } from './draft-shape';

describe('a case action form’s draft is put back only in the form’s own shape', () => {
  const extension = { date: '', reason: '' };
  const meeting = { heldOn: '2026-11-16', mode: 'in_person', attendees: [] as string[], notes: '' };
  const panel = { members: [{ name: '', email: '', role: '' }] };

  it('takes a draft with the same fields of the same kinds', () => {
    expect(isDraftOf({ date: '2026-12-01', reason: 'Illness' }, extension)).toBe(true);
    expect(isDraftOf({ heldOn: '2026-11-12', mode: 'online', attendees: ['a@x.example'], notes: 'n' }, meeting)).toBe(
      true,
    );
    expect(isDraftOf({ members: [{ name: 'A', email: 'a@x.example', role: 'Chair' }] }, panel)).toBe(true);
  });

  it('drops one from an older form: a field missing or extra, another kind, rows of another shape, not an object', () => {
    expect(isDraftOf({ date: '2026-12-01' }, extension)).toBe(false);
    expect(isDraftOf({ date: '', reason: '', extra: '' }, extension)).toBe(false);
    expect(isDraftOf({ date: 20261201, reason: '' }, extension)).toBe(false);
    expect(isDraftOf({ ...meeting, attendees: 'a@x.example' }, meeting)).toBe(false);
    expect(isDraftOf({ ...meeting, attendees: [1] }, meeting)).toBe(false);
    expect(isDraftOf({ members: [{ name: 'A', email: 'a@x.example' }] }, panel)).toBe(false);
    expect(isDraftOf({ members: ['A'] }, panel)).toBe(false);
    for (const junk of [null, undefined, 'text', ['a'], 3]) expect(isDraftOf(junk, extension)).toBe(false);
  });
});
