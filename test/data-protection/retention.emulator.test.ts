import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eraseCase } from '../../src/app/data-protection/erase.js';
import { runRetention, type RetentionDeps } from '../../src/app/data-protection/retention.js';
import { memoryLogger } from '../../src/app/logger.js';
import type { Caller } from '../../src/app/caller.js';
import { failureOf } from '../../src/app/errors.js';
import { parseLocalDate, type LocalDate } from '../../src/domain/calendar/index.js';
import { calendarFor, openCase, type CommandContext } from '../../src/domain/case/index.js';
import { closeCase } from '../../src/domain/case/commands/close-case.js';
import { engineTestProcedure } from '../../src/domain/case/fixtures.js';
import { Clock, courseTeam, openInput, personFor } from '../../src/domain/case/testing.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import type { Notification } from '../../src/notify/notification.js';
import { GraphCaseRecords } from '../../src/store/case-records.js';
import { GraphAccessLog } from '../../src/store/access-log.js';
import { pruneAccessLog } from '../../src/app/access-log.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { getAllPages } from '../../src/store/graph/graph-json.js';
import { listItemsPath } from '../../src/store/graph/items.js';
import { LIST_DISPLAY_NAMES, type TrellisListName } from '../../src/store/lists.js';
import { graphCalendarSender } from '../../src/store/notify/graph-calendar.js';
import { GraphOutbox } from '../../src/store/notify/graph-outbox.js';
import { GraphPlacementRoster } from '../../src/store/placements.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';

/**
 * The retention job and erasure over the Graph emulator, through the real store: what a dry run
 * names, what a run leaves in every list (read straight from the emulator), the calendar event a
 * case's review meeting made, a run cut short by Graph failing midway through a case and the
 * rerun that finishes it, and an administrator's erasure.
 */

const deleting: Procedure = engineTestProcedure;
const anonymising: Procedure = {
  ...engineTestProcedure,
  id: 'anonymising-procedure',
  retention: { yearsAfterClosure: 2, then: 'anonymise' },
};
const procedures = [deleting, anonymising];
const TODAY = parseLocalDate('2033-03-01');
const clock = new Clock(TODAY);
const admin: Caller = { actor: { id: 'admin@provider.test', name: 'Admin', appRoles: ['admin'] }, programmes: 'all' };
const courseLead: Caller = { actor: courseTeam, programmes: 'all' };

let emu: ProvisionedEmulator;
let repository: GraphCaseRepository;
let deps: RetentionDeps;
const run = randomUUID().slice(0, 6);

async function storeCase(
  name: string,
  procedure: Procedure,
  openedOn: LocalDate,
  closedOn: LocalDate | undefined,
): Promise<{ id: string; traineeName: string }> {
  const id = `${run}-${name}`;
  const traineeName = `Trainee ${name} ${run}`;
  const at = new Clock(openedOn);
  const ctx = (): CommandContext => ({ procedure, calendar: calendarFor(procedure), now: at.now, actor: courseTeam });
  const opened = openCase(
    ctx(),
    { caseId: id, previousCases: 0 },
    openInput(procedure, {
      reference: `REF-${name}`,
      people: [
        personFor('trainee', { id: `${id}@uni.test`, name: traineeName }),
        personFor('mentor'),
        personFor('tutor'),
      ],
    }),
  );
  const stored = await repository.create(opened);
  if (closedOn !== undefined) {
    at.set(closedOn);
    await repository.append(stored, closeCase(ctx(), stored.state, { reason: 'Targets met' }));
  }
  return { id, traineeName };
}

/** Every item of every Trellis list, as JSON text per list: what is really stored. */
async function storedText(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const list of Object.keys(LIST_DISPLAY_NAMES) as TrellisListName[]) {
    const items = await getAllPages(
      emu.client,
      `${listItemsPath(emu.site.lists[list])}?expand=fields&$top=5000`,
      z.unknown(),
      'Reading a list',
    );
    out[list] = JSON.stringify(items);
  }
  return out;
}

async function holding(text: string): Promise<string[]> {
  const stored = await storedText();
  return Object.entries(stored)
    .filter(([, json]) => json.includes(text))
    .map(([list]) => list);
}

/** A review meeting in the tutor's calendar, with the outbox row that made it. */
async function meetingFor(caseId: string): Promise<string> {
  const transactionId = `meeting-${caseId}`;
  const notification: Notification = {
    key: `${caseId}:meeting`,
    caseId,
    reference: 'REF',
    kind: 'review_date_set',
    about: undefined,
    channel: 'calendar',
    recipient: { kind: 'course_mailbox', address: 'tutor@provider.test' },
    subject: 'Review meeting',
    lines: ['Review of the plan'],
    because: undefined,
    attachForm: false,
    calendar: {
      action: 'upsert',
      organizer: 'tutor@provider.test',
      transactionId,
      date: parseLocalDate('2031-02-03'),
      startTime: '15:30',
      durationMinutes: 60,
      reminderMinutesBeforeStart: 30,
      attendees: ['mentor@school.test'],
      online: false,
    },
  };
  const outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
  const claimed = await outbox.claimNew(notification, { token: randomUUID(), at: clock.now });
  expect(claimed.outcome).toBe('claimed');
  await graphCalendarSender({ client: emu.client })(notification);
  return transactionId;
}

