import { z } from 'zod';
import { formatLongDate, type LocalDate } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  actorDisplayName,
  assertCourseTeam,
  assertOpen,
  EventBuilder,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { NOTICE_KINDS, type CaseState, type NoticeAcknowledgement, type NoticeKind } from '../types.js';

export const acknowledgeNoticeInputSchema = z.strictObject({ about: z.enum(NOTICE_KINDS) });
export type AcknowledgeNoticeInput = z.infer<typeof acknowledgeNoticeInputSchema>;

/** What one acknowledgement covers: the concern as raised, or one review date that passed. */
export interface NoticeSubject {
  readonly about: NoticeKind;
  readonly stageId: string;
  readonly reviewDate: LocalDate | undefined;
}

/**
 * The notice an acknowledgement would be about now, or why there is none. A concern is raised
 * once, at the stage the case was opened at; an overdue review is the agreed plan's review date
 * (so once the date moves, a new overdue review can be acknowledged again).
 */
export function noticeSubject(state: CaseState, about: NoticeKind): NoticeSubject | undefined {
  if (about === 'concern_raised')
    return { about, stageId: state.stageHistory[0]?.stageId ?? state.stageId, reviewDate: undefined };
  const reviewDate = state.status === 'active' && !state.paused ? state.plan?.content.reviewDate : undefined;
  return reviewDate === undefined ? undefined : { about, stageId: state.stageId, reviewDate };
}

/** The acknowledgement already on record for this notice, if anyone gave one. */
export function findAcknowledgement(state: CaseState, subject: NoticeSubject): NoticeAcknowledgement | undefined {
  return state.acknowledgements.find(
    (a) => a.about === subject.about && a.stageId === subject.stageId && a.reviewDate === subject.reviewDate,
  );
}

/**
 * The course team says it has a raised concern or an overdue review in hand. Only the first
 * acknowledgement of a notice is recorded; later ones are refused, naming who got there first.
 */
export function acknowledgeNotice(ctx: CommandContext, state: CaseState, input: AcknowledgeNoticeInput): CommandResult {
  // Who first: someone else learns nothing about the case's state from the answer.
  assertCourseTeam(ctx.actor, 'acknowledge this');
  assertOpen(state);
  const subject = noticeSubject(state, input.about);
  if (!subject) {
    throw new DomainError(
      'review_not_overdue',
      `Case ${state.reference} has no review running, so there is no overdue review to acknowledge.`,
    );
  }
  // A repeat is answered with who got there first before anything else about the notice.
  const existing = findAcknowledgement(state, subject);
  if (existing) {
    throw new DomainError(
      'already_acknowledged',
      `${existing.byName} already acknowledged this on ${formatLongDate(existing.on)}.`,
      {
        by: existing.by,
        byName: existing.byName,
        at: existing.at,
      },
    );
  }
  const today = todayOf(ctx);
  if (subject.reviewDate !== undefined && subject.reviewDate >= today) {
    throw new DomainError(
      'review_not_overdue',
      `The review is not overdue: it is due on ${formatLongDate(subject.reviewDate)}.`,
    );
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('notice_acknowledged', {
    about: subject.about,
    stageId: subject.stageId,
    ...(subject.reviewDate === undefined ? {} : { reviewDate: subject.reviewDate }),
    byName: actorDisplayName(ctx.actor),
  });
  return builder.result();
}
