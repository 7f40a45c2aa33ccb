import { createRequire } from 'node:module';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { httpInstrumentationConfig } from '../../src/compose/telemetry.js';

/**
 * What Application Insights would receive, caught by the OpenTelemetry SDK's in-memory exporters:
 * the http instrumentation with the settings the composition gives Azure Monitor, a tracer and a
 * meter provider registered globally (as useAzureMonitor registers its own). `stop` removes them,
 * so the worker's next test files run with no telemetry.
 */
export interface TelemetryCapture {
  readonly spans: InMemorySpanExporter;
  /** The metrics recorded so far: data points by instrument name. */
  metricPoints(): Promise<Map<string, { readonly attributes: Record<string, unknown>; readonly value: unknown }[]>>;
  stop(): Promise<void>;
}

export function captureTelemetry(): TelemetryCapture {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  tracerProvider.register();
  const http = new HttpInstrumentation(httpInstrumentationConfig());
  http.setTracerProvider(tracerProvider);
  // The instrumentation patches Node's http when it is next required. Test files share a worker
  // and express may be loaded already: requiring http here applies the patch.
  createRequire(import.meta.url)('node:http');
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Read on demand (forceFlush), never on a timer.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans,
    async metricPoints() {
      await reader.forceFlush();
      const out = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
      for (const scope of exporter.getMetrics().at(-1)?.scopeMetrics ?? [])
        for (const metric of scope.metrics)
          out.set(
            metric.descriptor.name,
            metric.dataPoints.map((p) => ({ attributes: { ...p.attributes }, value: p.value })),
          );
      return out;
    },
    async stop() {
      http.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      metrics.disable();
    },
  };
}

/** Everything a span says that leaves the process: names, attributes and events. */
export function exposedBy(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
}
