/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- case views are JSON read field by field */
import type { DemoPerson } from '../../src/dev/local-mode/personas.js';
import {
  addDays,
  bcuOpenBody,
  bcuPlanBody,
  eventsCarrying,
  provider,
  sleep,
  staff,
  trailProblems,
  type Reply,
  type RequestOptions,
  type TrailEvent,
} from './kit.js';

/**
 * The people of one BCU course working through the REST API at the same time, as the tab
 * would: the course leader opens cases, tutors draft plans, extend and pause, trainees record
 * their perceptions and sign, mentors sign and record reviews. Every write is remembered in a
 * ledger with what the server answered, and carries a marker (unique text) where the command
 * takes text, so the trails can be checked against what clients were told afterwards.
 */

export type Send = (method: string, route: string, options?: RequestOptions) => Promise<Reply>;

export interface Attempt {
  readonly user: string;
  readonly kind: 'open' | 'plan' | 'perceptions' | 'sign' | 'extend' | 'pause' | 'resume' | 'review';
  readonly caseId: string | undefined;
  /** Text only this attempt wrote (a reference, concern statement, reason, evidence). */
  readonly marker: string | undefined;
  readonly role: string | undefined;
  readonly status: number;
  /** The case version the server acknowledged (2xx). */
  readonly version: number | undefined;
  readonly retryAfter: string | null;
}

export interface Team {
  readonly trainee: DemoPerson;
  readonly mentor: DemoPerson;
  readonly tutor: DemoPerson;
}

/** The server answered 2xx: the client was told the change is stored. */
const isAcknowledged = (attempt: Attempt): boolean => attempt.status >= 200 && attempt.status < 300;

export class Ledger {
  readonly attempts: Attempt[] = [];
  /** Every case id a client learned of (opened, or found after an open it was not told about). */
  readonly caseIds = new Set<string>();
  readonly statuses = new Map<number, number>();
  /** The kinds of change the server has acknowledged at least once. */
  readonly kindsAcknowledged = new Set<Attempt['kind']>();

  record(attempt: Attempt): void {
    this.attempts.push(attempt);
    if (attempt.caseId !== undefined) this.caseIds.add(attempt.caseId);
    if (isAcknowledged(attempt)) this.kindsAcknowledged.add(attempt.kind);
  }

  count(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /** "kind status → count", for failure messages and the docs' figures. */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.attempts) out[`${a.kind} ${a.status}`] = (out[`${a.kind} ${a.status}`] ?? 0) + 1;
    return out;
  }

  acknowledged(): Attempt[] {
    return this.attempts.filter(isAcknowledged);
  }
}

export const BCU = provider('bcu');
const trainees = BCU.trainees;

export function bcuTeams(): Team[] {
  return trainees.map((trainee, i) => ({
    trainee,
    mentor: staff(BCU, 'mentor', i % 2),
    tutor: staff(BCU, 'tutor', i % 2),
  }));
}

/**
 * One open case per trainee per procedure, and the demo data gives every BCU trainee one: before
 * the workload starts, the course team closes them, so the teams' cases are the workload's own.
 */
export async function closeOpenBcuCases(send: Send, courseTeamToken: string): Promise<void> {
  const list = await send('GET', `/api/cases?status=open&programme=${encodeURIComponent(BCU.programme)}&limit=200`, {
    token: courseTeamToken,
  });
  if (list.status !== 200) throw new Error(`could not list the open cases: ${list.text}`);
  for (const item of list.body.items as { id: string }[]) {
    const closed = await send('POST', `/api/cases/${encodeURIComponent(item.id)}/close`, {
      token: courseTeamToken,
      body: { reason: 'The workload starts cases of its own.' },
      headers: { 'if-match': '*' },
    });
    if (closed.status !== 200) throw new Error(`could not close ${item.id}: ${closed.text}`);
  }
}

/** What the workload run saw, for the test to assert on. */
export interface Board {
  /** The open case of each team (index), if any. */
  readonly current: (string | undefined)[];
  /** Server errors that are not 503-with-Retry-After: route and status. */
  readonly badServerErrors: string[];
}

export interface Workload {
  readonly ledger: Ledger;
  readonly board: Board;
  /** One step of a user: reads the case(s) the user works on and does one thing. */
  step(user: User): Promise<void>;
}

export interface User {
  readonly upn: string;
  readonly name: string;
  readonly kind: 'courseTeam' | 'tutor' | 'mentor' | 'trainee' | 'reader';
  token: string;
  /** Team indexes whose cases this user works on. */
  readonly teams: readonly number[];
  steps: number;
}

