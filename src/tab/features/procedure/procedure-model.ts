import { describeDuration } from '../../../domain/calendar/index';
import type { InformRule, Outcome, Recipient, Stage } from '../../../domain/procedure/schema';
import type { ProcedureDefinition } from '../../api/trellis-api';

/**
 * The procedure as people read it on paper, from the definition a case follows: who the roles
 * are, each stage with who does what, the review window, the outcomes and where each leads, and
 * who is told. Plain lines only; the page lays them out.
 */

export interface OutcomeLine {
  readonly id: string;
  readonly label: string;
  /** Where it leads: "Moves the case to Stage 2: Formal Cause for Concern". */
  readonly leadsTo: string;
  readonly explanation: string;
  /** "Decided by the Lead" when the procedure names who decides it. */
  readonly decidedBy: string | undefined;
}

export interface StagePage {
  readonly id: string;
  readonly title: string;
  readonly formality: string;
  readonly description: string | undefined;
  readonly opensHere: boolean;
  /** Who does what at this stage, one sentence each. */
  readonly whoDoesWhat: readonly string[];
  /** "The review is due 4 weeks after the plan is agreed", or undefined with no plan. */
  readonly reviewWindow: string | undefined;
  readonly targets: string | undefined;
  readonly outcomes: readonly OutcomeLine[];
  /** "When the plan is agreed: the course mailbox, the Tutor (with the form)". */
  readonly whoIsTold: readonly string[];
}

export interface ProcedurePage {
  readonly title: string;
  readonly provider: string;
  readonly version: string;
  readonly purpose: string;
  readonly roles: readonly { readonly label: string; readonly side: string; readonly note: string }[];
  readonly stages: readonly StagePage[];
  readonly panels: readonly {
    readonly title: string;
    readonly convenedBy: string;
    readonly size: string | undefined;
    readonly decisions: readonly OutcomeLine[];
  }[];
  readonly copiedTo: string | undefined;
}

const SIDES: Readonly<Record<string, string>> = { trainee: 'Trainee', school: 'School', provider: 'Provider' };
const WHEN: Readonly<Record<string, string>> = {
  case_opened: 'When the case is opened',
  plan_agreed: 'When the plan is agreed',
  review_recorded: 'When a review is recorded',
  stage_entered: 'When the case reaches this stage',
  decision_recorded: 'When a decision is recorded',
  case_closed: 'When the case is closed',
  placement_changed: 'When the placement moves to another school',
};
const RESOLUTIONS: Readonly<Record<string, string>> = {
  resolved: 'resolved',
  decision: 'by decision',
  withdrawn: 'withdrawn',
  referred: 'referred',
};

function roleLabel(procedure: ProcedureDefinition, id: string): string {
  return procedure.roles.find((r) => r.id === id)?.label ?? id;
}

const list = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;

const stageTitle = (procedure: ProcedureDefinition, id: string): string =>
  procedure.stages.find((s) => s.id === id)?.title ?? id;

export function leadsTo(procedure: ProcedureDefinition, outcome: Outcome): string {
  const effect = outcome.effect;
  switch (effect.type) {
    case 'close':
      return `Closes the case (${RESOLUTIONS[effect.resolution] ?? effect.resolution})`;
    case 'go_to_stage':
      return `Moves the case to ${stageTitle(procedure, effect.stage)}`;
    case 'revise':
      return `Revised targets, reviewed at ${stageTitle(procedure, effect.reviewAt)}`;
    case 'hand_off':
      return `Hands the case to ${effect.to}`;
    case 'continue':
      return 'The case carries on where it is';
  }
}

function outcomeLine(procedure: ProcedureDefinition, outcome: Outcome): OutcomeLine {
  return {
    id: outcome.id,
    label: outcome.label,
    leadsTo: leadsTo(procedure, outcome),
    explanation: outcome.explanation,
    decidedBy:
      outcome.by.length === 0
        ? undefined
        : `Decided by the ${list(outcome.by.map((id) => roleLabel(procedure, id)))} (or the course team)`,
  };
}

export function recipientLabel(procedure: ProcedureDefinition, recipient: Recipient): string {
  switch (recipient.kind) {
    case 'course_mailbox':
      return 'the course mailbox';
    case 'course_team_channel':
      return "the course team's Teams channel";
    case 'role':
      return `the ${roleLabel(procedure, recipient.role)}${recipient.otherwise ? ` (or ${recipient.otherwise.label})` : ''}`;
    case 'role_if_absent':
      return `the ${roleLabel(procedure, recipient.role)}, if not at the meeting`;
    case 'office':
      return recipient.label;
  }
}

