import * as contract from '../../contract/index.js';
import { reply } from '../http/reply.js';
import { Router } from 'express';
import { callerOf } from '../auth/authenticate.js';
import { searchPeople, type PeopleSearchDeps } from '../../app/cases/search-people.js';

/**
 * GET /api/people?search=<text>: `{ people: [{ upn, name, email, jobTitle }] }`, at most 10,
 * sorted by name. 400 for text under 2 or over 100 characters, 403 for anyone but the course
 * team and admins, 503 with Retry-After while Graph is throttling or unavailable.
 */
export function peopleRouter(deps: PeopleSearchDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const result = await searchPeople(deps, callerOf(res), req.query);
    // Directory details of other people: never kept by a browser or a proxy.
    res.set('Cache-Control', 'private, no-store');
    reply(res, contract.people, result);
  });
  return router;
}
