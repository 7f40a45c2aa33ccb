import { describe, expect, it } from 'vitest';
import type { CaseEvent, Tombstone } from '../../api/types';
import { formatDate } from '../../shared/format';
import {
  correctableTexts,
  correctionBody,
  correctionProblem,
  erasureProblem,
  tombstoneSentence,
  type CorrectionDraft,
} from './correction-model';

const event = (seq: number, type: string, data: Record<string, unknown>, on = '2026-11-09'): CaseEvent => ({
  caseId: 'c1',
  seq,
  at: `${on}T10:00:00.000Z`,
  on,
  actorId: 'lead@uni.example',
  type,
  data,
});

const plan = (version: number, concern: string, target: string) => ({
  version,
  stageId: 'stage_1',
  content: {
    concernStatement: 'Lessons start slowly.',
    concerns: [{ text: concern, links: [] }],
    targets: [{ text: target, links: [], actions: [{ party: 'trainee', text: 'Rehearse routines.' }] }],
    trainingNeeds: '',
  },
});

const trail: CaseEvent[] = [
  event(1, 'case_opened', { reference: 'RIT-1', people: [] }),
  event(2, 'plan_started', plan(1, 'Shouts at pupils.', 'Improve routines')),
  // A later save of the same version: the concern is unchanged, the target reworded.
  event(3, 'plan_edited', plan(1, 'Shouts at pupils.', 'Improve classroom routines')),
  event(4, 'trainee_perceptions_recorded', { text: 'I see it.' }),
  event(
    5,
    'review_recorded',
    {
      progress: [
        { targetId: 'T1', rating: 'met', comment: 'Much calmer starts.' },
        { targetId: 'T2', rating: 'met' },
      ],
      evidence: 'Observed lessons',
      notes: '',
      outcomeId: 'sufficient_progress',
    },
    '2026-12-03',
  ),
  event(6, 'meeting_recorded', { kind: 'plan', notes: 'Talked about wellbeing.' }),
  event(7, 'text_corrected', { seq: 4, field: 'text', seqs: [4], reason: 'incomplete', text: 'x', explanation: 'y' }),
];

describe('the texts a case offers to correct', () => {
  const texts = correctableTexts(trail);

  it('lists each plan wording once, from the plan’s latest save, named by the first save that recorded it', () => {
    const planTexts = texts.filter((t) => t.label.startsWith('Plan'));
    expect(planTexts.map((t) => [t.label, t.eventSeq, t.field, t.text])).toEqual([
      ['Plan version 1: the concern statement', 2, 'content.concernStatement', 'Lessons start slowly.'],
      ['Plan version 1: concern 1', 2, 'content.concerns.0.text', 'Shouts at pupils.'],
      ['Plan version 1: target 1', 3, 'content.targets.0.text', 'Improve classroom routines'],
      ['Plan version 1: target 1, action 1', 2, 'content.targets.0.actions.0.text', 'Rehearse routines.'],
    ]);
    // The draft wording the later save replaced is not offered; empty texts are not either.
    expect(texts.some((t) => t.text === 'Improve routines' || t.text === '')).toBe(false);
  });

  it('names review comments by target, notes by date, and never offers a correction itself', () => {
    expect(texts.filter((t) => !t.label.startsWith('Plan')).map((t) => [t.label, t.eventSeq, t.field])).toEqual([
      [`The trainee’s perceptions (${formatDate('2026-11-09')})`, 4, 'text'],
      [`Review of ${formatDate('2026-12-03')}: evidence`, 5, 'evidence'],
      [`Review of ${formatDate('2026-12-03')}: comment on T1`, 5, 'progress.0.comment'],
      [`Meeting notes (${formatDate('2026-11-09')})`, 6, 'notes'],
    ]);
    expect(new Set(texts.map((t) => t.key)).size).toBe(texts.length);
  });
});

describe('a correction draft', () => {
  const [chosen] = correctableTexts(trail).filter((t) => t.field === 'content.concerns.0.text');
  const draft: CorrectionDraft = {
    key: chosen?.key ?? '',
    text: ' Raised his voice once. ',
    reason: 'inaccurate',
    explanation: 'The mentor misread the notes.',
  };

  it('says what is missing first, one sentence at a time', () => {
    expect(correctionProblem(undefined, draft)).toBe('Choose the text to correct.');
    expect(correctionProblem(chosen, { ...draft, text: '  ' })).toBe('Type the corrected wording.');
    expect(correctionProblem(chosen, { ...draft, text: 'Shouts at pupils. ' })).toMatch(/same as the recorded one/);
    expect(correctionProblem(chosen, { ...draft, text: 'x'.repeat(8001) })).toMatch(/at most 8,000 characters/);
    expect(correctionProblem(chosen, { ...draft, reason: '' })).toBe('Choose why the text is being corrected.');
    expect(correctionProblem(chosen, { ...draft, explanation: ' ' })).toMatch(/^Explain the correction/);
    expect(correctionProblem(chosen, draft)).toBeUndefined();
  });

  it('becomes the body the corrections route takes, trimmed', () => {
    if (!chosen) throw new Error('no concern offered');
    expect(correctionBody(chosen, draft)).toEqual({
      eventSeq: 2,
      field: 'content.concerns.0.text',
      text: 'Raised his voice once.',
      reason: 'inaccurate',
      explanation: 'The mentor misread the notes.',
    });
  });
});

describe('erasing a case', () => {
  it('asks for the reference typed exactly and the request it answers', () => {
    expect(erasureProblem('RIT-1', 'rit-1', 'SAR 2026/14')).toBe(
      'Type the case reference, RIT-1, exactly, to confirm.',
    );
    expect(erasureProblem('RIT-1', ' RIT-1 ', ' ')).toMatch(/^Say which request/);
    expect(erasureProblem('RIT-1', 'RIT-1', 'x'.repeat(501))).toMatch(/at most 500 characters/);
    expect(erasureProblem('RIT-1', 'RIT-1', 'Erasure request ER-2026-14')).toBeUndefined();
  });

  it('says what went and what the tombstone keeps', () => {
    const tombstone: Tombstone = {
      caseId: 'c1',
      providerId: 'bcu',
      procedureId: 'bcu-rapid-improvement-targets',
      programme: 'PGCE Primary 2026/27',
      openedOn: '2026-10-05',
      removedOn: '2026-11-23',
      action: 'erase',
      policy: 'erased on request',
      state: 'removed',
      requestedBy: 'admin@uni.example',
      reason: 'ER-2026-14',
    };
    expect(tombstoneSentence('RIT-1', tombstone)).toBe(
      `Case RIT-1 was erased on ${formatDate('2026-11-23')}: its record, event trail, people, plan and review rows, ` +
        'notifications and review meetings are deleted. A tombstone keeps only that a case existed (PGCE Primary ' +
        `2026/27, opened ${formatDate('2026-10-05')}) and the request it answered, so reports stay explainable. ` +
        'Emails and Teams messages already sent are not recalled.',
    );
  });
});
