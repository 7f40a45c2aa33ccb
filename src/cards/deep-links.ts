/**
 * Where a card's "Open in Trellis" goes: a Teams deep link to the case inside the app's
 * personal tab, which Teams, Outlook and the Microsoft 365 app all open. `webUrl` is the
 * browser fallback Teams uses where the app is not installed.
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

export function caseWebUrl(links: CardLinks, caseId: string): string {
  return `${links.publicUrl.replace(/\/+$/, '')}/cases/${encodeURIComponent(caseId)}`;
}

/** `https://teams.microsoft.com/l/entity/<appId>/<entityId>?webUrl=…&label=…&context={"subEntityId":"<caseId>"}` */
export function caseDeepLink(links: CardLinks, caseId: string, label: string): string {
  const query = [
    `webUrl=${encodeURIComponent(caseWebUrl(links, caseId))}`,
    `label=${encodeURIComponent(label)}`,
    `context=${encodeURIComponent(JSON.stringify({ subEntityId: caseId }))}`,
  ].join('&');
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(links.appId)}/${encodeURIComponent(links.tabEntityId)}?${query}`;
}
