/**
 * The request pipeline shared by top-level requests and `$batch` sub-requests:
 * route → count → mailbox concurrency → faults → handler → wait for durability → envelope.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { appRoleRoutes } from './app-roles.js';
import { batchRoutes } from './batch.js';
import { calendarRoutes, renderEvent } from './calendar.js';
import type { HandlerContext, ResolvedConfig, Route } from './context.js';
import { Counters } from './counters.js';
import { deltaRoutes } from './delta.js';
import { directoryRoutes } from './directory.js';
import { groupRoutes } from './groups.js';
import { errorResponse, GraphHttpError, notFound } from './errors.js';
import type { EmuRequest, EmuResponse } from './http-types.js';
import { itemQueryRoutes } from './items-query.js';
import { itemRoutes } from './items.js';
import { listRoutes } from './lists.js';
import { mailRoutes } from './mail.js';
import { FaultEngine, createPrng } from './faults.js';
import { Latency, type LatencyProfile } from './latency.js';
import type { Journal } from './persistence.js';
import type { CallerKind, Mutation } from './records.js';
import { ResourceUnitMeter, resourceUnitCost } from './resource-units.js';
import type { ResourceUnitBudget } from './resource-units.js';
import { Router, splitPath } from './router.js';
import { applyMutation } from './state.js';
import type { EmulatorState } from './state.js';
import { teamsRoutes } from './teams.js';
import type { EmulatorInspection, FaultConfig, RecentRequest } from './types.js';

/** Order matters: specific patterns (`items/delta`, `sites/root`) before `:param` ones. */
const ROUTES: readonly Route[] = [
  ...batchRoutes,
  ...deltaRoutes,
  ...listRoutes,
  ...itemQueryRoutes,
  ...itemRoutes,
  ...mailRoutes,
  ...calendarRoutes,
  ...teamsRoutes,
  ...appRoleRoutes,
  ...directoryRoutes,
  ...groupRoutes,
];

const MAILBOX_KINDS = new Set(['sendMail', 'events', 'event']);

export const APP_IDENTITY = { id: 'b8f1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d', displayName: 'Trellis (local)' } as const;

function decodeSegments(path: string): string[] {
  return splitPath(path).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new GraphHttpError(400, 'invalidRequest', `Invalid percent-encoding in path segment '${s}'.`);
    }
  });
}

export interface EmulatorCoreOptions {
  readonly state: EmulatorState;
  readonly journal: Journal;
  readonly config: ResolvedConfig;
  readonly faults: FaultConfig;
  readonly seed: number;
  readonly origin: string;
  readonly resourceUnits?: ResourceUnitBudget;
  readonly latency?: LatencyProfile;
  readonly log?: (line: string) => void;
}

export class EmulatorCore {
  readonly counters = new Counters();
  readonly faults: FaultEngine;
  readonly ctx: HandlerContext;
  private readonly router = new Router(ROUTES);
  private readonly random: () => number;
  private readonly mailboxInFlight = new Map<string, number>();
  private readonly meter: ResourceUnitMeter | undefined;
  private latency: Latency | undefined;
  private origin: string;

  constructor(private readonly options: EmulatorCoreOptions) {
    this.random = createPrng(options.seed);
    this.faults = new FaultEngine(options.faults, this.random);
    this.origin = options.origin;
    this.meter = options.resourceUnits === undefined ? undefined : new ResourceUnitMeter(options.resourceUnits);
    this.latency = options.latency === undefined ? undefined : new Latency(options.latency);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context is a view over this core
    const core = this;
    this.ctx = {
      state: options.state,
      config: options.config,
      get origin() {
        return core.origin;
      },
      get graphBase() {
        return `${core.origin}/v1.0`;
      },
      appIdentity: APP_IDENTITY,
      faults: () => core.faults.config,
      now: () => Date.now(),
      random: () => core.random(),
      newGuid: () => randomUUID(),
      commit: (m) => {
        core.commit(m);
      },
      callerKind: (req) => callerKindOf(req),
      dispatch: (req) => core.dispatch(req),
    };
  }

  /** A latency profile from now on (its draws start again from its seed); undefined: none. */
  setLatency(profile: LatencyProfile | undefined): void {
    this.latency = profile === undefined ? undefined : new Latency(profile);
  }

  get latencyProfile(): LatencyProfile | undefined {
    return this.latency?.profile;
  }

  setOrigin(origin: string): void {
    this.origin = origin;
  }

  get state(): EmulatorState {
    return this.options.state;
  }

  commit(m: Mutation): void {
    // Log first: if the journal has failed, nothing is applied that could not be persisted.
    this.options.journal.append(m);
    applyMutation(this.options.state, m);
  }

  async durable(): Promise<void> {
    await this.options.journal.barrier();
  }

