import { metrics, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import type { DeliveryOutcome } from '../notify/sweep.js';
import type { NotificationChannel } from '../notify/notification.js';

/**
 * Trellis's own metrics, through the OpenTelemetry API only: without a meter provider (no
 * APPLICATIONINSIGHTS_CONNECTION_STRING, src/compose/telemetry.ts) every call is a no-op.
 * Attributes are channels, outcomes, methods and statuses: never a name, an address or an id.
 *
 *   trellis.notifications          deliveries by channel and outcome (sent, failed,
 *                                  retry_scheduled, possibly_sent)
 *   trellis.graph.throttled        Graph answers 429 (and 503 with Retry-After), by method
 *   trellis.graph.resource_units   SharePoint resource units the requests cost, as SharePoint
 *                                  prices them (1 a single read, 2 a list read or a write,
 *                                  5 a permissions operation)
 *   trellis.sweep.duration         seconds a review sweep took, by kind and outcome
 */
export const TELEMETRY_SCOPE = 'trellis';

interface Instruments {
  readonly notifications: Counter;
  readonly throttled: Counter;
  readonly resourceUnits: Counter;
  readonly sweepDuration: Histogram;
}

// The global meter provider may be set after this module loads (and tests set their own): the
// instruments are made per meter, on first use.
const byMeter = new WeakMap<Meter, Instruments>();

function instruments(): Instruments {
  const meter = metrics.getMeter(TELEMETRY_SCOPE);
  let found = byMeter.get(meter);
  if (found === undefined) {
    found = {
      notifications: meter.createCounter('trellis.notifications', {
        description: 'Notification deliveries by channel and outcome',
      }),
      throttled: meter.createCounter('trellis.graph.throttled', {
        description: 'Graph answers asking Trellis to slow down (429, or 503 with Retry-After)',
      }),
      resourceUnits: meter.createCounter('trellis.graph.resource_units', {
        description: 'SharePoint resource units spent, as SharePoint prices requests',
      }),
      sweepDuration: meter.createHistogram('trellis.sweep.duration', {
        description: 'How long a review sweep took',
        unit: 's',
      }),
    };
    byMeter.set(meter, found);
  }
  return found;
}

export function recordNotificationOutcome(channel: NotificationChannel, outcome: DeliveryOutcome): void {
  instruments().notifications.add(1, { channel, outcome });
}

export function recordGraphThrottled(method: string, status: number): void {
  instruments().throttled.add(1, { 'http.request.method': method, 'http.response.status_code': status });
}

export function recordResourceUnits(units: number, method: string): void {
  if (units > 0) instruments().resourceUnits.add(units, { 'http.request.method': method });
}

export function recordSweepDuration(seconds: number, kind: 'due_reviews' | 'delivery', outcome: 'ok' | 'failed'): void {
  instruments().sweepDuration.record(seconds, { kind, outcome });
}
