/**
 * A real `@microsoft/microsoft-graph-client` 3.0.7 Client aimed at the emulator.
 * Checked in the SDK source: GraphRequest.updateRequestOptions copies `fetchOptions` into the
 * options object and HTTPMessageHandler calls the global `fetch(url, options)`, so an undici
 * `dispatcher` whose `ca` is the emulator's certificate reaches Node's fetch untouched; TLS
 * is verified without NODE_EXTRA_CA_CERTS or disabling verification.
 */
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  MiddlewareFactory,
  RedirectHandler,
  RedirectHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { AuthenticationProvider, FetchOptions, Middleware } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

/** App-only dev token. The emulator accepts any bearer; tokens starting `delegated` act as a signed-in user (item 29). */
export const EMULATOR_APP_TOKEN = 'trellis-local-app-token';
export const EMULATOR_DELEGATED_TOKEN = 'delegated-trellis-local-user-token';

export interface EmulatorClientOptions {
  /** Default true: the SDK's default chain with its RetryHandler (429/503/504). */
  retry?: boolean;
  /** Default `app`. */
  callerKind?: 'app' | 'delegated';
}

export function createEmulatorDispatcher(caCertPem: string): Agent {
  return new Agent({ connect: { ca: caCertPem } });
}

export function createEmulatorGraphClient(
  emulator: { readonly baseUrl: string; readonly caCertPem: string },
  options: EmulatorClientOptions = {},
): Client {
  const token = options.callerKind === 'delegated' ? EMULATOR_DELEGATED_TOKEN : EMULATOR_APP_TOKEN;
  const authProvider: AuthenticationProvider = { getAccessToken: () => Promise.resolve(token) };
  const middleware: Middleware[] =
    options.retry === false
      ? [
          new AuthenticationHandler(authProvider),
          new RedirectHandler(new RedirectHandlerOptions()),
          new TelemetryHandler(),
          new HTTPMessageHandler(),
        ]
      : MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  // `dispatcher` is undici's RequestInit extension; npm undici 7's Agent type differs from the
  // undici-types bundled with @types/node, though Node's fetch accepts it at run time.
  const fetchOptions: FetchOptions = {};
  Reflect.set(fetchOptions, 'dispatcher', createEmulatorDispatcher(emulator.caCertPem));
  return Client.initWithMiddleware({
    baseUrl: emulator.baseUrl,
    // Host only: with a port in customHosts the SDK silently drops Authorization (item 1).
    customHosts: new Set(['localhost']),
    middleware,
    fetchOptions,
  });
}
