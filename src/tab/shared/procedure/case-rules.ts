import { planRulesOf } from '../../../domain/case/command-kit';
import type { PlanRules, Stage } from '../../../domain/procedure/schema';
import type { ProcedureDefinition } from '../../api/trellis-api';
import type { CaseView } from '../../api/types';

/**
 * What the procedure definition says for a case where it is now, read the way the server reads
 * it. The definition can change with a deployment while a case stays open: undefined then, and
 * whatever needs the rule is not offered.
 */

/** The stage the case is at, as the procedure defines it (undefined if the definition no longer has it). */
export function stageOf(view: CaseView, procedure: ProcedureDefinition): Stage | undefined {
  return procedure.stages.find((s) => s.id === view.stage.id);
}

/** The form rules the plan follows (as the server reads them), or undefined if the definition no longer has them. */
export function formRulesOf(
  procedure: ProcedureDefinition,
  plan: NonNullable<CaseView['plan']>,
): PlanRules | undefined {
  const rulesFrom = { stageId: plan.rulesFrom.stageId, outcome: plan.rulesFrom.outcome };
  try {
    return planRulesOf(procedure, { rulesFrom });
  } catch {
    return undefined;
  }
}
