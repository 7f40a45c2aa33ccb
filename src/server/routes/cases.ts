import * as contract from '../../contract/index.js';
import { reply } from '../http/reply.js';
import { Router, type Request, type Response } from 'express';
import { londonDateOf } from '../../domain/calendar/index.js';
import { callerOf } from '../auth/authenticate.js';
import { expectedVersionOf } from '../http/conditional.js';
import { invalidRequest, notFound } from '../http/problem.js';
import type { UseCaseDeps } from '../../app/deps.js';
import { listCases } from '../../app/cases/list-cases.js';
import { loadVisibleCase, runningVersionFor } from '../../app/cases/load-case.js';
import { caseAccessLog, recordRead, recordReads } from '../../app/access-log.js';
import { openCase } from '../../app/cases/open-case.js';
import { traineeRolesOf } from '../../app/cases/procedures.js';
import { accessTo } from '../../app/access.js';
import { runCaseCommand } from '../../app/cases/run-case-command.js';
import { moveCaseToProcedureVersion } from '../../app/cases/move-procedure-version.js';
import { caseView, etagOf, eventsFor } from '../../app/views/case-view.js';
import { actorNames } from '../../app/views/actor-names.js';
import type { PeopleDirectory } from '../../domain/people-directory.js';
import { formHtml } from '../views/form-html.js';
import { CASE_COMMAND_ROUTES } from '../../contract/commands.js';

/** Case ids are ours (UUIDs, or readable demo ids): anything else is simply not a case. */
const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

function caseIdOf(req: Request): string {
  const id = String(req.params.caseId ?? '');
  if (!CASE_ID.test(id)) throw notFound(`There is no case "${id.slice(0, 80)}".`);
  return id;
}

function bodyOf(req: Request): unknown {
  return (req.body as unknown) ?? {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `directory`: where the event trail finds the names of people who are on no case (absent: sign-in names stay). */
export function casesRouter(deps: UseCaseDeps, directory?: PeopleDirectory): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const caller = callerOf(res);
    const page = await listCases(deps, caller, req.query);
    // The page shows each case's trainee, stage, school and dates: a read of each.
    recordReads(
      deps,
      caller,
      page.items.map((item) => item.id),
      'list',
    );
    // The server's today (the dev clock in local mode): the tab counts "due this week" and "overdue" from it.
    reply(res, contract.casePage, { ...page, today: londonDateOf(deps.clock()) });
  });

  router.post('/', async (req, res) => {
    const caller = callerOf(res);
    const { stored, procedure } = await openCase(deps, caller, bodyOf(req));
    // The answer is the new case, its first read by whoever opened it, in their own view (a mentor
    // or trainee who opened it sees what GET shows them).
    recordRead(deps, caller, stored.state.id, 'api');
    res.location(`/api/cases/${encodeURIComponent(stored.state.id)}`).set('ETag', etagOf(stored.state));
    const access = accessTo(
      caller,
      { programme: stored.state.placement.programme, people: stored.state.people },
      traineeRolesOf(deps.procedures, procedure.id),
    );
    reply(
      res,
      contract.caseView,
      caseView(
        stored,
        procedure,
        deps.clock(),
        access === 'none' ? 'trainee' : access,
        runningVersionFor(deps, stored),
      ),
      201,
    );
  });

  router.get('/:caseId', async (req, res) => {
    const { stored, procedure, access, running } = await loadVisibleCase(deps, callerOf(res), caseIdOf(req), 'api');
    res.set('ETag', etagOf(stored.state));
    if (req.get('if-none-match') === etagOf(stored.state)) {
      res.status(304).end();
      return;
    }
    reply(res, contract.caseView, caseView(stored, procedure, deps.clock(), access, running));
  });

  // The definition the case follows, for the procedure page and the case page's forms.
  router.get('/:caseId/procedure', async (req, res) => {
    const { stored, procedure } = await loadVisibleCase(deps, callerOf(res), caseIdOf(req));
    res.set('ETag', etagOf(stored.state));
    reply(res, contract.procedure, procedure);
  });

  router.post('/:caseId/procedure-version', async (req, res) => {
    const result = await moveCaseToProcedureVersion(deps, {
      caller: callerOf(res),
      caseId: caseIdOf(req),
      expectedVersion: expectedVersionOf(req),
      input: bodyOf(req),
    });
    res.set('ETag', etagOf(result.stored.state));
    reply(
      res,
      contract.caseView,
      caseView(result.stored, result.procedure, deps.clock(), result.access, runningVersionFor(deps, result.stored)),
    );
  });

  router.get('/:caseId/events', async (req, res) => {
    const { stored, access } = await loadVisibleCase(deps, callerOf(res), caseIdOf(req), 'api');
    const names = await actorNames(stored.state, stored.events, directory, deps.logger);
    res.set('ETag', etagOf(stored.state));
    reply(res, contract.caseEventsPage, {
      caseId: stored.state.id,
      version: stored.state.version,
      view: access,
      events: eventsFor(stored.events, access).map((event) => {
        const actorName = names.get(event.actorId.toLowerCase());
        return actorName === undefined ? event : { ...event, actorName };
      }),
    });
  });

  router.get('/:caseId/access-log', async (req, res) => {
    reply(res, contract.caseAccessLog, await caseAccessLog(deps, callerOf(res), caseIdOf(req)));
  });

  router.get('/:caseId/form', async (req, res) => {
    const { stored, procedure, access } = await loadVisibleCase(deps, callerOf(res), caseIdOf(req), 'api');
    res
      .set('ETag', etagOf(stored.state))
      .type('html')
      .send(formHtml(procedure, stored.state, access));
  });

  for (const route of CASE_COMMAND_ROUTES) {
    router[route.method](`/:caseId${route.path}`, async (req: Request, res: Response) => {
      const caseId = caseIdOf(req);
      const expectedVersion = expectedVersionOf(req);
      let input = bodyOf(req);
      if (route.pathParams && route.pathParams.length > 0) {
        const body = input;
        if (!isPlainObject(body)) throw invalidRequest('The body must be a JSON object.');
        const fromPath: Record<string, string> = {};
        for (const name of route.pathParams) {
          if (name in body)
            throw invalidRequest(`"${name}" comes from the address; leave it out of the body.`, [
              { path: name, message: 'comes from the address' },
            ]);
          fromPath[name] = String(req.params[name] ?? '');
        }
        input = { ...body, ...fromPath };
      }
      const result = await runCaseCommand(deps, {
        caller: callerOf(res),
        caseId,
        expectedVersion,
        command: route.command,
        input,
        read: 'api',
      });
      res.set('ETag', etagOf(result.stored.state));
      reply(
        res,
        contract.caseView,
        caseView(result.stored, result.procedure, deps.clock(), result.access, runningVersionFor(deps, result.stored)),
      );
    });
  }

  return router;
}
