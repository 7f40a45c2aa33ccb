import { describe, expect, it } from 'vitest';
import { suspendPlacement } from '../../src/domain/case/commands/stage-tasks.js';
import type { Actor } from '../../src/domain/case/types.js';
import { enhancedSupport } from '../../src/domain/procedures/index.js';
import {
  buildPlacementSuspendedCard,
  cardByteSize,
  LINK_BREAK,
  MAX_CARD_BYTES,
  placementSuspendedView,
  type AdaptiveCardJson,
} from '../../src/cards/index.js';
import { atEnhancedSupportStep5 } from '../notify/kit.js';
import { parseCard } from './adaptive-cards-lib.js';
import { cardTexts } from './card-text.js';
import { HOSTILE, LINKS, SCENARIOS } from './fixtures.js';

/**
 * The placement-suspended card (Enhanced Support step 5), bound from a case walked to Step 5
 * through the real commands and suspended there, as the bot's sender binds it: the suspension
 * read back from the trail, the staff copy and the trainee's own.
 */

/** TextBlock texts and facts as "title: value", in order, without the escaping backslashes and link breaks. */
function texts(card: AdaptiveCardJson): string[] {
  return cardTexts(card.body)
    .map((t) => (t.kind === 'text' ? t.text : `${t.title}: ${t.value}`))
    .map((t) => t.replace(/\\(.)/g, '$1').replaceAll('\u200B', ''));
}

function suspendedCase(reason: string, by: 'course_team' | 'course_leader' | Actor = 'course_team') {
  const c = atEnhancedSupportStep5(['trainee', 'mentor', 'tutor', 'course_leader']);
  const leader = c.person('course_leader');
  const actor =
    by === 'course_team'
      ? c.as('course_team')
      : by === 'course_leader'
        ? { id: leader.id, name: leader.name, appRoles: ['course_team' as const] }
        : by;
  const result = suspendPlacement(c.context(actor), c.state, { reason });
  const event = result.events.find((e) => e.type === 'placement_suspended');
  if (event?.type !== 'placement_suspended') throw new Error('no suspension recorded');
  const source = { procedure: enhancedSupport, state: result.state, links: LINKS, today: event.on };
  return {
    source,
    suspension: { on: event.on, by: event.actorId, byName: event.data.byName, reason: event.data.reason },
  };
}

