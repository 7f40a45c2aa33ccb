import { DomainError } from '../errors.js';
import { getStage } from '../procedure/load-procedure.js';
import type { Outcome, PlanRules, Stage } from '../procedure/schema.js';
import { todayOf, type CommandContext, type EventBuilder } from './command-kit.js';
import type { PlanContentData } from './events.js';
import type { PlanContent, StageEntry, TargetProgress } from './types.js';

/** Progress from the latest review of the current plan, if any. */
function lastProgress(builder: EventBuilder): readonly TargetProgress[] {
  const { plan, reviews } = builder.state;
  const last = reviews.at(-1);
  return last !== undefined && plan !== undefined && last.planVersion === plan.version ? last.progress : [];
}

/**
 * How a case moves: entering a stage (starting its plan, or carrying the agreed plan into
 * its review) and applying an outcome's effect. Shared by open, review, panel, escalation.
 */

export const EMPTY_PLAN: PlanContentData = {
  concerns: [],
  targets: [],
  supportMeasures: [],
  meeting: { attendees: [], placementConcern: false },
};

/**
 * Revised targets start from the previous plan's concerns and targets, never its signatures or
 * date. When the new form allows fewer targets, the ones still not met are kept first: the new
 * draft must itself respect the form's limit.
 */
export function carriedContent(
  previous: PlanContent | undefined,
  rules: PlanRules,
  lastProgress: readonly TargetProgress[] = [],
): PlanContentData {
  if (!previous) return EMPTY_PLAN;
  const clean = <T>(value: T | undefined): T | undefined => value;
  const unmetFirst = (id: string): number => {
    const rating = lastProgress.find((p) => p.targetId === id)?.rating;
    return rating === 'met' ? 1 : 0;
  };
  const targets = [...previous.targets]
    .map((t, index) => ({ t, index }))
    .sort((a, b) => unmetFirst(a.t.id) - unmetFirst(b.t.id) || a.index - b.index)
    .slice(0, rules.maxTargets ?? previous.targets.length)
    .sort((a, b) => a.index - b.index)
    .map(({ t }) => t);
  return {
    ...(previous.concernStatement === undefined ? {} : { concernStatement: previous.concernStatement }),
    concerns: previous.concerns.map((c) => ({ text: c.text, links: c.links.map((l) => ({ ...l })) })),
    targets: targets.map((t) => ({
      id: t.id,
      text: t.text,
      links: t.links.map((l) => ({ ...l })),
      actions: t.actions.map((a) => ({ ...a })),
      observationFocus: t.observationFocus,
      ...(clean(t.successCriteria) === undefined ? {} : { successCriteria: t.successCriteria }),
      ...(clean(t.timescale) === undefined ? {} : { timescale: t.timescale }),
      ...(clean(t.supportRequired) === undefined ? {} : { supportRequired: t.supportRequired }),
      ...(clean(t.monitoring) === undefined ? {} : { monitoring: t.monitoring }),
    })),
    ...(previous.trainingNeeds === undefined ? {} : { trainingNeeds: previous.trainingNeeds }),
    supportMeasures: [...previous.supportMeasures],
    meeting: { attendees: [], placementConcern: previous.meeting.placementConcern },
  };
}

/**
 * Enters a stage. A stage with its own plan starts a new plan (carrying the last targets as a
 * starting point); a review stage keeps the agreed plan, which it will judge.
 */
export function enterStage(
  builder: EventBuilder,
  ctx: CommandContext,
  stage: Stage,
  via: StageEntry,
  options: { readonly startPlan: boolean; readonly content?: PlanContentData } = { startPlan: true },
): void {
  const state = builder.state;
  builder.add('stage_entered', {
    stageId: stage.id,
    ...(state.stageId === '' ? {} : { fromStageId: state.stageId }),
    via,
    startsOn: todayOf(ctx),
  });
  if (stage.plan && options.startPlan) {
    builder.add('plan_started', {
      version: (builder.state.plan?.version ?? 0) + 1,
      stageId: stage.id,
      reviewAt: stage.review || stage.panel !== undefined ? stage.id : (stage.next ?? stage.id),
      rulesFrom: { stageId: stage.id },
      content: options.content ?? carriedContent(builder.state.plan?.content, stage.plan, lastProgress(builder)),
    });
  }
}

/** Applies what an outcome or decision does next. */
export function applyOutcome(
  builder: EventBuilder,
  ctx: CommandContext,
  outcome: Outcome,
  from: { readonly stageId: string; readonly panelId?: string },
): void {
  const effect = outcome.effect;
  switch (effect.type) {
    case 'close':
      builder.add('case_closed', { resolution: effect.resolution, outcomeId: outcome.id });
      return;
    case 'hand_off':
      builder.add('case_closed', { resolution: 'handed_off', outcomeId: outcome.id, handOffTo: effect.to });
      return;
    case 'continue':
      return;
    case 'go_to_stage':
      enterStage(
        builder,
        ctx,
        getStage(ctx.procedure, effect.stage),
        from.panelId === undefined ? 'outcome' : 'decision',
      );
      return;
    case 'revise': {
      const rules = effect.plan ?? getStage(ctx.procedure, from.stageId).plan;
      if (!rules) {
        throw new DomainError(
          'invalid_procedure',
          'A review outcome asks for revised targets, but no plan form applies to it.',
          { outcomeId: outcome.id },
        );
      }
      builder.add('plan_started', {
        version: (builder.state.plan?.version ?? 0) + 1,
        stageId: from.stageId,
        reviewAt: effect.reviewAt,
        rulesFrom: {
          stageId: from.stageId,
          outcome: {
            stageId: from.stageId,
            outcomeId: outcome.id,
            ...(from.panelId === undefined ? {} : { panelId: from.panelId }),
          },
        },
        content: carriedContent(builder.state.plan?.content, rules, lastProgress(builder)),
      });
      return;
    }
  }
}
