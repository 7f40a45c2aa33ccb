import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import { versionsOf } from '../app/cases/procedure-versions.js';
import { isAdaptiveCard } from '@microsoft/teams.cards';
import { z } from 'zod';
import { formatLongDate, londonDateOf } from '../domain/calendar/index.js';
import { awaitedAction, isCurrentFor, outstandingSignatories, type NoticeKind } from '../domain/case/index.js';
import { isDomainError } from '../domain/errors.js';
import type { StoredCase } from '../domain/ports.js';
import type { Outcome, Procedure } from '../domain/procedure/schema.js';
import {
  actionData,
  memberAttendedInputId,
  memberNameInputId,
  memberRoleInputId,
  linkedTargetInputsOf,
  mayRecordPanel,
  panelToDecide,
  buildDecisionRecordedCard,
  buildConcernRaisedCard,
  buildNoticeCard,
  confirmedReviewData,
  noticeCardView,
  buildOutcomeRecordedCard,
  buildOverdueEscalationCard,
  concernRaisedView,
  outcomeRecordedView,
  overdueEscalationView,
  parseCardAction,
  withNotice,
  withoutAction,
  type AdaptiveCardJson,
  type AnyCardActionData,
  type CardActionData,
} from '../cards/index.js';
import { isCourseTeamFor } from '../app/access.js';
import { isCourseTeam } from '../domain/case/command-kit.js';
import { mayRecordAppeal } from '../domain/case/index.js';
import type { Caller } from '../app/caller.js';
import type { UseCaseDeps } from '../app/deps.js';
import { failureOf, StaleCaseError } from '../app/errors.js';
import { loadVisibleCase } from '../app/cases/load-case.js';
import { runCaseCommand } from '../app/cases/run-case-command.js';
import { DEFECT_MESSAGE, NOT_FOUND_MESSAGE, STORE_BUSY_MESSAGE, TEAMS_ANSWER, teamsSentence } from './errors.js';
import {
  actorOn,
  audienceOf,
  decisionFormCardFor,
  reviewCardFor,
  signatureCardFor,
  sourceOf,
  personalSummaryCardFor,
  whatChanged,
  type CaseCardContext,
} from './case-cards.js';

/**
 * `adaptiveCard/action` (Action.Execute and Universal Actions refresh), routed on the verb.
 * Every write goes through runCaseCommand: parse, load, authorise, check the card's version,
 * append. The answer is a card (the case as it now is, for this person) or an error response;
 * a stale card gets the current card and a sentence saying what changed, never a lost update.
 */

/** The Teams SDK's answer to `adaptiveCard/action`: a card, a message, or an error. */
export type CardActionResponse = AdaptiveCardActionResponse;

export interface CardActionDeps extends CaseCardContext {
  readonly useCases: UseCaseDeps;
}

const failureResponse = (statusCode: 400 | 500, code: string, message: string): CardActionResponse => ({
  statusCode,
  type: 'application/vnd.microsoft.error',
  // The SDK's error shape repeats the status with the code, as the Bot Framework's errors do.
  value: { code, message, innerHttpError: { statusCode, body: code } },
});
/** A card in place of the one acted on; a builder that made something other than a card is a defect, said as one. */
const card = (value: AdaptiveCardJson): CardActionResponse =>
  isAdaptiveCard(value)
    ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value }
    : failureResponse(500, 'internal_error', DEFECT_MESSAGE);

/** The invoke's value: `{ action: { type, verb, data } }`, anything else is refused. */
const invokeValueSchema = z
  .object({
    action: z.object({ verb: z.string().max(100).optional(), data: z.unknown().optional() }).loose(),
  })
  .loose();

const envelopeSchema = z.object({ caseId: z.string().min(1).max(80), version: z.number().int().min(0) }).loose();

export const UNKNOWN_PERSON_MESSAGE =
  'Trellis does not know who you are in Teams yet. Open Trellis from the Teams app bar once, or ask your course team to check that your sign-in name is on the case.';

