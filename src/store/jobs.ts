import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { JobKind, JobLease, JobLeaseState, JobRecord, JobState, JobStore } from '../app/notifications/jobs.js';
import { isConflictError } from './graph/errors.js';
import { ListItemStore, type FieldValues, type ListItem, type ListRef } from './graph/items.js';
import { dateTimeValue, lt } from './graph/odata.js';

/**
 * Jobs and their leases in the "Trellis Jobs" list (src/store/lists.ts). A job is the row keyed
 * `job:<id>`, written only by the instance running it. The lease of a kind of job is the row
 * keyed `lease:<kind>`: created once (the unique key lets one creator win), then changed only
 * with If-Match on the eTag it was read with, so two instances taking it at once cannot both
 * succeed — the second meets 412 and reads who holds it.
 */

const JOB_KINDS = ['review-sweep', 'retention', 'retention-dry-run'] as const satisfies readonly JobKind[];
const JOB_STATES = ['running', 'succeeded', 'failed'] as const satisfies readonly JobState[];

const text = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));
const rowSchema = z
  .object({
    JobKey: z.string(),
    Kind: text,
    JobState: text,
    Owner: text,
    StartedAt: text,
    FinishedAt: text,
    HeartbeatAt: text,
    HolderJobId: text,
    LeaseUntil: text,
    Failures: z.number().nullish(),
    RetryAt: text,
    LastSucceededOn: text,
    Result: text,
    JobError: text,
  })
  .loose();
type Row = z.infer<typeof rowSchema>;

const jobKey = (id: string): string => `job:${id}`;
const leaseKey = (kind: JobKind): string => `lease:${kind}`;
const isKind = (value: string | undefined): value is JobKind => JOB_KINDS.some((k) => k === value);
const isState = (value: string | undefined): value is JobState => JOB_STATES.some((s) => s === value);

export class GraphJobStore implements JobStore {
  private readonly items: ListItemStore<Row>;
  /** Item ids of the job rows this instance wrote, so an update is one request. */
  private readonly itemIds = new Map<string, string>();

  constructor(client: Client, list: ListRef) {
    this.items = new ListItemStore(client, list, { fields: rowSchema, keyField: 'JobKey' });
  }

  async findLease(kind: JobKind): Promise<JobLease | undefined> {
    const item = await this.items.findByKey(leaseKey(kind));
    return item === undefined ? undefined : leaseOf(kind, item);
  }

  async writeLease(kind: JobKind, read: JobLease | undefined, next: JobLeaseState): Promise<JobLease | 'lost'> {
    const fields: FieldValues = {
      HolderJobId: next.holder?.jobId ?? null,
      Owner: next.holder?.owner ?? null,
      LeaseUntil: next.holder?.until ?? null,
      Failures: next.failures,
      RetryAt: next.retryAt ?? null,
      LastSucceededOn: next.lastSucceededOn ?? null,
    };
    if (read === undefined) {
      const { item, created } = await this.items.createItem({
        Title: kind,
        JobKey: leaseKey(kind),
        Kind: kind,
        ...fields,
      });
      return created ? leaseOf(kind, item) : 'lost';
    }
    const { itemId, eTag } = versionOf(read.version);
    try {
      return leaseOf(kind, await this.items.updateItem(itemId, fields, eTag));
    } catch (error) {
      if (isConflictError(error)) return 'lost';
      throw error;
    }
  }

  async saveJob(job: JobRecord): Promise<void> {
    const fields: FieldValues = {
      Kind: job.kind,
      JobState: job.state,
      Owner: job.owner,
      StartedAt: job.startedAt,
      FinishedAt: job.finishedAt ?? null,
      HeartbeatAt: job.heartbeatAt,
      Result: job.result === undefined ? null : JSON.stringify(job.result),
      JobError: job.error ?? null,
    };
    let itemId = this.itemIds.get(job.id);
    if (itemId === undefined) {
      const { item, created } = await this.items.createItem({ Title: job.kind, JobKey: jobKey(job.id), ...fields });
      this.itemIds.set(job.id, item.id);
      if (created) return;
      itemId = item.id;
    }
    await this.items.overwriteItem(itemId, fields);
    if (job.state !== 'running') this.itemIds.delete(job.id);
  }

  async removeJobsStartedBefore(at: string): Promise<number> {
    // StartedAt is indexed; lease rows have none, so they never match.
    const old: string[] = [];
    for await (const page of this.items.queryItems({ filter: lt('StartedAt', dateTimeValue(at)), top: 500 }))
      old.push(...page.map((item) => item.id));
    let removed = 0;
    for (const itemId of old) if (await this.items.deleteItem(itemId)) removed += 1;
    return removed;
  }

  async findJob(id: string): Promise<JobRecord | undefined> {
    // A job id is a UUID; anything else is no job (and never reaches a query).
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const item = await this.items.findByKey(jobKey(id));
    if (item === undefined) return undefined;
    const row = item.fields;
    if (!isKind(row.Kind) || !isState(row.JobState) || row.StartedAt === undefined) return undefined;
    let result: unknown;
    if (row.Result !== undefined) {
      try {
        result = JSON.parse(row.Result);
      } catch {
        result = undefined;
      }
    }
    return {
      id,
      kind: row.Kind,
      state: row.JobState,
      owner: row.Owner ?? '',
      startedAt: row.StartedAt,
      ...(row.FinishedAt === undefined ? {} : { finishedAt: row.FinishedAt }),
      heartbeatAt: row.HeartbeatAt ?? row.StartedAt,
      ...(result === undefined ? {} : { result }),
      ...(row.JobError === undefined ? {} : { error: row.JobError }),
    };
  }
}

function leaseOf(kind: JobKind, item: ListItem<Row>): JobLease {
  const row = item.fields;
  return {
    kind,
    ...(row.Owner !== undefined && row.LeaseUntil !== undefined
      ? {
          holder: {
            ...(row.HolderJobId === undefined ? {} : { jobId: row.HolderJobId }),
            owner: row.Owner,
            until: row.LeaseUntil,
          },
        }
      : {}),
    failures: row.Failures ?? 0,
    ...(row.RetryAt === undefined ? {} : { retryAt: row.RetryAt }),
    ...(row.LastSucceededOn === undefined ? {} : { lastSucceededOn: row.LastSucceededOn }),
    version: JSON.stringify({ itemId: item.id, eTag: item.eTag }),
  };
}

const versionSchema = z.object({ itemId: z.string(), eTag: z.string() });

function versionOf(version: string): { itemId: string; eTag: string } {
  return versionSchema.parse(JSON.parse(version));
}
