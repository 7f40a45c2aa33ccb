import type { CaseCommandName } from '../../app/cases/case-commands.js';

/** Where each case command is exposed over REST; read by the router and the OpenAPI document. */
export interface CaseCommandRoute {
  readonly method: 'post' | 'put';
  /** Under /api/cases/{caseId}. */
  readonly path: string;
  readonly command: CaseCommandName;
  /** Path parameters copied into the input (the body must not carry them). */
  readonly pathParams?: readonly string[];
}

export const CASE_COMMAND_ROUTES: readonly CaseCommandRoute[] = [
  { method: 'put', path: '/plan', command: 'edit_plan' },
  { method: 'post', path: '/signatures', command: 'sign_plan' },
  { method: 'post', path: '/perceptions', command: 'record_perceptions' },
  { method: 'post', path: '/reviews', command: 'record_review' },
  { method: 'post', path: '/extension', command: 'extend_review_date' },
  { method: 'post', path: '/escalation', command: 'escalate' },
  { method: 'post', path: '/pause', command: 'pause' },
  { method: 'post', path: '/resume', command: 'resume' },
  { method: 'post', path: '/panels', command: 'convene_panel' },
  { method: 'post', path: '/panels/:panelId/meetings', command: 'record_panel_meeting', pathParams: ['panelId'] },
  { method: 'post', path: '/tasks', command: 'complete_task' },
  { method: 'post', path: '/suspension', command: 'suspend_placement' },
  { method: 'post', path: '/stage-start', command: 'set_stage_start' },
  { method: 'post', path: '/close', command: 'close' },
  { method: 'post', path: '/withdraw', command: 'withdraw' },
  { method: 'post', path: '/acknowledgements', command: 'acknowledge_notice' },
];