export async function handleCardAction(
  deps: CardActionDeps,
  caller: Caller | undefined,
  value: unknown,
): Promise<CardActionResponse> {
  const invoke = invokeValueSchema.safeParse(value);
  if (!invoke.success)
    return failureResponse(
      400,
      'bad_request',
      'This card sent an action Trellis cannot read. Open the case in Trellis instead.',
    );
  if (!caller) return failureResponse(400, 'unknown_person', UNKNOWN_PERSON_MESSAGE);
  const verb = invoke.data.action.verb ?? '';
  const parsed = parseCardAction(verb, invoke.data.action.data);
  try {
    if (!parsed.ok) return await invalidInput(deps, caller, verb, invoke.data.action.data, parsed.message);
    return await route(deps, caller, parsed.data);
  } catch (error) {
    return answerFailure(deps, caller, parsed.ok ? parsed.data : undefined, error);
  }
}

async function route(deps: CardActionDeps, caller: Caller, data: AnyCardActionData): Promise<CardActionResponse> {
  switch (data.action) {
    case 'refresh': {
      const { stored, procedure } = await loadVisibleCase(deps.useCases, caller, data.caseId, 'card');
      if (data.card === 'case_summary') return card(await personalSummaryCardFor(deps, caller, stored, procedure));
      return card(await reviewCardFor(deps, caller, stored, procedure, data.version));
    }
    case 'open_review': {
      const { stored, procedure } = await loadVisibleCase(deps.useCases, caller, data.caseId, 'card');
      return card(await reviewCardFor(deps, caller, stored, procedure, data.version));
    }
    case 'open_sign': {
      // The signature card for someone whose signature the plan still needs (in the role it needs
      // it in); anyone else, or anyone once the plan is agreed, gets the summary as it now is.
      const { stored, procedure } = await loadVisibleCase(deps.useCases, caller, data.caseId, 'card');
      const waiting = outstandingSignatories(procedure, stored.state)
        .flatMap((o) => o.people)
        .find((p) => p.id.toLowerCase() === caller.actor.id);
      return card(
        waiting !== undefined &&
          awaitedAction(procedure, stored.state, caller.actor.id, londonDateOf(deps.clock())) === 'sign'
          ? signatureCardFor(deps, caller, stored, procedure, waiting.role)
          : await personalSummaryCardFor(deps, caller, stored, procedure),
      );
    }
    case 'record_review':
      return recordReview(deps, caller, data);
    case 'sign': {
      const result = await runCaseCommand(deps.useCases, {
        caller,
        caseId: data.caseId,
        expectedVersion: data.version,
        command: 'sign_plan',
        read: 'card',
        input: { role: data.role, typedName: data.typedName },
      });
      return card(signatureCardFor(deps, caller, result.stored, result.procedure, data.role));
    }
    case 'record_perceptions': {
      const result = await runCaseCommand(deps.useCases, {
        caller,
        caseId: data.caseId,
        expectedVersion: data.version,
        command: 'record_perceptions',
        read: 'card',
        input: { text: data.perceptions },
      });
      return card(signatureCardFor(deps, caller, result.stored, result.procedure, ''));
    }
    case 'acknowledge':
      return acknowledge(deps, caller, data);
    case 'open_form':
      return openForm(deps, caller, data);
    case 'record_group_decision':
      return recordGroupDecision(deps, caller, data);
    case 'record_panel_decision':
      return recordPanelDecision(deps, caller, data);
    case 'waive_fee': {
      const result = await runCaseCommand(deps.useCases, {
        caller,
        caseId: data.caseId,
        expectedVersion: data.version,
        command: 'waive_fee',
        read: 'card',
        input: { reason: data.reason },
      });
      const waiver = result.stored.state.feeWaivers.at(-1);
      return recorded(deps, caller, result.stored, result.procedure, 'FEE WAIVED', 'The fee is waived', [
        waiver === undefined
          ? 'The fee is waived.'
          : `The fee of ${waiver.amount} is waived. The letter confirming it is on its way to the trainee, and kept with the case’s forms.`,
        `Reason: ${data.reason}`,
      ]);
    }
    case 'lodge_appeal': {
      const result = await runCaseCommand(deps.useCases, {
        caller,
        caseId: data.caseId,
        expectedVersion: data.version,
        command: 'lodge_appeal',
        read: 'card',
        input: { lodgedOn: data.lodgedOn, grounds: data.grounds, procedural: data.procedural === 'true' },
      });
      const lodged = result.stored.state.appeals.at(-1);
      return recorded(deps, caller, result.stored, result.procedure, 'APPEAL', 'The appeal is recorded', [
        ...(lodged === undefined ? [] : [`Lodged on ${formatLongDate(lodged.lodgedOn)}.`]),
        `Grounds: ${data.grounds}`,
        'Record its outcome from the case in Trellis, or from this card once it is decided.',
      ]);
    }
    case 'decide_appeal': {
      const result = await runCaseCommand(deps.useCases, {
        caller,
        caseId: data.caseId,
        expectedVersion: data.version,
        command: 'decide_appeal',
        read: 'card',
        input: {
          appealId: data.appealId,
          outcome: data.outcome,
          reasons: data.reasons,
          ...(data.decidedOn === undefined ? {} : { decidedOn: data.decidedOn }),
        },
      });
      const decided = result.stored.state.appeals.find((a) => a.id === data.appealId)?.decision;
      const words = { upheld: 'upheld', not_upheld: 'not upheld', withdrawn: 'withdrawn' } as const;
      return recorded(
        deps,
        caller,
        result.stored,
        result.procedure,
        'APPEAL',
        'The outcome of the appeal is recorded',
        [
          `The appeal was ${words[data.outcome]}${decided === undefined ? '' : ` on ${formatLongDate(decided.on)}`}.`,
          `Reasons: ${data.reasons}`,
        ],
      );
    }
  }
}

