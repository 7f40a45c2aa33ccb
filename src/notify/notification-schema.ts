import { z } from 'zod';
import { localDateSchema } from '../domain/calendar/index.js';
import { NOTIFICATION_CHANNELS, NOTIFICATION_KINDS, type Notification } from './notification.js';

/**
 * The outbox keeps each notification as JSON in a list column a person can edit by hand in
 * Microsoft Lists. Reading one back goes through this schema, so a damaged row is a data
 * problem for that row (named by field) and never a crash of the whole sweep.
 */

const text = (max: number) => z.string().max(max);

const recipientSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('person'),
    role: text(60),
    personId: text(320),
    name: text(200),
    email: text(320).min(3),
  }),
  z.strictObject({ kind: z.literal('course_mailbox'), address: text(320).min(3) }),
  z.strictObject({ kind: z.literal('course_team_channel'), programme: text(200) }),
  z.strictObject({ kind: z.literal('office'), office: text(80), label: text(200), address: text(320).min(3) }),
]);

const calendarSchema = z.strictObject({
  action: z.enum(['upsert', 'cancel']),
  organizer: text(320).min(3),
  transactionId: text(200).min(1),
  date: localDateSchema,
  startTime: z.string().regex(/^\d{2}:\d{2}$/),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  reminderMinutesBeforeStart: z.number().int().min(0).max(40_320),
  attendees: z.array(text(320)).max(100),
  online: z.boolean(),
  location: text(300).optional(),
  targets: z.array(text(20_000)).max(50).optional(),
});

export const notificationSchema = z.strictObject({
  key: text(2000).min(1),
  caseId: text(80).min(1),
  reference: text(200),
  kind: z.enum(NOTIFICATION_KINDS),
  about: z.enum(NOTIFICATION_KINDS).optional(),
  channel: z.enum(NOTIFICATION_CHANNELS),
  recipient: recipientSchema,
  subject: text(1000),
  lines: z.array(text(20_000)).max(50),
  because: text(20_000).optional(),
  attachForm: z.boolean(),
  calendar: calendarSchema.optional(),
  caseVersion: z.number().int().min(1).optional(),
  passOnTo: z.array(text(200)).max(20).optional(),
});

/** Parses a stored payload; the message names the first bad field so a person can mend the row. */
export function parseNotificationPayload(
  payload: string,
): { readonly notification: Notification } | { readonly problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { problem: 'the Payload column is not valid JSON' };
  }
  const parsed = notificationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') ?? '';
    return {
      problem: `the Payload column is not a notification: ${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}`,
    };
  }
  const n = parsed.data;
  // JSON has no `undefined`: optional fields come back absent and are made explicit again.
  return { notification: { ...n, about: n.about, because: n.because, calendar: n.calendar } };
}

/** The recipient as a person reads it in the failed-notifications list. */
export function recipientText(notification: Notification): string {
  const r = notification.recipient;
  switch (r.kind) {
    case 'person':
      return `${r.name} <${r.email}>`;
    case 'course_mailbox':
      return `Course mailbox <${r.address}>`;
    case 'course_team_channel':
      return `Course team channel (${r.programme})`;
    case 'office':
      return `${r.label} <${r.address}>`;
  }
}
