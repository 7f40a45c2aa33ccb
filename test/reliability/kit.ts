import { rm } from 'node:fs/promises';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { DEMO_PROVIDERS, type DemoPerson, type DemoProvider } from '../../src/dev/local-mode/personas.js';
import { memoryLogger } from '../../src/app/logger.js';
import { call, type Reply, type RequestOptions } from '../support/http-call.js';
import { seededDataDir } from '../support/local-mode-seeds.js';

/**
 * What the reliability suite shares: local mode in a temp folder (the same wiring as `npm start`),
 * a fetch-based client that never throws on an HTTP status, dev sign-in, and the checks that
 * compare what clients were told (2xx) with the event trails the store holds.
 */

export { call, type Reply, type RequestOptions };

export interface LocalTrellis {
  readonly running: RunningLocalMode;
  readonly url: string;
  readonly dataDir: string;
  readonly logger: ReturnType<typeof memoryLogger>;
  request(method: string, route: string, options?: RequestOptions): Promise<Reply>;
  /** POST /dev/sign-in as a demo person; the token the tab would get. */
  signIn(upn: string): Promise<string>;
  /** Today in the dev clock (YYYY-MM-DD). */
  today(): Promise<string>;
  close(): Promise<void>;
}

export async function startLocal(options: { readonly durability?: 'none' | 'fsync' } = {}): Promise<LocalTrellis> {
  const dataDir = await seededDataDir('trellis-reliability', 'today');
  const logger = memoryLogger();
  // Loaded here, not at the top: the crash scenario's Trellis runs in a child process, and a file
  // that never starts one in this process need not load (and compile) the app.
  const { startLocalMode } = await import('../../src/compose/local.js');
  const running = await startLocalMode({ dataDir, port: 0, durability: options.durability ?? 'none', logger });
  const url = `http://127.0.0.1:${running.port}`;
  const request = (method: string, route: string, opts?: RequestOptions) => call(url, method, route, opts);
  return {
    running,
    url,
    dataDir,
    logger,
    request,
    signIn: (upn) => signIn(url, upn),
    today: async () => ((await request('GET', '/dev/clock')).body as { today: string }).today,
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function signIn(baseUrl: string, upn: string): Promise<string> {
  const reply = await call(baseUrl, 'POST', '/dev/sign-in', { body: { upn } });
  if (reply.status !== 200) throw new Error(`dev sign-in for ${upn} answered ${reply.status}: ${reply.text}`);
  return (reply.body as { token: string }).token;
}

export function provider(key: string): DemoProvider {
  const found = DEMO_PROVIDERS.find((p) => p.key === key);
  if (!found) throw new Error(`no demo provider ${key}`);
  return found;
}

export function staff(of: DemoProvider, role: string, index = 0): DemoPerson {
  const found = of.staff[role]?.[index];
  if (!found) throw new Error(`no ${role} #${index} at ${of.key}`);
  return found;
}

/**
 * A trainee has one open case per procedure: before a test opens one for a demo trainee (every
 * demo trainee has one), the course team closes the trainee's open cases.
 */
export async function closeOpenCasesOf(
  client: Pick<LocalTrellis, 'request'>,
  courseTeamToken: string,
  trainee: DemoPerson,
): Promise<void> {
  const list = await client.request(
    'GET',
    `/api/cases?status=open&search=${encodeURIComponent(trainee.name)}&limit=50`,
    {
      token: courseTeamToken,
    },
  );
  const items = (list.body as { items?: { id: string; traineeId: string }[] } | undefined)?.items ?? [];
  for (const item of items.filter((i) => i.traineeId === trainee.upn)) {
    const closed = await client.request('POST', `/api/cases/${encodeURIComponent(item.id)}/close`, {
      token: courseTeamToken,
      body: { reason: 'Closed so the test can open a case for the trainee.' },
      headers: { 'if-match': '*' },
    });
    // Already closed is closed: the list reads case rows, and a close whose events were stored
    // while its row update failed (Graph faults) leaves the row saying "open" until the case's
    // next write.
    const alreadyClosed =
      closed.status === 409 && (closed.body as { code?: string } | undefined)?.code === 'case_closed';
    if (closed.status !== 200 && !alreadyClosed) throw new Error(`could not close ${item.id}: ${closed.text}`);
  }
}

/** YYYY-MM-DD plus n calendar days. */
export function addDays(date: string, n: number): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + n);
  return at.toISOString().slice(0, 10);
}

/** The body of POST /api/cases for a BCU case naming these people. */
export function bcuOpenBody(
  reference: string,
  people: { trainee: DemoPerson; mentor: DemoPerson; tutor: DemoPerson },
  programme = provider('bcu').programme,
): Record<string, unknown> {
  const person = (role: string, p: DemoPerson) => ({ role, id: p.upn, name: p.name, email: p.upn });
  return {
    procedureId: 'bcu-rapid-improvement-targets',
    reference,
    reasons: ['not_expected_progress'],
    people: [person('trainee', people.trainee), person('mentor', people.mentor), person('tutor', people.tutor)],
    placement: { school: 'Hollybank Primary School', phase: 'Primary', programme },
  };
}

/** A BCU plan that can be signed, its concern statement carrying `statement`. */
export function bcuPlanBody(
  reviewDate: string,
  statement: string,
  withdrawSignatures = false,
): Record<string, unknown> {
  const link = (code: string) => ({ frameworkId: 'bcu-ite-formative-assessment-tracker', code });
  return {
    plan: {
      concernStatement: statement,
      concerns: [{ text: 'Low-level disruption is not addressed.', links: [link('FAT7')] }],
      targets: ['FAT7', 'FAT5'].map((code) => ({
        text: `Improve ${code}`,
        links: [link(code)],
        actions: [
          { party: 'trainee', text: 'Rehearse routines.' },
          { party: 'mentor', text: 'Observe weekly.' },
        ],
        successCriteria: 'Seen in observed lessons.',
      })),
      reviewDate,
    },
    ...(withdrawSignatures ? { withdrawSignatures: true } : {}),
  };
}

export interface TrailEvent {
  readonly seq: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** Problems with a trail on its own: sequence numbers 1..n without gaps or repeats, one signature per role per plan. */
export function trailProblems(caseId: string, events: readonly TrailEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((event, index) => {
    if (event.seq !== index + 1) problems.push(`${caseId}: event ${index + 1} has seq ${event.seq}`);
  });
  let signed = new Set<string>();
  for (const event of events) {
    if (
      event.type === 'plan_edited' ||
      event.type === 'signatures_withdrawn' ||
      event.type === 'plan_started' ||
      event.type === 'stage_entered'
    )
      signed = new Set();
    if (event.type === 'plan_signed') {
      const role = String(event.data.role);
      if (signed.has(role)) problems.push(`${caseId}: ${role} signed twice (seq ${event.seq})`);
      signed.add(role);
    }
  }
  return problems;
}

/** How many events of a trail carry `marker` anywhere in their data. */
export function eventsCarrying(events: readonly TrailEvent[], marker: string): TrailEvent[] {
  return events.filter((e) => JSON.stringify(e.data).includes(marker));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator, so a failing run can be repeated with the same choices. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
