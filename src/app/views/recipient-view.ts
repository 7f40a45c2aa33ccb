import { stateAt, type CaseEvent, type CaseState } from '../../domain/case/index.js';
import type { StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { recipientAudience, type Audience } from '../../notify/audience.js';
import { feeLetterPdfName, hasLetter, renderFeeLetterPdf } from '../../notify/fee-letter-pdf.js';
import { formPdfName, renderFormPdf } from '../../notify/form-pdf.js';
import { attachmentOf, type Notification } from '../../notify/notification.js';
import type { FormAttachment } from '../../notify/ports.js';
import { redactFor } from './case-view.js';

/**
 * The case a notification's recipient may see, as it was at the event that caused the
 * notification. One function for every channel (the attached form, 1:1 and channel cards), so
 * what a person is sent never shows more than the API shows them:
 *  - `trainee`: the trainee view (no review notes, no panel members, evidence, chair or rationale);
 *  - `staff`: no ground of a second initiation or its evidence (RCTTP's "long-term illness
 *    supported by a medical certificate" and the certificate itself), and a pause reads
 *    "Paused" whatever its reason;
 *  - `full`: everything.
 * It is the API's own redaction (`redactFor` in case-view.ts), so a person is never sent more
 * than the API shows them.
 */
export function stateForAudience(state: CaseState, audience: Audience): CaseState {
  return redactFor(state, audience);
}

/**
 * The case as it was at `version` (a notification's `caseVersion`) for `audience`. Falls back to
 * the current state when the version is unknown (a row written before notifications carried it)
 * or the stored trail does not reach back to it.
 */
export function caseForRecipient(
  current: CaseState,
  events: readonly CaseEvent[],
  version: number | undefined,
  audience: Audience,
): CaseState {
  const then = version === undefined || version >= current.version ? current : (stateAt(events, version) ?? current);
  return stateForAudience(then, audience);
}

/**
 * The form a notification attaches: the case as it was at the notification's event, in its
 * recipient's view, rendered as the provider's form (PDF), named by the plan version it shows;
 * for a fee waived, the fee letter that event kept, as the trainee was sent it.
 */
export async function formForNotification(
  procedure: Procedure,
  stored: StoredCase,
  notification: Notification,
): Promise<FormAttachment> {
  const state = caseForRecipient(
    stored.state,
    stored.events,
    notification.caseVersion,
    recipientAudience(procedure, notification.recipient),
  );
  if (attachmentOf(notification) === 'fee_letter') {
    const waiver = state.feeWaivers.at(-1);
    if (waiver && hasLetter(waiver))
      return {
        name: feeLetterPdfName(state.reference, state.feeWaivers.length),
        bytes: await renderFeeLetterPdf(procedure, state, waiver),
      };
  }
  return { name: formPdfName(state.reference, state.plan?.version), bytes: await renderFormPdf(procedure, state) };
}