/** What was recorded, on a card in place of the form: the sentences are escaped by the builder. */
function recorded(
  deps: CardActionDeps,
  caller: Caller,
  stored: StoredCase,
  procedure: Procedure,
  kicker: string,
  title: string,
  lines: readonly string[],
): CardActionResponse {
  const source = sourceOf(deps, stored, procedure, audienceOf(caller, stored, procedure));
  return card(buildDecisionRecordedCard(source, { kicker, title, lines }));
}

/**
 * A decision form in place of the card, for someone who may record it: the course team waives
 * a fee; the course team or the roles the procedure names record an appeal. Anyone else is
 * told who records it, as the command would tell them.
 */
async function openForm(
  deps: CardActionDeps,
  caller: Caller,
  data: CardActionData<'open_form'>,
): Promise<CardActionResponse> {
  const { stored, procedure } = await loadVisibleCase(deps.useCases, caller, data.caseId, 'card');
  const actor = actorOn(caller, stored);
  if (data.form === 'panel_decision') {
    const open = panelToDecide(procedure, stored.state);
    if (open && !mayRecordPanel(stored.state, open.panel, actor))
      return failureResponse(
        400,
        'forbidden',
        `The ${open.panel.title}’s decision is recorded by ${[...open.panel.convenedBy.map((r) => procedure.roles.find((x) => x.id === r)?.label ?? r), 'the course team'].join(', ')}.`,
      );
  }
  if (data.form === 'fee_waiver' && !isCourseTeam(actor))
    return failureResponse(400, 'forbidden', 'Only the course team can waive a fee.');
  if (data.form === 'appeal' && !mayRecordAppeal(procedure, stored.state, actor)) {
    const names = (procedure.appeal?.recordedBy ?? []).map((r) => procedure.roles.find((x) => x.id === r)?.label ?? r);
    return failureResponse(
      400,
      'forbidden',
      procedure.appeal === undefined
        ? `${procedure.name} has no appeal to record.`
        : `An appeal is recorded by ${[...names, 'the course team'].join(', ')}.`,
    );
  }
  return card(decisionFormCardFor(deps, caller, stored, procedure, data.form));
}

/** The member rows as the form submits them, for the confirmation step to send again. */
function memberInputsOf(members: CardActionData<'record_group_decision'>['members']): Record<string, string> {
  const inputs: Record<string, string> = {};
  members.forEach((m, row) => {
    inputs[memberNameInputId(row)] = m.name;
    if (m.role !== undefined) inputs[memberRoleInputId(row)] = m.role;
    inputs[memberAttendedInputId(row)] = m.attended ? 'true' : 'false';
  });
  return inputs;
}

