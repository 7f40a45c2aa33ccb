import type { Procedure } from '../../domain/procedure/schema.js';
import type { NotifyConfig } from '../../notify/plan.js';

/**
 * Notification settings (read from the environment by src/compose/notify-config.ts):
 *   TRELLIS_MAIL_FROM            the mailbox Trellis sends email from (Mail.Send for that mailbox)
 *   TRELLIS_COURSE_MAILBOXES     each provider's course mailbox, "providerId=address;…" (e.g. "bcu=ite.course@bcu.ac.uk")
 *   TRELLIS_COURSE_MAILBOX       the course mailbox for providers not named above
 *   TRELLIS_SWEEP_AT             when the review sweep runs on working days, Europe/London "HH:MM" (default 07:30)
 *   TRELLIS_REVIEW_LEAD_DAYS     "review coming up" this many working days ahead (default 2)
 *   TRELLIS_ESCALATE_AFTER_DAYS  overdue this many working days → escalation (default 3)
 *   TRELLIS_JOB_KEY              lets an external scheduler call POST /api/jobs/review-sweep with X-Trellis-Job-Key (tenant mode; 32+ characters)
 * Local mode uses demo addresses on example domains, so nothing leaves the machine.
 */

export interface NotifySettings {
  readonly mailFrom: string | undefined;
  readonly courseMailboxes: Readonly<Record<string, string>>;
  readonly defaultCourseMailbox: string | undefined;
  readonly sweepAt: { readonly hour: number; readonly minute: number };
  readonly leadWorkingDays: number;
  readonly escalateAfterWorkingDays: number;
  readonly jobKey: string | undefined;
}

export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = {
  mailFrom: undefined,
  courseMailboxes: {},
  defaultCourseMailbox: undefined,
  sweepAt: { hour: 7, minute: 30 },
  leadWorkingDays: 2,
  escalateAfterWorkingDays: 3,
  jobKey: undefined,
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
  return { courseMailbox };
}
