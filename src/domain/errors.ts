/**
 * One error type for every rule the engine enforces. `code` is stable and
 * mapped exhaustively at each edge (problem+json, card action error, tab message);
 * `userMessage` is safe to show to the person; `message` may carry internal detail.
 */
export const DOMAIN_ERROR_CODES = [
  'invalid_input',
  'unknown_procedure',
  'invalid_procedure',
  'unknown_stage',
  'stage_not_enterable',
  'case_closed',
  'case_paused',
  'case_not_paused',
  'too_many_targets',
  'no_targets',
  'unknown_framework_item',
  'review_date_outside_window',
  'review_date_missing',
  'plan_locked',
  'plan_not_agreed',
  'not_a_signatory',
  'already_signed',
  'unknown_target',
  'unknown_outcome',
  'outcome_not_allowed',
  'extension_not_allowed',
  'escalation_not_allowed',
  'panel_not_allowed',
  'panel_too_large',
  'panel_not_quorate',
  'panel_not_convened',
  'unknown_decision',
  'reinitiation_not_allowed',
  'missing_field',
  'invalid_date',
  'not_permitted',
  'task_unknown',
  'suspension_not_allowed',
  'task_not_yet',
  'tasks_outstanding',
  'review_not_overdue',
  'already_acknowledged',
  'person_not_on_case',
  'person_already_on_case',
  'version_not_movable',
  'reopen_not_allowed',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    readonly userMessage: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(`${code}: ${userMessage}`);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