describe('placement suspended card', () => {
  const reason = 'Pupils in Year 8 are falling behind; the school asked for it.';

  it('tells the staff who suspended it, from when, why and what happens next', () => {
    const { source, suspension } = suspendedCase(reason, 'course_leader');
    const card = buildPlacementSuspendedCard(placementSuspendedView(source, suspension, 'staff'));
    expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
    expect(cardByteSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(texts(card)).toEqual([
      'PLACEMENT SUSPENDED',
      'Placement suspended for Trainee',
      'Trainee · Oak Primary · CASE-1',
      'Awaiting a decision',
      'Suspended from: Friday 27 November 2026',
      'Suspended by: Course Leader (Course leader)',
      'Trainee: Trainee',
      'School: Oak Primary',
      'Stage: Step 5',
      'Reason',
      reason,
      'What happens next',
      'Trainee does not teach on this placement while it is suspended. The course team will be in touch with everyone on the case about the next steps.',
    ]);
    expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.OpenUrl', title: 'Open in Trellis' })]);
  });

  it('gives the trainee their own kind words and the same facts, nothing more', () => {
    const { source, suspension } = suspendedCase(reason);
    const staff = texts(buildPlacementSuspendedCard(placementSuspendedView(source, suspension, 'staff')));
    const card = buildPlacementSuspendedCard(placementSuspendedView(source, suspension, 'trainee'));
    expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
    const shown = texts(card);
    expect(shown).toContain('Your placement is suspended');
    // The course team member is not on the case: the event keeps their name.
    expect(shown).toContain('Suspended by: Course Lead (course team)');
    expect(shown).toContain(reason);
    expect(shown.at(-1)).toMatch(
      /^You will not teach on this placement for now\. We know this may be hard to hear: your course team will be in touch soon .* the support available to you\.$/,
    );
    // Every fact the trainee sees is one the staff see too.
    const facts = (lines: string[]) => lines.filter((t) => /^[A-Z][a-z ]+: /.test(t));
    for (const fact of facts(shown)) expect(facts(staff)).toContain(fact);
  });

  it('names someone not on the case by their sign-in name when the event keeps no name (stored before it did)', () => {
    const { source, suspension } = suspendedCase(reason);
    const { byName: _byName, ...old } = suspension;
    for (const audience of ['staff', 'trainee'] as const) {
      expect(texts(buildPlacementSuspendedCard(placementSuspendedView(source, old, audience)))).toContain(
        'Suspended by: The course team (course.lead@provider.test)',
      );
    }
  });

  it('shows a hostile name of who suspended it as literal text', () => {
    const { source, suspension } = suspendedCase(reason, {
      id: 'someone@provider.test',
      name: HOSTILE.name,
      appRoles: ['course_team'],
    });
    expect(suspension.byName).toBe(HOSTILE.name);
    const card = buildPlacementSuspendedCard(placementSuspendedView(source, suspension, 'staff'));
    expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
    expect(JSON.stringify(card)).not.toContain('](https://');
    expect(JSON.stringify(card)).not.toContain('**URGENT**');
    expect(texts(card)).toContain(`Suspended by: ${HOSTILE.name} (course team)`);
  });

  it('shows nothing the trainee view hides, even when the case holds it', () => {
    const { source, suspension } = suspendedCase(reason);
    const secret = 'Private: considering Fitness to Practise';
    const state = { ...source.state, reviews: source.state.reviews.map((r) => ({ ...r, notes: secret })) };
    const json = JSON.stringify(
      buildPlacementSuspendedCard(placementSuspendedView({ ...source, state }, suspension, 'trainee')),
    );
    expect(json).not.toContain('Fitness to Practise');
  });

  it('shows a hostile reason as literal text, with no link, emphasis or template expression', () => {
    const hostile =
      '[Click to verify](https://evil.example/login) **URGENT** ${header.caseId}\n# heading\n- <img src=x onerror=alert(1)>';
    const { source, suspension } = suspendedCase(hostile);
    for (const audience of ['staff', 'trainee'] as const) {
      const card = buildPlacementSuspendedCard(placementSuspendedView(source, suspension, audience));
      expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
      const json = JSON.stringify(card);
      // The template engine bound the reason as data: the expression typed into it stays text.
      expect(json).toContain(`\${header.${LINK_BREAK}caseId}`);
      expect(json).not.toContain(`**URGENT** ${source.state.id}`);
      expect(json).not.toContain('](https://');
      expect(json).not.toContain('**URGENT**');
      expect(json).not.toMatch(/\\n# heading/);
      expect(texts(card)).toContain(hostile);
    }
  });

  it('stays inside 28 KB with the longest reason the domain allows', () => {
    const { source, suspension } = suspendedCase(
      'Pupils are falling behind in every lesson. '.repeat(60).slice(0, 2000),
    );
    const card = buildPlacementSuspendedCard(placementSuspendedView(source, suspension, 'staff'));
    expect(cardByteSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
  });
});

describe('the sample cases the card tests bind', () => {
  it('suspend Enhanced Support for real at Step 5; the other procedures never allow it', () => {
    for (const scenario of SCENARIOS) {
      const expected = scenario.procedure.id === 'enhanced-support' ? 'step_5' : undefined;
      expect(scenario.suspended?.state.stageId).toBe(expected);
      if (scenario.suspended)
        expect(scenario.suspended.state.placementSuspended).toEqual({
          on: scenario.suspended.suspension.on,
          by: scenario.suspended.suspension.by,
          byName: scenario.suspended.suspension.byName,
          reason: scenario.suspended.suspension.reason,
        });
    }
  });
});
