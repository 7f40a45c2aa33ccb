import { describe, expect, it } from 'vitest';
import { parseLocalDate, type LocalDate } from '../../src/domain/calendar/index.js';
import { escalateCase, lodgeAppeal, waiveFee, type CaseState } from '../../src/domain/case/index.js';
import { personFor, type CaseDriver } from '../../src/domain/case/testing.js';
import {
  bcuRapidImprovementTargets as bcu,
  rcttpConcernProcedures as rcttp,
} from '../../src/domain/procedures/index.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import {
  buildAppealCard,
  buildDecisionRecordedCard,
  buildPanelDecisionCard,
  buildFeeWaiverCard,
  buildGroupDecisionCard,
  CARD_ACTIONS,
  cardByteSize,
  decisionFormsFor,
  decisionFormsForRecipient,
  linkedTargetInputId,
  linkedTargetLinkInputId,
  MAX_CARD_BYTES,
  memberAttendedInputId,
  memberNameInputId,
  memberRoleInputId,
  parseCardAction,
  withDecisionFormButtons,
  type AdaptiveCardJson,
  type CardSource,
} from '../../src/cards/index.js';
import { openWalk } from '../../src/domain/procedures/walks/walk-kit.js';
import { parseCard } from './adaptive-cards-lib.js';
import { LINKS } from './fixtures.js';
import { cardNodes as walk } from '../bot/card-tree.js';

/**
 * The decision forms as cards: the Executive Group's decision with its members and attendance,
 * the fee waiver and the appeal. Each is parsed by the Adaptive Cards renderer library as a
 * Teams client would (1.5), its submissions parsed as the bot parses them, and people's text
 * checked to arrive escaped.
 */

const TODAY = parseLocalDate('2026-11-23');
const HOSTILE_NAME = 'Dr **Bold** [click](https://evil.example) Smith';

const executes = (card: AdaptiveCardJson) => [...walk(card)].filter((o) => o.type === 'Action.Execute');
const inputs = (card: AdaptiveCardJson) =>
  [...walk(card)].filter((o) => typeof o.type === 'string' && o.type.startsWith('Input.'));
const textBlocks = (card: AdaptiveCardJson): string[] =>
  [...walk(card)].flatMap((o) =>
    o.type === 'TextBlock' && typeof o.text === 'string'
      ? [o.text]
      : typeof o.title === 'string' && typeof o.value === 'string' && o.type === undefined
        ? [`${o.title}: ${o.value}`]
        : [],
  );

