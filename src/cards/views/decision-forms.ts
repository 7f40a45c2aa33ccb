import { formatLongDate, type LocalDate } from '../../domain/calendar/index.js';
import { isCourseTeam, rolesOnCase } from '../../domain/case/command-kit.js';
import {
  appealToRecord,
  feeToWaive,
  mayRecordAppeal,
  type Actor,
  type CaseState,
  type PanelState,
} from '../../domain/case/index.js';
import type { Outcome, Panel, Procedure, ReviewRules } from '../../domain/procedure/schema.js';
import {
  actionData,
  GROUP_MEMBER_ROWS,
  LINKED_TARGET_ROWS,
  linkedTargetInputId,
  linkedTargetLinkInputId,
  memberAttendedInputId,
  memberNameInputId,
  memberRoleInputId,
  type DecisionForm,
} from '../actions.js';
import { cardText, clipText, plainCardText } from '../escape.js';
import { withNotice } from '../notice.js';
import type { AdaptiveCardJson } from '../templates.js';
import { caseHeader, reviewRulesOf, roleLabelOf, type CardSource } from './common.js';

/**
 * The card forms for what a decision-maker records in Teams where a template has no place for
 * it: a group's decision with its members and attendance (RCTTP's Executive Group), the fee a
 * decision brought waived by the course team (BCU), and a trainee's appeal on a procedural basis
 * and its outcome (RCTTP). Built in code (their inputs depend on the case: the group's rows, the
 * stage's outcomes, the appeal waiting), Adaptive Cards 1.5 like every Trellis card. Every string
 * from people is escaped here (`cardText` where markdown is rendered, `plainCardText` in inputs
 * and choice titles). Each submits an Action.Execute whose verb is the command's card action;
 * the bot runs the same command as REST, with the same checks.
 */

type Element = Readonly<Record<string, unknown>>;

const text = (value: string, extra: Record<string, unknown> = {}): Element => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

/** The header every Trellis card starts with: what the form is, the trainee and the case. */
function header(source: CardSource, kicker: string, title: string): Element {
  const h = caseHeader(source);
  return {
    type: 'Container',
    style: 'emphasis',
    bleed: true,
    items: [
      text(cardText(kicker, 80), { size: 'Small', weight: 'Bolder', color: 'Accent' }),
      text(cardText(title, 200), { size: 'Large', weight: 'Bolder', spacing: 'Small' }),
      text(h.subtitle, { isSubtle: true, spacing: 'None' }),
    ],
  };
}

function facts(rows: readonly (readonly [string, string])[]): Element {
  return { type: 'FactSet', facts: rows.map(([title, value]) => ({ title, value })) };
}

function card(source: CardSource, body: readonly Element[], submit: Element | undefined): AdaptiveCardJson {
  const h = caseHeader(source);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    msteams: { width: 'Full' },
    body,
    actions: [...(submit ? [submit] : []), { type: 'Action.OpenUrl', title: h.openTitle, url: h.url }],
  };
}

const dateInput = (id: string, label: string, value: LocalDate, required: boolean): Element => ({
  type: 'Input.Date',
  id,
  label,
  value,
  max: value,
  ...(required ? { isRequired: true, errorMessage: 'Choose a date.' } : {}),
});

const textInput = (id: string, label: string, maxLength: number, required: boolean, value?: string): Element => ({
  type: 'Input.Text',
  id,
  label,
  isMultiline: maxLength > 200,
  maxLength,
  ...(value === undefined ? {} : { value: plainCardText(value) }),
  ...(required ? { isRequired: true, errorMessage: `${label}: this is needed.` } : {}),
});

/**
 * Where one of the decisions offered opens a new case (BCU: "a second and final attempt with a RIT
 * in place to address identified targets"; RCTTP: "Further teaching placement and/or training
 * against a Progress Support Plan"): up to three rows for the targets it carries, each the
 * target's words and the standard (or tracker area) it addresses, from the new case's form. None
 * where no decision offered opens a case. Which decisions need them is said in words: Adaptive
 * Cards 1.5 cannot make an input required only for one choice, so the command refuses a missing
 * target with its sentence, as it does over REST.
 */
