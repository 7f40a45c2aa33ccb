import { formatLongDate, type LocalDate, type WorkingCalendar } from '../domain/calendar/index.js';
import { findOutcome, planRulesOf, roleLabel } from '../domain/case/command-kit.js';
import {
  outstandingSignatories,
  signingBlocker,
  suspenderOf,
  whoIsInformed,
  type ResolvedRecipient,
} from '../domain/case/queries.js';
import { applyEvent } from '../domain/case/apply-event.js';
import { withCorrespondenceCopies } from './copies.js';
import { officeAddressFor, personRecipient } from './recipients.js';
import type { CaseEvent, CaseEventOf } from '../domain/case/events.js';
import type { CaseState, Person, Plan } from '../domain/case/types.js';
import type { NotifyTrigger, Outcome, Procedure } from '../domain/procedure/schema.js';
import {
  recipientToken,
  type CalendarRequest,
  type Notification,
  type NotificationChannel,
  type NotificationKind,
  type NotificationRecipient,
} from './notification.js';

/**
 * Pure planning: from the events one command produced, the case before and after,
 * and the procedure's `inform` data, every notification the product owes. Nothing here reads
 * the clock or talks to Graph; the same input always gives the same notifications and keys.
 */

export interface NotifyConfig {
  /** The provider's course mailbox: the seeds' "a copy is sent to …@bcu.ac.uk". */
  readonly courseMailbox: string;
  /** Mailboxes of named offices ("the school", "Other relevant partnership staff"). */
  readonly officeMailboxes?: Readonly<Record<string, string>>;
  /** Whose calendar holds the review event: the first role on the case in this list. */
  readonly calendarOwnerRoles?: readonly string[];
  /** Review meetings are put in calendars at this London time. */
  readonly reviewMeeting?: {
    readonly startTime: string;
    readonly durationMinutes: number;
    readonly reminderMinutesBeforeStart: number;
  };
}

export const DEFAULT_CALENDAR_OWNER_ROLES = [
  'tutor',
  'partnership_tutor',
  'course_tutor',
  'lead',
  'professional_mentor',
] as const;
export const DEFAULT_REVIEW_MEETING = {
  startTime: '15:30',
  durationMinutes: 60,
  reminderMinutesBeforeStart: 1440,
} as const;
/** Roles invited to every review event besides its owner; the review's own reviewers, observers and meeting roles join them. */
const REVIEW_ATTENDEE_ROLES = ['mentor', 'trainee'] as const;

export interface PlanInput {
  readonly procedure: Procedure;
  readonly before: CaseState | undefined;
  readonly after: CaseState;
  /** The events the command produced, in order. */
  readonly events: readonly CaseEvent[];
  readonly config: NotifyConfig;
  /**
   * The day the command ran, and the provider's calendar: signature requests go out only when
   * signing would succeed that day (a review date that no longer fits holds them back). Passed in
   * by the caller, never read from the clock here.
   */
  readonly today: LocalDate;
  readonly calendar: WorkingCalendar;
}

/** Triggers that also post to the course team channel and email the course mailbox with the form. */
const COURSE_TEAM_COPY: ReadonlySet<NotificationKind> = new Set([
  'plan_agreed',
  'review_recorded',
  'stage_changed',
  'decision_recorded',
  'case_closed',
  'placement_suspended',
  'case_reopened',
]);

interface Draft {
  readonly kind: NotificationKind;
  readonly about: NotificationKind | undefined;
  readonly channel: NotificationChannel;
  readonly recipient: NotificationRecipient;
  readonly subject: string;
  readonly lines: readonly string[];
  readonly because: string | undefined;
  readonly attachForm: boolean;
  readonly calendar?: CalendarRequest;
  readonly passOnTo?: readonly string[];
}

/** A draft as the notification it becomes, under its key, on the case as of `caseVersion`. */
function notificationOf(
  draft: Draft,
  where: { readonly key: string; readonly caseId: string; readonly reference: string; readonly caseVersion: number },
): Notification {
  return {
    ...where,
    kind: draft.kind,
    about: draft.about,
    channel: draft.channel,
    recipient: draft.recipient,
    subject: draft.subject,
    lines: draft.lines,
    because: draft.because,
    attachForm: draft.attachForm,
    calendar: draft.calendar,
    ...(draft.passOnTo && draft.passOnTo.length > 0 ? { passOnTo: draft.passOnTo } : {}),
  };
}

export function planNotifications(input: PlanInput): Notification[] {
  return withCorrespondenceCopies(
    { procedure: input.procedure, people: input.after.people, placement: input.after.placement, config: input.config },
    planEach(input),
  );
}

function planEach(input: PlanInput): Notification[] {
  const out = new Map<string, Notification>();
  /** Who this command has asked to sign: one command asks each person once. */
  const askedToSign = new Set<string>();
  let state = input.before;
  for (const event of input.events) {
    // Each event's notifications describe the case as it was at that event: a plan agreed and
    // the next draft started in one command must not send the draft as "the agreed plan".
    state = stateAfter(state, event, input.after);
    for (const draft of draftsFor({ ...input, after: state }, event)) {
      // Several events of one command can each find someone newly due to sign (a placement move
      // bringing a mentor and a professional mentor is one person_changed each, and a saved edit
      // is signatures withdrawn then the plan edited): the first asks, the later ones do not.
      if (draft.kind === 'signature_needed') {
        const who = `${draft.channel}:${recipientToken(draft.recipient)}`;
        if (askedToSign.has(who)) continue;
        askedToSign.add(who);
      }
      const key = commandNotificationKey(event.caseId, event.seq, draft.kind, draft.channel, draft.recipient);
      const existing = out.get(key);
      // The same recipient named twice (an inform rule and the standard copy): one notification, the form attached if either asks.
      if (existing) {
        out.set(key, {
          ...existing,
          lines: [...new Set([...existing.lines, ...draft.lines])],
          attachForm: existing.attachForm || draft.attachForm,
          because: existing.because ?? draft.because,
          ...mergedPassOn(existing.passOnTo, draft.passOnTo),
        });
        continue;
      }
      out.set(
        key,
        notificationOf(draft, { key, caseId: event.caseId, reference: input.after.reference, caseVersion: event.seq }),
      );
    }
  }
  return [...out.values()];
}

