import type { Client } from '@microsoft/microsoft-graph-client';
import { renderEmail } from '../email.js';
import type { Notification } from '../notification.js';
import type { FormProvider, Sender } from '../ports.js';

/**
 * Email over Graph sendMail (202, no body). sendMail is not idempotent, which is why the sweep
 * never re-sends a mail whose claim went stale: it marks it "possibly sent" instead.
 */

/** Inline attachments above ~3 MB need an upload session (graph-emulator.md §7.1). */
export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

export function graphMailSender(deps: { readonly client: Client; readonly fromMailbox: string; readonly form?: FormProvider; readonly caseLink?: (caseId: string) => string }): Sender {
  return async (notification: Notification) => {
    const to = addressOf(notification);
    const { subject, html } = renderEmail(notification, deps.caseLink ? { caseLink: deps.caseLink(notification.caseId) } : {});
    const form = notification.attachForm && deps.form ? await deps.form(notification.caseId) : undefined;
    if (form && form.bytes.byteLength > MAX_INLINE_ATTACHMENT_BYTES) throw new Error(`the form for ${notification.reference} is too large to attach inline`);
    await deps.client.api(`/users/${encodeURIComponent(deps.fromMailbox)}/sendMail`).post({
      message: {
        subject,
        body: { contentType: 'HTML', content: html },
        toRecipients: [{ emailAddress: { address: to } }],
        internetMessageHeaders: [{ name: 'x-trellis-key', value: notification.key.slice(0, 900) }],
        ...(form
          ? { attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: form.name, contentType: 'application/pdf', contentBytes: Buffer.from(form.bytes).toString('base64') }] }
          : {}),
      },
      saveToSentItems: true,
    });
  };
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
