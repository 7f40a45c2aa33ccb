import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { londonDateOf, type LocalDate } from '../domain/calendar/index.js';
import type { CaseRecords, RemovedCaseData, Tombstone } from '../app/ports.js';
import { parseNotificationPayload } from '../notify/notification-schema.js';
import { batchResultError, executeBatch, type BatchRequest } from './graph/batch.js';
import { GraphStoreError } from './graph/errors.js';
import {
  expandFields,
  GRAPH_MAX_PAGE_SIZE,
  listItemPath,
  listItemsPath,
  ListItemStore,
  parseListItem,
  type FieldValues,
  type ListItem,
} from './graph/items.js';
import { eq } from './graph/odata.js';
import type { TrellisSite } from './case-repository.js';
import { dateOnlyValue } from './case-rows.js';
import { REMOVAL_ACTION_CHOICES, REMOVAL_STATE_CHOICES, type TrellisListName } from './lists.js';
import { deleteCalendarEvent } from './notify/graph-calendar.js';

/**
 * Removing cases for good, over the SharePoint lists (the app's `CaseRecords` port): the
 * tombstones list, and the deletion of every row that holds a case — its event trail, the
 * projection rows (people, targets, reviews, signatures), its outbox rows, its row in the cases
 * list — and the Outlook events its review meetings made.
 *
 * Round trips per case: one `$batch` finds every row (seven GETs), one DELETE removes the first
 * event, `$batch`es of twenty remove the rest, one DELETE removes the case row, and one more
 * `$batch` checks that nothing is left (a write that raced the removal is removed too).
 */

const tombstoneFieldsSchema = z
  .object({
    CaseId: z.string(),
    ProviderId: z.string().nullish(),
    ProcedureId: z.string().nullish(),
    Programme: z.string().nullish(),
    OpenedOn: z.string().nullish(),
    ClosedOn: z.string().nullish(),
    RemovedOn: z.string().nullish(),
    RemovalAction: z.enum(REMOVAL_ACTION_CHOICES).nullish(),
    Policy: z.string().nullish(),
    RemovalState: z.enum(REMOVAL_STATE_CHOICES).nullish(),
    Counts: z.string().nullish(),
    RequestedBy: z.string().nullish(),
    Reason: z.string().nullish(),
  })
  .loose();
type TombstoneFields = z.infer<typeof tombstoneFieldsSchema>;

const countsSchema = z.object({
  stageId: z.string(),
  reasons: z.array(z.string()),
  resolution: z.string().optional(),
  outcomeId: z.string().optional(),
});

/** Lists with rows keyed to a case, in the order their rows are deleted (the case row is last, on its own). */
const CASE_LISTS = ['events', 'people', 'targets', 'reviews', 'signatures', 'outbox'] as const;
/** How often the rows are looked for again when a write raced the removal. */
const REMOVAL_ROUNDS = 3;

const rowSchema = z
  .object({ CaseId: z.string().nullish(), Seq: z.number().nullish(), Channel: z.string().nullish() })
  .loose();

export class GraphCaseRecords implements CaseRecords {
  private readonly store: ListItemStore<TombstoneFields>;

  constructor(
    private readonly client: Client,
    private readonly site: TrellisSite,
  ) {
    this.store = new ListItemStore(client, site.lists.tombstones, {
      fields: tombstoneFieldsSchema,
      keyField: 'CaseId',
    });
  }

  async tombstones(): Promise<readonly Tombstone[]> {
    const out: Tombstone[] = [];
    for await (const page of this.store.queryItems({ top: GRAPH_MAX_PAGE_SIZE })) {
      for (const item of page) out.push(toTombstone(item));
    }
    return out;
  }

  async findTombstone(caseId: string): Promise<Tombstone | undefined> {
    const item = await this.store.findByKey(caseId);
    return item === undefined ? undefined : toTombstone(item);
  }

  async beginRemoval(tombstone: Tombstone): Promise<Tombstone> {
    const { item } = await this.store.createItem(fieldsOf({ ...tombstone, state: 'removing' }));
    return toTombstone(item);
  }