beforeAll(async () => {
  emu = await startProvisionedEmulator();
  repository = new GraphCaseRepository(emu.client, emu.site, { roleSides: roleSidesOf(procedures) });
  deps = {
    repository,
    placements: new GraphPlacementRoster(emu.client, emu.site.lists.placements),
    procedures,
    clock: () => clock.now,
    logger: memoryLogger(),
    records: new GraphCaseRecords(emu.client, emu.site),
  };
});

afterAll(async () => {
  await emu.close();
});

describe('the retention job', () => {
  let oldClosed: { id: string; traineeName: string };
  let anonymised: { id: string; traineeName: string };
  let recent: { id: string; traineeName: string };
  let open: { id: string; traineeName: string };
  let meeting: string;

  beforeAll(async () => {
    // Six years after 14 December 2026 is 14 December 2032: due on 1 March 2033.
    oldClosed = await storeCase('old', deleting, parseLocalDate('2026-11-02'), parseLocalDate('2026-12-14'));
    // Two years after 10 January 2031 (its procedure anonymises after two): due.
    anonymised = await storeCase('anon', anonymising, parseLocalDate('2030-11-04'), parseLocalDate('2031-01-10'));
    // Closed 2030: six years not up.
    recent = await storeCase('recent', deleting, parseLocalDate('2030-03-02'), parseLocalDate('2030-05-01'));
    // Open since 2026: never removed by retention, however old.
    open = await storeCase('open', deleting, parseLocalDate('2026-10-05'), undefined);
    meeting = await meetingFor(oldClosed.id);
  });

  it('in a dry run says what would go and why, and removes nothing', async () => {
    const before = await storedText();
    const result = await runRetention(deps, { dryRun: true });
    expect(result).toMatchObject({ dryRun: true, today: TODAY, due: 2, removed: 0, resumed: 0, deletedRows: 0 });
    expect([...result.cases].sort((a, b) => a.caseId.localeCompare(b.caseId))).toEqual(
      [
        {
          caseId: anonymised.id,
          reference: 'REF-anon',
          providerId: 'test_provider',
          procedureId: anonymising.id,
          programme: 'PGCE Primary 2026/27',
          closedOn: '2031-01-10',
          dueOn: '2033-01-10',
          action: 'anonymise',
          policy: '2 years after the case closed, then anonymise to counts',
        },
        {
          caseId: oldClosed.id,
          reference: 'REF-old',
          providerId: 'test_provider',
          procedureId: deleting.id,
          programme: 'PGCE Primary 2026/27',
          closedOn: '2026-12-14',
          dueOn: '2032-12-14',
          action: 'delete',
          policy: '6 years after the case closed, then delete',
        },
      ].sort((a, b) => a.caseId.localeCompare(b.caseId)),
    );
    expect(await storedText()).toEqual(before);
  });

  it('deletes every row of a due case and its calendar event, and leaves a tombstone with no names', async () => {
    expect(emu.emulator.inspect().events.some((e) => e.event.transactionId === meeting)).toBe(true);
    expect(await holding(oldClosed.traineeName)).toEqual(['cases', 'events', 'people']);
    expect(await holding(oldClosed.id)).toEqual(['cases', 'events', 'people', 'outbox']);

    const result = await runRetention(deps, { dryRun: false });
    expect(result).toMatchObject({ dryRun: false, due: 2, removed: 2, resumed: 0, deletedCalendarEvents: 1 });
    expect(result.deletedRows).toBeGreaterThan(6);

    for (const gone of [oldClosed, anonymised]) {
      expect(await holding(gone.traineeName)).toEqual([]);
      expect(await holding(gone.id)).toEqual(['tombstones']);
      expect(await repository.find(gone.id)).toBeUndefined();
    }
    expect(emu.emulator.inspect().events.some((e) => e.event.transactionId === meeting)).toBe(false);
    for (const kept of [recent, open]) expect((await repository.find(kept.id))?.state.id).toBe(kept.id);

    const tombstones = await deps.records.tombstones();
    expect(tombstones.find((t) => t.caseId === oldClosed.id)).toEqual({
      caseId: oldClosed.id,
      providerId: 'test_provider',
      procedureId: deleting.id,
      programme: 'PGCE Primary 2026/27',
      openedOn: '2026-11-02',
      closedOn: '2026-12-14',
      removedOn: TODAY,
      action: 'delete',
      policy: '6 years after the case closed, then delete',
      state: 'removed',
      counts: undefined,
      requestedBy: undefined,
      reason: undefined,
    });
    expect(tombstones.find((t) => t.caseId === anonymised.id)).toMatchObject({
      action: 'anonymise',
      state: 'removed',
      counts: { stageId: 's1', reasons: ['progress'], resolution: 'closed_by_course_team' },
    });

    // Idempotent: a second run finds nothing to do.
    expect(await runRetention(deps, { dryRun: false })).toMatchObject({ due: 0, removed: 0, resumed: 0 });
  });

  it('is finished by the next run when Graph fails midway through a case', async () => {
    const first = await storeCase('crash-1', deleting, parseLocalDate('2026-09-07'), parseLocalDate('2026-10-01'));
    const second = await storeCase('crash-2', deleting, parseLocalDate('2026-09-07'), parseLocalDate('2026-10-02'));
    // Every delete of a case row fails (after the case's events, projection and outbox rows went).
    emu.emulator.setFaults({
      rules: [
        {
          name: 'case rows cannot be deleted',
          method: 'DELETE',
          path: `/sites/*/lists/${emu.site.lists.cases.listId}/items/*`,
          kind: 'fail',
          status: 503,
          retryAfterSeconds: 0,
        },
      ],
    });
    const cut = await runRetention(deps, { dryRun: false }).catch((error: unknown) => failureOf(error));
    emu.emulator.setFaults({});
    expect(cut).toMatchObject({ code: 'service_unavailable' });

    const halfDone = (await deps.records.tombstones()).filter((t) => t.state === 'removing');
    expect(halfDone.length).toBeGreaterThanOrEqual(1);
    const stored = await storedText();
    for (const t of halfDone) {
      // The trail went first, so nobody can open the half-removed case as if it were whole.
      expect(stored.events).not.toContain(t.caseId);
      expect(stored.cases).toContain(t.caseId);
    }

    const rerun = await runRetention(deps, { dryRun: false });
    expect(rerun.resumed + rerun.removed).toBe(2);
    expect(rerun.resumed).toBe(halfDone.length);
    const tombstones = await deps.records.tombstones();
    expect(tombstones.filter((t) => t.state === 'removing')).toEqual([]);
    for (const gone of [first, second]) {
      expect(await holding(gone.traineeName)).toEqual([]);
      expect(await holding(gone.id)).toEqual(['tombstones']);
    }
  });
});