/** `run` tags the markers, so runs on the same lists (a soak) never share one. */
export function createWorkload(send: Send, today: string, random: () => number, run = ''): Workload {
  const ledger = new Ledger();
  const teams = bcuTeams();
  const board: Board = { current: teams.map(() => undefined), badServerErrors: [] };
  let serial = 0;
  // Closed by "~" so that no marker is a prefix of another (…-2 and …-21).
  const marker = (user: User, kind: string) =>
    `mk-${kind}-${user.upn.split('@')[0] ?? ''}-${run === '' ? '' : `${run}-`}${String(serial++)}~`;

  const observe = async (route: string, reply: Reply): Promise<Reply> => {
    ledger.count(reply.status);
    if (reply.status >= 500) {
      if (reply.status !== 503 || reply.headers.get('retry-after') === null)
        board.badServerErrors.push(`${route} → ${reply.status}: ${reply.text.slice(0, 200)}`);
      else await sleep(Math.min(200, 1000 * Number(reply.headers.get('retry-after'))));
    }
    return reply;
  };

  const get = async (user: User, route: string): Promise<Reply> =>
    observe(`GET ${route}`, await send('GET', route, { token: user.token }));

  async function write(
    user: User,
    kind: Attempt['kind'],
    caseId: string,
    version: number,
    method: string,
    route: string,
    body: unknown,
    extra: { marker?: string; role?: string } = {},
  ): Promise<Reply> {
    const reply = await observe(
      `${method} ${route}`,
      await send(method, route, { token: user.token, body, headers: { 'if-match': `"v${version}"` } }),
    );
    ledger.record({
      user: user.upn,
      kind,
      caseId,
      marker: extra.marker,
      role: extra.role,
      status: reply.status,
      version: reply.status < 300 ? Number(reply.body?.version) : undefined,
      retryAfter: reply.headers.get('retry-after'),
    });
    return reply;
  }

  async function openFor(user: User, index: number): Promise<void> {
    const team = teams[index];
    if (!team) return;
    const reference = marker(user, 'open');
    const reply = await observe(
      'POST /api/cases',
      await send('POST', '/api/cases', { token: user.token, body: bcuOpenBody(reference, team) }),
    );
    let caseId: string | undefined = reply.status === 201 ? String(reply.body.id) : undefined;
    if (reply.status === 409 && reply.body?.code === 'case_already_open') {
      // One open case per trainee (the demo data gave each one): the course team closes it, and
      // opens the team's case at its next step.
      const open = String(reply.body.openCase?.id ?? '');
      await observe(
        'POST /api/cases/{caseId}/close',
        await send('POST', `/api/cases/${encodeURIComponent(open)}/close`, {
          token: user.token,
          body: { reason: 'The workload starts a case of its own.' },
          headers: { 'if-match': '*' },
        }),
      );
    }
    if (caseId === undefined && reply.status >= 500) {
      // Told nothing useful: look for the reference before opening again, as a person would.
      const found = await get(user, `/api/cases?search=${encodeURIComponent(reference)}`);
      if (found.status === 200 && found.body.items.length > 0) caseId = String(found.body.items[0].id);
    }
    ledger.record({
      user: user.upn,
      kind: 'open',
      caseId,
      marker: reference,
      role: undefined,
      status: reply.status,
      version: reply.status === 201 ? Number(reply.body.version) : undefined,
      retryAfter: reply.headers.get('retry-after'),
    });
    if (caseId !== undefined) board.current[index] = caseId;
  }

  const signedBy = (view: any, role: string): boolean =>
    (view.plan?.signatures ?? []).some((s: { role: string }) => s.role === role);

  /** False when there was nothing to do yet (no case opened for the team). */
  async function act(user: User, index: number): Promise<boolean> {
    const caseId = board.current[index];
    if (caseId === undefined) {
      if (user.kind !== 'courseTeam') return false;
      await openFor(user, index);
      return true;
    }
    const read = await get(user, `/api/cases/${caseId}`);
    if (read.status !== 200) return true;
    const view = read.body;
    const v = Number(view.version);
    const base = `/api/cases/${caseId}`;
    const drafting = view.status === 'planning' || view.status === 'awaiting_signatures';
    const hasDate = typeof view.plan?.content?.reviewDate === 'string';
    if (view.status === 'closed') {
      if (user.kind === 'courseTeam' && board.current[index] === caseId) await openFor(user, index);
      return true;
    }
    switch (user.kind) {
      case 'courseTeam':
        await get(user, '/api/cases?status=open&limit=50');
        return true;
      case 'tutor': {
        if (drafting && (!hasDate || random() < 0.2)) {
          const m = marker(user, 'plan');
          const withdraw = (view.plan?.signatures ?? []).length > 0;
          await write(user, 'plan', caseId, v, 'PUT', `${base}/plan`, bcuPlanBody(addDays(today, 14), m, withdraw), {
            marker: m,
          });
        } else if (view.status === 'active' && view.paused) {
          await write(user, 'resume', caseId, v, 'POST', `${base}/resume`, {});
        } else if (view.status === 'active' && random() < 0.6) {
          const m = marker(user, 'extend');
          const next = String(view.derived?.nextReviewDate ?? view.plan?.content?.reviewDate ?? addDays(today, 14));
          await write(
            user,
            'extend',
            caseId,
            v,
            'POST',
            `${base}/extension`,
            { reviewDate: addDays(next, 1), reason: m },
            { marker: m },
          );
        } else if (view.status === 'active') {
          await write(user, 'pause', caseId, v, 'POST', `${base}/pause`, { reason: 'health' });
        }
        return true;
      }
      case 'trainee': {
        if (drafting && hasDate && view.plan?.traineePerceptions === undefined && random() < 0.5) {
          const m = marker(user, 'perceptions');
          await write(user, 'perceptions', caseId, v, 'POST', `${base}/perceptions`, { text: m }, { marker: m });
        } else if (drafting && hasDate && !signedBy(view, 'trainee')) {
          await write(
            user,
            'sign',
            caseId,
            v,
            'POST',
            `${base}/signatures`,
            { role: 'trainee', typedName: user.name },
            { role: 'trainee' },
          );
        } else {
          await get(user, `${base}/events`);
        }
        return true;
      }
      case 'mentor': {
        if (drafting && hasDate && !signedBy(view, 'mentor') && random() < 0.7) {
          await write(
            user,
            'sign',
            caseId,
            v,
            'POST',
            `${base}/signatures`,
            { role: 'mentor', typedName: user.name },
            { role: 'mentor' },
          );
        } else if (view.status === 'active' && !view.paused && random() < 0.35) {
          const m = marker(user, 'review');
          const progress = (view.plan?.content?.targets ?? []).map((t: { id: string }) => ({
            targetId: t.id,
            rating: 'met',
          }));
          await write(
            user,
            'review',
            caseId,
            v,
            'POST',
            `${base}/reviews`,
            { progress, evidence: m, outcomeId: 'sufficient_progress' },
            { marker: m },
          );
        } else {
          await get(user, `${base}/form`);
        }
        return true;
      }
      case 'reader':
        return true;
    }
  }

  return {
    ledger,
    board,
    async step(user) {
      if (user.kind === 'reader') {
        user.steps += 1;
        const list = await get(user, '/api/cases?mine=true&limit=20');
        const first =
          list.status === 200
            ? (list.body.items as { id: string }[])[Math.floor(random() * list.body.items.length)]
            : undefined;
        if (first) {
          await get(user, `/api/cases/${first.id}`);
          await get(user, `/api/cases/${first.id}/events`);
        }
        return;
      }
      const index = user.teams[Math.floor(random() * user.teams.length)];
      if (index !== undefined && (await act(user, index))) user.steps += 1;
      else await sleep(20);
    },
  };
}

