import { parseCaseSubPageId } from '../../domain/case/case-links';

/**
 * The tab's addresses that links build and the start reads, without the router's browser state:
 * a case (`/cases/{id}`), at a form on its page (`#sign`, `#review` …, which the case page
 * brings into view and focus).
 */

/** A case's address; `form` opens it at that form. */
export const casePath = (caseId: string, form?: string): string =>
  `/cases/${encodeURIComponent(caseId)}${form === undefined ? '' : `#${encodeURIComponent(form)}`}`;

/**
 * Where the tab opens for a deep link: the host's `page.subPageId` (a card's or email's "Open in
 * Trellis", whose `subEntityId` names the case and the form) as the case's address at that form.
 * Nothing for an empty one. In a browser the same place is the address itself.
 */
export function deepLinkPath(subPageId: string | undefined): string | undefined {
  const target = subPageId === undefined ? undefined : parseCaseSubPageId(subPageId);
  return target === undefined ? undefined : casePath(target.caseId, target.form);
}
