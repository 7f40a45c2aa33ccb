import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { getStage } from '../../procedure/load-procedure.js';
import {
  assertOpen,
  EventBuilder,
  planRulesOf,
  requirePlan,
  roleLabel,
  rolesOnCase,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { applicableRequirements, outstandingSignatures } from '../plan-rules.js';
import { assertReadyToSign } from '../ready-to-sign.js';
import { enterStage } from '../transitions.js';
import type { CaseState } from '../types.js';

export const signPlanInputSchema = z.strictObject({
  /** The role the person signs in (someone can hold two, e.g. tutor and course leader). */
  role: z.string().max(60),
  /** Typed signature: the signer's full name. */
  typedName: z.string().trim().min(1).max(200),
});

export type SignPlanInput = z.infer<typeof signPlanInputSchema>;

const normaliseName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

export function signPlan(ctx: CommandContext, state: CaseState, input: SignPlanInput): CommandResult {
  const { procedure, actor } = ctx;
  assertOpen(state);
  const plan = requirePlan(state);
  if (plan.agreedOn !== undefined) {
    throw new DomainError('already_signed', 'This plan has already been agreed by everyone who signs it.');
  }
  const rules = planRulesOf(procedure, plan);
  const requirements = applicableRequirements(rules, state);
  const person = state.people.find((p) => p.role === input.role && p.id === actor.id.toLowerCase());
  // A form that names no signatories (RCTTP's plan is "discussed with the Trainee") is agreed by
  // a member of staff on the case recording that agreement.
  const staffRoles = procedure.roles.filter((r) => r.side !== 'trainee').map((r) => r.id);
  const signsForRole =
    requirements.length === 0
      ? staffRoles.includes(input.role)
      : requirements.some((r) => r.anyOf.includes(input.role));
  if (!person || !signsForRole) {
    const held = rolesOnCase(state, actor).map((r) => roleLabel(procedure, r));
    throw new DomainError(
      'not_a_signatory',
      (requirements.length === 0
        ? `${rules.title} is agreed by a member of staff named on the case. `
        : `${rules.title} is signed by ${requirements.map((r) => r.anyOf.map((id) => roleLabel(procedure, id)).join(' or ')).join(', ')}. `) +
        (held.length > 0 ? `You are named on this case as ${held.join(', ')}.` : 'You are not named on this case.'),
    );
  }
  if (plan.signatures.some((s) => s.personId === person.id && s.role === input.role)) {
    throw new DomainError(
      'already_signed',
      `You have already signed this plan as ${roleLabel(procedure, input.role)}.`,
    );
  }
  if (rules.signatures.typedFullName && normaliseName(input.typedName) !== normaliseName(person.name)) {
    throw new DomainError('invalid_input', `Type your full name as it appears on the case (${person.name}) to sign.`);
  }
  // Nobody signs a form signing would refuse: what is signed is what the provider's form asks
  // for, with a review date that still fits today (the same check that decides whether anyone
  // is asked to sign, so a request never leads to a refusal).
  assertReadyToSign(procedure, state, plan, { calendar: ctx.calendar, today: todayOf(ctx) });

  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('plan_signed', {
    version: plan.version,
    role: input.role,
    personId: person.id,
    typedName: input.typedName,
  });
  const signed = requirePlan(builder.state);
  if (
    outstandingSignatures(rules, builder.state, signed).length > 0 ||
    (requirements.length === 0 && signed.signatures.length === 0)
  ) {
    return builder.result();
  }

  // The last signature agrees the plan on today's date, the date checked above.
  const reviewDate = plan.content.reviewDate;
  if (reviewDate === undefined) throw new DomainError('review_date_missing', 'The plan needs a review date.');
  builder.add('plan_agreed', { version: plan.version, reviewDate });
  if (plan.reviewAt !== state.stageId || plan.rulesFrom.outcome !== undefined) {
    enterStage(builder, ctx, getStage(procedure, plan.reviewAt), 'plan_agreed', { startPlan: false });
  }
  return builder.result();
}
