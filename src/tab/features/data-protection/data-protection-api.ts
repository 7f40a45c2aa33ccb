import type { ApiClient } from '../../api/client';
import type { CaseAccessLog } from '../../api/types';

/** The data protection endpoints the tab uses (src/server/routes/cases.ts, data-protection.ts); types from the contract. */

export type { CaseAccessLog };

export const getCaseAccessLog = (api: ApiClient, caseId: string): Promise<CaseAccessLog> =>
  api.get<CaseAccessLog>(`/api/cases/${encodeURIComponent(caseId)}/access-log`);

export const HOW_LABELS: Readonly<Record<CaseAccessLog['entries'][number]['how'], string>> = {
  api: 'Opened in Trellis',
  pdf: 'Downloaded the form PDF',
  card: 'Opened a card in Teams',
  export: 'In a data export',
};
