import { z } from 'zod';
import { DomainError } from '../../errors.js';
import {
  assertOnCase,
  assertOpen,
  EventBuilder,
  isTraineeOnCase,
  planRulesOf,
  requirePlan,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import type { CaseState } from '../types.js';

export const recordTraineePerceptionsInputSchema = z.strictObject({
  text: z.string().trim().min(1).max(4000),
});

export type RecordTraineePerceptionsInput = z.infer<typeof recordTraineePerceptionsInputSchema>;

/** The trainee's own view of the concerns ("listen respectfully … to gain a full understanding of their perceptions"). */
export function recordTraineePerceptions(
  ctx: CommandContext,
  state: CaseState,
  input: RecordTraineePerceptionsInput,
): CommandResult {
  assertOnCase(state, ctx.actor, 'record the trainee’s perceptions');
  assertOpen(state);
  const plan = requirePlan(state);
  if (!planRulesOf(ctx.procedure, plan).fields.includes('trainee_perceptions')) {
    throw new DomainError('invalid_input', 'This form has no place for the trainee’s perceptions.');
  }
  if (plan.agreedOn !== undefined) {
    throw new DomainError(
      'plan_locked',
      'The plan has been agreed; perceptions are recorded while it is being drawn up.',
    );
  }
  // The trainee records their own words; staff may type them in on the trainee's behalf at the meeting.
  if (!isTraineeOnCase(state, ctx.procedure, ctx.actor) && plan.perceptions?.recordedBy !== undefined) {
    const byTrainee = state.people.some((p) => p.id === plan.perceptions?.recordedBy && p.role === 'trainee');
    if (byTrainee)
      throw new DomainError('not_permitted', 'The trainee has recorded their perceptions; only they can change them.');
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('trainee_perceptions_recorded', { version: plan.version, text: input.text });
  return builder.result();
}
