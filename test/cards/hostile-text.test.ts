import { describe, expect, it } from 'vitest';
import {
  buildCaseSummaryCard,
  buildConcernRaisedCard,
  buildOutcomeRecordedCard,
  buildPlacementSuspendedCard,
  buildReviewFormCard,
  buildSignatureRequestCard,
  caseSummaryView,
  concernRaisedView,
  LINK_BREAK,
  outcomeRecordedView,
  placementSuspendedView,
  reviewFormView,
  signatureRequestView,
  type AdaptiveCardJson,
} from '../../src/cards/index.js';
import { parseCard } from './adaptive-cards-lib.js';
import { cardTexts } from './card-text.js';
import { HOSTILE, hostileCase, SCENARIOS, sourceOf, suspensionOf, teamsUserIdOf } from './fixtures.js';

/** Every string a renderer would run through markdown: TextBlock text and fact titles/values. */
function markdownStrings(card: AdaptiveCardJson): string[] {
  return cardTexts(card).flatMap((t) => (t.kind === 'text' ? [t.text] : [t.title, t.value]));
}

describe('hostile text in cards', () => {
  const scenario = SCENARIOS[0];
  if (!scenario) throw new Error('no scenario');
  const agreed = hostileCase(scenario.agreed);
  const moved = hostileCase(scenario.moved);
  const cards: [string, AdaptiveCardJson][] = [
    [
      'review form',
      buildReviewFormCard(
        reviewFormView(sourceOf(scenario, agreed, scenario.dueOn), { editable: true, teamsUserIdOf }),
      ),
    ],
    ['case summary', buildCaseSummaryCard(caseSummaryView(sourceOf(scenario, agreed, scenario.dueOn)))],
    [
      'concern raised',
      buildConcernRaisedCard(concernRaisedView(sourceOf(scenario, hostileCase(scenario.drafted), scenario.dueOn))),
    ],
    [
      'signature request',
      buildSignatureRequestCard(
        signatureRequestView(sourceOf(scenario, hostileCase(scenario.drafted), scenario.dueOn), scenario.trainee),
      ),
    ],
    ['outcome recorded', buildOutcomeRecordedCard(outcomeRecordedView(sourceOf(scenario, moved, scenario.dueOn)))],
    ...(['staff', 'trainee'] as const).map((audience): [string, AdaptiveCardJson] => [
      `placement suspended (${audience})`,
      buildPlacementSuspendedCard(
        placementSuspendedView(
          sourceOf(scenario, moved, scenario.dueOn),
          { ...suspensionOf(scenario), reason: `${HOSTILE.target}\n${HOSTILE.evidence}` },
          audience,
        ),
      ),
    ]),
  ];

  it.each(cards)(
    '%s: still parses, and binds user text as escaped data, never as template expressions',
    (_name, card) => {
      expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
      const json = JSON.stringify(card);
      // The `${header.caseId}` typed into a target stays text: the template engine did not evaluate it.
      if (!/signature|concern/.test(_name)) expect(json).toContain(`\${header.${LINK_BREAK}caseId} @{caseId}`);
      expect(json).not.toContain(`${scenario.agreed.id} @{caseId}`);
    },
  );

  it.each(cards)(
    '%s: no markdown link, image, emphasis, heading or list survives, and no address is linkable',
    (_name, card) => {
      const texts = markdownStrings(card);
      expect(texts.some((t) => t.includes('Click to verify'))).toBe(true);
      for (const text of texts) {
        expect(text).not.toMatch(/(^|[^\\])\[[^\]]*(^|[^\\])\]\(/);
        expect(text).not.toMatch(/(^|[^\\])\*\*[^*]/);
        expect(text).not.toMatch(/^\s*(#|-|\+|>|\d+\.)\s/m);
        expect(text).not.toMatch(/[a-z]:\/\//i);
        expect(text).not.toMatch(/www\.[a-z]/i);
      }
      expect(JSON.stringify(card)).toContain(LINK_BREAK);
    },
  );

  it('keeps user text out of action data and input ids', () => {
    const [, form] = cards[0] ?? [];
    const json = JSON.stringify(form);
    expect(json).not.toMatch(/"id":"[^"]*(evil|phish)/);
  });
});
