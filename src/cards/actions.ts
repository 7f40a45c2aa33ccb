import { z } from 'zod';
import { APPEAL_OUTCOMES, NOTICE_KINDS, PROGRESS_RATINGS } from '../domain/case/index.js';

/**
 * Card verbs: every Action.Execute a Trellis card carries has `verb` equal to
 * `data.action`, and `data` carries `{ action, caseId, version }` so the bot can load the case
 * and tell a stale card (its version behind the case's) from a current one. The bot parses
 * a submission with `parseCardAction` and routes it through an exhaustive handler map keyed
 * by `CardAction`.
 */
export const CARD_ACTIONS = [
  /** Universal Actions refresh: the bot answers with the card as the person opening it should see it. */
  'refresh',
  /** From the review-due card (and a reviewer's case summary): show the review form in place of the card. */
  'open_review',
  /** From a signatory's case summary: show the signature card in place of the summary. */
  'open_sign',
  'record_review',
  'sign',
  'record_perceptions',
  /** The course team takes ownership of a raised concern or an overdue review. */
  'acknowledge',
  /** Show one of the forms that follow a decision (the fee waiver, the appeal) in place of the card. */
  'open_form',
  /** A group's decision at a review that records its members (RCTTP's Executive Group): the decision with who was in the group and who attended. */
  'record_group_decision',
  /** The course team waives the fee a decision brought, with the reason; the letter goes to the trainee. */
  'waive_fee',
  /** A panel's meeting and its decision (BCU's Placement Review Panel): who attended, the chair where agreed then, the decision and why. */
  'record_panel_decision',
  /** A trainee's appeal against a decision the procedure lets them appeal, on a procedural basis. */
  'lodge_appeal',
  /** The outcome of an appeal lodged on the case. */
  'decide_appeal',
] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/** The cards a refresh can ask for; the bot rebuilds the named card for the person asking. */
export const REFRESHABLE_CARDS = ['review_form', 'case_summary'] as const;

/** What an acknowledgement is about: the notices the domain's acknowledge_notice command takes. */
export const ACKNOWLEDGEABLE = NOTICE_KINDS;

/** Card inputs arrive as strings; an input left empty may arrive as "" or not at all. */
const optionalInput = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(max).optional(),
  );

const envelope = {
  caseId: z.string().min(1).max(80),
  /** The case version the card was built from. */
  version: z.number().int().min(0),
};

/** Ids of per-target inputs on the review form. */
export const ratingInputId = (targetId: string): string => `rating_${targetId}`;
export const commentInputId = (targetId: string): string => `comment_${targetId}`;

const refreshData = z.object({
  action: z.literal('refresh'),
  ...envelope,
  card: z.enum(REFRESHABLE_CARDS),
});

const openReviewData = z.object({ action: z.literal('open_review'), ...envelope });
const openSignData = z.object({ action: z.literal('open_sign'), ...envelope });

/**
 * The review form's submission: the action data plus one rating (and optional comment) input
 * per target, named by `ratingInputId`/`commentInputId`, folded into `progress`.
 */
const recordReviewData = z
  .looseObject({
    action: z.literal('record_review'),
    ...envelope,
    /** The plan targets the form was built with, in order. */
    targetIds: z.array(z.string().min(1).max(20)).max(20),
    evidence: optionalInput(8000),
    nextSteps: optionalInput(4000),
    outcomeId: z.string().min(1).max(60),
    /** A multi-select ChoiceSet submits "mentor,tutor". */
    attendees: optionalInput(2000),
    /** Sent by the confirmation step: the person has confirmed that this outcome closes the case. */
    confirmClose: z.literal(true).optional(),
  })
  .transform((data, ctx) => {
    const record = data as Record<string, unknown>;
    const progress = data.targetIds.map((targetId) => {
      const rating = z.enum(PROGRESS_RATINGS).safeParse(record[ratingInputId(targetId)]);
      if (!rating.success) {
        ctx.addIssue({
          code: 'custom',
          path: [ratingInputId(targetId)],
          message: 'Choose met, partly met or not met for every target.',
        });
      }
      const comment = optionalInput(2000).safeParse(record[commentInputId(targetId)]);
      return {
        targetId,
        rating: rating.success ? rating.data : ('not_met' as const),
        comment: comment.success ? comment.data : undefined,
      };
    });
    return {
      action: data.action,
      caseId: data.caseId,
      version: data.version,
      progress,
      evidence: data.evidence,
      nextSteps: data.nextSteps,
      outcomeId: data.outcomeId,
      attendees: (data.attendees ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a.length > 0),
      confirmClose: data.confirmClose === true,
    };
  });

