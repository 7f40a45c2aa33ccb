import { versionsOf, type ProcedureVersions } from '../app/cases/procedure-versions.js';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { CaseRepository } from '../domain/ports.js';
import type { NextStepForm } from '../domain/case/index.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { graphCalendarSender } from '../store/notify/graph-calendar.js';
import { graphMailSender } from '../store/notify/graph-mail.js';
import { GraphOutbox, type OutboxListRef } from '../store/notify/graph-outbox.js';
import type { Notification } from '../notify/notification.js';
import { formForNotification } from '../app/views/recipient-view.js';
import type { ActionableCardProvider, FormProvider, Sender, Senders } from '../notify/ports.js';
import type { SendPace } from '../notify/pacing.js';
import type { Logger } from '../app/logger.js';
import { createScheduler, type Scheduler } from '../app/notifications/scheduler.js';
import type { JobStore, Jobs } from '../app/notifications/jobs.js';
import { createSweepJobs, INSTANCE_NAME } from './jobs.js';
import { londonDateOf } from '../domain/calendar/index.js';
import { createCommandNotifier, type BackgroundNotifier } from '../app/notifications/after-command.js';
import { namedOffices, type NotifySettings } from '../app/notifications/settings.js';
import type { NotifyRuntime } from '../app/notifications/runtime.js';
import { runReviewSweep, type ReviewSweepResult } from '../app/notifications/review-sweep.js';

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
  /** The procedure versions cases follow (what the forms and the sweep read each case under). */
  readonly procedureVersions?: ProcedureVersions;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** The case's page in a browser (at a form: `#review`), for the link in emails and events. */
  readonly caseLink?: (caseId: string, form?: NextStepForm) => string;
  /** The case in the Trellis tab (a Teams deep link), for the link in review meetings' events. */
  readonly caseTabLink?: (caseId: string, reference: string) => string;
  /** Review reminders as Outlook actionable messages (the bot's cards, with the registered originator). */
  readonly actionableCard?: ActionableCardProvider;
  /** chat_card and channel_card senders (the bot); without them those notifications wait, failed, for a retry. */
  readonly cardSenders?: Senders;
  /** False in tests that drive sweeps by hand. */
  readonly schedule?: boolean;
  /** The pace emails wait for (the sending mailbox's limit). */
  readonly sendPace: Pick<SendPace, 'mailboxMessage'>;
  /** Where jobs and their leases are kept (shared by every instance). */
  readonly jobStore: JobStore;
  /** A job the scheduler runs once a week (the retention run). */
  readonly weekly?: { readonly name: string; readonly run: () => Promise<unknown> };
}

export interface Notifications {
  readonly runtime: NotifyRuntime;
  /** The outbox adapter itself (the runtime holds it as a port), for tests and tools that read its rows. */
  readonly outbox: GraphOutbox;
  readonly background: BackgroundNotifier;
  readonly scheduler: Scheduler | undefined;
  /** Sweeps started from a request, run in the background (POST /api/jobs/review-sweep). */
  readonly jobs: Jobs<ReviewSweepResult>;
  /** Stops the scheduler and waits for deliveries and jobs already started. */
  close(): Promise<void>;
}

/** How far back the frequent delivery pass re-plans (it runs every few minutes; the daily sweep looks back days). */
const DELIVERY_PASS_LOOKBACK_MS = 60 * 60_000;

