import { caseSubPageId, type NextStepForm } from '../domain/case/index.js';

/**
 * Where a card's "Open in Trellis" goes: a Teams deep link to the case inside the app's
 * personal tab, which Teams, Outlook and the Microsoft 365 app all open, at the form the card
 * is about (the review form, Sign) where there is one: the link's `subEntityId` names the case
 * and the form (domain/case/case-links.ts), which the tab reads at start as `page.subPageId`.
 * `webUrl` is the browser fallback Teams uses where the app is not installed: the same case and
 * form as an address (`/cases/{id}#review`).
 */
export interface CardLinks {
  /** The Teams app id (manifest `id`, TEAMS_APP_ID). */
  readonly appId: string;
  /** The personal tab's `entityId` in the manifest. */
  readonly tabEntityId: string;
  /** The public origin serving the tab, e.g. "https://trellis.example.ac.uk". */
  readonly publicUrl: string;
}

/** The static tab's entity id in manifest/manifest.template.json. */
export const MY_CASES_ENTITY_ID = 'my-cases';

export function caseWebUrl(links: CardLinks, caseId: string, form?: NextStepForm): string {
  const at = form === undefined ? '' : `#${form}`;
  return `${links.publicUrl.replace(/\/+$/, '')}/cases/${encodeURIComponent(caseId)}${at}`;
}

/** `https://teams.microsoft.com/l/entity/<appId>/<entityId>?webUrl=…&label=…&context={"subEntityId":"<caseId>[#<form>]"}` */
export function caseDeepLink(links: CardLinks, caseId: string, label: string, form?: NextStepForm): string {
  const query = [
    `webUrl=${encodeURIComponent(caseWebUrl(links, caseId, form))}`,
    `label=${encodeURIComponent(label)}`,
    `context=${encodeURIComponent(JSON.stringify({ subEntityId: caseSubPageId(caseId, form) }))}`,
  ].join('&');
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(links.appId)}/${encodeURIComponent(links.tabEntityId)}?${query}`;
}
