import { recordNotificationOutcome } from '../telemetry.js';
import type { OutboxPort, Senders } from '../../notify/ports.js';
import type { SweepDeps } from '../../notify/sweep.js';
import type { NotifySettings } from './settings.js';

/**
 * What the notification use cases need, built once by the composition root (src/compose):
 * the outbox, the senders (mail, calendar, and the bot's card senders when present),
 * the settings, and a name for this instance in outbox claims.
 */
export interface NotifyRuntime {
  readonly outbox: OutboxPort;
  readonly senders: Senders;
  readonly settings: NotifySettings;
  /** Names this instance in claims (host:pid). */
  readonly owner: string;
}

export function sweepDepsOf(runtime: NotifyRuntime, clock: () => Date): SweepDeps {
  return {
    outbox: runtime.outbox,
    senders: runtime.senders,
    owner: runtime.owner,
    clock: { now: clock },
    onOutcome: recordNotificationOutcome,
  };
}

/** Runs `work` over `items` with at most `limit` in flight: case reads in parallel, but not ten thousand at once. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      out[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
