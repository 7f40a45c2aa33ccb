import {
  addDays,
  describeDuration,
  describeNonWorkingReason,
  explainWindow,
  formatLongDate,
  isAfter,
  type LocalDate,
} from '../../../domain/calendar/index';
import { calendarFor } from '../../../domain/case/command-kit';
import { windowEnd } from '../../../domain/case/plan-rules';
import type { PlanRules } from '../../../domain/procedure/schema';
import type { PlanBody, ProcedureDefinition } from '../../api/trellis-api';
import type { FrameworkDetail, Plan } from '../../api/types';
import { newKey } from '../form-keys';

/**
 * A plan as it is being written, in the new-case wizard and in "Edit plan" on the case: concerns
 * and targets linked to standards, actions per party, the review date, training needs and support.
 * Limits come from the plan's form rules in the procedure definition; the review window is dated
 * with the same pure calendar the server uses. Problems are plain sentences.
 */

export interface Link {
  readonly frameworkId: string;
  readonly code: string;
}

export interface ConcernDraft {
  readonly key: string;
  readonly text: string;
  readonly links: readonly Link[];
  /** The grade against the grade descriptors (a scale id), where the form grades concerns; '' for none. Absent in drafts kept before grades. */
  readonly grade?: string;
}

export interface TargetDraft {
  readonly key: string;
  /** The plan's own id for the target (T1 …), kept when editing so reviews still refer to it. */
  readonly id?: string;
  readonly text: string;
  readonly links: readonly Link[];
  /** Action text per party (role id or responsibility code). */
  readonly actions: Readonly<Record<string, string>>;
  readonly successCriteria: string;
  readonly timescale: string;
  readonly supportRequired: string;
  readonly monitoring: string;
  readonly observationFocus: boolean;
}

/** The plan parts of a draft: what the plan editor edits, and what a plan is saved from. */
export interface PlanDraft {
  readonly concernStatement: string;
  readonly concerns: readonly ConcernDraft[];
  readonly targets: readonly TargetDraft[];
  readonly reviewDate: string;
  readonly trainingNeeds: string;
  readonly supportMeasures: readonly string[];
}

export const emptyTarget = (): TargetDraft => ({
  key: newKey('target'),
  text: '',
  links: [],
  actions: {},
  successCriteria: '',
  timescale: '',
  supportRequired: '',
  monitoring: '',
  observationFocus: false,
});
export const emptyConcern = (): ConcernDraft => ({ key: newKey('concern'), text: '', links: [] });

/** Who may be given actions on the form: role ids and responsibility codes, with the provider's labels. */
export function actionParties(
  procedure: ProcedureDefinition,
  rules: PlanRules,
): { readonly id: string; readonly label: string }[] {
  return [
    ...rules.actionParties.map((id) => ({ id, label: procedure.roles.find((r) => r.id === id)?.label ?? id })),
    ...rules.responsibilities.map((r) => ({ id: r.code, label: r.label })),
  ];
}

export interface CatalogueOption {
  readonly value: string;
  readonly frameworkId: string;
  readonly code: string;
  readonly text: string;
}

export function catalogueOptions(frameworks: readonly FrameworkDetail[]): CatalogueOption[] {
  return frameworks.flatMap((f) =>
    f.groups.flatMap((g) => [
      { value: `${f.id}|${g.code}`, frameworkId: f.id, code: g.code, text: `${g.code} — ${g.title}` },
      ...g.items.map((i) => ({
        value: `${f.id}|${i.code}`,
        frameworkId: f.id,
        code: i.code,
        text: `${i.code} — ${i.text}`,
      })),
    ]),
  );
}

export const linkValue = (l: Link): string => `${l.frameworkId}|${l.code}`;

export interface ReviewWindowView {
  readonly earliest: LocalDate;
  readonly latest: LocalDate | undefined;
  readonly explanation: string;
  readonly skipped: readonly string[];
}

/**
 * The review date window if the plan were agreed today (the server counts from the day it is
 * agreed, so this is provisional): after today, and on or before the window's end.
 */
export function reviewWindowFor(procedure: ProcedureDefinition, rules: PlanRules, today: LocalDate): ReviewWindowView {
  if (rules.reviewWindow === undefined) {
    return {
      earliest: addDays(today, 1),
      latest: undefined,
      explanation: `${procedure.name} sets no latest review date at this stage.`,
      skipped: [],
    };
  }
  const calendar = calendarFor(procedure);
  const latest = windowEnd(calendar, today, rules.reviewWindow);
  const skipped = explainWindow(calendar, today, rules.reviewWindow)
    .skipped.filter((d) => describeNonWorkingReason(d.reason) !== describeNonWorkingReason('weekend'))
    .map((d) => `${formatLongDate(d.date)} (${describeNonWorkingReason(d.reason)})`);
  const unit =
    rules.reviewWindow.unit === 'working_days'
      ? ' Working days are Monday to Friday, not counting bank holidays or the provider’s closure days.'
      : '';
  return {
    earliest: addDays(today, 1),
    latest,
    // The procedure's own words are a sentence of their own, after the limit in plain words.
    explanation: `The review must be within ${describeDuration(rules.reviewWindow)} of the plan being agreed: if the plan is agreed today (${formatLongDate(today)}), that is by ${formatLongDate(latest)}.${rules.reviewWindowText === undefined ? '' : ` ${procedure.provider.name}: “${rules.reviewWindowText.trim()}”`}${unit}`,
    skipped,
  };
}

