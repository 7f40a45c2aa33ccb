import type { ProcedureInput } from '../procedure/schema.js';

/**
 * Input shapes (before zod defaults) of the parts of a procedure definition, so the seed
 * definitions can share pieces (a provider's form, an inform rule) and still be type-checked
 * with `satisfies` before `loadProcedure` validates the whole.
 */
export type StageInput = ProcedureInput['stages'][number];
export type PlanRulesInput = NonNullable<StageInput['plan']>;
export type SignaturesInput = PlanRulesInput['signatures'];
export type InformRuleInput = NonNullable<StageInput['inform']>[number];
