import { describeDuration, type Duration } from '../calendar/index.js';
import type { ProcedureProblem } from './load-procedure.js';
import type { Outcome, PlanRules, Procedure, Stage } from './schema.js';

/**
 * The walk checks: what a definition can get wrong that the schema and the reference checks
 * cannot see, because it is about the procedure as a whole. A stage nothing leads to, a case
 * that can never close, a review window of two years, fifteen targets, a copy that goes to
 * nobody. Errors make a definition unusable (Trellis refuses to start with it); warnings are
 * worth a look but may be what the provider wrote. Pure, so the start-up and the
 * `procedure:check` command run exactly the same checks.
 *
 * They assume the reference checks passed (every id a rule names exists).
 */

export interface ProcedureCheck {
  readonly errors: readonly ProcedureProblem[];
  readonly warnings: readonly ProcedureProblem[];
}

/** The most targets a plan may hold: more is not a focused support plan. */
export const MAX_PLAN_TARGETS = 10;
/** A review window or extension cap must be shorter than this many calendar days (a year). */
export const MAX_WINDOW_DAYS = 365;
/** A stage's week-by-week plan runs for at most a year. */
export const MAX_STAGE_WEEKS = 52;

/** Where a route goes: another stage (or the same one), or the end of the case. */
export type RouteTarget =
  | { readonly kind: 'stage'; readonly stageId: string }
  | { readonly kind: 'close'; readonly resolution: 'resolved' | 'decision' | 'withdrawn' | 'referred' }
  | { readonly kind: 'hand_off'; readonly to: string }
  /** A side panel's decision that leaves the case at whichever stage it was. */
  | { readonly kind: 'stays' };

export type RouteSource =
  { readonly kind: 'stage'; readonly stageId: string } | { readonly kind: 'panel'; readonly panelId: string };

export interface ProcedureRoute {
  readonly from: RouteSource;
  /** outcome: a review outcome; decision: a panel decision; next: a plan-only stage's review; escalation: the course team moving it on. */
  readonly via: 'outcome' | 'decision' | 'next' | 'escalation';
  readonly outcome?: Outcome;
  readonly to: RouteTarget;
  /** Where the route is defined, e.g. `stages[1].review.outcomes[2]`. */
  readonly path: string;
}

/** A stage that decides through a panel, or a side panel available at some stages. */
export interface PanelUse {
  readonly panelId: string;
  /** Empty for a side panel available at any stage. */
  readonly stageIds: readonly string[];
  /** The stage's own decision (BCU Stage 5), as against a side panel (RCTTP Exceptional Circumstances). */
  readonly own: boolean;
}

function targetOf(outcome: Outcome, from: RouteSource): RouteTarget {
  const effect = outcome.effect;
  switch (effect.type) {
    case 'close':
      return { kind: 'close', resolution: effect.resolution };
    case 'hand_off':
      return { kind: 'hand_off', to: effect.to };
    case 'go_to_stage':
      return { kind: 'stage', stageId: effect.stage };
    case 'revise':
      return { kind: 'stage', stageId: effect.reviewAt };
    case 'continue':
      return from.kind === 'stage' ? { kind: 'stage', stageId: from.stageId } : { kind: 'stays' };
  }
}

/** Every way a case moves on: outcomes, panel decisions, `next` and escalations, in definition order. */
export function procedureRoutes(procedure: Procedure): ProcedureRoute[] {
  const routes: ProcedureRoute[] = [];
  procedure.stages.forEach((stage, index) => {
    const from: RouteSource = { kind: 'stage', stageId: stage.id };
    const path = `stages[${index}]`;
    if (stage.next !== undefined) {
      routes.push({ from, via: 'next', to: { kind: 'stage', stageId: stage.next }, path: `${path}.next` });
    }
    stage.review?.outcomes.forEach((outcome, i) => {
      routes.push({
        from,
        via: 'outcome',
        outcome,
        to: targetOf(outcome, from),
        path: `${path}.review.outcomes[${i}]`,
      });
    });
    stage.escalateTo.forEach((to, i) => {
      routes.push({ from, via: 'escalation', to: { kind: 'stage', stageId: to }, path: `${path}.escalateTo[${i}]` });
    });
  });
  procedure.panels.forEach((panel, index) => {
    const from: RouteSource = { kind: 'panel', panelId: panel.id };
    panel.decisions.forEach((outcome, i) => {
      routes.push({
        from,
        via: 'decision',
        outcome,
        to: targetOf(outcome, from),
        path: `panels[${index}].decisions[${i}]`,
      });
    });
  });
  return routes;
}

/** Which panels decide at which stages. */
export function panelUses(procedure: Procedure): PanelUse[] {
  return procedure.panels.map((panel) => {
    const own = procedure.stages.filter((s) => s.panel === panel.id).map((s) => s.id);
    if (own.length > 0) return { panelId: panel.id, stageIds: own, own: true };
    return { panelId: panel.id, stageIds: panel.availableAt, own: false };
  });
}