/** The key of a notification a command's event owes: the case, the event, what, how and to whom. */
export function commandNotificationKey(
  caseId: string,
  seq: number,
  kind: NotificationKind,
  channel: NotificationChannel,
  recipient: NotificationRecipient,
): string {
  return `${caseId}:${seq}:${kind}:${channel}:${recipientToken(recipient)}`;
}

function mergedPassOn(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): { readonly passOnTo?: readonly string[] } {
  const all = [...new Set([...(a ?? []), ...(b ?? [])])];
  return all.length > 0 ? { passOnTo: all } : {};
}

/** The case once `event` is applied; the command's end state if the trail given does not fit (never a crash). */
function stateAfter(state: CaseState | undefined, event: CaseEvent, after: CaseState): CaseState {
  if (event.seq === after.version) return after;
  try {
    const next = applyEvent(state, event);
    // A case being opened is at no stage until its stage_entered: that is part of the opening.
    return next.stageId === '' ? after : next;
  } catch {
    return after;
  }
}

function draftsFor(input: PlanInput, event: CaseEvent): Draft[] {
  const { procedure, after } = input;
  switch (event.type) {
    case 'case_opened':
      return informed(input, 'case_opened', 'case_opened', after.stageId, {
        lines: [
          `A support case has been opened for ${traineeName(after)}.`,
          ...(after.linkedFrom === undefined
            ? []
            : [`It continues case ${after.linkedFrom.reference}, opened by the decision recorded there.`]),
        ],
      });
    case 'plan_agreed': {
      const plan = after.plan;
      if (!plan || plan.version !== event.data.version) return [];
      const asked = plan.rulesFrom.outcome;
      const title = planRulesOf(procedure, plan).title;
      const reviewOn = formatLongDate(event.data.reviewDate);
      return [
        ...informed(input, 'plan_agreed', 'plan_agreed', asked?.stageId ?? plan.stageId, {
          ...(asked ? { outcomeId: asked.outcomeId } : {}),
          presentRoles: plan.content.meeting.attendees,
          lines: [`The ${title} for ${traineeName(after)} has been signed and agreed.`, `Review date: ${reviewOn}.`],
        }),
        ...traineeTold(input, 'plan_agreed', `Your ${title} has been agreed`, [
          `Your ${title} has been signed by everyone and is now agreed.`,
          `You have ${plan.content.targets.length === 1 ? 'one target' : `${plan.content.targets.length} targets`} to work on. Everyone supporting you has actions too.`,
          `Your progress will be reviewed on ${reviewOn}.`,
          'What to do next: work on your targets and the actions agreed for you. The agreed form is attached.',
          ...(planRulesOf(procedure, plan).noticeToTrainee ? [planRulesOf(procedure, plan).noticeToTrainee ?? ''] : []),
        ]),
        ...reviewEvent(input, plan, event.data.reviewDate, 'review_date_set'),
      ];
    }
    case 'review_date_extended': {
      const plan = after.plan;
      if (!plan) return [];
      return [
        ...reviewEvent(input, plan, event.data.to, 'review_date_moved'),
        ...traineeTold(input, 'review_date_moved', 'Your review date has moved', [
          `Your review date has moved from ${formatLongDate(event.data.from)} to ${formatLongDate(event.data.to)}.`,
          `The reason given: ${event.data.reason}`,
        ]),
      ];
    }
    case 'case_resumed': {
      const plan = after.plan;
      if (!plan || event.data.reviewDate === undefined) return [];
      return reviewEvent(input, plan, event.data.reviewDate, 'review_date_moved');
    }
    case 'review_recorded': {
      const outcome = findOutcome(procedure, event.data.stageId, event.data.outcomeId);
      const label = outcome?.label ?? event.data.outcomeId;
      const stage = procedure.stages.find((s) => s.id === event.data.stageId);
      const reviewedOn = formatLongDate(event.data.reviewedOn);
      if (stage?.review?.kind === 'decision') {
        // A decision taken as a review (RCTTP's Executive Group): the decision, who took it, when, what next.
        const title = stage.review.title;
        const by = deciderOf(procedure, after, event.actorId, stage.review.reviewers);
        return [
          ...informed(input, 'review_recorded', 'review_recorded', event.data.stageId, {
            outcomeId: event.data.outcomeId,
            subject: `${after.reference}: ${title} (${stage.title})`,
            lines: [
              `The decision: ${label}`,
              `Decided by ${by} on ${reviewedOn}, for ${traineeName(after)}.`,
              ...(outcome ? [`What happens next: ${outcome.explanation}`] : []),
            ],
          }),
          ...traineeTold(input, 'review_recorded', `${after.reference}: ${title}`, [
            `The ${title} about your support was made on ${reviewedOn}.`,
            ...outcomeWords(procedure, outcome, label, event.data.nextSteps),
          ]),
        ];
      }
      return [
        ...informed(input, 'review_recorded', 'review_recorded', event.data.stageId, {
          outcomeId: event.data.outcomeId,
          lines: [
            `A review for ${traineeName(after)} was recorded on ${reviewedOn}.`,
            `Outcome: ${label}.`,
            ...(outcome ? [`What happens next: ${outcome.explanation}`] : []),
          ],
        }),
        ...traineeTold(
          input,
          'review_recorded',
          `${after.reference}: the outcome of your review`,
          outcomeWords(procedure, outcome, label, event.data.nextSteps),
        ),
      ];
    }
    case 'stage_entered': {
      // Opening is its own notification, and a plan agreed hands on to its review stage: both already say so.
      if (event.data.via === 'opened' || event.data.via === 'plan_agreed') return [];
      const title = stageTitle(procedure, event.data.stageId);
      return [
        ...informed(input, 'stage_entered', 'stage_changed', event.data.stageId, {
          lines: [`The case for ${traineeName(after)} has moved to ${title}.`],
        }),
        ...traineeTold(input, 'stage_changed', `Your support has moved to ${title}`, [
          `Your support case has moved to ${title}.`,
          'What happens next: the people supporting you will explain what this stage means for you and what you need to do.',
        ]),
      ];
    }
    case 'panel_met': {
      const decisionId = event.data.decisionId;
      if (decisionId === undefined) return [];
      const panel = procedure.panels.find((p) => p.id === event.data.panelId);
      const decision = panel?.decisions.find((d) => d.id === decisionId);
      const convened = after.panels.findLast((p) => p.panelId === event.data.panelId);
      const stageId = convened?.stageId ?? after.stageId;
      const label = decision?.label ?? decisionId;
      const panelTitle = panel?.title ?? 'The panel';
      const heldOn = formatLongDate(event.data.heldOn);
      const nameOf = (id: string | undefined): string | undefined =>
        id === undefined ? undefined : convened?.members.find((m) => m.id.toLowerCase() === id.toLowerCase())?.name;
      const chair = nameOf(event.data.chair ?? convened?.chair);
      const present = event.data.attendees.map((id) => nameOf(id) ?? id);
      return [
        ...informed(input, 'decision_recorded', 'decision_recorded', stageId, {
          outcomeId: decisionId,
          subject: `${after.reference}: ${panelTitle} decision (${stageTitle(procedure, stageId)})`,
          lines: [
            `The decision: ${label}`,
            `Decided by the ${panelTitle} on ${heldOn}${chair ? `, chaired by ${chair}` : ''}${present.length > 0 ? `, with ${present.join(', ')} present` : ''}.`,
            ...(decision ? [`What happens next: ${decision.explanation}`] : []),
            ...(event.data.rationale ? [`The panel's reasons: ${event.data.rationale}`] : []),
          ],
        }),
        // The trainee hears the decision, who made it and what happens next; the panel's
        // members and reasons are not in the trainee's view of the case.
        ...traineeTold(input, 'decision_recorded', `${after.reference}: the decision of the ${panelTitle}`, [
          `The ${panelTitle} met on ${heldOn} and made its decision about your support.`,
          `The decision: ${label}`,
          ...whatHappensToYou(procedure, decision),
          ...(decision?.traineeNotice ? [decision.traineeNotice] : []),
        ]),
      ];
    }
    case 'case_closed': {
      const stageId = input.before?.stageId ?? after.stageId;
      const plan = after.plan;
      const reviewDate = plan?.content.reviewDate;
      const cancelled =
        plan?.agreedOn !== undefined && reviewDate !== undefined
          ? reviewEvent(input, plan, reviewDate, 'review_cancelled')
          : [];
      // A case opened in error (a wrong trainee, a concern raised without standing) is closed
      // quietly: the course team's copy and the cancelled review meeting, and no email to a
      // trainee or anyone else who may never have been told of it.
      if (event.data.resolution === 'opened_in_error') {
        const lines = [
          `The case for ${traineeName(after)} was closed as opened in error.`,
          ...(event.data.reason ? [`Reason: ${event.data.reason}`] : []),
        ];
        return [
          ...courseTeamCopy(input, 'case_closed', `${after.reference}: closed as opened in error`, lines),
          ...cancelled,
        ];
      }
      return [
        ...informed(input, 'case_closed', 'case_closed', stageId, {
          ...(event.data.outcomeId ? { outcomeId: event.data.outcomeId } : {}),
          lines: [
            `The support case for ${traineeName(after)} is closed.`,
            ...(event.data.reason ? [`Reason: ${event.data.reason}`] : []),
          ],
        }),
        ...traineeTold(input, 'case_closed', 'Your support case is closed', [
          'Your support case is now closed.',
          ...(event.data.handOffTo ? [`It continues under: ${event.data.handOffTo}.`] : []),
        ]),
        ...cancelled,
      ];
    }
    case 'case_reopened':
      return caseReopened(input, event);
    case 'placement_suspended':
      return placementSuspended(input, event);
    case 'person_changed':
      return [...personChanged(input, event), ...signatureRequests(input), ...reviewEventFollows(input)];
    case 'placement_changed':
      // A placement that now runs past the review date can make the plan signable: ask then. When
      // people move with the placement, their person_changed events in the same command ask instead.
      return [
        ...placementChanged(input, event),
        ...(input.events.some((e) => e.type === 'person_changed') ? [] : signatureRequests(input)),
      ];
    case 'review_meeting_scheduled': {
      const plan = after.plan;
      const date = plan?.content.reviewDate;
      if (!plan || plan.version !== event.data.version || date === undefined) return [];
      return reviewEvent(input, plan, date, 'review_date_moved');
    }
    case 'meeting_recorded':
      // A plan meeting feeds who was present into the plan's own notices when it is agreed.
      return [];
    case 'fee_waived':
      return feeWaived(input, event);
    case 'appeal_lodged':
    case 'appeal_decided':
      return appealNotices(input, event);
    case 'linked_case_decided':
      // The decision's own notices say what happens next; the new case tells its people as it opens.
      return [];
    case 'plan_started':
    case 'plan_edited':
    case 'plan_signed':
    case 'signatures_withdrawn':
      return signatureRequests(input);
    case 'trainee_perceptions_recorded':
    case 'case_escalated':
    case 'case_paused':
    case 'panel_convened':
    case 'task_completed':
    case 'milestone_done':
    case 'stage_start_set':
    case 'notice_acknowledged':
    case 'procedure_version_changed':
    case 'text_corrected':
      // A correction tells nobody: it changes what is shown, and an email would repeat the wording.
      // A move to another version of the procedure is on the case for the course team to see.
      return [];
  }
}

