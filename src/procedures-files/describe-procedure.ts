import { describeDuration } from '../domain/calendar/index.js';
import {
  entryStages,
  officesOf,
  panelUses,
  procedureRoutes,
  type ProcedureRoute,
  type RouteTarget,
} from '../domain/procedure/check-procedure.js';
import type {
  InformRule,
  NotifyTrigger,
  Outcome,
  PlanRules,
  Procedure,
  Recipient,
  Stage,
} from '../domain/procedure/schema.js';

/**
 * A procedure in plain words and as a diagram, for the person who wrote it (or is about to
 * roll it out) to read back: stages, who does what, windows, outcomes, who is told; and the
 * stages and outcomes as a Mermaid flowchart (GitHub, VS Code and most wikis draw it).
 */

const TRIGGER_WORDS: Readonly<Record<NotifyTrigger, string>> = {
  case_opened: 'when the case is opened',
  plan_agreed: 'when a plan is agreed',
  review_recorded: 'when a review is recorded',
  stage_entered: 'when the case reaches this stage',
  decision_recorded: 'when a decision is recorded',
  case_closed: 'when the case closes',
  placement_changed: 'when the placement moves to another school',
};

function roleLabel(procedure: Procedure, roleId: string): string {
  return procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;
}

function roles(procedure: Procedure, ids: readonly string[], joiner = ', '): string {
  return ids.map((id) => roleLabel(procedure, id)).join(joiner);
}

function stageTitle(procedure: Procedure, stageId: string): string {
  return procedure.stages.find((s) => s.id === stageId)?.title ?? stageId;
}

function effectWords(procedure: Procedure, outcome: Outcome, at: Stage | undefined): string {
  const effect = outcome.effect;
  switch (effect.type) {
    case 'close':
      return `closes the case (${effect.resolution})`;
    case 'go_to_stage':
      return effect.stage === at?.id ? 'starts this stage again' : `moves to ${stageTitle(procedure, effect.stage)}`;
    case 'revise':
      return `revised targets${effect.plan ? ` on "${effect.plan.title}"` : ''}, reviewed at ${stageTitle(procedure, effect.reviewAt)}`;
    case 'hand_off':
      return `hands the case off to ${effect.to}`;
    case 'continue':
      return 'the case stays where it is';
  }
}

function conditionWords(outcome: Outcome): string {
  switch (outcome.condition) {
    case undefined:
      return '';
    case 'all_targets_met':
      return ' (only when every target is met)';
    case 'some_target_not_met':
      return ' (only when a target is not met)';
  }
}

function recipientWords(procedure: Procedure, recipient: Recipient): string {
  switch (recipient.kind) {
    case 'course_mailbox':
      return 'the course mailbox';
    case 'course_team_channel':
      return "the course team's channel";
    case 'office':
      return `${recipient.label} (office "${recipient.office}")`;
    case 'role':
      return recipient.otherwise
        ? `${roleLabel(procedure, recipient.role)} (or ${recipient.otherwise.label} when nobody is)`
        : roleLabel(procedure, recipient.role);
    case 'role_if_absent':
      return `${roleLabel(procedure, recipient.role)} if not at the meeting`;
  }
}

function informWords(procedure: Procedure, rule: InformRule): string {
  const to = rule.to.map((r) => recipientWords(procedure, r)).join('; ');
  const only = rule.outcomes.length > 0 ? ` (after ${rule.outcomes.join(', ')})` : '';
  return `${TRIGGER_WORDS[rule.on]}${only}: ${to}${rule.attachForm ? ' — with the form' : ''}`;
}

function planLines(procedure: Procedure, plan: PlanRules, indent: string, extensionCap?: Stage['extensionCap']) {
  const lines: string[] = [];
  const targets =
    plan.maxTargets === undefined
      ? `at least ${plan.minTargets} target${plan.minTargets === 1 ? '' : 's'}`
      : `${plan.minTargets === plan.maxTargets ? '' : `${plan.minTargets}–`}${plan.maxTargets} targets`;
  const frameworks = plan.frameworks
    .map((id) => procedure.frameworks.find((f) => f.id === id)?.name ?? id)
    .join(' or ');
  lines.push(
    `${indent}Plan "${plan.title}": ${targets}${plan.targetsLinkedToFramework ? `, each linked to ${frameworks}` : ''}${plan.smartTargets ? ' (SMART)' : ''}${plan.oneTargetPerObservation ? '; one target per observation' : ''}`,
  );
  const window = plan.reviewWindow
    ? `reviewed within ${describeDuration(plan.reviewWindow)} of agreeing it`
    : 'review date agreed case by case';
  lines.push(`${indent}  ${window}${extensionCap ? `; extensions up to ${describeDuration(extensionCap)}` : ''}`);
  if (plan.actionParties.length > 0) lines.push(`${indent}  actions for: ${roles(procedure, plan.actionParties)}`);
  if (plan.meeting) {
    const mode = plan.meeting.mode === 'any' ? '' : ` (${plan.meeting.mode.replace('_', ' ')})`;
    lines.push(`${indent}  meeting${mode}: ${roles(procedure, plan.meeting.attendees) || 'no one named'}`);
  }
  const signatures = plan.signatures.required.map(
    (r) =>
      `${r.everyone ? 'every ' : ''}${roles(procedure, r.anyOf, ' or ')}${r.whenAssigned ? ' (when on the case)' : ''}`,
  );
  lines.push(`${indent}  signed by: ${signatures.length > 0 ? signatures.join('; ') : 'no signatures required'}`);
  return lines;
}

