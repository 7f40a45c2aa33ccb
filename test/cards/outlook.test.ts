import { describe, expect, it } from 'vitest';
import {
  asActionableMessage,
  buildReviewDueCard,
  buildReviewFormCard,
  reviewDueView,
  reviewFormView,
} from '../../src/cards/index.js';
import { actionableCardOf, renderEmail } from '../../src/notify/email.js';
import type { Notification } from '../../src/notify/notification.js';
import { parseCard } from './adaptive-cards-lib.js';
import { hostileCase, HOSTILE, SCENARIOS, sourceOf, teamsUserIdOf } from './fixtures.js';

/**
 * Review reminders as Outlook actionable messages: the review cards with the registered
 * originator and a refresh, embedded in the email's head, still passing the card checks every
 * Trellis card passes, with people's text kept as text in both the card and the HTML.
 */
const ORIGINATOR = 'c9b4352b-a76b-43b9-88ff-80edddaa243b';

const reminder = (caseId: string): Notification => ({
  key: `${caseId}:review:email`,
  caseId,
  reference: 'BCU-RIT-0001',
  kind: 'review_due_today',
  about: undefined,
  channel: 'email',
  recipient: { kind: 'person', role: 'tutor', personId: 't@x.example', name: 'T', email: 't@x.example' },
  subject: 'BCU-RIT-0001: review due today',
  lines: [`The review for ${HOSTILE.school} </script><script>alert(1)</script> is due today.`],
  because: undefined,
  attachForm: false,
  calendar: undefined,
});

describe('review cards as Outlook actionable messages', () => {
  for (const scenario of SCENARIOS) {
    const state = hostileCase(scenario.agreed);
    const source = sourceOf(scenario, state, scenario.dueOn);
    const cards = {
      form: buildReviewFormCard(reviewFormView(source, { editable: true, teamsUserIdOf })),
      due: buildReviewDueCard(reviewDueView(source)),
    };
    it.each(Object.entries(cards))(
      `${scenario.procedure.provider.shortName}: the %s card names the originator, refreshes on open and passes the card checks inside the email`,
      (_name, card) => {
        const actionable = asActionableMessage(card, {
          originator: ORIGINATOR,
          caseId: state.id,
          version: state.version,
        });
        const { html } = renderEmail(reminder(state.id), {
          caseLink: 'https://trellis.example/cases/x',
          actionableCard: actionable,
        });
        // In the head, as Outlook documents it; the script element cannot be closed by anyone's text.
        expect(html.indexOf('<script type="application/adaptivecard+json">')).toBeLessThan(html.indexOf('<body'));
        expect(html.match(/<\/script>/g)).toHaveLength(1);
        expect(html.match(/<script/g)).toHaveLength(1);
        const embedded = actionableCardOf(html) as Record<string, unknown>;
        expect(embedded).toEqual(JSON.parse(JSON.stringify(actionable)));
        expect(embedded).toMatchObject({
          type: 'AdaptiveCard',
          version: '1.5',
          originator: ORIGINATOR,
          hideOriginalBody: true,
          refresh: { action: { type: 'Action.Execute', verb: 'refresh' } },
        });
        expect((embedded.refresh as { action: { data: unknown } }).action.data).toMatchObject({
          action: 'refresh',
          caseId: state.id,
          version: state.version,
          card: 'review_form',
        });
        expect(parseCard(embedded)).toEqual({ errors: [], warnings: [] });
        // Other mail clients read the body: the words escaped, with the link to the form.
        expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
        expect(html).toContain('<a href="https://trellis.example/cases/x">Open the review form in Trellis</a>');
      },
    );
  }

  it('refuses a card too old for Universal Actions', () => {
    const scenario = SCENARIOS[0];
    if (!scenario) throw new Error('no scenario');
    const card = buildReviewDueCard(reviewDueView(sourceOf(scenario, scenario.agreed, scenario.dueOn)));
    expect(() =>
      asActionableMessage({ ...card, version: '1.2' }, { originator: ORIGINATOR, caseId: 'c', version: 1 }),
    ).toThrow(/1\.4/);
  });
});