interface InformOptions {
  readonly outcomeId?: string;
  /** Replaces the standard "REF: decision recorded (stage)" subject. */
  readonly subject?: string;
  readonly presentRoles?: readonly string[];
  readonly lines: readonly string[];
}

/**
 * The procedure's own "who is informed" rules for a trigger, plus the course team's copy
 * (channel card + course mailbox with the form) for the lifecycle events every procedure reports
 */
function informed(
  input: PlanInput,
  trigger: NotifyTrigger,
  kind: NotificationKind,
  stageId: string,
  options: InformOptions,
): Draft[] {
  const { procedure, after, config } = input;
  const subject = options.subject ?? `${after.reference}: ${subjectOf(kind, stageTitle(procedure, stageId))}`;
  const drafts: Draft[] = [];
  const decisions = whoIsInformed(procedure, after, stageId, trigger, {
    ...(options.outcomeId !== undefined ? { outcomeId: options.outcomeId } : {}),
    ...(options.presentRoles !== undefined ? { presentRoles: options.presentRoles } : {}),
  });
  const unaddressed: string[] = [];
  let formForUnaddressed = false;
  for (const decision of decisions) {
    for (const resolved of decision.recipients) {
      if (resolved.kind === 'office' && officeAddress(resolved.office, after, config) === undefined) {
        unaddressed.push(resolved.label);
        formForUnaddressed ||= decision.rule.attachForm;
        continue;
      }
      const draft = draftFor(resolved, {
        kind,
        subject,
        lines: options.lines,
        because: decision.rule.note,
        attachForm: decision.rule.attachForm,
        after,
        config,
        procedure,
      });
      if (draft) drafts.push(draft);
    }
  }
  drafts.push(...courseTeamCopy(input, kind, subject, options.lines, [...new Set(unaddressed)], formForUnaddressed));
  return drafts;
}

