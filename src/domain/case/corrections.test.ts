import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../calendar/index.js';
import { replay, stateAt } from './apply-event.js';
import { correctText } from './commands/correct-text.js';
import { editPlan } from './commands/edit-plan.js';
import { openCase } from './commands/open-case.js';
import { signPlan } from './commands/sign-plan.js';
import { calendarFor } from './command-kit.js';
import { correctTrail, isCorrectableField } from './corrections.js';
import { DomainError } from '../errors.js';
import { engineTestProcedure as procedure } from './fixtures.js';
import { aDraft, CaseDriver, Clock, courseTeam, openInput } from './testing.js';

const OLD = 'Ignored the behaviour policy OLD-WORDING';

function twoSaves(): { c: CaseDriver; firstSave: number } {
  const clock = new Clock(parseLocalDate('2026-12-14'));
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  const c = new CaseDriver(
    procedure,
    clock,
    openCase(ctx, { caseId: 'case-1', previousCases: 0 }, openInput(procedure)),
  );
  const draft = aDraft(procedure, { reviewDate: parseLocalDate('2026-12-30') });
  const [concern] = draft.concerns;
  if (!concern) throw new Error('no concern');
  const plan = { ...draft, concerns: [{ ...concern, text: OLD }] };
  c.run('tutor', editPlan, { plan, withdrawSignatures: false });
  const firstSave = c.events.at(-1)?.seq ?? 0;
  c.run('tutor', editPlan, { plan: { ...plan, trainingNeeds: 'Behaviour training' }, withdrawSignatures: false });
  c.run('trainee', signPlan, { role: 'trainee', typedName: 'Trainee' });
  return { c, firstSave };
}

describe('correcting a recorded text', () => {
  it('corrects every save of the plan that held the wording, in the state, in earlier states and in the trail as read', () => {
    const { c, firstSave } = twoSaves();
    c.clock.advance(2);
    const result = c.run('course_team', correctText, {
      eventSeq: firstSave,
      field: 'content.concerns.0.text',
      text: 'Did not yet apply the behaviour policy',
      reason: 'inaccurate',
      explanation: 'Misread the observation notes.',
    } as const);
    const [event] = result.events;
    if (event?.type !== 'text_corrected') throw new Error('no correction');
    expect(JSON.stringify(event)).not.toContain('OLD-WORDING');
    expect(event.data.seqs).toEqual([firstSave, firstSave + 1]);
    expect(c.state.plan?.content.concerns[0]?.text).toBe('Did not yet apply the behaviour policy');
    expect(JSON.stringify(correctTrail(c.events))).not.toContain('OLD-WORDING');
    expect(JSON.stringify(replay(c.events))).not.toContain('OLD-WORDING');
    expect(JSON.stringify(stateAt(c.events, firstSave))).not.toContain('OLD-WORDING');
    // The signature given before it stands, dated as before the correction.
    expect(c.state.plan?.signatures.map((s) => s.wordingCorrectedOn)).toEqual([c.clock.today]);
    expect(c.state.corrections).toEqual([
      expect.objectContaining({ seq: firstSave, field: 'content.concerns.0.text', reason: 'inaccurate' }),
    ]);
  });

  it('is the course team’s, on texts people wrote, and refuses what it cannot correct', () => {
    const { c, firstSave } = twoSaves();
    const input = {
      eventSeq: firstSave,
      field: 'content.concerns.0.text',
      text: 'New',
      reason: 'incomplete',
      explanation: 'x',
    } as const;
    expect(() => c.run('tutor', correctText, input)).toThrow(DomainError);
    expect(() => c.run('course_team', correctText, { ...input, field: 'content.reviewDate' })).toThrow(
      /not a text written on this event/,
    );
    expect(() => c.run('course_team', correctText, { ...input, eventSeq: 1, field: 'people.0.name' })).toThrow(
      DomainError,
    );
    expect(isCorrectableField('review_recorded', 'progress.2.comment')).toBe(true);
    expect(isCorrectableField('review_recorded', 'progress.x.comment')).toBe(false);
    expect(isCorrectableField('plan_signed', 'typedName')).toBe(false);
  });
});
