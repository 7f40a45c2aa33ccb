import { asActionableMessage } from '../cards/index.js';
import { versionsOf } from '../app/cases/procedure-versions.js';
import type { UseCaseDeps } from '../app/deps.js';
import type { NotificationKind } from '../notify/notification.js';
import type { ActionableCardProvider } from '../notify/ports.js';
import type { CaseCardContext } from './case-cards.js';
import { cardFor } from './senders.js';

/**
 * Review reminders as Outlook actionable messages: the email carries the same card a reviewer
 * gets in Teams (the review-due reminder before the day, the form from the day on), built from
 * the case as it now is for the email's recipient, with the registered originator. Outlook sends
 * its actions to the bot like Teams does (card-actions.ts), so the review is recorded by the
 * same use case with the same checks.
 */

const REVIEW_REMINDERS: ReadonlySet<NotificationKind> = new Set([
  'review_coming_up',
  'review_due_today',
  'review_overdue',
  'review_escalation',
]);

export interface ActionableCardDeps extends CaseCardContext {
  readonly useCases: Pick<UseCaseDeps, 'repository' | 'procedures'>;
  /** The provider id registered for the bot's Outlook channel; without one, emails stay plain HTML. */
  readonly originator: string | undefined;
}

export function actionableReviewCards(deps: ActionableCardDeps): ActionableCardProvider {
  return async (notification) => {
    const { originator } = deps;
    if (originator === undefined || notification.channel !== 'email') return undefined;
    if (!REVIEW_REMINDERS.has(notification.kind) || notification.recipient.kind !== 'person') return undefined;
    const stored = await deps.useCases.repository.find(notification.caseId);
    // The version of the procedure the case follows; a version that cannot be read now leaves the email without a form.
    const procedure = stored
      ? await versionsOf(deps.useCases)
          .of(stored.state)
          .catch(() => undefined)
      : undefined;
    // A case closed or gone since the reminder was planned: the email says what it says, without a form.
    if (!stored || !procedure || stored.state.status !== 'active') return undefined;
    const recipient = notification.recipient;
    const card = await cardFor(deps, notification, { stored, procedure }, recipient.personId || recipient.email);
    return asActionableMessage(card, { originator, caseId: stored.state.id, version: stored.state.version });
  };
}
