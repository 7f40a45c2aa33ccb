import { cardText, escapeCardText } from '../escape.js';
import { caseHeader, type CardSource, type CaseHeaderView } from './common.js';

/**
 * A card that says what a notification says, in its own words: a panel's or the Executive
 * Group's decision (the decision, who decided, when, what happens next), or any notice the
 * course team must pass on to someone Trellis has no address for. Built from the notification's
 * lines (already written for its recipient) and the case header of the recipient's view.
 */
export interface NoticeCardInput {
  /** A short upper-case label above the title, e.g. "DECISION". */
  readonly kicker: string;
  readonly title: string;
  readonly lines: readonly string[];
  /** One sentence asking the course team to pass it on; empty for none. */
  readonly passOn: string;
  /** The provider's own words that made it necessary; empty for none. */
  readonly because: string;
}

export interface NoticeCardView {
  readonly header: CaseHeaderView;
  readonly kicker: string;
  readonly title: string;
  readonly lines: readonly { readonly text: string }[];
  readonly passOn: string;
  readonly hasPassOn: boolean;
  readonly because: string;
  readonly hasBecause: boolean;
}

/** At most this many paragraphs, so the card stays well inside Teams' size limit. */
const MAX_LINES = 12;

export function noticeCardView(source: CardSource, input: NoticeCardInput): NoticeCardView {
  return {
    header: caseHeader(source),
    kicker: escapeCardText(input.kicker),
    title: cardText(input.title, 200),
    lines: input.lines.slice(0, MAX_LINES).map((line) => ({ text: cardText(line, 1200) })),
    passOn: cardText(input.passOn, 600),
    hasPassOn: input.passOn !== '',
    because: cardText(input.because, 600),
    hasBecause: input.because !== '',
  };
}
