import { formatLongDate } from '../domain/calendar/index.js';
import { decisionsOn } from '../domain/case/commands/decisions-after.js';
import type { CaseState, FeeWaiver } from '../domain/case/types.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { createDoc, detailsTable, finish, heading, paragraph, title } from './pdf/pdf-kit.js';

/** A fee waiver whose letter the reader may see (the staff view leaves it out). */
export type SentFeeLetter = FeeWaiver & { readonly letter: string };

export function hasLetter(waiver: FeeWaiver): waiver is SentFeeLetter {
  return waiver.letter !== undefined;
}

/**
 * The fee letter: where a decision brings a fee the course team may waive ("there may be
 * exceptional circumstances where this fee can be waived; however the course team will confirm
 * this in writing to the trainee"), the written confirmation is a form of the case like its
 * plans. It prints the case's facts (the trainee, their course and school, the decision that
 * brought the fee, what is waived, who confirmed it for the course team and on what day) above
 * the letter exactly as it was kept on the case when it was sent to the trainee.
 */

export const FEE_LETTER_TITLE = 'Confirmation of fee waiver';

export async function renderFeeLetterPdf(
  procedure: Procedure,
  state: CaseState,
  waiver: SentFeeLetter,
  options: { readonly compress?: boolean } = {},
): Promise<Uint8Array> {
  const { doc, done } = createDoc({
    title: `${state.reference}: ${FEE_LETTER_TITLE}`,
    compress: options.compress ?? true,
    ...(procedure.confidential ? { runningHeader: `CONFIDENTIAL: ${FEE_LETTER_TITLE}` } : {}),
  });
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  const trainee = state.people
    .filter((p) => traineeRoles.has(p.role))
    .map((p) => p.name)
    .join(', ');
  const decision = decisionsOn(procedure, state).findLast((d) => d.outcome.id === waiver.outcomeId);
  const course = [state.placement.programme, state.placement.subject, state.placement.phase]
    .filter((s): s is string => s !== undefined && s.trim() !== '')
    .join(' · ');
  title(doc, FEE_LETTER_TITLE, procedure.provider.name);
  detailsTable(doc, [
    ['Case', state.reference],
    ['Trainee', trainee],
    ['Course', course],
    ['School', state.placement.school],
    [
      'Decision',
      `${decision?.outcome.label ?? waiver.outcomeId}${decision === undefined ? '' : ` (${formatLongDate(decision.on)})`}`,
    ],
    ['Waived', `The fee of ${waiver.amount} this decision brings`],
    ['Confirmed by', `${waiver.byName}, for the course team`],
    ['Confirmed on', formatLongDate(waiver.on)],
  ]);
  heading(doc, 'The letter sent to the trainee');
  for (const part of waiver.letter.split('\n\n')) paragraph(doc, part);
  finish(doc, `${procedure.provider.name} · ${state.reference} · ${FEE_LETTER_TITLE}`);
  return done;
}

/**
 * "BCU-2026-014" → "BCU-2026-014-fee-letter.pdf"; a second letter on the same case (a later
 * decision's fee) gets its number ("…-fee-letter-2.pdf"). Anything unusual in a reference becomes "-".
 */
export function feeLetterPdfName(reference: string, number = 1): string {
  const safe = reference
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${safe === '' ? 'case' : safe}-fee-letter${number > 1 ? `-${String(number)}` : ''}.pdf`;
}
