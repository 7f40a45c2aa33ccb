import { DomainError } from '../errors.js';
import type { Procedure } from '../procedure/schema.js';
import { bcuRapidImprovementTargets } from './bcu-rapid-improvement-targets.js';
import { brightFuturesSupport } from './bright-futures-support.js';
import { enhancedSupport } from './enhanced-support.js';
import { midEssexEarlySupport } from './mid-essex-early-support.js';
import { rcttpConcernProcedures } from './rcttp-concern-procedures.js';

export {
  bcuRapidImprovementTargets,
  brightFuturesSupport,
  enhancedSupport,
  midEssexEarlySupport,
  rcttpConcernProcedures,
};

/** The five procedures Trellis ships with, each validated at load. */
export const SEED_PROCEDURES: readonly Procedure[] = Object.freeze([
  bcuRapidImprovementTargets,
  rcttpConcernProcedures,
  enhancedSupport,
  brightFuturesSupport,
  midEssexEarlySupport,
]);

export function findProcedure(id: string): Procedure | undefined {
  return SEED_PROCEDURES.find((procedure) => procedure.id === id);
}

export function getProcedure(id: string): Procedure {
  const procedure = findProcedure(id);
  if (!procedure) {
    throw new DomainError('unknown_procedure', `There is no procedure "${id}".`, {
      known: SEED_PROCEDURES.map((p) => p.id),
    });
  }
  return procedure;
}
