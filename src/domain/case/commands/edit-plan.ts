import { z } from 'zod';
import { localDateSchema } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  assertNotPaused,
  assertOpen,
  assertStaff,
  EventBuilder,
  isTraineeOnCase,
  planRulesOf,
  requirePlan,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { frameworkLinkSchema, type PlanContentData } from '../events.js';
import { assertPlanWithinLimits, reviewWindow } from '../plan-rules.js';
import type { CaseState, PlanContent } from '../types.js';
import { toContent } from '../apply-event.js';

const optionalText = (max: number) => z.string().trim().max(max).optional();

export const planDraftSchema = z.strictObject({
  concernStatement: optionalText(4000),
  concerns: z
    .array(
      z.strictObject({
        text: z.string().trim().min(1).max(2000),
        links: z.array(frameworkLinkSchema).max(30),
        /** The grade given against the grade descriptors (a scale id of the form's `grades`). */
        grade: z.string().max(60).optional(),
      }),
    )
    .max(30)
    .default([]),
  targets: z
    .array(
      z.strictObject({
        id: z.string().max(20).optional(),
        text: z.string().trim().min(1).max(2000),
        links: z.array(frameworkLinkSchema).max(30).default([]),
        actions: z
          .array(z.strictObject({ party: z.string().max(60), text: z.string().trim().min(1).max(2000) }))
          .max(30)
          .default([]),
        successCriteria: optionalText(2000),
        timescale: optionalText(200),
        supportRequired: optionalText(2000),
        monitoring: optionalText(2000),
        observationFocus: z.boolean().default(false),
      }),
    )
    // The procedure's own cap (3 for most) is checked with a clear message; this only bounds the payload.
    .max(20)
    .default([]),
  trainingNeeds: optionalText(2000),
  supportMeasures: z.array(z.string().trim().max(500)).max(20).default([]),
  reviewDate: localDateSchema.optional(),
  meeting: z
    .strictObject({
      heldOn: localDateSchema.optional(),
      mode: z.enum(['online', 'in_person']).optional(),
      attendees: z.array(z.string().max(60)).max(30).default([]),
      placementConcern: z.boolean().default(false),
    })
    .default({ attendees: [], placementConcern: false }),
});

export const editPlanInputSchema = z.strictObject({
  plan: planDraftSchema,
  /** Signing has started: changing what was signed withdraws those signatures, so it must be asked for. */
  withdrawSignatures: z.boolean().default(false),
});

export type PlanDraft = z.infer<typeof planDraftSchema>;
export type EditPlanInput = z.infer<typeof editPlanInputSchema>;

const blankToUndefined = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/** Normalises a draft: target ids T1, T2 … where none were given, empty texts dropped. */
export function toPlanContent(draft: PlanDraft): PlanContentData {
  const used = new Set(draft.targets.map((t) => t.id).filter((id): id is string => id !== undefined));
  let next = 1;
  const freshId = (): string => {
    while (used.has(`T${next}`)) next += 1;
    const id = `T${next}`;
    used.add(id);
    return id;
  };
  const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> => {
    const clean = blankToUndefined(value);
    return clean === undefined ? {} : ({ [key]: clean } as Record<K, string>);
  };
  return {
    ...optional('concernStatement', draft.concernStatement),
    concerns: draft.concerns,
    targets: draft.targets.map((t) => ({
      id: t.id ?? freshId(),
      text: t.text,
      links: t.links,
      actions: t.actions,
      observationFocus: t.observationFocus,
      ...optional('successCriteria', t.successCriteria),
      ...optional('timescale', t.timescale),
      ...optional('supportRequired', t.supportRequired),
      ...optional('monitoring', t.monitoring),
    })),
    ...optional('trainingNeeds', draft.trainingNeeds),
    supportMeasures: draft.supportMeasures.filter((m) => m !== ''),
    ...(draft.reviewDate === undefined ? {} : { reviewDate: draft.reviewDate }),
    meeting: {
      ...(draft.meeting.heldOn === undefined ? {} : { heldOn: draft.meeting.heldOn }),
      ...(draft.meeting.mode === undefined ? {} : { mode: draft.meeting.mode }),
      attendees: draft.meeting.attendees,
      placementConcern: draft.meeting.placementConcern,
    },
  };
}

