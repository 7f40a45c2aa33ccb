/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are JSON asserted field by field */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metrics } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { httpInstrumentationConfig } from '../../src/compose/telemetry.js';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { personalDataIn } from '../support/personal-data.js';
import { sweepThroughApi } from '../support/sweep-job.js';

/**
 * The telemetry Application Insights would receive, caught by the OpenTelemetry SDK's in-memory
 * exporters: the same http instrumentation settings the composition gives Azure Monitor, the
 * Graph client's dependency spans and Trellis's metrics, around real local-mode requests and a
 * sweep. Nothing in any span name or attribute, or any metric attribute, names a demo person.
 */
const spans = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
tracerProvider.register();
const http = new HttpInstrumentation(httpInstrumentationConfig());
http.setTracerProvider(tracerProvider);
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
// Read on demand (forceFlush), never on a timer.
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(meterProvider);

let dataDir: string;
let local: RunningLocalMode;
const realNow = (): Date => londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);

async function call(method: string, route: string, options: { token?: string } = {}) {
  const response = await fetch(`${local.url}${route}`, {
    method,
    headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body, headers: response.headers };
}

async function signIn(upn: string): Promise<string> {
  const response = await fetch(`${local.url}/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upn }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function metricPoints(): Promise<Map<string, { attributes: Record<string, unknown>; value: unknown }[]>> {
  await reader.forceFlush();
  const out = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
  const all: ResourceMetrics[] = metricExporter.getMetrics();
  const latest = all.at(-1);
  for (const scope of latest?.scopeMetrics ?? [])
    for (const metric of scope.metrics)
      out.set(
        metric.descriptor.name,
        metric.dataPoints.map((p) => ({ attributes: { ...p.attributes }, value: p.value })),
      );
  return out;
}

function exposed(finished: readonly ReadableSpan[]): string {
  return JSON.stringify(finished.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
}

beforeAll(async () => {
  // Loaded after the instrumentation, as scripts/start.ts does, so it sees the server.
  const { startLocalMode } = await import('../../src/compose/local.js');
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-telemetry-'));
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: silentLogger,
    realNow,
    schedule: false,
  });
}, 120_000);

afterAll(async () => {
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
  http.disable();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
});

describe('telemetry', () => {
  it('traces a request by its route, with the Graph calls it made as dependencies, and no person in them', async () => {
    const upn = 'mark.whitfield@bcu.example';
    const token = await signIn(upn);
    spans.reset();
    const export_ = await call(
      'GET',
      `/api/trainees/${encodeURIComponent('evie.marshall@trainee.kestrel-scitt.example')}/export`,
      {
        token,
      },
    );
    expect(export_.status).toBeGreaterThanOrEqual(400);
    const list = await call('GET', '/api/cases?limit=5&search=Whitfield', { token });
    expect(list.status).toBe(200);
    await expect.poll(() => spans.getFinishedSpans().some((s) => s.name === 'GET /api/cases')).toBe(true);
    const finished = spans.getFinishedSpans();
    const names = finished.map((s) => s.name);
    expect(names).toContain('GET /api/trainees/{upn}/export');
    const request = finished.find((s) => s.name === 'GET /api/cases');
    expect(request?.attributes['http.route']).toBe('/api/cases');
    // Graph requests as client spans, named by method and template.
    const graph = finished.filter((s) => s.attributes['url.template'] !== undefined);
    expect(graph.length).toBeGreaterThan(0);
    for (const span of graph) expect(span.name).toMatch(/^(GET|POST|PATCH|PUT|DELETE) \/v1\.0(\/[\w$.]+|\/\{id\})*$/);
    expect(personalDataIn(exposed(finished))).toEqual([]);
    expect(exposed(finished)).not.toContain('Whitfield');
  });

  it('records a sweep: its span, its duration, the notifications it sent and the resource units Graph charged', async () => {
    const admin = await signIn('trellis.admin@trellis.example');
    spans.reset();
    const sweep = await sweepThroughApi((method, route, options) => call(method, route, options), admin);
    expect(sweep.body.state).toBe('succeeded');
    expect(sweep.body.result.sent).toBeGreaterThan(0);

    const finished = spans.getFinishedSpans();
    const sweepSpan = finished.find((s) => s.name === 'review sweep due_reviews');
    expect(sweepSpan).toBeDefined();
    const underSweep = finished.filter(
      (s) =>
        s.parentSpanContext?.spanId === sweepSpan?.spanContext().spanId && s.attributes['url.template'] !== undefined,
    );
    expect(underSweep.length).toBeGreaterThan(0);

    const points = await metricPoints();
    const duration = points.get('trellis.sweep.duration') ?? [];
    expect(duration.some((p) => p.attributes.kind === 'due_reviews' && p.attributes.outcome === 'ok')).toBe(true);
    const sent = (points.get('trellis.notifications') ?? []).filter((p) => p.attributes.outcome === 'sent');
    expect(sent.reduce((sum, p) => sum + Number(p.value), 0)).toBe(sweep.body.result.sent);
    const units = (points.get('trellis.graph.resource_units') ?? []).reduce((sum, p) => sum + Number(p.value), 0);
    expect(units).toBeGreaterThan(0);

    const metricAttributes = JSON.stringify([...points.values()].flat().map((p) => p.attributes));
    expect(personalDataIn(exposed(finished) + metricAttributes)).toEqual([]);
  });
});
