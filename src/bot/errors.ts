import type { AppErrorCode, Failure } from '../app/errors.js';
import { InputError } from '../app/errors.js';

/**
 * How the Teams edge answers each code of the app's error vocabulary, for card actions and
 * dialogs. The Record type makes the map exhaustive: a new code fails the typecheck until it is
 * mapped here (and in src/server/http/errors.ts).
 *  - `show_card`: the card again as the case now is, with "Not saved: …" on top, so the person
 *    can correct what they entered (a rule of the procedure, a field the form needs);
 *  - `refused`: an error response with the sentence (this act is for someone else);
 *  - `stale`: the card as the case now is, saying what changed since theirs was sent;
 *  - `not_found`: an error response (nothing there they may see);
 *  - `retry_later`: storage was busy; an error response asking them to refresh and retry;
 *  - `defect`: logged, and an error response with an apology.
 */
export type TeamsAnswer = 'show_card' | 'refused' | 'stale' | 'not_found' | 'retry_later' | 'defect';

export const TEAMS_ANSWER: Readonly<Record<AppErrorCode, TeamsAnswer>> = {
  invalid_input: 'show_card',
  unknown_procedure: 'show_card',
  invalid_procedure: 'defect',
  unknown_stage: 'show_card',
  stage_not_enterable: 'show_card',
  case_closed: 'show_card',
  case_paused: 'show_card',
  case_not_paused: 'show_card',
  too_many_targets: 'show_card',
  no_targets: 'show_card',
  unknown_framework_item: 'show_card',
  review_date_outside_window: 'show_card',
  review_date_missing: 'show_card',
  plan_locked: 'show_card',
  plan_not_agreed: 'show_card',
  not_a_signatory: 'refused',
  already_signed: 'show_card',
  unknown_target: 'show_card',
  unknown_outcome: 'show_card',
  outcome_not_allowed: 'show_card',
  extension_not_allowed: 'show_card',
  escalation_not_allowed: 'show_card',
  panel_not_allowed: 'show_card',
  panel_too_large: 'show_card',
  panel_not_quorate: 'show_card',
  panel_not_convened: 'show_card',
  unknown_decision: 'show_card',
  reinitiation_not_allowed: 'show_card',
  missing_field: 'show_card',
  invalid_date: 'show_card',
  not_permitted: 'refused',
  task_unknown: 'show_card',
  suspension_not_allowed: 'show_card',
  task_not_yet: 'show_card',
  tasks_outstanding: 'show_card',
  review_not_overdue: 'show_card',
  already_acknowledged: 'show_card',
  person_not_on_case: 'show_card',
  person_already_on_case: 'show_card',
  version_not_movable: 'refused',
  reopen_not_allowed: 'show_card',
  not_found: 'not_found',
  precondition_failed: 'stale',
  precondition_required: 'refused',
  invalid_request: 'show_card',
  forbidden: 'refused',
  conflict: 'show_card',
  case_already_open: 'show_card',
  not_on_roster: 'show_card',
  service_unavailable: 'retry_later',
  internal_error: 'defect',
};

/** The sentence a person reads for a failure in Teams: input problems name the fields, everything else says what happened. */
export function teamsSentence(failure: Failure): string {
  if (failure.error instanceof InputError) {
    return failure.error.issues
      .slice(0, 3)
      .map((i) => i.message)
      .join('; ');
  }
  return failure.userMessage;
}

export const STORE_BUSY_MESSAGE =
  'Trellis could not reach its store just now, so it cannot confirm what was saved. Refresh the card in a minute to see the case as it is, then try again if needed.';
export const DEFECT_MESSAGE =
  'Trellis could not complete this. Refresh the card to see what was saved before trying again; if it keeps happening, tell your Trellis administrator.';
export const NOT_FOUND_MESSAGE =
  'There is no case you can see for this card. It may have been removed, or you are not named on it; ask the course team if you should be.';
