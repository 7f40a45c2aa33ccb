import type { Procedure } from '../../domain/procedure/schema.js';
import type { NotifyConfig } from '../../notify/plan.js';

/**
 * Notification settings from the environment (read with the rest of the server config):
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

/** Local mode: every provider gets a demo course mailbox the dev outbox shows. */
export function localNotifySettings(procedures: readonly Procedure[]): NotifySettings {
  return {
    ...DEFAULT_NOTIFY_SETTINGS,
    mailFrom: 'trellis@trellis.example',
    courseMailboxes: Object.fromEntries(
      procedures.map((p) => [p.provider.id, `course.team@${p.provider.id.replace(/_/g, '-')}.example`]),
    ),
  };
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the variables above; each problem is one sentence naming the variable. */
export function notifySettingsFromEnv(env: Env, problems: string[]): NotifySettings {
  const value = (name: string): string => (env[name] ?? '').trim();
  const mailFrom = value('TRELLIS_MAIL_FROM');
  if (mailFrom !== '' && !EMAIL.test(mailFrom))
    problems.push(`TRELLIS_MAIL_FROM must be an email address, got "${mailFrom}"`);
  const courseMailboxes: Record<string, string> = {};
  for (const part of value('TRELLIS_COURSE_MAILBOXES')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [provider = '', address = ''] = part.split('=').map((p) => p.trim());
    if (provider === '' || !EMAIL.test(address))
      problems.push(`TRELLIS_COURSE_MAILBOXES entries look like "providerId=address", got "${part}"`);
    else courseMailboxes[provider] = address;
  }
  const fallback = value('TRELLIS_COURSE_MAILBOX');
  if (fallback !== '' && !EMAIL.test(fallback))
    problems.push(`TRELLIS_COURSE_MAILBOX must be an email address, got "${fallback}"`);
  const at = value('TRELLIS_SWEEP_AT') || '07:30';
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!match) problems.push(`TRELLIS_SWEEP_AT must be a 24-hour time like 07:30, got "${at}"`);
  const days = (name: string, fallbackDays: number): number => {
    const raw = value(name);
    if (raw === '') return fallbackDays;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 30) {
      problems.push(`${name} must be a whole number of working days from 0 to 30, got "${raw}"`);
      return fallbackDays;
    }
    return n;
  };
  const jobKey = value('TRELLIS_JOB_KEY');
  if (jobKey !== '' && jobKey.length < 32)
    problems.push('TRELLIS_JOB_KEY must be at least 32 characters (a random secret)');
  return {
    mailFrom: mailFrom === '' ? undefined : mailFrom,
    courseMailboxes,
    defaultCourseMailbox: fallback === '' ? undefined : fallback,
    sweepAt: match ? { hour: Number(match[1]), minute: Number(match[2]) } : DEFAULT_NOTIFY_SETTINGS.sweepAt,
    leadWorkingDays: days('TRELLIS_REVIEW_LEAD_DAYS', DEFAULT_NOTIFY_SETTINGS.leadWorkingDays),
    escalateAfterWorkingDays: days('TRELLIS_ESCALATE_AFTER_DAYS', DEFAULT_NOTIFY_SETTINGS.escalateAfterWorkingDays),
    jobKey: jobKey === '' ? undefined : jobKey,
  };
}

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
