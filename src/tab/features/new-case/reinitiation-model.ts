import type { ProcedureDefinition } from '../../api/trellis-api';
import type { CaseSummary } from '../../api/types';
import { formatDate } from '../../shared/format';

/**
 * Procedures with a re-initiation rule (RCTTP's: "procedures may be initiated a second time only
 * on the following grounds…") said before the case is sent: the wizard looks for the trainee's
 * earlier cases under the procedure among those the caller can see, asks for a ground (and its
 * evidence) for a second case, and explains that there is no third. The server counts every
 * case, visible or not, and stays the judge; this only saves the person a refusal.
 */
export interface ReinitiationDraft {
  /** The person says this is a second initiation though the earlier case is not visible to them. */
  readonly declared: boolean;
  readonly groundId: string;
  readonly evidence: string;
}

export const emptyReinitiation: ReinitiationDraft = { declared: false, groundId: '', evidence: '' };

/** The open-case input allows this much evidence text. */
export const MAX_EVIDENCE_CHARS = 2000;

export type ReinitiationStanding =
  /** The procedure has no rule, or no trainee is named yet. */
  | { readonly kind: 'not_applicable' }
  /** No earlier case the caller can see, and none declared. */
  | { readonly kind: 'first' }
  /** One earlier case (`earlier`), or one the person declared (`earlier` undefined): a ground is needed. */
  | { readonly kind: 'second'; readonly earlier: CaseSummary | undefined }
  /** Two or more earlier cases: the procedure cannot be initiated again. */
  | { readonly kind: 'third'; readonly earlier: readonly CaseSummary[] };

/** The trainee's cases under the procedure among those given, oldest first. */
export function earlierCasesOf(
  cases: readonly CaseSummary[],
  procedureId: string,
  traineeEmail: string,
): CaseSummary[] {
  const trainee = traineeEmail.trim().toLowerCase();
  if (trainee === '') return [];
  return cases
    .filter((c) => c.procedureId === procedureId && c.traineeId.toLowerCase() === trainee)
    .sort((a, b) => a.openedOn.localeCompare(b.openedOn));
}

export function reinitiationStanding(
  procedure: ProcedureDefinition,
  cases: readonly CaseSummary[],
  traineeEmail: string,
  draft: ReinitiationDraft,
): ReinitiationStanding {
  if (procedure.reinitiation === undefined || traineeEmail.trim() === '') return { kind: 'not_applicable' };
  const earlier = earlierCasesOf(cases, procedure.id, traineeEmail);
  if (earlier.length >= 2) return { kind: 'third', earlier };
  if (earlier.length === 1) return { kind: 'second', earlier: earlier[0] };
  return draft.declared ? { kind: 'second', earlier: undefined } : { kind: 'first' };
}

/** The rule in one plain sentence. */
export function reinitiationRule(procedure: ProcedureDefinition): string {
  return `${procedure.name} can be started a second time for the same trainee only on one of the grounds ${procedure.provider.shortName} lists, some of them with evidence, and never a third time.`;
}

/** One line about an earlier case: its reference, when it was opened and whether it is closed. */
export function describeEarlierCase(c: CaseSummary): string {
  return `${c.reference}, opened ${formatDate(c.openedOn)}${c.closedOn === undefined ? ', still open' : `, closed ${formatDate(c.closedOn)}`}`;
}

/** Why a third initiation cannot be opened, naming the earlier cases. */
export function thirdInitiationSentence(
  procedure: ProcedureDefinition,
  traineeName: string,
  earlier: readonly CaseSummary[],
): string {
  const who = traineeName.trim() === '' ? 'This trainee' : traineeName.trim();
  return `${who} has already been through ${procedure.name} ${earlier.length === 2 ? 'twice' : `${earlier.length} times`} (${earlier.map(describeEarlierCase).join('; ')}). It can be started a second time but never a third, so this case cannot be opened; talk to the course leader about what the procedure offers instead.`;
}

/** What stops the person going on, in sentences; empty when nothing does. */
export function reinitiationProblems(
  procedure: ProcedureDefinition,
  standing: ReinitiationStanding,
  draft: ReinitiationDraft,
  traineeName: string,
): string[] {
  if (standing.kind === 'third') return [thirdInitiationSentence(procedure, traineeName, standing.earlier)];
  if (standing.kind !== 'second') return [];
  const ground = procedure.reinitiation?.grounds.find((g) => g.id === draft.groundId);
  if (ground === undefined) return [`Choose the ground for starting ${procedure.name} a second time.`];
  if (ground.evidence === undefined && !ground.caseByCase) return [];
  const evidence = draft.evidence.trim();
  if (evidence.length > MAX_EVIDENCE_CHARS)
    return [`Describe the evidence in at most ${MAX_EVIDENCE_CHARS.toLocaleString('en-GB')} characters.`];
  if (ground.evidence === undefined) return [];
  if (evidence === '')
    return [`${ground.label} must be supported by evidence (${ground.evidence.toLowerCase()}): say what it is.`];
  return [];
}

/** The `reinitiation` part of the open-case input, when this is a second initiation with a ground chosen. */
export function reinitiationInput(
  procedure: ProcedureDefinition,
  standing: ReinitiationStanding,
  draft: ReinitiationDraft,
): { readonly groundId: string; readonly evidence?: string } | undefined {
  if (standing.kind !== 'second') return undefined;
  const ground = procedure.reinitiation?.grounds.find((g) => g.id === draft.groundId);
  if (ground === undefined) return undefined;
  const evidence = draft.evidence.trim();
  // Evidence is asked for only where the ground needs it (or is judged case by case); text left from another ground is not sent.
  const asked = ground.evidence !== undefined || ground.caseByCase;
  return !asked || evidence === '' ? { groundId: ground.id } : { groundId: ground.id, evidence };
}
