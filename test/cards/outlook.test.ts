import { describe, expect, it } from 'vitest';
import {
  asActionableMessage,
  buildReviewDueCard,
  buildReviewFormCard,
  cardByteSize,
  MAX_ACTIONABLE_CARD_BYTES,
  reviewDueView,
  reviewFormView,
} from '../../src/cards/index.js';
import type { CaseState } from '../../src/domain/case/index.js';
import { actionableCardOf, renderEmail } from '../../src/notify/email.js';
import type { Notification } from '../../src/notify/notification.js';
import { parseCard } from './adaptive-cards-lib.js';
import { hostileCase, HOSTILE, SCENARIOS, sourceOf, teamsUserIdOf } from './fixtures.js';

/**
 * The largest realistic review reminder: three targets, each with the longest text, actions and
 * success criteria the plan form accepts (2,000 characters each), for the reviewer to rate.
 */
function threeLongTargets(scenario: (typeof SCENARIOS)[number]): CaseState {
  const long = 'Plan a sequence of lessons that builds on what pupils already know. '.repeat(40).slice(0, 2000);
  const plan = scenario.agreed.plan;
  const first = plan?.content.targets[0];
  if (!plan || !first) throw new Error('no plan with a target');
  const targets = [1, 2, 3].map((n) => ({
    ...first,
    id: `T${n}`,
    text: long,
    actions: first.actions.map((a) => ({ ...a, text: long })),
    successCriteria: long,
    supportRequired: long,
    monitoring: long,
  }));
  return { ...scenario.agreed, plan: { ...plan, content: { ...plan.content, targets } } };
}

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

describe('the actionable card’s size', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.procedure.provider.shortName}: three targets with the longest text still fit, with the originator and refresh`, () => {
      const state = threeLongTargets(scenario);
      expect(state.plan?.content.targets).toHaveLength(3);
      expect(
        state.plan?.content.targets.every((t) => t.text.length === 2000 && t.successCriteria?.length === 2000),
      ).toBe(true);
      const source = sourceOf(scenario, state, scenario.dueOn);
      for (const card of [
        buildReviewFormCard(reviewFormView(source, { editable: true, teamsUserIdOf })),
        buildReviewDueCard(reviewDueView(source)),
      ]) {
        const actionable = asActionableMessage(card, {
          originator: ORIGINATOR,
          caseId: state.id,
          version: state.version,
        });
        expect(cardByteSize(actionable)).toBeLessThanOrEqual(MAX_ACTIONABLE_CARD_BYTES);
        expect(parseCard(actionable)).toEqual({ errors: [], warnings: [] });
      }
    });
  }
});
