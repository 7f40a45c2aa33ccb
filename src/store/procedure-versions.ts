import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { ProcedureVersionStore, StoredProcedureVersion } from '../app/cases/procedure-versions.js';
import { GraphStoreError } from './graph/errors.js';
import { ListItemStore, type ListRef } from './graph/items.js';
import { eq } from './graph/odata.js';

/** Characters of a definition in one row: SharePoint's multi-line text holds 63,999. */
export const DEFINITION_PART_CHARS = 60_000;

const rowSchema = z
  .object({
    VersionKey: z.string(),
    ProcedureId: z.string().nullish(),
    Hash: z.string().nullish(),
    VersionLabel: z.string().nullish(),
    Part: z.number().nullish(),
    Parts: z.number().nullish(),
    Definition: z.string().nullish(),
  })
  .loose();
type Row = z.infer<typeof rowSchema>;

const keyOf = (procedureId: string, hash: string, part: number): string => `${procedureId}@${hash}#${part}`;

/** A version label as it was written: a whole number stays one. */
function labelOf(text: string): number | string {
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

/**
 * Procedure versions in the "Trellis Procedure Versions" list (src/store/lists.ts): each version
 * a case follows, its definition as JSON in parts of at most 60,000 characters, one row a part.
 * Rows are created once, by their unique key, and never edited: a version written again (two
 * servers at once, or a write cut short and retried) finds its parts already there.
 */
export class GraphProcedureVersions implements ProcedureVersionStore {
  private readonly items: ListItemStore<Row>;

  constructor(client: Client, list: ListRef) {
    this.items = new ListItemStore(client, list, { fields: rowSchema, keyField: 'VersionKey' });
  }

  async find(procedureId: string, hash: string): Promise<StoredProcedureVersion | undefined> {
    const rows: Row[] = [];
    for await (const page of this.items.queryItems({ filter: eq('Hash', hash), top: 100 })) {
      for (const item of page) if (item.fields.ProcedureId === procedureId) rows.push(item.fields);
    }
    const parts = rows[0]?.Parts ?? 0;
    if (rows.length === 0 || parts < 1) return undefined;
    const ordered: string[] = [];
    for (let part = 1; part <= parts; part += 1) {
      const row = rows.find((r) => r.Part === part);
      // The parts are written before the case that names the version: a missing one is damage, not a write in progress.
      if (row?.Definition == null) {
        throw new GraphStoreError(
          'not_found',
          `Part ${part} of ${parts} of procedure version ${procedureId}@${hash} is missing`,
        );
      }
      ordered.push(row.Definition);
    }
    return { procedureId, hash, version: labelOf(rows[0]?.VersionLabel ?? ''), definition: ordered.join('') };
  }

  async keep(version: StoredProcedureVersion): Promise<void> {
    const parts: string[] = [];
    for (let at = 0; at < version.definition.length; at += DEFINITION_PART_CHARS) {
      parts.push(version.definition.slice(at, at + DEFINITION_PART_CHARS));
    }
    for (const [index, definition] of parts.entries()) {
      await this.items.createItem({
        VersionKey: keyOf(version.procedureId, version.hash, index + 1),
        ProcedureId: version.procedureId,
        Hash: version.hash,
        VersionLabel: String(version.version).slice(0, 255),
        Part: index + 1,
        Parts: parts.length,
        Definition: definition,
      });
    }
  }
}
