/** What every route handler gets: state access, configuration and the commit path. */
import type { EmuRequest, EmuResponse, HttpMethod } from './http-types.js';
import type { CallerKind, Mutation } from './records.js';
import type { EmulatorState } from './state.js';
import type { FaultConfig } from './types.js';

export interface ResolvedConfig {
  readonly listViewThreshold: number;
  readonly listViewThresholdStatus: 429 | 500;
  readonly siteTimeZone: string;
  readonly teamsAppCatalog: ReadonlySet<string> | undefined;
  readonly deltaTokenTtlMs: number | undefined;
  readonly allowedMailboxes: ReadonlySet<string> | undefined;
  readonly oversizeStatus: 413 | 400;
  readonly duplicateTransactionId: 'return-existing' | 'conflict';
  readonly channelPostsAllowApp: boolean;
  readonly channelMessagesPerSecond: number;
  readonly mailboxConcurrencyLimit: number;
  readonly activityRequiresInstall: boolean;
  readonly shuffleBatchResponses: boolean;
}

export interface HandlerContext {
  readonly state: EmulatorState;
  readonly config: ResolvedConfig;
  /** `https://localhost:PORT` */
  readonly origin: string;
  /** `https://localhost:PORT/v1.0` */
  readonly graphBase: string;
  /** The application identity the emulator pretends the caller is (createdBy, activity actor). */
  readonly appIdentity: { readonly id: string; readonly displayName: string };
  faults(): FaultConfig;
  now(): number;
  random(): number;
  newGuid(): string;
  /** Applies the mutation now and queues it for the log; the answer waits for the fsync. */
  commit(m: Mutation): void;
  callerKind(req: EmuRequest): CallerKind;
  /** Runs a request through the full pipeline (counting, faults, errors): used by `$batch`. */
  dispatch(req: EmuRequest): Promise<EmuResponse>;
}

export type RouteParams = Readonly<Record<string, string>>;

export type RouteHandler = (
  ctx: HandlerContext,
  req: EmuRequest,
  params: RouteParams,
) => EmuResponse | Promise<EmuResponse>;

export interface Route {
  readonly method: HttpMethod;
  /** Segments; `:name` captures one segment. Literal segments compare case-insensitively. */
  readonly pattern: string;
  /** Short name for counters, e.g. `items`, `item`, `sendMail`. */
  readonly kind: string;
  readonly handler: RouteHandler;
}
