import type { SendPace } from '../notify/pacing.js';
import { Client as ConnectorClient } from '@microsoft/teams.api';
import { versionsOf } from '../app/cases/procedure-versions.js';
import type { StoredCase } from '../domain/ports.js';
import type { Procedure } from '../domain/procedure/schema.js';
import {
  buildCaseClosedCard,
  buildConcernRaisedCard,
  buildOutcomeRecordedCard,
  buildOverdueEscalationCard,
  buildPlacementSuspendedCard,
  buildPlanAgreedCard,
  buildReviewDueCard,
  buildReviewFormCard,
  buildSignatureRequestCard,
  buildStageChangedCard,
  buildNoticeCard,
  decisionFormsForRecipient,
  withDecisionFormButtons,
  noticeCardView,
  withNotice,
  type NoticeCardInput,
  caseClosedView,
  concernRaisedView,
  outcomeRecordedView,
  overdueEscalationView,
  placementSuspendedView,
  planAgreedView,
  reviewDueView,
  reviewersOf,
  reviewFormView,
  signatureRequestView,
  stageChangedView,
  escapeCardText,
  type AdaptiveCardJson,
} from '../cards/index.js';
import { passOnSentence, type Notification, type NotificationKind } from '../notify/notification.js';
import type { Sender, Senders } from '../notify/ports.js';
import type { UseCaseDeps } from '../app/deps.js';
import { caseForRecipient } from '../app/views/recipient-view.js';
import { recipientAudience } from '../notify/audience.js';
import type { PersonConversation, TeamsAppInstaller } from '../app/ports.js';
import { reviewerTeamsIds, sourceOf, summaryCardFor, type CaseCardContext } from './case-cards.js';

/**
 * The `chat_card` and `channel_card` senders for the notification sweep. A 1:1 card goes to
 * the person's stored conversation; where there is none yet, the app is installed for them
 * through Graph (proactive installation) and the card goes to the chat that creates. A channel
 * card goes to the channel linked to the case's programme (or the default channel).
 */
export interface CardSenderDeps extends CaseCardContext {
  readonly useCases: UseCaseDeps;
  /** The bot's HTTP client, carrying its Bot Framework token (`app.api.http`). */
  readonly http: ConstructorParameters<typeof ConnectorClient>[1];
  /** Where to send when nothing stored says (Teams' connector, the dev connector, the Playground). */
  readonly defaultServiceUrl: () => string;
  /** Proactive installation; absent means a person must have talked to the bot first. */
  readonly installer?: TeamsAppInstaller | undefined;
  /** Teams' per-conversation and per-bot message limits (src/notify/pacing.ts): each card waits its turn. */
  readonly pace: Pick<SendPace, 'teamsMessage'>;
}

export type CardSenders = Required<Pick<Senders, 'chat_card' | 'channel_card'>>;

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

export class NoConversationError extends Error {
  override readonly name = 'NoConversationError';
}

export function createCardSenders(deps: CardSenderDeps): CardSenders {
  const chat: Sender = async (notification) => {
    if (notification.recipient.kind !== 'person')
      throw new Error(`A chat card needs a person, not ${notification.recipient.kind}.`);
    const loaded = await load(deps, notification.caseId);
    const recipient = notification.recipient;
    const person = await conversationWith(deps, recipient.personId || recipient.email, recipient.name);
    const card = await cardFor(deps, notification, loaded, recipient.personId || recipient.email);
    await send(
      deps,
      person.serviceUrl ?? deps.defaultServiceUrl(),
      person.conversationId ?? '',
      card,
      notification.subject,
    );
  };
  const channel: Sender = async (notification) => {
    if (notification.recipient.kind !== 'course_team_channel')
      throw new Error(`A channel card needs a course team channel, not ${notification.recipient.kind}.`);
    const where = await deps.conversations.findChannel(notification.recipient.programme);
    if (!where) {
      throw new NoConversationError(
        `No Teams channel is linked for "${notification.recipient.programme}": a member of its course team writes "@Trellis use this channel for ${notification.recipient.programme}" in the course team's channel.`,
      );
    }
    const loaded = await load(deps, notification.caseId);
    await send(
      deps,
      where.serviceUrl,
      where.conversationId,
      await cardFor(deps, notification, loaded, undefined),
      notification.subject,
    );
  };
  return { chat_card: chat, channel_card: channel };
}

