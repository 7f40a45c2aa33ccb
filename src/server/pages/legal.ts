import { html, page, type SafeHtml } from '../http/html.js';

/**
 * `/privacy` and `/terms`: the pages the app manifest links to (developer.privacyUrl and
 * developer.termsOfUseUrl), which Teams shows on the app's details and store listing. Plain
 * HTML, no script, readable without signing in. Each provider runs its own copy of Trellis in
 * its own tenant, so the provider is the one who runs it: the operator's name and contact, when
 * configured, are set in with every other value escaped like all server-rendered text.
 */
export interface Operator {
  /** Who runs this copy of Trellis (the provider), as on the app listing. */
  readonly name: string;
  /** Where to ask about it: an email address or a web address. */
  readonly contact?: string;
}

function runBy(operator: Operator | undefined): SafeHtml {
  return operator === undefined
    ? html`the teacher-training provider that runs this copy of Trellis`
    : html`<strong>${operator.name}</strong>, the teacher-training provider that runs this copy of Trellis`;
}

function contactLine(operator: Operator | undefined, topic: string): SafeHtml {
  const contact = operator?.contact?.trim();
  if (contact === undefined || contact === '')
    return html`<p>Questions about ${topic} go to your provider's course team or its data protection officer.</p>`;
  const href = /^https:\/\//i.test(contact)
    ? contact
    : /^[^\s@<>"']+@[^\s@<>"']+$/.test(contact)
      ? `mailto:${contact}`
      : undefined;
  return href === undefined
    ? html`<p>Questions about ${topic}: ${contact}.</p>`
    : html`<p>Questions about ${topic}: <a href="${href}">${contact}</a>.</p>`;
}

export function privacyPage(operator?: Operator): string {
  return page({
    title: 'Trellis: privacy',
    body: html`
<main>
<h1>Privacy</h1>
<p>Trellis runs trainee teachers' support procedures (support plans, targets, reviews and
sign-off) in Microsoft Teams and Outlook. It is run by ${runBy(operator)}, in that provider's own
Microsoft 365 tenant. The provider decides why and how the information is used and is its data
controller.</p>

<h2>What Trellis keeps</h2>
<ul>
<li>Support cases: the trainee, the placement and programme, the people named on the case (mentors,
tutors, the course team) with their names, email addresses and roles, the concerns, targets and
actions, review dates and records, the trainee's own perceptions, and typed signatures.</li>
<li>A trail of every change to a case: what was done, by whom and when.</li>
<li>Records of the notifications it sent: emails, Teams cards and calendar events.</li>
</ul>

<h2>Where it is kept</h2>
<p>In SharePoint lists on a site in the provider's Microsoft 365 tenant, read and written through
Microsoft Graph. The Trellis server keeps no database of its own: it holds short-lived copies in
memory while it works. Its operational logs (requests, errors, case references and the ids of who
acted) stay in the provider's own hosting.</p>

<h2>Who sees it</h2>
<p>The course team sees the cases of its programmes. Everyone else sees only the cases that name
them; a trainee sees their own case, without panel deliberations or review notes. Trellis sends
messages about a case only to the people the provider's procedure names and to the course team's
channel and mailbox.</p>

<h2>Signing in</h2>
<p>You sign in with your Microsoft 365 account (Microsoft Entra ID). Trellis reads your name, your
account id and the Trellis roles your organisation gave you. The tab keeps its sign-in in your
browser's session storage; Trellis sets no advertising or tracking cookies.</p>

<h2>Your rights</h2>
<p>Under UK data protection law you can ask the provider for a copy of what it holds about you and
to correct it. How long records are kept is set by the provider's retention policy.</p>
${contactLine(operator, 'privacy')}
<p class="muted"><a href="/terms">Terms of use</a></p>
</main>`,
  });
}

export function termsPage(operator?: Operator): string {
  return page({
    title: 'Trellis: terms of use',
    body: html`
<main>
<h1>Terms of use</h1>
<p>This copy of Trellis is run by ${runBy(operator)} for the people on its teacher-training
programmes: its course team, tutors, partner schools' mentors and its trainees.</p>
<ul>
<li>Use Trellis only for the support procedures of the programmes you work or train on, and only
with the account your organisation gave you.</li>
<li>The procedures are the provider's own. Trellis applies them as written; the provider's
published procedure documents remain the reference, and decisions stay with the people the
procedure names.</li>
<li>What you record (reviews, perceptions, signatures) becomes part of the case record, which the
provider keeps under its own policies. A typed signature records that you agreed to the form as
shown.</li>
<li>Do not try to see cases you are not named on, or to get round the checks on who may do what.</li>
<li>Trellis is provided as it is; the provider may change or withdraw it.</li>
</ul>
${contactLine(operator, 'these terms')}
<p class="muted"><a href="/privacy">Privacy</a></p>
</main>`,
  });
}