/**
 * The course team's copy of a lifecycle notice: a card in their channel and the course mailbox,
 * with the form. Where a recipient the procedure names has no address (`passOnTo`), the copy is
 * made for any event and both say, in words, whom to pass it on to: nothing planned is dropped.
 */
function courseTeamCopy(
  input: PlanInput,
  kind: NotificationKind,
  subject: string,
  lines: readonly string[],
  passOnTo: readonly string[] = [],
  withForm = false,
): Draft[] {
  if (!COURSE_TEAM_COPY.has(kind) && passOnTo.length === 0) return [];
  const passOn = passOnTo.length > 0 ? { passOnTo } : {};
  return [
    {
      kind,
      about: kind,
      channel: 'channel_card',
      recipient: { kind: 'course_team_channel', programme: input.after.placement.programme },
      subject,
      lines,
      because: undefined,
      attachForm: false,
      ...passOn,
    },
    {
      kind,
      about: kind,
      channel: 'email',
      recipient: { kind: 'course_mailbox', address: input.config.courseMailbox },
      subject,
      lines,
      because: undefined,
      attachForm: COURSE_TEAM_COPY.has(kind) || withForm,
      ...passOn,
    },
  ];
}

/**
 * Where an office a procedure names is sent to: the school of the case's placement at the
 * placement's school contact address, else the provider's configured mailbox for the office.
 */
export function officeAddress(office: string, state: CaseState, config: NotifyConfig): string | undefined {
  return officeAddressFor(office, state.placement, config);
}

/**
 * Enhanced Support step 5: "The placement may be suspended immediately in order to avoid
 * negative impact on pupils' progress." No procedure says who is told, and it changes the
 * week of everyone on the case from that day, so each of them hears at once, by email and a
 * 1:1 card: the staff in the course team's words, the trainee in their own (traineeTold),
 * with nothing the trainee view hides. The course team gets its usual copy.
 */
function placementSuspended(input: PlanInput, event: CaseEventOf<'placement_suspended'>): Draft[] {
  const { procedure, after } = input;
  const kind = 'placement_suspended';
  const stage = stageTitle(procedure, after.stageId);
  const subject = `${after.reference}: ${subjectOf(kind, stage)}`;
  const by = suspendedBy(procedure, after, { by: event.actorId, byName: event.data.byName });
  const from = formatLongDate(event.on);
  const trainee = traineeName(after);
  const school = after.placement.school;
  const staffLines = [
    `The placement of ${trainee} at ${school} is suspended from ${from}, at ${stage} of the ${procedure.name}.`,
    `Suspended by ${by}.`,
    `The reason given: ${event.data.reason}`,
    `${trainee} does not teach on this placement while it is suspended.`,
    'What happens next: the course team will be in touch with everyone on the case about the next steps.',
  ];
  const staff = after.people
    .filter((person) => !isTrainee(procedure, person))
    .flatMap((person) => emailAndCard(kind, person, subject, staffLines));
  const contact = calendarOwner(procedure, after, input.config);
  const traineeLines = [
    `Your placement at ${school} is suspended from ${from}. This means you will not teach on this placement for now.`,
    `The decision was made by ${by}. The reason given: ${event.data.reason}`,
    'We know this may be hard to hear. Your course team will be in touch soon to talk it through with you, to explain what happens next and the support available to you.',
    contact
      ? `If you have questions before then, you can contact ${contact.name} (${roleLabel(procedure, contact.role)}).`
      : '',
  ];
  return [
    ...staff,
    ...traineeTold(input, kind, 'Your placement has been suspended', traineeLines, ['email', 'chat_card']),
    ...courseTeamCopy(input, kind, subject, staffLines),
  ];
}

/**
 * The course team reopened a case closed by mistake. Everyone on the case hears, as they heard
 * of the closing: staff by email and a 1:1 card, the trainee in their own words, the course team
 * its usual copy. Where an agreed plan's review is owed again, the review meeting goes back into
 * the calendars (the closing had cancelled it) unless its date has passed.
 */
function caseReopened(input: PlanInput, event: CaseEventOf<'case_reopened'>): Draft[] {
  const { procedure, after } = input;
  const kind = 'case_reopened';
  const stage = stageTitle(procedure, after.stageId);
  const subject = `${after.reference}: ${subjectOf(kind, stage)}`;
  const trainee = traineeName(after);
  const closedOn = formatLongDate(event.data.closedOn);
  const setAside = event.data.setAsideReviewId !== undefined;
  const staffLines = [
    `The support case for ${trainee}, closed on ${closedOn}, has been reopened at ${stage} of the ${procedure.name}.`,
    ...(setAside ? ['The review whose outcome closed it is set aside: it is to be recorded again.'] : []),
    `Reopened by ${event.data.byName}. The reason given: ${event.data.reason}`,
  ];
  const staff = after.people
    .filter((person) => !isTrainee(procedure, person))
    .flatMap((person) => emailAndCard(kind, person, subject, staffLines));
  const plan = after.plan;
  const date = plan?.content.reviewDate;
  const calendar =
    plan?.agreedOn !== undefined && date !== undefined && date >= event.on && after.status === 'active'
      ? reviewEvent(input, plan, date, 'review_date_moved')
      : [];
  return [
    ...staff,
    ...traineeTold(input, kind, 'Your support case has been reopened', [
      `Your support case, closed on ${closedOn}, has been reopened: it was closed by mistake.`,
      `The reason given: ${event.data.reason}`,
      ...(setAside
        ? ['The outcome of your last review has been set aside, and the review will be recorded again.']
        : []),
    ]),
    ...courseTeamCopy(input, kind, subject, staffLines),
    ...calendar,
  ];
}

