import type { DomainError, DomainErrorCode } from '../../domain/errors.js';
import { HttpProblem } from './problem.js';

/**
 * Every DomainError code mapped to an HTTP status and title (STYLE.md 9). The Record type makes
 * the map exhaustive: a new code in the domain fails the typecheck until it is mapped here.
 *  - 403: the person is known and on the case but the procedure gives this act to someone else.
 *  - 409: the act does not fit the case's current state (closed, paused, already signed …).
 *  - 422: well-formed input that breaks one of the procedure's rules.
 *  - 500: the procedure definition itself is broken (a defect, not the caller's fault).
 */
const DOMAIN_STATUS: Readonly<Record<DomainErrorCode, { readonly status: number; readonly title: string }>> = {
  invalid_input: { status: 422, title: 'The input breaks a rule of the procedure' },
  unknown_procedure: { status: 422, title: 'Unknown procedure' },
  invalid_procedure: { status: 500, title: 'The procedure definition is not valid' },
  unknown_stage: { status: 422, title: 'Unknown stage' },
  stage_not_enterable: { status: 422, title: 'The case cannot start at that stage' },
  case_closed: { status: 409, title: 'The case is closed' },
  case_paused: { status: 409, title: 'The case is paused' },
  case_not_paused: { status: 409, title: 'The case is not paused' },
  too_many_targets: { status: 422, title: 'Too many targets' },
  no_targets: { status: 422, title: 'The plan has no targets' },
  unknown_framework_item: { status: 422, title: 'Unknown standard or tracker item' },
  review_date_outside_window: { status: 422, title: 'The review date is outside the window' },
  review_date_missing: { status: 422, title: 'The review date is missing' },
  plan_locked: { status: 409, title: 'The plan cannot be changed now' },
  plan_not_agreed: { status: 409, title: 'The plan has not been agreed' },
  not_a_signatory: { status: 403, title: 'Not a signatory of this plan' },
  already_signed: { status: 409, title: 'Already signed' },
  unknown_target: { status: 422, title: 'Unknown target' },
  unknown_outcome: { status: 422, title: 'Unknown outcome' },
  outcome_not_allowed: { status: 422, title: 'That outcome is not allowed' },
  extension_not_allowed: { status: 422, title: 'That extension is not allowed' },
  escalation_not_allowed: { status: 422, title: 'That escalation is not allowed' },
  panel_not_allowed: { status: 409, title: 'That panel cannot be convened now' },
  panel_too_large: { status: 422, title: 'The panel is too large' },
  panel_not_quorate: { status: 422, title: 'The panel is not quorate' },
  panel_not_convened: { status: 409, title: 'The panel has not been convened' },
  unknown_decision: { status: 422, title: 'Unknown decision' },
  reinitiation_not_allowed: { status: 409, title: 'The procedure cannot be started again' },
  missing_field: { status: 422, title: 'Something the form needs is missing' },
  invalid_date: { status: 422, title: 'The date is not valid here' },
  not_permitted: { status: 403, title: 'Not allowed' },
  task_unknown: { status: 422, title: 'Unknown task' },
  suspension_not_allowed: { status: 409, title: 'The placement cannot be suspended now' },
  task_not_yet: { status: 409, title: 'Not yet: this follows the decision' },
  tasks_outstanding: { status: 409, title: 'Tasks to finish before the decision' },
  review_not_overdue: { status: 409, title: 'No review is overdue' },
  already_acknowledged: { status: 409, title: 'Already acknowledged' },
};

export function domainStatus(code: DomainErrorCode): number {
  return DOMAIN_STATUS[code].status;
}

export function problemFromDomainError(error: DomainError): HttpProblem {
  const { status, title } = DOMAIN_STATUS[error.code];
  if (status >= 500) {
    return new HttpProblem(
      500,
      'internal_error',
      'Something went wrong',
      'Trellis could not run this procedure. Tell your Trellis administrator; nothing was saved.',
    );
  }
  return new HttpProblem(status, error.code, title, error.userMessage);
}