/** The 11 people of the BCU course who write, and 9 people elsewhere who read their cases. */
export function twentyUsers(): Omit<User, 'token'>[] {
  const teams = bcuTeams();
  const indexesOf = (upn: string) =>
    teams.flatMap((t, i) => (t.trainee.upn === upn || t.mentor.upn === upn || t.tutor.upn === upn ? [i] : []));
  const writers: Omit<User, 'token'>[] = [
    {
      upn: BCU.courseTeam.upn,
      name: BCU.courseTeam.name,
      kind: 'courseTeam',
      teams: teams.map((_t, i) => i),
      steps: 0,
    },
    ...[0, 1]
      .map((i) => staff(BCU, 'tutor', i))
      .map((p) => ({ upn: p.upn, name: p.name, kind: 'tutor' as const, teams: indexesOf(p.upn), steps: 0 })),
    ...[0, 1]
      .map((i) => staff(BCU, 'mentor', i))
      .map((p) => ({ upn: p.upn, name: p.name, kind: 'mentor' as const, teams: indexesOf(p.upn), steps: 0 })),
    ...trainees.map((p) => ({ upn: p.upn, name: p.name, kind: 'trainee' as const, teams: indexesOf(p.upn), steps: 0 })),
  ];
  const readers: Omit<User, 'token'>[] = [];
  for (const key of ['rcttp', 'northgate', 'brightfutures', 'mid-essex']) {
    const other = provider(key);
    readers.push({ upn: other.courseTeam.upn, name: other.courseTeam.name, kind: 'reader', teams: [], steps: 0 });
    const trainee = other.trainees[0];
    if (trainee) readers.push({ upn: trainee.upn, name: trainee.name, kind: 'reader', teams: [], steps: 0 });
  }
  readers.push({
    upn: staff(BCU, 'senior_school_leader').upn,
    name: staff(BCU, 'senior_school_leader').name,
    kind: 'reader',
    teams: [],
    steps: 0,
  });
  return [...writers, ...readers];
}

