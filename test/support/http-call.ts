import { openApiCheckerFor } from './openapi-check.js';

/**
 * A client's request to a Trellis server, on its own so that a test which only talks to a server
 * (the reliability suite's crash scenario, whose Trellis runs in a child process) does not load
 * the app itself. test/server/harness.ts re-exports it with the in-process test server.
 */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience: bodies are asserted field by field
  readonly body: any;
}

export interface RequestOptions {
  readonly token?: string | undefined;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One request that never throws on an HTTP status: JSON bodies parsed, anything else left as
 * text. Every API answer is checked against the server's own OpenAPI document
 * (test/support/openapi-check.ts); one that does not match fails the test that received it.
 */
export async function call(
  baseUrl: string,
  method: string,
  route: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  const send = (): Promise<Response> =>
    fetch(`${baseUrl}${route}`, { method, headers, ...(body === undefined ? {} : { body }) });
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    // A kept-alive connection the server closed as this request went out (a busy machine widens
    // that race): a read is sent again on a fresh connection; a write is not, it may have landed.
    if (method !== 'GET' || !isConnectionReset(error)) throw error;
    response = await send();
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined) {
    const checker = await openApiCheckerFor(baseUrl);
    const drift = checker.check(method, route, response.status, response.headers.get('content-type') ?? '', parsed);
    if (drift !== undefined) throw new Error(`The answer is not what the OpenAPI document says: ${drift}`);
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

function isConnectionReset(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET';
}
