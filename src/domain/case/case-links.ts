import { NEXT_STEP_FORMS, type NextStepForm } from './next-steps.js';

/**
 * Where a link into Trellis opens a case: the case, and the form on its page to open at (the
 * review form, Sign, the perceptions …). A Teams deep link carries this as its `subEntityId`,
 * which the tab reads at start as `page.subPageId`; in a browser the same form is the address's
 * fragment (`/cases/{id}#review`). One format for the card builders that write it and the tab
 * that reads it.
 */

export interface CaseLinkTarget {
  readonly caseId: string;
  readonly form: NextStepForm | undefined;
}

const SEPARATOR = '#';

/** `case-1` or `case-1#review`. */
export function caseSubPageId(caseId: string, form?: NextStepForm): string {
  return form === undefined ? caseId : `${caseId}${SEPARATOR}${form}`;
}

const isForm = (value: string): value is NextStepForm => (NEXT_STEP_FORMS as readonly string[]).includes(value);

/**
 * The case and form a sub-page id names; undefined for an empty one. Only a form Trellis knows
 * is split off, so an id that happens to hold the separator still names its case.
 */
export function parseCaseSubPageId(subPageId: string): CaseLinkTarget | undefined {
  const at = subPageId.lastIndexOf(SEPARATOR);
  const suffix = at < 0 ? '' : subPageId.slice(at + 1);
  const form = isForm(suffix) ? suffix : undefined;
  const caseId = (form === undefined ? subPageId : subPageId.slice(0, at)).trim();
  return caseId === '' ? undefined : { caseId, form };
}
