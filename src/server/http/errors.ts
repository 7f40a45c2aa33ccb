import type { AppErrorCode, Failure } from '../../app/errors.js';
import { HttpProblem } from './problem.js';

/**
 * Every code of the app's error vocabulary mapped to an HTTP status and a problem title. The
 * Record type makes the map exhaustive: a new code in the domain or the app layer fails the
 * typecheck until it is mapped here (and in src/bot/errors.ts).
 *  - 403: the person is known but this act is for someone else;
 *  - 404: nothing there that the caller may see (the same answer for both);
 *  - 409: the act does not fit the current state (closed, paused, already signed …);
 *  - 412/428: the caller's version is stale, or missing;
 *  - 422: well-formed input that breaks one of the procedure's rules;
 *  - 503: storage busy or unreachable (with Retry-After); 500: a defect.
 */
export const HTTP_STATUS: Readonly<Record<AppErrorCode, { readonly status: number; readonly title: string }>> = {
  invalid_input: { status: 422, title: 'The input breaks a rule of the procedure' },
  unknown_procedure: { status: 422, title: 'Unknown procedure' },
  invalid_procedure: { status: 500, title: 'Something went wrong' },
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
  person_not_on_case: { status: 422, title: 'Not named on this case' },
  person_already_on_case: { status: 409, title: 'Already named on this case' },
  version_not_movable: { status: 409, title: 'The case cannot move to this version' },
  reopen_not_allowed: { status: 409, title: 'The case cannot be reopened' },
  not_found: { status: 404, title: 'Not found' },
  precondition_failed: { status: 412, title: 'The case has changed' },
  precondition_required: { status: 428, title: 'If-Match is required' },
  invalid_request: { status: 400, title: 'The request is not valid' },
  forbidden: { status: 403, title: 'Not allowed' },
  conflict: { status: 409, title: 'Not in a state for this' },
  case_already_open: { status: 409, title: 'The trainee already has an open case' },
  not_on_roster: { status: 422, title: 'The trainee is not on the placement roster' },
  service_unavailable: { status: 503, title: 'Try again shortly' },
  internal_error: { status: 500, title: 'Something went wrong' },
};

/**
 * The problem for a failure. Extensions and headers a code carries (the current case on 412,
 * the field errors on 400, Retry-After on 503) are added by the caller that has them.
 */
export function problemOf(
  failure: Failure,
  extensions: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): HttpProblem {
  const { status, title } = HTTP_STATUS[failure.code];
  return new HttpProblem(status, failure.code, title, failure.userMessage, extensions, {
    ...(failure.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(failure.retryAfterSeconds) }),
    ...headers,
  });
}
