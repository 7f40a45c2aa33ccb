import { currentRequestId } from './request-context.js';

/** The server's logger port: structured lines, so a host (App Service, Container Apps) can query them. */
export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/*
 * Logs carry ids, never personal data. Call sites log case ids, codes and counts; what they cannot
 * vouch for (an error's message, a Graph answer, a line from the Teams SDK) passes through
 * `scrubLogText` on its way out: email addresses and sign-in names (also percent-encoded, as a
 * request's path carries them) become "[address]", and
 * anything quoted (where Graph and the SDK echo a value they were given) becomes "[text]". Every
 * logger Trellis writes with is wrapped by `privateLogger`, so a careless field cannot reach the
 * host's log store with a person's address in it.
 */
// `@` as it is, or percent-encoded as a URL carries it (a route such as /api/people/{upn}/export).
// No `/` in the part before it (sign-in names never have one), so a path keeps its other segments.
const ADDRESS = /[\w.!#$%&'*+=?^`{|}~-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+/gi;
const QUOTED = /"[^"\n]*"|“[^”\n]*”|‘[^’\n]*’|(?<!\w)'[^'\n]+'(?!\w)/g;
const MAX_TEXT = 500;
const MAX_DEPTH = 4;

/** One line of text fit for a log: addresses and quoted values masked, cut to a bounded length. */
export function scrubLogText(text: string): string {
  const masked = text.replace(ADDRESS, '[address]').replace(QUOTED, '[text]');
  return masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT)}…` : masked;
}

/** A log field with every string in it scrubbed; errors keep their name and scrubbed message. */
function scrubLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubLogText(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (value instanceof Error) return `${value.name}: ${scrubLogText(value.message)}`;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[object]';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => scrubLogValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubLogValue(item, depth + 1);
  return out;
}

function scrubFields(
  fields: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> | undefined {
  // Inside a request (or bot activity) every line carries its id, which a person can quote.
  const requestId = currentRequestId();
  if (fields === undefined) return requestId === undefined ? undefined : { requestId };
  const out: Record<string, unknown> = requestId === undefined ? {} : { requestId };
  for (const [key, value] of Object.entries(fields)) out[key] = scrubLogValue(value, 1);
  return out;
}

/** Wraps a logger so that every message and field is scrubbed before it is written. */
export function privateLogger(inner: Logger): Logger {
  return {
    info: (message, fields) => {
      inner.info(scrubLogText(message), scrubFields(fields));
    },
    warn: (message, fields) => {
      inner.warn(scrubLogText(message), scrubFields(fields));
    },
    error: (message, fields) => {
      inner.error(scrubLogText(message), scrubFields(fields));
    },
  };
}

function line(level: string, message: string, fields: Readonly<Record<string, unknown>> | undefined): string {
  return `${JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })}\n`;
}

/** JSON lines on stderr (or `write`), scrubbed: the logger a host collects. */
export function jsonLogger(write: (text: string) => void = (text) => process.stderr.write(text)): Logger {
  return privateLogger({
    info: (message, fields) => {
      write(line('info', message, fields));
    },
    warn: (message, fields) => {
      write(line('warn', message, fields));
    },
    error: (message, fields) => {
      write(line('error', message, fields));
    },
  });
}

/** Keeps lines in memory: for tests that assert something was (or was not) logged. */
export function memoryLogger(): Logger & {
  readonly lines: { level: string; message: string; fields?: Readonly<Record<string, unknown>> }[];
} {
  const lines: { level: string; message: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  const push = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, message, ...(fields === undefined ? {} : { fields }) });
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
