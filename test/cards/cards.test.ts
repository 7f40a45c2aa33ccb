import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  calendarFor,
  editPlan,
  outstandingSignatories,
  parseCaseSubPageId,
  reviewerRolesOf,
  type CaseState,
} from '../../src/domain/case/index.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { courseTeam } from '../../src/domain/case/testing.js';
import { addWorkingDays } from '../../src/domain/calendar/index.js';
import { rcttpConcernProcedures } from '../../src/domain/procedures/index.js';
import {
  buildCaseSummaryCard,
  buildConcernRaisedCard,
  buildOutcomeRecordedCard,
  buildPlanAgreedCard,
  buildReviewDueCard,
  buildReviewFormCard,
  buildSignatureRequestCard,
  caseSummaryView,
  concernRaisedView,
  outcomeRecordedView,
  planAgreedView,
  reviewDueView,
  signatureRequestView,
  CARD_ACTIONS,
  CARD_TEMPLATE_NAMES,
  cardByteSize,
  caseDeepLink,
  MAX_CARD_BYTES,
  MAX_REFRESH_USER_IDS,
  parseCardAction,
  reviewFormView,
  reviewersOf,
  templateFileName,
  type AdaptiveCardJson,
} from '../../src/cards/index.js';
import { parseCard } from './adaptive-cards-lib.js';
import { cardsFor, LINKS, SCENARIOS, scenarioFor, sourceOf, teamsUserIdOf } from './fixtures.js';
import { cardNodes as walk } from '../bot/card-tree.js';

const executeActions = (card: AdaptiveCardJson) => [...walk(card)].filter((o) => o.type === 'Action.Execute');
const inputIds = (card: AdaptiveCardJson) =>
  [...walk(card)].filter((o) => typeof o.type === 'string' && o.type.startsWith('Input.')).map((o) => o.id);