function outcomeLines(procedure: Procedure, outcomes: readonly Outcome[], at: Stage | undefined, indent: string) {
  return outcomes.map((o) => `${indent}→ ${o.label} [${o.id}]${conditionWords(o)}: ${effectWords(procedure, o, at)}`);
}

/** The procedure in plain words, one fact a line. */
export function describeProcedure(procedure: Procedure): string {
  const lines: string[] = [];
  lines.push(`${procedure.name} — ${procedure.provider.name}`);
  lines.push(`id ${procedure.id}, version ${procedure.version}${procedure.confidential ? ', confidential' : ''}`);
  lines.push(`Frameworks: ${procedure.frameworks.map((f) => f.name).join(', ')}`);
  lines.push('', 'Roles:');
  for (const role of procedure.roles) {
    const notes = [
      `${role.side} side`,
      ...(role.requiredOnCase ? ['on every case'] : []),
      ...(role.multiple ? ['several people may hold it'] : []),
    ];
    lines.push(`  ${role.label} [${role.id}] — ${notes.join(', ')}`);
  }
  lines.push(
    '',
    `Who raises a concern: ${[...procedure.raisedBy.map((id) => roleLabel(procedure, id)), 'the course team'].join(', ')}`,
  );
  lines.push(`Reasons: ${procedure.reasons.map((r) => `${r.id}${r.conduct ? ' (conduct)' : ''}`).join(', ')}`);
  lines.push(
    `A case opens at: ${entryStages(procedure)
      .map((s) => s.title)
      .join(' or ')}`,
  );
  lines.push('', 'Stages:');
  procedure.stages.forEach((stage, index) => {
    lines.push(`${index + 1}. ${stage.title} [${stage.id}] — ${stage.formality}`);
    if (stage.plan) lines.push(...planLines(procedure, stage.plan, '   ', stage.extensionCap));
    if (stage.next !== undefined) lines.push(`   the agreed plan is reviewed at ${stageTitle(procedure, stage.next)}`);
    if (stage.review) {
      lines.push(
        `   ${stage.review.title} (${stage.review.kind.replace('_', ' ')}) by ${roles(procedure, stage.review.reviewers, ' or ')}:`,
      );
      lines.push(...outcomeLines(procedure, stage.review.outcomes, stage, '     '));
    }
    if (stage.panel !== undefined) {
      lines.push(`   decided by the ${procedure.panels.find((p) => p.id === stage.panel)?.title ?? stage.panel}`);
    }
    if (stage.escalateTo.length > 0) {
      lines.push(
        `   the course team may move it on to: ${stage.escalateTo.map((id) => stageTitle(procedure, id)).join(', ')}`,
      );
    }
    for (const task of stage.tasks) {
      const by = task.by.length > 0 ? ` (${roles(procedure, task.by, ' or ')})` : '';
      lines.push(`   task: ${task.label}${by}`);
    }
    if (stage.durationWeeks !== undefined) lines.push(`   lasts ${stage.durationWeeks} weeks`);
    if (stage.inform.length > 0) {
      lines.push('   who is told:');
      for (const rule of stage.inform) lines.push(`     ${informWords(procedure, rule)}`);
    }
    stage.review?.outcomes.forEach((o) => {
      if (o.effect.type === 'revise' && o.effect.plan) {
        lines.push(`   after "${o.id}":`, ...planLines(procedure, o.effect.plan, '     ', stage.extensionCap));
      }
    });
  });
  if (procedure.panels.length > 0) {
    lines.push('', 'Panels:');
    for (const panel of procedure.panels) {
      const use = panelUses(procedure).find((u) => u.panelId === panel.id);
      const where =
        use === undefined || use.stageIds.length === 0
          ? 'at any stage'
          : `at ${use.stageIds.map((id) => stageTitle(procedure, id)).join(', ')}`;
      const size = [
        ...(panel.maxMembers === undefined ? [] : [`up to ${panel.maxMembers} members`]),
        ...(panel.quorum === undefined ? [] : [`${panel.quorum} to be quorate`]),
      ];
      lines.push(
        `  ${panel.title} [${panel.id}] — ${where}; convened by ${[...panel.convenedBy.map((id) => roleLabel(procedure, id)), 'the course team'].join(', ')}${size.length > 0 ? `; ${size.join(', ')}` : ''}`,
      );
      lines.push(...outcomeLines(procedure, panel.decisions, undefined, '    '));
    }
  }
  const offices = officesOf(procedure);
  if (offices.length > 0) {
    lines.push('', 'Offices told (each needs a mailbox, or the course team is asked to pass the message on):');
    for (const office of offices) lines.push(`  ${office.label} [${office.id}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Text inside a quoted Mermaid label: its own entity codes for the characters that end or open one. */
function mermaidText(text: string, max = 60): string {
  const short = text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
  return short.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** Node ids are prefixed (s_, p_, closed_): a bare id such as "end" is a Mermaid keyword. */
function targetNode(target: RouteTarget, handOffs: string[]): string {
  switch (target.kind) {
    case 'stage':
      return `s_${target.stageId}`;
    case 'close':
      return `closed_${target.resolution}`;
    case 'hand_off': {
      if (!handOffs.includes(target.to)) handOffs.push(target.to);
      return `handoff_${handOffs.indexOf(target.to)}`;
    }
    case 'stays':
      return 'stays';
  }
}

function edge(route: ProcedureRoute): string {
  switch (route.via) {
    case 'next':
      return '-->|"plan agreed"|';
    case 'escalation':
      return '-.->|"escalation"|';
    case 'outcome':
    case 'decision':
      return `-->|"${mermaidText(route.outcome?.label ?? '')}"|`;
  }
}

/** Stages (boxes), panels (hexagons) and how a case ends (rounded), joined by outcomes, as `flowchart TD`. */
export function procedureMermaid(procedure: Procedure): string {
  const lines = ['flowchart TD'];
  const handOffs: string[] = [];
  lines.push('  opened(("Concern raised"))');
  for (const stage of procedure.stages) {
    lines.push(`  s_${stage.id}["${mermaidText(stage.title)}<br/>${stage.formality}"]`);
  }
  const uses = panelUses(procedure);
  for (const panel of procedure.panels) {
    const use = uses.find((u) => u.panelId === panel.id);
    const anyStage = use !== undefined && !use.own && use.stageIds.length === 0 ? '<br/>at any stage' : '';
    lines.push(`  p_${panel.id}{{"${mermaidText(panel.title)}${anyStage}"}}`);
  }
  for (const stage of entryStages(procedure)) lines.push(`  opened --> s_${stage.id}`);
  const routes = procedureRoutes(procedure);
  // A panel deciding that the case stays where it is: back to the stage it decides at, when it has one.
  const stayAt = (route: ProcedureRoute): string | undefined => {
    if (route.from.kind !== 'panel') return undefined;
    const panelId = route.from.panelId;
    const use = uses.find((u) => u.panelId === panelId);
    return use?.own === true && use.stageIds.length === 1 ? `s_${use.stageIds[0] ?? ''}` : undefined;
  };
  let stays = false;
  for (const route of routes) {
    const from = route.from.kind === 'stage' ? `s_${route.from.stageId}` : `p_${route.from.panelId}`;
    const to = (route.to.kind === 'stays' ? stayAt(route) : undefined) ?? targetNode(route.to, handOffs);
    if (to === 'stays') stays = true;
    lines.push(`  ${from} ${edge(route)} ${to}`);
  }
  for (const use of uses) {
    for (const stageId of use.stageIds) {
      lines.push(use.own ? `  s_${stageId} --> p_${use.panelId}` : `  s_${stageId} -.->|"convene"| p_${use.panelId}`);
    }
  }
  const ends = new Set(routes.map((r) => r.to).flatMap((t) => (t.kind === 'close' ? [t.resolution] : [])));
  for (const resolution of ends) lines.push(`  closed_${resolution}(["Closed: ${resolution}"])`);
  handOffs.forEach((to, i) => {
    lines.push(`  handoff_${i}(["Handed off: ${mermaidText(to)}"])`);
  });
  if (stays) lines.push('  stays(["Stays at its stage"])');
  return `${lines.join('\n')}\n`;
}