  async finishRemoval(caseId: string): Promise<Tombstone> {
    const item = await this.store.findByKey(caseId);
    if (item === undefined) throw new GraphStoreError('not_found', `Case ${caseId} has no tombstone to finish`);
    if (item.fields.RemovalState === 'removed') return toTombstone(item);
    // The job is the only writer of a tombstone after it is made: a lost race is someone finishing the same removal.
    const updated = await this.store.updateItem(item.id, { RemovalState: 'removed' }, item.eTag).catch(async () => {
      const again = await this.store.findByKey(caseId);
      if (again?.fields.RemovalState !== 'removed')
        throw new GraphStoreError('conflict', `The tombstone of case ${caseId} kept changing`);
      return again;
    });
    return toTombstone({ ...updated, fields: { ...item.fields, ...updated.fields, RemovalState: 'removed' } });
  }

  async removeCaseData(caseId: string): Promise<RemovedCaseData> {
    let rows = 0;
    let calendarEvents = 0;
    for (let round = 0; round < REMOVAL_ROUNDS; round += 1) {
      const found = await this.rowsOf(caseId);
      const total = found.reduce((n, f) => n + f.items.length, 0);
      if (total === 0) return { rows, calendarEvents };
      // The calendar events first: the outbox rows are the only record of where they are.
      for (const meeting of meetingsIn(found)) {
        if (await deleteCalendarEvent(this.client, meeting.organizer, meeting.transactionId)) calendarEvents += 1;
      }
      const events = found.find((f) => f.list === 'events')?.items ?? [];
      const first = [...events].sort((a, b) => (a.fields.Seq ?? 0) - (b.fields.Seq ?? 0))[0];
      // The first event (case_opened) goes alone and first: from then on the trail no longer
      // replays, so nobody reads or writes a half-removed case as if it were whole.
      if (first !== undefined) rows += await this.deleteRows([{ list: 'events', id: first.id }]);
      const rest = found
        .filter((f) => f.list !== 'cases')
        .flatMap((f) => f.items.filter((item) => item !== first).map((item) => ({ list: f.list, id: item.id })));
      rows += await this.deleteRows(rest);
      const caseRows = found.find((f) => f.list === 'cases')?.items ?? [];
      rows += await this.deleteRows(caseRows.map((item) => ({ list: 'cases' as const, id: item.id })));
    }
    const left = (await this.rowsOf(caseId)).reduce((n, f) => n + f.items.length, 0);
    if (left > 0) {
      throw new GraphStoreError(
        'conflict',
        `Case ${caseId} kept gaining rows while it was being removed; the next run finishes it`,
      );
    }
    return { rows, calendarEvents };
  }

  /** Every row holding the case, list by list, in one `$batch`. */
  private async rowsOf(
    caseId: string,
  ): Promise<{ readonly list: TrellisListName; readonly items: ListItem<z.infer<typeof rowSchema>>[] }[]> {
    const filter = encodeURIComponent(eq('CaseId', caseId).expression);
    const lists: readonly TrellisListName[] = [...CASE_LISTS, 'cases'];
    const select: Partial<Record<TrellisListName, readonly string[]>> = {
      events: ['CaseId', 'Seq'],
      outbox: ['CaseId', 'Channel', 'Payload'],
    };
    const requests: BatchRequest[] = lists.map((list) => ({
      id: list,
      method: 'GET',
      url: `${listItemsPath(this.site.lists[list])}?expand=${expandFields(select[list] ?? ['CaseId'])}&$filter=${filter}&$top=${GRAPH_MAX_PAGE_SIZE}`,
    }));
    const outcome = await executeBatch(this.client, requests);
    const page = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });
    return lists.map((list) => {
      const result = outcome.get(list);
      const error = batchResultError(result, `Finding the rows of case ${caseId}`);
      if (error) throw error;
      const body = page.parse(result.body);
      // More than a page of one case's rows would need paging; no case comes near it.
      if (body['@odata.nextLink'] !== undefined)
        throw new GraphStoreError('unexpected', `Case ${caseId} has more than ${GRAPH_MAX_PAGE_SIZE} ${list} rows`);
      return {
        list,
        items: body.value.map((raw) => parseListItem(raw, rowSchema, `Finding the rows of case ${caseId}`)),
      };
    });
  }

  /** Deletes the rows in `$batch`es; already gone is done. Answers how many this call deleted. */
  private async deleteRows(rows: readonly { readonly list: TrellisListName; readonly id: string }[]): Promise<number> {
    if (rows.length === 0) return 0;
    const outcome = await executeBatch(
      this.client,
      rows.map((row, index) => ({
        id: `d${index}`,
        method: 'DELETE',
        url: listItemPath(this.site.lists[row.list], row.id),
      })),
    );
    let deleted = 0;
    for (const result of outcome.results) {
      if (result.status === 404) continue;
      const error = batchResultError(result, 'Deleting a row of a removed case');
      if (error) throw error;
      deleted += 1;
    }
    return deleted;
  }
}

