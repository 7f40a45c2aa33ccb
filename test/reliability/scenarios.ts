/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON read field by field */
import { sweepThroughApi, type SweepReply } from '../support/sweep-job.js';
import path from 'node:path';
import { EMULATOR_APP_TOKEN, startGraphEmulator, type FaultLogEntry } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import type { Cluster } from './cluster.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { addDays, seeded, sleep, type Reply, type RequestOptions } from './kit.js';
import type { Kill, ReplayRecord } from './replay.js';
import { readStoredTrails, servedDisagreements, type GraphEndpoint, type StoredTrails } from './stored.js';
import {
  BCU,
  closeOpenBcuCases,
  createWorkload,
  ledgerProblems,
  readTrails,
  twentyUsers,
  type Ledger,
  type Send,
  type Trails,
  type User,
} from './workload.js';

/**
 * The two reliability scenarios, runnable by the tests (`npm test`) and by the soak
 * (`npm run soak:reliability`) on one Trellis process or several. Each returns the problems it
 * found as sentences (empty when all is well), the decisions it made (for a replay) and a few
 * figures; the caller decides how to report them.
 */
export interface ScenarioResult {
  readonly problems: readonly string[];
  readonly record: ReplayRecord;
  readonly figures: Readonly<Record<string, number>>;
}

/** Steps each person takes in the fault scenario unless told otherwise (the soak's length). */
export const STEPS_PER_USER = 50;
/** A round waits at most this long for its writes before the kill lands anyway. */
const KILL_WAIT_LIMIT_MS = 60_000;
const CHANGE_KINDS = ['open', 'plan', 'sign', 'perceptions', 'extend', 'review'] as const;
type ChangeKind = (typeof CHANGE_KINDS)[number];
/** Logged when the faults stop a notification's delivery: the sweep finishes it, so it is expected. */
const EXPECTED_ERROR = 'notification delivery stopped; the sweep will finish it';

let runs = 0;
/** Markers of each run in this process differ, even for the same seed on the same cluster. */
const runTag = (): string => {
  runs += 1;
  return `r${runs}`;
};

const repeated = (values: readonly string[]): string[] => [
  ...new Set(values.filter((v, i) => values.indexOf(v) !== i)),
];

/** Each request to the next process in turn: a case is read on one and written on another. */
function roundRobin(cluster: Cluster, transport: (url: string) => Send): Send {
  let turn = 0;
  return (method, route, options) => {
    const index = turn % cluster.size;
    turn += 1;
    return transport(cluster.url(index))(method, route, options);
  };
}

/**
 * The review sweep as the tab runs it (start the job, follow it), each sweep on the next process
 * in turn, its start and its polls on the same one (any would do: jobs are kept in the store).
 */
function sweeps(cluster: Cluster, transport: (url: string) => Send, token: string): () => Promise<SweepReply> {
  let turn = 0;
  return () => {
    const url = cluster.url(turn % cluster.size);
    turn += 1;
    return sweepThroughApi(transport(url), token);
  };
}

/**
 * One connection per request. With keep-alive, a client may send a request on a connection the
 * server is just closing for being idle (Node closes them after 5 s), which a machine too busy to
 * run timers on time makes likely; that is a property of the test client, not of Trellis.
 */
const oneShot = new Agent({ pipelining: 0 });

