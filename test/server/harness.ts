import { call, type Reply, type RequestOptions } from '../support/http-call.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { parseLocalDate, londonInstantAt, type LocalDate } from '../../src/domain/calendar/index.js';
import {
  placementIdOf,
  placementKeyOf,
  type Placement,
  type PlacementRoster,
  type StoredPlacement,
} from '../../src/app/placements/roster.js';
import { calendarFor, openCase, type CommandContext, type CommandResult } from '../../src/domain/case/index.js';
import type { OpenCaseInput } from '../../src/domain/case/commands/open-case.js';
import type { Actor, CaseState, Person } from '../../src/domain/case/types.js';
import type { StoredCase } from '../../src/domain/ports.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { loadOrCreateDevKeys, type DevKeys } from '../../src/dev/local-mode/dev-keys.js';
import { createApp } from '../../src/server/app.js';
import { keepIdleConnections } from '../../src/server/http/idle-connections.js';
import { cachedReadiness } from '../../src/app/readiness.js';
import { GraphReadinessProbe } from '../../src/store/readiness.js';
import { createTokenVerifier, entraIssuers } from '../../src/server/auth/verify-token.js';
import { memoryLogger, privateLogger } from '../../src/app/logger.js';
import { createAccessRecorder, type AccessRecorder } from '../../src/app/access-log.js';
import { GraphAccessLog } from '../../src/store/access-log.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { GraphCaseRecords } from '../../src/store/case-records.js';
import { createRetentionJobs } from '../../src/compose/jobs.js';
import { GraphJobStore } from '../../src/store/jobs.js';
import { GraphPlacementRoster } from '../../src/store/placements.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { GraphPeopleDirectory } from '../../src/store/directory.js';
import { ProcedureVersions } from '../../src/app/cases/procedure-versions.js';
import { GraphProcedureVersions } from '../../src/store/procedure-versions.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';

/**
 * The real app on an ephemeral port, with the real repository on the Graph emulator and the
 * real token verifier (dev keys in a temp folder). Tests talk to it with fetch, like a client.
 */
export const TODAY = parseLocalDate('2026-11-23');
/** The external scheduler's key the test server accepts (X-Trellis-Job-Key). */
export const TEST_JOB_KEY = 'test-job-key-0123456789abcdef0123456789';

export interface Identity {
  readonly upn: string;
  readonly name?: string;
  readonly roles?: readonly string[];
  readonly programmes?: readonly string[];
}

export { call, type Reply, type RequestOptions } from '../support/http-call.js';

