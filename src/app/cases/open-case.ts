import { openCaseRequestSchema } from '../../contract/requests.js';
import { randomUUID } from 'node:crypto';
import { londonDateOf, type LocalDate } from '../../domain/calendar/index.js';
import { calendarFor, openCase as openCaseCommand, type OpenCaseInput } from '../../domain/case/index.js';
import { DomainError } from '../../domain/errors.js';
import type { CaseSummary, StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { accessTo, actorForCase, isCourseTeamFor } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { CaseAlreadyOpenError, UseCaseError } from '../errors.js';
import { casePeopleFromRoster, isCurrent, rosterRolesOf, type StoredPlacement } from '../placements/roster.js';
import { parseInput } from './parse-input.js';
import { getProcedureIn } from './procedures.js';
import { versionsOf } from './procedure-versions.js';

export interface OpenCaseResult {
  readonly stored: StoredCase;
  readonly procedure: Procedure;
  /** True when the id given had already opened this case (a repeated submission): nothing new was stored. */
  readonly repeated?: boolean;
}

/**
 * Who may open a case, for the REST API and Teams alike:
 *  - the course team of the programme (and Admin), for any trainee of their programmes, that is
 *    one the placement roster has in that programme (in any term): the people and placement are
 *    as they give them (the placement's dates, where they give none, the roster row's); a trainee the roster does not have in the programme is refused with how
 *    to fix it (add them to the roster);
 *  - staff in a role the procedure lets raise a concern (mentor, tutor …), only for a trainee
 *    whose current placement roster row names them in that role; the people and placement of the
 *    case then come from that row, never from the request (the course team adds anyone else);
 *  - a trainee about themselves, where the procedure lets a trainee raise a concern, from their
 *    current roster row;
 *  - nobody else (not_permitted, saying who can).
 * A trainee has one open case per procedure (a second answers case_already_open naming it),
 * unless the procedure allows parallel cases and the course team asks for one. A case closed
 * as opened in error never counts as an earlier case.
 */
export async function openCase(
  deps: UseCaseDeps,
  caller: Caller,
  body: unknown,
  caseId?: string,
): Promise<OpenCaseResult> {
  const { procedureId, parallel, ...requested } = parseInput(openCaseRequestSchema, body);
  const procedure = getProcedureIn(deps.procedures, procedureId);
  // A repeated submission with the same id (the Teams dialog sent twice): the case it opened.
  if (caseId !== undefined) {
    const again = await openedBefore(deps, caller, procedure, caseId);
    if (again) return again;
  }
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  const named = requested.people.filter((p) => traineeRoles.has(p.role));
  const trainee = named[0];
  if (!trainee || named.length !== 1) throw new DomainError('invalid_input', 'A case is for exactly one trainee.');
  const traineeId = trainee.id.trim().toLowerCase();

  const today = londonDateOf(deps.clock());
  const rows = await deps.placements.forTrainee(traineeId);
  const input = inputFor(caller, procedure, requested, traineeId, rows, today);

  const cases = await deps.repository.casesOfTrainee(traineeId, procedure.id);
  const open = await stillOpen(deps, cases);
  if (caseId !== undefined && open?.id === caseId) {
    // The same submission, stored by a twin that ran alongside this one.
    const twin = await openedBefore(deps, caller, procedure, caseId);
    if (twin) return twin;
  }
  const courseTeam = isCourseTeamFor(caller, input.placement.programme);
  if (open && !(procedure.parallelCases && courseTeam && parallel === true)) {
    throw new CaseAlreadyOpenError({ id: open.id, reference: open.reference });
  }
  // A case whose decision opened a linked case is continued by it: the two count as one initiation.
  const leadsOn = new Set(
    [...procedure.stages.flatMap((st) => st.review?.outcomes ?? []), ...procedure.panels.flatMap((p) => p.decisions)]
      .filter((o) => o.opensLinkedCase !== undefined)
      .map((o) => o.id),
  );
  const previousCases = cases.filter(
    (c) => c.resolution !== 'opened_in_error' && !(c.outcomeId !== undefined && leadsOn.has(c.outcomeId)),
  ).length;
  const actor = actorForCase(caller, input.placement.programme);
  const id = caseId ?? randomUUID();
  const context = { procedure, calendar: calendarFor(procedure), now: deps.clock(), actor };
  // Every check first (nothing is kept for a case that is refused), then the version is kept
  // before the case that names it is stored, so every case's version can be read back.
  openCaseCommand(context, { caseId: id, previousCases }, input);
  const { hash } = await versionsOf(deps).keepRunning(procedure.id);
  const result = openCaseCommand(context, { caseId: id, previousCases, procedureHash: hash }, input);
  let stored: StoredCase;
  try {
    stored = await deps.repository.create(result);
  } catch (error) {
    // Two submissions of the same dialog at once: the one that lost finds the winner's case.
    const again = caseId === undefined ? undefined : await openedBefore(deps, caller, procedure, caseId);
    if (again) return again;
    throw error;
  }
  deps.logger.info('case opened', { caseId: id, procedureId });
  deps.notify?.({ procedure, before: undefined, after: stored.state, events: result.events });
  return { stored, procedure };
}

/**
 * The trainee's open case, if any. The list is read from case rows, and a row can lag its trail
 * (a close whose row update failed): a row saying "open" is confirmed by reading the case itself,
 * which also brings the row up to date.
 */
async function stillOpen(deps: UseCaseDeps, cases: readonly CaseSummary[]): Promise<CaseSummary | undefined> {
  for (const summary of cases.filter((c) => c.status !== 'closed')) {
    const stored = await deps.repository.find(summary.id);
    if (stored === undefined || stored.state.status !== 'closed') return summary;
  }
  return undefined;
}

async function openedBefore(
  deps: UseCaseDeps,
  caller: Caller,
  procedure: Procedure,
  caseId: string,
): Promise<OpenCaseResult | undefined> {
  const stored = await deps.repository.find(caseId);
  if (!stored || stored.state.openedBy !== caller.actor.id || stored.state.procedureId !== procedure.id)
    return undefined;
  const traineeRoles = new Set(procedure.roles.filter((r) => r.side === 'trainee').map((r) => r.id));
  if (
    accessTo(caller, { programme: stored.state.placement.programme, people: stored.state.people }, traineeRoles) ===
    'none'
  )
    return undefined;
  return { stored, procedure, repeated: true };
}

/** What a trainee may open about themselves today: the procedures that let them, and the placement it is about. */
export interface OwnConcernOpening {
  readonly procedureIds: readonly string[];
  readonly programme: string;
  readonly school: string;
}

/**
 * For a trainee on the current placement roster, the procedures that let a trainee raise a concern
 * about themselves (of the row's provider, where it names one) and the placement such a case is
 * about, as openCase will take it; undefined for anyone else. The tab offers the trainee the
 * new-case form from it; openCase still checks everything.
 */
export async function ownConcernOpening(deps: UseCaseDeps, caller: Caller): Promise<OwnConcernOpening | undefined> {
  const procedures = deps.procedures.filter((p) =>
    raisersOf(p).some((id) => p.roles.find((r) => r.id === id)?.side === 'trainee'),
  );
  if (procedures.length === 0) return undefined;
  const today = londonDateOf(deps.clock());
  let rows: readonly StoredPlacement[];
  try {
    rows = await deps.placements.forTrainee(caller.actor.id.trim().toLowerCase());
  } catch (error) {
    // Advice for the tab only: an unreadable roster offers nothing, and opening still checks it.
    deps.logger.warn('the placement roster could not be read for the new-case offer', {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
  const row = rows.find((r) => isCurrent(r, today));
  if (row === undefined) return undefined;
  const ofProvider = procedures.filter((p) => {
    try {
      assertProviderOf(p, row);
      return true;
    } catch {
      return false;
    }
  });
  if (ofProvider.length === 0) return undefined;
  return { procedureIds: ofProvider.map((p) => p.id), programme: row.programme, school: row.school };
}

/** The roles that may raise a concern under a procedure (the course team always may). */
export function raisersOf(procedure: Procedure): readonly string[] {
  return procedure.raisedBy.length > 0
    ? procedure.raisedBy
    : procedure.roles.filter((r) => r.side !== 'trainee').map((r) => r.id);
}

/** "the course team of the programme, or the trainee's Mentor(s) or Partnership Tutor named on the placement roster". */
export function whoMayOpen(procedure: Procedure): string {
  const raisers = raisersOf(procedure);
  const labels = raisers
    .filter((id) => procedure.roles.find((r) => r.id === id)?.side !== 'trainee')
    .map((id) => procedure.roles.find((r) => r.id === id)?.label ?? id);
  const trainee = raisers.some((id) => procedure.roles.find((r) => r.id === id)?.side === 'trainee');
  const staff = labels.length > 0 ? `, the trainee's ${labels.join(', ')} named on the placement roster` : '';
  return `the course team of the programme${staff}${trainee ? ', or the trainee about themselves' : ''}`;
}

function notPermitted(procedure: Procedure, why: string): DomainError {
  return new DomainError('not_permitted', `${why} In ${procedure.name} a case is opened by ${whoMayOpen(procedure)}.`);
}

/** A roster row that names its provider must name this procedure's: a trainee of another provider is not this procedure's. */
function assertProviderOf(procedure: Procedure, row: StoredPlacement): void {
  const named = row.provider?.trim().toLowerCase();
  if (named === undefined || named === '') return;
  const { id, name, shortName } = procedure.provider;
  if ([id, name, shortName].some((n) => n.toLowerCase() === named)) return;
  throw new DomainError(
    'invalid_input',
    `The placement roster has this trainee's ${row.programme} placement with ${row.provider ?? ''}, not ${name}, so ${procedure.name} is not theirs. Check the provider on the roster row.`,
  );
}

/** What the case is opened with, once the caller's standing is known (see openCase). */
function inputFor(
  caller: Caller,
  procedure: Procedure,
  requested: OpenCaseInput,
  traineeId: string,
  rows: readonly StoredPlacement[],
  today: LocalDate,
): OpenCaseInput {
  const programme = requested.placement.programme;
  if (isCourseTeamFor(caller, programme)) {
    // The course team's trainees are the ones on the roster for their programme (any term:
    // a case can be opened between placements). The people and placement are as they give them.
    const ofProgramme = rows.filter((r) => r.programme === programme);
    if (ofProgramme.length === 0) {
      const elsewhere = [...new Set(rows.map((r) => r.programme))];
      const trainee = requested.people.find((p) => p.id.toLowerCase() === traineeId)?.name ?? 'The trainee';
      throw new UseCaseError(
        'not_on_roster',
        elsewhere.length > 0
          ? `The placement roster has ${trainee} in ${elsewhere.join(', ')}, not in ${programme}. Add the trainee to the placement roster of the programme first (the Placement roster page in the Trellis tab: import their row from your placement system’s export), then open the case.`
          : `${trainee} is not on the placement roster for ${programme}. Add the trainee to the placement roster of the programme first (the Placement roster page in the Trellis tab: import their row from your placement system’s export), then open the case.`,
      );
    }
    const row =
      ofProgramme.find((r) => isCurrent(r, today)) ??
      [...ofProgramme].sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0];
    if (!row) return requested;
    assertProviderOf(procedure, row);
    // Where the course team gives none: the placement's dates are the roster row's term (a review
    // date after the placement ends is then refused or warned about as for any other case), and
    // the school's contact address is the roster row's for the same school.
    const { startsOn, endsOn } = requested.placement;
    const contact = requested.placement.schoolContactEmail ?? sameSchoolContact(row, requested.placement.school);
    return {
      ...requested,
      placement: {
        ...requested.placement,
        ...(startsOn === undefined && endsOn === undefined ? { startsOn: row.startsOn, endsOn: row.endsOn } : {}),
        ...(contact === undefined ? {} : { schoolContactEmail: contact }),
      },
    };
  }
  const raisers = raisersOf(procedure);
  const current = rows
    .filter((r) => isCurrent(r, today))
    // The row of the programme asked for first.
    .sort((a, b) => Number(b.programme === programme) - Number(a.programme === programme));
  const self = caller.actor.id === traineeId;
  let row: StoredPlacement | undefined;
  if (self) {
    const traineeMayRaise = raisers.some((id) => procedure.roles.find((r) => r.id === id)?.side === 'trainee');
    if (!traineeMayRaise) throw notPermitted(procedure, 'A trainee cannot open a case about themselves here.');
    row = current[0];
    if (!row)
      throw notPermitted(procedure, 'You are not on the placement roster for this term, so ask your course team.');
  } else {
    row = current.find((r) => rosterRolesOf(procedure, r, caller.actor.id).some((role) => raisers.includes(role)));
    if (!row)
      throw notPermitted(
        procedure,
        "You are not named as this trainee's mentor or tutor on the current placement roster.",
      );
  }
  assertProviderOf(procedure, row);
  return {
    ...requested,
    people: casePeopleFromRoster(procedure, row),
    placement: {
      ...requested.placement,
      school: row.school,
      programme: row.programme,
      startsOn: row.startsOn,
      endsOn: row.endsOn,
      ...(row.schoolContactEmail === undefined ? {} : { schoolContactEmail: row.schoolContactEmail }),
    },
  };
}

/** The roster row's school contact address, when the row is at `school`. */
function sameSchoolContact(row: StoredPlacement | undefined, school: string): string | undefined {
  return row !== undefined && row.school.trim().toLowerCase() === school.trim().toLowerCase()
    ? row.schoolContactEmail
    : undefined;
}
