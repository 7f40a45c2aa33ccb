import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { parseLocalDate as d } from '../domain/calendar/index.js';
import {
  calendarFor,
  closeCase,
  type CommandContext,
  editPlan,
  openCase,
  recordReview,
  reopenCase,
  signPlan,
} from '../domain/case/index.js';
import { engineTestProcedure as procedure } from '../domain/case/fixtures.js';
import { aDraft, Clock, courseTeam, openInput, actorFor, personFor } from '../domain/case/testing.js';
import type { Actor, CaseState } from '../domain/case/types.js';
import { CaseConflictError, type StoredCase } from '../domain/ports.js';
import { GraphCaseRepository } from './case-repository.js';
import { roleSidesOf } from './case-rows.js';
import { ListItemStore } from './graph/items.js';
import { eq } from './graph/odata.js';
import { caseRowSchema } from './lists.js';
import { openTrellisSite, type TrellisSite } from './case-repository.js';
import { provisionLists } from './graph/provision.js';
import { describeGraphContract } from '../../test/support/graph-contract.js';
import { trellisListSchemas } from './lists.js';

/**
 * The store contract: runs against the local emulator always, and against a real tenant's
 * site when the GRAPH_* variables are set (on lists of its own, removed afterwards). Round-trip
 * counts need the emulator's counters, so those tests are emulator-only.
 */
let repo: GraphCaseRepository;
let site: TrellisSite;
/** Case ids unique to this run, so a tenant run never meets an earlier run's cases. */
const run = randomUUID().slice(0, 8);
const caseId = (name: string): string => `${run}-${name}`;
const clock = new Clock(d('2026-12-14'));
const ctx = (actor: Actor = courseTeam): CommandContext => ({
  procedure,
  calendar: calendarFor(procedure),
  now: clock.now,
  actor,
});
const as = (state: CaseState, role: string): Actor => {
  const person = state.people.find((p) => p.role === role);
  if (!person) throw new Error(role);
  return actorFor(person);
};

async function openStored(name: string, traineeName = 'Amira Khan'): Promise<StoredCase> {
  const id = caseId(name);
  const people = [
    personFor('trainee', { id: `${id}.trainee@uni.test`, name: traineeName }),
    personFor('mentor'),
    personFor('tutor'),
  ];
  const opened = openCase(
    ctx(),
    { caseId: id, previousCases: 0 },
    openInput(procedure, { reference: `REF-${id}`, people }),
  );
  return repo.create(opened);
}

async function agree(stored: StoredCase): Promise<StoredCase> {
  let current = stored;
  const edit = editPlan(ctx(as(current.state, 'tutor')), current.state, {
    plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, 2),
    withdrawSignatures: false,
  });
  current = await repo.append(current, edit);
  const traineeName = current.state.people.find((p) => p.role === 'trainee')?.name ?? '';
  current = await repo.append(
    current,
    signPlan(ctx(as(current.state, 'trainee')), current.state, { role: 'trainee', typedName: traineeName }),
  );
  return repo.append(
    current,
    signPlan(ctx(as(current.state, 'mentor')), current.state, { role: 'mentor', typedName: 'Mentor' }),
  );
}

