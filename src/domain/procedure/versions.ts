import { describeDuration, type Duration } from '../calendar/index.js';
import type { InformRule, Outcome, Procedure, Recipient, Stage } from './schema.js';

/**
 * Versions of a procedure. A provider revises its procedure most years; a case keeps the rules
 * it was opened under until an administrator moves it on. A version is identified by the
 * procedure's id and a hash of its whole definition (its `version` label is the provider's
 * name for it and may be left unchanged by mistake), so two definitions that differ in
 * anything at all are two versions.
 *
 * `canonicalProcedureJson` is what the hash is taken of: the loaded definition as JSON with
 * every object's keys in order, so the same procedure written in another key order, in YAML or
 * in JSON, is the same version.
 */

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) out[key] = canonical(field);
    }
    return out;
  }
  return value;
}

export function canonicalProcedureJson(procedure: Procedure): string {
  return canonicalJson(procedure);
}

/** Any JSON value with its objects' keys in order (a kept definition is checked against its hash this way). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

/** "version 2", "version '2026-27'". */
export function versionLabel(version: number | string): string {
  return `version ${String(version)}`;
}

const windowText = (window: Duration | undefined): string =>
  window === undefined ? 'no set review window' : describeDuration(window);

function targetLimitText(stage: Stage): string | undefined {
  const plan = stage.plan;
  if (!plan) return undefined;
  const most = plan.maxTargets === undefined ? 'no upper limit' : `at most ${plan.maxTargets}`;
  return `at least ${plan.minTargets}, ${most}`;
}

function effectText(procedure: Procedure, outcome: Outcome): string {
  const effect = outcome.effect;
  const stageTitle = (id: string) => procedure.stages.find((s) => s.id === id)?.title ?? id;
  switch (effect.type) {
    case 'close':
      return `closes the case (${effect.resolution})`;
    case 'go_to_stage':
      return `moves the case to ${stageTitle(effect.stage)}`;
    case 'revise':
      return `asks for revised targets, reviewed at ${stageTitle(effect.reviewAt)}`;
    case 'hand_off':
      return `hands the case to ${effect.to}`;
    case 'continue':
      return 'leaves the case where it is';
  }
}

function recipientText(procedure: Procedure, recipient: Recipient): string {
  const role = (id: string) => procedure.roles.find((r) => r.id === id)?.label ?? id;
  switch (recipient.kind) {
    case 'course_mailbox':
      return 'the course mailbox';
    case 'course_team_channel':
      return "the course team's channel";
    case 'role':
      return role(recipient.role);
    case 'role_if_absent':
      return `${role(recipient.role)} if absent`;
    case 'office':
      return recipient.label;
  }
}