export function linkedTargetInputs(procedure: Procedure, outcomes: readonly Outcome[]): Element[] {
  const opening = outcomes.filter((o) => o.opensLinkedCase !== undefined);
  const first = opening[0]?.opensLinkedCase;
  if (first === undefined) return [];
  const rules = procedure.stages.find((s) => s.id === first.stage)?.plan;
  const choices = (rules?.frameworks ?? []).flatMap((id) => {
    const framework = procedure.frameworks.find((f) => f.id === id);
    return (framework?.groups ?? []).map((g) => ({
      title: plainCardText(clipText(`${g.code} ${g.title}`, 90)),
      value: `${id}:${g.code}`,
    }));
  });
  const required = opening.filter((o) => o.opensLinkedCase?.targetsRequired === true);
  const rows: Element[] = [];
  for (let row = 0; row < LINKED_TARGET_ROWS; row++) {
    rows.push(textInput(linkedTargetInputId(row), `New case: target ${String(row + 1)}`, 2000, false));
    if (choices.length > 0)
      rows.push({
        type: 'Input.ChoiceSet',
        id: linkedTargetLinkInputId(row),
        label: `The standard target ${String(row + 1)} addresses (optional)`,
        style: 'compact',
        choices,
      });
  }
  const max = rules?.maxTargets;
  return [
    text(
      cardText(
        `${opening.map((o) => `“${clipText(o.label, 200)}”`).join(' or ')} opens a new case, linked to this one, starting from the targets named here (at most ${String(Math.min(max ?? LINKED_TARGET_ROWS, LINKED_TARGET_ROWS))}).${required.length > 0 ? ' Name at least one for that decision.' : ' Leave them empty for any other decision.'}`,
        1500,
      ),
      { isSubtle: true },
    ),
    ...rows,
  ];
}

/** "Record the Executive Group decision" where the current stage's review is a group's decision whose members are recorded. */
export function groupDecisionRules(procedure: Procedure, state: CaseState): ReviewRules | undefined {
  const rules = reviewRulesOf(procedure, state);
  return rules?.membersRecorded ? rules : undefined;
}

/**
 * A group's decision (the stage's review that records members): the decision among the stage's
 * outcomes, the day, the evidence it was made on (required where the review requires it), the group's members by name with their role and whether each attended
 * (rows prefilled from the group's last decision on the case, else with the people on the case
 * who record it), the reasons (not shown to the trainee) and what happens next.
 */
export function buildGroupDecisionCard(
  source: CardSource,
  options: { readonly notice?: string } = {},
): AdaptiveCardJson {
  const { procedure, state, today } = source;
  const rules = groupDecisionRules(procedure, state);
  const title = rules?.title ?? 'Decision';
  const top = header(source, 'RECORD THE DECISION', title);
  if (!rules || state.status === 'closed') {
    const closed = card(source, [top, text(cardText(`${title} cannot be recorded on this case now.`))], undefined);
    return options.notice === undefined ? closed : withNotice(closed, options.notice);
  }
  const previous = state.reviews.findLast((r) => r.stageId === state.stageId && r.members !== undefined)?.members;
  const recorders = state.people
    .filter((p) => rules.reviewers.includes(p.role))
    .map((p) => ({ name: p.name, role: roleLabelOf(procedure, p.role), attended: true }));
  const prefill = (previous ?? recorders).slice(0, GROUP_MEMBER_ROWS);
  const rows: Element[] = [];
  for (let row = 0; row < GROUP_MEMBER_ROWS; row++) {
    const member = prefill[row];
    rows.push({
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            {
              type: 'Input.Text',
              id: memberNameInputId(row),
              label: `Member ${String(row + 1)}`,
              placeholder: 'Name',
              maxLength: 200,
              ...(member ? { value: plainCardText(member.name) } : {}),
            },
          ],
        },
        {
          type: 'Column',
          width: 'stretch',
          items: [
            {
              type: 'Input.Text',
              id: memberRoleInputId(row),
              label: 'Role',
              placeholder: 'Role (optional)',
              maxLength: 200,
              ...(member?.role ? { value: plainCardText(member.role) } : {}),
            },
          ],
        },
        {
          type: 'Column',
          width: 'auto',
          verticalContentAlignment: 'Bottom',
          items: [
            {
              type: 'Input.Toggle',
              id: memberAttendedInputId(row),
              title: 'Attended',
              value: member?.attended === false ? 'false' : member ? 'true' : 'false',
              valueOn: 'true',
              valueOff: 'false',
            },
          ],
        },
      ],
    });
  }
  const body: Element[] = [
    top,
    facts([
      ['Stage', cardText(title, 120)],
      ['Recorded by', cardText(rules.reviewers.map((r) => roleLabelOf(procedure, r)).join(', '), 200)],
    ]),
    text(
      'List everyone in the group by name, with whether they attended (at least one did); leave the rows you do not need empty.',
      { isSubtle: true },
    ),
    ...rows,
    {
      type: 'Input.ChoiceSet',
      id: 'outcomeId',
      label: 'The decision',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose the decision.',
      choices: rules.outcomes.map((o) => ({ title: plainCardText(clipText(o.label, 300)), value: o.id })),
    },
    dateInput('reviewedOn', 'Decided on', today, false),
    textInput('evidence', 'The evidence the group considered', 8000, rules.evidenceRequired),
    textInput('notes', 'The group’s reasons (not shown to the trainee)', 8000, false),
    textInput('nextSteps', 'What happens next', 4000, false),
    ...linkedTargetInputs(procedure, rules.outcomes),
  ];
  const submit = {
    type: 'Action.Execute',
    verb: 'record_group_decision',
    title: 'Record the decision',
    style: 'positive',
    associatedInputs: 'auto',
    data: actionData('record_group_decision', state.id, state.version),
  };
  const built = card(source, body, submit);
  return options.notice === undefined ? built : withNotice(built, options.notice);
}

