import type { ApiClient, Download } from '../../api/client';
import type { CaseAccessLog, Tombstone } from '../../api/types';

/** The data protection endpoints the tab uses (src/server/routes/cases.ts, data-protection.ts); types from the contract. */

export type { CaseAccessLog };

export const getCaseAccessLog = (api: ApiClient, caseId: string): Promise<CaseAccessLog> =>
  api.get<CaseAccessLog>(`/api/cases/${encodeURIComponent(caseId)}/access-log`);

export const HOW_LABELS: Readonly<Record<CaseAccessLog['entries'][number]['how'], string>> = {
  api: 'Opened in Trellis',
  pdf: 'Downloaded the form PDF',
  card: 'Opened a card in Teams',
  export: 'In a data export',
  list: 'Saw it in a list of cases or search results',
};

/** POST /api/cases/{caseId}/erase (administrators): the case is deleted; answers the tombstone it leaves. */
export const eraseCase = (api: ApiClient, caseId: string, reason: string): Promise<Tombstone> =>
  api.post<Tombstone>(`/api/cases/${encodeURIComponent(caseId)}/erase`, { reason });

/** GET /api/trainees/{upn}/export: everything Trellis holds about the trainee that the caller may export, as a zip. */
export const downloadTraineeExport = (api: ApiClient, upn: string): Promise<Download> =>
  api.download(`/api/trainees/${encodeURIComponent(upn)}/export`, 'application/zip');

/** A file name people can keep: the server's suggestion made safe, always ending in .zip. */
export function zipFileName(suggested: string | undefined): string {
  const safe = (suggested ?? 'trellis-export.zip').replace(/[^A-Za-z0-9 ._-]/g, '_').slice(0, 120);
  return safe.toLowerCase().endsWith('.zip') ? safe : `${safe}.zip`;
}
