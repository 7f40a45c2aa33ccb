import { formatLongDate, workingDaysBetween, type LocalDate } from '../../domain/calendar/index.js';
import {
  calendarFor,
  type CaseState,
  type CaseStatus,
  type NextStepForm,
  type Person,
  type Target,
} from '../../domain/case/index.js';
import type { Outcome, Procedure, ReviewRules, Stage } from '../../domain/procedure/schema.js';
import { frameworkEntries } from '../../domain/frameworks/framework.js';
import { caseDeepLink, type CardLinks } from '../deep-links.js';
import { cardText, escapeCardText, plainCardText } from '../escape.js';

/**
 * What every view model is built from: the case as it stands, its procedure, where links
 * point, and the date the card is about (time is an argument).
 */
export interface CardSource {
  readonly procedure: Procedure;
  readonly state: CaseState;
  readonly links: CardLinks;
  readonly today: LocalDate;
}

/** The case line every card starts with. Every string is already escaped for markdown. */
export interface CaseHeaderView {
  readonly caseId: string;
  readonly version: number;
  readonly reference: string;
  readonly trainee: string;
  readonly school: string;
  readonly programme: string;
  readonly procedure: string;
  readonly provider: string;
  readonly stage: string;
  readonly status: string;
  readonly statusColor: 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';
  readonly confidential: boolean;
  /** "Priya Sharma · Hollybank Primary School · BCU-RIT-2027-031" */
  readonly subtitle: string;
  readonly url: string;
  readonly openTitle: string;
}

export interface TargetView {
  readonly id: string;
  readonly number: string;
  readonly text: string;
  readonly links: string;
  readonly hasLinks: boolean;
  readonly criteria: string;
  readonly hasCriteria: boolean;
  readonly actions: readonly { readonly party: string; readonly text: string }[];
  readonly hasActions: boolean;
  readonly observationFocus: boolean;
}

export interface FactView {
  readonly title: string;
  readonly value: string;
}

const STATUS_LABELS: Record<CaseStatus, string> = {
  planning: 'Plan being drafted',
  awaiting_signatures: 'Awaiting signatures',
  active: 'Plan agreed, review to come',
  awaiting_decision: 'Awaiting a decision',
  closed: 'Closed',
};

const STATUS_COLORS: Record<CaseStatus, CaseHeaderView['statusColor']> = {
  planning: 'Accent',
  awaiting_signatures: 'Warning',
  active: 'Good',
  awaiting_decision: 'Warning',
  closed: 'Default',
};

export function stageOf(procedure: Procedure, stageId: string): Stage | undefined {
  return procedure.stages.find((s) => s.id === stageId);
}

export function stageTitle(procedure: Procedure, stageId: string): string {
  return stageOf(procedure, stageId)?.title ?? stageId;
}

export function roleLabelOf(procedure: Procedure, roleId: string): string {
  return procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;
}

export function traineeOf(procedure: Procedure, state: CaseState): Person | undefined {
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  return state.people.find((p) => traineeRoles.has(p.role));
}

export function personById(state: CaseState, id: string): Person | undefined {
  return state.people.find((p) => p.id.toLowerCase() === id.toLowerCase());
}

/** "Class teacher/mentor: Gareth Evans" for each person holding one of the roles. Escaped. */
export function peopleInRoles(procedure: Procedure, state: CaseState, roles: readonly string[]): string[] {
  return roles.flatMap((role) =>
    state.people
      .filter((p) => p.role === role)
      .map((p) => `${escapeCardText(roleLabelOf(procedure, role))}: ${cardText(p.name, 120)}`),
  );
}

/** Names a person by id if they are on the case, otherwise shows the id itself (escaped). */
export function nameOf(state: CaseState, id: string): string {
  return cardText(personById(state, id)?.name ?? (id === '' ? 'Unknown' : id), 120);
}

export function longDate(date: LocalDate | undefined): string {
  return date === undefined ? 'Not set' : formatLongDate(date);
}

/** "in 3 working days", "today", "2 working days ago", counted on the provider's calendar. */
export function relativeWorkingDays(procedure: Procedure, today: LocalDate, date: LocalDate): string {
  const calendar = calendarFor(procedure);
  if (date === today) return 'today';
  if (date > today) {
    const n = workingDaysBetween(calendar, today, date);
    return n === 0 ? 'on the next working day' : `in ${n} working ${n === 1 ? 'day' : 'days'}`;
  }
  const n = workingDaysBetween(calendar, date, today);
  return `${n} working ${n === 1 ? 'day' : 'days'} ago`;
}