/** The review meetings a case's outbox rows put in calendars (one per organiser and transaction). */
function meetingsIn(
  found: readonly { readonly list: TrellisListName; readonly items: readonly ListItem<z.infer<typeof rowSchema>>[] }[],
): { organizer: string; transactionId: string }[] {
  const meetings = new Map<string, { organizer: string; transactionId: string }>();
  for (const item of found.find((f) => f.list === 'outbox')?.items ?? []) {
    if (item.fields.Channel !== 'calendar') continue;
    const payload = (item.fields as Record<string, unknown>).Payload;
    if (typeof payload !== 'string') continue;
    const parsed = parseNotificationPayload(payload);
    const calendar = 'notification' in parsed ? parsed.notification.calendar : undefined;
    if (calendar === undefined) continue;
    meetings.set(`${calendar.organizer}|${calendar.transactionId}`, {
      organizer: calendar.organizer,
      transactionId: calendar.transactionId,
    });
  }
  return [...meetings.values()];
}

function fieldsOf(t: Tombstone): FieldValues {
  return {
    CaseId: t.caseId,
    ProviderId: t.providerId,
    ProcedureId: t.procedureId,
    Programme: t.programme,
    OpenedOn: dateOnlyValue(t.openedOn),
    ClosedOn: dateOnlyValue(t.closedOn),
    RemovedOn: dateOnlyValue(t.removedOn),
    RemovalAction: t.action,
    Policy: t.policy,
    RemovalState: t.state,
    Counts: t.counts === undefined ? null : JSON.stringify(t.counts),
    RequestedBy: t.requestedBy ?? null,
    Reason: t.reason ?? null,
  };
}

function dateOf(value: string | null | undefined): LocalDate | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : londonDateOf(instant);
}

function toTombstone(item: ListItem<TombstoneFields>): Tombstone {
  const f = item.fields;
  const context = `The tombstone of case ${f.CaseId}`;
  const openedOn = dateOf(f.OpenedOn);
  const removedOn = dateOf(f.RemovedOn);
  if (openedOn === undefined || removedOn === undefined)
    throw new GraphStoreError('data_error', `${context} has no opened or removed date`);
  let counts: Tombstone['counts'];
  if (f.Counts !== null && f.Counts !== undefined && f.Counts !== '') {
    const parsed = countsSchema.safeParse(safeJson(f.Counts));
    if (!parsed.success) throw new GraphStoreError('data_error', `${context} has counts that cannot be read`);
    counts = {
      stageId: parsed.data.stageId,
      reasons: parsed.data.reasons,
      resolution: parsed.data.resolution,
      outcomeId: parsed.data.outcomeId,
    };
  }
  return {
    caseId: f.CaseId,
    providerId: f.ProviderId ?? '',
    procedureId: f.ProcedureId ?? '',
    programme: f.Programme ?? '',
    openedOn,
    closedOn: dateOf(f.ClosedOn),
    removedOn,
    action: f.RemovalAction ?? 'delete',
    policy: f.Policy ?? '',
    state: f.RemovalState ?? 'removing',
    counts,
    requestedBy: f.RequestedBy ?? undefined,
    reason: f.Reason ?? undefined,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