/** The stages a case may be opened at: the first, and any marked `openable`. */
export function entryStages(procedure: Procedure): Stage[] {
  return procedure.stages.filter((stage, index) => index === 0 || stage.openable);
}

/** Stage → the stages it can lead to, and whether the case can end there, panels included. */
interface StageNode {
  readonly next: Set<string>;
  ends: boolean;
}

function stageGraph(procedure: Procedure): Map<string, StageNode> {
  const graph = new Map<string, StageNode>(
    procedure.stages.map((s) => [s.id, { next: new Set<string>(), ends: false }]),
  );
  const uses = panelUses(procedure);
  const follow = (stageId: string, target: RouteTarget): void => {
    const node = graph.get(stageId);
    if (!node) return;
    if (target.kind === 'stage') node.next.add(target.stageId);
    else if (target.kind === 'close' || target.kind === 'hand_off') node.ends = true;
  };
  for (const route of procedureRoutes(procedure)) {
    if (route.from.kind === 'stage') {
      follow(route.from.stageId, route.to);
      continue;
    }
    const panelId = route.from.panelId;
    const use = uses.find((u) => u.panelId === panelId);
    const stageIds = use === undefined || use.stageIds.length === 0 ? [...graph.keys()] : use.stageIds;
    for (const stageId of stageIds) follow(stageId, route.to.kind === 'stays' ? { kind: 'stage', stageId } : route.to);
  }
  return graph;
}

function reachableFrom(graph: ReturnType<typeof stageGraph>, starts: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of graph.get(id)?.next ?? []) queue.push(next);
  }
  return seen;
}

/** A duration as calendar days, at most: five working days take a week. */
export function calendarDaysOf(duration: Duration): number {
  switch (duration.unit) {
    case 'calendar_days':
      return duration.amount;
    case 'weeks':
      return duration.amount * 7;
    case 'working_days':
      return Math.ceil((duration.amount * 7) / 5);
  }
}

function roleLabelOf(procedure: Procedure, roleId: string): string {
  return procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;
}