/**
 * Where the procedure lets the trainee raise a concern (Bright Futures: "Concerns raised by
 * Professional Mentor, Mentor or Trainee"), the trainee on the case states what the concern is in
 * the draft's statement of concern; the rest of the plan is drawn up by the staff at the meeting.
 */
function traineeMayStateConcern(ctx: CommandContext, state: CaseState): boolean {
  const { procedure } = ctx;
  if (!isTraineeOnCase(state, procedure, ctx.actor)) return false;
  const raises = procedure.raisedBy.some((id) => procedure.roles.find((r) => r.id === id)?.side === 'trainee');
  return raises && state.plan !== undefined && planRulesOf(procedure, state.plan).fields.includes('concern_statement');
}

function assertOnlyConcernChanged(before: PlanContentData, after: PlanContentData): void {
  const { concernStatement: _a, ...restBefore } = before;
  const { concernStatement: _b, ...restAfter } = after;
  if (JSON.stringify(canonical(restBefore)) !== JSON.stringify(canonical(restAfter))) {
    throw new DomainError(
      'not_permitted',
      'You can state what the concern is; the targets, actions and dates are drawn up with your mentors and Lead at the meeting.',
    );
  }
}

/** The same content however its keys were ordered. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

export function editPlan(ctx: CommandContext, state: CaseState, input: EditPlanInput): CommandResult {
  const traineeConcern = traineeMayStateConcern(ctx, state);
  if (!traineeConcern) assertStaff(state, ctx.procedure, ctx.actor, 'edit the plan');
  assertOpen(state);
  assertNotPaused(state, 'edit the plan');
  const plan = requirePlan(state);
  if (plan.agreedOn !== undefined) {
    throw new DomainError(
      'plan_locked',
      'This plan has been agreed and signed; record a review to revise its targets.',
    );
  }
  if (plan.signatures.length > 0 && !input.withdrawSignatures) {
    throw new DomainError(
      'plan_locked',
      `${plan.signatures.length} signature(s) are on this plan. Saving changes withdraws them, and everyone signs again.`,
      { signatures: plan.signatures.length },
    );
  }
  const rules = planRulesOf(ctx.procedure, plan);
  const content = toPlanContent(input.plan);
  if (traineeConcern) assertOnlyConcernChanged(planContentData(plan.content), content);
  const today = todayOf(ctx);
  assertPlanWithinLimits(ctx.procedure, rules, toContent(content), reviewWindow(rules, today, ctx.calendar), {
    calendar: ctx.calendar,
    placementEndsOn: state.placement.endsOn,
    today,
  });

  const builder = new EventBuilder(ctx, state.id, state);
  if (plan.signatures.length > 0)
    builder.add('signatures_withdrawn', { version: plan.version, count: plan.signatures.length });
  builder.add('plan_edited', { version: plan.version, content });
  return builder.result();
}

/** A plan's content as an event stores it (optional fields absent), for comparing drafts. */
function planContentData(content: PlanContent): PlanContentData {
  return toPlanContent(
    planDraftSchema.parse({
      ...(content.concernStatement === undefined ? {} : { concernStatement: content.concernStatement }),
      concerns: content.concerns,
      targets: content.targets.map((t) => ({
        id: t.id,
        text: t.text,
        links: t.links,
        actions: t.actions,
        observationFocus: t.observationFocus,
        ...(t.successCriteria === undefined ? {} : { successCriteria: t.successCriteria }),
        ...(t.timescale === undefined ? {} : { timescale: t.timescale }),
        ...(t.supportRequired === undefined ? {} : { supportRequired: t.supportRequired }),
        ...(t.monitoring === undefined ? {} : { monitoring: t.monitoring }),
      })),
      ...(content.trainingNeeds === undefined ? {} : { trainingNeeds: content.trainingNeeds }),
      supportMeasures: content.supportMeasures,
      ...(content.reviewDate === undefined ? {} : { reviewDate: content.reviewDate }),
      meeting: {
        ...(content.meeting.heldOn === undefined ? {} : { heldOn: content.meeting.heldOn }),
        ...(content.meeting.mode === undefined ? {} : { mode: content.meeting.mode }),
        attendees: content.meeting.attendees,
        placementConcern: content.meeting.placementConcern,
      },
    }),
  );
}