/**
 * Someone joins or leaves a role on the case. The newcomer hears by email and a 1:1 card (the
 * case is theirs to see from now on); whoever leaves hears by email only, since the case is no
 * longer theirs to open; the trainee is told who supports them now. The plan's outstanding
 * signatures and the review meeting follow in the same command (signatureRequests, reviewEventFollows).
 */
function personChanged(input: PlanInput, event: CaseEventOf<'person_changed'>): Draft[] {
  const { procedure, after } = input;
  const { added, removed } = event.data;
  const role = roleLabel(procedure, event.data.role);
  const stage = stageTitle(procedure, after.stageId);
  const trainee = traineeName(after);
  const from = formatLongDate(event.data.effectiveOn);
  const drafts: Draft[] = [];
  if (added && !isTrainee(procedure, added)) {
    const kind = 'person_added';
    const lines = [
      `You are now the ${role} on the support case for ${trainee} (${after.reference}), from ${from}.`,
      ...(removed ? [`You take over from ${removed.name}.`] : []),
      `The case is at ${stage} of the ${procedure.name}. Open it in Trellis to see the plan, its targets and what happens next.`,
      `Added by ${event.data.byName}. The reason given: ${event.data.reason}`,
    ];
    drafts.push(...emailAndCard(kind, added, `${after.reference}: ${subjectOf(kind, stage)}`, lines));
  }
  if (removed && !isTrainee(procedure, removed)) {
    const kind = 'person_removed';
    drafts.push({
      kind,
      about: kind,
      channel: 'email',
      recipient: personRecipient(removed),
      subject: `${after.reference}: ${subjectOf(kind, stage)}`,
      lines: [
        `From ${from} you are no longer the ${role} on the support case for ${trainee} (${after.reference}).`,
        ...(added ? [`${added.name} takes over as ${role}.`] : []),
        'The case no longer appears in your Trellis, and you will not receive its notifications. Signatures you gave stay on the plan under your name.',
        `Changed by ${event.data.byName}. The reason given: ${event.data.reason}`,
      ],
      because: undefined,
      attachForm: false,
    });
  }
  const words = added
    ? `${added.name} is now your ${role}${removed ? `, taking over from ${removed.name}` : ''}, from ${from}.`
    : `${removed?.name ?? 'Someone'} is no longer your ${role}, from ${from}.`;
  drafts.push(...traineeTold(input, 'person_added', `Who supports you: your ${role}`, [words]));
  return drafts;
}

/**
 * The placement moves to another school: the trainee and the course team hear, and whoever the
 * stage's rules name for a move (RCTTP's deferred final assessment: the accepting school and its
 * mentors, with the form); the school's newcomers also hear from personChanged.
 */
function placementChanged(input: PlanInput, event: CaseEventOf<'placement_changed'>): Draft[] {
  const { procedure, before, after } = input;
  const kind = 'placement_changed';
  const stage = stageTitle(procedure, after.stageId);
  const from = formatLongDate(event.data.effectiveOn);
  const school = event.data.placement.school;
  const previous = before?.placement.school;
  const staffLines = [
    `The placement of ${traineeName(after)} moves ${previous === undefined ? '' : `from ${previous} `}to ${school} from ${from}, at ${stage} of the ${procedure.name}.`,
    `Moved by ${event.data.byName}. The reason given: ${event.data.reason}`,
  ];
  // Whom the stage says is told when the placement moves (the new school, at its contact address, and its
  // people): the school's people who arrive with the move, in the same command, are the ones told.
  const arrived = input.events
    .filter((e) => e.seq > event.seq && e.type === 'person_changed')
    .reduce<CaseState>((state, e) => {
      try {
        return applyEvent(state, e);
      } catch {
        return state;
      }
    }, after);
  const told = informed({ ...input, after: arrived }, 'placement_changed', kind, after.stageId, {
    lines: staffLines,
  });
  const card: Draft = {
    kind,
    about: kind,
    channel: 'channel_card',
    recipient: { kind: 'course_team_channel', programme: after.placement.programme },
    subject: `${after.reference}: ${subjectOf(kind, stage)}`,
    lines: staffLines,
    because: undefined,
    attachForm: false,
  };
  return [
    ...traineeTold(input, kind, `Your placement moves to ${school}`, [
      `Your placement moves to ${school} from ${from}.`,
      'The people supporting you there will be in touch about what happens next.',
    ]),
    ...told,
    // The course team's card, unless the stage's rules made one already (asking them to pass it on).
    ...(told.some((d) => d.channel === 'channel_card') ? [] : [card]),
  ];
}

/**
 * The review meeting follows the people: a new organiser (the tutor replaced) takes the event
 * into their calendar and it leaves the old one's; otherwise the event is updated for the new
 * invitation list. Only while an agreed plan waits for its review.
 */
function reviewEventFollows(input: PlanInput): Draft[] {
  const { procedure, before, after, config } = input;
  const plan = after.plan;
  const date = plan?.content.reviewDate;
  if (!plan || plan.agreedOn === undefined || date === undefined || after.status !== 'active' || !before) return [];
  if (after.reviews.some((r) => r.planVersion === plan.version)) return [];
  const was = calendarOwner(procedure, before, config);
  const now = calendarOwner(procedure, after, config);
  const moved =
    was !== undefined && (now === undefined || was.email.toLowerCase() !== now.email.toLowerCase())
      ? reviewEvent({ ...input, after: before }, plan, date, 'review_cancelled')
      : [];
  return [...moved, ...reviewEvent(input, plan, date, 'review_date_moved')];
}

