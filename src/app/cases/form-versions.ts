import { applyEvent, type CaseState } from '../../domain/case/index.js';
import type { StoredCase } from '../../domain/ports.js';

/**
 * The case's forms by plan version: each plan a case has had is a form, and the copy of it
 * that counts is the case as it stood when that plan was last the current one — signed, with
 * the review that completed it — before the next plan's draft replaced it. The current plan's
 * form is the case as it is now.
 */
export function caseAtPlanVersion(stored: StoredCase, planVersion: number): CaseState | undefined {
  if (stored.state.plan?.version === planVersion) return stored.state;
  let state: CaseState | undefined;
  let found: CaseState | undefined;
  for (const event of stored.events) {
    state = applyEvent(state, event);
    if (state.plan?.version === planVersion) found = state;
  }
  return found;
}
