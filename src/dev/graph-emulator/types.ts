/** Public option, fault and inspection types of the local Graph emulator. */
import type { HttpMethod } from './http-types.js';
import type { LatencyProfile } from './latency.js';
import type { ResourceUnitBudget } from './resource-units.js';
import type { ActivityNotification, ChannelMessage, Installation, SentMail } from './records.js';

export type { HttpMethod } from './http-types.js';
export type { ResourceUnitBudget } from './resource-units.js';
export type { ActivityNotification, ChannelMessage, Installation, SentMail } from './records.js';

export const FAULT_KINDS = ['fail', 'applyThenFail', 'latency'] as const;
/**
 * - `fail`: answer with `status` before touching state (throttling, outage).
 * - `applyThenFail`: run the request (a POST/PATCH commits durably), then answer `status`
 *   anyway (item 26): the SDK RetryHandler re-sends and must meet the unique-key conflict.
 * - `latency`: only delay the answer by `latencyMs`.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_STATUSES = [429, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export const FAULT_SCOPES = ['all', 'direct', 'batch'] as const;
/** `direct`: top-level HTTP requests only; `batch`: `$batch` sub-requests only. */
export type FaultScope = (typeof FAULT_SCOPES)[number];

export interface FaultRule {
  /** Label for logs. */
  name?: string;
  /** Omitted: every method. */
  method?: HttpMethod | readonly HttpMethod[];
  /**
   * Path below `/v1.0`; `*` matches one segment, `**` any number of segments; case-insensitive;
   * the query string is ignored. Omitted: every route. E.g. `/sites/* /lists/* /items` (no spaces).
   */
  path?: string;
  kind: FaultKind;
  /** Default 429 for `fail`, 503 for `applyThenFail`. */
  status?: FaultStatus;
  /** Seconds, integer or fractional (`2.128`). Omitted: `Retry-After: 0` (fast tests). `null`: header absent. */
  retryAfterSeconds?: number | null;
  /** Error body flavour: Graph `TooManyRequests` or SharePoint `activityLimitReached`. Default `graph`. */
  style?: 'graph' | 'sharepoint';
  /** Probability 0–1 that a matching request is hit (seeded PRNG). Default 1. */
  rate?: number;
  /** Fire at most this many times (then the rule is spent). Omitted: unlimited. */
  times?: number;
  /** For `latency` rules (and added before any failure answer). */
  latencyMs?: number;
  /** Default `all`. */
  scope?: FaultScope;
}

export const SCRIPT_ANSWERS = ['fail', 'applyThenFail', 'latency', 'hold'] as const;
/**
 * What a script step does to the one request it picks:
 * - `fail`, `applyThenFail`, `latency`: as the rule kinds of the same name;
 * - `hold`: the request waits, before it runs, until the test calls `releaseHeld(name)`
 *   (`whenHeld(name)` resolves once it is waiting), so a test can run other requests in between.
 */
export type ScriptAnswer = (typeof SCRIPT_ANSWERS)[number];

/**
 * One scripted answer: "the nth request matching this step → answer". Where rules are chance,
 * a script is an exact interleaving, for regression tests of a race.
 */
export interface FaultScriptStep {
  /** Label for logs; required for `hold` (it is what `releaseHeld` names). */
  name?: string;
  /** Omitted: every method. */
  method?: HttpMethod | readonly HttpMethod[];
  /** As in FaultRule. Omitted: every route. */
  path?: string;
  /** Default `all`. */
  scope?: FaultScope;
  /** Only the `$batch` sub-request with this id (case-insensitive), e.g. `row`. */
  batchId?: string;
  /**
   * Which matching request the step answers: 1 = the first one after the script was set. Each
   * step counts the requests that match it on its own; a step answers once. When two steps pick
   * the same request, the first in the script answers and the other is spent.
   */
  nth?: number;
  answer: ScriptAnswer;
  /** Default 429 for `fail`, 503 for `applyThenFail`. */
  status?: FaultStatus;
  /** As in FaultRule: omitted is `Retry-After: 0`, `null` no header. */
  retryAfterSeconds?: number | null;
  /** For `latency` (and added before a `fail`/`applyThenFail` answer). */
  latencyMs?: number;
}

/**
 * One fault decision the emulator made, in the order requests arrived. `key` names the request
 * without anything that differs from run to run (list display name, not id; `$batch`
 * sub-request id), and `occurrence` counts requests with the same key, so a replay can give
 * "the 3rd `POST items Trellis Events #e2`" the same answer.
 */
export interface FaultLogEntry {
  /** Arrival number of the request since the faults were set (1-based). */
  n: number;
  key: string;
  occurrence: number;
  /** The rule or script step that decided. */
  by?: string;
  latencyMs?: number;
  answer?: 'fail' | 'applyThenFail' | 'hold';
  status?: FaultStatus;
  retryAfterSeconds?: number | null;
  style?: 'graph' | 'sharepoint';
}