/** A group's decision: confirmed first where the decision closes the case, then recorded as the stage's review with its members. */
async function recordGroupDecision(
  deps: CardActionDeps,
  caller: Caller,
  data: CardActionData<'record_group_decision'>,
): Promise<CardActionResponse> {
  // What the person decided, as the confirmation carries it back and as the review records it.
  const decided = {
    outcomeId: data.outcomeId,
    ...(data.reviewedOn === undefined ? {} : { reviewedOn: data.reviewedOn }),
    ...(data.evidence === undefined ? {} : { evidence: data.evidence }),
    ...(data.notes === undefined ? {} : { notes: data.notes }),
    ...(data.nextSteps === undefined ? {} : { nextSteps: data.nextSteps }),
  };
  // The targets of the new case a decision opens: passed to the command as REST passes them.
  const linked = data.linkedCaseTargets === undefined ? {} : { linkedCaseTargets: data.linkedCaseTargets };
  if (!data.confirmClose) {
    const confirm = await closeConfirmationFor(deps, caller, data.caseId, data.version, data.outcomeId, {
      confirm: actionData('record_group_decision', data.caseId, data.version, {
        ...decided,
        ...memberInputsOf(data.members),
        ...linkedTargetInputsOf(data.linkedCaseTargets),
        confirmClose: true,
      }),
      what: 'the decision',
    });
    if (confirm) return confirm;
  }
  const result = await runCaseCommand(deps.useCases, {
    caller,
    caseId: data.caseId,
    expectedVersion: data.version,
    command: 'record_review',
    read: 'card',
    input: { ...decided, members: data.members, ...linked },
  });
  const source = sourceOf(deps, result.stored, result.procedure, audienceOf(caller, result.stored, result.procedure));
  return card(buildOutcomeRecordedCard(outcomeRecordedView(source, source.state.reviews.at(-1))));
}

/**
 * A panel's meeting and decision (BCU's Placement Review Panel): confirmed first where the decision
 * closes the case, then recorded by the same command as POST /api/cases/{caseId}/panels/{panelId}/meetings.
 */
async function recordPanelDecision(
  deps: CardActionDeps,
  caller: Caller,
  data: CardActionData<'record_panel_decision'>,
): Promise<CardActionResponse> {
  // The decision's optional fields, gathered once: for the command and for the confirmation.
  const given = {
    ...(data.chair === undefined ? {} : { chair: data.chair }),
    ...(data.heldOn === undefined ? {} : { heldOn: data.heldOn }),
    ...(data.rationale === undefined ? {} : { rationale: data.rationale }),
  };
  const input = {
    panelId: data.panelId,
    attendees: data.attendees,
    decisionId: data.decisionId,
    ...given,
    ...(data.linkedCaseTargets === undefined ? {} : { linkedCaseTargets: data.linkedCaseTargets }),
  };
  if (!data.confirmClose) {
    const confirm = await closeConfirmationFor(deps, caller, data.caseId, data.version, data.decisionId, {
      confirm: actionData('record_panel_decision', data.caseId, data.version, {
        panelId: data.panelId,
        decisionId: data.decisionId,
        attendees: data.attendees.join(','),
        ...given,
        ...linkedTargetInputsOf(data.linkedCaseTargets),
        confirmClose: true,
      }),
      what: 'the panel’s decision',
      outcomes: (procedure) => procedure.panels.find((p) => p.id === data.panelId)?.decisions ?? [],
      back: actionData('open_form', data.caseId, data.version, { form: 'panel_decision' }),
    });
    if (confirm) return confirm;
  }
  const result = await runCaseCommand(deps.useCases, {
    caller,
    caseId: data.caseId,
    expectedVersion: data.version,
    command: 'record_panel_meeting',
    read: 'card',
    input,
  });
  const panel = result.procedure.panels.find((p) => p.id === data.panelId);
  const decision = panel?.decisions.find((d) => d.id === data.decisionId);
  const linked = result.stored.state.linkedCases.at(-1);
  return recorded(deps, caller, result.stored, result.procedure, 'PANEL DECISION', 'The decision is recorded', [
    `The ${panel?.title ?? 'panel'} decided: ${decision?.label ?? data.decisionId}`,
    ...(decision === undefined ? [] : [`What happens: ${decision.explanation}`]),
    ...(linked !== undefined && linked.outcomeId === data.decisionId
      ? [
          `A new case, ${linked.reference}, opens with ${linked.targets.length === 1 ? 'its target' : `its ${String(linked.targets.length)} targets`}.`,
        ]
      : []),
  ]);
}

