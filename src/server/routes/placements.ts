import { Router } from 'express';
import * as contract from '../../contract/placements.js';
import { importPlacements, listPlacements } from '../../app/placements/placements.js';
import type { UseCaseDeps } from '../../app/deps.js';
import { callerOf } from '../auth/authenticate.js';
import { reply } from '../http/reply.js';

/** The placement roster: the course team lists it and imports their placement system's export. */
export function placementsRouter(deps: UseCaseDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    reply(res, contract.placementPage, await listPlacements(deps, callerOf(res), req.query));
  });
  router.post('/import', async (req, res) => {
    reply(res, contract.placementImportResult, await importPlacements(deps, callerOf(res), req.query, req.body));
  });
  return router;
}
