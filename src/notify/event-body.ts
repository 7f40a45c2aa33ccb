import { escapeHtml } from '../text/html.js';
import { SAFE_LINK } from './email.js';
import type { CalendarRequest, Notification } from './notification.js';

/**
 * The body of a review meeting's Outlook event, as HTML: what the meeting is, where, the targets
 * it reviews as a numbered list, and links to the case — in the Trellis tab (Teams, Outlook and
 * the Microsoft 365 app open it) and in a browser. Every word from people passes through
 * escapeHtml, once.
 */
export interface EventLinks {
  /** The Teams deep link to the case in the personal tab. */
  readonly tab?: string | undefined;
  /** The case's page in a browser. */
  readonly web?: string | undefined;
}

export function renderEventBody(notification: Notification, request: CalendarRequest, links: EventLinks = {}): string {
  const paragraphs = notification.lines.map((line) => `<p>${escapeHtml(line)}</p>`);
  const targets = request.targets ?? [];
  const list =
    targets.length > 0
      ? [
          '<p><strong>Targets to review</strong></p>',
          `<ol>${targets.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ol>`,
        ]
      : [];
  const anchors = [
    links.tab !== undefined && SAFE_LINK.test(links.tab)
      ? `<a href="${escapeHtml(links.tab)}">Open the case in Trellis</a>`
      : undefined,
    links.web !== undefined && SAFE_LINK.test(links.web)
      ? `<a href="${escapeHtml(links.web)}">${links.tab === undefined ? 'Open the case in Trellis' : 'in a browser'}</a>`
      : undefined,
  ].filter((a): a is string => a !== undefined);
  return [...paragraphs, ...list, ...(anchors.length > 0 ? [`<p>${anchors.join(' · ')}</p>`] : [])].join('\n');
}
