import { cardText } from './escape.js';
import type { AdaptiveCardJson } from './templates.js';

/**
 * Card answers to an action sometimes need one sentence on top: why the card changed (a stale
 * card answered with the case as it now is), or what was wrong with the input. The sentence
 * goes in a warning box under the card's header, escaped like any text from people.
 */
export function withNotice(card: AdaptiveCardJson, sentence: string): AdaptiveCardJson {
  if (sentence.trim() === '') return card;
  const box = {
    type: 'Container',
    style: 'warning',
    items: [{ type: 'TextBlock', text: cardText(sentence, 1000), wrap: true, weight: 'Bolder' }],
  };
  const [header, ...rest] = card.body;
  return { ...card, body: header === undefined ? [box] : [header, box, ...rest] };
}

/** The card without its Action.Execute buttons for `verb` (an acknowledgement already given). */
export function withoutAction(card: AdaptiveCardJson, verb: string): AdaptiveCardJson {
  const keep = (action: unknown): boolean =>
    !(typeof action === 'object' && action !== null && (action as { verb?: unknown }).verb === verb);
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.filter(keep).map(strip);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      // An ActionSet left with no actions is dropped by the renderers; keep the shape valid.
      out[key] = strip(value);
    }
    return out;
  };
  const body = (strip(card.body) as unknown[]).filter(
    (el) =>
      !(
        typeof el === 'object' &&
        el !== null &&
        (el as { type?: unknown }).type === 'ActionSet' &&
        Array.isArray((el as { actions?: unknown }).actions) &&
        (el as { actions: unknown[] }).actions.length === 0
      ),
  );
  return { ...card, body, ...(card.actions ? { actions: (card.actions as unknown[]).filter(keep) } : {}) };
}