/** Runs every walk check on a definition that passed the schema and the reference checks. */
export function checkProcedure(procedure: Procedure): ProcedureCheck {
  const errors: ProcedureProblem[] = [];
  const warnings: ProcedureProblem[] = [];
  const stageIndex = new Map(procedure.stages.map((s, i) => [s.id, i] as const));
  const stagePath = (id: string): string => `stages[${stageIndex.get(id) ?? 0}]`;

  // Every stage reachable from an entry stage, and from every reachable stage a way to close.
  const graph = stageGraph(procedure);
  const reachable = reachableFrom(
    graph,
    entryStages(procedure).map((s) => s.id),
  );
  for (const stage of procedure.stages) {
    if (!reachable.has(stage.id)) {
      errors.push({
        path: stagePath(stage.id),
        message: `stage "${stage.id}" cannot be reached: no entry, outcome, decision, escalation or "next" leads to it (mark it "openable" if cases may start there)`,
      });
      continue;
    }
    const onward = reachableFrom(graph, [stage.id]);
    if (![...onward].some((id) => graph.get(id)?.ends === true)) {
      errors.push({
        path: stagePath(stage.id),
        message: `a case at stage "${stage.id}" can never end: no outcome or decision from here on closes the case or hands it off`,
      });
    }
  }

  const outcomeIds = new Set([
    ...procedure.stages.flatMap((s) => s.review?.outcomes.map((o) => o.id) ?? []),
    ...procedure.panels.flatMap((p) => p.decisions.map((d) => d.id)),
  ]);

  const planChecks = (plan: PlanRules, path: string, extensionCap: Duration | undefined): void => {
    if (plan.maxTargets !== undefined && plan.maxTargets > MAX_PLAN_TARGETS) {
      errors.push({
        path: `${path}.maxTargets`,
        message: `${plan.maxTargets} targets is not a focused plan: allow at most ${MAX_PLAN_TARGETS}`,
      });
    }
    if (plan.minTargets > MAX_PLAN_TARGETS) {
      errors.push({ path: `${path}.minTargets`, message: `a plan cannot need more than ${MAX_PLAN_TARGETS} targets` });
    }
    const window = plan.reviewWindow;
    if (window !== undefined && calendarDaysOf(window) >= MAX_WINDOW_DAYS) {
      errors.push({
        path: `${path}.reviewWindow`,
        message: `a review window of ${describeDuration(window)} is a year or more: reviews must come sooner`,
      });
    }
    if (window === undefined && plan.reviewWindowText === undefined) {
      warnings.push({
        path,
        message:
          'the plan sets no review window ("reviewWindow") and says nothing about one ("reviewWindowText"): any review date will be accepted',
      });
    }
    if (window !== undefined && extensionCap !== undefined && calendarDaysOf(extensionCap) < calendarDaysOf(window)) {
      errors.push({
        path: `${path}.reviewWindow`,
        message: `the review window (${describeDuration(window)}) is longer than the stage's extension cap (${describeDuration(extensionCap)})`,
      });
    }
    plan.signatures.required.forEach((requirement, i) => {
      if (requirement.whenAssigned) return;
      const someoneAlways = requirement.anyOf.some((id) => procedure.roles.find((r) => r.id === id)?.requiredOnCase);
      if (!someoneAlways) {
        const names = requirement.anyOf.map((id) => roleLabelOf(procedure, id)).join(' or ');
        warnings.push({
          path: `${path}.signatures.required[${i}]`,
          message: `a case can be opened without a ${names}, and then the plan can never be agreed: mark the role "requiredOnCase", or the signature "whenAssigned"`,
        });
      }
    });
  };

  const offices = new Map<string, { label: string; path: string }>();
  const office = (id: string, label: string, path: string): void => {
    const seen = offices.get(id);
    if (seen === undefined) offices.set(id, { label, path });
    else if (seen.label !== label) {
      errors.push({
        path,
        message: `office "${id}" is called "${label}" here and "${seen.label}" at ${seen.path}: its mailbox is configured by id, so give each office one name`,
      });
    }
  };

  procedure.stages.forEach((stage, index) => {
    const path = `stages[${index}]`;
    if (stage.plan) planChecks(stage.plan, `${path}.plan`, stage.extensionCap);
    if (stage.extensionCap !== undefined && calendarDaysOf(stage.extensionCap) >= MAX_WINDOW_DAYS) {
      errors.push({ path: `${path}.extensionCap`, message: 'an extension cap of a year or more is no cap' });
    }
    if (stage.durationWeeks !== undefined && stage.durationWeeks > MAX_STAGE_WEEKS) {
      errors.push({ path: `${path}.durationWeeks`, message: `a stage of more than ${MAX_STAGE_WEEKS} weeks` });
    }
    if (stage.next !== undefined) {
      const next = procedure.stages.find((s) => s.id === stage.next);
      if (next && !next.review && next.panel === undefined) {
        errors.push({
          path: `${path}.next`,
          message: `stage "${next.id}" has no review or panel to judge the plan agreed here`,
        });
      }
    }
    stage.review?.outcomes.forEach((outcome, i) => {
      const at = `${path}.review.outcomes[${i}]`;
      if (outcome.effect.type === 'revise' && outcome.effect.plan) {
        planChecks(outcome.effect.plan, `${at}.effect.plan`, stage.extensionCap);
      }
      if (outcome.effect.type === 'continue') {
        warnings.push({
          path: `${at}.effect`,
          message: `outcome "${outcome.id}" leaves the case at this stage with its plan already reviewed: say where it goes ("go_to_stage", "revise", "close")`,
        });
      }
    });
    stage.inform.forEach((rule, i) => {
      rule.outcomes.forEach((id, j) => {
        if (!outcomeIds.has(id)) {
          errors.push({
            path: `${path}.inform[${i}].outcomes[${j}]`,
            message: `there is no outcome or decision "${id}" in this procedure, so this rule would never apply`,
          });
        }
      });
      rule.to.forEach((recipient, j) => {
        const at = `${path}.inform[${i}].to[${j}]`;
        switch (recipient.kind) {
          case 'office':
            office(recipient.office, recipient.label, at);
            return;
          case 'role': {
            if (recipient.otherwise) {
              office(recipient.otherwise.office, recipient.otherwise.label, `${at}.otherwise`);
              return;
            }
            const role = procedure.roles.find((r) => r.id === recipient.role);
            if (role && !role.requiredOnCase) {
              warnings.push({
                path: at,
                message: `when nobody on a case is the ${role.label}, nobody is told: add "otherwise" with an office to tell instead, or mark the role "requiredOnCase"`,
              });
            }
            return;
          }
          case 'role_if_absent':
          case 'course_mailbox':
          case 'course_team_channel':
            return;
        }
      });
    });
  });

  procedure.panels.forEach((panel, index) => {
    panel.decisions.forEach((decision, i) => {
      const at = `panels[${index}].decisions[${i}]`;
      if (decision.effect.type === 'revise' && decision.effect.plan) {
        planChecks(decision.effect.plan, `${at}.effect.plan`, undefined);
      }
    });
  });

  return { errors, warnings };
}

/** Every office a procedure may send to (id and name): each can be given a mailbox. */
export function officesOf(procedure: Procedure): { readonly id: string; readonly label: string }[] {
  const out = new Map<string, string>();
  for (const stage of procedure.stages) {
    for (const rule of stage.inform) {
      for (const recipient of rule.to) {
        if (recipient.kind === 'office' && !out.has(recipient.office)) out.set(recipient.office, recipient.label);
        if (recipient.kind === 'role' && recipient.otherwise && !out.has(recipient.otherwise.office)) {
          out.set(recipient.otherwise.office, recipient.otherwise.label);
        }
      }
    }
  }
  return [...out].map(([id, label]) => ({ id, label }));
}