/** "Dr Catherine Lloyd (Course leader)", "Mark Whitfield (course team)" or "the course team (sign-in name)". */
function suspendedBy(
  procedure: Procedure,
  state: CaseState,
  suspension: { readonly by: string; readonly byName: string | undefined },
): string {
  const who = suspenderOf(state, suspension);
  switch (who.kind) {
    case 'on_case':
      return `${who.person.name} (${roleLabel(procedure, who.person.role)})`;
    case 'course_team':
      return `${who.name} (course team)`;
    case 'sign_in':
      return who.id === '' ? 'the course team' : `the course team (${who.id})`;
  }
}

function draftFor(
  resolved: ResolvedRecipient,
  ctx: {
    kind: NotificationKind;
    subject: string;
    lines: readonly string[];
    because: string | undefined;
    attachForm: boolean;
    after: CaseState;
    config: NotifyConfig;
    procedure: Procedure;
  },
): Draft | undefined {
  const base = {
    kind: ctx.kind,
    about: ctx.kind,
    subject: ctx.subject,
    lines: ctx.lines,
    because: ctx.because,
    attachForm: ctx.attachForm,
  };
  switch (resolved.kind) {
    case 'course_mailbox':
      return { ...base, channel: 'email', recipient: { kind: 'course_mailbox', address: ctx.config.courseMailbox } };
    case 'course_team_channel':
      return {
        ...base,
        channel: 'channel_card',
        recipient: { kind: 'course_team_channel', programme: ctx.after.placement.programme },
        attachForm: false,
      };
    case 'office': {
      // Offices without an address never reach here: `informed` has the course team pass it on.
      const address = officeAddress(resolved.office, ctx.after, ctx.config);
      if (address === undefined) return undefined;
      return {
        ...base,
        channel: 'email',
        recipient: { kind: 'office', office: resolved.office, label: resolved.label, address },
      };
    }
    case 'person':
      // The trainee hears from traineeTold, in plain words, under its own key.
      if (isTrainee(ctx.procedure, resolved.person)) return undefined;
      return { ...base, channel: 'email', recipient: personRecipient(resolved.person) };
  }
}

/** One person told by email and by a 1:1 card, in the same words. */
function emailAndCard(kind: NotificationKind, person: Person, subject: string, lines: readonly string[]): Draft[] {
  return (['email', 'chat_card'] as const).map((channel) => ({
    kind,
    about: kind,
    channel,
    recipient: personRecipient(person),
    subject,
    lines,
    because: undefined,
    attachForm: false,
  }));
}

/** "Informed of their plan, their review date, and outcomes, in plain words." By email, and where it cannot wait, a 1:1 card too. */
function traineeTold(
  input: PlanInput,
  about: NotificationKind,
  subject: string,
  lines: readonly string[],
  channels: readonly ('email' | 'chat_card')[] = ['email'],
): Draft[] {
  const { procedure, after, config } = input;
  const trainees = after.people.filter((p) => isTrainee(procedure, p));
  // The case reference leads the subject, so a trainee with two cases can tell them apart.
  const prefixed = subject.startsWith(`${after.reference}:`) ? subject : `${after.reference}: ${subject}`;
  const contact = calendarOwner(procedure, after, config);
  const ask =
    contact && !lines.some((l) => l.includes(contact.name))
      ? [`If you have any questions, talk to ${contact.name} (${roleLabel(procedure, contact.role)}).`]
      : [];
  return trainees.flatMap((person) =>
    channels.map((channel): Draft => ({
      kind: 'trainee_informed',
      about,
      channel,
      recipient: personRecipient(person),
      subject: prefixed,
      lines: [...lines, ...ask].filter((l) => l !== ''),
      because: undefined,
      // The trainee receives their own plan by email, and the course team's fee letter as a PDF
      // (the written confirmation the procedure promises); the form of a decision goes to staff.
      attachForm: (about === 'plan_agreed' || about === 'fee_waived') && channel === 'email',
    })),
  );
}

function signatureRequests(input: PlanInput): Draft[] {
  const { procedure, before, after } = input;
  const day = { calendar: input.calendar, today: input.today };
  const plan = after.plan;
  // Asked only once the draft passes every check signing would make today (the form complete, the
  // review date fitting), not while it is being written or while its date needs changing.
  if (
    !plan ||
    after.status === 'closed' ||
    plan.agreedOn !== undefined ||
    signingBlocker(procedure, after, day) !== undefined
  )
    return [];
  const beforePlan = before?.plan;
  const wasOutstanding = new Set(
    before && beforePlan?.version === plan.version && signingBlocker(procedure, before, day) === undefined
      ? outstandingSignatories(procedure, before).flatMap((o) => o.people.map((p) => p.id.toLowerCase()))
      : [],
  );
  return outstandingSignatories(procedure, after)
    .flatMap((o) => o.people)
    .filter((p) => !wasOutstanding.has(p.id.toLowerCase()))
    .map((person) => signatureRequest(procedure, after, plan, person));
}

/** The card asking one person to sign the plan being drawn up (after a command, or from the sweep once time makes it signable). */
function signatureRequest(procedure: Procedure, state: CaseState, plan: Plan, person: Person): Draft {
  const rules = planRulesOf(procedure, plan);
  return {
    kind: 'signature_needed',
    about: undefined,
    channel: 'chat_card',
    recipient: personRecipient(person),
    subject: `${state.reference}: please sign the ${rules.title}`,
    lines: [
      `The ${rules.title} for ${traineeName(state)} is waiting for your signature as ${roleLabel(procedure, person.role)}.`,
    ],
    because: rules.signatures.statement,
    attachForm: false,
  };
}

/**
 * A signature request planned outside a command (the sweep, once the days passing make the plan
 * signable), under the key the caller gives and showing the case as it now is.
 */
export function signatureRequestNotification(
  procedure: Procedure,
  state: CaseState,
  person: Person,
  key: string,
): Notification | undefined {
  const plan = state.plan;
  if (!plan) return undefined;
  const draft = signatureRequest(procedure, state, plan, person);
  return notificationOf(draft, { key, caseId: state.id, reference: state.reference, caseVersion: state.version });
}

