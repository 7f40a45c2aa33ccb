import * as contract from '../../contract/index.js';
import { reply } from '../http/reply.js';
import { Router, type Request } from 'express';
import { formPdfName, renderFormPdf } from '../../notify/form-pdf.js';
import { feeLetterPdfName, hasLetter, renderFeeLetterPdf } from '../../notify/fee-letter-pdf.js';
import { callerOf } from '../auth/authenticate.js';
import { HttpProblem, notFound } from '../http/problem.js';
import type { UseCaseDeps } from '../../app/deps.js';
import { loadVisibleCase } from '../../app/cases/load-case.js';
import type { BackgroundNotifier } from '../../app/notifications/after-command.js';
import { isDay, listFailedNotifications, retryNotification } from '../../app/notifications/failed.js';
import { listCaseNotifications } from '../../app/notifications/history.js';
import type { NotifyRuntime } from '../../app/notifications/runtime.js';
import type { OutboxPort } from '../../notify/ports.js';
import { stateFor } from '../../app/views/case-view.js';
import { caseAtPlanVersion } from '../../app/cases/form-versions.js';

/**
 * GET /api/notifications?state=failed (a week of failures a page), GET
 * /api/cases/:caseId/sent-notifications (what was sent on a case), POST /api/notifications/:key/retry
 * (course team), and
 * GET /api/cases/:caseId/form.pdf (anyone who may see the case; the trainee gets the trainee view),
 * GET /api/cases/:caseId/fee-letter.pdf (the same people: the letter is shown on the case to all of them).
 */

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

const MAX_KEY = 2000;

export function notificationsRouter(
  deps: UseCaseDeps & { readonly runtime: NotifyRuntime; readonly background: BackgroundNotifier },
): Router {
  const router = Router();

  router.get('/notifications', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : 'failed';
    if (state !== 'failed')
      throw new HttpProblem(
        400,
        'invalid_request',
        'The request is not valid',
        'Only failed notifications can be listed: use ?state=failed.',
      );
    const before = req.query.before;
    if (before !== undefined && (typeof before !== 'string' || !isDay(before)))
      throw new HttpProblem(
        400,
        'invalid_request',
        'The request is not valid',
        'The week to list ends on a date written YYYY-MM-DD, such as ?before=2026-11-30.',
      );
    reply(
      res,
      contract.failedNotifications,
      await listFailedNotifications(deps, callerOf(res), before === undefined ? {} : { before }),
    );
  });

  router.post('/notifications/:key/retry', async (req, res) => {
    const key = keyOf(req);
    const result = await retryNotification(deps, callerOf(res), key, (work) => {
      deps.background.background('notification retried', work);
    });
    reply(res, contract.notificationRetried, result, 202);
  });

  return router;
}

/**
 * What was sent on a case (course team of its programme, administrators); mounted with or
 * without notifications: without an outbox nothing was sent, and the page says so.
 */
export function caseNotificationsRouter(deps: UseCaseDeps & { readonly outbox?: OutboxPort | undefined }): Router {
  const router = Router();
  router.get('/cases/:caseId/sent-notifications', async (req, res) => {
    const caseId = req.params.caseId;
    if (!CASE_ID.test(caseId)) throw notFound(`There is no case "${caseId.slice(0, 80)}".`);
    const query = contract.caseNotificationsQuerySchema.safeParse(req.query);
    if (!query.success)
      throw new HttpProblem(
        400,
        'invalid_request',
        'The request is not valid',
        'The page is a whole number from 1 (such as ?page=2), and a search is at most 200 characters.',
      );
    reply(res, contract.caseNotifications, await listCaseNotifications(deps, callerOf(res), caseId, query.data));
  });

  return router;
}

/** The completed form as a PDF, laid out like the provider's own paperwork; mounted with or without notifications. */
export function formPdfRouter(deps: UseCaseDeps): Router {
  const router = Router();
  router.get('/cases/:caseId/form.pdf', async (req, res) => {
    const caseId = req.params.caseId;
    if (!CASE_ID.test(caseId)) throw notFound(`There is no case "${caseId.slice(0, 80)}".`);
    const version = planVersionOf(req.query.version);
    const { stored, procedure, access } = await loadVisibleCase(deps, callerOf(res), caseId, 'pdf');
    const state = version === undefined ? stored.state : caseAtPlanVersion(stored, version);
    if (!state)
      throw notFound(
        `Case ${stored.state.reference} has no form version ${String(version)}: its forms are listed on the case page.`,
      );
    const pdf = await renderFormPdf(procedure, stateFor(state, access));
    res
      .status(200)
      .type('application/pdf')
      .attachment(formPdfName(state.reference, version === undefined ? undefined : state.plan?.version))
      .set('Cache-Control', 'private, no-store')
      .send(Buffer.from(pdf));
  });

  router.get('/cases/:caseId/fee-letter.pdf', async (req, res) => {
    const caseId = req.params.caseId;
    if (!CASE_ID.test(caseId)) throw notFound(`There is no case "${caseId.slice(0, 80)}".`);
    const number = letterNumberOf(req.query.letter);
    const { stored, procedure, access } = await loadVisibleCase(deps, callerOf(res), caseId, 'pdf');
    const state = stateFor(stored.state, access);
    const waivers = state.feeWaivers;
    const index = number === undefined ? waivers.length - 1 : number - 1;
    const waiver = waivers[index];
    if (!waiver)
      throw notFound(
        waivers.length === 0
          ? `No fee has been waived on case ${state.reference}, so it has no fee letter.`
          : `Case ${state.reference} has ${String(waivers.length)} fee letter${waivers.length === 1 ? '' : 's'}: ask for one from 1.`,
      );
    if (!hasLetter(waiver))
      throw notFound(
        `The fee letter on case ${state.reference} is for the trainee and the course team: it tells the trainee's circumstances.`,
      );
    const pdf = await renderFeeLetterPdf(procedure, state, waiver);
    res
      .status(200)
      .type('application/pdf')
      .attachment(feeLetterPdfName(state.reference, index + 1))
      .set('Cache-Control', 'private, no-store')
      .send(Buffer.from(pdf));
  });

  return router;
}

/** `?letter=N`: which of the case's fee letters (absent: the latest). */
function letterNumberOf(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[1-9]\d?$/.test(raw))
    throw new HttpProblem(
      400,
      'invalid_request',
      'The request is not valid',
      "The fee letter is counted from 1 among the case's letters, such as ?letter=1.",
    );
  return Number(raw);
}

/** `?version=N`  return router;
}

/** `?version=N`: the plan version whose form is wanted (absent: the form as it now is). */
function planVersionOf(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,3}$/.test(raw))
    throw new HttpProblem(
      400,
      'invalid_request',
      'The request is not valid',
      "The form version is the number of one of the case's plans, such as ?version=1.",
    );
  return Number(raw);
}

function keyOf(req: Request): string {
  const key = String(req.params.key ?? '');
  if (key === '' || key.length > MAX_KEY) throw notFound('There is no such notification.');
  return key;
}