/**
 * A closing outcome asks for confirmation first: the review is not recorded until the person
 * confirms on a second card. Adaptive Cards 1.5 cannot make an input required only when a
 * closing outcome is chosen (isRequired is fixed, and visibility does not follow a choice), so a
 * toggle could not be both required for a closing outcome and absent for the others; the
 * second step is an Action.Execute answered with a card in place, which Teams and Outlook's
 * Universal Actions both show. The confirmation carries the form's submission unchanged.
 */
async function closeConfirmation(
  deps: CardActionDeps,
  caller: Caller,
  data: CardActionData<'record_review'>,
): Promise<CardActionResponse | undefined> {
  if (data.confirmClose) return undefined;
  return closeConfirmationFor(deps, caller, data.caseId, data.version, data.outcomeId, {
    confirm: confirmedReviewData(data),
    what: 'the review',
  });
}

/**
 * The confirmation step for an outcome of the current stage's review that closes the case (or
 * hands it on): undefined when the outcome does not, the card is out of date, or the outcome is
 * unknown (the command then says what is wrong). `confirm` is the submission to send again.
 */
async function closeConfirmationFor(
  deps: CardActionDeps,
  caller: Caller,
  caseId: string,
  version: number,
  outcomeId: string,
  options: {
    readonly confirm: Record<string, unknown>;
    readonly what: string;
    /** Where the outcome is looked up: the current stage's review, unless a panel's decisions are given. */
    readonly outcomes?: (procedure: Procedure) => readonly Outcome[];
    /** The button back to the form: the review form unless given. */
    readonly back?: Record<string, unknown>;
  },
): Promise<CardActionResponse | undefined> {
  const { stored, procedure } = await loadVisibleCase(deps.useCases, caller, caseId, 'card');
  // A card out of date goes on to the command, which answers with the case as it now is.
  if (!isCurrentFor(stored.events, stored.state.version, version)) return undefined;
  const stage = procedure.stages.find((s) => s.id === stored.state.stageId);
  const outcome = (options.outcomes?.(procedure) ?? stage?.review?.outcomes)?.find((o) => o.id === outcomeId);
  // An unknown outcome, or one that does not close the case, goes on to the command (which says what is wrong).
  if (!outcome || (outcome.effect.type !== 'close' && outcome.effect.type !== 'hand_off')) return undefined;
  const source = sourceOf(deps, stored, procedure, audienceOf(caller, stored, procedure));
  const notice = buildNoticeCard(
    noticeCardView(source, {
      kicker: 'PLEASE CONFIRM',
      title: 'This outcome closes the case',
      lines: [
        `You chose: ${outcome.label}`,
        `What happens: ${outcome.explanation}`,
        `Nothing has been recorded yet. Confirm to record ${options.what} and close the case, or go back to the form.`,
        'A case closed by mistake can be reopened by the course team within 10 working days.',
      ],
      passOn: '',
      because: '',
    }),
  );
  const verb = typeof options.confirm.action === 'string' ? options.confirm.action : 'record_review';
  return card({
    ...notice,
    actions: [
      {
        type: 'Action.Execute',
        verb,
        title: 'Yes, record it and close the case',
        style: 'destructive',
        data: options.confirm,
      },
      {
        type: 'Action.Execute',
        verb: typeof options.back?.action === 'string' ? options.back.action : 'open_review',
        title: 'Go back to the form',
        data: options.back ?? actionData('open_review', caseId, version),
      },
      ...(notice.actions ?? []),
    ],
  });
}