/** A valid 1.5 card under the 28 KB limit, whose every action carries the case and its version. */
function expectSound(card: AdaptiveCardJson, state: CaseState): void {
  expect(parseCard(card)).toEqual({ errors: [], warnings: [] });
  expect(card.version).toBe('1.5');
  expect(cardByteSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
  for (const action of executes(card)) {
    expect(CARD_ACTIONS).toContain(action.verb);
    expect(action.data).toMatchObject({ action: action.verb, caseId: state.id, version: state.version });
  }
  expect([...walk(card)].some((o) => o.type === 'Action.OpenUrl')).toBe(true);
}

function source(procedure: Procedure, state: CaseState, today: LocalDate = TODAY): CardSource {
  return { procedure, state, links: LINKS, today };
}

/** An RCTTP case at Stage 3, the Executive Group, with its chair on the case. */
function atExecutiveGroup(): CaseDriver {
  const c = openWalk(rcttp, {
    on: '2026-11-02',
    by: 'course_team',
    caseId: 'case-eg',
    input: {
      reference: 'RCTTP-EG-1',
      reasons: [rcttp.reasons[0]?.id ?? 'progress'],
      people: [
        personFor('trainee', { name: 'Jack Thompson' }),
        personFor('mentor'),
        personFor('partnership_tutor'),
        personFor('programme_manager'),
        personFor('executive_group_chair', { name: HOSTILE_NAME }),
      ],
      placement: {
        school: 'Ysgol [Gymraeg](https://evil.example)',
        programme: 'PGCE Secondary 2026/27',
        subject: 'History',
        phase: undefined,
        startsOn: undefined,
        endsOn: undefined,
      },
    },
  });
  c.clock.set(parseLocalDate('2026-11-16'));
  c.run('course_team', escalateCase, {
    toStageId: 'executive_group',
    reason: 'A conduct concern the Executive Group considers at once.',
  });
  return c;
}

describe('the Executive Group decision card', () => {
  it('asks for the decision, the day, the reasons and each member with whether they attended, and parses as Teams would', () => {
    const c = atExecutiveGroup();
    const card = buildGroupDecisionCard(source(rcttp, c.state));
    expectSound(card, c.state);
    expect(executes(card).map((a) => a.verb)).toEqual(['record_group_decision']);
    const stage = rcttp.stages.find((s) => s.id === 'executive_group');
    const outcome = inputs(card).find((i) => i.id === 'outcomeId');
    expect(outcome).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true });
    expect((outcome?.choices as { value: string }[]).map((ch) => ch.value)).toEqual(
      stage?.review?.outcomes.map((o) => o.id),
    );
    // The Executive Group decides on the full range of evidence: its evidence is asked for, and required.
    expect(inputs(card).find((i) => i.id === 'evidence')).toMatchObject({ type: 'Input.Text', isRequired: true });
    const ids = inputs(card).map((i) => i.id);
    for (let row = 0; row < 8; row++)
      expect(ids).toEqual(
        expect.arrayContaining([memberNameInputId(row), memberRoleInputId(row), memberAttendedInputId(row)]),
      );
    // The chair, who records it, is the first member, as written (an input shows text, it is not markdown).
    const first = inputs(card).find((i) => i.id === memberNameInputId(0));
    expect(first?.value).toBe(HOSTILE_NAME);
    expect(inputs(card).find((i) => i.id === memberAttendedInputId(0))?.value).toBe('true');
    // Shown text is escaped: no link or bold made from the school's name.
    const shown = JSON.stringify(textBlocks(card));
    expect(shown).not.toContain('[Gymraeg](');
    expect(shown).toContain('Gymraeg\\\\]');
  });

  it('folds the member rows into the members the command takes, leaving empty rows out', () => {
    const parsed = parseCardAction('record_group_decision', {
      action: 'record_group_decision',
      caseId: 'case-eg',
      version: 3,
      outcomeId: 'further_monitoring',
      reviewedOn: '2026-11-20',
      evidence: 'The report.',
      notes: '  The group agreed unanimously.  ',
      [memberNameInputId(0)]: 'Dr Alan Marsh',
      [memberRoleInputId(0)]: 'Chair',
      [memberAttendedInputId(0)]: 'true',
      [memberNameInputId(1)]: 'Joanna Price',
      [memberRoleInputId(1)]: '',
      [memberAttendedInputId(1)]: 'false',
      [memberNameInputId(2)]: '   ',
      [memberAttendedInputId(2)]: 'true',
    });
    expect(parsed).toMatchObject({
      ok: true,
      data: {
        outcomeId: 'further_monitoring',
        reviewedOn: '2026-11-20',
        evidence: 'The report.',
        notes: 'The group agreed unanimously.',
        members: [
          { name: 'Dr Alan Marsh', role: 'Chair', attended: true },
          { name: 'Joanna Price', attended: false },
        ],
        confirmClose: false,
      },
    });
    // No decision chosen, or a date that is not one: refused before anything runs.
    const envelope = { action: 'record_group_decision', caseId: 'case-eg', version: 3 };
    expect(parseCardAction('record_group_decision', { ...envelope, outcomeId: '' })).toMatchObject({
      ok: false,
      message: 'Choose the decision.',
    });
    expect(
      parseCardAction('record_group_decision', { ...envelope, outcomeId: 'x', reviewedOn: '20 Nov' }),
    ).toMatchObject({ ok: false, message: 'Choose the date from the calendar.' });
  });
});