const signData = z.object({
  action: z.literal('sign'),
  ...envelope,
  /** The role the person signs as; a person can hold more than one. */
  role: z.string().min(1).max(60),
  planVersion: z.number().int().min(1),
  typedName: z.string().trim().min(1, 'Type your full name to sign.').max(200),
});

const recordPerceptionsData = z.object({
  action: z.literal('record_perceptions'),
  ...envelope,
  planVersion: z.number().int().min(1),
  perceptions: z.string().trim().min(1, 'Write your perceptions before saving.').max(4000),
});

const acknowledgeData = z.object({
  action: z.literal('acknowledge'),
  ...envelope,
  about: z.enum(ACKNOWLEDGEABLE),
});

/** The forms `open_form` shows: a convened panel's decision, and what follows a decision. */
export const DECISION_FORMS = ['panel_decision', 'fee_waiver', 'appeal'] as const;
export type DecisionForm = (typeof DECISION_FORMS)[number];

const openFormData = z.object({ action: z.literal('open_form'), ...envelope, form: z.enum(DECISION_FORMS) });

/** Rows for a group's members on the group decision form (Adaptive Cards 1.5 has no repeating input). */
export const GROUP_MEMBER_ROWS = 8;
export const memberNameInputId = (row: number): string => `member_name_${String(row)}`;
export const memberRoleInputId = (row: number): string => `member_role_${String(row)}`;
export const memberAttendedInputId = (row: number): string => `member_attended_${String(row)}`;

/**
 * Rows for the targets a decision names for the new case it opens ("a second and final attempt
 * with a RIT in place to address identified targets"): at most three, as the tab's form. Each row
 * is the target's words and, optionally, the standard (or tracker area) it addresses, sent as
 * "<framework id>:<code>". The new case's form checks them as REST does (how many, the framework).
 */
export const LINKED_TARGET_ROWS = 3;
export const linkedTargetInputId = (row: number): string => `linked_target_${String(row)}`;
export const linkedTargetLinkInputId = (row: number): string => `linked_target_link_${String(row)}`;

export interface LinkedTargetInput {
  readonly text: string;
  readonly links: readonly { readonly frameworkId: string; readonly code: string }[];
}

/** The linked-case target rows of a submission: undefined when none was filled in. */
function linkedTargetsOf(record: Record<string, unknown>, ctx: z.RefinementCtx): LinkedTargetInput[] | undefined {
  const targets: LinkedTargetInput[] = [];
  for (let row = 0; row < LINKED_TARGET_ROWS; row++) {
    const words = optionalInput(2000).safeParse(record[linkedTargetInputId(row)]);
    const link = optionalInput(120).safeParse(record[linkedTargetLinkInputId(row)]);
    if (!words.success || !link.success) {
      ctx.addIssue({
        code: 'custom',
        path: [linkedTargetInputId(row)],
        message: `Target ${String(row + 1)} is too long.`,
      });
      continue;
    }
    if (words.data === undefined) {
      if (link.data !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [linkedTargetInputId(row)],
          message: `Target ${String(row + 1)} has a standard but no words: write the target, or clear its standard.`,
        });
      continue;
    }
    const parts = link.data === undefined ? undefined : /^([a-z0-9][a-z0-9-]*):(.+)$/.exec(link.data);
    if (link.data !== undefined && !parts) {
      ctx.addIssue({
        code: 'custom',
        path: [linkedTargetLinkInputId(row)],
        message: `Target ${String(row + 1)}: choose the standard from the list.`,
      });
      continue;
    }
    targets.push({
      text: words.data,
      links: parts?.[1] !== undefined && parts[2] !== undefined ? [{ frameworkId: parts[1], code: parts[2] }] : [],
    });
  }
  return targets.length === 0 ? undefined : targets;
}