/** `call` (never throws on an HTTP status) without keep-alive. */
async function call(url: string, method: string, route: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await undiciFetch(`${url}${route}`, {
    method,
    headers,
    dispatcher: oneShot,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  // The Headers class of the undici package and Node's global one are the same at run time.
  return { status: response.status, headers: new Headers([...response.headers]), text, body: parsed };
}

/** POST /dev/sign-in as a demo person (the dev keys are shared, so any process will do). */
async function signIn(url: string, upn: string): Promise<string> {
  const reply = await call(url, 'POST', '/dev/sign-in', { body: { upn } });
  if (reply.status !== 200) throw new Error(`dev sign-in for ${upn} answered ${reply.status}: ${reply.text}`);
  return String(reply.body.token);
}

/** Connections that failed under a request (a kill, or a reset on a machine too busy to keep up). */
const lostConnections = { count: 0 };

/**
 * A request whose connection fails is answered with status 0, as a client that was told
 * nothing: a write may or may not have landed (the checks allow that, but never twice), a read
 * is sent again a few times first, as a browser would.
 */
const tolerant =
  (url: string): Send =>
  async (method, route, options) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call(url, method, route, options);
      } catch {
        lostConnections.count += 1;
        if (method !== 'GET' || attempt >= 3)
          return { status: 0, headers: new Headers(), text: '', body: undefined } satisfies Reply;
        await sleep(100);
      }
    }
  };

function graphClient(graph: GraphEndpoint) {
  return createGraphClient({
    kind: 'custom',
    baseUrl: graph.baseUrl,
    caCertPem: graph.caCertPem,
    token: EMULATOR_APP_TOKEN,
  });
}

/**
 * The end-of-run check. Every trail is read twice: through the API of each process (what a
 * user sees) and straight from the lists (what is stored). Acknowledged changes are checked
 * against what is stored (a miss there is a lost write); each process's answers against the
 * lists (a miss there is a stale read).
 */
