import type { LocalDate } from '../../../domain/calendar/index';
import type { PlanRules, Stage } from '../../../domain/procedure/schema';
import type { OpenCaseBody, ProcedureDefinition } from '../../api/trellis-api';
import type { CaseSummary } from '../../api/types';
import { newKey } from '../../shared/form-keys';
import { concernProblems, targetProblems, type PlanDraft } from '../../shared/plan-editor/plan-draft';
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
 * names for roles, reasons and stages, the people a case needs, the placement; the plan parts
 * (concerns, targets, review date) are the plan editor's. Each step's problems are plain sentences.
 */
export const STEPS = ['procedure', 'people', 'concerns', 'targets', 'review'] as const;

/**
 * Who opens the case: the course team draws up the whole draft (people, concerns, targets); a
 * trainee opens one about themselves where the procedure lets a trainee raise a concern (Bright
 * Futures: "Concerns raised by Professional Mentor, Mentor or Trainee"), and says what the concern
 * is. Their people and placement come from the placement roster; targets and the review date are
 * agreed at the meeting, so a trainee is not asked for them.
 */
export type Opener = 'course_team' | 'trainee';

/** The steps the wizard shows: the plan's steps only where the opening stage has a plan form; the trainee's, fewer. */
export function stepsFor(opener: Opener, hasPlan: boolean): Step[] {
  if (opener === 'trainee') return hasPlan ? ['procedure', 'concerns', 'review'] : ['procedure', 'review'];
  return STEPS.filter((s) => hasPlan || (s !== 'concerns' && s !== 'targets'));
}

/** Whether a trainee may open a case about themselves under the procedure. */
export function traineeMayRaise(procedure: Pick<ProcedureDefinition, 'raisedBy' | 'roles'>): boolean {
  return procedure.raisedBy.some((id) => procedure.roles.find((r) => r.id === id)?.side === 'trainee');
}

/** What a trainee opening a case is asked: what the concern is, in their words (it starts the plan's statement of concern). */
export const TRAINEE_CONCERN_LABEL = 'What is the concern?';

/** The trainee opening a case about themselves: their own line, and the placement the roster gives them. */
export function traineeOpening(
  draft: WizardDraft,
  procedure: ProcedureDefinition,
  me: { readonly upn: string; readonly name: string },
  placement: { readonly programme: string; readonly school: string },
): WizardDraft {
  const role = procedure.roles.find((r) => r.side === 'trainee')?.id ?? 'trainee';
  return {
    ...draft,
    people: [{ key: newKey('person'), role, name: me.name, email: me.upn, upn: me.upn }],
    programme: placement.programme,
    school: placement.school,
    concerns: [],
    targets: [],
    reviewDate: '',
  };
}
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

export interface WizardDraft extends PlanDraft {
  readonly procedureId: string;
  readonly stageId: string;
  readonly reference: string;
  readonly reasons: readonly string[];
  readonly people: readonly PersonDraft[];
  readonly school: string;
  /** The school office or headteacher: where "the school" is sent what the procedure says it is told. */
  readonly schoolContactEmail: string;
  readonly programme: string;
  readonly subject: string;
  readonly phase: string;
  /** A second initiation, for procedures that allow one only on given grounds. */
  readonly reinitiation: ReinitiationDraft;
}

export const emptyDraft = (programme: string): WizardDraft => ({
  procedureId: '',
  stageId: '',
  reference: '',
  reasons: [],
  people: [],
  school: '',
  schoolContactEmail: '',
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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The id a case records for a person: their sign-in name when known, else the email typed. */
const idOf = (p: PersonDraft): string => (p.upn ?? p.email).trim().toLowerCase();

/** The person in the procedure's trainee role, if a line for them exists. */
export function traineeOf(draft: WizardDraft, procedure: ProcedureDefinition): PersonDraft | undefined {
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  return draft.people.find((p) => traineeRoles.has(p.role));
}

/** The id the case will record for the trainee, once their sign-in name or email looks whole. */
export function traineeIdOf(draft: WizardDraft, procedure: ProcedureDefinition): string | undefined {
  const trainee = traineeOf(draft, procedure);
  if (trainee === undefined) return undefined;
  const id = idOf(trainee);
  return EMAIL.test(id) ? id : undefined;
}

/**
 * The last day of the trainee's placement in the programme, as the server gives the case it
 * opens: the roster row of the programme whose term is current, else its latest. The review date
 * is warned about (or refused, where the procedure sets a window) when it falls after it.
 */
export function placementEndOf(
  rows: readonly {
    readonly programme: string;
    readonly startsOn: string;
    readonly endsOn: string;
    readonly current: boolean;
  }[],
  programme: string,
): string | undefined {
  const ofProgramme = rows.filter((r) => r.programme === programme);
  const row =
    ofProgramme.find((r) => r.current) ?? [...ofProgramme].sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0];
  return row?.endsOn;
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
  opener: Opener = 'course_team',
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
    if (draft.schoolContactEmail.trim() !== '' && !EMAIL.test(draft.schoolContactEmail.trim()))
      problems.push('The school’s contact email should look like office@school.example, or be left empty.');
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
  if (step === 'concerns' && opener === 'trainee')
    return draft.concernStatement.trim() === ''
      ? ['Say what the concern is, in your own words: it starts the plan your mentors and Lead draw up with you.']
      : [];
  if (step === 'concerns') return rules === undefined ? [] : concernProblems(draft);
  if (step === 'targets') return rules === undefined ? [] : targetProblems(draft, procedure, rules, today);
  return stepsFor(opener, rules !== undefined)
    .filter((s) => s !== 'review')
    .flatMap((s) => stepProblems(s, draft, procedure, today, visibleCases, opener));
}

export function openCaseBody(
  draft: WizardDraft,
  procedure: ProcedureDefinition,
  visibleCases: readonly CaseSummary[] = [],
  opener: Opener = 'course_team',
): OpenCaseBody {
  const trim = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
  // A trainee's concern goes with the opening (the plan's draft starts from it); the course
  // team's draft is saved as a whole once the case is open.
  const concern = opener === 'trainee' ? trim(draft.concernStatement) : undefined;
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
      ...(trim(draft.schoolContactEmail) === undefined
        ? {}
        : { schoolContactEmail: draft.schoolContactEmail.trim().toLowerCase() }),
    },
    ...reinitiationPart(draft, procedure, visibleCases),
    ...(concern === undefined ? {} : { concern }),
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
