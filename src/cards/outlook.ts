import { actionData } from './actions.js';
import { MAX_CARD_BYTES, type AdaptiveCardJson } from './templates.js';

/**
 * A Trellis card as an Outlook actionable message (Universal Actions). Outlook shows a card only
 * when it names the `originator` registered for the bot's Outlook channel (the Actionable Email
 * Developer Dashboard's provider id), and only for Adaptive Cards 1.4 and later, whose
 * Action.Execute reaches the bot through the Bot Framework as an `adaptiveCard/action` invoke.
 *
 * Outlook always honours `refresh` when someone opens the message (it ignores `userIds`), so a
 * card that has none gets one asking for the review form: the bot then answers with the card for
 * the person opening it — the form for a reviewer, the read-only view for anyone else, the
 * outcome once the review is recorded.
 */

/** The Bot Framework's channel id for activities from Outlook actionable messages. */
export const OUTLOOK_CHANNEL_ID = 'outlook';

/**
 * The size an actionable card must keep to. Microsoft's actionable-message documentation gives
 * no size of its own for the card in an email's head; the card is the one Teams shows too, whose
 * message limit is 28 KB, so the actionable form (with its originator and refresh) is held to
 * that. The card checks test the largest realistic review against it.
 */
export const MAX_ACTIONABLE_CARD_BYTES = MAX_CARD_BYTES;

/** Universal Actions start at 1.4; Trellis cards are 1.5, the highest Teams renders. */
const MIN_VERSION = 1.4;

export interface ActionableMessageOptions {
  readonly originator: string;
  /** The case and version the card shows, for the refresh it gets when it has none. */
  readonly caseId: string;
  readonly version: number;
}

export function asActionableMessage(card: AdaptiveCardJson, options: ActionableMessageOptions): AdaptiveCardJson {
  if (Number(card.version) < MIN_VERSION)
    throw new Error(`An actionable message needs Adaptive Cards 1.4, not ${card.version}.`);
  return {
    ...card,
    originator: options.originator,
    // Outlook shows the card instead of the HTML body; other mail clients show the body.
    hideOriginalBody: true,
    refresh: card.refresh ?? {
      action: {
        type: 'Action.Execute',
        verb: 'refresh',
        data: actionData('refresh', options.caseId, options.version, { card: 'review_form' }),
      },
      userIds: [],
    },
  };
}
