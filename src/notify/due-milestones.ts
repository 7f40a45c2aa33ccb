import {
  formatLongDate,
  isAfter,
  isBefore,
  workingDaysBetween,
  type LocalDate,
  type WorkingCalendar,
} from '../domain/calendar/index.js';
import type { MilestoneStatus } from '../domain/case/queries.js';
import type { Person } from '../domain/case/types.js';
import { DEFAULT_REVIEWER_ROLES } from './due-reviews.js';
import type { Notification, NotificationKind } from './notification.js';
import { personRecipient } from './plan.js';

/**
 * The milestone half of the sweep, pure: deadlines inside a stage (RCTTP's Deferred Final
 * Assessment: "The trainee's Progress Review must be completed by the end of week 5", and each
 * week-by-week milestone) are reminded like reviews. A milestone is due at the end of its last
 * week; until it is recorded as done, the people who carry out the stage's review hear when it
 * is coming up, on the day and once overdue. Each phase has a key made of the case, the stage,
 * the day the stage's plan started, the milestone and its date, so however often the sweep runs
 * it is sent once; a plan rescheduled is a new one.
 */

export type MilestonePhase = Extract<
  NotificationKind,
  'milestone_coming_up' | 'milestone_due_today' | 'milestone_overdue'
>;

export interface MilestoneCase {
  readonly caseId: string;
  readonly reference: string;
  readonly stageId: string;
  readonly stageTitle: string;
  /** The day week 1 of the stage's plan began: part of every key. */
  readonly startsOn: LocalDate;
  readonly milestones: readonly MilestoneStatus[];
  readonly people: readonly Person[];
  /** Roles reminded: the stage review's reviewers, else the usual reviewer roles. */
  readonly reminded: readonly string[];
}

export interface DueMilestoneConfig {
  readonly cases: readonly MilestoneCase[];
  readonly today: LocalDate;
  readonly calendar: WorkingCalendar;
  /** "Coming up" this many working days before the milestone's last day. */
  readonly leadWorkingDays: number;
}

export function planDueMilestones(config: DueMilestoneConfig): Notification[] {
  const out: Notification[] = [];
  for (const summary of config.cases) {
    const roles: readonly string[] = summary.reminded.length > 0 ? summary.reminded : DEFAULT_REVIEWER_ROLES;
    const people = summary.people.filter((p) => roles.includes(p.role));
    for (const milestone of summary.milestones) {
      if (milestone.done !== undefined) continue;
      const phase = phaseOf(milestone.to, config);
      if (!phase) continue;
      const base = `${summary.caseId}:milestone:${summary.stageId}:${summary.startsOn}:${milestone.id}:${milestone.to}:${phase}`;
      for (const person of people) {
        for (const channel of ['chat_card', 'email'] as const) {
          out.push({
            ...common(summary, milestone, phase),
            key: `${base}:${channel === 'email' ? 'email:' : ''}${person.email.toLowerCase()}`,
            channel,
            recipient: personRecipient(person),
          });
        }
      }
    }
  }
  return out;
}

function phaseOf(due: LocalDate, config: DueMilestoneConfig): MilestonePhase | undefined {
  const { today, calendar } = config;
  if (isBefore(today, due)) {
    return workingDaysBetween(calendar, today, due) <= config.leadWorkingDays ? 'milestone_coming_up' : undefined;
  }
  return isAfter(today, due) ? 'milestone_overdue' : 'milestone_due_today';
}

function common(
  summary: MilestoneCase,
  milestone: MilestoneStatus,
  phase: MilestonePhase,
): Omit<Notification, 'key' | 'channel' | 'recipient'> {
  const by = formatLongDate(milestone.to);
  const what = milestone.deadline ? 'must be done by' : 'is planned to be done by';
  const words: Record<MilestonePhase, string> = {
    milestone_coming_up: `Coming up in ${summary.stageTitle} for ${summary.reference}: this ${what} ${by}.`,
    milestone_due_today: `Due today in ${summary.stageTitle} for ${summary.reference}: this ${what} today, ${by}.`,
    milestone_overdue: `Overdue in ${summary.stageTitle} for ${summary.reference}: this ${what} ${by} and has not been recorded as done.`,
  };
  return {
    caseId: summary.caseId,
    reference: summary.reference,
    kind: phase,
    about: undefined,
    subject: `${summary.reference}: ${phase === 'milestone_coming_up' ? 'coming up' : phase === 'milestone_due_today' ? 'due today' : 'overdue'} in ${summary.stageTitle}`,
    lines: [words[phase], milestone.label, 'Record it as done on the case page in Trellis once it has happened.'],
    because: undefined,
    attachForm: false,
    calendar: undefined,
  };
}
