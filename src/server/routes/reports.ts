import * as contract from '../../contract/index.js';
import { reply } from '../http/reply.js';
import { Router } from 'express';
import { callerOf } from '../auth/authenticate.js';
import type { UseCaseDeps } from '../../app/deps.js';
import { getReport } from '../../app/cases/get-report.js';
import { reportCsv } from '../../app/views/reports.js';

export function reportsRouter(deps: UseCaseDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const wantsCsv =
      req.query.format === 'csv' ||
      (req.query.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    const { report } = await getReport(deps, callerOf(res), wantsCsv ? { ...req.query, format: 'csv' } : req.query);
    if (wantsCsv) {
      res.type('text/csv; charset=utf-8').attachment(`trellis-report-${report.today}.csv`).send(reportCsv(report));
      return;
    }
    reply(res, contract.report, report);
  });
  return router;
}
