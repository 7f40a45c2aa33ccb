import type { Procedure } from '../domain/procedure/schema.js';
import { DEFAULT_NOTIFY_SETTINGS, type NotifySettings } from '../app/notifications/settings.js';

/**
 * Notification settings from the environment: TRELLIS_MAIL_FROM, TRELLIS_COURSE_MAILBOXES
 * (`providerId=address;…`), TRELLIS_COURSE_MAILBOX, TRELLIS_OFFICE_MAILBOXES (`providerId:office=address;…`), TRELLIS_SWEEP_AT, TRELLIS_REVIEW_LEAD_DAYS,
 * TRELLIS_ESCALATE_AFTER_DAYS, TRELLIS_JOB_KEY, TRELLIS_OUTLOOK_ORIGINATOR; and local mode's demo settings.
 */

/**
 * Local mode's actionable-message originator: a fixed demo id, so the dev outbox shows review
 * reminders as the actionable messages a tenant with a registered originator sends. It is
 * registered nowhere; Outlook would drop a card carrying it.
 */
export const DEMO_OUTLOOK_ORIGINATOR = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

/** Local mode: every provider gets a demo course mailbox the dev outbox shows. */
export function localNotifySettings(procedures: readonly Procedure[]): NotifySettings {
  return {
    ...DEFAULT_NOTIFY_SETTINGS,
    outlookOriginator: DEMO_OUTLOOK_ORIGINATOR,
    mailFrom: 'trellis@trellis.example',
    courseMailboxes: Object.fromEntries(
      procedures.map((p) => [p.provider.id, `course.team@${p.provider.id.replace(/_/g, '-')}.example`]),
    ),
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
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
  const officeMailboxes: Record<string, Record<string, string>> = {};
  for (const part of value('TRELLIS_OFFICE_MAILBOXES')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([^:=\s]+)\s*:\s*([^:=\s]+)\s*=\s*(\S+)$/.exec(part);
    const [, provider = '', office = '', address = ''] = match ?? [];
    if (!match || !EMAIL.test(address))
      problems.push(`TRELLIS_OFFICE_MAILBOXES entries look like "providerId:office=address", got "${part}"`);
    else officeMailboxes[provider] = { ...officeMailboxes[provider], [office]: address };
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
  const originator = value('TRELLIS_OUTLOOK_ORIGINATOR');
  if (originator !== '' && !GUID.test(originator))
    problems.push(
      `TRELLIS_OUTLOOK_ORIGINATOR must be the provider id (a GUID) the Actionable Email Developer Dashboard shows, got "${originator}"`,
    );
  return {
    mailFrom: mailFrom === '' ? undefined : mailFrom,
    courseMailboxes,
    defaultCourseMailbox: fallback === '' ? undefined : fallback,
    officeMailboxes,
    sweepAt: match ? { hour: Number(match[1]), minute: Number(match[2]) } : DEFAULT_NOTIFY_SETTINGS.sweepAt,
    leadWorkingDays: days('TRELLIS_REVIEW_LEAD_DAYS', DEFAULT_NOTIFY_SETTINGS.leadWorkingDays),
    escalateAfterWorkingDays: days('TRELLIS_ESCALATE_AFTER_DAYS', DEFAULT_NOTIFY_SETTINGS.escalateAfterWorkingDays),
    jobKey: jobKey === '' ? undefined : jobKey,
    outlookOriginator: originator === '' || !GUID.test(originator) ? undefined : originator.toLowerCase(),
  };
}