async function checkTrails(
  cluster: Cluster,
  ledger: Ledger,
  stored: () => Promise<StoredTrails>,
  send: (index: number) => Send,
): Promise<string[]> {
  const problems: string[] = [];
  const courseLeader = await signIn(cluster.url(0), BCU.courseTeam.upn);
  // Cases a client was not told about (an open answered 503) are found by their reference, as a person would.
  const apiReferences = new Map<string, number>();
  for (const attempt of ledger.attempts.filter((a) => a.kind === 'open' && a.marker !== undefined)) {
    const marker = attempt.marker ?? '';
    const found = await send(0)('GET', `/api/cases?search=${encodeURIComponent(marker)}&limit=50`, {
      token: courseLeader,
    });
    if (found.status !== 200) {
      problems.push(`searching for ${marker} answered ${found.status}`);
      continue;
    }
    const matches = (found.body.items as { id: string; reference: string }[]).filter((c) => c.reference === marker);
    apiReferences.set(marker, matches.length);
    for (const match of matches) ledger.caseIds.add(match.id);
  }
  const served: { who: string; trails: Trails }[] = [];
  for (let index = 0; index < cluster.size; index += 1) {
    const who = cluster.size === 1 ? 'the API' : `the API of process ${index + 1}`;
    try {
      served.push({ who, trails: await readTrails(send(index), courseLeader, ledger.caseIds) });
    } catch (error) {
      problems.push(`${who}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const lists = await stored();
  problems.push(...lists.problems.map((p) => `stored: ${p}`));
  // Opens are counted where they are stored: case_opened events carrying the reference.
  const storedReferences = new Map<string, number>();
  for (const [caseId, trail] of lists.byCase) {
    const opened = trail.find((e) => e.type === 'case_opened');
    const reference = typeof opened?.data.reference === 'string' ? opened.data.reference : undefined;
    if (reference === undefined || !apiReferences.has(reference)) continue;
    storedReferences.set(reference, (storedReferences.get(reference) ?? 0) + 1);
    ledger.caseIds.add(caseId);
  }
  const storedTrails: Trails = {
    byCase: lists.byCase,
    versions: new Map([...lists.byCase].map(([caseId, trail]) => [caseId, trail.length])),
  };
  for (const caseId of ledger.caseIds)
    if (!lists.byCase.has(caseId)) problems.push(`stored: case ${caseId}, which a client was told of, has no events`);
  problems.push(...ledgerProblems(ledger, storedTrails, storedReferences).map((p) => `stored: ${p}`));
  // An acknowledged open is listed exactly once. (One a client was not told about may have stored
  // its events without its case row, and so not be listed; it is stored at most once all the same.)
  for (const attempt of ledger.acknowledged().filter((a) => a.kind === 'open')) {
    const listed = apiReferences.get(attempt.marker ?? '') ?? 0;
    if (listed !== 1) problems.push(`the API lists the acknowledged open ${String(attempt.marker)} ${listed} times`);
  }
  for (const { who, trails } of served) problems.push(...servedDisagreements(who, trails, lists));
  return problems;
}

/**
 * Faults: the BCU course (20 people) working through the REST API while the emulator throttles
 * and fails 12–18% of Graph requests (some writes applied and then reported failed) and slows a
 * fifth of them, and the course leader runs the review sweep over and over. With `replay`, the
 * emulator gives each request the answer recorded for it instead of drawing.
 */
export async function runFaultsScenario(
  cluster: Cluster,
  options: {
    readonly seed: number;
    readonly replay?: readonly FaultLogEntry[];
    /** The workload's length: steps per person (STEPS_PER_USER by default). */
    readonly stepsPerUser?: number;
  },
): Promise<ScenarioResult> {
  const emulator = cluster.emulator;
  if (emulator === undefined) throw new Error('the fault scenario needs the emulator in this process');
  const problems: string[] = [];
  const stepsPerUser = options.stepsPerUser ?? STEPS_PER_USER;
  const errorsBefore = cluster.errors().length;
  const send = roundRobin(cluster, tolerant);
  const lostBefore = lostConnections.count;
  const users: User[] = [];
  for (const user of twentyUsers()) users.push({ ...user, token: await signIn(cluster.url(0), user.upn) });
  const today = String((await call(cluster.url(0), 'GET', '/dev/clock')).body.today);
  const workload = createWorkload(send, today, seeded(options.seed), runTag());
  const { outbox: _outbox, ...lists } = (await openTrellisSite(graphClient(emulator), emulator.siteId)).lists;
  const caseLists = Object.values(lists).map((l) => l.listId);

  emulator.resetCounters();
  const mailsBefore = emulator.inspect().mails.length;
  emulator.setFaults(
    options.replay !== undefined
      ? { replay: options.replay }
      : {
          seed: options.seed,
          rules: [
            { name: 'slow', kind: 'latency', latencyMs: 15, rate: 0.2 },
            { name: 'throttled', kind: 'fail', status: 429, rate: 0.07, retryAfterSeconds: 0 },
            // Longer than the client sleeps through: the request fails over to the caller as 503.
            ...caseLists.map((listId) => ({
              name: 'throttled-for-long',
              kind: 'fail' as const,
              status: 429 as const,
              rate: 0.02,
              retryAfterSeconds: 120,
              path: `sites/*/lists/${listId}/**`,
            })),
            { name: 'unavailable', kind: 'fail', status: 503, rate: 0.04, retryAfterSeconds: 0 },
            // Writes to the lists (directly or in a $batch) applied, then reported failed.
            {
              name: 'applied-then-timed-out',
              kind: 'applyThenFail',
              status: 504,
              rate: 0.05,
              method: ['POST', 'PATCH'],
              path: 'sites/**',
              retryAfterSeconds: 0,
            },
            {
              name: 'batch-applied-then-timed-out',
              kind: 'applyThenFail',
              status: 504,
              rate: 0.05,
              method: 'POST',
              path: '$batch',
              retryAfterSeconds: 0,
            },
          ],
        },
  );
  // The course leader also runs the review sweep, again and again, while the others work.
  const sweepStatuses: string[] = [];
  const run = { working: true };
  const sweeper = users.find((u) => u.kind === 'courseTeam')?.token ?? '';
  const sweep = sweeps(cluster, tolerant, sweeper);
  const sweeping = (async () => {
    while (run.working) {
      const swept = await sweep();
      sweepStatuses.push(
        (swept.status === 503 || swept.status === 409) && swept.headers.get('retry-after') !== null
          ? `${String(swept.status)} with Retry-After`
          : `${String(swept.status)} ${String((swept.body as { state?: unknown } | undefined)?.state)}`,
      );
    }
  })();
  // Each person works until they have taken their steps. Someone who can only act after others
  // (a trainee whose plan no one drafts any more) stops once everyone still working is stuck the
  // same way: nobody left can change a case for them.
  //
  // Whether a tutor looks at a case while it is active (to extend its review date) depends on
  // how the requests interleave: on a busy machine the tutors can spend their steps while the
  // plans still wait for signatures. So while some kind of change has not yet been acknowledged,
  // everyone goes on working, up to as many steps again.
  const done = new Set<User>();
  const stuck = new Set<User>();
  const unseen = (): ChangeKind[] => CHANGE_KINDS.filter((kind) => !workload.ledger.kindsAcknowledged.has(kind));
  await Promise.all(
    users.map(async (user) => {
      while (user.steps < stepsPerUser || (user.steps < stepsPerUser * 2 && unseen().length > 0)) {
        const before = user.steps;
        await workload.step(user);
        if (user.steps > before) stuck.delete(user);
        else stuck.add(user);
        if (stuck.has(user) && done.size + stuck.size === users.length) break;
      }
      stuck.delete(user);
      done.add(user);
    }),
  );
  run.working = false;
  await sweeping;
  // Notifications the commands started finish under the same faults.
  await cluster.settle();
  const faults = emulator.faultLog();
  const injected = emulator.inspect().counters.faultsInjected;
  emulator.setFaults({});

  // The run did real work under real faults.
  const acknowledged = workload.ledger.acknowledged();
  const summary = JSON.stringify(workload.ledger.summary());
  if (injected <= 30) problems.push(`only ${injected} faults were injected`);
  for (const kind of unseen()) problems.push(`no ${kind} was acknowledged: ${summary}`);
  // About two in five steps are writes that should land despite the faults (105 of 50 × 20 steps).
  if (acknowledged.length <= stepsPerUser * 1.2)
    problems.push(`only ${acknowledged.length} changes were acknowledged: ${summary}`);
  if ((workload.ledger.statuses.get(503) ?? 0) === 0) problems.push('no request failed over to a client as 503');
  // Only 503 with Retry-After, never another server error, and nothing logged as unexpected.
  problems.push(
    ...cluster
      .errors()
      .slice(errorsBefore)
      .filter((e) => e.message !== EXPECTED_ERROR)
      .map((e) => `process ${e.process + 1} logged an error: ${e.message}`),
    ...workload.board.badServerErrors.map((e) => `a server error other than 503 with Retry-After: ${e}`),
  );
  if (sweepStatuses.length === 0) problems.push('no review sweep ran');
  // A sweep either finished or failed with a reason (Graph throttled it), or was asked for while
  // an instance's scheduler ran a pass of its own (409 with Retry-After: ask again later); never
  // anything else.
  const expectedSweep = ['200 succeeded', '200 failed', '503 with Retry-After', '409 with Retry-After'];
  for (const status of new Set(sweepStatuses.filter((s) => !expectedSweep.includes(s))))
    problems.push(`a review sweep answered ${status}`);

  problems.push(
    ...(await checkTrails(
      cluster,
      workload.ledger,
      () => readStoredTrails(emulator),
      (index) => tolerant(cluster.url(index)),
    )),
  );
  for (let index = 0; index < cluster.size; index += 1) {
    const health = await call(cluster.url(index), 'GET', '/api/health');
    if (health.status !== 200) problems.push(`process ${index + 1}'s health answered ${health.status}`);
  }

  // Every notification sent at most once: one mail per notification key, one event per transaction.
  const sent = emulator.inspect();
  const mailKeys = sent.mails.flatMap((m) =>
    m.internetMessageHeaders.filter((h) => h.name.toLowerCase() === 'x-trellis-key').map((h) => h.value),
  );
  if (mailKeys.length === 0) problems.push('no mail was sent during the run');
  for (const key of repeated(mailKeys)) problems.push(`the mail with key ${key} was sent more than once`);
  const transactions = sent.events.flatMap((e) =>
    typeof e.event.transactionId === 'string' ? [`${e.mailbox} ${e.event.transactionId}`] : [],
  );
  for (const key of repeated(transactions)) problems.push(`the calendar event ${key} was created more than once`);

  return {
    problems,
    record: { scenario: 'faults', processes: cluster.size, seed: options.seed, stepsPerUser, faults },
    figures: {
      faults: injected,
      requests: sent.counters.total,
      acknowledged: acknowledged.length,
      served503: workload.ledger.statuses.get(503) ?? 0,
      conflicts: workload.ledger.statuses.get(412) ?? 0,
      mails: sent.mails.length - mailsBefore,
      lostConnections: lostConnections.count - lostBefore,
      sweeps: sweepStatuses.length,
    },
  };
}

/**
 * Crash: the course writing at full speed while the course leader runs the review sweep, one
 * Trellis process SIGKILLed at a random moment and started again on the same data folder,
 * `rounds` times (with its embedded emulator when it runs alone). A request the kill cuts off
 * was told nothing, so it may or may not have landed, but never twice.
 */
export async function runCrashScenario(
  cluster: Cluster,
  options: {
    readonly seed: number;
    readonly rounds: number;
    readonly replay?: readonly Kill[];
    /** Leave every process running afterwards (a soak runs the scenario again on the same cluster). */
    readonly keepRunning?: boolean;
  },
): Promise<ScenarioResult> {
  const problems: string[] = [];
  const random = seeded(options.seed);
  // Kill moments and victims from a generator of their own, so they do not depend on the
  // workload's draws (which depend on timing): the same seed makes the same kill decisions.
  const killRandom = seeded(options.seed ^ 0x6b696c6c);
  const send = roundRobin(cluster, tolerant);
  // A week and a half on, demo reviews are due or overdue: every sweep has reminders to send.
  // From the real date, not the dev clock's (a soak reuses the processes, and so their clock).
  const realToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
  let today = realToday;
  for (let index = 0; index < cluster.size; index += 1)
    today = String(
      (await call(cluster.url(index), 'POST', '/dev/clock', { body: { now: addDays(realToday, 10) } })).body.today,
    );
  const workload = createWorkload(send, today, random, runTag());
  const sweepCounts = new Map<string, number>();
  // Dev sign-in keys live in the data folder, so these tokens outlive restarts.
  const users: User[] = [];
  for (const user of twentyUsers().filter((u) => u.kind !== 'reader'))
    users.push({ ...user, token: await signIn(cluster.url(0), user.upn) });
  const sweeper = users.find((u) => u.kind === 'courseTeam')?.token ?? '';
  // One open case per trainee per procedure: the demo's open BCU cases close first, so the course can open its own.
  await closeOpenBcuCases(send, sweeper);
  const sweep = sweeps(cluster, tolerant, sweeper);
  const kills: Kill[] = [];

  // A kill can land while every request in flight is a read. The scenario is about writes cut off,
  // so it kills again (up to four more rounds) until one was; a replay makes exactly its rounds.
  const cutOffOne = (): boolean => workload.ledger.attempts.some((a) => a.status === 0);
  const lastRound = options.replay === undefined ? options.rounds + 4 : options.rounds;
  for (let round = 0; round < options.rounds || (!cutOffOne() && round < lastRound); round += 1) {
    const kill: Kill = options.replay?.[round] ?? {
      process: Math.floor(killRandom() * cluster.size),
      afterAcknowledged: 2 + Math.floor(killRandom() * 3),
      thenMs: Math.round(killRandom() * 1500),
    };
    const acknowledgedBefore = workload.ledger.acknowledged().length;
    kills.push(kill);
    // An object, so the loops see the change made after they started.
    const run = { going: true };
    const loops = users.map(async (user) => {
      while (run.going) await workload.step(user);
    });
    // The course leader's "Run review sweep now", over and over, while the others write.
    loops.push(
      (async () => {
        while (run.going) {
          const swept = await sweep();
          // 409 with Retry-After: the restarted instance's scheduler is running the day's sweep,
          // which has no job to join; "ask again in a minute", like a 503.
          const answered =
            swept.status === 409 && swept.headers.get('retry-after') !== null
              ? '409 with Retry-After'
              : String(swept.status);
          sweepCounts.set(answered, (sweepCounts.get(answered) ?? 0) + 1);
          await sleep(150);
        }
      })(),
    );
    // The moment is counted in acknowledged writes, then time: a busy machine still does work between kills.
    const deadline = Date.now() + KILL_WAIT_LIMIT_MS;
    while (workload.ledger.acknowledged().length - acknowledgedBefore < kill.afterAcknowledged && Date.now() < deadline)
      await sleep(20);
    // The run did real work: each round's kill came after the writes it waited for, not at the deadline.
    const acknowledgedInRound = workload.ledger.acknowledged().length - acknowledgedBefore;
    if (acknowledgedInRound < kill.afterAcknowledged)
      problems.push(
        `round ${round + 1}: only ${acknowledgedInRound} of the ${kill.afterAcknowledged} acknowledged writes it waits for came in ${KILL_WAIT_LIMIT_MS / 1000} s: ${JSON.stringify(workload.ledger.summary())}`,
      );
    await sleep(kill.thenMs);
    await cluster.kill(kill.process);
    run.going = false;
    await Promise.all(loops);
    await cluster.restart(kill.process);
  }

  const acknowledged = workload.ledger.acknowledged();
  if (!cutOffOne()) problems.push(`no write was cut off by any of ${String(kills.length)} kills`);
  problems.push(...workload.board.badServerErrors.map((e) => `a server error other than 503 with Retry-After: ${e}`));
  // Sweeps were cut off by kills or finished; none answered anything but 200, 503, or 409 "ask
  // again" while a restarted scheduler ran the day's sweep. After the last restart a sweep runs
  // to the end over whatever the kills left behind.
  for (const status of [...sweepCounts.keys()].filter((s) => !['0', '200', '503', '409 with Retry-After'].includes(s)))
    problems.push(`a review sweep answered ${status}`);
  let finalSweep = await sweepThroughApi(tolerant(cluster.url(0)), sweeper);
  // The restarted instance's scheduler may be running the day's sweep: asked again until it is done.
  for (let asked = 1; finalSweep.status === 409 && asked < 120; asked += 1) {
    await sleep(1_000);
    finalSweep = await sweepThroughApi(tolerant(cluster.url(0)), sweeper);
  }
  const finalState = (finalSweep.body as { state?: unknown } | undefined)?.state;
  if (finalSweep.status !== 200 || finalState !== 'succeeded')
    problems.push(`the sweep after the last restart answered ${finalSweep.status} ${String(finalState)}`);

  const stored = async (): Promise<StoredTrails> => {
    if (cluster.emulator !== undefined) return readStoredTrails(cluster.emulator);
    // The emulator lives in the child: stop it and open its data folder here (then start the child
    // again if the caller goes on using the cluster).
    await cluster.kill(0);
    const emulator = await startGraphEmulator({ dataDir: path.join(cluster.dataDir, 'graph'), durability: 'none' });
    try {
      return await readStoredTrails(emulator);
    } finally {
      await emulator.close();
      if (options.keepRunning === true) await cluster.restart(0);
    }
  };
  problems.push(...(await checkTrails(cluster, workload.ledger, stored, (index) => tolerant(cluster.url(index)))));
  return {
    problems,
    record: { scenario: 'crash', processes: cluster.size, seed: options.seed, kills },
    figures: {
      attempted: workload.ledger.attempts.length,
      acknowledged: acknowledged.length,
      cutOff: workload.ledger.attempts.filter((a) => a.status === 0).length,
      sweeps: [...sweepCounts.values()].reduce((a, b) => a + b, 0),
    },
  };
}
