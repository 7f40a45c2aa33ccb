import { calendarFor, openLinkedCase, type CaseState } from '../../domain/case/index.js';
import type { StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import type { UseCaseDeps } from '../deps.js';

export interface LinkedCasesOpened {
  /** Linked cases this run opened. */
  readonly opened: readonly string[];
  /** Linked cases that were already there (opened by an earlier run, or a twin running alongside). */
  readonly existing: readonly string[];
}

/**
 * Opens the linked cases a case's decisions fixed (linked_case_decided) that are not there yet.
 * The decision and the new case's id are stored in one append on the deciding case, so that
 * trail is the record of what is owed: this runs straight after the decision and again from the
 * sweep (for cases changed recently), and however often it runs, each decision has one case. A
 * create that meets the case already stored (a twin won the race) finds it and counts it existing.
 *
 * The new case is opened as the person who recorded the decision: the decision is the authority
 * for it, so who may raise a concern and one open case per trainee are not asked again.
 */
export async function openLinkedCases(
  deps: Pick<UseCaseDeps, 'repository' | 'clock' | 'logger' | 'notify'>,
  procedure: Procedure,
  source: StoredCase,
): Promise<LinkedCasesOpened> {
  const opened: string[] = [];
  const existing: string[] = [];
  for (const link of source.state.linkedCases) {
    if (await deps.repository.find(link.caseId)) {
      existing.push(link.caseId);
      continue;
    }
    const result = openLinkedCase(
      {
        procedure,
        calendar: calendarFor(procedure),
        now: deps.clock(),
        actor: { id: link.decidedBy, name: decidedByName(source.state, link.decidedBy), appRoles: [] },
      },
      source.state,
      link,
    );
    try {
      await deps.repository.create(result);
    } catch (error) {
      if (await deps.repository.find(link.caseId)) {
        existing.push(link.caseId);
        continue;
      }
      throw error;
    }
    opened.push(link.caseId);
    deps.logger.info('linked case opened', { caseId: link.caseId, from: source.state.id });
    deps.notify?.({ procedure, before: undefined, after: result.state, events: result.events });
  }
  return { opened, existing };
}

function decidedByName(state: CaseState, id: string): string {
  return state.people.find((p) => p.id.toLowerCase() === id.toLowerCase())?.name ?? '';
}