describeGraphContract('GraphCaseRepository', ({ target, emulator, itEmulatorOnly }) => {
  /** The roles with a row in the Signatures list for the case, sorted. */
  async function signedRolesOf(name: string): Promise<string[]> {
    const signatures = new ListItemStore(target().client, site.lists.signatures, {
      fields: z.object({ CaseId: z.string(), Role: z.string().nullish() }).loose(),
    });
    const roles: string[] = [];
    for await (const page of signatures.queryItems({
      filter: eq('CaseId', caseId(name)),
      select: ['CaseId', 'Role'],
      top: 50,
    }))
      roles.push(...page.map((item) => String(item.fields.Role)));
    return roles.sort();
  }

  /** The next Signatures row write is throttled, in the $batch and again when written directly. */
  function throttleSignatures(): void {
    emulator().setFaults({
      rules: [
        {
          name: 'signatures-throttled',
          kind: 'fail',
          status: 429,
          retryAfterSeconds: 120,
          method: 'POST',
          path: `sites/*/lists/${site.lists.signatures.listId}/items`,
          times: 2,
        },
      ],
    });
  }

  beforeAll(async () => {
    const prefix = target().listName('');
    await provisionLists(target().client, target().siteId, trellisListSchemas(prefix));
    site = await openTrellisSite(target().client, target().siteId, { listPrefix: prefix });
    repo = new GraphCaseRepository(target().client, site, { roleSides: roleSidesOf([procedure]) });
  });

  itEmulatorOnly('stores a new case in one round trip and reads it back whole in one', async () => {
    emulator().resetCounters();
    const stored = await openStored('c-create');
    expect(emulator().inspect().counters.total).toBe(1);
    // A process's first read also starts following the event trail: one request, once.
    await repo.find(caseId('c-not-opened'));
    emulator().resetCounters();
    const found = await repo.find(caseId('c-create'));
    expect(emulator().inspect().counters.total).toBe(1);
    expect(found?.state).toEqual(stored.state);
    expect(found?.events).toHaveLength(stored.events.length);
    expect(found?.etag).toBe(stored.etag);
  });

  itEmulatorOnly('saves a command (events, projections, case row) in at most two round trips', async () => {
    const stored = await agree(await openStored('c-review'));
    expect(stored.state.status).toBe('active');
    clock.set(d('2026-12-30'));
    const review = recordReview(ctx(as(stored.state, 'mentor')), stored.state, {
      progress: [
        { targetId: 'T1', rating: 'met' },
        { targetId: 'T2', rating: 'met' },
      ],
      evidence: 'Observations',
      attendees: ['mentor'],
      outcomeId: 'met',
    });
    emulator().resetCounters();
    const saved = await repo.append(stored, review);
    expect(emulator().inspect().counters.total).toBeLessThanOrEqual(2);
    clock.set(d('2026-12-14'));
    const found = await repo.find(caseId('c-review'));
    expect(found?.state.status).toBe('closed');
    expect(found?.etag).toBe(saved.etag);
  });

  itEmulatorOnly(
    'marks the review a reopening set aside in the Reviews list, also when that write fails the first time',
    async () => {
      const stored = await agree(await openStored('c-set-aside', 'Set Aside'));
      clock.set(d('2026-12-30'));
      try {
        const closed = await repo.append(
          stored,
          recordReview(ctx(as(stored.state, 'mentor')), stored.state, {
            progress: [
              { targetId: 'T1', rating: 'met' },
              { targetId: 'T2', rating: 'met' },
            ],
            evidence: 'Observations',
            attendees: ['mentor'],
            outcomeId: 'met',
          }),
        );
        expect(closed.state.status).toBe('closed');
        const reviews = new ListItemStore(target().client, site.lists.reviews, {
          fields: z.object({ SetAsideOn: z.string().nullish() }).loose(),
          keyField: 'ReviewKey',
        });
        const reviewKey = `${caseId('c-set-aside')}:${closed.state.reviews.at(-1)?.id ?? ''}`;
        const setAsideOn = async (): Promise<string | null> =>
          (await reviews.findByKey(reviewKey))?.fields.SetAsideOn ?? null;
        expect(await setAsideOn()).toBeNull();
        // The reopening is stored, but the Reviews list refuses the row's update.
        emulator().setFaults({
          rules: [
            {
              name: 'reviews-unavailable',
              kind: 'fail',
              status: 503,
              retryAfterSeconds: 120,
              method: 'PATCH',
              path: `sites/*/lists/${site.lists.reviews.listId}/items/*/fields`,
            },
          ],
        });
        await expect(
          repo.append(closed, reopenCase(ctx(), closed.state, { reason: 'The wrong outcome was chosen.' })),
        ).rejects.toBeDefined();
        emulator().setFaults({});
        expect(await setAsideOn()).toBeNull();
        // The next read, here by another process, finishes it: the row says the review was set aside.
        const other = new GraphCaseRepository(target().client, site, { roleSides: roleSidesOf([procedure]) });
        const reopened = await other.find(caseId('c-set-aside'));
        expect(reopened?.state.status).toBe('active');
        expect(reopened?.state.setAsideReviews.map((r) => r.id)).toEqual(closed.state.reviews.map((r) => r.id));
        expect(await setAsideOn()).toMatch(/^2026-12-30/);
        expect(other.hasPendingProjections(caseId('c-set-aside'))).toBe(false);
      } finally {
        clock.set(d('2026-12-14'));
      }
    },
  );

  itEmulatorOnly('writes projection rows that stayed throttled on the next append of the same process', async () => {
    const opened = await openStored('c-repair');
    const drafted = await repo.append(
      opened,
      editPlan(ctx(as(opened.state, 'tutor')), opened.state, {
        plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, 2),
        withdrawSignatures: false,
      }),
    );
    const signedRoles = (): Promise<string[]> => signedRolesOf('c-repair');
    throttleSignatures();
    const traineeName = drafted.state.people.find((p) => p.role === 'trainee')?.name ?? '';
    const signing = signPlan(ctx(as(drafted.state, 'trainee')), drafted.state, {
      role: 'trainee',
      typedName: traineeName,
    });
    await expect(repo.append(drafted, signing)).rejects.toMatchObject({ code: 'throttled' });
    emulator().setFaults({});
    expect(repo.hasPendingProjections(caseId('c-repair'))).toBe(true);
    expect(await signedRoles()).toEqual([]);
    // The events are in and the row has not moved (its eTag is the drafted one): the next
    // append, with no read between, writes the missing row with its own.
    const signed = { state: signing.state, events: [...drafted.events, ...signing.events], etag: drafted.etag };
    const agreed = await repo.append(
      signed,
      signPlan(ctx(as(signed.state, 'mentor')), signed.state, { role: 'mentor', typedName: 'Mentor' }),
    );
    expect(await signedRoles()).toEqual(['mentor', 'trainee']);
    expect(repo.hasPendingProjections(caseId('c-repair'))).toBe(false);
    // Up to date again: a fresh read finds nothing to repair.
    const fresh = new GraphCaseRepository(target().client, site, { roleSides: roleSidesOf([procedure]) });
    expect((await fresh.find(caseId('c-repair')))?.etag).toBe(agreed.etag);
    expect(fresh.hasPendingProjections(caseId('c-repair'))).toBe(false);
  });

  itEmulatorOnly('brings a case row left behind its trail up to date when another process reads the case', async () => {
    const opened = await openStored('c-read-repair', 'Read Repair');
    const drafted = await repo.append(
      opened,
      editPlan(ctx(as(opened.state, 'tutor')), opened.state, {
        plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, 2),
        withdrawSignatures: false,
      }),
    );
    const traineeId = drafted.state.people.find((p) => p.role === 'trainee')?.id ?? '';
    const signedRoles = (): Promise<string[]> => signedRolesOf('c-read-repair');
    // The trainee signs while the Signatures list is throttled: the event is stored, its
    // projection row and the row update are not.
    throttleSignatures();
    await expect(
      repo.append(
        drafted,
        signPlan(ctx(as(drafted.state, 'trainee')), drafted.state, { role: 'trainee', typedName: 'Read Repair' }),
      ),
    ).rejects.toMatchObject({ code: 'throttled' });
    emulator().setFaults({});
    // Then the case is closed, and the row update fails for longer than the writer tries: the
    // close is in the trail, the row still says the plan is awaiting signatures.
    const signedState = await new GraphCaseRepository(target().client, site, {
      roleSides: roleSidesOf([procedure]),
    }).find(caseId('c-read-repair'));
    expect(await signedRoles()).toEqual(['trainee']);
    if (!signedState) throw new Error('case not found');
    emulator().setFaults({
      rules: [
        {
          name: 'case-row-unavailable',
          kind: 'fail',
          status: 503,
          retryAfterSeconds: 120,
          method: 'PATCH',
          path: `sites/*/lists/${site.lists.cases.listId}/items/*/fields`,
        },
      ],
    });
    await expect(
      repo.append(signedState, closeCase(ctx(), signedState.state, { reason: 'Transferred to another provider.' })),
    ).rejects.toBeDefined();
    emulator().setFaults({});
    const listed = async (): Promise<string | undefined> =>
      (await repo.casesOfTrainee(traineeId, procedure.id)).find((c) => c.id === caseId('c-read-repair'))?.status;
    expect(await listed()).not.toBe('closed');
    // Another process reads the case: the trail says closed, and the row is brought up to it.
    const other = new GraphCaseRepository(target().client, site, { roleSides: roleSidesOf([procedure]) });
    const read = await other.find(caseId('c-read-repair'));
    expect(read?.state.status).toBe('closed');
    expect(other.hasPendingProjections(caseId('c-read-repair'))).toBe(false);
    expect(await listed()).toBe('closed');
    // The repaired row's eTag vouches for the trail: a fresh process reads it with nothing to repair.
    const fresh = new GraphCaseRepository(target().client, site, { roleSides: roleSidesOf([procedure]) });
    expect((await fresh.find(caseId('c-read-repair')))?.etag).toBe(read?.etag);
    expect(fresh.hasPendingProjections(caseId('c-read-repair'))).toBe(false);
  });

  it('lets exactly one of two writers with the same version win; the other gets the current case', async () => {
    const stored = await openStored('c-race');
    const tutor = ctx(as(stored.state, 'tutor'));
    const a = editPlan(tutor, stored.state, {
      plan: aDraft(procedure, { reviewDate: d('2026-12-29') }),
      withdrawSignatures: false,
    });
    const b = editPlan(tutor, stored.state, {
      plan: aDraft(procedure, { reviewDate: d('2026-12-30') }, 2),
      withdrawSignatures: false,
    });
    const results = await Promise.allSettled([repo.append(stored, a), repo.append(stored, b)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const conflict = lost[0]?.reason as unknown;
    expect(conflict).toBeInstanceOf(CaseConflictError);
    const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
    expect((conflict as CaseConflictError).current.state).toEqual(winner?.state);
    const found = await repo.find(caseId('c-race'));
    expect(found?.state.version).toBe(stored.state.version + 1);
  });

  it('a stale writer is refused even after other writes moved the case on', async () => {
    const stored = await openStored('c-stale');
    const fresh = await repo.append(
      stored,
      editPlan(ctx(as(stored.state, 'tutor')), stored.state, { plan: aDraft(procedure), withdrawSignatures: false }),
    );
    await expect(
      repo.append(
        stored,
        editPlan(ctx(as(stored.state, 'tutor')), stored.state, {
          plan: aDraft(procedure, {}, 2),
          withdrawSignatures: false,
        }),
      ),
    ).rejects.toBeInstanceOf(CaseConflictError);
    expect((await repo.find(caseId('c-stale')))?.state).toEqual(fresh.state);
  });

  itEmulatorOnly(
    'lists cases with filters and paging from the delta cache; a warm load costs one small request',
    async () => {
      for (const [i, name] of ['Ben Ade', 'Chloe Brown', 'Dev Patel'].entries()) await openStored(`c-list-${i}`, name);
      const first = await repo.list({ status: 'open', limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.total).toBeGreaterThanOrEqual(5);
      const second = await repo.list({ status: 'open', limit: 2, cursor: first.nextCursor });
      expect(second.items.map((s) => s.id)).not.toContain(first.items[0]?.id);
      emulator().resetCounters();
      const found = await repo.list({ search: `chloe` });
      // One small delta request at most (none while the last sync is under a second old).
      expect(emulator().inspect().counters.total).toBeLessThanOrEqual(1);
      expect(found.items.map((s) => s.traineeName)).toEqual(['Chloe Brown']);
      expect((await repo.list({ personId: `${caseId('c-list-2')}.trainee@uni.test` })).items.map((s) => s.id)).toEqual([
        caseId('c-list-2'),
      ]);
      expect(
        (await repo.list({ reviewDueOnOrBefore: d('2026-12-31'), status: 'active' })).items.every(
          (s) => s.nextReviewDate !== undefined,
        ),
      ).toBe(true);
    },
  );

  it('a row edited by hand into a bad state is reported for that case while the others load', async () => {
    await openStored('c-broken');
    const rows = new ListItemStore(target().client, site.lists.cases, { fields: caseRowSchema, keyField: 'CaseId' });
    const row = await rows.findByKey(caseId('c-broken'));
    if (!row) throw new Error('row');
    await rows.updateItem(
      row.id,
      { Summary: JSON.stringify({ id: caseId('c-broken'), status: 'sort of open' }) },
      row.eTag,
    );
    const page = await repo.list({});
    expect(page.problems).toEqual([expect.objectContaining({ caseId: caseId('c-broken') })]);
    expect(page.items.length).toBeGreaterThan(3);
  });

  it('counts earlier cases for a trainee under a procedure', async () => {
    await openStored('c-count');
    expect(await repo.casesOfTrainee(`${caseId('c-count')}.trainee@uni.test`, procedure.id)).toHaveLength(1);
    expect(await repo.casesOfTrainee('nobody@uni.test', procedure.id)).toHaveLength(0);
  });

  it('returns undefined for a case that does not exist', async () => {
    expect(await repo.find(caseId('no-such-case'))).toBeUndefined();
  });
});
