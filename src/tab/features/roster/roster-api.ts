import type { ApiClient } from '../../api/client';
import type { PlacementImportResult, PlacementInput, PlacementPage, PlacementRow } from '../../api/types';

/** The placement roster's routes (src/server/routes/placements.ts); types from the contract. */

export interface RosterQuery {
  readonly programme?: string;
  readonly search?: string;
  readonly current?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

export function rosterPath(query: RosterQuery): string {
  const params = new URLSearchParams({ limit: String(query.limit) });
  if (query.programme !== undefined && query.programme !== '') params.set('programme', query.programme);
  if (query.search !== undefined && query.search.trim() !== '') params.set('search', query.search.trim());
  if (query.current === true) params.set('current', 'true');
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  return `/api/placements?${params.toString()}`;
}

export const listRoster = (api: ApiClient, query: RosterQuery): Promise<PlacementPage> =>
  api.get<PlacementPage>(rosterPath(query));

/** The import: `dryRun` checks and previews (nothing written); without it, writes when no row has a problem. */
export const importRoster = (api: ApiClient, csv: string, dryRun: boolean): Promise<PlacementImportResult> =>
  api.post<PlacementImportResult>(`/api/placements/import?dryRun=${dryRun ? 'true' : 'false'}`, { csv });

/** A row's ETag, as the server sends it: `"v<version>"`. */
export const etagOfRow = (row: Pick<PlacementRow, 'version'>): string => `"v${String(row.version)}"`;

export const updateRosterRow = async (
  api: ApiClient,
  row: PlacementRow,
  input: PlacementInput,
): Promise<PlacementRow> =>
  (
    await api.send<PlacementRow>('PUT', `/api/placements/${encodeURIComponent(row.id)}`, input, {
      ifMatch: etagOfRow(row),
    })
  ).data;

export const removeRosterRow = (api: ApiClient, row: PlacementRow): Promise<void> =>
  api.remove(`/api/placements/${encodeURIComponent(row.id)}`, { ifMatch: etagOfRow(row) });

/**
 * The row as it now is, after someone else changed it (a 412): found by its trainee and
 * programme, then its id; undefined when it has been removed.
 */
export async function currentRow(api: ApiClient, row: PlacementRow): Promise<PlacementRow | undefined> {
  const page = await listRoster(api, { programme: row.programme, search: row.trainee.id, limit: 500 });
  return page.items.find((r) => r.id === row.id);
}