/** The review meeting in the tutor-like role's calendar, with the mentor and trainee invited. */
function reviewEvent(
  input: PlanInput,
  plan: Plan,
  date: LocalDate,
  kind: 'review_date_set' | 'review_date_moved' | 'review_cancelled',
): Draft[] {
  const { procedure, after, config } = input;
  const owner = calendarOwner(procedure, after, config);
  if (!owner) return [];
  const defaults = config.reviewMeeting ?? DEFAULT_REVIEW_MEETING;
  const reviewStage = procedure.stages.find((s) => s.id === plan.reviewAt);
  const review = reviewStage?.review;
  const procedureOnline = review?.meeting?.mode === 'online' || planRulesOf(procedure, plan).meeting?.mode === 'online';
  // Bright Futures' review meetings are online by the procedure; otherwise as scheduled, in person by default.
  const chosen = plan.reviewMeeting;
  const online = chosen ? chosen.mode === 'online' : procedureOnline;
  const startTime = chosen?.startTime ?? defaults.startTime;
  const durationMinutes = chosen?.durationMinutes ?? defaults.durationMinutes;
  const location = chosen?.mode === 'in_person' ? chosen.location : undefined;
  // Bright Futures: "Professional Mentor to observe lesson on agreed date, review targets and feed back to Lead".
  const invited = new Set<string>([
    ...REVIEW_ATTENDEE_ROLES,
    ...(review?.meeting?.attendees ?? []),
    ...(review?.reviewers ?? []),
    ...(review?.observationBy ?? []),
  ]);
  const attendees = [
    ...new Set(
      after.people
        .filter((p) => invited.has(p.role) && p.email.toLowerCase() !== owner.email.toLowerCase())
        .map((p) => p.email.toLowerCase()),
    ),
  ];
  const title = review?.title ?? 'Support plan review';
  const where = online
    ? 'Online: a Teams meeting (join from this invitation).'
    : location !== undefined
      ? `Where: ${location}.`
      : 'In person; the place is to be confirmed.';
  const targets = plan.content.targets.map((t) => t.text);
  return [
    {
      kind,
      about: undefined,
      channel: 'calendar',
      recipient: personRecipient(owner),
      subject: `${title}: ${after.reference}`,
      lines: [`${title} for ${traineeName(after)} on ${formatLongDate(date)} at ${startTime}.`, where],
      because: undefined,
      attachForm: false,
      calendar: {
        action: kind === 'review_cancelled' ? 'cancel' : 'upsert',
        organizer: owner.email,
        transactionId: reviewTransactionId(after.id, plan.version),
        date,
        startTime,
        durationMinutes,
        reminderMinutesBeforeStart: defaults.reminderMinutesBeforeStart,
        attendees,
        online,
        ...(location === undefined ? {} : { location }),
        ...(targets.length > 0 ? { targets } : {}),
      },
    },
  ];
}

/** One event per plan version: moving the date updates it, closing the case cancels it. */
export function reviewTransactionId(caseId: string, planVersion: number): string {
  return `trellis-${caseId}-plan${planVersion}-review`;
}

export function calendarOwner(
  procedure: Procedure,
  state: CaseState,
  config: Pick<NotifyConfig, 'calendarOwnerRoles'>,
): Person | undefined {
  const roles = config.calendarOwnerRoles ?? DEFAULT_CALENDAR_OWNER_ROLES;
  for (const role of roles) {
    const person = state.people.find((p) => p.role === role);
    if (person && procedure.roles.some((r) => r.id === role)) return person;
  }
  return undefined;
}

/** "Dr Ruth Evans (Chair of the Executive Group)": the person who recorded it, else the roles that decide. */
function deciderOf(procedure: Procedure, state: CaseState, actorId: string, reviewers: readonly string[]): string {
  const person = state.people.find((p) => p.id.toLowerCase() === actorId.toLowerCase());
  if (person) return `${person.name} (${roleLabel(procedure, person.role)})`;
  const roles = reviewers.map((r) => roleLabel(procedure, r));
  return roles.length > 0 ? `the ${roles.join(' or the ')}` : 'the course team';
}

/** The outcome told to the trainee: what was recorded, and what it means for them, in the second person. */
function outcomeWords(
  procedure: Procedure,
  outcome: Outcome | undefined,
  label: string,
  nextSteps: string | undefined,
): string[] {
  return [
    `The outcome: ${label.replace(/\.$/, '')}.`,
    ...whatHappensToYou(procedure, outcome),
    ...(outcome?.traineeNotice ? [outcome.traineeNotice] : []),
    ...(nextSteps ? [`Next steps agreed at the review: ${nextSteps}`] : []),
  ];
}

/**
 * What an outcome means for the trainee, spoken to them. The procedure's own explanation is
 * written about the trainee ("The trainee is offered…"); this says it from the outcome's effect.
 */
function whatHappensToYou(procedure: Procedure, outcome: Outcome | undefined): string[] {
  if (!outcome) return [];
  const effect = outcome.effect;
  switch (effect.type) {
    case 'close':
      return [
        'What happens next: your support case closes. Your course team will tell you if there is anything more to do.',
      ];
    case 'go_to_stage':
      return [
        `What happens next: your support moves on to ${stageTitle(procedure, effect.stage)}. The people supporting you will explain what this means for you.`,
      ];
    case 'revise':
      return [
        `What happens next: new targets will be agreed with you and signed, and your progress against them reviewed at ${stageTitle(procedure, effect.reviewAt)}.`,
      ];
    case 'hand_off':
      return [`What happens next: this case closes and your support continues under ${effect.to}.`];
    case 'continue':
      return ['What happens next: your support carries on as it is.'];
  }
}

