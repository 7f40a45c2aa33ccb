import type { InformRule, NotifyTrigger, Outcome, Panel, PlanRules, Procedure, Stage } from '../procedure/schema.js';

/**
 * Lookups for the procedure tests in this folder: each throws with a plain message when the
 * thing is missing, so a test fails by naming the rule that disappeared.
 */

export function stageOf(procedure: Procedure, stageId: string): Stage {
  const stage = procedure.stages.find((s) => s.id === stageId);
  if (!stage) throw new Error(`${procedure.id} has no stage "${stageId}"`);
  return stage;
}

export function planOf(procedure: Procedure, stageId: string): PlanRules {
  const plan = stageOf(procedure, stageId).plan;
  if (!plan) throw new Error(`${procedure.id} stage "${stageId}" has no plan`);
  return plan;
}

export function outcomeIds(procedure: Procedure, stageId: string): string[] {
  return (stageOf(procedure, stageId).review?.outcomes ?? []).map((o) => o.id);
}

export function outcomeOf(procedure: Procedure, stageId: string, outcomeId: string): Outcome {
  const outcome = stageOf(procedure, stageId).review?.outcomes.find((o) => o.id === outcomeId);
  if (!outcome) throw new Error(`${procedure.id} stage "${stageId}" has no outcome "${outcomeId}"`);
  return outcome;
}

/** The plan rules a `revise` outcome asks for. */
export function revisedPlanOf(procedure: Procedure, stageId: string, outcomeId: string): PlanRules {
  const effect = outcomeOf(procedure, stageId, outcomeId).effect;
  if (effect.type !== 'revise' || !effect.plan)
    throw new Error(`${outcomeId} does not revise under its own plan rules`);
  return effect.plan;
}

export function panelOf(procedure: Procedure, panelId: string): Panel {
  const panel = procedure.panels.find((p) => p.id === panelId);
  if (!panel) throw new Error(`${procedure.id} has no panel "${panelId}"`);
  return panel;
}

/** The inform rules a stage fires on one trigger (and, when given, for one outcome). */
export function informRules(
  procedure: Procedure,
  stageId: string,
  on: NotifyTrigger,
  outcomeId?: string,
): InformRule[] {
  return stageOf(procedure, stageId).inform.filter(
    (rule) =>
      rule.on === on && (outcomeId === undefined || rule.outcomes.length === 0 || rule.outcomes.includes(outcomeId)),
  );
}

/** Every recipient a stage informs on one trigger, as `kind:role-or-office` strings. */
export function recipients(procedure: Procedure, stageId: string, on: NotifyTrigger, outcomeId?: string): string[] {
  return informRules(procedure, stageId, on, outcomeId).flatMap((rule) =>
    rule.to.map((r) => {
      switch (r.kind) {
        case 'role':
        case 'role_if_absent':
          return `${r.kind}:${r.role}`;
        case 'office':
          return `office:${r.office}`;
        case 'course_mailbox':
        case 'course_team_channel':
          return r.kind;
      }
    }),
  );
}

/** Signature requirements as readable strings: "trainee", "mentor|tutor", "director?" (when assigned). */
export function signatories(plan: PlanRules): string[] {
  return plan.signatures.required.map((r) => `${r.anyOf.join('|')}${r.whenAssigned ? '?' : ''}`);
}
