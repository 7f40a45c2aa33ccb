import {
  addDays,
  addWeeks,
  describeDuration,
  formatLongDate,
  isAfter,
  isLocalDate,
  type LocalDate,
} from '../../../domain/calendar/index';
import { calendarFor } from '../../../domain/case/command-kit';
import { windowEnd } from '../../../domain/case/plan-rules';
import { datedMilestones } from '../../../domain/case/queries';
import type { Stage } from '../../../domain/procedure/schema';
import type { ProcedureDefinition } from '../../api/trellis-api';
import type { AvailablePanel, CaseView, PanelView, PlacementRow } from '../../api/types';
import type { Standing } from '../../shared/case-people';
import { formRulesOf, stageOf } from '../../shared/procedure/case-rules';

/**
 * Which case actions to offer, and the limits to show while typing. The server decides (and says
 * why in a sentence when it refuses); this only keeps people from being shown a form that cannot
 * apply to them. Dates and caps come from the procedure definition through the same pure domain
 * calendar the server uses, so "at the latest" here is the date the server will enforce.
 */

export interface ExtensionLimits {
  readonly current: LocalDate;
  /** Undefined when the procedure sets no cap. */
  readonly latest: LocalDate | undefined;
  readonly explanation: string;
}

/** The review date may move later, up to the stage's extension cap (else its review window) from agreement. */
export function extensionLimits(view: CaseView, procedure: ProcedureDefinition): ExtensionLimits | undefined {
  const plan = view.plan;
  // Dates from the server are valid YYYY-MM-DD (it parsed them with the same schema).
  const current = plan?.content.reviewDate as LocalDate | undefined;
  const agreedOn = plan?.agreedOn as LocalDate | undefined;
  if (plan === undefined || agreedOn === undefined || current === undefined || view.status !== 'active' || view.paused)
    return undefined;
  const stage = procedure.stages.find((s) => s.id === view.stage.id);
  const cap = stage?.extensionCap ?? formRulesOf(procedure, plan)?.reviewWindow;
  if (cap === undefined)
    return {
      current,
      latest: undefined,
      explanation: `The review is on ${formatLongDate(current)}; ${procedure.name} sets no latest date.`,
    };
  const latest = windowEnd(calendarFor(procedure), agreedOn, cap, plan.pausedWorkingDays);
  const paused = plan.pausedWorkingDays > 0 ? `, plus ${plan.pausedWorkingDays} working days the case was paused` : '';
  return {
    current,
    latest,
    explanation: `${view.stage.title} runs for at most ${describeDuration(cap)} from ${formatLongDate(agreedOn)} (when the plan was agreed${paused}; weekends and bank holidays are not working days), so the review can move to ${formatLongDate(latest)} at the latest.`,
  };
}

export function extensionProblem(limits: ExtensionLimits, date: string, reason: string): string | undefined {
  if (date === '') return 'Choose the new review date.';
  if (!isAfter(date as LocalDate, limits.current))
    return `Choose a date after ${formatLongDate(limits.current)}, the review date now.`;
  if (limits.latest !== undefined && isAfter(date as LocalDate, limits.latest))
    return `That is too late: ${formatLongDate(limits.latest)} is the latest the review can move to.`;
  if (reason.trim() === '') return 'Say why the review is moving, for the record.';
  return undefined;
}

export const PAUSE_REASON_LABELS = {
  health: 'Ill health',
  bereavement: 'Bereavement',
  other_leave: 'Other leave of absence',
} as const;
export type PauseReason = keyof typeof PAUSE_REASON_LABELS;

/** The panel convened and still to decide, if any. */
export function openPanel(view: CaseView, panelId: string): PanelView | undefined {
  return view.panels.findLast((p) => p.panelId === panelId && p.decisionId === undefined);
}

