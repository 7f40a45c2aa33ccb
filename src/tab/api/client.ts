/**
 * The tab's only way out: fetch to the REST API with a bearer token. Errors come back as
 * problem+json (RFC 9457) and leave here as an ApiError whose `message` is a sentence a person
 * can act on. Writes carry the ETag of the case as last read (If-Match); a 412 becomes a
 * ConflictError holding the case as it is now, so the form can show what changed.
 */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  readonly current?: unknown;
  /** On 409 case_already_open: the trainee's open case under the procedure. */
  readonly openCase?: { readonly id: string; readonly reference: string };
}

export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problem: Problem | undefined,
  ) {
    super(message);
  }
}

export class ConflictError<T = unknown> extends ApiError {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    problem: Problem,
    readonly current: Versioned<T> | undefined,
  ) {
    super(412, 'precondition_failed', message, problem);
  }
}

export interface Versioned<T> {
  readonly data: T;
  readonly etag: string;
}

export type TokenSource = () => Promise<string | undefined>;

export interface ApiClient {
  /** `signal` cancels the request (a search superseded by newer typing); it then rejects with code `aborted`. */
  get<T>(path: string, options?: { readonly signal?: AbortSignal }): Promise<T>;
  getVersioned<T>(path: string): Promise<Versioned<T>>;
  /** `ifMatch` is the case's ETag; only opening a case (nothing to match yet) leaves it out. */
  send<T>(
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    options: { readonly ifMatch: string | undefined },
  ): Promise<Versioned<T>>;
  /** DELETE of a versioned resource (a roster row): `ifMatch` is the version it was read at. */
  remove(path: string, options: { readonly ifMatch: string }): Promise<void>;
  /** A POST that answers something other than a case (starting a job, a retry): no version to match or keep. */
  post<T>(path: string, body?: unknown): Promise<T>;
  /** A file (the form as PDF): the bytes and the name the server suggests. */
  download(path: string, accept: string): Promise<Download>;
}

export interface Download {
  readonly blob: Blob;
  readonly filename: string | undefined;
}

/** The file name from Content-Disposition (RFC 6266: filename*=UTF-8'' first, then filename=). */
export function filenameOf(disposition: string | null): string | undefined {
  if (disposition === null) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim();
}

const FALLBACK_SENTENCES: Readonly<Record<number, string>> = {
  401: 'Your sign-in has expired or is missing. Sign in again and retry.',
  403: 'You are not allowed to do this. Ask the course team if you think you should be.',
  404: 'That could not be found. Check the link, or ask the course team for access.',
  412: 'Someone else changed this case first. Look at the case as it is now, then try again.',
  429: 'Trellis is busy. Wait a moment and try again.',
  503: 'Trellis is busy. Wait a moment and try again; nothing was lost.',
};

/** A plain sentence for any problem: the server's detail when it sent one, otherwise ours. */
export function sentenceFor(status: number, problem: Problem | undefined): string {
  const detail = problem?.detail?.trim();
  if (detail) return detail;
  return (
    FALLBACK_SENTENCES[status] ??
    (status >= 500
      ? 'Trellis could not complete this request. Try again; if it keeps happening, tell your Trellis administrator.'
      : 'The request could not be completed. Check what you entered and try again.')
  );
}

const NETWORK_SENTENCE = 'Trellis could not be reached. Check your connection and try again.';
const ABORTED_SENTENCE = 'The request was cancelled.';

async function problemOf(response: Response): Promise<Problem | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return (await response.json()) as Problem;
  } catch {
    return undefined;
  }
}

export function createApiClient(options: {
  readonly baseUrl?: string;
  readonly token: TokenSource;
  readonly fetch?: typeof fetch;
}): ApiClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const token = await options.token();
    const all: Record<string, string> = { accept: 'application/json', ...headers };
    if (token !== undefined) all.authorization = `Bearer ${token}`;
    if (body !== undefined) all['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: all,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch {
      if (signal?.aborted === true) throw new ApiError(0, 'aborted', ABORTED_SENTENCE, undefined);
      throw new ApiError(0, 'network', NETWORK_SENTENCE, undefined);
    }
    if (response.ok) return response;
    const problem = await problemOf(response);
    const message = sentenceFor(response.status, problem);
    if (response.status === 412) {
      const etag = response.headers.get('etag');
      const current = problem?.current !== undefined && etag !== null ? { data: problem.current, etag } : undefined;
      throw new ConflictError(message, problem ?? {}, current);
    }
    throw new ApiError(response.status, problem?.code ?? `http_${response.status}`, message, problem);
  }

  async function versioned<T>(response: Response): Promise<Versioned<T>> {
    const etag = response.headers.get('etag');
    if (etag === null)
      throw new ApiError(
        response.status,
        'missing_etag',
        'Trellis sent the case without its version. Reload the page and try again.',
        undefined,
      );
    return { data: (await response.json()) as T, etag };
  }

  return {
    async get<T>(path: string, opts?: { readonly signal?: AbortSignal }): Promise<T> {
      return (await (await call('GET', path, undefined, {}, opts?.signal)).json()) as T;
    },
    async getVersioned<T>(path: string): Promise<Versioned<T>> {
      return versioned<T>(await call('GET', path, undefined, {}));
    },
    async send<T>(
      method: 'POST' | 'PUT',
      path: string,
      body: unknown,
      opts: { readonly ifMatch: string | undefined },
    ): Promise<Versioned<T>> {
      return versioned<T>(
        await call(method, path, body, opts.ifMatch === undefined ? {} : { 'if-match': opts.ifMatch }),
      );
    },
    async remove(path: string, opts: { readonly ifMatch: string }): Promise<void> {
      await call('DELETE', path, undefined, { 'if-match': opts.ifMatch });
    },
    async post<T>(path: string, body?: unknown): Promise<T> {
      return (await (await call('POST', path, body, {})).json()) as T;
    },
    async download(path: string, accept: string): Promise<Download> {
      const response = await call('GET', path, undefined, { accept });
      return { blob: await response.blob(), filename: filenameOf(response.headers.get('content-disposition')) };
    },
  };
}
