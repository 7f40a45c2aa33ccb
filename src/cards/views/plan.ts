import { formatLongDate } from '../../domain/calendar/index.js';
import {
  outstandingSignatories,
  planRulesOf,
  whoIsInformed,
  type Person,
  type Plan,
  type ResolvedRecipient,
} from '../../domain/case/index.js';
import { actionData } from '../actions.js';
import { cardText, escapeCardText, plainCardText } from '../escape.js';
import {
  caseHeader,
  currentTargets,
  longDate,
  roleLabelOf,
  targetViews,
  type CardSource,
  type CaseHeaderView,
  type TargetView,
} from './common.js';

export interface SignatureView {
  readonly name: string;
  readonly role: string;
  readonly on: string;
}

function signatureViews(source: CardSource, plan: Plan): SignatureView[] {
  return plan.signatures.map((s) => ({
    name: cardText(s.typedName, 200),
    role: escapeCardText(roleLabelOf(source.procedure, s.role)),
    on:
      s.wordingCorrectedOn === undefined
        ? formatLongDate(s.signedOn)
        : `${formatLongDate(s.signedOn)}, before the correction of ${formatLongDate(s.wordingCorrectedOn)}`,
  }));
}

function outstandingText(source: CardSource): string {
  return outstandingSignatories(source.procedure, source.state)
    .map((o) => {
      const roles = o.roles.map((r) => roleLabelOf(source.procedure, r)).join(' or ');
      const names = o.people.map((p) => p.name).join(', ');
      return `${escapeCardText(roles)}${names ? ` (${cardText(names, 200)})` : ''}`;
    })
    .join('  \n');
}

function requirePlan(source: CardSource): Plan {
  const plan = source.state.plan;
  if (!plan) throw new Error(`Case ${source.state.id} has no plan to show on a card.`);
  return plan;
}

export interface SignatureRequestView {
  readonly header: CaseHeaderView;
  readonly planTitle: string;
  readonly signer: string;
  readonly signerRole: string;
  readonly statement: string;
  readonly concernStatement: string;
  readonly hasConcernStatement: boolean;
  readonly targets: readonly TargetView[];
  readonly reviewDate: string;
  readonly signed: readonly SignatureView[];
  readonly hasSigned: boolean;
  readonly outstanding: string;
  readonly notice: string;
  readonly hasNotice: boolean;
  readonly typedNameLabel: string;
  /** Plain text: an Input placeholder is not markdown. */
  readonly typedNamePlaceholder: string;
  readonly typedNameRequired: boolean;
  readonly askPerceptions: boolean;
  readonly perceptions: string;
  readonly hasPerceptions: boolean;
  readonly sign: Record<string, unknown>;
  readonly recordPerceptions: Record<string, unknown>;
}

/**
 * The 1:1 card asking one signatory to sign the current plan. A trainee whose procedure asks
 * for their perceptions can record them from the same card before signing.
 */
export function signatureRequestView(source: CardSource, signer: Person): SignatureRequestView {
  const { procedure, state } = source;
  const plan = requirePlan(source);
  const rules = planRulesOf(procedure, plan);
  const isTrainee = procedure.roles.some((r) => r.id === signer.role && r.side === 'trainee');
  const askPerceptions = isTrainee && rules.fields.includes('trainee_perceptions') && plan.perceptions === undefined;
  const signed = signatureViews(source, plan);
  const concern = plan.content.concernStatement ?? '';
  const notice = isTrainee ? (rules.noticeToTrainee ?? '') : '';
  return {
    header: caseHeader(source, 'sign'),
    planTitle: escapeCardText(rules.title),
    signer: cardText(signer.name, 120),
    signerRole: escapeCardText(roleLabelOf(procedure, signer.role)),
    statement: escapeCardText(rules.signatures.statement),
    concernStatement: concern ? cardText(concern, 800) : '',
    hasConcernStatement: concern !== '',
    targets: targetViews(procedure, currentTargets(state)),
    reviewDate: plan.content.reviewDate
      ? `Review by ${formatLongDate(plan.content.reviewDate)}`
      : 'The review date is set when the plan is agreed.',
    signed,
    hasSigned: signed.length > 0,
    outstanding: outstandingText(source),
    notice: notice ? escapeCardText(notice) : '',
    hasNotice: notice !== '',
    typedNameLabel: rules.signatures.typedFullName ? 'Type your full name to sign' : 'Type your name to sign',
    typedNamePlaceholder: plainCardText(signer.name),
    typedNameRequired: !askPerceptions,
    askPerceptions,
    perceptions: plan.perceptions ? cardText(plan.perceptions.text, 800) : '',
    hasPerceptions: plan.perceptions !== undefined,
    sign: actionData('sign', state.id, state.version, { role: signer.role, planVersion: plan.version }),
    recordPerceptions: actionData('record_perceptions', state.id, state.version, { planVersion: plan.version }),
  };
}

export interface PlanAgreedView {
  readonly header: CaseHeaderView;
  readonly planTitle: string;
  readonly agreedOn: string;
  readonly reviewDate: string;
  readonly signed: readonly SignatureView[];
  readonly targets: readonly TargetView[];
  readonly informed: string;
  readonly hasInformed: boolean;
  readonly meeting: string;
}

function recipientLabel(source: CardSource, r: ResolvedRecipient): string {
  switch (r.kind) {
    case 'person':
      return `${escapeCardText(roleLabelOf(source.procedure, r.person.role))} (${cardText(r.person.name, 120)})`;
    case 'course_mailbox':
      return 'Course mailbox (with the form)';
    case 'course_team_channel':
      return 'Course team channel';
    case 'office':
      return escapeCardText(r.label);
  }
}

/** Posted to the course team channel when every signatory has signed. */
export function planAgreedView(source: CardSource): PlanAgreedView {
  const { procedure, state } = source;
  const plan = requirePlan(source);
  const rules = planRulesOf(procedure, plan);
  const asked = plan.rulesFrom.outcome;
  const informed = whoIsInformed(procedure, state, asked?.stageId ?? plan.stageId, 'plan_agreed', {
    ...(asked ? { outcomeId: asked.outcomeId } : {}),
    presentRoles: plan.content.meeting.attendees,
  }).flatMap((d) => d.recipients.map((r) => recipientLabel(source, r)));
  const attendees = plan.content.meeting.attendees.map((r) => roleLabelOf(procedure, r)).join(', ');
  return {
    header: caseHeader(source),
    planTitle: escapeCardText(rules.title),
    agreedOn: `Agreed ${longDate(plan.agreedOn)}`,
    reviewDate: longDate(plan.content.reviewDate),
    signed: signatureViews(source, plan),
    targets: targetViews(procedure, currentTargets(state)),
    informed: [...new Set(informed)].join('  \n'),
    hasInformed: informed.length > 0,
    meeting: plan.content.meeting.heldOn
      ? `Meeting on ${formatLongDate(plan.content.meeting.heldOn)}${attendees ? ` with ${escapeCardText(attendees)}` : ''}.`
      : '',
  };
}