/** The panel convened on the case and still to decide (the last one convened), with its definition. */
export function panelToDecide(
  procedure: Procedure,
  state: CaseState,
): { readonly panel: Panel; readonly convened: PanelState } | undefined {
  if (state.status === 'closed') return undefined;
  const convened = state.panels.findLast((p) => p.decisionId === undefined);
  if (convened === undefined) return undefined;
  const panel = procedure.panels.find((p) => p.id === convened.panelId);
  return panel === undefined ? undefined : { panel, convened };
}

/** Who records a panel's meetings: the roles that convene it, and the course team (as the command says). */
export function mayRecordPanel(state: CaseState, panel: Panel, actor: Actor): boolean {
  return isCourseTeam(actor) || rolesOnCase(state, actor).some((r) => panel.convenedBy.includes(r));
}

/**
 * A convened panel's meeting and decision (BCU's Placement Review Panel "reviews the evidence"):
 * the members present, chosen from those convened (all ticked to start with); the chair where the
 * panel agrees one at its first meeting; the day; the decision among the panel's; its rationale;
 * and where a decision opens a new case, the targets it carries. A decision that closes the case
 * is confirmed before anything is recorded.
 */
export function buildPanelDecisionCard(
  source: CardSource,
  options: { readonly notice?: string } = {},
): AdaptiveCardJson {
  const { procedure, state, today } = source;
  const open = panelToDecide(procedure, state);
  if (!open) {
    const none = card(
      source,
      [
        header(source, 'RECORD THE DECISION', 'Panel decision'),
        text('No panel is waiting to decide on this case now.'),
      ],
      undefined,
    );
    return options.notice === undefined ? none : withNotice(none, options.notice);
  }
  const { panel, convened } = open;
  const members = convened.members.map((m) => ({
    title: plainCardText(clipText(m.role === undefined ? m.name : `${m.name} (${m.role})`, 200)),
    value: m.id,
  }));
  const needsChair = panel.chairAgreedAtFirstMeeting && convened.chair === undefined;
  const body: Element[] = [
    header(source, 'RECORD THE DECISION', panel.title),
    facts([
      ['Convened', formatLongDate(convened.convenedOn)],
      ...(panel.quorum === undefined ? [] : ([['Quorum', `${String(panel.quorum)} members present`]] as const)),
      ...(convened.evidence.length === 0
        ? []
        : ([['Evidence', cardText(convened.evidence.join('; '), 1500)]] as const)),
    ]),
    {
      type: 'Input.ChoiceSet',
      id: 'attendees',
      label: 'Members present',
      style: 'expanded',
      isMultiSelect: true,
      isRequired: true,
      errorMessage: 'Choose the members present at the meeting.',
      value: convened.members.map((m) => m.id).join(','),
      choices: members,
    },
    ...(needsChair
      ? [
          {
            type: 'Input.ChoiceSet',
            id: 'chair',
            label: `The chair the ${plainCardText(panel.title)} agrees at this first meeting`,
            style: 'compact',
            isRequired: true,
            errorMessage: 'Choose the chair.',
            choices: members,
          },
        ]
      : []),
    dateInput('heldOn', 'Met on', today, false),
    {
      type: 'Input.ChoiceSet',
      id: 'decisionId',
      label: 'The decision',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose the panel’s decision.',
      choices: panel.decisions.map((d) => ({ title: plainCardText(clipText(d.label, 300)), value: d.id })),
    },
    textInput('rationale', 'The rationale for the decision', 4000, false),
    ...linkedTargetInputs(procedure, panel.decisions),
  ];
  const submit = {
    type: 'Action.Execute',
    verb: 'record_panel_decision',
    title: 'Record the decision',
    style: 'positive',
    associatedInputs: 'auto',
    data: actionData('record_panel_decision', state.id, state.version, { panelId: panel.id }),
  };
  const built = card(source, body, submit);
  return options.notice === undefined ? built : withNotice(built, options.notice);
}