/** The rows as the form submits them, for a confirmation step to send again. */
export function linkedTargetInputsOf(targets: readonly LinkedTargetInput[] | undefined): Record<string, string> {
  const inputs: Record<string, string> = {};
  (targets ?? []).forEach((t, row) => {
    inputs[linkedTargetInputId(row)] = t.text;
    const link = t.links[0];
    if (link) inputs[linkedTargetLinkInputId(row)] = `${link.frameworkId}:${link.code}`;
  });
  return inputs;
}

/** An Input.Date sends "YYYY-MM-DD", or "" / nothing when left empty. */
const optionalDate = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Choose the date from the calendar.')
    .optional(),
);

/**
 * The group decision form: the outcome, the day, the evidence, the reasons and next steps, and up to
 * GROUP_MEMBER_ROWS member rows (a name, a role, an "attended" toggle) folded into `members`;
 * rows with no name are left out. What the members must be (at least one attended, no name
 * twice) is the domain's rule, checked by the command as it is for REST.
 */
const recordGroupDecisionData = z
  .looseObject({
    action: z.literal('record_group_decision'),
    ...envelope,
    outcomeId: z.string().min(1, 'Choose the decision.').max(60),
    reviewedOn: optionalDate,
    evidence: optionalInput(8000),
    notes: optionalInput(8000),
    nextSteps: optionalInput(4000),
    confirmClose: z.literal(true).optional(),
  })
  .transform((data, ctx) => {
    const record = data as Record<string, unknown>;
    const members: { name: string; role?: string; attended: boolean }[] = [];
    for (let row = 0; row < GROUP_MEMBER_ROWS; row++) {
      const name = optionalInput(200).safeParse(record[memberNameInputId(row)]);
      const role = optionalInput(200).safeParse(record[memberRoleInputId(row)]);
      const attended = record[memberAttendedInputId(row)];
      if (!name.success || !role.success) {
        ctx.addIssue({ code: 'custom', path: [memberNameInputId(row)], message: 'A name or role is too long.' });
        continue;
      }
      if (name.data === undefined) continue;
      members.push({
        name: name.data,
        ...(role.data === undefined ? {} : { role: role.data }),
        attended: attended === true || attended === 'true',
      });
    }
    return {
      action: data.action,
      caseId: data.caseId,
      version: data.version,
      outcomeId: data.outcomeId,
      reviewedOn: data.reviewedOn,
      evidence: data.evidence,
      notes: data.notes,
      nextSteps: data.nextSteps,
      members,
      linkedCaseTargets: linkedTargetsOf(record, ctx),
      confirmClose: data.confirmClose === true,
    };
  });

/**
 * A panel's meeting with its decision: the members present (a multi-select ChoiceSet submits
 * "id1,id2"), the chair where the panel agrees one at its first meeting, the day, the decision
 * and its rationale, and the targets of a new case the decision opens. Whether the members make a
 * quorum, the chair is one of them and the decision is the panel's is the command's to say, as
 * it is over REST.
 */
