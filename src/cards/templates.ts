import { createRequire } from 'node:module';
import caseClosed from '../../adaptive-cards/case-closed.json' with { type: 'json' };
import caseSummary from '../../adaptive-cards/case-summary.json' with { type: 'json' };
import concernRaised from '../../adaptive-cards/concern-raised.json' with { type: 'json' };
import noticeCard from '../../adaptive-cards/notice-card.json' with { type: 'json' };
import outcomeRecorded from '../../adaptive-cards/outcome-recorded.json' with { type: 'json' };
import overdueEscalation from '../../adaptive-cards/overdue-escalation.json' with { type: 'json' };
import placementSuspended from '../../adaptive-cards/placement-suspended.json' with { type: 'json' };
import planAgreed from '../../adaptive-cards/plan-agreed.json' with { type: 'json' };
import reviewDue from '../../adaptive-cards/review-due.json' with { type: 'json' };
import reviewForm from '../../adaptive-cards/review-form.json' with { type: 'json' };
import signatureRequest from '../../adaptive-cards/signature-request.json' with { type: 'json' };
import stageChanged from '../../adaptive-cards/stage-changed.json' with { type: 'json' };

/**
 * The card templates in adaptive-cards/ (Adaptive Cards 1.5 with adaptivecards-templating
 * `${…}` binding), by name. The file name is the name with dashes: `review_due` is
 * adaptive-cards/review-due.json.
 */
const TEMPLATE_JSON = {
  review_due: reviewDue,
  review_form: reviewForm,
  signature_request: signatureRequest,
  case_summary: caseSummary,
  plan_agreed: planAgreed,
  stage_changed: stageChanged,
  outcome_recorded: outcomeRecorded,
  case_closed: caseClosed,
  concern_raised: concernRaised,
  overdue_escalation: overdueEscalation,
  placement_suspended: placementSuspended,
  notice_card: noticeCard,
} as const;

export type CardTemplateName = keyof typeof TEMPLATE_JSON;
export const CARD_TEMPLATE_NAMES = Object.keys(TEMPLATE_JSON) as CardTemplateName[];

export function templateFileName(name: CardTemplateName): string {
  return `${name.replace(/_/g, '-')}.json`;
}

/** Teams refuses a message whose card is larger than 28 KB. */
export const MAX_CARD_BYTES = 28 * 1024;

/** A bound card, ready to send as an `application/vnd.microsoft.card.adaptive` attachment. */
export interface AdaptiveCardJson {
  readonly type: 'AdaptiveCard';
  readonly version: string;
  readonly body: readonly unknown[];
  readonly actions?: readonly unknown[];
  readonly refresh?: { readonly action: unknown; readonly userIds?: readonly string[] };
  readonly [key: string]: unknown;
}

/**
 * adaptivecards-templating is loaded through require: its published typings import the
 * `adaptivecards` TypeScript sources, which do not compile under this project's settings, so
 * the small surface used here is typed locally instead.
 */
interface Template {
  expand(context: { readonly $root: unknown }): unknown;
}
const { Template } = createRequire(import.meta.url)('adaptivecards-templating') as {
  readonly Template: new (payload: unknown) => Template;
};

const compiled = new Map<CardTemplateName, Template>();

function templateOf(name: CardTemplateName): Template {
  let template = compiled.get(name);
  if (!template) {
    // The template is prepared from a copy, so the imported JSON is never changed.
    template = new Template(structuredClone(TEMPLATE_JSON[name]));
    compiled.set(name, template);
  }
  return template;
}

function isAdaptiveCard(value: unknown): value is AdaptiveCardJson {
  if (typeof value !== 'object' || value === null) return false;
  const card = value as Record<string, unknown>;
  return card.type === 'AdaptiveCard' && typeof card.version === 'string' && Array.isArray(card.body);
}

/**
 * Binds a view model to a template. The view's strings are already escaped for markdown
 * (escape.ts); the template engine inserts data values as they are and never evaluates
 * `${…}` found inside them.
 */
export function bindCard(name: CardTemplateName, view: object): AdaptiveCardJson {
  const bound: unknown = templateOf(name).expand({ $root: view });
  if (!isAdaptiveCard(bound)) throw new Error(`Template ${name} did not produce an Adaptive Card.`);
  return bound;
}

export function cardByteSize(card: AdaptiveCardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