/**
 * The fee waiver: the decision that brought the fee, the procedure's words about it, and the
 * reason the course team gives. The letter to the trainee is written from these when it is recorded.
 */
export function buildFeeWaiverCard(source: CardSource, options: { readonly notice?: string } = {}): AdaptiveCardJson {
  const { procedure, state } = source;
  const top = header(source, 'WAIVE THE FEE', 'Confirm in writing that the fee is waived');
  const fee = feeToWaive(procedure, state);
  const waived = state.feeWaivers.at(-1);
  if (!fee) {
    const done = card(
      source,
      [
        top,
        text(
          waived
            ? cardText(
                `The fee of ${waived.amount} was waived on ${formatLongDate(waived.on)} by ${waived.byName}; the letter was sent to the trainee.`,
              )
            : 'No decision on this case brings a fee that can be waived.',
        ),
      ],
      undefined,
    );
    return options.notice === undefined ? done : withNotice(done, options.notice);
  }
  const body: Element[] = [
    top,
    facts([
      ['Decision', cardText(fee.decision.label, 400)],
      ['Decided on', cardText(formatLongDate(fee.on))],
      ['Fee', cardText(fee.amount, 40)],
    ]),
    text(cardText(fee.letter, 1200), { isSubtle: true }),
    textInput(
      'reason',
      'Why the exceptional circumstances apply (kept on the case and quoted in the letter)',
      2000,
      true,
    ),
    text(
      'Recording this sends the trainee a letter confirming the fee is waived, with this reason, and keeps it with the case’s forms.',
      { isSubtle: true, size: 'Small' },
    ),
  ];
  const submit = {
    type: 'Action.Execute',
    verb: 'waive_fee',
    title: `Waive the fee of ${plainCardText(fee.amount)}`,
    style: 'positive',
    associatedInputs: 'auto',
    data: actionData('waive_fee', state.id, state.version),
  };
  const built = card(source, body, submit);
  return options.notice === undefined ? built : withNotice(built, options.notice);
}

const APPEAL_OUTCOME_TITLES = { upheld: 'Upheld', not_upheld: 'Not upheld', withdrawn: 'Withdrawn' } as const;

/**
 * The appeal: its outcome where one is waiting for it (the day, upheld / not upheld / withdrawn,
 * and the reasons), else a new appeal against the decision the procedure lets the trainee appeal
 * (the day lodged, the grounds, and that it is on a procedural basis, as the procedure requires).
 */
export function buildAppealCard(source: CardSource, options: { readonly notice?: string } = {}): AdaptiveCardJson {
  const { procedure, state, today } = source;
  const rule = procedure.appeal;
  const what = appealToRecord(procedure, state);
  if (!rule || !what) {
    const none = card(
      source,
      [
        header(source, 'APPEAL', 'Record an appeal'),
        text('There is no decision on this case that can be appealed, and no appeal waiting for its outcome.'),
      ],
      undefined,
    );
    return options.notice === undefined ? none : withNotice(none, options.notice);
  }
  let built: AdaptiveCardJson;
  if (what.kind === 'outcome') {
    const appeal = what.appeal;
    const against = procedure.stages
      .flatMap((s) => [...(s.review?.outcomes ?? [])])
      .concat(procedure.panels.flatMap((p) => [...p.decisions]))
      .find((o) => o.id === appeal.against);
    built = card(
      source,
      [
        header(source, 'APPEAL', 'Record the outcome of the appeal'),
        facts([
          ['Against', cardText(against?.label ?? appeal.against, 400)],
          ['Lodged on', cardText(formatLongDate(appeal.lodgedOn))],
          ['Grounds', cardText(appeal.grounds, 1500)],
        ]),
        {
          type: 'Input.ChoiceSet',
          id: 'outcome',
          label: 'Outcome',
          style: 'expanded',
          isRequired: true,
          errorMessage: 'Choose the outcome of the appeal.',
          choices: Object.entries(APPEAL_OUTCOME_TITLES).map(([value, title]) => ({ title, value })),
        },
        dateInput('decidedOn', 'Decided on', today, false),
        textInput('reasons', 'Reasons', 4000, true),
      ],
      {
        type: 'Action.Execute',
        verb: 'decide_appeal',
        title: 'Record the outcome',
        style: 'positive',
        associatedInputs: 'auto',
        data: actionData('decide_appeal', state.id, state.version, { appealId: appeal.id }),
      },
    );
  } else {
    built = card(
      source,
      [
        header(source, 'APPEAL', 'Record an appeal'),
        facts([
          ['Against', cardText(what.against.label, 400)],
          ['Decided on', cardText(formatLongDate(what.decidedOn))],
        ]),
        text(cardText(rule.text, 1200), { isSubtle: true }),
        dateInput('lodgedOn', 'The day the trainee made the appeal', today, true),
        textInput('grounds', 'Grounds of the appeal', 4000, true),
        {
          type: 'Input.Toggle',
          id: 'procedural',
          title: 'The appeal is about how the procedure was followed, not the judgement itself',
          value: 'false',
          valueOn: 'true',
          valueOff: 'false',
        },
      ],
      {
        type: 'Action.Execute',
        verb: 'lodge_appeal',
        title: 'Record the appeal',
        style: 'positive',
        associatedInputs: 'auto',
        data: actionData('lodge_appeal', state.id, state.version),
      },
    );
  }
  return options.notice === undefined ? built : withNotice(built, options.notice);
}

