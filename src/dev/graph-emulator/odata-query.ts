/** Parsing of the OData query options Graph accepts with `$` or without (`expand=fields(select=A)`). */
import { invalidRequest } from './errors.js';
import type { QueryParam } from './http-types.js';

const SYSTEM_OPTIONS = new Set([
  'select',
  'expand',
  'filter',
  'orderby',
  'top',
  'skip',
  'skiptoken',
  'count',
  'search',
  'format',
]);

function decodeComponent(text: string): string {
  try {
    // `+` means space in a query string (as ASP.NET, and so Graph, decodes it).
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest(`Invalid percent-encoding in query string '${text}'.`);
  }
}

/** Splits a raw query string (no leading `?`) without losing the client's key spelling. */
export function parseQueryString(raw: string): QueryParam[] {
  if (raw === '') return [];
  const params: QueryParam[] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
    const lower = rawKey.toLowerCase();
    const bare = lower.startsWith('$') ? lower.slice(1) : lower;
    const key = SYSTEM_OPTIONS.has(bare) ? `$${bare}` : lower;
    params.push({ rawKey, key, value });
  }
  return params;
}

/** Percent-encodes, but leaves the OData punctuation Graph's own links show literally (`$expand=fields(select=A,B)`). */
function encodeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/%(24|28|29|2C|2F|27|3A)/gi, (_m, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** Re-encodes params for an absolute nextLink/deltaLink; `&`, `=`, `+` and spaces stay escaped so the SDK's naive split is safe. */
export function buildQueryString(params: readonly { rawKey: string; value: string }[]): string {
  if (params.length === 0) return '';
  return `?${params.map((p) => `${encodeQueryPart(p.rawKey)}=${encodeQueryPart(p.value)}`).join('&')}`;
}

/** Splits on commas that are not inside parentheses. */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw invalidRequest(`Unbalanced parentheses in '${text}'.`);
  }
  if (depth !== 0) throw invalidRequest(`Unbalanced parentheses in '${text}'.`);
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export interface ExpandSpec {
  readonly name: string;
  /** Undefined = all default properties. */
  readonly select?: readonly string[];
}

/** `fields`, `fields(select=A,B)`, `fields($select=A,B)`, `teamsApp`, `columns`. */
export function parseExpand(text: string | undefined): ExpandSpec[] {
  if (text === undefined || text.trim() === '') return [];
  return splitTopLevel(text).map((part) => {
    const open = part.indexOf('(');
    if (open === -1) return { name: part };
    if (!part.endsWith(')')) throw invalidRequest(`Invalid $expand clause '${part}'.`);
    const name = part.slice(0, open).trim();
    let select: string[] | undefined;
    for (const option of splitTopLevel(part.slice(open + 1, -1), ';')) {
      const eq = option.indexOf('=');
      const key = option
        .slice(0, eq === -1 ? option.length : eq)
        .trim()
        .toLowerCase()
        .replace(/^\$/, '');
      if (eq === -1 || key !== 'select') throw invalidRequest(`Unsupported option '${option}' in $expand.`);
      select = parseSelect(option.slice(eq + 1));
    }
    return select === undefined ? { name } : { name, select };
  });
}

export function parseSelect(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.length === 0 ? undefined : names;
}

export interface OrderKey {
  readonly path: string;
  readonly desc: boolean;
}

export function parseOrderBy(text: string | undefined): OrderKey[] {
  if (text === undefined || text.trim() === '') return [];
  return splitTopLevel(text).map((part) => {
    const words = part.split(/\s+/);
    const [path, direction, ...rest] = words;
    if (path === undefined || rest.length > 0) throw invalidRequest(`Invalid $orderby clause '${part}'.`);
    const dir = direction?.toLowerCase();
    if (dir !== undefined && dir !== 'asc' && dir !== 'desc')
      throw invalidRequest(`Invalid $orderby direction '${direction ?? ''}'.`);
    return { path, desc: dir === 'desc' };
  });
}

/** Item 20: default 200, larger values silently capped at 5000. */
export function parseTop(text: string | undefined, fallback = 200, max = 5000): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) throw invalidRequest(`Invalid value '${text}' for $top.`);
  const n = Number(text.trim());
  if (n < 1) throw invalidRequest(`Invalid value '${text}' for $top.`);
  return Math.min(n, max);
}
