import type { EmulatorInspection } from '../graph-emulator/index.js';
import { html, page } from '../../server/http/html.js';
import { actionableCardOf } from '../../notify/email.js';
import type { Persona } from './personas.js';

/** The dev pages of local mode: sign in as a demo person; see what Trellis "sent". All text escaped. */

/**
 * Where to go after signing in: only a path on this origin ("/cases/abc"), so a link cannot send
 * someone elsewhere after they sign in. Anything else (absolute, protocol-relative, backslashes,
 * control characters) is ignored and they land on the dashboard.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '/';
  let hasControl = false;
  for (let i = 0; i < value.length; i++)
    if (value.charCodeAt(i) < 0x20 || value.charCodeAt(i) === 0x7f) hasControl = true;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || hasControl) return '/';
  try {
    const resolved = new URL(value, 'http://trellis.invalid');
    if (resolved.origin !== 'http://trellis.invalid') return '/';
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return '/';
  }
}

export function signInPage(personas: readonly Persona[], today: string, returnTo = '/'): string {
  const providers = [...new Set(personas.map((p) => p.provider))];
  return page({
    title: 'Trellis — sign in as a demo person',
    scripts: ['/dev/assets/sign-in.js'],
    body: html`
<h1>Sign in as a demo person</h1>
<p class="banner">Local mode: nobody here is real, and no e-mail leaves this machine. Today is ${today} on the dev clock (POST /dev/clock to move it).</p>
<p id="status" class="muted" role="status" data-return-to="${returnTo}"></p>
${providers.map(
  (provider) => html`<h2>${provider}</h2>
<ul class="persona-list">
${personas
  .filter((p) => p.provider === provider)
  .map(
    (p) =>
      html`<li><strong>${p.name}</strong><br><span class="muted">${p.title}</span><br><small>${p.upn}</small><br><button type="button" data-upn="${p.upn}">Sign in</button></li>`,
  )}
</ul>`,
)}
<p><a href="/">Home</a> · <a href="/dev/outbox">Outbox</a> · <a href="/api/openapi.json">API description</a></p>`,
  });
}

export const SIGN_IN_JS = `
(function () {
  'use strict';
  var status = document.getElementById('status');
  document.querySelectorAll('button[data-upn]').forEach(function (button) {
    button.addEventListener('click', function () {
      status.textContent = 'Signing in…';
      fetch('/dev/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ upn: button.getAttribute('data-upn') }) })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (!body.token) { status.textContent = body.detail || 'Could not sign in.'; return; }
          localStorage.setItem('trellis.token', body.token);
          var to = status.getAttribute('data-return-to') || '/';
          location.href = to.charAt(0) === '/' && to.charAt(1) !== '/' && to.charAt(1) !== '\\\\' ? to : '/';
        })
        .catch(function () { status.textContent = 'Could not reach the server.'; });
    });
  });
})();
`;

/** An activity the bot sent through the dev connector (src/dev/local-mode/dev-connector.ts). */
export interface ChatActivity {
  readonly conversationId: string;
  readonly at: string;
  readonly activity: unknown;
}

/** The Adaptive Cards in an activity's attachments (anything else is shown as JSON). */
function cardsOf(activity: unknown): unknown[] {
  const attachments = (activity as { attachments?: unknown } | null)?.attachments;
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a: unknown) => {
    const { contentType, content } = (a ?? {}) as { contentType?: unknown; content?: unknown };
    return contentType === 'application/vnd.microsoft.card.adaptive' && typeof content === 'object' && content !== null
      ? [content]
      : [];
  });
}

/**
 * An Outlook actionable message's card, rendered as Outlook shows it in place of the body (its
 * buttons reach the bot only from Outlook); other mail clients show the body below it.
 */
function actionablePart(card: unknown) {
  if (typeof card !== 'object' || card === null) return '';
  const originator = (card as { originator?: unknown }).originator;
  return html`<p class="muted">Outlook actionable message (originator ${typeof originator === 'string' ? originator : 'none'}): Outlook shows this card in place of the body below, which other mail clients show.</p>
<div class="card-host actionable" data-card="${JSON.stringify(card)}"></div>
<details><summary>Card JSON</summary><pre>${JSON.stringify(card, null, 2)}</pre></details>`;
}