function subjectOf(kind: NotificationKind, stage: string): string {
  switch (kind) {
    case 'case_opened':
      return `support case opened (${stage})`;
    case 'plan_agreed':
      return `plan agreed (${stage})`;
    case 'review_recorded':
      return `review recorded (${stage})`;
    case 'stage_changed':
      return `moved to ${stage}`;
    case 'decision_recorded':
      return `decision recorded (${stage})`;
    case 'case_closed':
      return 'case closed';
    case 'placement_suspended':
      return `placement suspended (${stage})`;
    case 'person_added':
    case 'person_removed':
      return `people on the case (${stage})`;
    case 'placement_changed':
      return `placement moved (${stage})`;
    case 'fee_waived':
      return 'fee waived';
    case 'appeal_lodged':
      return 'appeal lodged';
    case 'appeal_decided':
      return 'outcome of the appeal';
    case 'case_reopened':
      return `case reopened (${stage})`;
    case 'milestone_coming_up':
    case 'milestone_due_today':
    case 'milestone_overdue':
      return `milestone (${stage})`;
    case 'signature_needed':
    case 'review_date_set':
    case 'review_date_moved':
    case 'review_cancelled':
    case 'trainee_informed':
    case 'review_coming_up':
    case 'review_due_today':
    case 'review_overdue':
    case 'review_escalation':
      return stage;
  }
}

/**
 * BCU: "the course team will confirm this in writing to the trainee": the letter, as kept in the
 * event, is the body of the trainee's email; the course team's channel and mailbox get a copy.
 */
function feeWaived(input: PlanInput, event: CaseEventOf<'fee_waived'>): Draft[] {
  const { after } = input;
  const subject = `${after.reference}: ${subjectOf('fee_waived', '')}`;
  const letter = event.data.letter.split('\n\n');
  return [
    ...traineeTold(input, 'fee_waived', `${after.reference}: the resit fee of ${event.data.amount} is waived`, letter),
    ...teamCopies(input, 'fee_waived', subject, [
      `The course team waived the fee of ${event.data.amount} for ${traineeName(after)}; the letter below was sent to the trainee.`,
      `Reason: ${event.data.reason}`,
      ...letter,
    ]),
  ];
}

/** An appeal lodged, or its outcome: to those the procedure's appeal rule names. */
function appealNotices(input: PlanInput, event: CaseEventOf<'appeal_lodged'> | CaseEventOf<'appeal_decided'>): Draft[] {
  const { procedure, after, config } = input;
  const rule = procedure.appeal;
  if (!rule) return [];
  const appeal = after.appeals.find((a) => a.id === event.data.appealId);
  if (!appeal) return [];
  const against = findAnyOutcome(procedure, appeal.against)?.label ?? appeal.against;
  const kind: NotificationKind = event.type === 'appeal_lodged' ? 'appeal_lodged' : 'appeal_decided';
  const subject = `${after.reference}: ${subjectOf(kind, '')}`;
  const decision = appeal.decision;
  const outcomeWordsOf = { upheld: 'upheld', not_upheld: 'not upheld', withdrawn: 'withdrawn' } as const;
  const staffLines =
    decision === undefined
      ? [
          `${traineeName(after)} has appealed, on ${formatLongDate(appeal.lodgedOn)}, against the decision: ${against}`,
          `Grounds: ${appeal.grounds}`,
          rule.text,
        ]
      : [
          `The appeal of ${traineeName(after)} against the decision "${against}" was ${outcomeWordsOf[decision.outcome]} on ${formatLongDate(decision.on)}.`,
          `Reasons: ${decision.reasons}`,
        ];
  const traineeLines =
    decision === undefined
      ? [
          `Your appeal of ${formatLongDate(appeal.lodgedOn)} against the decision "${against}" is recorded.`,
          `Your grounds: ${appeal.grounds}`,
          rule.text,
        ]
      : [
          `Your appeal against the decision "${against}" was ${outcomeWordsOf[decision.outcome]} on ${formatLongDate(decision.on)}.`,
          `The reasons: ${decision.reasons}`,
        ];
  const drafts: Draft[] = [];
  for (const recipient of rule.inform) {
    switch (recipient.kind) {
      case 'role':
      case 'role_if_absent':
        for (const person of after.people.filter((p) => p.role === recipient.role)) {
          if (isTrainee(procedure, person)) continue;
          drafts.push({
            kind,
            about: kind,
            channel: 'email',
            recipient: personRecipient(person),
            subject,
            lines: staffLines,
            because: rule.text,
            attachForm: false,
          });
        }
        break;
      case 'office': {
        const address = officeAddress(recipient.office, after, config);
        if (address === undefined) break;
        drafts.push({
          kind,
          about: kind,
          channel: 'email',
          recipient: { kind: 'office', office: recipient.office, label: recipient.label, address },
          subject,
          lines: staffLines,
          because: rule.text,
          attachForm: false,
        });
        break;
      }
      case 'course_mailbox':
      case 'course_team_channel':
        break;
    }
  }
  const traineeNamed = rule.inform.some(
    (r) => r.kind === 'role' && procedure.roles.find((x) => x.id === r.role)?.side === 'trainee',
  );
  return [
    ...drafts,
    ...(traineeNamed ? traineeTold(input, kind, subject, traineeLines) : []),
    // The course team always keeps its copy of what follows a decision.
    ...teamCopies(input, kind, subject, staffLines),
  ];
}

/** The course team's channel card and mailbox copy of something that follows a decision. */
function teamCopies(input: PlanInput, kind: NotificationKind, subject: string, lines: readonly string[]): Draft[] {
  return [
    {
      kind,
      about: kind,
      channel: 'channel_card',
      recipient: { kind: 'course_team_channel', programme: input.after.placement.programme },
      subject,
      lines,
      because: undefined,
      attachForm: false,
    },
    {
      kind,
      about: kind,
      channel: 'email',
      recipient: { kind: 'course_mailbox', address: input.config.courseMailbox },
      subject,
      lines,
      because: undefined,
      attachForm: false,
    },
  ];
}

function findAnyOutcome(procedure: Procedure, outcomeId: string): Outcome | undefined {
  return [
    ...procedure.stages.flatMap((s) => s.review?.outcomes ?? []),
    ...procedure.panels.flatMap((p) => p.decisions),
  ].find((o) => o.id === outcomeId);
}

function stageTitle(procedure: Procedure, stageId: string): string {
  return procedure.stages.find((s) => s.id === stageId)?.title ?? stageId;
}

function isTrainee(procedure: Procedure, person: Person): boolean {
  return procedure.roles.find((r) => r.id === person.role)?.side === 'trainee';
}

function traineeName(state: CaseState): string {
  return state.people.find((p) => p.role === 'trainee')?.name ?? 'the trainee';
}

export { personRecipient } from './recipients.js';