describe('the targets of a new case a decision opens, on a card', () => {
  it('"Further teaching placement and/or training against a Progress Support Plan": three target rows, each with the Teachers\u2019 Standards to choose from', () => {
    const c = atExecutiveGroup();
    const card = buildGroupDecisionCard(source(rcttp, c.state));
    expectSound(card, c.state);
    const ids = inputs(card).map((i) => i.id);
    expect(ids.filter((id) => typeof id === 'string' && id.startsWith('linked_target'))).toEqual([
      linkedTargetInputId(0),
      linkedTargetLinkInputId(0),
      linkedTargetInputId(1),
      linkedTargetLinkInputId(1),
      linkedTargetInputId(2),
      linkedTargetLinkInputId(2),
    ]);
    const standards = inputs(card).find((i) => i.id === linkedTargetLinkInputId(0));
    expect(standards).toMatchObject({ type: 'Input.ChoiceSet', style: 'compact' });
    const values = (standards?.choices as { value: string }[]).map((ch) => ch.value);
    expect(values).toContain('teachers-standards:TS4');
    expect(values).toHaveLength(rcttp.frameworks.find((f) => f.id === 'teachers-standards')?.groups.length ?? -1);
    const said = textBlocks(card).find((t) => t.includes('opens a new case'));
    expect(said).toContain('Further teaching placement and/or training against a Progress Support Plan');
    expect(said).toContain('at most 3');
  });

  it('folds the rows into the targets the command takes; a standard with no words, or not from the list, is refused', () => {
    const envelope = { action: 'record_group_decision', caseId: 'case-eg', version: 3, outcomeId: 'x' };
    expect(
      parseCardAction('record_group_decision', {
        ...envelope,
        [linkedTargetInputId(0)]: '  Plan sequences of lessons  ',
        [linkedTargetLinkInputId(0)]: 'teachers-standards:TS4',
        [linkedTargetInputId(1)]: '',
        [linkedTargetInputId(2)]: 'Manage behaviour',
      }),
    ).toMatchObject({
      ok: true,
      data: {
        linkedCaseTargets: [
          { text: 'Plan sequences of lessons', links: [{ frameworkId: 'teachers-standards', code: 'TS4' }] },
          { text: 'Manage behaviour', links: [] },
        ],
      },
    });
    expect(parseCardAction('record_group_decision', envelope)).toMatchObject({
      ok: true,
      data: { linkedCaseTargets: undefined },
    });
    expect(
      parseCardAction('record_group_decision', { ...envelope, [linkedTargetLinkInputId(1)]: 'teachers-standards:TS1' }),
    ).toMatchObject({
      ok: false,
      message: 'Target 2 has a standard but no words: write the target, or clear its standard.',
    });
    expect(
      parseCardAction('record_group_decision', {
        ...envelope,
        [linkedTargetInputId(0)]: 'Plan',
        [linkedTargetLinkInputId(0)]: 'TS1 <b>',
      }),
    ).toMatchObject({ ok: false, message: 'Target 1: choose the standard from the list.' });
  });
});

/**
 * A BCU case whose Placement Review Panel decided "a second and final attempt with a RIT", the
 * decision that brings the resit fee (the panel's record set as the panel command leaves it).
 */
function feeDecided(): CaseDriver {
  const c = openWalk(bcu, {
    on: '2026-11-02',
    by: 'course_team',
    caseId: 'case-fee',
    input: {
      reference: 'BCU-FEE-1',
      reasons: [bcu.reasons[0]?.id ?? 'progress'],
      people: [personFor('trainee', { name: 'Priya Sharma' }), personFor('mentor'), personFor('tutor')],
      placement: {
        school: 'Hollybank Primary School',
        programme: 'PGCE Primary 2026/27',
        subject: undefined,
        phase: undefined,
        startsOn: undefined,
        endsOn: undefined,
      },
    },
  });
  c.state = {
    ...c.state,
    panels: [
      {
        panelId: 'placement_review_panel',
        stageId: 'stage_5',
        convenedOn: parseLocalDate('2026-11-13'),
        members: [],
        evidence: [],
        chair: undefined,
        decisionId: 'second_attempt_with_rit',
        meetings: [
          {
            heldOn: parseLocalDate('2026-11-20'),
            attendees: [],
            decisionId: 'second_attempt_with_rit',
            rationale: undefined,
          },
        ],
      },
    ],
  };
  c.clock.set(TODAY);
  return c;
}

