import * as contract from '../../contract/index.js';
import { reply } from '../http/reply.js';
import { Router } from 'express';
import { londonDateOf } from '../../domain/calendar/index.js';
import { isAdmin, mayReport } from '../../app/access.js';
import { callerOf } from '../auth/authenticate.js';
import type { Caller } from '../../app/caller.js';
import type { UseCaseDeps } from '../../app/deps.js';
import { whatYouNeedToDo } from '../../app/cases/my-todo.js';
import { ownConcernOpening, type OwnConcernOpening } from '../../app/cases/open-case.js';

/**
 * GET /api/me: who the caller is and what the tab should offer them. The tab hides what a
 * person cannot do; every route still checks for itself, so this is advice, never a permission.
 */
export interface MeView {
  readonly upn: string;
  readonly name: string;
  /** App roles as the domain names them: `course_team`, `admin`. */
  readonly roles: readonly string[];
  /** Programmes whose cases they see as course team: `all`, a list, or none. */
  readonly programmes: 'all' | readonly string[];
  readonly can: {
    /** Open a case from the tab (the course team; named mentors and tutors raise concerns in Teams). */
    readonly openCases: boolean;
    readonly seeReports: boolean;
    /** Configure the course team's channel tab. */
    readonly configureChannelTab: boolean;
    /** Keep the placement roster of their programmes. */
    readonly keepRoster: boolean;
  };
  /** A trainee who may open a case about themselves: under which procedures, about which placement. */
  readonly ownConcern?: OwnConcernOpening;
  /** Today in England (the dev clock's in local mode), so "due this week" matches the server. */
  readonly today: string;
}

export function meView(caller: Caller, now: Date, ownConcern?: OwnConcernOpening): MeView {
  const courseTeam = isAdmin(caller) || caller.actor.appRoles.includes('course_team');
  const programmes = isAdmin(caller) ? 'all' : courseTeam ? caller.programmes : [];
  return {
    upn: caller.actor.id,
    name: caller.actor.name,
    roles: [...caller.actor.appRoles],
    programmes: programmes === 'all' ? 'all' : [...programmes],
    can: {
      openCases: courseTeam,
      seeReports: mayReport(caller),
      configureChannelTab: courseTeam,
      keepRoster: courseTeam,
    },
    today: londonDateOf(now),
    ...(ownConcern === undefined || courseTeam ? {} : { ownConcern }),
  };
}

export function meRouter(deps: UseCaseDeps): Router {
  const router = Router();
  router.get('/todo', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    reply(res, contract.todo, await whatYouNeedToDo(deps, callerOf(res)));
  });
  router.get('/', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const caller = callerOf(res);
    const courseTeam = isAdmin(caller) || caller.actor.appRoles.includes('course_team');
    reply(
      res,
      contract.me,
      meView(caller, deps.clock(), courseTeam ? undefined : await ownConcernOpening(deps, caller)),
    );
  });
  return router;
}