export interface MemberDraft {
  readonly name: string;
  readonly email: string;
  readonly role: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function conveneProblem(panel: AvailablePanel, members: readonly MemberDraft[]): string | undefined {
  const named = members.filter((m) => m.name.trim() !== '' || m.email.trim() !== '');
  const incomplete = named.find((m) => m.name.trim() === '' || !EMAIL.test(m.email.trim()));
  if (incomplete) return 'Give each member a name and an email address (their sign-in name).';
  const ids = new Set(named.map((m) => m.email.trim().toLowerCase()));
  if (ids.size !== named.length) return 'Someone is named twice.';
  if (panel.quorum !== undefined && named.length < panel.quorum)
    return `The ${panel.title} needs at least ${panel.quorum} members to be quorate; ${named.length} named so far.`;
  if (panel.maxMembers !== undefined && named.length > panel.maxMembers)
    return `The ${panel.title} has up to ${panel.maxMembers} members; ${named.length} named.`;
  if (named.length === 0) return 'Name the panel’s members.';
  return undefined;
}

export function meetingProblem(
  panel: AvailablePanel,
  convened: PanelView,
  attendees: readonly string[],
  chair: string,
  needsChair: boolean,
): string | undefined {
  if (panel.quorum !== undefined && attendees.length < panel.quorum)
    return `The ${panel.title} is quorate with ${panel.quorum} members present; ${attendees.length} ticked.`;
  if (attendees.length === 0) return 'Tick who was present.';
  if (needsChair && chair === '') return `At its first meeting the ${panel.title} agrees a chair: choose who it is.`;
  if (chair !== '' && !attendees.includes(chair)) return 'The chair must be one of the members present.';
  if (convened.members.length === 0) return 'The panel’s members are not shown to you.';
  return undefined;
}

/** Does the current plan's form have a place for the trainee's perceptions, and can they still be recorded? */
export function perceptionsOpen(view: CaseView, procedure: ProcedureDefinition): boolean {
  const plan = view.plan;
  if (!plan || plan.agreedOn !== undefined || view.status === 'closed') return false;
  return formRulesOf(procedure, plan)?.fields.includes('trainee_perceptions') === true;
}

/**
 * Who writes the trainee's perceptions on the plan now: the trainee, in their own words; or someone
 * named on the case, typing them in at the meeting, until the trainee has. Undefined: nobody.
 */
export function perceptionsAuthor(
  view: CaseView,
  procedure: ProcedureDefinition,
  standing: Standing,
): 'trainee' | 'staff' | undefined {
  if (!perceptionsOpen(view, procedure)) return undefined;
  if (standing.trainee) return 'trainee';
  return standing.roles.length > 0 && view.plan?.perceptions === undefined ? 'staff' : undefined;
}

/** Enhanced Support step 5: the course team may suspend the placement at a stage that allows it, once. */
export function canSuspendPlacement(view: CaseView, procedure: ProcedureDefinition, standing: Standing): boolean {
  return (
    standing.courseTeam &&
    view.status !== 'closed' &&
    view.placementSuspended === undefined &&
    stageOf(view, procedure)?.allowsSuspension === true
  );
}

export function suspensionProblem(reason: string, confirmed: boolean): string | undefined {
  if (reason.trim() === '') return 'Say why the placement is suspended, for the record.';
  if (!confirmed) return 'Tick the box to confirm the placement is suspended now.';
  return undefined;
}

/** A stage with a week-by-week plan (RCTTP's Deferred Final Assessment) is scheduled by the course team. */
export function canScheduleStage(view: CaseView, procedure: ProcedureDefinition, standing: Standing): boolean {
  return standing.courseTeam && view.status !== 'closed' && (stageOf(view, procedure)?.milestones.length ?? 0) > 0;
}

export function scheduleProblem(startsOn: string, current: string | undefined): string | undefined {
  if (startsOn === '') return 'Choose the date week 1 begins.';
  if (!isLocalDate(startsOn)) return 'Enter the whole date week 1 begins: day, month and year.';
  if (startsOn === current)
    return `The stage already starts on ${formatLongDate(startsOn)}; choose another date to move it.`;
  return undefined;
}

/** Milestones that share the same weeks, with those weeks as dates. */
export interface ScheduledWeeks {
  readonly fromWeek: number;
  readonly toWeek: number;
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly milestones: readonly { readonly id: string; readonly label: string; readonly deadline: boolean }[];
}

export interface StageSchedule {
  readonly startsOn: LocalDate;
  readonly weeks: number;
  /** The last day of the last week. */
  readonly endsOn: LocalDate;
  readonly blocks: readonly ScheduledWeeks[];
  /** The stage's review waits for this week (RCTTP: observations in weeks 7 and 8 "before a judgement can be made"). */
  readonly judgement: { readonly title: string; readonly week: number; readonly from: LocalDate } | undefined;
}

/**
 * A stage's week-by-week plan as dates from a start: week 1 is the start day and the six days
 * after it. The dates come from the same domain function the server uses (`datedMilestones`),
 * so what the form previews is what the case will show.
 */
export function stageSchedule(stage: Stage, startsOn: LocalDate): StageSchedule | undefined {
  if (stage.milestones.length === 0) return undefined;
  const dated = new Map(datedMilestones(stage, startsOn).map((m) => [m.id, m]));
  const blocks = new Map<string, ScheduledWeeks>();
  for (const m of stage.milestones) {
    const when = dated.get(m.id);
    if (when === undefined) continue;
    const key = `${m.fromWeek}-${m.toWeek}`;
    const block = blocks.get(key) ?? {
      fromWeek: m.fromWeek,
      toWeek: m.toWeek,
      from: when.from,
      to: when.to,
      milestones: [],
    };
    blocks.set(key, {
      ...block,
      milestones: [...block.milestones, { id: m.id, label: m.label, deadline: m.deadline }],
    });
  }
  const weeks = stage.durationWeeks ?? Math.max(...stage.milestones.map((m) => m.toWeek));
  const after = stage.milestones.find((m) => m.id === stage.review?.afterMilestone);
  return {
    startsOn,
    weeks,
    endsOn: addDays(addWeeks(startsOn, weeks), -1),
    blocks: [...blocks.values()].sort((a, b) => a.fromWeek - b.fromWeek || a.toWeek - b.toWeek),
    judgement:
      after === undefined || stage.review === undefined
        ? undefined
        : { title: stage.review.title, week: after.fromWeek, from: addWeeks(startsOn, after.fromWeek - 1) },
  };
}

/**
 * The week-by-week plan of the stage the case is at (RCTTP's Deferred Final Assessment), dated
 * from the stage's start as the server counts it; undefined for a closed case or a stage without one.
 */
export function caseStageSchedule(view: CaseView, procedure: ProcedureDefinition): StageSchedule | undefined {
  const stage = stageOf(view, procedure);
  return stage === undefined || view.stage.startsOn === undefined || view.status === 'closed'
    ? undefined
    : stageSchedule(stage, view.stage.startsOn as LocalDate);
}

/** "Week 1 begins on …; week 8 ends on …", then when the judgement may be recorded. */
export function scheduleSummary(schedule: StageSchedule): string {
  const span = `Week 1 begins on ${formatLongDate(schedule.startsOn)} and week ${schedule.weeks} ends on ${formatLongDate(schedule.endsOn)}.`;
  if (schedule.judgement === undefined) return span;
  const { title, week, from } = schedule.judgement;
  return `${span} ${title} cannot be recorded before week ${week}, which begins on ${formatLongDate(from)}.`;
}

export function weeksLabel(block: ScheduledWeeks): string {
  const weeks = block.fromWeek === block.toWeek ? `Week ${block.fromWeek}` : `Weeks ${block.fromWeek}–${block.toWeek}`;
  return `${weeks}: ${formatLongDate(block.from)} to ${formatLongDate(block.to)}`;
}

/** "Change who is on the case": what the course team has typed so far. */
export interface PersonChangeDraft {
  readonly role: string;
  /** Sign-in name of the person leaving the role, or '' to add without removing. */
  readonly removeId: string;
  readonly addName: string;
  readonly addEmail: string;
  readonly effectiveOn: string;
  readonly reason: string;
}

/** Roles the course team may change: every role but the trainee's (a case is about one trainee). */
export function changeableRoles(procedure: ProcedureDefinition): { readonly id: string; readonly label: string }[] {
  return procedure.roles.filter((r) => r.side !== 'trainee').map((r) => ({ id: r.id, label: r.label }));
}

/** The first thing missing from the draft, in a sentence; undefined when it can be sent. */
export function personChangeProblem(draft: PersonChangeDraft, today: string): string | undefined {
  if (draft.role === '') return 'Choose the role that changes.';
  const adding = draft.addName.trim() !== '' || draft.addEmail.trim() !== '';
  if (draft.removeId === '' && !adding) return 'Name who joins, choose who leaves, or both.';
  if (adding && draft.addName.trim() === '') return 'Give the full name of the person joining.';
  if (adding && !EMAIL.test(draft.addEmail.trim())) return 'Give the work email address of the person joining.';
  if (draft.effectiveOn !== '' && draft.effectiveOn > today)
    return 'Record the change on or after the day it takes effect.';
  if (draft.reason.trim() === '') return 'Say why, for the record.';
  return undefined;
}

/** The body of POST /people for a complete draft (the email is the sign-in name). */
export function personChangeBody(draft: PersonChangeDraft): Record<string, unknown> {
  const email = draft.addEmail.trim().toLowerCase();
  return {
    role: draft.role,
    ...(draft.removeId === '' ? {} : { removeId: draft.removeId }),
    ...(email === '' ? {} : { add: { id: email, name: draft.addName.trim(), email } }),
    ...(draft.effectiveOn === '' ? {} : { effectiveOn: draft.effectiveOn }),
    reason: draft.reason.trim(),
  };
}

/** The meeting the form records: the plan meeting while the plan is drawn up, the review meeting once it is agreed. */
export function meetingKindOf(view: CaseView): 'plan' | 'review' | undefined {
  const plan = view.plan;
  if (plan === undefined || view.status === 'closed') return undefined;
  return plan.agreedOn === undefined ? 'plan' : 'review';
}

/** How the procedure holds this meeting: 'online' or 'in_person' when it says so, undefined when either will do. */
export function requiredMeetingMode(
  view: CaseView,
  procedure: ProcedureDefinition,
  kind: 'plan' | 'review',
): 'online' | 'in_person' | undefined {
  const plan = view.plan;
  if (plan === undefined) return undefined;
  const mode =
    kind === 'plan'
      ? formRulesOf(procedure, plan)?.meeting?.mode
      : procedure.stages.find((s) => s.id === plan.reviewAt)?.review?.meeting?.mode;
  return mode === 'online' || mode === 'in_person' ? mode : undefined;
}

export interface MeetingDraft {
  readonly heldOn: string;
  readonly startTime: string;
  readonly mode: 'online' | 'in_person';
  readonly location: string;
  readonly onlineLink: string;
  readonly attendees: readonly string[];
  readonly notes: string;
}

export function meetingRecordProblem(draft: MeetingDraft, today: string): string | undefined {
  if (draft.heldOn === '') return 'Give the date the meeting was held.';
  if (draft.heldOn > today) return 'A meeting is recorded once it has been held.';
  if (draft.attendees.length === 0) return 'Tick who attended.';
  if (draft.mode === 'online' && draft.onlineLink.trim() !== '' && !/^https:\/\//.test(draft.onlineLink.trim()))
    return 'The meeting link starts with https://.';
  return undefined;
}

export function meetingRecordBody(kind: 'plan' | 'review', draft: MeetingDraft): Record<string, unknown> {
  const text = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
  const location = draft.mode === 'in_person' ? text(draft.location) : undefined;
  const onlineLink = draft.mode === 'online' ? text(draft.onlineLink) : undefined;
  const notes = text(draft.notes);
  return {
    kind,
    heldOn: draft.heldOn,
    ...(draft.startTime === '' ? {} : { startTime: draft.startTime }),
    mode: draft.mode,
    ...(location === undefined ? {} : { location }),
    ...(onlineLink === undefined ? {} : { onlineLink }),
    attendees: draft.attendees,
    ...(notes === undefined ? {} : { notes }),
  };
}

/** The review meeting can be scheduled while an agreed plan waits for its review. */
export function canScheduleReviewMeeting(view: CaseView): boolean {
  return view.status === 'active' && view.plan?.agreedOn !== undefined && view.plan.content.reviewDate !== undefined;
}

export function reviewMeetingProblem(draft: {
  readonly startTime: string;
  readonly durationMinutes: number;
  readonly mode: 'online' | 'in_person';
  readonly location: string;
}): string | undefined {
  if (draft.startTime === '') return 'Choose the start time.';
  if (!Number.isInteger(draft.durationMinutes) || draft.durationMinutes < 10 || draft.durationMinutes > 480)
    return 'The meeting lasts between 10 minutes and 8 hours.';
  if (draft.mode === 'in_person' && draft.location.trim() === '') return 'Say where the meeting is held.';
  return undefined;
}

/**
 * Which procedure role a roster column fills: the procedure's `roster` mapping, else the role of
 * the same id where the procedure has one (as the server maps a roster row to a case's people).
 */
function rosterRole(procedure: ProcedureDefinition, column: 'mentor' | 'professional_mentor'): string | undefined {
  const mapped = procedure.roster?.[column];
  if (mapped !== undefined) return mapped;
  return procedure.roles.some((r) => r.id === column) ? column : undefined;
}

/** The school-side people of a roster row, as the procedure's roles on the case: who moves with the placement. */
export function placementPeople(
  procedure: ProcedureDefinition,
  row: PlacementRow,
): { readonly role: string; readonly id: string; readonly name: string; readonly email: string }[] {
  const people: { role: string; id: string; name: string; email: string }[] = [];
  const add = (column: 'mentor' | 'professional_mentor', holders: readonly { id: string; name: string }[]) => {
    const role = rosterRole(procedure, column);
    const definition = procedure.roles.find((r) => r.id === role);
    if (role === undefined || definition === undefined) return;
    for (const p of definition.multiple ? holders : holders.slice(0, 1))
      people.push({ role, id: p.id.toLowerCase(), name: p.name, email: p.id.toLowerCase() });
  };
  add('mentor', row.mentors);
  add('professional_mentor', row.professionalMentor ? [row.professionalMentor] : []);
  return people;
}

export interface PlacementDraft {
  readonly rowId: string;
  readonly effectiveOn: string;
  readonly reason: string;
}

/** The first thing missing from the placement move, as a sentence; undefined when it can be sent. */
export function placementMoveProblem(
  draft: PlacementDraft,
  rows: readonly PlacementRow[],
  today: string,
): string | undefined {
  if (rows.length === 0)
    return 'The placement roster has no other placement for this trainee: add the new school to the roster first.';
  if (draft.rowId === '') return 'Choose the new placement from the roster.';
  if (draft.effectiveOn !== '' && !isLocalDate(draft.effectiveOn)) return 'Enter the whole date: day, month and year.';
  if (draft.effectiveOn !== '' && draft.effectiveOn > today)
    return 'Record the move on or after the day it takes effect.';
  if (draft.reason.trim() === '') return 'Say why the placement moves, for the record.';
  return undefined;
}

/** The change_placement body for a roster row: its school, dates and school-side people. */
export function placementMoveBody(
  procedure: ProcedureDefinition,
  draft: PlacementDraft,
  row: PlacementRow | undefined,
) {
  return {
    school: row?.school ?? '',
    ...(row === undefined ? {} : { startsOn: row.startsOn, endsOn: row.endsOn }),
    // Where the new school is told what the procedure says it is told (the office or headteacher).
    ...(row?.schoolContactEmail === undefined ? {} : { schoolContactEmail: row.schoolContactEmail }),
    people: row === undefined ? [] : placementPeople(procedure, row),
    ...(draft.effectiveOn === '' ? {} : { effectiveOn: draft.effectiveOn }),
    reason: draft.reason.trim(),
  };
}

/** The trainee's sign-in name on the case (the procedure's trainee-side role). */
export function traineeIdOf(view: CaseView, procedure: ProcedureDefinition): string | undefined {
  const roles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  return view.people.find((p) => roles.has(p.role))?.id.toLowerCase();
}

/** Roster rows the case could move to: the trainee's own rows at another school than the case's. */
export function otherPlacements(view: CaseView, traineeId: string, rows: readonly PlacementRow[]): PlacementRow[] {
  return rows.filter(
    (row) =>
      row.trainee.id.toLowerCase() === traineeId &&
      row.school.trim().toLowerCase() !== view.placement.school.trim().toLowerCase(),
  );
}
