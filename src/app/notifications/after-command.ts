import { londonDateOf } from '../../domain/calendar/index.js';
import { calendarFor } from '../../domain/case/index.js';
import type { CaseEvent } from '../../domain/case/events.js';
import type { CaseState } from '../../domain/case/types.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { planNotifications } from '../../notify/plan.js';
import { deliverNotifications } from '../../notify/sweep.js';
import type { Logger } from '../logger.js';
import { notifyConfigFor } from './settings.js';
import { sweepDepsOf, type NotifyRuntime } from './runtime.js';

/**
 * The post-command hook: after a command's events are stored, plan what it owes and deliver it
 * in the background (claim → send → record), so nobody waits for Graph mail or calendar sends.
 * Errors are logged, never thrown into the request and never an unhandled rejection. If the
 * process dies before delivery, the sweep re-plans the case’s recent commands (review-sweep.ts)
 * and the outbox's unique keys make the late delivery the only one.
 */

export interface CommittedChange {
  readonly procedure: Procedure;
  readonly before: CaseState | undefined;
  readonly after: CaseState;
  readonly events: readonly CaseEvent[];
}

/** Called after every successful append; returns at once. */
export type CommandNotifier = (change: CommittedChange) => void;

export interface BackgroundNotifier {
  readonly notify: CommandNotifier;
  /** Runs other notification work (a retry sent at once) the same way: in the background, logged, tracked. */
  background(what: string, work: Promise<unknown>): void;
  /** Settles when every delivery started so far has finished (tests, graceful shutdown). */
  idle(): Promise<void>;
}

export function createCommandNotifier(deps: {
  readonly runtime: NotifyRuntime;
  readonly clock: () => Date;
  readonly logger: Logger;
}): BackgroundNotifier {
  const inFlight = new Set<Promise<void>>();
  const notify: CommandNotifier = (change) => {
    const caseId = change.after.id;
    let work: Promise<void>;
    try {
      const notifications = planNotifications({
        ...change,
        config: notifyConfigFor(deps.runtime.settings, change.procedure),
        today: londonDateOf(deps.clock()),
        calendar: calendarFor(change.procedure),
      });
      if (notifications.length === 0) return;
      work = deliverNotifications(notifications, sweepDepsOf(deps.runtime, deps.clock)).then(
        (report) => {
          deps.logger.info('notifications delivered', { caseId, ...report });
        },
        (error: unknown) => {
          deps.logger.error('notification delivery stopped; the sweep will finish it', {
            caseId,
            error: error instanceof Error ? error.message : String(error),
          });
        },
      );
    } catch (error) {
      deps.logger.error('notification planning failed; the sweep will retry it', {
        caseId,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const background = (what: string, work: Promise<unknown>): void => {
    const tracked = work.then(
      (result) => {
        deps.logger.info(what, { result });
      },
      (error: unknown) => {
        deps.logger.error(`${what} failed`, { error: error instanceof Error ? error.message : String(error) });
      },
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };
  return {
    notify,
    background,
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
