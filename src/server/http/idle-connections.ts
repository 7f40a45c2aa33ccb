import type { Server } from 'node:http';
import { answerClientErrors } from './client-errors.js';

/**
 * How long an idle keep-alive connection stays open: longer than the clients and proxies in front
 * of Trellis keep theirs (Azure's front ends hold idle connections for a minute or more, Node's
 * fetch for four seconds). Whoever keeps a connection longest must be the one to close it: with
 * Node's default of five seconds the server closes a connection just as a client, busy or slow,
 * sends its next request on it, and that request fails with a reset instead of an answer — which
 * for a write means the caller cannot know whether it landed.
 */
export const IDLE_CONNECTION_MS = 75_000;

/**
 * Applies IDLE_CONNECTION_MS to a listening server (and headers may take as long, as Node
 * requires), and answers requests Node's parser refuses as problem+json (client-errors.ts).
 */
export function keepIdleConnections(server: Server): Server {
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  server.headersTimeout = IDLE_CONNECTION_MS + 1_000;
  return answerClientErrors(server);
}
