import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';

/**
 * The `adaptivecards` renderer library, loaded from its UMD bundle: the package's ESM build
 * imports files without extensions, which Node cannot load. Parsing needs no DOM.
 */
export const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

export interface ParseReport {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** Parses a card as a Teams client would (Adaptive Cards 1.5) and collects every complaint. */
export function parseCard(json: unknown): ParseReport {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const errors: string[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) {
    const event = context.getEventAt(i);
    const line = `${AC.ValidationEvent[event.event]}: ${event.message}`;
    if (event.phase === AC.ValidationPhase.Parse || event.phase === AC.ValidationPhase.ToJSON) errors.push(line);
    else warnings.push(line);
  }
  // Semantic checks the parser leaves to validation: duplicate ids, missing required values, …
  for (const event of card.validateProperties().validationEvents) {
    warnings.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return { errors, warnings };
}