/** The decision forms this actor may open on the case now, each with its button's title. */
export function decisionFormsFor(
  procedure: Procedure,
  state: CaseState,
  actor: Actor,
): { readonly form: DecisionForm; readonly title: string }[] {
  const forms: { form: DecisionForm; title: string }[] = [];
  const panel = panelToDecide(procedure, state);
  if (panel && mayRecordPanel(state, panel.panel, actor))
    forms.push({ form: 'panel_decision', title: `Record the ${plainCardText(panel.panel.title)}’s decision` });
  const fee = feeToWaive(procedure, state);
  if (fee && isCourseTeam(actor))
    forms.push({ form: 'fee_waiver', title: `Waive the fee of ${plainCardText(fee.amount)}` });
  const appeal = appealToRecord(procedure, state);
  if (appeal && mayRecordAppeal(procedure, state, actor))
    forms.push({
      form: 'appeal',
      title: appeal.kind === 'outcome' ? 'Record the outcome of the appeal' : 'Record an appeal',
    });
  return forms;
}

/** The card with a button for each decision form the person may open (shown in place of the card when pressed). */
export function withDecisionFormButtons(
  built: AdaptiveCardJson,
  state: CaseState,
  forms: readonly { readonly form: DecisionForm; readonly title: string }[],
): AdaptiveCardJson {
  if (forms.length === 0) return built;
  const buttons = forms.map((f) => ({
    type: 'Action.Execute',
    verb: 'open_form',
    title: f.title,
    data: actionData('open_form', state.id, state.version, { form: f.form }),
  }));
  return { ...built, actions: [...buttons, ...(built.actions ?? [])] };
}

/** The form `open_form` names, as this person should see it. */
export function buildDecisionFormCard(
  source: CardSource,
  form: DecisionForm,
  options: { readonly notice?: string } = {},
): AdaptiveCardJson {
  switch (form) {
    case 'panel_decision':
      return buildPanelDecisionCard(source, options);
    case 'fee_waiver':
      return buildFeeWaiverCard(source, options);
    case 'appeal':
      return buildAppealCard(source, options);
  }
}

/** What was recorded from a decision form, in its place: a heading and plain sentences (escaped here). */
export function buildDecisionRecordedCard(
  source: CardSource,
  input: { readonly kicker: string; readonly title: string; readonly lines: readonly string[] },
): AdaptiveCardJson {
  return card(
    source,
    [header(source, input.kicker, input.title), ...input.lines.map((line) => text(cardText(line, 1500)))],
    undefined,
  );
}

/**
 * The decision forms a notification card offers its recipient: the course team's channel gets
 * the course team's (`personId` undefined); a person gets those their roles on the case allow
 * (a card sent to one person does not know their app roles: the course team uses its channel).
 * Pressing a button checks again who is asking, so a card passed on gives nobody more.
 */
export function decisionFormsForRecipient(
  procedure: Procedure,
  state: CaseState,
  personId: string | undefined,
): { readonly form: DecisionForm; readonly title: string }[] {
  const actor: Actor =
    personId === undefined
      ? { id: '', name: 'The course team', appRoles: ['course_team'] }
      : { id: personId.toLowerCase(), name: '', appRoles: [] };
  return decisionFormsFor(procedure, state, actor);
}
