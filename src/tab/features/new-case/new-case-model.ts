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
import type { PlanRules, Stage } from '../../../domain/procedure/schema';
import type { OpenCaseBody, PlanBody, ProcedureDefinition } from '../../api/trellis-api';
import type { CaseSummary, FrameworkDetail, Plan } from '../../api/types';
import {
  emptyReinitiation,
  reinitiationInput,
  reinitiationProblems,
  reinitiationStanding,
  type ReinitiationDraft,
  type ReinitiationStanding,
} from './reinitiation-model';

/**
 * The new-case wizard's draft and its rules, read from the procedure definition: the provider's
 * names for roles, reasons and stages; the stage's target limit; the review window as dates
 * (working days skip weekends, England and Wales bank holidays and the provider's closures, with
 * the same pure calendar the server uses). Each step's problems are plain sentences.
 */
export const STEPS = ['procedure', 'people', 'concerns', 'targets', 'review'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_TITLES: Readonly<Record<Step, string>> = {
  procedure: 'Procedure and reasons',
  people: 'Trainee, people and placement',
  concerns: 'Concerns',
  targets: 'Targets and review date',
  review: 'Check and open',
};

export interface PersonDraft {
  readonly key: string;
  readonly role: string;
  readonly name: string;
  readonly email: string;
  /** Their sign-in name when chosen from the directory or a case (it may differ from the email); cleared when either is retyped. */
  readonly upn?: string;
}

export interface Link {
  readonly frameworkId: string;
  readonly code: string;
}

export interface ConcernDraft {
  readonly key: string;
  readonly text: string;
  readonly links: readonly Link[];
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

export interface WizardDraft {
  readonly procedureId: string;
  readonly stageId: string;
  readonly reference: string;
  readonly reasons: readonly string[];
  readonly people: readonly PersonDraft[];
  readonly school: string;
  readonly programme: string;
  readonly subject: string;
  readonly phase: string;
  readonly concernStatement: string;
  readonly concerns: readonly ConcernDraft[];
  readonly targets: readonly TargetDraft[];
  readonly reviewDate: string;
  readonly trainingNeeds: string;
  readonly supportMeasures: readonly string[];
  /** A second initiation, for procedures that allow one only on given grounds. */
  readonly reinitiation: ReinitiationDraft;
}

let counter = 0;
export const newKey = (prefix: string): string => `${prefix}-${++counter}`;

export const emptyDraft = (programme: string): WizardDraft => ({
  procedureId: '',
  stageId: '',
  reference: '',
  reasons: [],
  people: [],
  school: '',
  programme,
  subject: '',
  phase: '',
  concernStatement: '',
  concerns: [],
  targets: [],
  reviewDate: '',
  trainingNeeds: '',
  supportMeasures: [],
  reinitiation: emptyReinitiation,
});

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

/** The stage a new case opens at: the chosen openable stage, else the first. */
export function openingStage(procedure: ProcedureDefinition, stageId: string): Stage | undefined {
  return (
    procedure.stages.find((s) => s.id === stageId && (s.openable || s === procedure.stages[0])) ?? procedure.stages[0]
  );
}

export const openableStages = (procedure: ProcedureDefinition): Stage[] =>
  procedure.stages.filter((s, i) => i === 0 || s.openable);

export function planRulesFor(procedure: ProcedureDefinition, stageId: string): PlanRules | undefined {
  return openingStage(procedure, stageId)?.plan;
}

/** One empty line per role the procedure needs on every case (and the trainee), in the procedure's order. */
export function peopleFor(procedure: ProcedureDefinition): PersonDraft[] {
  return procedure.roles
    .filter((r) => r.requiredOnCase || r.side === 'trainee')
    .map((r) => ({ key: newKey('person'), role: r.id, name: '', email: '' }));
}

/** A suggested reference: the provider's short name, the year and a number, e.g. "BCU-2026-4821". */
export function suggestReference(
  procedure: ProcedureDefinition,
  today: string,
  random: () => number = Math.random,
): string {
  const prefix =
    procedure.provider.shortName
      .replace(/[^A-Za-z0-9]+/g, '')
      .toUpperCase()
      .slice(0, 12) || 'CASE';
  return `${prefix}-${today.slice(0, 4)}-${String(1000 + Math.floor(random() * 9000))}`;
}

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
    explanation: `The review must be ${rules.reviewWindowText ?? `within ${describeDuration(rules.reviewWindow)} of the plan being agreed`}. If the plan is agreed today (${formatLongDate(today)}), that is by ${formatLongDate(latest)}.${unit}`,
    skipped,
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The id a case records for a person: their sign-in name when known, else the email typed. */
const idOf = (p: PersonDraft): string => (p.upn ?? p.email).trim().toLowerCase();

/** The person in the procedure's trainee role, if a line for them exists. */
export function traineeOf(draft: WizardDraft, procedure: ProcedureDefinition): PersonDraft | undefined {
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  return draft.people.find((p) => traineeRoles.has(p.role));
}

/** Whether this case would be the trainee's second (or third) under the procedure, from the cases the caller can see. */
export function reinitiationStandingOf(
  draft: WizardDraft,
  procedure: ProcedureDefinition,
  visibleCases: readonly CaseSummary[],
): ReinitiationStanding {
  const trainee = traineeOf(draft, procedure);
  return reinitiationStanding(procedure, visibleCases, trainee === undefined ? '' : idOf(trainee), draft.reinitiation);
}

/**
 * What stops the person leaving this step, in sentences; empty when they can go on.
 * `visibleCases` are the cases the caller can see: the trainee's earlier ones decide whether a
 * re-initiation ground is needed.
 */
export function stepProblems(
  step: Step,
  draft: WizardDraft,
  procedure: ProcedureDefinition | undefined,
  today: LocalDate,
  visibleCases: readonly CaseSummary[] = [],
): string[] {
  const problems: string[] = [];
  if (step === 'procedure') {
    if (procedure === undefined) return ['Choose the procedure the case runs under.'];
    if (draft.reference.trim() === '') problems.push('Give the case a reference.');
    if (draft.reasons.length === 0) problems.push('Choose at least one reason for opening the case.');
    return problems;
  }
  if (procedure === undefined) return ['Choose the procedure first.'];
  const rules = planRulesFor(procedure, draft.stageId);
  if (step === 'people') {
    const label = (roleId: string): string => procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;
    draft.people.forEach((p) => {
      const blank = p.name.trim() === '' && p.email.trim() === '';
      const required =
        procedure.roles.find((r) => r.id === p.role)?.requiredOnCase === true ||
        procedure.roles.find((r) => r.id === p.role)?.side === 'trainee';
      if (blank && !required) return;
      if (p.name.trim() === '') problems.push(`Give the ${label(p.role)}’s name.`);
      if (!EMAIL.test(p.email.trim()))
        problems.push(`Give the ${label(p.role)}’s email address (their sign-in name), like name@school.example.`);
    });
    for (const role of procedure.roles) {
      const filled = draft.people.filter((p) => p.role === role.id && p.name.trim() !== '');
      if (!role.multiple && filled.length > 1) problems.push(`A case has one ${role.label}.`);
    }
    const emails = draft.people.filter((p) => p.email.trim() !== '').map((p) => `${p.role}|${idOf(p)}`);
    if (new Set(emails).size !== emails.length) problems.push('Someone is listed twice in the same role.');
    if (draft.school.trim() === '') problems.push('Give the placement school.');
    if (draft.programme.trim() === '') problems.push('Give the programme.');
    problems.push(
      ...reinitiationProblems(
        procedure,
        reinitiationStandingOf(draft, procedure, visibleCases),
        draft.reinitiation,
        traineeOf(draft, procedure)?.name ?? '',
      ),
    );
    return [...new Set(problems)];
  }
  if (step === 'concerns') return rules === undefined ? [] : concernProblems(draft);
  if (step === 'targets') return rules === undefined ? [] : targetProblems(draft, procedure, rules, today);
  return STEPS.filter((s) => s !== 'review').flatMap((s) => stepProblems(s, draft, procedure, today, visibleCases));
}

export function openCaseBody(
  draft: WizardDraft,
  procedure: ProcedureDefinition,
  visibleCases: readonly CaseSummary[] = [],
): OpenCaseBody {
  const trim = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
  const firstStage = procedure.stages[0];
  return {
    procedureId: procedure.id,
    reference: draft.reference.trim(),
    ...(draft.stageId !== '' && draft.stageId !== firstStage?.id ? { stageId: draft.stageId } : {}),
    reasons: draft.reasons,
    people: draft.people
      .filter((p) => p.name.trim() !== '' && p.email.trim() !== '')
      .map((p) => ({ role: p.role, id: idOf(p), name: p.name.trim(), email: p.email.trim().toLowerCase() })),
    placement: {
      school: draft.school.trim(),
      programme: draft.programme.trim(),
      ...(trim(draft.subject) === undefined ? {} : { subject: trim(draft.subject) }),
      ...(trim(draft.phase) === undefined ? {} : { phase: trim(draft.phase) }),
    },
    ...reinitiationPart(draft, procedure, visibleCases),
  };
}

function reinitiationPart(
  draft: WizardDraft,
  procedure: ProcedureDefinition,
  visibleCases: readonly CaseSummary[],
): Pick<OpenCaseBody, 'reinitiation'> {
  const reinitiation = reinitiationInput(
    procedure,
    reinitiationStandingOf(draft, procedure, visibleCases),
    draft.reinitiation,
  );
  return reinitiation === undefined ? {} : { reinitiation };
}

/** The plan to save right after opening, or undefined when nothing was written for it. */
export function planBody(draft: WizardDraft): PlanBody | undefined {
  const concerns = draft.concerns
    .filter((c) => c.text.trim() !== '')
    .map((c) => ({ text: c.text.trim(), links: c.links }));
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

/** The draft to edit an existing plan with: its content, keyed for the form (the rest of the wizard's draft is unused). */
export function draftFromPlan(plan: Plan): WizardDraft {
  const c = plan.content;
  return {
    ...emptyDraft(''),
    stageId: plan.stageId,
    concernStatement: c.concernStatement ?? '',
    concerns: c.concerns.map((x) => ({ key: newKey('concern'), text: x.text, links: x.links })),
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
  draft: WizardDraft,
  procedure: ProcedureDefinition,
  rules: PlanRules,
  today: LocalDate,
): string[] {
  return [...concernProblems(draft), ...targetProblems(draft, procedure, rules, today)];
}

function concernProblems(draft: WizardDraft): string[] {
  return draft.concerns.flatMap((c, i) =>
    c.text.trim() === '' ? [`Concern ${i + 1} is empty: describe it or remove it.`] : [],
  );
}

/** The targets and review date against the plan's limits: what the server checks, said as the person types. */
function targetProblems(
  draft: WizardDraft,
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