  async dispatch(req: EmuRequest): Promise<EmuResponse> {
    const inBatch = req.batchId !== undefined;
    const ids = { requestId: req.requestId, clientRequestId: req.clientRequestId };
    let response: EmuResponse;
    let release: (() => void) | undefined;
    let kind = 'unknown';
    let meterHeaders: Record<string, string> = {};
    try {
      const segments = decodeSegments(req.path);
      const match = this.router.match(req.method, segments);
      kind = match.t === 'found' ? match.route.kind : match.t === 'method' ? match.kind : 'unknown';
      const units = match.t === 'found' ? resourceUnitCost(req, kind) : 0;
      this.counters.count(req.method, kind, inBatch, units);
      if (match.t === 'none') throw notFound();
      if (match.t === 'method') {
        throw new GraphHttpError(
          405,
          'Request_BadRequest',
          `The HTTP method '${req.method}' is not allowed for this resource.`,
        );
      }
      // Synchronous up to here, so parallel batch sub-requests all count as concurrent.
      release = this.acquireMailbox(kind, match.params.user);
      if (this.meter !== undefined) {
        const metered = this.meter.charge(units, Date.now());
        meterHeaders = metered.headers;
        if (metered.throttle !== undefined) throw metered.throttle;
      }
      const decision = this.faults.decide({
        method: req.method,
        segments,
        batchId: req.batchId,
        key: this.faultKey(req, kind, match.params),
      });
      if (decision.hold !== undefined) await decision.hold;
      // The profile's delay (a tenant's network and SharePoint's own time) on top of any fault's.
      const latencyMs = decision.latencyMs + (this.latency?.next(req.method, kind) ?? 0);
      if (latencyMs > 0) await sleep(latencyMs);
      if (decision.failure?.kind === 'fail') {
        this.counters.fault();
        throw decision.failure.error;
      }
      response = await match.route.handler(this.ctx, req, match.params);
      await this.durable();
      if (decision.failure?.kind === 'applyThenFail' && response.status < 400) {
        // Item 26: the write is durable, the client is told it failed.
        this.counters.fault();
        throw decision.failure.error;
      }
    } catch (e) {
      if (e instanceof GraphHttpError) {
        response = errorResponse(e, ids, Date.now());
      } else {
        this.options.log?.(
          `graph emulator: internal error on ${req.method} ${req.path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        response = errorResponse(
          new GraphHttpError(500, 'generalException', 'General exception while processing'),
          ids,
          Date.now(),
        );
      }
      // A handler may have committed before failing; never answer ahead of the log.
      await this.durable().catch(() => undefined);
    } finally {
      release?.();
    }
    this.recordRequest(req, response.status, kind);
    return Object.keys(meterHeaders).length === 0
      ? response
      : { ...response, headers: { ...meterHeaders, ...response.headers } };
  }

  /**
   * The request's name in the fault log: method, route kind, the list's display name (ids differ
   * from run to run) and the `$batch` sub-request id, e.g. `POST items Trellis Events #e2`.
   */
  private faultKey(req: EmuRequest, kind: string, params: Readonly<Record<string, string>>): string {
    const parts = [req.method, kind];
    const listParam = params.list?.toLowerCase();
    if (listParam !== undefined) {
      const list =
        this.options.state.lists.get(listParam) ??
        [...this.options.state.lists.values()].find((l) => l.meta.displayName.toLowerCase() === listParam);
      parts.push(list?.meta.displayName ?? 'unknown list');
    }
    if (req.batchId !== undefined) parts.push(`#${req.batchId}`);
    return parts.join(' ');
  }

  private acquireMailbox(kind: string, user: string | undefined): (() => void) | undefined {
    const limit = this.options.config.mailboxConcurrencyLimit;
    if (limit <= 0 || user === undefined || !MAILBOX_KINDS.has(kind)) return undefined;
    const mailbox = user.toLowerCase();
    const inFlight = this.mailboxInFlight.get(mailbox) ?? 0;
    if (inFlight >= limit) {
      throw new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
        'Retry-After': '1',
      });
    }
    this.mailboxInFlight.set(mailbox, inFlight + 1);
    return () => {
      const now = (this.mailboxInFlight.get(mailbox) ?? 1) - 1;
      if (now <= 0) this.mailboxInFlight.delete(mailbox);
      else this.mailboxInFlight.set(mailbox, now);
    };
  }

  private recordRequest(req: EmuRequest, status: number, kind: string): void {
    const entry: RecentRequest = {
      at: new Date().toISOString(),
      method: req.method,
      path: req.path,
      status,
      clientRequestId: req.clientRequestId,
      sdkVersion: req.headers.sdkversion,
      hasAuthorization: (req.headers.authorization ?? '').toLowerCase().startsWith('bearer '),
    };
    if (req.batchId !== undefined) entry.batchId = req.batchId;
    this.counters.record(entry);
    this.options.log?.(
      `${status} ${req.method} ${req.path}${req.batchId === undefined ? '' : ` [batch ${req.batchId}]`} kind=${kind} client-request-id=${req.clientRequestId} SdkVersion=${req.headers.sdkversion ?? '-'}`,
    );
  }

  inspect(): EmulatorInspection {
    const s = this.options.state;
    return structuredClone({
      mails: s.mails,
      events: [...s.events.values()].map((e) => ({
        mailbox: e.mailbox,
        event: renderEvent(this.ctx, e, undefined, false),
      })),
      installs: [...s.installs.values()],
      channelMessages: s.channelMessages,
      activityNotifications: s.activityNotifications,
      counters: this.counters.snapshot(),
    });
  }

  async reset(): Promise<void> {
    this.commit({ t: 'reset' });
    this.counters.reset();
    await this.durable();
  }

  async expireDeltaTokens(): Promise<void> {
    this.commit({ t: 'deltaEpoch', epoch: this.options.state.deltaEpoch + 1 });
    await this.durable();
  }
}

/** Item 29: tokens whose text starts with `delegated` model a signed-in user; anything else is app-only. */
export function callerKindOf(req: Pick<EmuRequest, 'headers'>): CallerKind {
  const auth = req.headers.authorization ?? '';
  return /^bearer\s+delegated/i.test(auth) ? 'delegated' : 'app';
}
