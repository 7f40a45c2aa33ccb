import { describeDuration, formatLongDate, isAfter, type LocalDate } from '../../../domain/calendar/index';
import { calendarFor, planRulesOf } from '../../../domain/case/command-kit';
import { windowEnd } from '../../../domain/case/plan-rules';
import type { PlanRules } from '../../../domain/procedure/schema';
import type { ProcedureDefinition } from '../../api/trellis-api';
import type { AvailablePanel, CaseView, Me, PanelView } from '../../api/types';

/**
 * Which case actions to offer, and the limits to show while typing. The server decides (and says
 * why in a sentence when it refuses); this only keeps people from being shown a form that cannot
 * apply to them. Dates and caps come from the procedure definition through the same pure domain
 * calendar the server uses, so "at the latest" here is the date the server will enforce.
 */
export interface Standing {
  /** Course team for this case's programme (or admin). */
  readonly courseTeam: boolean;
  /** Named on the case in a role that is not the trainee's. */
  readonly staff: boolean;
  /** The case's trainee. */
  readonly trainee: boolean;
  readonly roles: readonly string[];
}

export function standingOf(view: CaseView, me: Me | undefined, upn: string): Standing {
  const id = upn.toLowerCase();
  const roles = view.people.filter((p) => p.id.toLowerCase() === id).map((p) => p.role);
  const courseTeam = view.view === 'full' && me !== undefined && me.can.openCases && (me.programmes === 'all' || me.programmes.includes(view.placement.programme));
  const trainee = roles.includes('trainee') || view.view === 'trainee';
  return { courseTeam, staff: view.view === 'full' && (courseTeam || roles.some((r) => r !== 'trainee')), trainee, roles };
}

/** The form rules the plan follows (as the server reads them), or undefined if the definition no longer has them. */
export function formRulesOf(procedure: ProcedureDefinition, plan: NonNullable<CaseView['plan']>): PlanRules | undefined {
  const rulesFrom = { stageId: plan.rulesFrom?.stageId ?? plan.stageId, outcome: plan.rulesFrom?.outcome };
  try {
    return planRulesOf(procedure, { rulesFrom });
  } catch {
    return undefined;
  }
}

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
  if (plan === undefined || agreedOn === undefined || current === undefined || view.status !== 'active' || view.paused) return undefined;
  const stage = procedure.stages.find((s) => s.id === view.stage.id);
  const cap = stage?.extensionCap ?? formRulesOf(procedure, plan)?.reviewWindow;
  if (cap === undefined) return { current, latest: undefined, explanation: `The review is on ${formatLongDate(current)}; ${procedure.name} sets no latest date.` };
  const latest = windowEnd(calendarFor(procedure), agreedOn, cap, plan.pausedWorkingDays ?? 0);
  const paused = (plan.pausedWorkingDays ?? 0) > 0 ? `, plus ${plan.pausedWorkingDays ?? 0} working days the case was paused` : '';
  return {
    current,
    latest,
    explanation: `${view.stage.title} runs for at most ${describeDuration(cap)} from ${formatLongDate(agreedOn)} (when the plan was agreed${paused}; weekends and bank holidays are not working days), so the review can move to ${formatLongDate(latest)} at the latest.`,
  };
}

export function extensionProblem(limits: ExtensionLimits, date: string, reason: string): string | undefined {
  if (date === '') return 'Choose the new review date.';
  if (!isAfter(date as LocalDate, limits.current)) return `Choose a date after ${formatLongDate(limits.current)}, the review date now.`;
  if (limits.latest !== undefined && isAfter(date as LocalDate, limits.latest)) return `That is too late: ${formatLongDate(limits.latest)} is the latest the review can move to.`;
  if (reason.trim() === '') return 'Say why the review is moving, for the record.';
  return undefined;
}

export const PAUSE_REASON_LABELS = { health: 'Ill health', bereavement: 'Bereavement', other_leave: 'Other leave of absence' } as const;
export type PauseReason = keyof typeof PAUSE_REASON_LABELS;

/** The panel convened and still to decide, if any. */
export function openPanel(view: CaseView, panelId: string): PanelView | undefined {
  return (view.panels ?? []).findLast((p) => p.panelId === panelId && p.decisionId === undefined);
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
  if (panel.quorum !== undefined && named.length < panel.quorum) return `The ${panel.title} needs at least ${panel.quorum} members to be quorate; ${named.length} named so far.`;
  if (panel.maxMembers !== undefined && named.length > panel.maxMembers) return `The ${panel.title} has up to ${panel.maxMembers} members; ${named.length} named.`;
  if (named.length === 0) return 'Name the panel’s members.';
  return undefined;
}

export function meetingProblem(panel: AvailablePanel, convened: PanelView, attendees: readonly string[], chair: string, needsChair: boolean): string | undefined {
  if (panel.quorum !== undefined && attendees.length < panel.quorum) return `The ${panel.title} is quorate with ${panel.quorum} members present; ${attendees.length} ticked.`;
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