describe('the panel decision card', () => {
  /** The BCU case with its Placement Review Panel convened (two members), still to decide. */
  function convened(): CaseDriver {
    const c = feeDecided();
    const panel = c.state.panels[0];
    if (!panel) throw new Error('fixture');
    c.state = {
      ...c.state,
      panels: [
        {
          ...panel,
          members: [
            { id: 'chair@bcu.test', name: HOSTILE_NAME, role: 'Chair' },
            { id: 'member@bcu.test', name: 'Ruth Okafor', role: undefined },
          ],
          evidence: ['The record for a failed placement'],
          decisionId: undefined,
          meetings: [],
        },
      ],
    };
    return c;
  }

  it('"The Placement Review Panel reviews the evidence": the members present, the decision, its rationale and the new case\u2019s targets, offered to the course team and whoever convenes it', () => {
    const c = convened();
    const card = buildPanelDecisionCard(source(bcu, c.state));
    expectSound(card, c.state);
    expect(executes(card).map((a) => a.verb)).toEqual(['record_panel_decision']);
    expect(executes(card)[0]?.data).toMatchObject({ panelId: 'placement_review_panel' });
    const present = inputs(card).find((i) => i.id === 'attendees');
    expect(present).toMatchObject({
      type: 'Input.ChoiceSet',
      isMultiSelect: true,
      isRequired: true,
      value: 'chair@bcu.test,member@bcu.test',
    });
    // A member's name is shown as written in a choice (plain text, not markdown).
    expect((present?.choices as { title: string }[])[0]?.title).toBe(`${HOSTILE_NAME} (Chair)`);
    const decision = inputs(card).find((i) => i.id === 'decisionId');
    expect((decision?.choices as { value: string }[]).map((ch) => ch.value)).toEqual(
      bcu.panels.find((p) => p.id === 'placement_review_panel')?.decisions.map((d) => d.id),
    );
    const area = inputs(card).find((i) => i.id === linkedTargetLinkInputId(0));
    expect((area?.choices as { value: string }[]).map((ch) => ch.value)).toContain(
      'bcu-ite-formative-assessment-tracker:FAT1',
    );
    expect(decisionFormsFor(bcu, c.state, { id: 'lead@bcu.test', name: 'Lead', appRoles: ['course_team'] })).toEqual([
      { form: 'panel_decision', title: 'Record the Placement Review Panel’s decision' },
    ]);
    expect(decisionFormsFor(bcu, c.state, { id: 'mentor@provider.test', name: 'Mentor', appRoles: [] })).toEqual([]);
  });

  it('splits the members present, and refuses a decision left unchosen or nobody present before anything runs', () => {
    const envelope = {
      action: 'record_panel_decision',
      caseId: 'case-fee',
      version: 4,
      panelId: 'placement_review_panel',
    };
    expect(
      parseCardAction('record_panel_decision', {
        ...envelope,
        attendees: 'chair@bcu.test, member@bcu.test',
        decisionId: 'passed',
        rationale: '  Sufficient evidence.  ',
      }),
    ).toMatchObject({
      ok: true,
      data: {
        attendees: ['chair@bcu.test', 'member@bcu.test'],
        decisionId: 'passed',
        rationale: 'Sufficient evidence.',
        linkedCaseTargets: undefined,
        confirmClose: false,
      },
    });
    expect(
      parseCardAction('record_panel_decision', { ...envelope, attendees: 'chair@bcu.test', decisionId: '' }),
    ).toMatchObject({ ok: false, message: 'Choose the panel’s decision.' });
    expect(
      parseCardAction('record_panel_decision', { ...envelope, attendees: ' , ', decisionId: 'passed' }),
    ).toMatchObject({ ok: false, message: 'Choose the members present at the meeting.' });
  });
});

describe('the fee waiver card', () => {
  it('shows the decision and the fee, asks for the reason, and is offered to the course team only', () => {
    const c = feeDecided();
    const card = buildFeeWaiverCard(source(bcu, c.state));
    expectSound(card, c.state);
    expect(executes(card).map((a) => a.verb)).toEqual(['waive_fee']);
    expect(inputs(card).map((i) => [i.id, i.isRequired])).toEqual([['reason', true]]);
    expect(JSON.stringify(textBlocks(card))).toContain('£1125');
    expect(decisionFormsFor(bcu, c.state, c.as('course_team')).map((f) => f.form)).toEqual(['fee_waiver']);
    expect(decisionFormsFor(bcu, c.state, c.as('mentor'))).toEqual([]);
    expect(decisionFormsForRecipient(bcu, c.state, undefined).map((f) => f.form)).toEqual(['fee_waiver']);
    // Its button on a decision card, for those it is offered to.
    const withButton = withDecisionFormButtons(
      buildDecisionRecordedCard(source(bcu, c.state), { kicker: 'DECISION', title: 'Decided', lines: [] }),
      c.state,
      decisionFormsFor(bcu, c.state, c.as('course_team')),
    );
    expectSound(withButton, c.state);
    expect(executes(withButton).map((a) => [a.verb, (a.data as { form?: string }).form])).toEqual([
      ['open_form', 'fee_waiver'],
    ]);

    // Once waived: what was done, and nothing more to submit or to offer.
    c.run('course_team', waiveFee, { reason: 'Bereavement.' });
    const done = buildFeeWaiverCard(source(bcu, c.state));
    expectSound(done, c.state);
    expect(executes(done)).toEqual([]);
    expect(JSON.stringify(textBlocks(done))).toContain('was waived');
    expect(decisionFormsFor(bcu, c.state, c.as('course_team'))).toEqual([]);
  });

  it('a reason left empty is refused before anything runs', () => {
    const envelope = { action: 'waive_fee', caseId: 'case-fee', version: 2 };
    expect(parseCardAction('waive_fee', { ...envelope, reason: '   ' })).toMatchObject({
      ok: false,
      message: 'Write the reason the fee is waived.',
    });
    expect(parseCardAction('waive_fee', { ...envelope, reason: 'Hardship' })).toMatchObject({ ok: true });
  });
});