function toldLine(procedure: ProcedureDefinition, rule: InformRule): string {
  const when = WHEN[rule.on] ?? rule.on;
  const only =
    rule.outcomes.length === 0
      ? ''
      : ` (only for ${list(
          rule.outcomes.map(
            (id) =>
              procedure.stages.flatMap((s) => s.review?.outcomes ?? []).find((o) => o.id === id)?.label ??
              procedure.panels.flatMap((p) => p.decisions).find((d) => d.id === id)?.label ??
              id,
          ),
        )})`;
  const form = rule.attachForm ? ', with the form' : '';
  return `${when}${only}: ${rule.to.map((r) => recipientLabel(procedure, r)).join(', ')}${form}.`;
}

function whoDoesWhat(procedure: ProcedureDefinition, stage: Stage): string[] {
  const lines: string[] = [];
  const roles = (ids: readonly string[]) => list(ids.map((id) => roleLabel(procedure, id)));
  const plan = stage.plan;
  if (plan) {
    const signers = plan.signatures.required.map((r) =>
      r.everyone ? `every ${roles(r.anyOf)}` : `the ${roles(r.anyOf)}${r.whenAssigned ? ' (if there is one)' : ''}`,
    );
    lines.push(
      signers.length > 0
        ? `The plan ("${plan.title}") is drawn up and signed by ${signers.join(', ')}.`
        : `The plan ("${plan.title}") is drawn up and agreed.`,
    );
    if (plan.actionParties.length > 0) lines.push(`Actions for: ${roles(plan.actionParties)}.`);
  }
  if (stage.review) {
    lines.push(`${stage.review.title}: reviewed by the ${roles(stage.review.reviewers)}.`);
    if (stage.review.agreedWithCourseTeam) lines.push('The outcome is agreed with the course team, who record it.');
  }
  if (stage.panel !== undefined) {
    lines.push(`Decided by ${procedure.panels.find((p) => p.id === stage.panel)?.title ?? stage.panel}.`);
  }
  if (stage.next !== undefined) lines.push(`The agreed plan is reviewed at ${stageTitle(procedure, stage.next)}.`);
  for (const task of stage.tasks) {
    lines.push(`${task.label}${task.by.length > 0 ? ` (the ${roles(task.by)})` : ''}.`);
  }
  if (stage.escalateTo.length > 0) {
    lines.push(
      `The course team may move the case on to ${list(stage.escalateTo.map((id) => stageTitle(procedure, id)))}.`,
    );
  }
  return lines;
}

function stagePage(procedure: ProcedureDefinition, stage: Stage, index: number): StagePage {
  const plan = stage.plan;
  const window =
    plan === undefined
      ? undefined
      : plan.reviewWindow !== undefined
        ? `The review is due ${describeDuration(plan.reviewWindow)} after the plan is agreed${stage.extensionCap ? `, and can be moved to at most ${describeDuration(stage.extensionCap)} after it` : ''}.`
        : (plan.reviewWindowText ?? 'The review date is agreed with the plan.');
  const targets =
    plan === undefined
      ? undefined
      : plan.maxTargets === undefined
        ? `At least ${plan.minTargets} target${plan.minTargets === 1 ? '' : 's'}.`
        : `${plan.minTargets === plan.maxTargets ? `${plan.maxTargets}` : `${plan.minTargets} to ${plan.maxTargets}`} target${plan.maxTargets === 1 ? '' : 's'}.`;
  return {
    id: stage.id,
    title: stage.title,
    formality: stage.formality,
    description: stage.description,
    opensHere: index === 0 || stage.openable,
    whoDoesWhat: whoDoesWhat(procedure, stage),
    reviewWindow: window,
    targets,
    outcomes: (stage.review?.outcomes ?? []).map((o) => outcomeLine(procedure, o)),
    whoIsTold: stage.inform.map((rule) => toldLine(procedure, rule)),
  };
}

export function procedurePage(procedure: ProcedureDefinition): ProcedurePage {
  return {
    title: procedure.name,
    provider: procedure.provider.name,
    version: String(procedure.version),
    purpose: procedure.purpose,
    roles: procedure.roles.map((r) => ({
      label: r.label,
      side: SIDES[r.side] ?? r.side,
      note: [r.requiredOnCase ? 'on every case' : 'where there is one', r.multiple ? 'can be several' : '']
        .filter((n) => n !== '')
        .join(', '),
    })),
    stages: procedure.stages.map((stage, index) => stagePage(procedure, stage, index)),
    panels: procedure.panels.map((panel) => ({
      title: panel.title,
      convenedBy:
        panel.convenedBy.length === 0
          ? 'Convened by the course team'
          : `Convened by the ${list(panel.convenedBy.map((id) => roleLabel(procedure, id)))}`,
      size:
        panel.maxMembers === undefined
          ? undefined
          : `Up to ${panel.maxMembers} members${panel.quorum === undefined ? '' : `, ${panel.quorum} to be quorate`}`,
      decisions: panel.decisions.map((d) => outcomeLine(procedure, d)),
    })),
    copiedTo:
      procedure.copyAllCorrespondenceTo === undefined
        ? undefined
        : `All correspondence is copied to ${procedure.copyAllCorrespondenceTo.to.map((r) => recipientLabel(procedure, r)).join(', ')}.`,
  };
}