describe('erasure on request', () => {
  it('is for administrators: the same tombstone and deletion, open case or not; asking again answers the same', async () => {
    const target = await storeCase('erase', deleting, parseLocalDate('2033-01-09'), undefined);
    const refused = await eraseCase(deps, courseLead, target.id, { reason: 'Erasure request of 20 Feb' }).catch(
      (error: unknown) => failureOf(error),
    );
    expect(refused).toMatchObject({ code: 'forbidden' });
    expect(failureOf(await eraseCase(deps, admin, target.id, {}).catch((e: unknown) => e))).toMatchObject({
      code: 'invalid_request',
    });
    expect(
      failureOf(await eraseCase(deps, admin, 'no-such-case', { reason: 'x' }).catch((e: unknown) => e)),
    ).toMatchObject({ code: 'not_found' });

    const tombstone = await eraseCase(deps, admin, target.id, { reason: 'Erasure request of 20 Feb' });
    expect(tombstone).toMatchObject({
      caseId: target.id,
      action: 'erase',
      policy: 'erased on request',
      state: 'removed',
      closedOn: undefined,
      requestedBy: 'admin@provider.test',
      reason: 'Erasure request of 20 Feb',
    });
    expect(await holding(target.traineeName)).toEqual([]);
    expect(await holding(target.id)).toEqual(['tombstones']);
    expect(await eraseCase(deps, admin, target.id, { reason: 'again' })).toEqual(tombstone);
  });

  it("also deletes access-log entries older than the access log's retention, and keeps the rest", async () => {
    const accessLog = new GraphAccessLog(emu.client, emu.site.lists.accessLog);
    const caseId = `${run}-looked-at`;
    const read = (at: Date) => ({
      personId: 'tutor@provider.test',
      personName: 'Tutor',
      caseId,
      how: 'api' as const,
      at: at.toISOString(),
    });
    const now = clock.now;
    const dayMs = 24 * 60 * 60 * 1000;
    expect(
      await accessLog.append([read(new Date(now.getTime() - 400 * dayMs)), read(new Date(now.getTime() - 10 * dayMs))]),
    ).toEqual([]);
    const pruning = {
      ...deps,
      pruneAccessLog: (at: Date) => pruneAccessLog(accessLog, { now: at, retentionDays: 365 }),
    };

    expect((await runRetention(pruning, { dryRun: true })).deletedAccessLogEntries).toBe(0);
    expect(await accessLog.forCase(caseId)).toHaveLength(2);

    expect((await runRetention(pruning, { dryRun: false })).deletedAccessLogEntries).toBe(1);
    expect((await accessLog.forCase(caseId)).map((e) => e.at)).toEqual([read(new Date(now.getTime() - 10 * dayMs)).at]);
  });
});