export interface TestServer {
  readonly url: string;
  readonly emulator: ProvisionedEmulator;
  readonly repository: GraphCaseRepository;
  /** The placement roster list the server reads (the real store on the emulator). */
  readonly placements: GraphPlacementRoster;
  readonly keys: DevKeys;
  readonly logger: ReturnType<typeof memoryLogger>;
  /** Who looked: the real list store and its buffer, as the composition wires them. */
  readonly accessLog: { readonly store: GraphAccessLog; readonly recorder: AccessRecorder };
  now: Date;
  tokenFor(identity: Identity): Promise<string>;
  /** Signs arbitrary claims and header with the dev key (for token attack tests). */
  signRaw(payload: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  request(method: string, route: string, options?: RequestOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    readonly mode?: 'local' | 'tenant';
    /** The procedures the server runs (default: the five built-in ones), e.g. with one loaded from a file. */
    readonly procedures?: readonly Procedure[];
    /**
     * The store of an earlier server (the same site, as a restart with new procedure files sees
     * it); its owner closes it. Default: a fresh emulator this server closes.
     */
    readonly emulator?: ProvisionedEmulator;
    /** Write logs through privateLogger, as the composition does (scrubbed, with the request id). */
    readonly privateLogs?: boolean;
  } = {},
): Promise<TestServer> {
  const procedures = options.procedures ?? SEED_PROCEDURES;
  const emulator = options.emulator ?? (await startProvisionedEmulator());
  const keyDir = await mkdtemp(path.join(tmpdir(), 'trellis-server-test-'));
  const keys = await loadOrCreateDevKeys(keyDir);
  const stored = JSON.parse(await readFile(path.join(keyDir, 'dev-signing-key.json'), 'utf8')) as {
    privateJwk: Record<string, unknown>;
  };
  const privateKey = await importJWK({ ...stored.privateJwk, alg: 'RS256' }, 'RS256');
  const repository = new GraphCaseRepository(emulator.client, emulator.site, {
    roleSides: roleSidesOf(procedures),
  });
  const logger = memoryLogger();
  const appLogger = options.privateLogs === true ? privateLogger(logger) : logger;
  const accessLogStore = new GraphAccessLog(emulator.client, emulator.site.lists.accessLog);
  const accessLog = createAccessRecorder({ store: accessLogStore, logger: appLogger });
  const state = { now: londonInstantAt(TODAY, 10, 0) };
  const verifyToken = createTokenVerifier({
    keys: keys.jwks,
    tenantId: keys.tenantId,
    audiences: [keys.audience],
    programmes: { from: 'claim' },
    now: () => state.now,
  });
  const mode = options.mode ?? 'local';
  const placements = new GraphPlacementRoster(emulator.client, emulator.site.lists.placements);
  const app = createApp({
    repository,
    placements,
    procedures,
    clock: () => state.now,
    verifyToken,
    config: {
      mode,
      publicUrl: 'http://localhost',
      ...(mode === 'local' ? { graph: { baseUrl: emulator.emulator.baseUrl, siteId: emulator.emulator.siteId } } : {}),
    },
    logger: appLogger,
    accessLog,
    // As the composition root wires it: each case follows the procedure version it was opened under.
    procedureVersions: new ProcedureVersions(
      procedures,
      new GraphProcedureVersions(emulator.client, emulator.site.lists.procedureVersions),
    ),
    directory: new GraphPeopleDirectory(emulator.client),
    // Not remembered between probes, so a test sees a change at once.
    readiness: cachedReadiness(new GraphReadinessProbe(emulator.client, emulator.site), { ttlMs: 0 }),
    dataProtection: {
      records: new GraphCaseRecords(emulator.client, emulator.site),
      jobs: createRetentionJobs({
        store: new GraphJobStore(emulator.client, emulator.site.lists.jobs),
        clock: () => state.now,
        logger: appLogger,
      }),
      jobKey: TEST_JOB_KEY,
    },
  });
  const server: Server = await new Promise((resolve) => {
    // As the composition listens: idle connections kept longer than a client's, so a busy
    // machine's next request on one is answered, not reset.
    const s = app.listen(0, '127.0.0.1', () => {
      resolve(keepIdleConnections(s));
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    emulator,
    repository,
    placements,
    keys,
    logger,
    accessLog: { store: accessLogStore, recorder: accessLog },
    get now() {
      return state.now;
    },
    set now(value: Date) {
      state.now = value;
    },
    tokenFor: (identity) =>
      keys.sign(
        {
          upn: identity.upn,
          name: identity.name ?? identity.upn,
          roles: identity.roles ?? [],
          ...(identity.programmes ? { programmes: identity.programmes } : {}),
        },
        state.now,
      ),
    signRaw: (payload, header = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: keys.kid, ...header }).sign(privateKey),
    request: (method, route, opts = {}) => call(url, method, route, opts),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await accessLog.close();
      if (options.emulator === undefined) await emulator.close();
      await rm(keyDir, { recursive: true, force: true });
    },
  };
}

/**
 * Puts a trainee on the placement roster of a programme (the real list, as an import writes it),
 * for the academic year around TODAY: the course team may open a case only for a trainee the
 * roster has in their programme. Staff named here may raise a concern about the trainee.
 */
export async function putOnRoster(
  roster: PlacementRoster,
  row: {
    readonly trainee: { readonly id: string; readonly name: string };
    readonly programme: string;
    readonly school?: string;
    readonly provider?: string;
    readonly mentors?: readonly { readonly id: string; readonly name: string }[];
    readonly tutor?: { readonly id: string; readonly name: string };
    readonly professionalMentor?: { readonly id: string; readonly name: string };
    readonly programmeLead?: { readonly id: string; readonly name: string };
    readonly startsOn?: LocalDate;
    readonly endsOn?: LocalDate;
  },
): Promise<StoredPlacement> {
  const placement: Placement = {
    trainee: { id: row.trainee.id.toLowerCase(), name: row.trainee.name },
    programme: row.programme,
    provider: row.provider,
    school: row.school ?? 'Oak Primary',
    schoolContactEmail: undefined,
    mentors: (row.mentors ?? []).map((m) => ({ id: m.id.toLowerCase(), name: m.name })),
    tutor: row.tutor && { id: row.tutor.id.toLowerCase(), name: row.tutor.name },
    professionalMentor: row.professionalMentor && {
      id: row.professionalMentor.id.toLowerCase(),
      name: row.professionalMentor.name,
    },
    programmeLead: row.programmeLead && { id: row.programmeLead.id.toLowerCase(), name: row.programmeLead.name },
    startsOn: row.startsOn ?? parseLocalDate('2026-09-01'),
    endsOn: row.endsOn ?? parseLocalDate('2027-08-31'),
  };
  const key = placementKeyOf(placement);
  return roster.save({
    ...placement,
    id: placementIdOf(key),
    key,
    version: 1,
    updatedAt: new Date(0).toISOString(),
    updatedBy: 'test',
  });
}

/** Every trainee named in an open-case body, on the roster of its programme (the course team opens for them). */
export async function rosterFor(
  roster: PlacementRoster,
  body: {
    readonly people: readonly Person[];
    readonly placement: { readonly programme: string; readonly school: string };
  },
  traineeRole = 'trainee',
): Promise<void> {
  for (const p of body.people.filter((x) => x.role === traineeRole))
    await putOnRoster(roster, {
      trainee: { id: p.id, name: p.name },
      programme: body.placement.programme,
      school: body.placement.school,
    });
}

export const issuerFor = (keys: DevKeys): string => entraIssuers(keys.tenantId)[0] ?? '';

export function procedure(id: string): Procedure {
  const found = SEED_PROCEDURES.find((p) => p.id === id);
  if (!found) throw new Error(`no procedure ${id}`);
  return found;
}

export const person = (role: string, name: string, id: string): Person => ({ role, id, name, email: id });

/** Stores a case opened (and then driven) through the real domain commands, as of TODAY. */
export async function seedCase(
  server: TestServer,
  options: {
    readonly caseId: string;
    readonly procedureId?: string;
    readonly input: OpenCaseInput;
    readonly steps?: readonly ((state: CaseState, ctx: (actor: Actor) => CommandContext) => CommandResult)[];
  },
): Promise<StoredCase> {
  const proc = procedure(options.procedureId ?? 'bcu-rapid-improvement-targets');
  const ctx = (actor: Actor): CommandContext => ({
    procedure: proc,
    calendar: calendarFor(proc),
    now: server.now,
    actor,
  });
  const courseTeam: Actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team'] };
  let stored = await server.repository.create(
    openCase(ctx(courseTeam), { caseId: options.caseId, previousCases: 0 }, options.input),
  );
  for (const step of options.steps ?? []) stored = await server.repository.append(stored, step(stored.state, ctx));
  return stored;
}
