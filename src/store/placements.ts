import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { PlacementRoster, StoredPlacement } from '../app/placements/roster.js';
import { localDateSchema } from '../domain/calendar/index.js';
import { dateOnlyValue } from './case-rows.js';
import { ConflictError } from './graph/errors.js';
import { collectAll, ListItemStore, type ListItem, type ListRef } from './graph/items.js';
import { eq } from './graph/odata.js';

/**
 * The placement roster in the "Trellis Placements" list (src/store/lists.ts). The `Placement`
 * column holds the row as JSON and is what Trellis reads; the other columns are projections
 * for list views and for the indexed look-ups (key, trainee).
 */

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const rowSchema = z.object({ PlacementKey: z.string(), PlacementId: text, TraineeId: text, Placement: text }).loose();
type Row = z.infer<typeof rowSchema>;

const person = z.strictObject({ id: z.string(), name: z.string() });
const storedSchema = z.strictObject({
  id: z.string(),
  key: z.string(),
  version: z.number().int().min(1),
  trainee: person,
  programme: z.string(),
  provider: z.string().optional(),
  school: z.string(),
  schoolContactEmail: z.string().optional(),
  mentors: z.array(person),
  tutor: person.optional(),
  professionalMentor: person.optional(),
  programmeLead: person.optional(),
  startsOn: localDateSchema,
  endsOn: localDateSchema,
  updatedAt: z.string(),
  updatedBy: z.string(),
});

/** SharePoint single-line text holds 255 characters. */
const MAX_TEXT = 255;
const cut = (value: string | undefined): string | null => (value === undefined ? null : value.slice(0, MAX_TEXT));

function parseRow(item: ListItem<Row>): StoredPlacement | undefined {
  if (item.fields.Placement === undefined) return undefined;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(item.fields.Placement));
    if (!parsed.success) return undefined;
    const d = parsed.data;
    return {
      ...d,
      provider: d.provider,
      schoolContactEmail: d.schoolContactEmail,
      tutor: d.tutor,
      professionalMentor: d.professionalMentor,
      programmeLead: d.programmeLead,
    };
  } catch {
    return undefined;
  }
}

function fieldsOf(row: StoredPlacement): Record<string, string | number | null> {
  return {
    Title: cut(`${row.trainee.name} — ${row.programme}`),
    PlacementKey: cut(row.key) ?? row.key,
    PlacementId: row.id,
    TraineeId: cut(row.trainee.id),
    TraineeName: cut(row.trainee.name),
    Programme: cut(row.programme),
    School: cut(row.school),
    MentorIds: cut(row.mentors.map((m) => m.id).join('; ')),
    TutorId: cut(row.tutor?.id),
    ProfessionalMentorId: cut(row.professionalMentor?.id),
    TermStart: dateOnlyValue(row.startsOn),
    TermEnd: dateOnlyValue(row.endsOn),
    RowVersion: row.version,
    Placement: JSON.stringify(row),
  };
}

export class GraphPlacementRoster implements PlacementRoster {
  private readonly items: ListItemStore<Row>;

  constructor(client: Client, list: ListRef) {
    this.items = new ListItemStore(client, list, { fields: rowSchema, keyField: 'PlacementKey' });
  }

  async all(): Promise<readonly StoredPlacement[]> {
    const items = await collectAll(this.items.queryItems({ top: 5000 }));
    return items.map(parseRow).filter((r): r is StoredPlacement => r !== undefined);
  }

  async forTrainee(traineeId: string): Promise<readonly StoredPlacement[]> {
    const items = await collectAll(
      this.items.queryItems({ filter: eq('TraineeId', traineeId.trim().toLowerCase()), top: 100 }),
    );
    return items.map(parseRow).filter((r): r is StoredPlacement => r !== undefined);
  }

  async find(id: string): Promise<StoredPlacement | undefined> {
    const item = await this.itemById(id);
    return item ? parseRow(item) : undefined;
  }

  async save(row: StoredPlacement, expectedVersion?: number): Promise<StoredPlacement> {
    const fields = fieldsOf(row);
    const existing = await this.items.findByKey(row.key);
    if (!existing) {
      const created = await this.items.createItem(fields);
      if (created.created) return row;
      return this.replace(created.item, row, expectedVersion);
    }
    return this.replace(existing, row, expectedVersion);
  }

  private async replace(
    item: ListItem<Row>,
    row: StoredPlacement,
    expectedVersion: number | undefined,
  ): Promise<StoredPlacement> {
    const current = parseRow(item);
    if (expectedVersion !== undefined && current !== undefined && current.version !== expectedVersion) {
      throw new ConflictError(item, `Placement ${row.key} is at version ${current.version}, not ${expectedVersion}`);
    }
    const next = { ...row, version: (current?.version ?? 0) + 1 };
    await this.items.updateItem(item.id, fieldsOf(next), item.eTag);
    return next;
  }

  async remove(id: string): Promise<boolean> {
    const item = await this.itemById(id);
    if (!item) return false;
    return this.items.deleteItem(item.id, { eTag: item.eTag });
  }

  private async itemById(id: string): Promise<ListItem<Row> | undefined> {
    if (!/^[a-f0-9]{24}$/.test(id)) return undefined;
    for await (const page of this.items.queryItems({ filter: eq('PlacementId', id), top: 2 })) {
      const [first] = page;
      if (first !== undefined) return first;
    }
    return undefined;
  }
}
