import { londonDateOf } from '../domain/calendar/index.js';
import { awaitedAction, type CaseEvent } from '../domain/case/index.js';
import type { Person } from '../domain/case/types.js';
import type { StoredCase } from '../domain/ports.js';
import type { Procedure } from '../domain/procedure/schema.js';
import {
  buildDecisionFormCard,
  buildGroupDecisionCard,
  decisionFormsFor,
  withDecisionFormButtons,
  groupDecisionRules,
  type DecisionForm,
  buildCaseSummaryCard,
  buildOutcomeRecordedCard,
  buildPlanAgreedCard,
  buildReviewFormCard,
  buildSignatureRequestCard,
  caseSummaryView,
  outcomeRecordedView,
  planAgreedView,
  plainCardText,
  reviewersOf,
  reviewFormView,
  signatureRequestView,
  stageTitle,
  withNotice,
  type AdaptiveCardJson,
  type CardLinks,
  type CardSource,
} from '../cards/index.js';
import { accessTo, actorForCase } from '../app/access.js';
import type { Caller } from '../app/caller.js';
import { redactFor, type CaseAudience } from '../app/views/case-view.js';
import type { Conversations } from '../app/ports.js';

/**
 * The cards the bot answers with, built for the person asking: the same view builders the
 * notifications use, from the case as it now is, redacted for the person's view of it (the
 * API's `redactFor`): a trainee's card has no review notes or panel reasons, a mentor's no
 * health details. Every card source passes through `sourceOf`, which redacts, so no card can
 * be built from the full record for someone whose view hides part of it.
 */
export interface CaseCardContext {
  readonly links: CardLinks;
  readonly clock: () => Date;
  readonly conversations: Conversations;
}

/**
 * What a card for `audience` is built from: the case redacted for that audience. (Redacting is
 * idempotent, so a state already redacted for the same audience comes out the same.)
 */
export function sourceOf(
  ctx: CaseCardContext,
  stored: StoredCase,
  procedure: Procedure,
  audience: CaseAudience,
): CardSource {
  return { procedure, state: redactFor(stored.state, audience), links: ctx.links, today: londonDateOf(ctx.clock()) };
}

/**
 * The view of the case the caller has: the API's (full for the course team, staff for others
 * named on it, trainee for the trainee); someone not on it at all gets the `shared` view, the
 * least a card shows.
 */
export function audienceOf(caller: Caller, stored: StoredCase, procedure: Procedure): CaseAudience {
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  const access = accessTo(
    caller,
    { programme: stored.state.placement.programme, people: stored.state.people },
    traineeRoles,
  );
  return access === 'none' ? 'shared' : access;
}

/** The stored case with its state redacted for `audience` (the trail is left as it is: cards read the state). */
function redacted(stored: StoredCase, audience: CaseAudience): StoredCase {
  return { ...stored, state: redactFor(stored.state, audience) };
}

/** Teams user ids of the case's reviewers, from their stored conversation references (refresh.userIds). */
export async function reviewerTeamsIds(
  ctx: CaseCardContext,
  stored: StoredCase,
  procedure: Procedure,
): Promise<ReadonlyMap<string, string>> {
  const reviewers = reviewersOf(procedure, stored.state);
  const found = await Promise.all(
    reviewers.map(async (p) => [p.id.toLowerCase(), (await ctx.conversations.findPerson(p.id))?.teamsUserId] as const),
  );
  return new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
}

/** Whether the caller carries out the current stage's review on this case. */
export function isReviewer(caller: Caller, stored: StoredCase, procedure: Procedure): boolean {
  return reviewersOf(procedure, stored.state).some((p) => p.id.toLowerCase() === caller.actor.id);
}

/** The review of the plan a review card was built for, once someone has recorded it. */
export function reviewRecordedSince(stored: StoredCase, cardVersion: number) {
  const recorded = stored.events.filter((e) => e.seq > cardVersion && e.type === 'review_recorded');
  return recorded.length > 0 ? stored.state.reviews.at(-1) : undefined;
}

/**
 * The review card as this person should see it now: the outcome once the review is recorded,
 * the form for a reviewer named on the case, the read-only view for anyone else.
 */
export async function reviewCardFor(
  ctx: CaseCardContext,
  caller: Caller,
  stored: StoredCase,
  procedure: Procedure,
  cardVersion: number,
  notice?: string,
): Promise<AdaptiveCardJson> {
  const audience = audienceOf(caller, stored, procedure);
  const source = sourceOf(ctx, stored, procedure, audience);
  const review = reviewRecordedSince(redacted(stored, audience), cardVersion);
  if (review) {
    const outcome = buildOutcomeRecordedCard(outcomeRecordedView(source, review));
    return notice === undefined ? outcome : withNotice(outcome, notice);
  }
  // A group's decision (RCTTP's Executive Group) records the group's members and who attended:
  // its recorders get that form, which the review form has no place for.
  if (
    groupDecisionRules(procedure, stored.state) !== undefined &&
    isReviewer(caller, stored, procedure) &&
    stored.state.status !== 'closed' &&
    !stored.state.paused
  ) {
    return buildGroupDecisionCard(source, notice === undefined ? {} : { notice });
  }
  const ids = await reviewerTeamsIds(ctx, stored, procedure);
  const view = reviewFormView(source, {
    editable: isReviewer(caller, stored, procedure) && stored.state.status === 'active' && !stored.state.paused,
    teamsUserIdOf: (person: Person) => ids.get(person.id.toLowerCase()),
    ...(notice === undefined ? {} : { notice }),
  });
  return buildReviewFormCard(view);
}

