import { hostname } from 'node:os';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { CaseRepository } from '../domain/ports.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { graphCalendarSender } from '../store/notify/graph-calendar.js';
import { graphMailSender } from '../store/notify/graph-mail.js';
import { GraphOutbox, type OutboxListRef } from '../store/notify/graph-outbox.js';
import { formPdfName, renderFormPdf } from '../notify/form-pdf.js';
import type { Notification } from '../notify/notification.js';
import type { FormProvider, Senders } from '../notify/ports.js';
import type { Logger } from '../app/logger.js';
import { createScheduler, type Scheduler } from '../app/notifications/scheduler.js';
import { createCommandNotifier, type BackgroundNotifier } from '../app/notifications/after-command.js';
import type { NotifySettings } from '../app/notifications/settings.js';
import type { NotifyRuntime } from '../app/notifications/runtime.js';
import { runReviewSweep } from '../app/notifications/review-sweep.js';

/**
 * The notification stack, part of the composition root (trellis.ts): the Graph outbox, the mail
 * sender with the completed form attached, the calendar sender, the card senders passed in (the
 * bot's), the background notifier commands report to, and the scheduler.
 */

export interface NotificationsOptions {
  readonly client: Client;
  readonly outboxList: OutboxListRef;
  readonly settings: NotifySettings;
  readonly repository: CaseRepository;
  readonly procedures: readonly Procedure[];
  readonly clock: () => Date;
  readonly logger: Logger;
  /** Where a person opens a case (the tab's deep link), for the link in emails. */
  readonly caseLink?: (caseId: string) => string;
  /** chat_card and channel_card senders (the bot); without them those notifications wait, failed, for a retry. */
  readonly cardSenders?: Senders;
  /** False in tests that drive sweeps by hand. */
  readonly schedule?: boolean;
}

export interface Notifications {
  readonly runtime: NotifyRuntime;
  /** The outbox adapter itself (the runtime holds it as a port), for tests and tools that read its rows. */
  readonly outbox: GraphOutbox;
  readonly background: BackgroundNotifier;
  readonly scheduler: Scheduler | undefined;
  /** Stops the scheduler and waits for deliveries already started. */
  close(): Promise<void>;
}

/** How far back the frequent delivery pass re-plans (it runs every few minutes; the daily sweep looks back days). */
const DELIVERY_PASS_LOOKBACK_MS = 60 * 60_000;

export function createNotifications(options: NotificationsOptions): Notifications {
  const { settings } = options;
  const procedures = new Map(options.procedures.map((p) => [p.id, p]));
  const form: FormProvider = async (caseId) => {
    const stored = await options.repository.find(caseId);
    const procedure = stored ? procedures.get(stored.state.procedureId) : undefined;
    if (!stored || !procedure) return undefined;
    return { name: formPdfName(stored.state.reference), bytes: await renderFormPdf(procedure, stored.state) };
  };
  const mailFrom = settings.mailFrom;
  const senders: Senders = {
    ...(mailFrom === undefined
      ? { email: noSender('email: set TRELLIS_MAIL_FROM to the mailbox Trellis sends from') }
      : {
          email: graphMailSender({
            client: options.client,
            fromMailbox: mailFrom,
            form,
            ...(options.caseLink ? { caseLink: options.caseLink } : {}),
          }),
        }),
    calendar: graphCalendarSender({
      client: options.client,
      ...(options.caseLink ? { caseLink: options.caseLink } : {}),
    }),
    ...options.cardSenders,
  };
  const outbox = new GraphOutbox(options.client, options.outboxList);
  const runtime: NotifyRuntime = {
    outbox,
    senders,
    settings,
    owner: `${hostname()}:${process.pid}`,
  };
  const background = createCommandNotifier({ runtime, clock: options.clock, logger: options.logger });
  const deps = {
    repository: options.repository,
    procedures: options.procedures,
    clock: options.clock,
    logger: options.logger,
    runtime,
  };
  const scheduler =
    options.schedule === false
      ? undefined
      : createScheduler({
          clock: options.clock,
          at: settings.sweepAt,
          logger: options.logger,
          daily: () =>
            runReviewSweep(deps, {
              dueReviews: true,
              recentSince: new Date(options.clock().getTime() - 4 * 24 * 60 * 60_000),
            }),
          delivery: () =>
            runReviewSweep(deps, {
              dueReviews: false,
              recentSince: new Date(options.clock().getTime() - DELIVERY_PASS_LOOKBACK_MS),
            }),
        });
  return {
    runtime,
    outbox,
    background,
    scheduler,
    async close() {
      scheduler?.stop();
      await background.idle();
    },
  };
}

/** A channel with no sender configured: the failure says what to set, and the row waits for a retry. */
function noSender(message: string): (n: Notification) => Promise<void> {
  return () => Promise.reject(new Error(`no sender for ${message}`));
}
