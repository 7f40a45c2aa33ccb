import { replay } from '../../src/domain/case/index.js';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { parseEventRow, parseSummary } from '../../src/store/case-rows.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import { ListItemStore } from '../../src/store/graph/items.js';
import { caseRowSchema, eventRowSchema } from '../../src/store/lists.js';
import type { TrailEvent } from './kit.js';
import type { Trails } from './workload.js';

/**
 * What is stored, read straight from the lists with a client of its own (no repository, no
 * cache, no $batch): every event row, grouped by case and parsed as the store parses it, and
 * every case row's version. The end-of-run checks compare it with what the API serves, so a
 * failure says whether a write was lost (the lists lack it) or a read was stale (the API does).
 */
export interface StoredTrails {
  readonly byCase: ReadonlyMap<string, readonly TrailEvent[]>;
  /** CaseVersion of each case row (a row lags its trail while a write's projection is unfinished). */
  readonly rowVersions: ReadonlyMap<string, number>;
  /** Rows that do not parse and trails that do not replay. */
  readonly problems: readonly string[];
}

export interface GraphEndpoint {
  readonly baseUrl: string;
  readonly caCertPem: string;
  readonly siteId: string;
}

export async function readStoredTrails(graph: GraphEndpoint): Promise<StoredTrails> {
  const client = createGraphClient({
    kind: 'custom',
    baseUrl: graph.baseUrl,
    caCertPem: graph.caCertPem,
    token: EMULATOR_APP_TOKEN,
  });
  const site = await openTrellisSite(client, graph.siteId);
  const problems: string[] = [];
  const events = new Map<string, ReturnType<typeof parseEventRow>[]>();
  for await (const page of new ListItemStore(client, site.lists.events, { fields: eventRowSchema }).queryItems({
    top: 5000,
  })) {
    for (const item of page) {
      try {
        const event = parseEventRow(item.fields);
        events.set(event.caseId, [...(events.get(event.caseId) ?? []), event]);
      } catch (error) {
        problems.push(`event row ${item.id} does not parse: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const byCase = new Map<string, TrailEvent[]>();
  for (const [caseId, trail] of events) {
    trail.sort((a, b) => a.seq - b.seq);
    try {
      replay(trail);
    } catch (error) {
      problems.push(
        `${caseId}: the stored trail does not replay: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    // Through JSON, as the API sends it, so the two compare field by field.
    byCase.set(caseId, JSON.parse(JSON.stringify(trail)) as TrailEvent[]);
  }
  const rowVersions = new Map<string, number>();
  for await (const page of new ListItemStore(client, site.lists.cases, { fields: caseRowSchema }).queryItems({
    select: ['CaseId', 'CaseVersion', 'Summary'],
    top: 5000,
  })) {
    for (const item of page) {
      const { CaseId: caseId, Summary: summary } = item.fields;
      const version = item.fields.CaseVersion ?? 0;
      rowVersions.set(caseId, version);
      try {
        parseSummary(caseId, summary);
      } catch (error) {
        problems.push(
          `${caseId}: the case row's summary does not parse: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      // The row moves only after a write's events are in: ahead of its trail, it vouches for events that are not there.
      const trail = byCase.get(caseId)?.length ?? 0;
      if (version > trail)
        problems.push(`${caseId}: the case row says version ${version}, the trail holds ${trail} events`);
    }
  }
  return { byCase, rowVersions, problems };
}

function describe(trail: readonly TrailEvent[]): string {
  const last = trail.at(-1);
  return last === undefined ? 'no events' : `${trail.length} events, the last seq ${last.seq} ${last.type}`;
}

const same = (a: TrailEvent, b: TrailEvent): boolean =>
  a.seq === b.seq && a.type === b.type && JSON.stringify(a.data) === JSON.stringify(b.data);

/**
 * Where the API (`who`: which process) serves a case other than the lists hold it. Each line
 * says which side is behind: the API behind the lists is a stale read; the lists behind the
 * API would be a write served but never stored.
 */
export function servedDisagreements(who: string, served: Trails, stored: StoredTrails): string[] {
  const lines: string[] = [];
  for (const [caseId, trail] of served.byCase) {
    const held = stored.byCase.get(caseId) ?? [];
    const version = served.versions.get(caseId);
    if (version !== trail.length)
      lines.push(`${who} serves ${caseId} as version ${String(version)} with ${trail.length} events`);
    const differsAt = trail.findIndex((event, index) => {
      const other = held[index];
      return other === undefined || !same(event, other);
    });
    if (trail.length === held.length && differsAt === -1) continue;
    const side =
      differsAt === -1 && trail.length < held.length
        ? `${who} is behind the lists (a stale read)`
        : differsAt !== -1 && differsAt >= held.length
          ? `the lists are behind ${who} (served but not stored)`
          : `they differ from seq ${differsAt + 1}`;
    lines.push(`${caseId}: ${who} serves ${describe(trail)}; the lists hold ${describe(held)}: ${side}`);
  }
  return lines;
}
