import type { Person, Placement } from '../domain/case/types.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { recipientToken, type Notification, type NotificationRecipient } from './notification.js';
import type { NotifyConfig } from './plan.js';
import { officeAddressFor, personRecipient } from './recipients.js';

/**
 * A procedure's "all correspondence copied to …" (`copyAllCorrespondenceTo`), pure: for every
 * distinct message a batch sends a person or an office (an email, a 1:1 card, a reminder), one
 * email copy to each copy recipient who was not sent that message directly. A copy says whom
 * the message went to and carries its words, which were written for a reader of the same view
 * or a narrower one (the trainee's words hide more than staff see). A copy recipient with no
 * address is not dropped: the course mailbox gets the copy with a sentence asking the course
 * team to pass it on. Keys derive from the copied message's key, so a re-plan sends nothing twice.
 */
export interface CopyContext {
  readonly procedure: Procedure;
  readonly people: readonly Person[];
  readonly placement: Placement | undefined;
  readonly config: NotifyConfig;
}

type Target =
  | { readonly kind: 'address'; readonly recipient: NotificationRecipient }
  | { readonly kind: 'pass_on'; readonly label: string };

export function withCorrespondenceCopies(ctx: CopyContext, notifications: readonly Notification[]): Notification[] {
  const rule = ctx.procedure.copyAllCorrespondenceTo;
  if (!rule) return [...notifications];
  const targets = rule.to.flatMap((recipient): Target[] => {
    switch (recipient.kind) {
      case 'role':
      case 'role_if_absent': {
        const holders = ctx.people.filter((p) => p.role === recipient.role);
        if (holders.length > 0) return holders.map((p) => ({ kind: 'address', recipient: personRecipient(p) }));
        if (recipient.kind === 'role' && recipient.otherwise) return [officeTarget(ctx, recipient.otherwise)];
        return [];
      }
      case 'office':
        return [officeTarget(ctx, recipient)];
      case 'course_mailbox':
        return [{ kind: 'address', recipient: { kind: 'course_mailbox', address: ctx.config.courseMailbox } }];
      case 'course_team_channel':
        return [];
    }
  });
  const out = [...notifications];
  const keys = new Set(out.map((n) => n.key));
  for (const message of distinctMessages(notifications)) {
    const first = message[0];
    if (!first) continue;
    const sentTo = new Set(message.map((n) => recipientToken(n.recipient)));
    // Sent the same kind of message about the same event directly (the Director's own lifecycle email): no copy.
    const alreadyDirect = (token: string): boolean =>
      notifications.some(
        (n) =>
          recipientToken(n.recipient) === token &&
          n.caseId === first.caseId &&
          n.caseVersion === first.caseVersion &&
          n.kind === first.kind &&
          n.about === first.about,
      );
    const to = [...new Set(message.map((n) => describe(ctx, n.recipient)))].join(', ');
    for (const target of targets) {
      const recipient: NotificationRecipient =
        target.kind === 'address' ? target.recipient : { kind: 'course_mailbox', address: ctx.config.courseMailbox };
      const token = recipientToken(recipient);
      if (target.kind === 'address' && (sentTo.has(token) || alreadyDirect(token))) continue;
      const key = `${first.key}:copy:${target.kind === 'address' ? token : `pass-on:${target.label.toLowerCase()}`}`;
      if (keys.has(key)) continue;
      keys.add(key);
      out.push({
        key,
        caseId: first.caseId,
        reference: first.reference,
        kind: first.kind,
        about: first.about,
        channel: 'email',
        recipient,
        subject: `Copy: ${first.subject}`,
        lines: [`A copy of what Trellis sent to ${to}:`, ...first.lines],
        because: rule.note,
        attachForm: false,
        calendar: undefined,
        ...(first.caseVersion !== undefined ? { caseVersion: first.caseVersion } : {}),
        ...(target.kind === 'pass_on' ? { passOnTo: [target.label] } : {}),
      });
    }
  }
  return out;
}

function officeTarget(ctx: CopyContext, office: { readonly office: string; readonly label: string }): Target {
  const address = officeAddressFor(office.office, ctx.placement, ctx.config);
  return address === undefined
    ? { kind: 'pass_on', label: office.label }
    : { kind: 'address', recipient: { kind: 'office', office: office.office, label: office.label, address } };
}

/** Messages to people and offices, grouped by what they say: the same words to five people are one message. */
function distinctMessages(notifications: readonly Notification[]): Notification[][] {
  const groups = new Map<string, Notification[]>();
  for (const n of notifications) {
    if (n.recipient.kind !== 'person' && n.recipient.kind !== 'office') continue;
    if (n.channel === 'calendar') continue;
    const id = JSON.stringify([n.caseId, n.caseVersion ?? null, n.kind, n.about ?? null, n.subject, n.lines]);
    const group = groups.get(id);
    if (group) group.push(n);
    else groups.set(id, [n]);
  }
  return [...groups.values()];
}

function describe(ctx: CopyContext, recipient: NotificationRecipient): string {
  switch (recipient.kind) {
    case 'person': {
      const role = ctx.procedure.roles.find((r) => r.id === recipient.role)?.label ?? recipient.role;
      return `${recipient.name} (${role})`;
    }
    case 'office':
      return recipient.label;
    case 'course_mailbox':
      return 'the course mailbox';
    case 'course_team_channel':
      return 'the course team';
  }
}