/**
 * A form that follows a decision (the fee waiver, the appeal), built for the person asking from
 * their view of the case. Whether they may record it is the command's to say when they submit;
 * the buttons that open it are only offered to those who may (`decisionFormsFor`).
 */
export function decisionFormCardFor(
  ctx: CaseCardContext,
  caller: Caller,
  stored: StoredCase,
  procedure: Procedure,
  form: DecisionForm,
  notice?: string,
): AdaptiveCardJson {
  const source = sourceOf(ctx, stored, procedure, audienceOf(caller, stored, procedure));
  return buildDecisionFormCard(source, form, notice === undefined ? {} : { notice });
}

/** The actor the domain sees for the caller on this case (course-team powers only on their programmes). */
export function actorOn(caller: Caller, stored: StoredCase) {
  return actorForCase(caller, stored.state.placement.programme);
}

/** After signing: the plan agreed card once everyone has signed, else the signer's card showing their signature. */
export function signatureCardFor(
  ctx: CaseCardContext,
  caller: Caller,
  stored: StoredCase,
  procedure: Procedure,
  role: string,
): AdaptiveCardJson {
  const source = sourceOf(ctx, stored, procedure, audienceOf(caller, stored, procedure));
  const plan = source.state.plan;
  if (plan?.agreedOn !== undefined) return buildPlanAgreedCard(planAgreedView(source));
  const signer =
    stored.state.people.find((p) => p.id.toLowerCase() === caller.actor.id && p.role === role) ??
    stored.state.people.find((p) => p.id.toLowerCase() === caller.actor.id);
  if (!plan || !signer) return buildCaseSummaryCard(caseSummaryView(source));
  return buildSignatureRequestCard(signatureRequestView(source, signer));
}

/**
 * The case summary card: it can be passed into any chat (search results, a shared card), so it is
 * built from the `shared` view — no health details ("Paused", never why), no deliberations. For
 * a viewer from whom the case awaits something, it carries their button (Sign, Complete the
 * review); everyone it awaits something from is in refresh.userIds, so each gets their own.
 */
export async function summaryCardFor(
  ctx: CaseCardContext,
  stored: StoredCase,
  procedure: Procedure,
  viewerId?: string,
): Promise<AdaptiveCardJson> {
  const today = londonDateOf(ctx.clock());
  const awaited = stored.state.people.filter((p) => awaitedAction(procedure, stored.state, p.id, today) !== undefined);
  const ids = new Map(
    await Promise.all(
      awaited.map(async (p) => [p.id.toLowerCase(), (await ctx.conversations.findPerson(p.id))?.teamsUserId] as const),
    ),
  );
  return buildCaseSummaryCard(
    caseSummaryView(sourceOf(ctx, stored, procedure, 'shared'), {
      viewerId,
      teamsUserIdOf: (person) => ids.get(person.id.toLowerCase()),
    }),
  );
}

/**
 * The case summary for one person in their chat: their button (Sign, Complete the review) and a
 * button for each form that follows a decision they may open (the fee waiver, the appeal). The
 * card sent in answer to a message and the card Teams asks for again when it refreshes it for
 * them are this one, so a refresh keeps the buttons the card was sent with.
 */
export async function personalSummaryCardFor(
  ctx: CaseCardContext,
  caller: Caller,
  stored: StoredCase,
  procedure: Procedure,
): Promise<AdaptiveCardJson> {
  return withDecisionFormButtons(
    await summaryCardFor(ctx, stored, procedure, caller.actor.id),
    stored.state,
    decisionFormsFor(procedure, stored.state, actorOn(caller, stored)),
  );
}

const EVENT_PHRASES: Partial<Record<CaseEvent['type'], string>> = {
  plan_edited: 'edited the plan',
  signatures_withdrawn: 'withdrew the signatures to change the plan',
  trainee_perceptions_recorded: 'recorded the trainee’s perceptions',
  plan_signed: 'signed the plan',
  plan_agreed: 'completed the signatures, so the plan is agreed',
  review_recorded: 'recorded the review',
  review_date_extended: 'moved the review date',
  case_escalated: 'escalated the case',
  case_paused: 'paused the case',
  case_resumed: 'resumed the case',
  panel_convened: 'convened a panel',
  panel_met: 'recorded a panel meeting',
  task_completed: 'completed a task',
  placement_suspended: 'suspended the placement',
  case_closed: 'closed the case',
  case_reopened: 'reopened the case',
  milestone_done: 'recorded a milestone as done',
};

/**
 * One sentence saying what changed since the card was built: who did what, from the trail.
 * Plain text (the card escapes it).
 */
export function whatChanged(stored: StoredCase, procedure: Procedure, cardVersion: number): string {
  const since = stored.events.filter((e) => e.seq > cardVersion);
  const parts: string[] = [];
  for (const event of since) {
    const phrase = EVENT_PHRASES[event.type];
    if (phrase === undefined) continue;
    const who =
      stored.state.people.find((p) => p.id.toLowerCase() === event.actorId.toLowerCase())?.name ?? event.actorId;
    const text = `${plainCardText(who)} ${phrase}`;
    if (!parts.includes(text)) parts.push(text);
  }
  const stage = stageTitle(procedure, stored.state.stageId);
  const what = parts.length > 0 ? `${parts.slice(0, 4).join('; ')}.` : 'The case changed.';
  return `This card was out of date: since it was sent, ${what.charAt(0).toLowerCase()}${what.slice(1)} The case is now at ${stage}. Nothing you entered was saved; check the card as it is now and try again if it still applies.`;
}