/** The event each kind of write produces (where its marker lands). */
const PRODUCES: Readonly<Record<Attempt['kind'], string>> = {
  open: 'case_opened',
  plan: 'plan_edited',
  perceptions: 'trainee_perceptions_recorded',
  sign: 'plan_signed',
  extend: 'review_date_extended',
  pause: 'case_paused',
  resume: 'case_resumed',
  review: 'review_recorded',
};

export interface Trails {
  readonly byCase: ReadonlyMap<string, readonly TrailEvent[]>;
  readonly versions: ReadonlyMap<string, number>;
}

/** Reads every case the ledger knows of, in full (the course leader sees all of them). */
export async function readTrails(send: Send, token: string, caseIds: Iterable<string>): Promise<Trails> {
  const byCase = new Map<string, readonly TrailEvent[]>();
  const versions = new Map<string, number>();
  for (const caseId of caseIds) {
    const events = await send('GET', `/api/cases/${caseId}/events`, { token });
    const view = await send('GET', `/api/cases/${caseId}`, { token });
    if (events.status !== 200 || view.status !== 200)
      throw new Error(`case ${caseId} does not read back: ${events.status} ${view.status}`);
    byCase.set(caseId, events.body.events as TrailEvent[]);
    versions.set(caseId, Number(view.body.version));
  }
  return { byCase, versions };
}

/**
 * Every acknowledged change is in the trail exactly once and no later than the version the
 * client was given; an unacknowledged one at most once; trails are gapless and the case row's
 * version is the trail's length. Returns one line per problem.
 */
export function ledgerProblems(ledger: Ledger, trails: Trails, references: ReadonlyMap<string, number>): string[] {
  const problems: string[] = [];
  for (const [caseId, events] of trails.byCase) {
    problems.push(...trailProblems(caseId, events));
    if (trails.versions.get(caseId) !== events.length)
      problems.push(`${caseId}: version ${String(trails.versions.get(caseId))} but ${events.length} events`);
  }
  for (const attempt of ledger.attempts) {
    const acknowledged = isAcknowledged(attempt);
    if (attempt.kind === 'open') {
      const stored = references.get(attempt.marker ?? '') ?? 0;
      if (acknowledged ? stored !== 1 : stored > 1)
        problems.push(`open ${String(attempt.marker)} (${attempt.status}) is stored ${stored} times`);
      continue;
    }
    const events = attempt.caseId === undefined ? undefined : trails.byCase.get(attempt.caseId);
    if (!events) {
      problems.push(`${attempt.kind} on ${String(attempt.caseId)}: the case did not read back`);
      continue;
    }
    if (attempt.marker !== undefined) {
      const type = PRODUCES[attempt.kind];
      const carrying = (trail: readonly TrailEvent[], marker: string) =>
        eventsCarrying(trail, marker).filter((e) => e.type === type);
      let found = 0;
      for (const trail of trails.byCase.values()) found += carrying(trail, attempt.marker).length;
      const here = carrying(events, attempt.marker);
      if (acknowledged && (found !== 1 || here.length !== 1))
        problems.push(
          `${attempt.kind} ${attempt.marker} acknowledged at v${String(attempt.version)} on ${String(attempt.caseId)} is stored ${found} times (here at seq ${here.map((e) => e.seq).join(', ')})`,
        );
      if (!acknowledged && found > 1)
        problems.push(`${attempt.kind} ${attempt.marker} (${attempt.status}) is stored ${found} times`);
      const at = here[0];
      if (acknowledged && at !== undefined && at.seq > (attempt.version ?? 0))
        problems.push(
          `${attempt.kind} ${attempt.marker}: stored at seq ${at.seq}, after the acknowledged v${String(attempt.version)}`,
        );
    } else if (acknowledged && attempt.kind === 'sign') {
      if (
        !events.some((e) => e.type === 'plan_signed' && e.data.role === attempt.role && e.seq <= (attempt.version ?? 0))
      )
        problems.push(
          `signature of ${String(attempt.role)} on ${String(attempt.caseId)} acknowledged at v${String(attempt.version)} is not in the trail`,
        );
    } else if (acknowledged) {
      const type = PRODUCES[attempt.kind];
      const version = attempt.version ?? 0;
      if (!events.some((e) => e.type === type && e.seq <= version && e.seq > version - 3))
        problems.push(
          `${attempt.kind} on ${String(attempt.caseId)} acknowledged at v${String(version)} is not among the events ending at that version`,
        );
    }
  }
  return problems;
}