async function recordReview(
  deps: CardActionDeps,
  caller: Caller,
  data: CardActionData<'record_review'>,
): Promise<CardActionResponse> {
  const confirm = await closeConfirmation(deps, caller, data);
  if (confirm) return confirm;
  const result = await runCaseCommand(deps.useCases, {
    caller,
    caseId: data.caseId,
    expectedVersion: data.version,
    command: 'record_review',
    read: 'card',
    input: {
      progress: data.progress.map((p) => ({
        targetId: p.targetId,
        rating: p.rating,
        ...(p.comment === undefined ? {} : { comment: p.comment }),
      })),
      ...(data.evidence === undefined ? {} : { evidence: data.evidence }),
      ...(data.nextSteps === undefined ? {} : { nextSteps: data.nextSteps }),
      attendees: data.attendees,
      outcomeId: data.outcomeId,
    },
  });
  const source = sourceOf(deps, result.stored, result.procedure, audienceOf(caller, result.stored, result.procedure));
  return card(buildOutcomeRecordedCard(outcomeRecordedView(source, source.state.reviews.at(-1))));
}

/** Someone writing to the case at the same moment as an acknowledgement: try again on the case as it then is. */
const ACKNOWLEDGE_ATTEMPTS = 3;

/**
 * "I'll follow this up" on a raised concern or an overdue review: the acknowledge_notice
 * command, recorded in the case's trail. The card's version does not matter (the notice is
 * acknowledged on the case as it now is); the first acknowledgement stands and anyone after
 * is told who gave it.
 */
async function acknowledge(
  deps: CardActionDeps,
  caller: Caller,
  data: CardActionData<'acknowledge'>,
): Promise<CardActionResponse> {
  const { stored } = await loadVisibleCase(deps.useCases, caller, data.caseId, 'card');
  if (!isCourseTeamFor(caller, stored.state.placement.programme)) {
    return failureResponse(
      400,
      'forbidden',
      'Only the course team for this programme can acknowledge this. Open the case in Trellis to see what you can do.',
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await runCaseCommand(deps.useCases, {
        caller,
        caseId: data.caseId,
        expectedVersion: 'any',
        command: 'acknowledge_notice',
        input: { about: data.about },
      });
      const on = result.stored.state.acknowledgements.at(-1)?.on;
      const sentence = `You acknowledged this${on === undefined ? '' : ` on ${formatLongDate(on)}`}: the course team has it in hand.`;
      return card(noticeCard(deps, caller, result.stored, result.procedure, data.about, sentence));
    } catch (error) {
      if (isDomainError(error) && error.code === 'already_acknowledged') {
        const now = await loadVisibleCase(deps.useCases, caller, data.caseId, 'card');
        return card(noticeCard(deps, caller, now.stored, now.procedure, data.about, error.userMessage));
      }
      if (!(error instanceof StaleCaseError) || attempt >= ACKNOWLEDGE_ATTEMPTS) throw error;
    }
  }
}

/** The concern or overdue-review card as the case now is, without its Acknowledge button, with a sentence on top. */
function noticeCard(
  deps: CardActionDeps,
  caller: Caller,
  stored: StoredCase,
  procedure: Procedure,
  about: NoticeKind,
  sentence: string,
): AdaptiveCardJson {
  const source = sourceOf(deps, stored, procedure, audienceOf(caller, stored, procedure));
  const base =
    about === 'concern_raised'
      ? buildConcernRaisedCard(concernRaisedView(source))
      : buildOverdueEscalationCard(overdueEscalationView(source));
  return withNotice(withoutAction(base, 'acknowledge'), sentence);
}

/** A form that did not parse: the card again with the problem, when the case can be read. */
async function invalidInput(
  deps: CardActionDeps,
  caller: Caller,
  verb: string,
  raw: unknown,
  message: string,
): Promise<CardActionResponse> {
  const envelope = envelopeSchema.safeParse(raw);
  if (verb !== 'record_review' || !envelope.success) return failureResponse(400, 'bad_request', message);
  const { stored, procedure } = await loadVisibleCase(deps.useCases, caller, envelope.data.caseId, 'card');
  if (!isCurrentFor(stored.events, stored.state.version, envelope.data.version)) {
    return card(
      await reviewCardFor(
        deps,
        caller,
        stored,
        procedure,
        envelope.data.version,
        whatChanged(stored, procedure, envelope.data.version),
      ),
    );
  }
  return card(await reviewCardFor(deps, caller, stored, procedure, envelope.data.version, `Not saved: ${message}`));
}

