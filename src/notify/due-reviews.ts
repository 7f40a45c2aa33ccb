import {
  formatLongDate,
  isAfter,
  isBefore,
  workingDaysBetween,
  type LocalDate,
  type WorkingCalendar,
} from '../domain/calendar/index.js';
import type { Person } from '../domain/case/types.js';
import type { Notification, NotificationKind } from './notification.js';
import { personRecipient } from './plan.js';

/**
 * The review-due half of the sweep, pure: which review cards are owed today. Each phase of a
 * review (coming up, due today, overdue, escalated) has a key made of the case, the review date
 * and the stage, so however often the sweep runs it is sent once; a moved date is a new review.
 *
 * Reminder emails are keyed by what changed for the reviewer rather than by phase: the review
 * is due (coming up, or due today when the sweep first sees it then) and the review is overdue
 * (overdue, or escalated when first seen then). "Due today" after "coming up", and the escalation
 * after "overdue" (which goes to the course team), tell a reviewer nothing new, so their emails
 * share the earlier key and the outbox sends them once: at most two reminder emails a review.
 * Teams cards still follow every phase, since each updates the card in the reviewer's chat.
 */

/** What the sweep reads about an open case: one indexed query's worth of columns. */
export interface CaseSummary {
  readonly caseId: string;
  readonly reference: string;
  readonly stageId: string;
  readonly stageTitle: string;
  readonly programme: string;
  /** Only for an agreed plan awaiting review on a running clock (`nextReviewDate`). */
  readonly reviewDate: LocalDate;
  readonly people: readonly Person[];
}

export interface DueReviewConfig {
  readonly cases: readonly CaseSummary[];
  readonly today: LocalDate;
  readonly calendar: WorkingCalendar;
  /** "Review coming up" this many working days ahead. */
  readonly leadWorkingDays: number;
  /** Overdue by this many working days → escalation to the channel and the course leader. */
  readonly escalateAfterWorkingDays: number;
  /** Roles who get the review card 1:1. */
  readonly reviewerRoles?: readonly string[];
  readonly courseLeaderRoles?: readonly string[];
}

export const DEFAULT_REVIEWER_ROLES = [
  'mentor',
  'tutor',
  'partnership_tutor',
  'course_tutor',
  'professional_mentor',
] as const;
export const DEFAULT_COURSE_LEADER_ROLES = ['course_leader', 'lead', 'director'] as const;

export function planDueReviews(config: DueReviewConfig): Notification[] {
  const out: Notification[] = [];
  for (const summary of config.cases) {
    const phase = phaseOf(summary.reviewDate, config);
    if (!phase) continue;
    const base = `${summary.caseId}:review:${summary.reviewDate}:${summary.stageId}`;
    const reviewerRoles: readonly string[] = config.reviewerRoles ?? DEFAULT_REVIEWER_ROLES;
    // One person holding two reviewer roles (mentor and professional mentor) is reminded once.
    const reviewers = uniqueByEmail(summary.people.filter((p) => reviewerRoles.includes(p.role)));
    for (const person of reviewers) {
      out.push(card(summary, phase, `${base}:${phase}:${person.email.toLowerCase()}`, person));
      // The Outlook reminder: an email carrying the review card (an actionable message where the
      // provider registered one), so a reviewer can record the review from their inbox.
      out.push({
        ...common(summary, phase),
        key: `${base}:email:${REMINDER_OF[phase]}:${person.email.toLowerCase()}`,
        channel: 'email',
        recipient: personRecipient(person),
      });
    }
    if (phase === 'review_escalation') {
      out.push({
        ...common(summary, phase),
        key: `${base}:${phase}:channel`,
        channel: 'channel_card',
        recipient: { kind: 'course_team_channel', programme: summary.programme },
      });
      const leaders = summary.people.filter((p) =>
        (config.courseLeaderRoles ?? DEFAULT_COURSE_LEADER_ROLES).includes(p.role),
      );
      for (const person of leaders)
        out.push(card(summary, phase, `${base}:${phase}:${person.email.toLowerCase()}`, person));
    }
  }
  return out;
}

type Phase = Extract<
  NotificationKind,
  'review_coming_up' | 'review_due_today' | 'review_overdue' | 'review_escalation'
>;

/** The change a reviewer's reminder email is about: the review is due, or it is overdue. */
const REMINDER_OF: Readonly<Record<Phase, 'due' | 'overdue'>> = {
  review_coming_up: 'due',
  review_due_today: 'due',
  review_overdue: 'overdue',
  review_escalation: 'overdue',
};

function uniqueByEmail(people: readonly Person[]): Person[] {
  const seen = new Set<string>();
  return people.filter((p) => {
    const email = p.email.toLowerCase();
    if (seen.has(email)) return false;
    seen.add(email);
    return true;
  });
}

function phaseOf(reviewDate: LocalDate, config: DueReviewConfig): Phase | undefined {
  const { today, calendar } = config;
  if (isBefore(today, reviewDate)) {
    return workingDaysBetween(calendar, today, reviewDate) <= config.leadWorkingDays ? 'review_coming_up' : undefined;
  }
  if (!isAfter(today, reviewDate)) return 'review_due_today';
  return workingDaysBetween(calendar, reviewDate, today) >= config.escalateAfterWorkingDays
    ? 'review_escalation'
    : 'review_overdue';
}

function card(summary: CaseSummary, phase: Phase, key: string, person: Person): Notification {
  return { ...common(summary, phase), key, channel: 'chat_card', recipient: personRecipient(person) };
}

function common(summary: CaseSummary, phase: Phase): Omit<Notification, 'key' | 'channel' | 'recipient'> {
  const on = formatLongDate(summary.reviewDate);
  const words: Record<Phase, string> = {
    review_coming_up: `The review for ${summary.reference} (${summary.stageTitle}) is coming up on ${on}.`,
    review_due_today: `The review for ${summary.reference} (${summary.stageTitle}) is due today.`,
    review_overdue: `The review for ${summary.reference} (${summary.stageTitle}) was due on ${on} and has not been recorded.`,
    review_escalation: `The review for ${summary.reference} (${summary.stageTitle}) was due on ${on} and is still not recorded: the course team is asked to follow it up.`,
  };
  return {
    caseId: summary.caseId,
    reference: summary.reference,
    kind: phase,
    about: undefined,
    subject: `${summary.reference}: review ${phase === 'review_coming_up' ? 'coming up' : phase === 'review_due_today' ? 'due today' : 'overdue'}`,
    lines: [words[phase]],
    because: undefined,
    attachForm: false,
    calendar: undefined,
  };
}