const recordPanelDecisionData = z
  .looseObject({
    action: z.literal('record_panel_decision'),
    ...envelope,
    panelId: z.string().min(1).max(60),
    decisionId: z.string().min(1, 'Choose the panel’s decision.').max(60),
    attendees: z
      .string('Choose the members present at the meeting.')
      .max(8000)
      .transform((value) =>
        value
          .split(',')
          .map((a) => a.trim())
          .filter((a) => a.length > 0),
      )
      .pipe(z.array(z.string().max(320)).min(1, 'Choose the members present at the meeting.').max(20)),
    chair: optionalInput(320),
    heldOn: optionalDate,
    rationale: optionalInput(4000),
    confirmClose: z.literal(true).optional(),
  })
  .transform((data, ctx) => ({
    action: data.action,
    caseId: data.caseId,
    version: data.version,
    panelId: data.panelId,
    decisionId: data.decisionId,
    attendees: data.attendees,
    chair: data.chair,
    heldOn: data.heldOn,
    rationale: data.rationale,
    linkedCaseTargets: linkedTargetsOf(data as Record<string, unknown>, ctx),
    confirmClose: data.confirmClose === true,
  }));

const waiveFeeData = z.object({
  action: z.literal('waive_fee'),
  ...envelope,
  reason: z.string().trim().min(1, 'Write the reason the fee is waived.').max(2000),
});

const lodgeAppealData = z.object({
  action: z.literal('lodge_appeal'),
  ...envelope,
  lodgedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Choose the day the trainee made the appeal.'),
  grounds: z.string().trim().min(1, 'Write the grounds of the appeal.').max(4000),
  /** Input.Toggle sends "true" or "false". */
  procedural: z.enum(['true', 'false']).optional(),
});

const decideAppealData = z.object({
  action: z.literal('decide_appeal'),
  ...envelope,
  appealId: z.string().min(1).max(20),
  decidedOn: optionalDate,
  outcome: z.enum(APPEAL_OUTCOMES, 'Choose the outcome of the appeal.'),
  reasons: z.string().trim().min(1, 'Write the reasons for the outcome.').max(4000),
});

/** One schema per verb: a verb added to CARD_ACTIONS without a schema fails to type-check. */
export const CARD_ACTION_SCHEMAS = {
  refresh: refreshData,
  open_review: openReviewData,
  open_sign: openSignData,
  record_review: recordReviewData,
  sign: signData,
  record_perceptions: recordPerceptionsData,
  acknowledge: acknowledgeData,
  open_form: openFormData,
  record_group_decision: recordGroupDecisionData,
  record_panel_decision: recordPanelDecisionData,
  waive_fee: waiveFeeData,
  lodge_appeal: lodgeAppealData,
  decide_appeal: decideAppealData,
} as const satisfies Record<CardAction, z.ZodType>;

export type CardActionData<A extends CardAction> = z.output<(typeof CARD_ACTION_SCHEMAS)[A]>;
export type AnyCardActionData = { [A in CardAction]: CardActionData<A> }[CardAction];

export type ParsedCardAction =
  | { readonly ok: true; readonly data: AnyCardActionData }
  | { readonly ok: false; readonly message: string; readonly issues: readonly z.core.$ZodIssue[] };

/** Parses `{ verb, data }` from an adaptiveCard/action invoke; the verb and `data.action` must agree. */
export function parseCardAction(verb: string, data: unknown): ParsedCardAction {
  const action = (CARD_ACTIONS as readonly string[]).includes(verb) ? (verb as CardAction) : undefined;
  if (!action) return { ok: false, message: `Unknown card action "${verb}".`, issues: [] };
  const parsed = CARD_ACTION_SCHEMAS[action].safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      message: parsed.error.issues[0]?.message ?? 'The card data is not valid.',
      issues: parsed.error.issues,
    };
  }
  // The verb decides the schema, and each schema's `action` literal equals its key.
  return { ok: true, data: parsed.data };
}

/** The `data` an Action.Execute carries: the verb's fields without the form inputs. */
export function actionData(
  action: CardAction,
  caseId: string,
  version: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { action, caseId, version, ...extra };
}
