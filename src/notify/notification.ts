import type { LocalDate } from '../domain/calendar/index.js';

/**
 * A notification is plain data: what to send, to whom, over which channel, under one
 * deterministic idempotency key. Planning (plan.ts, due-reviews.ts) makes them; the sweep
 * (sweep.ts) claims each key in the outbox before a sender delivers it.
 */

export const NOTIFICATION_KINDS = [
  'case_opened',
  'plan_agreed',
  'review_recorded',
  'stage_changed',
  'decision_recorded',
  'case_closed',
  'placement_suspended',
  'signature_needed',
  'review_date_set',
  'review_date_moved',
  'review_cancelled',
  'trainee_informed',
  'review_coming_up',
  'review_due_today',
  'review_overdue',
  'review_escalation',
  'person_added',
  'person_removed',
  'placement_changed',
  'fee_waived',
  'appeal_lodged',
  'appeal_decided',
  'case_reopened',
  'milestone_coming_up',
  'milestone_due_today',
  'milestone_overdue',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_CHANNELS = ['email', 'channel_card', 'chat_card', 'calendar'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export type NotificationRecipient =
  | {
      readonly kind: 'person';
      readonly role: string;
      readonly personId: string;
      readonly name: string;
      readonly email: string;
    }
  | { readonly kind: 'course_mailbox'; readonly address: string }
  | { readonly kind: 'course_team_channel'; readonly programme: string }
  | { readonly kind: 'office'; readonly office: string; readonly label: string; readonly address: string };

export interface CalendarRequest {
  readonly action: 'upsert' | 'cancel';
  /** Mailbox whose calendar holds the event (the tutor-like role). */
  readonly organizer: string;
  /** Stable per plan version: a re-send or a move never makes a second event. */
  readonly transactionId: string;
  readonly date: LocalDate;
  /** Wall-clock time in Europe/London, "HH:MM". */
  readonly startTime: string;
  readonly durationMinutes: number;
  readonly reminderMinutesBeforeStart: number;
  readonly attendees: readonly string[];
  /** A Teams online meeting: the procedure calls for an online meeting, or it was scheduled online. */
  readonly online: boolean;
  /** Where a meeting in person is held (absent online or when nobody has said). */
  readonly location?: string | undefined;
  /** The targets the meeting reviews, in the plan's order (people's words: escaped where shown). */
  readonly targets?: readonly string[] | undefined;
}

export interface Notification {
  /** Deterministic: the same event planned twice gives the same key, so the outbox sends it once. */
  readonly key: string;
  readonly caseId: string;
  readonly reference: string;
  readonly kind: NotificationKind;
  /** For `trainee_informed` and card kinds: the case event this is about. */
  readonly about: NotificationKind | undefined;
  readonly channel: NotificationChannel;
  readonly recipient: NotificationRecipient;
  readonly subject: string;
  /** Plain-language paragraphs; the trainee's are written for the trainee. */
  readonly lines: readonly string[];
  /** The provider's own words that made this notification necessary. */
  readonly because: string | undefined;
  readonly attachForm: boolean;
  readonly calendar: CalendarRequest | undefined;
  /**
   * The case's version at the event that caused this notification (the event's seq): the form
   * attached and the card sent show the case as it was then. Absent on rows written before
   * notifications carried it, and on reminders, which show the case as it is.
   */
  readonly caseVersion?: number | undefined;
  /**
   * Recipients the procedure names for whom Trellis has no address ("The school"): the course
   * team's channel card and mailbox copy say, in words, to pass this on to them.
   */
  readonly passOnTo?: readonly string[] | undefined;
}

/**
 * The PDF a notification attaches: the fee letter for a fee waived (the course team's written
 * confirmation to the trainee), the case's form for everything else.
 */
export function attachmentOf(notification: Pick<Notification, 'kind' | 'about'>): 'fee_letter' | 'form' {
  return notification.kind === 'fee_waived' || notification.about === 'fee_waived' ? 'fee_letter' : 'form';
}

/** "Please pass this on to The school, with the form: Trellis has no address for them." */
export function passOnSentence(labels: readonly string[], withForm: boolean): string {
  const who = labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1) ?? ''}`;
  return `Please pass this on to ${who}${withForm ? ', with the form' : ''}: Trellis has no email address for ${labels.length === 1 ? 'them' : 'any of them'}, so it is up to the course team to tell them.`;
}

/** The recipient as one stable, lower-case token for keys and the outbox's Recipient column. */
export function recipientToken(recipient: NotificationRecipient): string {
  switch (recipient.kind) {
    case 'person':
      return `person:${recipient.email.toLowerCase()}`;
    case 'course_mailbox':
      return `mailbox:${recipient.address.toLowerCase()}`;
    case 'course_team_channel':
      return `channel:${recipient.programme.toLowerCase()}`;
    case 'office':
      return `office:${recipient.office}`;
  }
}