/** An RCTTP case whose deferred assessment meeting confirmed the decision not to recommend QTS: the decision a trainee may appeal. */
function appealable(): CaseDriver {
  const c = atExecutiveGroup();
  c.state = {
    ...c.state,
    reviews: [
      ...c.state.reviews,
      {
        id: 'R9',
        stageId: rcttp.stages.find((s) => s.review?.outcomes.some((o) => o.id === 'decision_confirmed'))?.id ?? '?',
        planVersion: 1,
        reviewedOn: parseLocalDate('2026-11-18'),
        progress: [],
        evidence: undefined,
        notes: undefined,
        attendees: [],
        outcomeId: 'decision_confirmed',
        nextSteps: undefined,
        recordedBy: 'someone@rcttp.example',
      },
    ],
  };
  c.clock.set(TODAY);
  return c;
}

describe('the appeal card', () => {
  it('records an appeal (the day, the grounds, procedural), then its outcome, for those the procedure names', () => {
    const c = appealable();
    const lodge = buildAppealCard(source(rcttp, c.state));
    expectSound(lodge, c.state);
    expect(executes(lodge).map((a) => a.verb)).toEqual(['lodge_appeal']);
    expect(inputs(lodge).map((i) => i.id)).toEqual(['lodgedOn', 'grounds', 'procedural']);
    expect(decisionFormsFor(rcttp, c.state, c.as('programme_manager')).map((f) => f.title)).toEqual([
      'Record an appeal',
    ]);
    expect(decisionFormsFor(rcttp, c.state, c.as('mentor'))).toEqual([]);

    c.run('programme_manager', lodgeAppeal, {
      lodgedOn: parseLocalDate('2026-11-20'),
      grounds: 'The [meeting](https://evil.example) was held without **notice**.',
      procedural: true,
    });
    const outcome = buildAppealCard(source(rcttp, c.state));
    expectSound(outcome, c.state);
    const submit = executes(outcome);
    expect(submit.map((a) => [a.verb, (a.data as { appealId?: string }).appealId])).toEqual([
      ['decide_appeal', c.state.appeals[0]?.id],
    ]);
    expect(inputs(outcome).map((i) => i.id)).toEqual(['outcome', 'decidedOn', 'reasons']);
    // The grounds are shown, escaped: no link, no bold.
    const shown = JSON.stringify(textBlocks(outcome));
    expect(shown).toContain('Grounds:');
    expect(shown).not.toContain('[meeting](');
    expect(shown).not.toContain('**notice**');
  });

  it('an outcome the procedure does not know, or no reasons, is refused before anything runs', () => {
    const envelope = { action: 'decide_appeal', caseId: 'case-eg', version: 5, appealId: 'A1' };
    expect(parseCardAction('decide_appeal', { ...envelope, outcome: 'quashed', reasons: 'x' })).toMatchObject({
      ok: false,
      message: 'Choose the outcome of the appeal.',
    });
    expect(parseCardAction('decide_appeal', { ...envelope, outcome: 'upheld', reasons: '' })).toMatchObject({
      ok: false,
      message: 'Write the reasons for the outcome.',
    });
    expect(
      parseCardAction('lodge_appeal', {
        action: 'lodge_appeal',
        caseId: 'case-eg',
        version: 5,
        lodgedOn: '',
        grounds: 'x',
      }),
    ).toMatchObject({ ok: false, message: 'Choose the day the trainee made the appeal.' });
  });
});