export function outboxPage(inspection: EmulatorInspection, chatActivities: readonly ChatActivity[] = []): string {
  return page({
    title: 'Trellis — outbox',
    scripts: ['/dev/assets/adaptivecards.js', '/dev/assets/outbox.js'],
    body: html`
<h1>Outbox</h1>
<p class="banner">Everything Trellis has sent through the local Graph emulator: e-mails as Outlook would show them, calendar events, and channel cards rendered with the Adaptive Cards library as Teams would.</p>
<h2>E-mails (${inspection.mails.length})</h2>
${inspection.mails.map(
  (mail) => html`<article>
<h3>${mail.subject}</h3>
<p class="muted">From ${mail.mailbox} to ${mail.toRecipients.join(', ')}${mail.ccRecipients.length > 0 ? html`; cc ${mail.ccRecipients.join(', ')}` : ''} — ${mail.sentDateTime}</p>
${actionablePart(mail.bodyContentType === 'html' ? actionableCardOf(mail.bodyContent) : undefined)}
${
  mail.bodyContentType === 'html'
    ? html`<iframe class="mail" sandbox="" referrerpolicy="no-referrer" title="${mail.subject}" srcdoc="${mail.bodyContent}"></iframe>`
    : html`<pre>${mail.bodyContent}</pre>`
}
${
  mail.attachments.length > 0
    ? html`<p>Attachments: ${mail.attachments.map((a, index) => html`<a href="/dev/outbox/mails/${encodeURIComponent(mail.id)}/attachments/${index}">${a.name}</a> (${Math.ceil(a.size / 1024)} KB) `)}</p>`
    : ''
}
</article>`,
)}
<h2>Calendar events (${inspection.events.length})</h2>
<table><thead><tr><th scope="col">Mailbox</th><th scope="col">Subject</th><th scope="col">Start</th><th scope="col">Attendees</th></tr></thead><tbody>
${inspection.events.map((e) => {
  const event = e.event as {
    subject?: string;
    start?: { dateTime?: string; timeZone?: string };
    attendees?: { emailAddress?: { address?: string } }[];
  };
  return html`<tr><td>${e.mailbox}</td><td>${event.subject ?? ''}</td><td>${event.start?.dateTime ?? ''} ${event.start?.timeZone ?? ''}</td><td>${(event.attendees ?? []).map((a) => a.emailAddress?.address ?? '').join(', ')}</td></tr>`;
})}
</tbody></table>
<h2>Channel posts (${inspection.channelMessages.length})</h2>
${inspection.channelMessages.map(
  (m) => html`<article><p class="muted">${m.createdDateTime} — channel ${m.channelId}</p>
${m.cards.length > 0 ? m.cards.map((card) => html`<div class="card-host" data-card="${JSON.stringify(card)}"></div>`) : html`<pre>${JSON.stringify(m.body, null, 2)}</pre>`}
<details><summary>Card JSON</summary><pre>${JSON.stringify(m.cards, null, 2)}</pre></details></article>`,
)}
<h2>Teams chat cards and bot messages (${chatActivities.length})</h2>
${chatActivities.map((a) => {
  const cards = cardsOf(a.activity);
  const text = (a.activity as { text?: unknown } | null)?.text;
  return html`<article><p class="muted">${a.at} — conversation ${a.conversationId}</p>
${cards.length > 0 ? cards.map((card) => html`<div class="card-host" data-card="${JSON.stringify(card)}"></div>`) : html`<pre>${typeof text === 'string' ? text : JSON.stringify(a.activity, null, 2)}</pre>`}
<details><summary>Activity JSON</summary><pre>${JSON.stringify(a.activity, null, 2)}</pre></details></article>`;
})}
<h2>App installs (${inspection.installs.length})</h2>
<ul>${inspection.installs.map((i) => html`<li>${i.userId} — ${i.installedDateTime}</li>`)}</ul>
<p><a href="/">Home</a> · <a href="/dev/sign-in">Sign in</a> · <a href="/dev/outbox?format=json">As JSON</a></p>`,
  });
}
