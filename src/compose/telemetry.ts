import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { routeTemplateOf } from './route-templates.js';

/**
 * Application Insights through OpenTelemetry, when APPLICATIONINSIGHTS_CONNECTION_STRING is set
 * (Azure's own variable; infra/ sets it on the container app and the sweep job): request traces
 * from the http instrumentation, Graph calls as dependencies (src/store/graph/telemetry.ts) and
 * Trellis's metrics (src/app/telemetry.ts). Logs stay JSON lines on stderr, which the platform
 * collects. Without the variable nothing is started and the package is not even loaded.
 *
 * It must start before express (and with it Node's http module) is loaded, so that the http
 * instrumentation sees the server: scripts/start.ts and scripts/job-sweep.ts call it first and
 * import the rest after. Nothing personal goes out: request spans are named by the route's
 * template and carry no path, query or client address of their own (route-templates.ts); the
 * Graph spans carry templates only.
 */
export interface TelemetrySettings {
  readonly connectionString: string;
}

export function telemetrySettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): TelemetrySettings | undefined {
  const connectionString = (env.APPLICATIONINSIGHTS_CONNECTION_STRING ?? '').trim();
  return connectionString === '' ? undefined : { connectionString };
}

/** What every incoming request's span says instead of its own path, query and caller address. */
const REDACTED_ATTRIBUTES = ['http.target', 'url.path', 'http.url', 'url.full'] as const;

/** The http instrumentation's settings: probes left out, each request span named by its route template. */
export function httpInstrumentationConfig(): HttpInstrumentationConfig {
  return {
    enabled: true,
    // The platform's probes every few seconds would drown the requests people make.
    ignoreIncomingRequestHook: (request) => request.url === '/api/health' || request.url === '/api/ready',
    // The path can carry a sign-in name (/api/trainees/{upn}/export) and the query a search for a
    // person: both give way to the route's template, and the caller's address is dropped.
    requestHook: (span, request) => {
      if (!('httpVersion' in request)) return;
      const template = routeTemplateOf(request.url ?? '/');
      span.updateName(`${request.method ?? 'GET'} ${template}`);
      span.setAttribute('http.route', template);
      for (const name of REDACTED_ATTRIBUTES) span.setAttribute(name, template);
      span.setAttribute('url.query', '');
      for (const name of ['net.peer.ip', 'client.address', 'http.client_ip', 'network.peer.address'])
        span.setAttribute(name, '0.0.0.0');
    },
  };
}

export interface RunningTelemetry {
  /** Sends what is buffered and stops (on shutdown, and before a job exits). */
  shutdown(): Promise<void>;
}

export async function startTelemetry(settings: TelemetrySettings | undefined): Promise<RunningTelemetry | undefined> {
  if (settings === undefined) return undefined;
  const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: settings.connectionString },
    // Only what Trellis uses: none of the database or logging-library instrumentations.
    instrumentationOptions: {
      http: httpInstrumentationConfig(),
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
    enableLiveMetrics: false,
  });
  return { shutdown: () => shutdownAzureMonitor() };
}