describe('card templates', () => {
  it('are exactly the files in adaptive-cards/', () => {
    const files = readdirSync(fileURLToPath(new URL('../../adaptive-cards/', import.meta.url))).filter((f) =>
      f.endsWith('.json'),
    );
    expect(CARD_TEMPLATE_NAMES.map(templateFileName).sort()).toEqual(files.sort());
  });

  for (const scenario of SCENARIOS) {
    describe(scenario.procedure.name, () => {
      const cards = cardsFor(scenario);

      it('binds every template', () => {
        expect(new Set(cards.map((c) => c.template))).toEqual(new Set(CARD_TEMPLATE_NAMES));
      });

      it.each(cards.map((c) => [`${c.template} (${c.variant})`, c.card] as const))(
        '%s parses with no errors or warnings and fits in 28 KB',
        (_name, card) => {
          expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
          expect(cardByteSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
          expect(card.version).toBe('1.5');
          // Nothing left unbound: a missing view field would leave its expression in the card.
          expect(JSON.stringify(card)).not.toMatch(/\$\{|"\$data"|"\$when"/);
        },
      );

      it.each(cards.map((c) => [`${c.template} (${c.variant})`, c.card, c.template] as const))(
        '%s carries the case and its version on every action',
        (_name, card) => {
          for (const action of executeActions(card)) {
            const data = action.data as Record<string, unknown>;
            expect(CARD_ACTIONS).toContain(action.verb);
            expect(data).toMatchObject({
              action: action.verb,
              caseId: expect.any(String) as string,
              version: expect.any(Number) as number,
            });
          }
          const open = [...walk(card)].find((o) => o.type === 'Action.OpenUrl');
          expect(open?.url).toMatch(new RegExp(`^https://teams\\.microsoft\\.com/l/entity/${LINKS.appId}/my-cases\\?`));
        },
      );
    });
  }
});

describe('review form', () => {
  for (const scenario of SCENARIOS) {
    const source = sourceOf(scenario, scenario.agreed, scenario.dueOn);
    const stage = scenario.procedure.stages.find((s) => s.id === scenario.agreed.stageId);
    const review = stage?.review;

    it(`${scenario.procedure.provider.shortName}: reviewers get the form through refresh; everyone else a read-only view`, () => {
      const readOnly = buildReviewFormCard(reviewFormView(source, { editable: false, teamsUserIdOf }));
      const form = buildReviewFormCard(reviewFormView(source, { editable: true, teamsUserIdOf }));
      const reviewers = reviewersOf(scenario.procedure, scenario.agreed);
      expect(reviewers.length).toBeGreaterThan(0);
      for (const card of [readOnly, form]) {
        expect(card.refresh?.userIds).toEqual(reviewers.map(teamsUserIdOf));
        expect(card.refresh?.action).toMatchObject({
          type: 'Action.Execute',
          verb: 'refresh',
          data: {
            action: 'refresh',
            caseId: scenario.agreed.id,
            version: scenario.agreed.version,
            card: 'review_form',
          },
        });
      }
      expect(inputIds(readOnly)).toEqual([]);
      expect(executeActions(readOnly).map((a) => a.verb)).toEqual(['refresh']);

      const targets = scenario.agreed.plan?.content.targets ?? [];
      const perTarget = review?.perTarget ? targets.flatMap((t) => [`rating_${t.id}`, `comment_${t.id}`]) : [];
      expect(inputIds(form)).toEqual([...perTarget, 'evidence', 'attendees', 'outcomeId', 'nextSteps']);
    });

    it(`${scenario.procedure.provider.shortName}: shows each of the stage's outcomes with its plain explanation`, () => {
      const card = buildReviewFormCard(reviewFormView(source, { editable: true, teamsUserIdOf }));
      const texts = [...walk(card)].filter((o) => o.type === 'TextBlock').map((o) => String(o.text).replace(/\\/g, ''));
      const chooser = [...walk(card)].find((o) => o.id === 'outcomeId');
      expect(review?.outcomes.length).toBeGreaterThan(0);
      for (const outcome of review?.outcomes ?? []) {
        expect(texts).toContain(outcome.label);
        expect(texts).toContain(outcome.explanation);
      }
      expect(chooser?.choices).toEqual(review?.outcomes.map((o) => ({ title: o.label, value: o.id })));
    });

    it(`${scenario.procedure.provider.shortName}: a filled-in form parses as a record_review submission`, () => {
      const card = buildReviewFormCard(reviewFormView(source, { editable: true, teamsUserIdOf }));
      const submit = executeActions(card).find((a) => a.verb === 'record_review');
      const targets = scenario.agreed.plan?.content.targets ?? [];
      const inputs = Object.fromEntries(
        targets.flatMap((t) => [
          [`rating_${t.id}`, 'partly_met'],
          [`comment_${t.id}`, ''],
        ]),
      );
      const outcomeId = review?.outcomes[0]?.id ?? '';
      const parsed = parseCardAction('record_review', {
        ...(submit?.data as object),
        ...inputs,
        evidence: 'Observed lessons',
        outcomeId,
        attendees: 'trainee,mentor',
      });
      expect(parsed).toMatchObject({
        ok: true,
        data: {
          action: 'record_review',
          caseId: scenario.agreed.id,
          version: scenario.agreed.version,
          outcomeId,
          attendees: ['trainee', 'mentor'],
          progress: review?.perTarget
            ? targets.map((t) => ({ targetId: t.id, rating: 'partly_met', comment: undefined }))
            : [],
        },
      });
    });
  }

  it('names at most 60 people to refresh for', () => {
    const scenario = SCENARIOS[0];
    if (!scenario) throw new Error('no scenario');
    const reviewers = reviewersOf(scenario.procedure, scenario.agreed);
    const many: CaseState = {
      ...scenario.agreed,
      people: [
        ...scenario.agreed.people,
        ...Array.from({ length: 80 }, (_, i) => ({
          role: reviewers[0]?.role ?? 'mentor',
          id: `mentor${i}@school.test`,
          name: `Mentor ${i}`,
          email: `mentor${i}@school.test`,
        })),
      ],
    };
    const card = buildReviewFormCard(
      reviewFormView(sourceOf(scenario, many, scenario.dueOn), { editable: false, teamsUserIdOf }),
    );
    expect(card.refresh?.userIds).toHaveLength(MAX_REFRESH_USER_IDS);
  });

  it('every card stays under 28 KB with twenty long targets and the longest text the domain allows', () => {
    const procedure = rcttpConcernProcedures;
    const scenario = scenarioFor(procedure);
    const long = (n: number) => 'Plan a sequence of lessons that builds on prior learning. '.repeat(150).slice(0, n);
    const frameworkId = procedure.frameworks[0]?.id ?? '';
    const today = scenario.drafted.openedOn;
    const edited = editPlan(
      { procedure, calendar: calendarFor(procedure), now: new Date(`${today}T10:00:00Z`), actor: courseTeam },
      scenario.drafted,
      {
        plan: {
          concernStatement: long(4000),
          concerns: [],
          targets: Array.from({ length: 20 }, (_, i) => ({
            text: long(2000),
            links: [{ frameworkId, code: `TS${(i % 8) + 1}` }],
            actions: Array.from({ length: 5 }, () => ({ party: 'T', text: long(2000) })),
            successCriteria: long(2000),
            observationFocus: false,
          })),
          supportMeasures: [],
          reviewDate: addWorkingDays(calendarFor(procedure), today, 5),
          meeting: { attendees: [], placementConcern: false },
        },
        withdrawSignatures: false,
      },
    ).state;
    const plan = edited.plan;
    if (!plan) throw new Error('no plan');
    const targets = plan.content.targets;
    const lastReview = scenario.moved.reviews.at(-1);
    if (!lastReview) throw new Error('no review');
    const active: CaseState = {
      ...edited,
      status: 'active',
      stageId: scenario.agreed.stageId,
      reviews: [
        {
          ...lastReview,
          planVersion: plan.version,
          evidence: long(8000),
          nextSteps: long(4000),
          progress: targets.map((t) => ({ targetId: t.id, rating: 'not_met', comment: long(2000) })),
        },
      ],
    };
    const source = sourceOf(scenario, active, today);
    const cards = [
      buildReviewFormCard(reviewFormView(source, { editable: true, teamsUserIdOf })),
      buildReviewFormCard(reviewFormView(source, { editable: false, teamsUserIdOf })),
      buildSignatureRequestCard(signatureRequestView(source, scenario.trainee)),
      buildPlanAgreedCard(planAgreedView(source)),
      buildReviewDueCard(reviewDueView(source)),
      buildCaseSummaryCard(caseSummaryView(source)),
      buildOutcomeRecordedCard(outcomeRecordedView(source)),
      buildConcernRaisedCard(concernRaisedView(source)),
    ];
    for (const card of cards) {
      expect(cardByteSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
      expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
    }
  });
});

describe('deep links', () => {
  it('open the case in the personal tab, with a browser fallback', () => {
    const link = new URL(caseDeepLink(LINKS, 'case/1 & 2', 'Case BCU-1'));
    expect(`${link.origin}${link.pathname}`).toBe(`https://teams.microsoft.com/l/entity/${LINKS.appId}/my-cases`);
    expect(JSON.parse(link.searchParams.get('context') ?? '')).toEqual({ subEntityId: 'case/1 & 2' });
    expect(link.searchParams.get('webUrl')).toBe('https://trellis.example.ac.uk/cases/case%2F1%20%26%202');
    expect(link.searchParams.get('label')).toBe('Case BCU-1');
  });

  it('open a card’s own form: the subEntityId the tab reads as page.subPageId, and the same form in the browser', () => {
    const link = new URL(caseDeepLink(LINKS, 'case-7', 'Case BCU-7', 'review'));
    const subEntityId = (JSON.parse(link.searchParams.get('context') ?? '') as { subEntityId: string }).subEntityId;
    expect(subEntityId).toBe('case-7#review');
    expect(parseCaseSubPageId(subEntityId)).toEqual({ caseId: 'case-7', form: 'review' });
    expect(link.searchParams.get('webUrl')).toBe('https://trellis.example.ac.uk/cases/case-7#review');
  });

  it('the review cards open the review form, the signature request opens Sign, other cards the case', () => {
    const formOf = (card: AdaptiveCardJson): string | undefined => {
      const url = /https:\/\/teams\.microsoft\.com\/l\/entity\/[^"]+/.exec(JSON.stringify(card))?.[0];
      if (url === undefined) return undefined;
      const { subEntityId } = JSON.parse(new URL(url).searchParams.get('context') ?? '') as { subEntityId: string };
      return parseCaseSubPageId(subEntityId)?.form ?? 'case';
    };
    const s = SCENARIOS[0];
    if (!s) throw new Error('no scenario');
    const due = sourceOf(s, s.agreed, s.dueOn);
    expect(formOf(buildReviewFormCard(reviewFormView(due, { editable: true, teamsUserIdOf })))).toBe('review');
    expect(formOf(buildReviewDueCard(reviewDueView(due)))).toBe('review');
    expect(formOf(buildSignatureRequestCard(signatureRequestView(sourceOf(s, s.drafted, s.dueOn), s.trainee)))).toBe(
      'sign',
    );
    expect(formOf(buildCaseSummaryCard(caseSummaryView(due)))).toBe('case');
  });
});

describe('case summary: the action awaited from the person who sees it', () => {
  const buttons = (card: AdaptiveCardJson) =>
    executeActions(card)
      .map((a) => a.verb)
      .filter((verb) => verb !== 'refresh');
  /** Who records the review at the case's stage: its reviewers, or those an outcome names (the one rule). */
  const recordersOf = (procedure: Procedure, state: CaseState) => {
    const roles = reviewerRolesOf(procedure.stages.find((st) => st.id === state.stageId));
    return state.people.filter((p) => roles.includes(p.role));
  };
  for (const scenario of SCENARIOS) {
    const { procedure } = scenario;
    it(`${procedure.provider.shortName}: Sign for a signatory still to sign, Complete the review for a reviewer, nothing for anyone else`, () => {
      // A plan still being signed is seen on the day it is signed (by its review date it could no
      // longer be); one already agreed by its first signature, on its review date.
      const signing = sourceOf(
        scenario,
        scenario.partlySigned,
        scenario.partlySigned.plan?.agreedOn === undefined ? scenario.drafted.openedOn : scenario.dueOn,
      );
      const forSigner = buildCaseSummaryCard(
        caseSummaryView(signing, { viewerId: scenario.nextSigner.id, teamsUserIdOf }),
      );
      // Awaited as the signature requests are: from the signatories the plan still needs.
      const stillNeeded = outstandingSignatories(procedure, scenario.partlySigned).flatMap((w) => w.people);
      const awaitsSigner = stillNeeded.some((p) => p.id === scenario.nextSigner.id);
      expect(buttons(forSigner)).toEqual(awaitsSigner ? ['open_sign'] : []);
      expect(parseCard(forSigner)).toEqual({ errors: [], warnings: [] });
      // Each person the case awaits something from is refreshed to their own button. Where the
      // required signatures are in (the plan agreed, others may still sign), that is the review.
      const awaited =
        scenario.partlySigned.plan?.agreedOn === undefined
          ? stillNeeded
          : recordersOf(procedure, scenario.partlySigned);
      expect(forSigner.refresh?.userIds).toEqual([...new Set(awaited.map((p) => teamsUserIdOf(p)))]);

      const reviewing = sourceOf(scenario, scenario.agreed, scenario.dueOn);
      const reviewer = recordersOf(procedure, scenario.agreed)[0];
      if (reviewer) {
        const forReviewer = buildCaseSummaryCard(caseSummaryView(reviewing, { viewerId: reviewer.id, teamsUserIdOf }));
        expect(buttons(forReviewer)).toEqual(['open_review']);
        expect(forReviewer.refresh?.userIds).toEqual(
          recordersOf(procedure, scenario.agreed).map((p) => teamsUserIdOf(p)),
        );
      }
      const bystander = scenario.agreed.people.find(
        (p) => !recordersOf(procedure, scenario.agreed).some((r) => r.id === p.id),
      );
      if (bystander) {
        const card = buildCaseSummaryCard(caseSummaryView(reviewing, { viewerId: bystander.id, teamsUserIdOf }));
        expect(buttons(card)).toEqual([]);
      }
      // A closed case awaits nothing from anyone.
      const closed = buildCaseSummaryCard(
        caseSummaryView(sourceOf(scenario, scenario.closed, scenario.dueOn), { viewerId: reviewer?.id, teamsUserIdOf }),
      );
      expect(buttons(closed)).toEqual([]);
      expect(closed.refresh?.userIds).toEqual([]);
    });
  }
});
