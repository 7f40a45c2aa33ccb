import { GraphError, RetryHandlerOptions, type Client } from '@microsoft/microsoft-graph-client';
import { PossiblySentError } from '../../notify/sweep.js';
import type { NextStepForm } from '../../domain/case/index.js';
import { linkFormFor, renderEmail } from '../../notify/email.js';
import type { Notification } from '../../notify/notification.js';
import type { ActionableCardProvider, FormProvider, Sender } from '../../notify/ports.js';

/**
 * Email over Graph sendMail (202, no body). sendMail is not idempotent, which is why the sweep
 * never re-sends a mail whose claim went stale: it marks it "possibly sent" instead.
 */

/** Inline attachments above ~3 MB need an upload session (graph-emulator.md §7.1). */
export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

export function graphMailSender(deps: {
  readonly client: Client;
  readonly fromMailbox: string;
  readonly form?: FormProvider;
  /** The case in Trellis, at the form the email is about (`/cases/{id}#review`). */
  readonly caseLink?: (caseId: string, form?: NextStepForm) => string;
  /** Review reminders as Outlook actionable messages: the card put in the email's head. */
  readonly actionableCard?: ActionableCardProvider;
}): Sender {
  return async (notification: Notification) => {
    const to = addressOf(notification);
    const actionableCard = deps.actionableCard ? await deps.actionableCard(notification) : undefined;
    const { subject, html } = renderEmail(notification, {
      ...(deps.caseLink ? { caseLink: deps.caseLink(notification.caseId, linkFormFor(notification.kind)) } : {}),
      ...(actionableCard ? { actionableCard } : {}),
    });
    const form = notification.attachForm && deps.form ? await deps.form(notification) : undefined;
    if (form && form.bytes.byteLength > MAX_INLINE_ATTACHMENT_BYTES)
      throw new Error(`the form for ${notification.reference} is too large to attach inline`);
    const request = deps.client
      .api(`/users/${encodeURIComponent(deps.fromMailbox)}/sendMail`)
      .middlewareOptions([ONLY_RETRY_UNPROCESSED]);
    try {
      await send(request, to, subject, html, notification, form);
    } catch (error) {
      // A timeout or server error after the request left may mean the mail went: never send it again blindly.
      if (error instanceof GraphError && AMBIGUOUS_STATUSES.has(error.statusCode)) {
        throw new PossiblySentError(`sendMail answered ${String(error.statusCode)}: ${error.message}`);
      }
      throw error;
    }
  };
}

/** Statuses after which the mail may or may not have been sent (-1: no response at all). */
const AMBIGUOUS_STATUSES = new Set([-1, 0, 500, 502, 504]);

/**
 * sendMail is not idempotent: the client retries only answers that say the request was not
 * processed (429 throttled, 503 unavailable), never a timeout that may follow a sent mail.
 */
const ONLY_RETRY_UNPROCESSED = new RetryHandlerOptions(
  undefined,
  undefined,
  (_delay, _attempt, _request, _options, response) => {
    if (response.status !== 429 && response.status !== 503) return false;
    // A long Retry-After is not slept through here: the sweep retries the mail later instead.
    const retryAfter = Number(response.headers.get('Retry-After') ?? '0');
    return !Number.isFinite(retryAfter) || retryAfter <= MAX_MAIL_RETRY_AFTER_SECONDS;
  },
);
const MAX_MAIL_RETRY_AFTER_SECONDS = 30;

async function send(
  request: ReturnType<Client['api']>,
  to: string,
  subject: string,
  html: string,
  notification: Notification,
  form: { readonly name: string; readonly bytes: Uint8Array } | undefined,
): Promise<void> {
  await request.post({
    message: {
      subject,
      body: { contentType: 'HTML', content: html },
      toRecipients: [{ emailAddress: { address: to } }],
      internetMessageHeaders: [{ name: 'x-trellis-key', value: notification.key.slice(0, 900) }],
      ...(form
        ? {
            attachments: [
              {
                '@odata.type': '#microsoft.graph.fileAttachment',
                name: form.name,
                contentType: 'application/pdf',
                contentBytes: Buffer.from(form.bytes).toString('base64'),
              },
            ],
          }
        : {}),
    },
    saveToSentItems: true,
  });
}

function addressOf(notification: Notification): string {
  const r = notification.recipient;
  switch (r.kind) {
    case 'person':
      return r.email;
    case 'course_mailbox':
    case 'office':
      return r.address;
    case 'course_team_channel':
      throw new Error('a channel is not an email recipient');
  }
}
