import { DomainError } from '../../errors.js';
import type { Procedure } from '../../procedure/schema.js';
import { procedureChanges, versionLabel, versionMoveBlocker } from '../../procedure/versions.js';
import { assertOpen, EventBuilder, type CommandContext, type CommandResult } from '../command-kit.js';
import type { CaseState } from '../types.js';

/** The version a case is moved to: the definition and its hash (procedure/versions.ts). */
export interface ProcedureVersionTarget {
  readonly procedure: Procedure;
  readonly hash: string;
}

/** The stages a case stands on: where it is, and where its plan's rules and review come from. */
export function stagesOfCase(state: CaseState): { readonly stageId: string; readonly planStages: readonly string[] } {
  const plan = state.plan;
  return {
    stageId: state.stageId,
    planStages: plan === undefined ? [] : [...new Set([plan.stageId, plan.reviewAt, plan.rulesFrom.stageId])],
  };
}

/**
 * Why the case cannot be moved to `to`, or undefined when it can: it is open, not on that
 * version already, and every stage it stands on is in the version it moves to.
 */
export function versionMoveRefusal(
  ctx: Pick<CommandContext, 'procedure'>,
  state: CaseState,
  to: ProcedureVersionTarget,
): string | undefined {
  if (state.status === 'closed') return `Case ${state.reference} is closed; it stays on the version it closed under.`;
  if (state.procedureHash === to.hash) {
    return `Case ${state.reference} already follows ${versionLabel(to.procedure.version)} of ${to.procedure.name}.`;
  }
  const at = stagesOfCase(state);
  const stageTitle = ctx.procedure.stages.find((s) => s.id === at.stageId)?.title ?? at.stageId;
  return versionMoveBlocker(to.procedure, { ...at, stageTitle });
}

/**
 * An administrator moves an open case from the version of its procedure it follows to another
 * (the one that runs now), deliberately: the event lists what changes for the case in plain
 * words. Refused, with the sentence why, when the case's stage (or its plan's) is not in that
 * version. `ctx.procedure` is the version the case follows now.
 */
export function moveToProcedureVersion(
  ctx: CommandContext,
  state: CaseState,
  to: ProcedureVersionTarget,
): CommandResult {
  if (!ctx.actor.appRoles.includes('admin')) {
    throw new DomainError(
      'not_permitted',
      'Only a Trellis administrator can move a case to another version of its procedure.',
    );
  }
  assertOpen(state);
  if (to.procedure.id !== state.procedureId) {
    throw new DomainError(
      'invalid_input',
      `Case ${state.reference} follows ${ctx.procedure.name}, not ${to.procedure.name}.`,
    );
  }
  const refusal = versionMoveRefusal(ctx, state, to);
  if (refusal !== undefined) throw new DomainError('version_not_movable', refusal);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('procedure_version_changed', {
    fromVersion: state.procedureVersion,
    ...(state.procedureHash === undefined ? {} : { fromHash: state.procedureHash }),
    toVersion: to.procedure.version,
    toHash: to.hash,
    changes: procedureChanges(ctx.procedure, to.procedure).slice(0, 300),
  });
  return builder.result();
}
