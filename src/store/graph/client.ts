import { ClientSecretCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { AuthenticationProvider, FetchOptions, ShouldRetry } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import packageJson from '../../../package.json' with { type: 'json' };
import { parseRetryAfter } from './errors.js';
import { GraphTelemetryHandler } from './telemetry.js';
import { GraphPace, GraphPaceHandler, REAL_GRAPH_PACE_CLOCK, type GraphPaceClock } from './pace.js';

export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * Retry caps. The SDK RetryHandler retries 429, 503
 * and 504 for every method, honouring Retry-After (fractional seconds included) and
 * falling back to exponential backoff; these bound how long one call may keep a person or
 * a sweep waiting before we surface `throttled`/`unavailable` instead.
 */
export const GRAPH_MAX_RETRIES = 5;
/** Backoff base used only when Graph sends no Retry-After. */
export const GRAPH_RETRY_BASE_DELAY_SECONDS = 2;
/** A Retry-After longer than this is not slept through: the caller gets `throttled` and decides. */
export const GRAPH_MAX_RETRY_AFTER_SECONDS = 60;
/** The SDK constructor throws above these, so configuration is clamped to them. */
const SDK_MAX_RETRIES = 10;
const SDK_MAX_DELAY_SECONDS = 180;

export interface GraphRetryPolicy {
  readonly maxRetries: number;
  readonly baseDelaySeconds: number;
  readonly maxRetryAfterSeconds: number;
}

export const DEFAULT_GRAPH_RETRY_POLICY: GraphRetryPolicy = {
  maxRetries: GRAPH_MAX_RETRIES,
  baseDelaySeconds: GRAPH_RETRY_BASE_DELAY_SECONDS,
  maxRetryAfterSeconds: GRAPH_MAX_RETRY_AFTER_SECONDS,
};

interface CommonGraphClientConfig {
  /** Goes into the User-Agent; defaults to the version in package.json. */
  readonly appVersion?: string;
  readonly retry?: Partial<GraphRetryPolicy>;
  /** The clock the client's pace waits on (pace.ts); real time unless a test gives one. */
  readonly paceClock?: GraphPaceClock;
}

/** A real tenant: app-only token from Entra ID with a client secret. */
export interface TenantGraphClientConfig extends CommonGraphClientConfig {
  readonly kind: 'tenant';
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Any other Graph-compatible https endpoint (the local emulator): fixed bearer token, own CA. */
export interface CustomGraphClientConfig extends CommonGraphClientConfig {
  readonly kind: 'custom';
  /** Origin only, e.g. `https://localhost:8443`; the SDK appends `/v1.0`. */
  readonly baseUrl: string;
  /** PEM of the CA that signed the endpoint's certificate (self-signed in local mode). */
  readonly caCertPem?: string;
  readonly token: string;
}

export type GraphClientConfig = TenantGraphClientConfig | CustomGraphClientConfig;

export function userAgent(appVersion: string = packageJson.version): string {
  // SharePoint's throttling guidance asks for this shape so Microsoft can attribute traffic.
  return `NONISV|Trellis|Trellis/${appVersion}`;
}

const paces = new WeakMap<Client, GraphPace>();

/** Retry policies of the clients we built, so per-request options can reuse the same caps. */
const retryPolicies = new WeakMap<Client, GraphRetryPolicy>();

export function createGraphClient(config: GraphClientConfig): Client {
  const policy = resolveRetryPolicy(config.retry);
  const paceClock = config.paceClock ?? REAL_GRAPH_PACE_CLOCK;
  const pace = new GraphPace(paceClock, policy.maxRetryAfterSeconds * 1000);
  const paceHandler = new GraphPaceHandler(pace, paceClock);
  const headers: Record<string, string> = { 'User-Agent': userAgent(config.appVersion) };
  let client: Client;
  switch (config.kind) {
    case 'tenant': {
      const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret);
      const authProvider: AuthenticationProvider = {
        // ClientSecretCredential caches and refreshes the token itself; asking per request is cheap.
        getAccessToken: async () => {
          const token = await credential.getToken(GRAPH_DEFAULT_SCOPE);
          return token.token;
        },
      };
      client = Client.initWithMiddleware({
        middleware: buildMiddlewareChain(authProvider, policy, paceHandler),
        fetchOptions: { headers },
      });
      break;
    }
    case 'custom': {
      const base = parseCustomBaseUrl(config.baseUrl);
      const fetchOptions: FetchOptions = { headers };
      if (config.caCertPem !== undefined) {
        // Node's fetch takes an undici dispatcher and the SDK copies fetchOptions into every
        // fetch call. Object.assign because the undici package's Agent and Node's bundled
        // undici-types describe the same runtime interface with non-identical declarations.
        Object.assign(fetchOptions, { dispatcher: new Agent({ connect: { ca: config.caCertPem } }) });
      }
      const token = config.token;
      client = Client.initWithMiddleware({
        middleware: buildMiddlewareChain({ getAccessToken: () => Promise.resolve(token) }, policy, paceHandler),
        baseUrl: base.origin,
        // Hostname only: the SDK strips the port before comparing, and with a port in the set
        // it silently stops sending Authorization.
        customHosts: new Set([base.hostname]),
        fetchOptions,
      });
      break;
    }
  }
  retryPolicies.set(client, policy);
  paces.set(client, pace);
  return client;
}

/** The pace of a client from createGraphClient: every request it sends waits on it. */
export function graphPaceOf(client: Client): GraphPace | undefined {
  return paces.get(client);
}

/** Policy of a client from createGraphClient; the defaults for clients built elsewhere. */
export function retryPolicyOf(client: Client): GraphRetryPolicy {
  return retryPolicies.get(client) ?? DEFAULT_GRAPH_RETRY_POLICY;
}

export interface RetryObserver {
  /** Called just before the SDK re-sends a request (after a 429/503/504). */
  readonly onRetry?: (response: Response) => void;
}

/**
 * Per-request RetryHandler options with the client's caps plus an observer. Items use it to
 * learn that a write was re-sent (so a 412 on the re-send may be our own earlier attempt);
 * the delta cache uses it to count every request a sync really made.
 */
export function observedRetryOptions(client: Client, observer: RetryObserver): RetryHandlerOptions {
  const policy = retryPolicyOf(client);
  const base = shouldRetryWithin(policy);
  const shouldRetry: ShouldRetry = (delay, attempt, request, options, response) => {
    const retry = base(delay, attempt, request, options, response);
    if (retry) observer.onRetry?.(response);
    return retry;
  };
  return new RetryHandlerOptions(policy.baseDelaySeconds, policy.maxRetries, shouldRetry);
}

function resolveRetryPolicy(overrides: Partial<GraphRetryPolicy> | undefined): GraphRetryPolicy {
  const merged = { ...DEFAULT_GRAPH_RETRY_POLICY, ...overrides };
  return {
    maxRetries: clamp(Math.floor(merged.maxRetries), 0, SDK_MAX_RETRIES),
    baseDelaySeconds: clamp(merged.baseDelaySeconds, 0, SDK_MAX_DELAY_SECONDS),
    maxRetryAfterSeconds: clamp(merged.maxRetryAfterSeconds, 0, SDK_MAX_DELAY_SECONDS),
  };
}

function shouldRetryWithin(policy: GraphRetryPolicy): ShouldRetry {
  return (_delay, _attempt, _request, _options, response) => {
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    return retryAfter === undefined || retryAfter <= policy.maxRetryAfterSeconds;
  };
}

/** The SDK's default order, with our RetryHandler options in place of its defaults. */
function buildMiddlewareChain(authProvider: AuthenticationProvider, policy: GraphRetryPolicy, pace: GraphPaceHandler) {
  const authentication = new AuthenticationHandler(authProvider);
  const retry = new RetryHandler(
    new RetryHandlerOptions(policy.baseDelaySeconds, policy.maxRetries, shouldRetryWithin(policy)),
  );
  const redirect = new RedirectHandler(new RedirectHandlerOptions());
  const telemetry = new TelemetryHandler();
  // The SDK's HTTPClient links an array into a chain itself (setNext in array order). The pace
  // sits after the retry handler, so every attempt (a re-send too) waits its turn; our telemetry
  // sits last before the wire, so each attempt is one span.
  return [authentication, retry, pace, redirect, telemetry, new GraphTelemetryHandler(), new HTTPMessageHandler()];
}

function parseCustomBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new Error(`Graph baseUrl is not a URL: ${baseUrl}`, { cause });
  }
  // The SDK treats only https URLs as Graph: over http it drops Authorization and mangles
  // absolute nextLinks, so fail loudly here rather than misbehave later.
  if (url.protocol !== 'https:') throw new Error(`Graph baseUrl must be https: ${baseUrl}`);
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new Error(`Graph baseUrl must be an origin without a path (the SDK adds /v1.0): ${baseUrl}`);
  }
  return url;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
