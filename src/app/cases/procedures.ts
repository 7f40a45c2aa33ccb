import { DomainError } from '../../domain/errors.js';
import type { Procedure } from '../../domain/procedure/schema.js';

export function findProcedureIn(procedures: readonly Procedure[], id: string): Procedure | undefined {
  return procedures.find((p) => p.id === id);
}

/** The procedure a stored case runs under; a case naming one this server does not have is a data problem. */
export function getProcedureIn(procedures: readonly Procedure[], id: string): Procedure {
  const procedure = findProcedureIn(procedures, id);
  if (!procedure)
    throw new DomainError('unknown_procedure', `There is no procedure "${id}".`, {
      known: procedures.map((p) => p.id),
    });
  return procedure;
}

export function traineeRolesOf(procedures: readonly Procedure[], procedureId: string): ReadonlySet<string> {
  const procedure = findProcedureIn(procedures, procedureId);
  // Unknown procedure: assume the conventional id, so a trainee is never shown the staff view.
  if (!procedure) return new Set(['trainee']);
  return new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
}