/** `form`: the form on the case page the card is about, which its "Open in Trellis" opens at. */
export function caseHeader(source: CardSource, form?: NextStepForm): CaseHeaderView {
  const { procedure, state, links } = source;
  const trainee = traineeOf(procedure, state);
  const traineeName = cardText(trainee?.name ?? 'Trainee', 120);
  const school = cardText(state.placement.school, 160);
  const reference = cardText(state.reference, 60);
  const status = state.paused
    ? state.paused.reason === undefined
      ? 'Paused'
      : `Paused (${state.paused.reason.replace(/_/g, ' ')})`
    : STATUS_LABELS[state.status];
  return {
    caseId: state.id,
    version: state.version,
    reference,
    trainee: traineeName,
    school,
    programme: cardText(state.placement.programme, 160),
    procedure: escapeCardText(procedure.name),
    provider: escapeCardText(procedure.provider.name),
    stage: escapeCardText(stageTitle(procedure, state.stageId)),
    status: escapeCardText(status),
    statusColor: state.paused ? 'Warning' : STATUS_COLORS[state.status],
    confidential: procedure.confidential,
    subtitle: [traineeName, school, reference].join(' · '),
    url: caseDeepLink(links, state.id, `Case ${plainCardText(state.reference)}`, form),
    openTitle: 'Open in Trellis',
  };
}

/** The facts most cards show under the header. */
export function caseFacts(source: CardSource): FactView[] {
  const header = caseHeader(source);
  return [
    { title: 'Trainee', value: header.trainee },
    { title: 'School', value: header.school },
    { title: 'Programme', value: header.programme },
    { title: 'Procedure', value: `${header.procedure} (${escapeCardText(source.procedure.provider.shortName)})` },
    { title: 'Stage', value: header.stage },
  ];
}

function linkLabels(procedure: Procedure, target: Pick<Target, 'links'>): string {
  const entries = procedure.frameworks.flatMap(frameworkEntries);
  return target.links
    .map((link) => {
      const entry = entries.find((e) => e.frameworkId === link.frameworkId && e.code === link.code);
      return entry ? `${link.code} ${entry.label}` : link.code;
    })
    .map((label) => cardText(label, 120))
    .join(' · ');
}

/**
 * How much of each target a card can show and stay inside 28 KB: everything for the usual
 * three, less as the count grows (RCTTP sets no maximum). The tab always has the full text.
 */
export function targetBudget(count: number): {
  readonly text: number;
  readonly criteria: number;
  readonly actions: number;
  readonly actionText: number;
} {
  if (count <= 4) return { text: 500, criteria: 400, actions: 6, actionText: 300 };
  if (count <= 8) return { text: 300, criteria: 160, actions: 3, actionText: 160 };
  return { text: Math.max(100, Math.floor(3000 / count)), criteria: 0, actions: 0, actionText: 0 };
}

/** The current plan's targets, numbered, with what each party does, shortened to fit the card. */
export function targetViews(procedure: Procedure, targets: readonly Target[]): TargetView[] {
  const budget = targetBudget(targets.length);
  return targets.map((target, i) => {
    const links = linkLabels(procedure, target);
    const criteria =
      target.successCriteria && budget.criteria > 0 ? cardText(target.successCriteria, budget.criteria) : '';
    const actions = target.actions.slice(0, budget.actions).map((a) => ({
      party: escapeCardText(roleLabelOf(procedure, a.party)),
      text: cardText(a.text, budget.actionText),
    }));
    return {
      id: target.id,
      number: `Target ${i + 1}`,
      text: cardText(target.text, budget.text),
      links,
      hasLinks: links !== '',
      criteria,
      hasCriteria: criteria !== '',
      actions,
      hasActions: actions.length > 0,
      observationFocus: target.observationFocus,
    };
  });
}

export function currentTargets(state: CaseState): readonly Target[] {
  return state.plan?.content.targets ?? [];
}

export interface OutcomeView {
  readonly id: string;
  readonly label: string;
  /** Unescaped label for choice titles, which are never rendered as markdown. */
  readonly choiceTitle: string;
  readonly explanation: string;
  readonly condition: string;
  readonly hasCondition: boolean;
}

const CONDITION_TEXT: Record<NonNullable<Outcome['condition']>, string> = {
  all_targets_met: 'Only when every target is met.',
  some_target_not_met: 'Only when at least one target is not met.',
};

export function outcomeViews(outcomes: readonly Outcome[]): OutcomeView[] {
  return outcomes.map((o) => ({
    id: o.id,
    label: escapeCardText(o.label),
    choiceTitle: plainCardText(o.label),
    explanation: escapeCardText(o.explanation),
    condition: o.condition ? CONDITION_TEXT[o.condition] : '',
    hasCondition: o.condition !== undefined,
  }));
}

export function reviewRulesOf(procedure: Procedure, state: CaseState): ReviewRules | undefined {
  return stageOf(procedure, state.stageId)?.review;
}

/** Everyone named on the case whose role carries out the current stage's review. */
export function reviewersOf(procedure: Procedure, state: CaseState): Person[] {
  const review = reviewRulesOf(procedure, state);
  if (!review) return [];
  return state.people.filter((p) => review.reviewers.includes(p.role));
}

export const RATING_LABELS = { met: 'Met', partly_met: 'Partly met', not_met: 'Not met' } as const;
export const RATING_COLORS = { met: 'Good', partly_met: 'Warning', not_met: 'Attention' } as const;
