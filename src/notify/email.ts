import { escapeHtml } from '../text/html.js';
import { passOnSentence, type Notification } from './notification.js';

/** HTML email bodies. Every user-supplied string passes through escapeHtml, once. */

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
}

export function renderEmail(notification: Notification, options: { readonly caseLink?: string } = {}): RenderedEmail {
  const paragraphs = notification.lines.map((line) => `<p>${escapeHtml(line)}</p>`);
  const because = notification.because
    ? [`<p style="color:#555"><em>Why you are receiving this: ${escapeHtml(notification.because)}</em></p>`]
    : [];
  const link =
    options.caseLink && /^https:\/\//.test(options.caseLink)
      ? [`<p><a href="${escapeHtml(options.caseLink)}">Open the case in Trellis</a></p>`]
      : [];
  const attached = notification.attachForm ? ['<p>The completed form is attached as a PDF.</p>'] : [];
  const passOn =
    notification.passOnTo && notification.passOnTo.length > 0
      ? [`<p><strong>${escapeHtml(passOnSentence(notification.passOnTo, notification.attachForm))}</strong></p>`]
      : [];
  const html = [
    '<!doctype html><html><body style="font-family:Segoe UI,Arial,sans-serif">',
    `<h1 style="font-size:18px">${escapeHtml(notification.subject)}</h1>`,
    ...passOn,
    ...paragraphs,
    ...attached,
    ...because,
    ...link,
    '</body></html>',
  ].join('\n');
  return { subject: notification.subject.replace(/[\r\n]+/g, ' '), html };
}
