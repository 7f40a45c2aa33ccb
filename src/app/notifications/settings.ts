import type { Procedure } from '../../domain/procedure/schema.js';
import type { NotifyConfig } from '../../notify/plan.js';

/**
 * Notification settings (read from the environment by src/compose/notify-config.ts):
 *   TRELLIS_MAIL_FROM            the mailbox Trellis sends email from (Mail.Send for that mailbox)
 *   TRELLIS_COURSE_MAILBOXES     each provider's course mailbox, "providerId=address;…" (e.g. "bcu=ite.course@bcu.ac.uk")
 *   TRELLIS_COURSE_MAILBOX       the course mailbox for providers not named above
 *   TRELLIS_OFFICE_MAILBOXES     mailboxes of the offices a provider's procedure names, "providerId:office=address;…"
 *                                (e.g. "mid_essex_itt:director=director@mid-essex.example"); the office `school` is
 *                                each case's placement school, sent to the placement's school contact email first
 *   TRELLIS_SWEEP_AT             when the review sweep runs on working days, Europe/London "HH:MM" (default 07:30)
 *   TRELLIS_REVIEW_LEAD_DAYS     "review coming up" this many working days ahead (default 2)
 *   TRELLIS_ESCALATE_AFTER_DAYS  overdue this many working days → escalation (default 3)
 *   TRELLIS_JOB_KEY              lets an external scheduler call POST /api/jobs/review-sweep with X-Trellis-Job-Key (tenant mode; 32+ characters)
 *   TRELLIS_OUTLOOK_ORIGINATOR   the provider id the Actionable Email Developer Dashboard gave the bot's Outlook channel
 *                                registration (a GUID): review reminders become Outlook actionable messages. Without it
 *                                they are plain HTML emails, since Outlook drops a card whose originator is not registered.
 * Local mode uses demo addresses on example domains, so nothing leaves the machine.
 */

export interface NotifySettings {
  readonly mailFrom: string | undefined;
  readonly courseMailboxes: Readonly<Record<string, string>>;
  readonly defaultCourseMailbox: string | undefined;
  /** Per provider id, per office id: its mailbox. */
  readonly officeMailboxes: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly sweepAt: { readonly hour: number; readonly minute: number };
  readonly leadWorkingDays: number;
  readonly escalateAfterWorkingDays: number;
  readonly jobKey: string | undefined;
  /** The registered actionable-message originator (provider id) cards in emails and Outlook answers carry. */
  readonly outlookOriginator: string | undefined;
}

export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = {
  mailFrom: undefined,
  courseMailboxes: {},
  defaultCourseMailbox: undefined,
  officeMailboxes: {},
  sweepAt: { hour: 7, minute: 30 },
  leadWorkingDays: 2,
  escalateAfterWorkingDays: 3,
  jobKey: undefined,
  outlookOriginator: undefined,
};

/**
 * The planning config for one procedure's provider. With no course mailbox configured the copy
 * goes to TRELLIS_MAIL_FROM; with neither, to an `.invalid` address whose send fails and shows in
 * the course team's failed list, so a missing setting is never silent.
 */
export function notifyConfigFor(settings: NotifySettings, procedure: Procedure): NotifyConfig {
  const courseMailbox =
    settings.courseMailboxes[procedure.provider.id] ??
    settings.defaultCourseMailbox ??
    settings.mailFrom ??
    `course.team@${procedure.provider.id.replace(/_/g, '-')}.invalid`;
  return { courseMailbox, officeMailboxes: settings.officeMailboxes[procedure.provider.id] ?? {} };
}

/** An office a procedure names, and whether Trellis has somewhere to send it. */
export interface NamedOffice {
  readonly procedureId: string;
  readonly providerId: string;
  readonly office: string;
  readonly label: string;
  /** `configured`: a mailbox is set; `placement`: each case's school contact email (else passed on); `none`: always passed on. */
  readonly address: 'configured' | 'placement' | 'none';
}

/**
 * Every office the procedures name (in their "who is informed" rules, and where a role nobody
 * holds falls back to an office) with where its copies go. At start the composition root logs
 * the ones with no address: their copies reach them only when the course team passes them on.
 */
export function namedOffices(settings: NotifySettings, procedures: readonly Procedure[]): NamedOffice[] {
  const out = new Map<string, NamedOffice>();
  for (const procedure of procedures) {
    const configured = settings.officeMailboxes[procedure.provider.id] ?? {};
    const rules = procedure.stages.flatMap((s) => s.inform);
    for (const recipient of rules.flatMap((r) => r.to)) {
      const named =
        recipient.kind === 'office'
          ? { office: recipient.office, label: recipient.label }
          : recipient.kind === 'role'
            ? recipient.otherwise
            : undefined;
      if (!named) continue;
      const address =
        configured[named.office] !== undefined ? 'configured' : named.office === 'school' ? 'placement' : 'none';
      out.set(`${procedure.id}:${named.office}`, {
        procedureId: procedure.id,
        providerId: procedure.provider.id,
        office: named.office,
        label: named.label,
        address,
      });
    }
  }
  return [...out.values()];
}