/** The plan to save right after opening, or undefined when nothing was written for it. */
export function planBody(draft: PlanDraft): PlanBody | undefined {
  const concerns = draft.concerns
    .filter((c) => c.text.trim() !== '')
    .map((c) => ({
      text: c.text.trim(),
      links: c.links,
      ...(c.grade === undefined || c.grade === '' ? {} : { grade: c.grade }),
    }));
  const targets = draft.targets
    .filter((t) => t.text.trim() !== '')
    .map((t) => ({
      ...(t.id === undefined ? {} : { id: t.id }),
      text: t.text.trim(),
      links: t.links,
      actions: Object.entries(t.actions)
        .filter(([, text]) => text.trim() !== '')
        .map(([party, text]) => ({ party, text: text.trim() })),
      ...(t.successCriteria.trim() === '' ? {} : { successCriteria: t.successCriteria.trim() }),
      ...(t.timescale.trim() === '' ? {} : { timescale: t.timescale.trim() }),
      ...(t.supportRequired.trim() === '' ? {} : { supportRequired: t.supportRequired.trim() }),
      ...(t.monitoring.trim() === '' ? {} : { monitoring: t.monitoring.trim() }),
      ...(t.observationFocus ? { observationFocus: true } : {}),
    }));
  const statement = draft.concernStatement.trim();
  const trainingNeeds = draft.trainingNeeds.trim();
  const supportMeasures = draft.supportMeasures.map((m) => m.trim()).filter((m) => m !== '');
  if (
    concerns.length === 0 &&
    targets.length === 0 &&
    draft.reviewDate === '' &&
    statement === '' &&
    trainingNeeds === '' &&
    supportMeasures.length === 0
  )
    return undefined;
  return {
    concerns,
    targets,
    ...(draft.reviewDate === '' ? {} : { reviewDate: draft.reviewDate }),
    ...(statement === '' ? {} : { concernStatement: statement }),
    ...(trainingNeeds === '' ? {} : { trainingNeeds }),
    ...(supportMeasures.length === 0 ? {} : { supportMeasures }),
  };
}

/** The draft to edit an existing plan with: its content, keyed for the form. */
/** A stored draft of the plan editor (localStorage) still has the editor's shape. */
export function isPlanDraft(value: unknown): value is PlanDraft {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d.concernStatement === 'string' &&
    Array.isArray(d.concerns) &&
    Array.isArray(d.targets) &&
    typeof d.reviewDate === 'string' &&
    typeof d.trainingNeeds === 'string' &&
    Array.isArray(d.supportMeasures)
  );
}

export function draftFromPlan(plan: Plan): PlanDraft {
  const c = plan.content;
  return {
    concernStatement: c.concernStatement ?? '',
    concerns: c.concerns.map((x) => ({ key: newKey('concern'), text: x.text, links: x.links, grade: x.grade ?? '' })),
    targets: c.targets.map((t) => ({
      key: newKey('target'),
      id: t.id,
      text: t.text,
      links: t.links,
      actions: Object.fromEntries(t.actions.map((a) => [a.party, a.text])),
      successCriteria: t.successCriteria ?? '',
      timescale: t.timescale ?? '',
      supportRequired: t.supportRequired ?? '',
      monitoring: t.monitoring ?? '',
      observationFocus: t.observationFocus,
    })),
    reviewDate: c.reviewDate ?? '',
    trainingNeeds: c.trainingNeeds ?? '',
    supportMeasures: c.supportMeasures,
  };
}

/** Problems in the plan parts of a draft (concerns, targets, review date), with the given rules. */
export function planProblems(
  draft: PlanDraft,
  procedure: ProcedureDefinition,
  rules: PlanRules,
  today: LocalDate,
): string[] {
  return [...concernProblems(draft), ...targetProblems(draft, procedure, rules, today)];
}

export function concernProblems(draft: PlanDraft): string[] {
  return draft.concerns.flatMap((c, i) =>
    c.text.trim() === '' ? [`Concern ${i + 1} is empty: describe it or remove it.`] : [],
  );
}

/** The targets and review date against the plan's limits: what the server checks, said as the person types. */
export function targetProblems(
  draft: PlanDraft,
  procedure: ProcedureDefinition,
  rules: PlanRules,
  today: LocalDate,
): string[] {
  const problems: string[] = [];
  if (rules.maxTargets !== undefined && draft.targets.length > rules.maxTargets)
    problems.push(
      `${rules.title} allows at most ${rules.maxTargets} target${rules.maxTargets === 1 ? '' : 's'}; remove ${draft.targets.length - rules.maxTargets}.`,
    );
  draft.targets.forEach((t, i) => {
    if (t.text.trim() === '') problems.push(`Target ${i + 1} is empty: write it or remove it.`);
    if (rules.targetsLinkedToFramework && t.links.length === 0)
      problems.push(`Link target ${i + 1} to at least one standard.`);
  });
  if (rules.oneTargetPerObservation && draft.targets.filter((t) => t.observationFocus).length > 1)
    problems.push('Only one target can be the focus of an observation at a time.');
  if (draft.reviewDate !== '') {
    const window = reviewWindowFor(procedure, rules, today);
    if (!isAfter(draft.reviewDate as LocalDate, today))
      problems.push(`The review date must be after today, ${formatLongDate(today)}.`);
    else if (window.latest !== undefined && isAfter(draft.reviewDate as LocalDate, window.latest))
      problems.push(`The review date is too late: it must be on or before ${formatLongDate(window.latest)}.`);
  }
  return problems;
}
