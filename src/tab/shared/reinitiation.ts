import type { ProcedureDefinition } from '../api/trellis-api';
import type { CaseEvent } from '../api/types';
import { humanise } from './format';

/**
 * A case opened as a second initiation (a procedure that allows one only on given grounds), as
 * people read it: the new-case wizard's check step before it is sent, and the case page after.
 */

/** The ground a case was opened on as a second initiation (from its case_opened event), in the procedure's words. */
export function reinitiationOfCase(
  events: readonly CaseEvent[],
  procedure: ProcedureDefinition | undefined,
): { readonly ground: string; readonly evidence: string | undefined } | undefined {
  const opened = events.find((e) => e.type === 'case_opened');
  const value: unknown = opened?.data.reinitiation;
  if (typeof value !== 'object' || value === null) return undefined;
  const groundId: unknown = (value as Record<string, unknown>).groundId;
  const evidence: unknown = (value as Record<string, unknown>).evidence;
  if (typeof groundId !== 'string') return undefined;
  const label = procedure?.reinitiation?.grounds.find((g) => g.id === groundId)?.label ?? humanise(groundId);
  return { ground: label, evidence: typeof evidence === 'string' && evidence.trim() !== '' ? evidence : undefined };
}

/** The line for a second initiation: the ground, then the evidence if any. */
export function describeReinitiation(r: { readonly ground: string; readonly evidence: string | undefined }): string {
  return r.evidence === undefined ? r.ground : `${r.ground}. Evidence: ${r.evidence}`;
}

/** The case page's "Second initiation" fact, when the case was opened as one. */
export function secondInitiationFact(
  events: readonly CaseEvent[],
  procedure: ProcedureDefinition | undefined,
): [string, string][] {
  const reinitiation = reinitiationOfCase(events, procedure);
  return reinitiation === undefined ? [] : [['Second initiation', describeReinitiation(reinitiation)]];
}