export function createNotifications(options: NotificationsOptions): Notifications {
  const { settings } = options;
  const versions = {
    procedures: options.procedures,
    ...(options.procedureVersions ? { procedureVersions: options.procedureVersions } : {}),
  };
  // The form as it was at the event the notification is about, in its recipient's view, under the
  // version of the procedure the case follows.
  const form: FormProvider = async (notification) => {
    const stored = await options.repository.find(notification.caseId);
    if (!stored) return undefined;
    const procedure = await versionsOf(versions).of(stored.state);
    return formForNotification(procedure, stored, notification);
  };
  const mailFrom = settings.mailFrom;
  const senders: Senders = {
    ...(mailFrom === undefined
      ? { email: noSender('email: set TRELLIS_MAIL_FROM to the mailbox Trellis sends from') }
      : {
          email: paced(
            () => options.sendPace.mailboxMessage(mailFrom),
            graphMailSender({
              client: options.client,
              fromMailbox: mailFrom,
              form,
              ...(options.caseLink ? { caseLink: options.caseLink } : {}),
              ...(options.actionableCard ? { actionableCard: options.actionableCard } : {}),
            }),
          ),
        }),
    // An event with attendees is an invitation sent from the organiser's mailbox.
    calendar: paced(
      (n) => (n.calendar === undefined ? Promise.resolve() : options.sendPace.mailboxMessage(n.calendar.organizer)),
      graphCalendarSender({
        client: options.client,
        ...(options.caseLink ? { caseLink: options.caseLink } : {}),
        ...(options.caseTabLink ? { caseTabLink: options.caseTabLink } : {}),
      }),
    ),
    ...options.cardSenders,
  };
  // Named recipients Trellis cannot send to: said once at start, and on every copy as "please pass this on".
  for (const office of namedOffices(settings, options.procedures)) {
    if (office.address === 'none')
      options.logger.warn(
        `${office.label} (${office.providerId}:${office.office}) has no mailbox: the course team is asked to pass their copies on. Set TRELLIS_OFFICE_MAILBOXES to send to them.`,
        { procedureId: office.procedureId },
      );
    else if (office.address === 'placement')
      options.logger.info(
        `${office.label} (${office.providerId}:${office.office}) is sent to each case's school contact email; where a case has none, the course team is asked to pass it on.`,
        { procedureId: office.procedureId },
      );
  }
  const outbox = new GraphOutbox(options.client, options.outboxList);
  const runtime: NotifyRuntime = {
    outbox,
    senders,
    settings,
    owner: INSTANCE_NAME,
  };
  const background = createCommandNotifier({ runtime, clock: options.clock, logger: options.logger });
  const deps = {
    ...versions,
    repository: options.repository,
    clock: options.clock,
    logger: options.logger,
    runtime,
  };
  // One review sweep at a time across instances: API-started sweeps, the daily run and the
  // delivery passes all take the same lease; the daily run is skipped once any instance has
  // done that day's.
  const jobs = createSweepJobs({ store: options.jobStore, clock: options.clock, logger: options.logger });
  const scheduler =
    options.schedule === false
      ? undefined
      : createScheduler({
          clock: options.clock,
          at: settings.sweepAt,
          logger: options.logger,
          ...(options.weekly ? { weekly: options.weekly } : {}),
          daily: () =>
            jobs.runScheduled(
              'review-sweep',
              () =>
                runReviewSweep(deps, {
                  dueReviews: true,
                  recentSince: new Date(options.clock().getTime() - 4 * 24 * 60 * 60_000),
                }),
              { day: londonDateOf(options.clock()) },
            ),
          delivery: () =>
            jobs.runScheduled('review-sweep', () =>
              runReviewSweep(deps, {
                dueReviews: false,
                recentSince: new Date(options.clock().getTime() - DELIVERY_PASS_LOOKBACK_MS),
              }),
            ),
        });
  return {
    runtime,
    outbox,
    background,
    scheduler,
    jobs,
    async close() {
      scheduler?.stop();
      await jobs.idle();
      await background.idle();
    },
  };
}

/** A sender that waits its turn first. */
function paced(turn: (notification: Notification) => Promise<void>, send: Sender): Sender {
  return async (notification) => {
    await turn(notification);
    await send(notification);
  };
}

/** A channel with no sender configured: the failure says what to set, and the row waits for a retry. */
function noSender(message: string): (n: Notification) => Promise<void> {
  return () => Promise.reject(new Error(`no sender for ${message}`));
}
