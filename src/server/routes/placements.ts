import { Router } from 'express';
import * as contract from '../../contract/placements.js';
import { deletePlacement, importPlacements, listPlacements, updatePlacement } from '../../app/placements/placements.js';
import { expectedVersionOf } from '../http/conditional.js';
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
  router.put('/:id', async (req, res) => {
    const expected = expectedVersionOf(req);
    const row = await updatePlacement(deps, callerOf(res), req.params.id, expected, req.body);
    res.set('ETag', `"v${String(row.version)}"`);
    reply(res, contract.placementRow, row);
  });
  router.delete('/:id', async (req, res) => {
    await deletePlacement(deps, callerOf(res), req.params.id, expectedVersionOf(req));
    res.status(204).end();
  });
  return router;
}
