import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { replay } from '../apply-event.js';
import {
  actorDisplayName,
  assertCourseTeam,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { FIELD_PATH_PATTERN, isCorrectableField, textAt, withCorrectedText } from '../corrections.js';
import { caseEvent, type CaseEvent } from '../events.js';
import { CORRECTION_REASONS, type CaseState } from '../types.js';

export const correctTextInputSchema = z.strictObject({
  /** The event that recorded the text (its position in the case's trail). */
  eventSeq: z.number().int().min(1),
  /** The field in that event's data, e.g. "content.concerns.0.text", "progress.1.comment", "notes". */
  field: z.string().max(200).regex(FIELD_PATH_PATTERN, 'a field path such as content.concerns.0.text'),
  text: z.string().trim().min(1).max(8000),
  reason: z.enum(CORRECTION_REASONS),
  explanation: z.string().trim().min(1).max(2000),
});
export type CorrectTextInput = z.infer<typeof correctTextInputSchema>;

/** Plan content is repeated in each later save of the same plan: those still holding the wording are corrected too. */
function eventsCarrying(trail: readonly CaseEvent[], target: CaseEvent, field: string, old: string): number[] {
  if (target.type !== 'plan_started' && target.type !== 'plan_edited') return [target.seq];
  const version = target.data.version;
  return [
    target.seq,
    ...trail
      .filter(
        (e) =>
          e.seq > target.seq &&
          (e.type === 'plan_edited' || e.type === 'plan_started') &&
          e.data.version === version &&
          textAt(e, field) === old,
      )
      .map((e) => e.seq),
  ];
}

/**
 * The course team corrects a recorded free text: a concern, a target, a review comment, a note.
 * Closed cases too (their records are kept, so they can be wrong). The correction is one
 * `text_corrected` event; the case is replayed with it, so the new wording is what every view
 * shows. Removing the old wording from storage (for an inaccuracy) is the store's step after
 * the event is appended.
 */
export function correctText(ctx: CommandContext, state: CaseState, input: CorrectTextInput): CommandResult {
  assertCourseTeam(ctx.actor, 'correct a recorded text');
  const trail = ctx.trail;
  if (trail?.length !== state.version) {
    throw new DomainError('invalid_input', 'The case’s record could not be read whole; try again.');
  }
  const target = trail.find((e) => e.seq === input.eventSeq);
  if (target === undefined) {
    throw new DomainError('invalid_input', `This case has no event ${input.eventSeq}.`, { field: 'eventSeq' });
  }
  if (!isCorrectableField(target.type, input.field)) {
    throw new DomainError(
      'invalid_input',
      `“${input.field}” is not a text written on this event that can be corrected.`,
      {
        field: 'field',
      },
    );
  }
  const old = textAt(target, input.field);
  if (old === undefined) {
    throw new DomainError('invalid_input', `Event ${input.eventSeq} has no text at “${input.field}”.`, {
      field: 'field',
    });
  }
  if (old === input.text) {
    throw new DomainError('invalid_input', 'The new text is the same as the recorded one.', { field: 'text' });
  }
  try {
    withCorrectedText(target, input.field, input.text);
  } catch {
    throw new DomainError('invalid_input', 'The new text is longer than this field allows.', { field: 'text' });
  }
  const planVersion = target.type === 'plan_started' || target.type === 'plan_edited' ? target.data.version : undefined;
  const event = caseEvent(
    'text_corrected',
    { caseId: state.id, seq: state.version + 1, at: ctx.now.toISOString(), on: todayOf(ctx), actorId: ctx.actor.id },
    {
      seq: target.seq,
      field: input.field,
      seqs: eventsCarrying(trail, target, input.field, old),
      ...(planVersion === undefined ? {} : { planVersion }),
      text: input.text,
      reason: input.reason,
      explanation: input.explanation,
      byName: actorDisplayName(ctx.actor),
    },
  );
  return { state: replay([...trail, event]), events: [event] };
}