/** The card as it now is, for the action that failed, with a sentence on top. */
async function cardWithNotice(
  deps: CardActionDeps,
  caller: Caller,
  data: AnyCardActionData,
  stored: StoredCase,
  procedure: Procedure,
  sentence: string,
): Promise<CardActionResponse> {
  if (data.action === 'sign' || data.action === 'record_perceptions') {
    return card(
      withNotice(signatureCardFor(deps, caller, stored, procedure, data.action === 'sign' ? data.role : ''), sentence),
    );
  }
  if (data.action === 'acknowledge') return card(noticeCard(deps, caller, stored, procedure, data.about, sentence));
  if (data.action === 'waive_fee')
    return card(decisionFormCardFor(deps, caller, stored, procedure, 'fee_waiver', sentence));
  if (data.action === 'lodge_appeal' || data.action === 'decide_appeal')
    return card(decisionFormCardFor(deps, caller, stored, procedure, 'appeal', sentence));
  if (data.action === 'open_form')
    return card(decisionFormCardFor(deps, caller, stored, procedure, data.form, sentence));
  if (data.action === 'record_panel_decision')
    return card(decisionFormCardFor(deps, caller, stored, procedure, 'panel_decision', sentence));
  return card(await reviewCardFor(deps, caller, stored, procedure, data.version, sentence));
}

/**
 * The decision forms answer a refusal of what was entered with an error response: Teams shows
 * the sentence under the form and keeps what the person typed, so nothing has to be entered again.
 */
const KEEPS_INPUT: ReadonlySet<AnyCardActionData['action']> = new Set([
  'record_group_decision',
  'record_panel_decision',
  'waive_fee',
  'lodge_appeal',
  'decide_appeal',
]);

async function answerFailure(
  deps: CardActionDeps,
  caller: Caller,
  data: AnyCardActionData | undefined,
  error: unknown,
): Promise<CardActionResponse> {
  let failure = failureOf(error);
  try {
    switch (TEAMS_ANSWER[failure.code]) {
      case 'not_found':
        return failureResponse(400, 'not_found', NOT_FOUND_MESSAGE);
      case 'refused':
        return failureResponse(400, 'forbidden', failure.userMessage);
      case 'retry_later':
        return failureResponse(500, 'unavailable', STORE_BUSY_MESSAGE);
      case 'stale':
        if (data && error instanceof StaleCaseError) {
          const current = error.current;
          const procedure = versionsOf(deps.useCases).knownFor(current.state);
          if (procedure) {
            return await cardWithNotice(
              deps,
              caller,
              data,
              current,
              procedure,
              whatChanged(current, procedure, data.version),
            );
          }
        }
        break;
      case 'show_card':
        if (data && KEEPS_INPUT.has(data.action))
          return failureResponse(400, 'bad_request', `Not saved: ${teamsSentence(failure)}`);
        if (data) {
          const { stored, procedure } = await loadVisibleCase(deps.useCases, caller, data.caseId, 'card');
          return await cardWithNotice(deps, caller, data, stored, procedure, `Not saved: ${teamsSentence(failure)}`);
        }
        return failureResponse(400, 'bad_request', teamsSentence(failure));
      case 'defect':
        break;
    }
  } catch (inner) {
    failure = failureOf(inner);
    if (TEAMS_ANSWER[failure.code] === 'retry_later') return failureResponse(500, 'unavailable', STORE_BUSY_MESSAGE);
  }
  deps.useCases.logger.error('card action failed', {
    action: data?.action,
    caseId: data?.caseId,
    code: failure.code,
    error: failure.detail,
  });
  return failureResponse(500, 'internal_error', DEFECT_MESSAGE);
}
