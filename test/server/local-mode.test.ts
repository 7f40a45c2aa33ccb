/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- response bodies are JSON asserted field by field; a typed client comes with the tab */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { silentLogger } from '../../src/app/logger.js';
import { IDLE_CONNECTION_MS } from '../../src/server/http/idle-connections.js';
import { demoChannelIdOf } from '../../src/dev/local-mode/demo-channels.js';
import { DEMO_PROVIDERS } from '../../src/dev/local-mode/personas.js';
import { sweepThroughApi } from '../support/sweep-job.js';
import { personalDataIn } from '../support/personal-data.js';
import { captureTelemetry, exposedBy } from '../support/telemetry-capture.js';

/** `npm start` in-process: a temp data folder, port 0, the demo data, the dev routes. */
let dataDir: string;
let local: RunningLocalMode;
const realNow = (): Date => londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);

async function call(method: string, route: string, options: { token?: string; body?: unknown; accept?: string } = {}) {
  const response = await fetch(`${local.url}${route}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.accept ? { accept: options.accept } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience: bodies are asserted field by field
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body, headers: response.headers };
}

async function signIn(upn: string): Promise<string> {
  const reply = await call('POST', '/dev/sign-in', { body: { upn } });
  expect(reply.status).toBe(200);
  return reply.body.token as string;
}

/** Application Insights' view of this run: the spans and metrics local mode sends through OpenTelemetry. */
const telemetry = captureTelemetry();

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-local-'));
  local = await startLocalMode({ dataDir, port: 0, durability: 'none', logger: silentLogger, realNow });
}, 60_000);

afterAll(async () => {
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
  await telemetry.stop();
});

describe('local mode', () => {
  it('reports health with where the emulator is', async () => {
    const reply = await call('GET', '/api/health');
    expect(reply.body).toEqual({
      status: 'ok',
      mode: 'local',
      graph: { baseUrl: local.emulator.baseUrl, siteId: local.emulator.siteId },
    });
  });

  it('is ready: Graph answers and every list is provisioned', async () => {
    const reply = await call('GET', '/api/ready');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ready', checks: { graph: 'ok', lists: 'ok' } });
    expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  let sweepResult: { readonly sent: number } | undefined;

  it('links a demo course-team channel per programme at start, so the first sweep posts its channel cards there', async () => {
    const demoChannels = new Map(DEMO_PROVIDERS.map((p) => [demoChannelIdOf(p.programme), p.programme]));
    const before = local.connector.activities().length;
    const admin = await signIn('trellis.admin@trellis.example');
    telemetry.spans.reset();
    const sweep = await sweepThroughApi((method, route, options) => call(method, route, options), admin);
    expect(sweep.body.state).toBe('succeeded');
    expect(sweep.body.result).toMatchObject({ failed: 0, retryScheduled: 0, possiblySent: 0 });
    sweepResult = sweep.body.result;
    const posted = local.connector
      .activities()
      .slice(before)
      .filter((a) => demoChannels.has(a.conversationId));
    const cards = posted.filter((a) => ((a.activity as { attachments?: unknown[] }).attachments ?? []).length > 0);
    expect(cards.length).toBeGreaterThan(0);
  });

  it('traces and measures that sweep: its span with its Graph calls under it, its duration, what it sent, the resource units, no person named', async () => {
    const finished = telemetry.spans.getFinishedSpans();
    const sweepSpan = finished.find((s) => s.name === 'review sweep due_reviews');
    expect(sweepSpan).toBeDefined();
    const graphUnderSweep = finished.filter(
      (s) =>
        s.parentSpanContext?.spanId === sweepSpan?.spanContext().spanId && s.attributes['url.template'] !== undefined,
    );
    expect(graphUnderSweep.length).toBeGreaterThan(0);
    for (const span of graphUnderSweep)
      expect(span.name).toMatch(/^(GET|POST|PATCH|PUT|DELETE) \/v1\.0(\/[\w$.]+|\/\{id\})*$/);

    const points = await telemetry.metricPoints();
    const duration = points.get('trellis.sweep.duration') ?? [];
    expect(duration.some((p) => p.attributes.kind === 'due_reviews' && p.attributes.outcome === 'ok')).toBe(true);
    const sent = (points.get('trellis.notifications') ?? []).filter((p) => p.attributes.outcome === 'sent');
    // Nothing else in this file has delivered anything yet: every send counted is the sweep's.
    expect(sent.reduce((sum, p) => sum + Number(p.value), 0)).toBe(sweepResult?.sent);
    expect(sent.map((p) => p.attributes.channel)).toContain('channel_card');
    const units = (points.get('trellis.graph.resource_units') ?? []).reduce((sum, p) => sum + Number(p.value), 0);
    expect(units).toBeGreaterThan(0);
    const metricAttributes = JSON.stringify([...points.values()].flat().map((p) => p.attributes));
    expect(personalDataIn(exposedBy(finished) + metricAttributes)).toEqual([]);
  });

  it('traces a request by its route template, never its path or query, with no person in any span', async () => {
    const token = await signIn('mark.whitfield@bcu.example');
    telemetry.spans.reset();
    const trainee = encodeURIComponent('evie.marshall@trainee.kestrel-scitt.example');
    expect((await call('GET', `/api/trainees/${trainee}/export`, { token })).status).toBeGreaterThanOrEqual(400);
    expect((await call('GET', '/api/cases?limit=5&search=Whitfield', { token })).status).toBe(200);
    await expect.poll(() => telemetry.spans.getFinishedSpans().some((s) => s.name === 'GET /api/cases')).toBe(true);
    const finished = telemetry.spans.getFinishedSpans();
    expect(finished.map((s) => s.name)).toContain('GET /api/trainees/{upn}/export');
    expect(finished.find((s) => s.name === 'GET /api/cases')?.attributes['http.route']).toBe('/api/cases');
    expect(personalDataIn(exposedBy(finished))).toEqual([]);
    expect(exposedBy(finished)).not.toContain('Whitfield');
  });

  it('loads demo data for all five procedures covering every status', async () => {
    expect(local.demo?.failures).toEqual([]);
    const admin = await signIn('trellis.admin@trellis.example');
    const list = await call('GET', '/api/cases?limit=500', { token: admin });
    const items = list.body.items as {
      procedureId: string;
      status: string;
      paused: boolean;
      nextReviewDate?: string;
      stageId: string;
    }[];
    expect(new Set(items.map((c) => c.procedureId)).size).toBe(5);
    const statuses = new Set(items.map((c) => c.status));
    for (const status of ['planning', 'awaiting_signatures', 'active', 'awaiting_decision', 'closed'])
      expect(statuses).toContain(status);
    const today = '2026-11-23';
    expect(
      items.some(
        (c) => c.nextReviewDate !== undefined && c.nextReviewDate >= today && c.nextReviewDate <= '2026-11-29',
      ),
    ).toBe(true);
    expect(items.some((c) => c.nextReviewDate !== undefined && c.nextReviewDate < today)).toBe(true);
    expect(items.some((c) => c.stageId === 'stage_5')).toBe(true);
    const escalated = await call('GET', '/api/cases/demo-rcttp-escalated', { token: admin });
    expect(escalated.body.stageHistory.map((v: { via: string }) => v.via)).toContain('escalation');
    const panel = await call('GET', '/api/cases/demo-rcttp-exceptional-circumstances-panel', { token: admin });
    expect(panel.body.panels[0].meetings[0].rationale).toMatch(/occupational health/);
  });

  it('lists personas for every provider and signs them in', async () => {
    const reply = await call('GET', '/dev/personas');
    const personas = reply.body.items as { upn: string; provider: string; roles: string[]; title: string }[];
    expect(new Set(personas.map((p) => p.provider)).size).toBe(6);
    expect(personas.filter((p) => p.roles.includes('CourseTeam'))).toHaveLength(5);
    expect(personas.some((p) => p.title === 'Trainee')).toBe(true);
    expect((await call('POST', '/dev/sign-in', { body: { upn: 'nobody@nowhere.example' } })).status).toBe(404);
    expect((await call('POST', '/dev/sign-in', { body: { who: 'x' } })).status).toBe(400);
    const page = await call('GET', '/dev/sign-in', { accept: 'text/html' });
    expect(page.text).toContain('data-upn="mark.whitfield@bcu.example"');
    expect(page.text).toContain('Birmingham City University ITE');
  });

  it('shows each persona only their cases', async () => {
    const courseLeader = await call('GET', '/api/cases?limit=500', {
      token: await signIn('mark.whitfield@bcu.example'),
    });
    expect(
      courseLeader.body.items.every((c: { procedureId: string }) => c.procedureId === 'bcu-rapid-improvement-targets'),
    ).toBe(true);
    expect(courseLeader.body.total).toBe(7);
    const tutor = await call('GET', '/api/cases?limit=500', { token: await signIn('helen.okafor@bcu.example') });
    expect(tutor.body.total).toBeGreaterThan(0);
    expect(tutor.body.total).toBeLessThan(7);
    const trainee = await call('GET', '/api/cases?limit=500', {
      token: await signIn('joshua.king@trainee.mid-essex-itt.example'),
    });
    expect(trainee.body.items.map((c: { traineeName: string }) => c.traineeName)).toEqual(['Joshua King']);
    const other = await call('GET', '/api/cases/demo-bcu-at-panel', {
      token: await signIn('joshua.king@trainee.mid-essex-itt.example'),
    });
    expect(other.status).toBe(404);
  });

  it('hides panel deliberations from the trainee', async () => {
    const staff = await call('GET', '/api/cases/demo-rcttp-exceptional-circumstances-panel', {
      token: await signIn('stephen.clarke@rcttp.example'),
    });
    expect(staff.body.panels[0].members.length).toBeGreaterThan(0);
    const traineeUpn = staff.body.people.find((p: { role: string }) => p.role === 'trainee').id as string;
    const mine = await call('GET', '/api/cases/demo-rcttp-exceptional-circumstances-panel', {
      token: await signIn(traineeUpn),
    });
    expect(mine.body.view).toBe('trainee');
    expect(mine.body.panels[0].members).toEqual([]);
    expect(mine.text).not.toContain('occupational health');
  });

  it("keeps an idle connection open past Node's five seconds, so a client sending on it is answered, not reset", async () => {
    expect(IDLE_CONNECTION_MS).toBeGreaterThan(60_000);
    const { port } = new URL(local.url);
    const socket = connect(Number(port), '127.0.0.1');
    const received: string[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => received.push(chunk));
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        resolve();
      }),
    );
    const answered = async (count: number): Promise<void> => {
      while (received.join('').split('HTTP/1.1 200').length - 1 < count) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (socket.destroyed) throw new Error(`the connection was closed: ${received.join('')}`);
      }
    };
    const health = 'GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n';
    socket.write(health);
    await answered(1);
    // Idle for longer than Node's default keep-alive timeout (5 s): a server on the default has
    // closed the connection by now.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(socket.destroyed).toBe(false);
    socket.write(health);
    await answered(2);
    socket.end();
    await closed;
  }, 30_000);

  it('moves the dev clock, which the API then uses', async () => {
    const token = await signIn('mark.whitfield@bcu.example');
    const before = await call('GET', '/api/cases/demo-bcu-due-this-week', { token });
    expect(before.body.derived.reviewOverdue).toBe(false);
    const moved = await call('POST', '/dev/clock', { body: { now: '2027-01-15' } });
    expect(moved.body.today).toBe('2027-01-15');
    expect((await call('GET', '/dev/clock')).body.today).toBe('2027-01-15');
    const after = await call('GET', '/api/cases/demo-bcu-due-this-week', { token });
    expect(after.body.derived.today).toBe('2027-01-15');
    expect(after.body.derived.reviewOverdue).toBe(true);
    expect((await call('POST', '/dev/clock', { body: { now: 'tomorrow' } })).status).toBe(400);
    await call('POST', '/dev/clock', { body: { now: '2026-11-23T10:00:00Z' } });
  });

  it('shows the outbox as JSON and as a page', async () => {
    const json = await call('GET', '/dev/outbox');
    expect(Object.keys(json.body).sort()).toEqual([
      'activityNotifications',
      'channelMessages',
      'events',
      'installs',
      'mails',
    ]);
    const html = await call('GET', '/dev/outbox', { accept: 'text/html' });
    expect(html.text).toContain('<h1>Outbox</h1>');
  });

  it('keeps its data across restarts and does not load the demo twice', async () => {
    const port = local.port;
    await local.close();
    local = await startLocalMode({ dataDir, port, durability: 'none', logger: silentLogger, realNow });
    expect(local.demo).toBeUndefined();
    const admin = await signIn('trellis.admin@trellis.example');
    const list = await call('GET', '/api/cases?limit=500', { token: admin });
    expect(list.body.total).toBe(29);
    const personas = await call('GET', '/dev/personas');
    expect(personas.status).toBe(200);
  });
});
