import type { NextStepForm } from '../domain/case/index.js';
import { escapeHtml } from '../text/html.js';
import { attachmentOf, passOnSentence, type Notification, type NotificationKind } from './notification.js';

/** HTML email bodies. Every user-supplied string passes through escapeHtml, once. */

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
}

export interface EmailOptions {
  /** The case in Trellis (https, or this machine's http in local mode): the link every mail client shows. */
  readonly caseLink?: string;
  /**
   * An Adaptive Card for Outlook to show in place of the body (an actionable message): carried
   * in the HTML head as Outlook documents it, as JSON a browser never runs.
   */
  readonly actionableCard?: Readonly<Record<string, unknown>>;
}

/** Reminders whose link takes a reviewer to the review form on the case. */
const REVIEW_REMINDERS: ReadonlySet<NotificationKind> = new Set([
  'review_coming_up',
  'review_due_today',
  'review_overdue',
  'review_escalation',
]);

/** The form on the case page an email's link opens at: the review form for a reminder, Sign for a signature request. */
export function linkFormFor(kind: NotificationKind): NextStepForm | undefined {
  if (REVIEW_REMINDERS.has(kind)) return 'review';
  return kind === 'signature_needed' ? 'sign' : undefined;
}

/** Links an email or event may carry: https, or local mode's server on this machine. */
export const SAFE_LINK = /^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/)/;

export function renderEmail(notification: Notification, options: EmailOptions = {}): RenderedEmail {
  const paragraphs = notification.lines.map((line) => `<p>${escapeHtml(line)}</p>`);
  const because = notification.because
    ? [`<p style="color:#555"><em>Why you are receiving this: ${escapeHtml(notification.because)}</em></p>`]
    : [];
  const label = REVIEW_REMINDERS.has(notification.kind)
    ? 'Open the review form in Trellis'
    : 'Open the case in Trellis';
  const link =
    options.caseLink && SAFE_LINK.test(options.caseLink)
      ? [`<p><a href="${escapeHtml(options.caseLink)}">${label}</a></p>`]
      : [];
  const attached = notification.attachForm
    ? [
        attachmentOf(notification) === 'fee_letter'
          ? '<p>The letter is attached as a PDF.</p>'
          : '<p>The completed form is attached as a PDF.</p>',
      ]
    : [];
  const passOn =
    notification.passOnTo && notification.passOnTo.length > 0
      ? [`<p><strong>${escapeHtml(passOnSentence(notification.passOnTo, notification.attachForm))}</strong></p>`]
      : [];
  const head = options.actionableCard
    ? [
        '<head>',
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        `<script type="application/adaptivecard+json">${scriptJson(options.actionableCard)}</script>`,
        '</head>',
      ]
    : [];
  const html = [
    '<!doctype html><html>',
    ...head,
    '<body style="font-family:Segoe UI,Arial,sans-serif">',
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

/**
 * JSON inside a script element: the element ends at the first `</`, so `<`, `>` and `&` are
 * written as JSON escapes (the same string once parsed) and people's text can never close it.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The card an actionable email carries, read back from its HTML (the dev outbox, tests); undefined when it has none. */
export function actionableCardOf(html: string): unknown {
  const match = /<script type="application\/adaptivecard\+json">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) return undefined;
  try {
    return JSON.parse(match[1]) as unknown;
  } catch {
    return undefined;
  }
}