function informText(procedure: Procedure, rules: readonly InformRule[]): string {
  if (rules.length === 0) return 'nobody';
  return rules
    .map((rule) => `${rule.to.map((r) => recipientText(procedure, r)).join(', ')} (${rule.on.replaceAll('_', ' ')})`)
    .join('; ');
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function outcomesOf(stage: Stage): readonly Outcome[] {
  return stage.review?.outcomes ?? [];
}

function outcomeChanges(
  from: Procedure,
  to: Procedure,
  where: string,
  before: readonly Outcome[],
  after: readonly Outcome[],
): string[] {
  const changes: string[] = [];
  for (const outcome of before) {
    if (!after.some((o) => o.id === outcome.id)) changes.push(`${where}: the outcome "${outcome.label}" is removed.`);
  }
  for (const outcome of after) {
    const old = before.find((o) => o.id === outcome.id);
    if (old === undefined) {
      changes.push(`${where}: a new outcome, "${outcome.label}", which ${effectText(to, outcome)}.`);
      continue;
    }
    if (old.label !== outcome.label) changes.push(`${where}: the outcome "${old.label}" is now "${outcome.label}".`);
    const oldEffect = effectText(from, old);
    const newEffect = effectText(to, outcome);
    if (!same(old.effect, outcome.effect) && oldEffect !== newEffect) {
      changes.push(`${where}: "${outcome.label}" ${newEffect}, where it ${oldEffect}.`);
    } else if (!same(old.effect, outcome.effect)) {
      changes.push(`${where}: what "${outcome.label}" leads to changes (${newEffect}).`);
    }
    if (!same(old.by, outcome.by)) {
      const who = (p: Procedure, ids: readonly string[]) =>
        ids.length === 0 ? 'the reviewers' : ids.map((id) => p.roles.find((r) => r.id === id)?.label ?? id).join(', ');
      changes.push(
        `${where}: "${outcome.label}" is decided by ${who(to, outcome.by)}, where it was ${who(from, old.by)}.`,
      );
    }
  }
  return changes;
}

function stageChanges(from: Procedure, to: Procedure, before: Stage, after: Stage): string[] {
  const where = after.title;
  const changes: string[] = [];
  if (before.title !== after.title) changes.push(`The stage "${before.title}" is now called "${after.title}".`);
  if (before.plan !== undefined && after.plan === undefined) changes.push(`${where}: no longer has a plan.`);
  if (before.plan === undefined && after.plan !== undefined)
    changes.push(`${where}: now has a plan ("${after.plan.title}").`);
  if (before.plan !== undefined && after.plan !== undefined) {
    if (!same(before.plan.reviewWindow, after.plan.reviewWindow)) {
      changes.push(
        `${where}: the review window is ${windowText(after.plan.reviewWindow)}, where it was ${windowText(before.plan.reviewWindow)}.`,
      );
    }
    const oldLimit = targetLimitText(before);
    const newLimit = targetLimitText(after);
    if (oldLimit !== newLimit) changes.push(`${where}: targets ${newLimit}, where it was ${oldLimit}.`);
    if (!same(before.plan.signatures, after.plan.signatures)) changes.push(`${where}: who signs the plan changes.`);
    if (!same(before.plan.fields, after.plan.fields))
      changes.push(`${where}: the plan form asks for different things.`);
  }
  if (!same(before.extensionCap, after.extensionCap)) {
    const cap = (c: Duration | undefined) => (c === undefined ? 'no limit' : describeDuration(c));
    changes.push(
      `${where}: a review date can be extended up to ${cap(after.extensionCap)}, where it was ${cap(before.extensionCap)}.`,
    );
  }
  if (before.review !== undefined && after.review === undefined) changes.push(`${where}: no longer has a review.`);
  if (before.review === undefined && after.review !== undefined) changes.push(`${where}: now has a review.`);
  if (
    before.review !== undefined &&
    after.review !== undefined &&
    !same(before.review.reviewers, after.review.reviewers)
  ) {
    changes.push(`${where}: who reviews changes.`);
  }
  changes.push(...outcomeChanges(from, to, where, outcomesOf(before), outcomesOf(after)));
  if (before.panel !== after.panel) changes.push(`${where}: the panel that decides it changes.`);
  if (before.next !== after.next) changes.push(`${where}: the stage that reviews its plan changes.`);
  if (!same(before.escalateTo, after.escalateTo)) changes.push(`${where}: the stages it can be escalated to change.`);
  if (!same(before.tasks, after.tasks)) changes.push(`${where}: its tasks change.`);
  if (!same(before.milestones, after.milestones) || before.durationWeeks !== after.durationWeeks) {
    changes.push(`${where}: its week-by-week plan changes.`);
  }
  if (!same(before.inform, after.inform)) {
    changes.push(
      `${where}: who is told is now ${informText(to, after.inform)}; it was ${informText(from, before.inform)}.`,
    );
  }
  return changes;
}

/**
 * What changes for a case moved from one version of a procedure to another, in plain words:
 * roles, stages, review windows, target limits, outcomes and where they lead, panels and who is
 * told. Wording alone (explanations, notes) is summed up in one line. Empty when the two are
 * the same definition.
 */
export function procedureChanges(from: Procedure, to: Procedure): string[] {
  const changes: string[] = [];
  if (from.name !== to.name) changes.push(`The procedure is now called "${to.name}" (it was "${from.name}").`);
  for (const role of from.roles) {
    if (!to.roles.some((r) => r.id === role.id)) changes.push(`The role ${role.label} is removed.`);
  }
  for (const role of to.roles) {
    const old = from.roles.find((r) => r.id === role.id);
    if (old === undefined)
      changes.push(`A new role: ${role.label}${role.requiredOnCase ? ', required on every case' : ''}.`);
    else {
      if (old.label !== role.label) changes.push(`The role ${old.label} is now called ${role.label}.`);
      if (old.requiredOnCase !== role.requiredOnCase) {
        changes.push(
          `${role.label} is ${role.requiredOnCase ? 'now required on every case' : 'no longer required on a case'}.`,
        );
      }
    }
  }
  for (const stage of from.stages) {
    if (!to.stages.some((s) => s.id === stage.id)) changes.push(`The stage "${stage.title}" is removed.`);
  }
  for (const stage of to.stages) {
    const old = from.stages.find((s) => s.id === stage.id);
    if (old === undefined) changes.push(`A new stage: "${stage.title}".`);
    else changes.push(...stageChanges(from, to, old, stage));
  }
  const order = (p: Procedure) =>
    p.stages
      .map((s) => s.id)
      .filter((id) => from.stages.some((s) => s.id === id) && to.stages.some((s) => s.id === id));
  if (!same(order(from), order(to))) changes.push('The stages come in a different order.');
  for (const panel of from.panels) {
    if (!to.panels.some((p) => p.id === panel.id)) changes.push(`The panel "${panel.title}" is removed.`);
  }
  for (const panel of to.panels) {
    const old = from.panels.find((p) => p.id === panel.id);
    if (old === undefined) changes.push(`A new panel: "${panel.title}".`);
    else {
      changes.push(...outcomeChanges(from, to, panel.title, old.decisions, panel.decisions));
      const { decisions: _a, ...rest } = panel;
      const { decisions: _b, ...oldRest } = old;
      if (!same(rest, oldRest)) changes.push(`${panel.title}: who convenes it, its size or its quorum changes.`);
    }
  }
  if (!same(from.copyAllCorrespondenceTo, to.copyAllCorrespondenceTo))
    changes.push('Who is copied on all correspondence changes.');
  if (!same(from.reasons, to.reasons)) changes.push('The reasons a case can be opened for change.');
  if (!same(from.calendar, to.calendar)) changes.push("The provider's closure days change.");
  if (!same(from.retention, to.retention)) changes.push('How long a closed case is kept changes.');
  if (changes.length === 0 && canonicalProcedureJson(from) !== canonicalProcedureJson(to)) {
    changes.push('Wording only: no stage, window, target limit, outcome or role changes.');
  }
  return changes;
}

/**
 * Why a case at `stageId` (with a plan reviewed at `reviewAt`, if any) cannot follow `to`, or
 * undefined when it can: every stage the case stands on must exist in the version it moves to.
 */
export function versionMoveBlocker(
  to: Procedure,
  at: { readonly stageId: string; readonly stageTitle: string; readonly planStages: readonly string[] },
): string | undefined {
  if (!to.stages.some((s) => s.id === at.stageId)) {
    return `The case is at "${at.stageTitle}", which ${versionLabel(to.version)} of ${to.name} does not have, so it cannot follow that version; it stays on its own.`;
  }
  const missing = at.planStages.find((id) => !to.stages.some((s) => s.id === id));
  if (missing !== undefined) {
    return `The case's plan is reviewed at a stage ("${missing}") that ${versionLabel(to.version)} of ${to.name} does not have, so it cannot follow that version; it stays on its own.`;
  }
  return undefined;
}
