import { listCasesQuerySchema } from '../../contract/requests.js';
import { addDays } from '../../domain/calendar/index.js';
import {
  byReviewThenReference,
  isStoreError,
  type CasePage,
  type CaseQuery,
  type CaseSummary,
} from '../../domain/ports.js';
import { accessTo, isAdmin } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { InputError } from '../errors.js';
import { parseInput } from './parse-input.js';
import { traineeRolesOf } from './procedures.js';

const PAGE = 500;
const DEFAULT_LIMIT = 50;

export interface CaseListPage {
  readonly items: readonly CaseSummary[];
  readonly nextCursor: string | undefined;
  readonly total: number;
  /** Rows that could not be read: shown to admins only (they name cases). */
  readonly problems: CasePage['problems'];
}

async function everything(deps: UseCaseDeps, query: CaseQuery): Promise<CaseSummary[]> {
  const out: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.repository.list({ ...query, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

function isOwnCursor(cursor: string | undefined): boolean {
  return cursor !== undefined && /^o\d{1,9}$/.test(Buffer.from(cursor, 'base64url').toString('utf8'));
}

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^o(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1])
    throw new InputError([{ path: 'cursor', message: 'is not a cursor this server gave out; start again without it' }]);
  return Number(match[1]);
}

/**
 * Lists the cases the caller may see. Admins (and a course team covering every programme) query
 * the repository directly; everyone else gets the union of their programmes' cases and the cases
 * naming them, filtered by access before paging, so a page never counts what they cannot see.
 */
export async function listCases(deps: UseCaseDeps, caller: Caller, rawQuery: unknown): Promise<CaseListPage> {
  const q = parseInput(listCasesQuerySchema, rawQuery);
  const base: CaseQuery = {
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.procedure === undefined ? {} : { procedureId: q.procedure }),
    ...(q.stage === undefined ? {} : { stageId: q.stage }),
    ...(q.programme === undefined ? {} : { programme: q.programme }),
    ...(q.reviewDueBefore === undefined ? {} : { reviewDueOnOrBefore: addDays(q.reviewDueBefore, -1) }),
    ...(q.mine === 'true' ? { personId: caller.actor.id } : {}),
    ...(q.search === undefined ? {} : { search: q.search }),
  };
  const limit = q.limit ?? DEFAULT_LIMIT;
  const seesAll = isAdmin(caller) || (caller.actor.appRoles.includes('course_team') && caller.programmes === 'all');
  if (seesAll) {
    try {
      const page = await deps.repository.list({
        ...base,
        limit,
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      return {
        items: page.items,
        nextCursor: page.nextCursor,
        total: page.total,
        problems: isAdmin(caller) ? page.problems : [],
      };
    } catch (error) {
      if (isStoreError(error) && error.rejected && q.cursor !== undefined) {
        throw new InputError([
          { path: 'cursor', message: 'is not a cursor this server gave out; start again without it' },
        ]);
      }
      throw error;
    }
  }
  // The usual course team: one programme, and (almost always) named on no case outside it. Then
  // the programme's pages come straight from the repository, without gathering every match first.
  const single =
    caller.actor.appRoles.includes('course_team') && Array.isArray(caller.programmes) && caller.programmes.length === 1
      ? (caller.programmes as readonly string[])[0]
      : undefined;
  if (
    single !== undefined &&
    q.mine !== 'true' &&
    (base.programme === undefined || base.programme === single) &&
    !isOwnCursor(q.cursor)
  ) {
    const elsewhere = (await everything(deps, { ...base, personId: caller.actor.id })).filter(
      (s) => s.programme !== single,
    );
    if (elsewhere.length === 0) {
      try {
        const page = await deps.repository.list({
          ...base,
          programme: single,
          limit,
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
        return { items: page.items, nextCursor: page.nextCursor, total: page.total, problems: [] };
      } catch (error) {
        if (isStoreError(error) && error.rejected && q.cursor !== undefined) {
          throw new InputError([
            { path: 'cursor', message: 'is not a cursor this server gave out; start again without it' },
          ]);
        }
        throw error;
      }
    }
  }
  const offset = offsetOf(q.cursor);
  const queries: CaseQuery[] = [{ ...base, personId: caller.actor.id }];
  if (caller.actor.appRoles.includes('course_team') && Array.isArray(caller.programmes) && q.mine !== 'true') {
    for (const programme of caller.programmes as readonly string[]) {
      if (base.programme === undefined || base.programme === programme) queries.push({ ...base, programme });
    }
  }
  const byId = new Map<string, CaseSummary>();
  for (const query of queries) for (const s of await everything(deps, query)) byId.set(s.id, s);
  const visible = [...byId.values()]
    .filter((s) => accessTo(caller, s, traineeRolesOf(deps.procedures, s.procedureId)) !== 'none')
    .sort(byReviewThenReference);
  const items = visible.slice(offset, offset + limit);
  const next = offset + limit < visible.length ? Buffer.from(`o${offset + limit}`).toString('base64url') : undefined;
  return { items, nextCursor: next, total: visible.length, problems: [] };
}
