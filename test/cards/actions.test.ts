import { describe, expect, it } from 'vitest';
import { CARD_ACTION_SCHEMAS, CARD_ACTIONS, parseCardAction } from '../../src/cards/index.js';

const envelope = { caseId: 'case-1', version: 7 };

describe('card actions', () => {
  it('has one schema per verb', () => {
    expect(Object.keys(CARD_ACTION_SCHEMAS).sort()).toEqual([...CARD_ACTIONS].sort());
  });

  it.each([
    ['refresh', { action: 'refresh', ...envelope, card: 'review_form' }],
    ['open_review', { action: 'open_review', ...envelope }],
    ['sign', { action: 'sign', ...envelope, role: 'mentor', planVersion: 1, typedName: '  Gareth Evans ' }],
    ['record_perceptions', { action: 'record_perceptions', ...envelope, planVersion: 2, perceptions: 'I agree.' }],
    ['acknowledge', { action: 'acknowledge', ...envelope, about: 'review_overdue' }],
  ])('accepts a %s submission', (verb, data) => {
    const parsed = parseCardAction(verb, data);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.data).toMatchObject({ action: verb, caseId: 'case-1', version: 7 });
  });

  it('trims the typed signature and refuses an empty one with a message for the person', () => {
    const ok = parseCardAction('sign', {
      action: 'sign',
      ...envelope,
      role: 'mentor',
      planVersion: 1,
      typedName: '  Gareth Evans ',
    });
    expect(ok).toMatchObject({ ok: true, data: { typedName: 'Gareth Evans' } });
    expect(
      parseCardAction('sign', { action: 'sign', ...envelope, role: 'mentor', planVersion: 1, typedName: '   ' }),
    ).toMatchObject({
      ok: false,
      message: 'Type your full name to sign.',
    });
  });

  it('folds per-target inputs into progress and splits the attendees', () => {
    const parsed = parseCardAction('record_review', {
      action: 'record_review',
      ...envelope,
      targetIds: ['T1', 'T2'],
      rating_T1: 'met',
      comment_T1: 'Seen twice',
      rating_T2: 'not_met',
      comment_T2: '',
      evidence: 'Observed lessons',
      nextSteps: '',
      outcomeId: 'insufficient_progress',
      attendees: 'trainee,mentor',
    });
    expect(parsed).toEqual({
      ok: true,
      data: {
        action: 'record_review',
        ...envelope,
        progress: [
          { targetId: 'T1', rating: 'met', comment: 'Seen twice' },
          { targetId: 'T2', rating: 'not_met', comment: undefined },
        ],
        evidence: 'Observed lessons',
        nextSteps: undefined,
        outcomeId: 'insufficient_progress',
        attendees: ['trainee', 'mentor'],
        // Not sent by the form itself: only the confirmation of a closing outcome carries it.
        confirmClose: false,
      },
    });
  });

  it('refuses a review with a target left unrated', () => {
    const parsed = parseCardAction('record_review', {
      action: 'record_review',
      ...envelope,
      targetIds: ['T1'],
      outcomeId: 'x',
    });
    expect(parsed).toMatchObject({ ok: false, message: 'Choose met, partly met or not met for every target.' });
  });

  it.each([
    ['an unknown verb', 'delete_case', { action: 'delete_case', ...envelope }],
    ['a verb that disagrees with data.action', 'sign', { action: 'acknowledge', ...envelope, about: 'review_overdue' }],
    ['a missing case version', 'open_review', { action: 'open_review', caseId: 'case-1' }],
    ['a version sent as text', 'open_review', { action: 'open_review', caseId: 'case-1', version: '7' }],
    ['an unknown refresh card', 'refresh', { action: 'refresh', ...envelope, card: 'anything' }],
    ['no data at all', 'acknowledge', undefined],
  ])('refuses %s', (_name, verb, data) => {
    expect(parseCardAction(verb, data).ok).toBe(false);
  });
});