export interface FaultConfig {
  rules?: readonly FaultRule[];
  /** Reseeds the draws of rules with a `rate` (default: the emulator's `seed`, continuing its sequence). */
  seed?: number;
  /** Exact answers for particular requests; a request a step answers is not given to the rules. */
  script?: readonly FaultScriptStep[];
  /**
   * Replay of a recorded run (`faultLog()` of that run): each request gets the decision recorded
   * for its key and occurrence, and the rules are not consulted (their chance is replaced by the
   * record). Holds are not replayed.
   */
  replay?: readonly FaultLogEntry[];
  /** Item 15: status of a unique-column violation. Default 409 `nameAlreadyExists`. */
  uniqueViolationStatus?: 409 | 400 | 500;
  /** Item 13: status for a stale If-Match. Default 412; 409 models the observed `resourceModified` variant. */
  etagMismatchStatus?: 412 | 409;
}

export interface SiteOption {
  /** URL name, e.g. `trellis` → `https://localhost/sites/trellis`. */
  name: string;
  displayName?: string;
}

export interface GraphEmulatorOptions {
  /** Where cert + state live; created if missing. */
  dataDir: string;
  /** Default 0 (ephemeral; read the real port back from `baseUrl`). */
  port?: number;
  /** Default `fsync`. `none` still writes the log (survives process crashes, not power loss). */
  durability?: 'fsync' | 'none';
  /** Item 19. Default 5000. */
  listViewThreshold?: number;
  faults?: FaultConfig;
  /** PRNG seed for fault rates and batch shuffling. Default 1. */
  seed?: number;
  /** Item 23: answer `$batch` sub-responses in a shuffled order. Default false. */
  shuffleBatchResponses?: boolean;
  /** Item 16 (date-only columns). Default `Europe/London`. */
  siteTimeZone?: string;
  /** Known Teams catalog app ids (item 31). Omitted: every id is accepted. */
  teamsAppCatalog?: string[];

  // ---- Extensions beyond the brief (all optional) ----
  /** Sites to create on first start. Default one site named `trellis`. The first is `siteId` and `/sites/root`. */
  sites?: SiteOption[];
  /** Item 19: status when the threshold trips. Default 429 `activityLimitReached` (no Retry-After). */
  listViewThresholdStatus?: 429 | 500;
  /** Item 22: delta tokens older than this answer 410. Omitted: tokens never expire by age. */
  deltaTokenTtlMs?: number;
  /** Item 27: mailboxes allowed to send (case-insensitive). Omitted: every mailbox. */
  allowedMailboxes?: string[];
  /** Item 27: status for bodies over 4 MB. Default 413 `RequestEntityTooLarge`. */
  oversizeStatus?: 413 | 400;
  /** Item 28: a repeated `transactionId` returns the existing event (default) or 409. */
  duplicateTransactionId?: 'return-existing' | 'conflict';
  /** Item 29: allow app-only callers to post channel messages. Default true (Trellis local mode). */
  channelPostsAllowApp?: boolean;
  /** Item 29: posts per second per channel before 429. Default 4; 0 disables. */
  channelMessagesPerSecond?: number;
  /** Item 23: concurrent mailbox operations per mailbox before 429 `ApplicationThrottled`. Default 0 = off. */
  mailboxConcurrencyLimit?: number;
  /** Item 30: require a Teams app installation for the recipient. Default true. */
  activityRequiresInstall?: boolean;
  /** Item 25: SharePoint resource-unit budgets. Omitted: no RU metering. */
  resourceUnits?: ResourceUnitBudget;
  /**
   * A tenant-like delay on every Graph request (latency.ts; `TENANT_LATENCY`). Omitted: none,
   * as tests want. Changeable at runtime with `setLatency` or `POST /_emulator/latency`.
   */
  latency?: LatencyProfile;
  /** WAL entries between snapshots. Default 20000. */
  compactEvery?: number;
  /** Receives one line per request (method, path, status, client-request-id, SdkVersion). */
  log?: (line: string) => void;
}

export interface RequestCounters {
  /** Top-level Graph HTTP requests (a `$batch` envelope counts once). `/_emulator/*` is never counted. */
  total: number;
  /** Sub-requests executed inside `$batch` envelopes. */
  batchSubRequests: number;
  /** `${METHOD} ${routeKind}` → count, sub-requests included; e.g. `POST items`, `POST $batch`. */
  byRoute: Record<string, number>;
  /**
   * SharePoint resource units the counted requests cost, as SharePoint prices them (1 a single
   * read or a delta with a token, 2 a query, a delta without a token or a write; `$batch`
   * sub-requests each priced, the envelope free; mail, calendar and Teams requests free), whether
   * or not a budget is set.
   */
  resourceUnits: number;
  /** Requests answered by an injected fault. */
  faultsInjected: number;
  /** ISO time of the last reset. */
  since: string;
}

export interface CalendarEventView {
  mailbox: string;
  /** The event as `GET /users/{mailbox}/events/{id}` returns it (UTC). */
  event: Record<string, unknown>;
}

export interface RecentRequest {
  at: string;
  method: string;
  path: string;
  status: number;
  clientRequestId: string;
  sdkVersion: string | undefined;
  hasAuthorization: boolean;
  batchId?: string;
}

export interface EmulatorInspection {
  mails: SentMail[];
  events: CalendarEventView[];
  installs: Installation[];
  channelMessages: ChannelMessage[];
  activityNotifications: ActivityNotification[];
  counters: RequestCounters;
}
