import { describe, expect, it } from 'vitest';
import { withNotice, withoutAction } from '../../src/cards/index.js';
import { concernDialog } from '../../src/bot/message-extension.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { parseCard } from './adaptive-cards-lib.js';
import { cardsFor, SCENARIOS } from './fixtures.js';

/** The sentence the bot puts on a card it answers with, and the raise-concern dialog card. */
const scenario = SCENARIOS[0];
const cards = scenario ? cardsFor(scenario) : [];

describe('notices on cards', () => {
  it('puts the sentence under the header, escaped, and the card still parses cleanly', () => {
    for (const { card } of cards) {
      const noticed = withNotice(card, 'Ann [clicked](https://evil.example) **here** <b>x</b>');
      expect(noticed.body[0]).toEqual(card.body[0]);
      const box = JSON.stringify(noticed.body[1]);
      expect(box).toContain('\\\\[clicked\\\\]');
      expect(box).not.toContain('**here**');
      expect(parseCard(noticed).errors).toEqual([]);
      expect(parseCard(noticed).warnings).toEqual([]);
    }
  });

  it('removes only the named Action.Execute', () => {
    const concern = cards.find((c) => c.template === 'concern_raised');
    expect(concern).toBeDefined();
    if (!concern) return;
    const stripped = JSON.stringify(withoutAction(concern.card, 'acknowledge'));
    expect(JSON.stringify(concern.card)).toContain('"verb":"acknowledge"');
    expect(stripped).not.toContain('"verb":"acknowledge"');
    expect(stripped).toContain('Open in Trellis');
    expect(parseCard(JSON.parse(stripped)).errors).toEqual([]);
  });
});

describe('the raise-concern dialog', () => {
  it('parses cleanly and shows message text as plain input values', () => {
    const response = concernDialog(
      SEED_PROCEDURES,
      {
        procedureId: SEED_PROCEDURES[0]?.id ?? '',
        reference: '',
        traineeName: 'Priya <script>',
        traineeEmail: '',
        programme: '',
        school: '',
        concern: 'Missed ${secret} lessons',
        messageId: 'm',
      },
      'Not opened: reference: is needed [here](https://evil.example).',
    );
    expect(response.task.type).toBe('continue');
    if (response.task.type !== 'continue') return;
    const card = response.task.value.card.content;
    const report = parseCard(card);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(JSON.stringify(card)).toContain('Missed ${secret} lessons');
    expect(JSON.stringify(card)).toContain('\\\\[here\\\\]');
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
  });
});