async function load(
  deps: CardSenderDeps,
  caseId: string,
): Promise<{ readonly stored: StoredCase; readonly procedure: Procedure }> {
  const stored = await deps.useCases.repository.find(caseId);
  if (!stored) throw new Error(`Case ${caseId} no longer exists.`);
  // The version of its procedure the case follows (a kept older version is read once).
  const procedure = await versionsOf(deps.useCases).of(stored.state);
  return { stored, procedure };
}

/** Cards that ask the reader to act: built from the case as it now is, so the action is current. */
const ACTION_KINDS: ReadonlySet<NotificationKind> = new Set([
  'signature_needed',
  'review_coming_up',
  'review_due_today',
  'review_overdue',
  'review_escalation',
]);

/**
 * The card a notification becomes, in the recipient's own view. Where the procedure names
 * someone Trellis has no address for, the card says in words to pass it on to them.
 */
export async function cardFor(
  deps: CaseCardContext,
  notification: Notification,
  loaded: { readonly stored: StoredCase; readonly procedure: Procedure },
  personId: string | undefined,
): Promise<AdaptiveCardJson> {
  const card = await cardOfKind(deps, notification, loaded, personId);
  const passOn = notification.passOnTo ?? [];
  // The notice card carries the sentence itself; any other card gets it on top.
  if (passOn.length === 0 || card.body.some((el) => JSON.stringify(el).includes(PASS_ON_MARK))) return card;
  return withNotice(card, passOnSentence(passOn, notification.attachForm || notification.channel === 'channel_card'));
}

/** Text every pass-on sentence starts with (passOnSentence). */
const PASS_ON_MARK = 'Please pass this on to';

async function cardOfKind(
  deps: CaseCardContext,
  notification: Notification,
  loaded: { readonly stored: StoredCase; readonly procedure: Procedure },
  personId: string | undefined,
): Promise<AdaptiveCardJson> {
  const { procedure } = loaded;
  const kind: NotificationKind =
    notification.kind === 'trainee_informed' ? (notification.about ?? 'case_opened') : notification.kind;
  // What happened is shown as it was at the event (a later draft is not "the agreed plan"); what
  // asks for an action (sign, review) shows the case as it now is. Either way in the
  // recipient's own view: a trainee's card has no review notes or panel reasons, a school's no
  // health grounds.
  const audience = recipientAudience(procedure, notification.recipient);
  const stored: StoredCase = {
    ...loaded.stored,
    state: caseForRecipient(
      loaded.stored.state,
      loaded.stored.events,
      ACTION_KINDS.has(kind) ? undefined : notification.caseVersion,
      audience,
    ),
  };
  const source = sourceOf(deps, stored, procedure, audience);
  const state = stored.state;
  const person =
    personId === undefined ? undefined : state.people.find((p) => p.id.toLowerCase() === personId.toLowerCase());
  switch (kind) {
    case 'signature_needed':
      if (person && state.plan && state.plan.agreedOn === undefined)
        return buildSignatureRequestCard(signatureRequestView(source, person));
      break;
    case 'review_coming_up':
      // A reminder, not yet the form: its "Complete the review" (open_review) brings the form
      // to a reviewer in place and the read-only view to anyone else.
      if (state.status !== 'active') break;
      return buildReviewDueCard(reviewDueView(source));
    case 'review_due_today':
    case 'review_overdue':
    case 'review_escalation': {
      if (personId === undefined && (kind === 'review_overdue' || kind === 'review_escalation'))
        return buildOverdueEscalationCard(overdueEscalationView(source));
      if (state.status !== 'active') break;
      const ids = await reviewerTeamsIds(deps, stored, procedure);
      const reviewer =
        person !== undefined &&
        reviewersOf(procedure, state).some((r) => r.id.toLowerCase() === person.id.toLowerCase());
      return buildReviewFormCard(
        reviewFormView(source, { editable: reviewer, teamsUserIdOf: (p) => ids.get(p.id.toLowerCase()) }),
      );
    }
    case 'case_opened':
      return buildConcernRaisedCard(concernRaisedView(source));
    case 'plan_agreed':
      if (state.plan?.agreedOn !== undefined) return buildPlanAgreedCard(planAgreedView(source));
      break;
    case 'review_recorded': {
      // A decision taken as a review (the Executive Group's) is told as a decision.
      const review = state.reviews.at(-1);
      const stage = review ? procedure.stages.find((s) => s.id === review.stageId) : undefined;
      if (stage?.review?.kind === 'decision')
        return withDecisionFormButtons(
          buildNoticeCard(noticeCardView(source, noticeOf(notification, 'DECISION'))),
          state,
          decisionFormsForRecipient(procedure, state, personId),
        );
      if (review)
        return withDecisionFormButtons(
          buildOutcomeRecordedCard(outcomeRecordedView(source)),
          state,
          decisionFormsForRecipient(procedure, state, personId),
        );
      break;
    }
    case 'stage_changed':
      return buildStageChangedCard(stageChangedView(source));
    case 'decision_recorded':
      // What was decided, by whom, when and what happens next: the notification's own words,
      // with the forms that follow a decision (the fee waiver, the appeal) for whoever records them.
      return withDecisionFormButtons(
        buildNoticeCard(noticeCardView(source, noticeOf(notification, 'DECISION'))),
        state,
        decisionFormsForRecipient(procedure, state, personId),
      );
    case 'case_closed':
      if (state.closure) return buildCaseClosedCard(caseClosedView(source));
      break;
    case 'placement_suspended': {
      const suspended = state.placementSuspended;
      if (suspended === undefined) break;
      const forTrainee =
        notification.kind === 'trainee_informed' ||
        (person !== undefined && procedure.roles.find((r) => r.id === person.role)?.side === 'trainee');
      return buildPlacementSuspendedCard(placementSuspendedView(source, suspended, forTrainee ? 'trainee' : 'staff'));
    }
    case 'case_reopened':
      return buildNoticeCard(noticeCardView(source, noticeOf(notification, 'CASE REOPENED')));
    case 'milestone_coming_up':
    case 'milestone_due_today':
    case 'milestone_overdue':
      return buildNoticeCard(noticeCardView(source, noticeOf(notification, 'WEEK-BY-WEEK PLAN')));
    case 'person_added':
    case 'person_removed':
    case 'placement_changed':
    case 'fee_waived':
    case 'appeal_lodged':
    case 'appeal_decided':
    case 'review_date_set':
    case 'review_date_moved':
    case 'review_cancelled':
    case 'trainee_informed':
      break;
  }
  return summaryCardFor(deps, stored, procedure, personId);
}

function noticeOf(notification: Notification, kicker: string): NoticeCardInput {
  const passOn = notification.passOnTo ?? [];
  return {
    kicker,
    title: notification.subject.replace(`${notification.reference}: `, ''),
    lines: notification.lines,
    passOn: passOn.length === 0 ? '' : passOnSentence(passOn, true),
    because: notification.because ?? '',
  };
}

/**
 * The person's 1:1 conversation with the bot: stored, or made by installing the app for them
 * (the installer, when configured) and remembering the chat that creates.
 */
async function conversationWith(deps: CardSenderDeps, upn: string, name: string): Promise<PersonConversation> {
  const stored = await deps.conversations.findPerson(upn);
  if (stored?.conversationId !== undefined) return stored;
  if (!deps.installer)
    throw new NoConversationError(
      `${name} has not opened Trellis in Teams yet, so there is no chat to send the card to.`,
    );
  const { chatId } = await deps.installer.installFor(upn);
  return deps.conversations.savePerson({
    upn,
    name: stored?.name ?? name,
    aadObjectId: stored?.aadObjectId ?? '',
    teamsUserId: stored?.teamsUserId ?? '',
    tenantId: stored?.tenantId,
    conversationId: chatId,
    serviceUrl: stored?.serviceUrl ?? deps.defaultServiceUrl(),
  });
}

async function send(
  deps: CardSenderDeps,
  serviceUrl: string,
  conversationId: string,
  card: AdaptiveCardJson,
  summary: string,
): Promise<void> {
  if (conversationId === '') throw new NoConversationError('There is no conversation to send the card to.');
  await deps.pace.teamsMessage(conversationId);
  const connector = new ConnectorClient(serviceUrl, deps.http);
  await connector.conversations.createActivity(conversationId, {
    type: 'message',
    // The notification's subject is the line Teams shows above the card and in the chat list.
    text: escapeCardText(summary.slice(0, 200)),
    attachments: [{ contentType: ADAPTIVE, content: card }],
  });
}
