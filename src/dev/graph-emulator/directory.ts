/**
 * The directory: `/users`. Enough of Entra ID for Trellis's people search and for local mode
 * to seed its demo people through Graph like everything else:
 *  - `POST /users` (create user): accountEnabled, displayName, mailNickname, userPrincipalName
 *    and passwordProfile required; a sign-in name already taken is 400 (Graph's ObjectConflict);
 *  - `GET /users` with `$search` (an advanced query: only with `ConsistencyLevel: eventual`),
 *    `$filter`, `$select`, `$top` (1..999, default 100), `$count`;
 *  - `GET /users/{id | userPrincipalName}`, else 404 Request_ResourceNotFound.
 *
 * `$search` follows Graph's documented rules for directory objects: `"property:text"` clauses
 * joined by AND / OR (upper case; AND binds tighter) and parentheses, `\"` and `\\` escaped
 * inside a clause. displayName is matched by words: names and text are split into words on
 * spaces, symbols, letter/digit changes and lower-to-upper case changes (`HelloWorld`), words
 * split only by symbols are also joined (`O'Neill` → o, neill, oneill), and every word of the
 * text must start some word of the name, in any order, ignoring case. Other properties match
 * by "starts with", as Graph does for properties without tokenised search.
 */
import { z } from 'zod';
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError } from './errors.js';
import { jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import { evaluateFilter, FilterSyntaxError, parseFilter } from './odata-filter.js';
import type { FilterExpr, ResolvedValue } from './odata-filter.js';
import { parseSelect } from './odata-query.js';
import type { UserRecord } from './records.js';

/** Graph's bounds for `$top` on directory objects, and its default page. */
const MAX_TOP = 999;
const DEFAULT_TOP = 100;

const unsupportedQuery = (message: string): GraphHttpError =>
  new GraphHttpError(400, 'Request_UnsupportedQuery', message);
const badRequest = (message: string): GraphHttpError => new GraphHttpError(400, 'Request_BadRequest', message);

/** Graph's answer to `$search` without the header (observed, and reported against the Graph Toolkit). */
export const SEARCH_NEEDS_CONSISTENCY_MESSAGE =
  "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'";

// ---- the user as Graph shows it ---------------------------------------------------------

type UserProperty =
  Exclude<keyof UserRecord, 'id'> | 'id' | 'businessPhones' | 'mobilePhone' | 'officeLocation' | 'preferredLanguage';

/** What `GET /users` returns without `$select` (Graph's default set). */
const DEFAULT_PROPERTIES: readonly UserProperty[] = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

/** Every property `$select` may name here. */
const SELECTABLE: readonly UserProperty[] = [
  ...DEFAULT_PROPERTIES,
  'accountEnabled',
  'mailNickname',
  'department',
  'createdDateTime',
];

function propertyOf(name: string): UserProperty | undefined {
  return SELECTABLE.find((p) => p.toLowerCase() === name.toLowerCase());
}

function valueOf(user: UserRecord, property: UserProperty): unknown {
  // Properties Trellis never sets: Graph shows them empty.
  if (property === 'businessPhones') return [];
  if (property === 'mobilePhone' || property === 'officeLocation' || property === 'preferredLanguage') return null;
  return user[property];
}

function render(user: UserRecord, properties: readonly UserProperty[]): Record<string, unknown> {
  return Object.fromEntries(properties.map((p) => [p, valueOf(user, p)]));
}

function selectedProperties(req: EmuRequest): readonly UserProperty[] | undefined {
  const names = parseSelect(queryValue(req, '$select'));
  if (names === undefined) return undefined;
  return names.map((name) => {
    const property = propertyOf(name);
    if (property === undefined)
      throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
    return property;
  });
}

/** A user by object id or sign-in name (both case-insensitive), as `/users/{id | upn}` addresses them. */
export function findUser(ctx: Pick<HandlerContext, 'state'>, idOrUpn: string): UserRecord | undefined {
  const key = idOrUpn.toLowerCase();
  const byId = ctx.state.users.get(idOrUpn);
  if (byId !== undefined) return byId;
  for (const user of ctx.state.users.values()) {
    if (user.id.toLowerCase() === key || user.userPrincipalName.toLowerCase() === key) return user;
  }
  return undefined;
}

// ---- create ------------------------------------------------------------------------------

const requiredText = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();

const createUserSchema = z.looseObject({
  accountEnabled: z.boolean(),
  displayName: requiredText(256),
  mailNickname: z.string().regex(/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}$/),
  userPrincipalName: z.string().regex(/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}@[A-Za-z0-9.-]{1,255}$/),
  passwordProfile: z.looseObject({
    password: z.string().min(1),
    forceChangePasswordNextSignIn: z.boolean().optional(),
  }),
  givenName: optionalText(64),
  surname: optionalText(64),
  mail: z.union([z.email().max(256), z.null()]).optional(),
  jobTitle: optionalText(128),
  department: optionalText(64),
});

const REQUIRED = ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile'] as const;

function createUser(ctx: HandlerContext, req: EmuRequest): UserRecord {
  const parsed = createUserSchema.safeParse(req.body);
  if (!parsed.success) {
    // Graph names the first property it could not accept.
    const first = parsed.error.issues[0]?.path[0];
    const property =
      typeof first === 'string'
        ? first
        : (REQUIRED.find((name) => !(typeof req.body === 'object' && req.body !== null && name in req.body)) ?? 'body');
    throw badRequest(`Invalid value specified for property '${property}' of resource 'User'.`);
  }
  const body = parsed.data;
  const upn = body.userPrincipalName;
  if (findUser(ctx, upn) !== undefined)
    throw badRequest('Another object with the same value for property userPrincipalName already exists.');
  const blank = (value: string | null | undefined): string | null =>
    value === undefined || value === null || value === '' ? null : value;
  return {
    id: ctx.newGuid(),
    accountEnabled: body.accountEnabled,
    displayName: body.displayName,
    mailNickname: body.mailNickname,
    userPrincipalName: upn,
    givenName: blank(body.givenName),
    surname: blank(body.surname),
    mail: blank(body.mail),
    jobTitle: blank(body.jobTitle),
    department: blank(body.department),
    createdDateTime: `${new Date(ctx.now()).toISOString().slice(0, 19)}Z`,
  };
}

// ---- $search -----------------------------------------------------------------------------

export type SearchExpr =
  | { readonly k: 'clause'; readonly property: string; readonly text: string }
  | { readonly k: 'and' | 'or'; readonly left: SearchExpr; readonly right: SearchExpr };

/** Parses a `$search` value; throws Graph's 400 on anything it does not accept. */
export function parseSearch(source: string): SearchExpr {
  let at = 0;
  const fail = (what: string): never => {
    throw unsupportedQuery(`Syntax error: ${what} at position ${at} in $search.`);
  };
  const skipSpaces = (): void => {
    while (at < source.length && /\s/.test(source.charAt(at))) at += 1;
  };
  const keyword = (word: 'AND' | 'OR'): boolean => {
    skipSpaces();
    if (
      source.startsWith(word, at) &&
      (at + word.length === source.length || /[\s("]/.test(source.charAt(at + word.length)))
    ) {
      at += word.length;
      return true;
    }
    return false;
  };
  const clause = (): SearchExpr => {
    at += 1; // the opening quote
    let content = '';
    for (;;) {
      if (at >= source.length) fail('a clause is not closed with "');
      const ch = source.charAt(at);
      if (ch === '"') break;
      if (ch === '\\') {
        const next = source.charAt(at + 1);
        if (next !== '"' && next !== '\\') fail('only \\" and \\\\ may be escaped');
        content += next;
        at += 2;
        continue;
      }
      content += ch;
      at += 1;
    }
    at += 1; // the closing quote
    const colon = content.indexOf(':');
    if (colon <= 0)
      throw unsupportedQuery(`Invalid $search clause "${content}": name the property, as in "displayName:text".`);
    return { k: 'clause', property: content.slice(0, colon).trim(), text: content.slice(colon + 1) };
  };
  const primary = (): SearchExpr => {
    skipSpaces();
    const ch = source.charAt(at);
    if (ch === '"') return clause();
    if (ch === '(') {
      at += 1;
      const inner = or();
      skipSpaces();
      if (source.charAt(at) !== ')') fail('expected )');
      at += 1;
      return inner;
    }
    return fail(at >= source.length ? 'the expression ends early' : `character '${ch}' is not valid`);
  };
  const and = (): SearchExpr => {
    let left = primary();
    while (keyword('AND')) left = { k: 'and', left, right: primary() };
    return left;
  };
  const or = (): SearchExpr => {
    let left = and();
    while (keyword('OR')) left = { k: 'or', left, right: and() };
    return left;
  };
  const expr = or();
  skipSpaces();
  if (at < source.length) fail(`character '${source.charAt(at)}' is not valid`);
  return expr;
}

/**
 * The words Graph indexes for a displayName (and splits search text into): runs of letters or
 * digits, split where letters turn to digits or back and where a lower-case letter is followed
 * by an upper-case one; words split only by symbols also count joined. Lower case.
 */
export function searchWords(value: string): string[] {
  const words = new Set<string>();
  for (const chunk of value.normalize('NFC').split(/\s+/u)) {
    let word = '';
    let previous: 'letter' | 'digit' | 'symbol' | undefined;
    let previousLower = false;
    let hasSymbol = false;
    for (const ch of chunk) {
      const kind = /[\p{L}\p{M}]/u.test(ch) ? 'letter' : /\p{N}/u.test(ch) ? 'digit' : 'symbol';
      // Only a lower-to-upper change splits a word: `HelloWorld` is two, `HELLOworld` one.
      const boundary = kind !== previous || (kind === 'letter' && previousLower && /\p{Lu}/u.test(ch));
      if (boundary && word !== '') {
        words.add(word.toLowerCase());
        word = '';
      }
      if (kind === 'symbol') hasSymbol = true;
      else word += ch;
      previous = kind;
      previousLower = /\p{Ll}/u.test(ch);
    }
    if (word !== '') words.add(word.toLowerCase());
    const joined = chunk.replace(/[^\p{L}\p{M}\p{N}]+/gu, '');
    if (hasSymbol && joined !== '') words.add(joined.toLowerCase());
  }
  return [...words];
}

const TOKENISED = new Set(['displayname']);
const STARTS_WITH: ReadonlySet<string> = new Set([
  'mail',
  'userprincipalname',
  'givenname',
  'surname',
  'mailnickname',
  'jobtitle',
  'department',
]);

function matchesClause(user: UserRecord, property: string, searched: string): boolean {
  const key = property.toLowerCase();
  if (TOKENISED.has(key)) {
    const wanted = searchWords(searched);
    if (wanted.length === 0) return false;
    const have = searchWords(user.displayName);
    return wanted.every((word) => have.some((h) => h.startsWith(word)));
  }
  const name = propertyOf(property);
  const value = name === undefined ? undefined : valueOf(user, name);
  const prefix = searched.trim().toLowerCase();
  return typeof value === 'string' && prefix !== '' && value.toLowerCase().startsWith(prefix);
}

function assertSearchable(expr: SearchExpr): void {
  if (expr.k === 'clause') {
    const key = expr.property.toLowerCase();
    if (!TOKENISED.has(key) && !STARTS_WITH.has(key))
      throw unsupportedQuery(`Property '${expr.property}' is not supported in $search on users.`);
    return;
  }
  assertSearchable(expr.left);
  assertSearchable(expr.right);
}

export function evaluateSearch(expr: SearchExpr, user: UserRecord): boolean {
  switch (expr.k) {
    case 'clause':
      return matchesClause(user, expr.property, expr.text);
    case 'and':
      return evaluateSearch(expr.left, user) && evaluateSearch(expr.right, user);
    case 'or':
      return evaluateSearch(expr.left, user) || evaluateSearch(expr.right, user);
  }
}

// ---- list --------------------------------------------------------------------------------

function resolveFilterProperty(user: UserRecord, path: string): ResolvedValue {
  const property = propertyOf(path);
  if (property === undefined || property === 'businessPhones')
    throw badRequest(`Property '${path}' is not supported in a filter on users.`);
  const value = valueOf(user, property);
  if (property === 'accountEnabled') return { kind: 'boolean', value: typeof value === 'boolean' ? value : undefined };
  return { kind: 'string', value: typeof value === 'string' ? value : undefined };
}

function parseUserFilter(req: EmuRequest): FilterExpr | undefined {
  const source = queryValue(req, '$filter');
  if (source === undefined) return undefined;
  try {
    return parseFilter(source);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw badRequest(e.message);
    throw e;
  }
}

function parseUserTop(req: EmuRequest): number {
  const raw = queryValue(req, '$top');
  if (raw === undefined) return DEFAULT_TOP;
  const n = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP)
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_TOP} inclusive.`);
  return n;
}

function listUsers(ctx: HandlerContext, req: EmuRequest): Record<string, unknown> {
  const searchSource = queryValue(req, '$search');
  let search: SearchExpr | undefined;
  if (searchSource !== undefined) {
    if ((req.headers.consistencylevel ?? '').trim().toLowerCase() !== 'eventual')
      throw unsupportedQuery(SEARCH_NEEDS_CONSISTENCY_MESSAGE);
    search = parseSearch(searchSource);
    assertSearchable(search);
  }
  const filter = parseUserFilter(req);
  const top = parseUserTop(req);
  const select = selectedProperties(req);
  const count = queryValue(req, '$count');
  if (count !== undefined && !['true', 'false'].includes(count.toLowerCase()))
    throw badRequest(`Invalid value '${count}' for $count.`);
  let matching = [...ctx.state.users.values()];
  try {
    matching = matching.filter(
      (user) =>
        (search === undefined || evaluateSearch(search, user)) &&
        (filter === undefined || evaluateFilter(filter, (path) => resolveFilterProperty(user, path))),
    );
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw badRequest(e.message);
    throw e;
  }
  const context = select === undefined ? 'users' : `users(${select.join(',')})`;
  return {
    '@odata.context': `${ctx.graphBase}/$metadata#${context}`,
    ...(count?.toLowerCase() === 'true' ? { '@odata.count': matching.length } : {}),
    value: matching.slice(0, top).map((user) => render(user, select ?? DEFAULT_PROPERTIES)),
  };
}

function getUser(ctx: HandlerContext, req: EmuRequest, idOrUpn: string): Record<string, unknown> {
  const user = findUser(ctx, idOrUpn);
  if (user === undefined) {
    throw new GraphHttpError(
      404,
      'Request_ResourceNotFound',
      `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  const select = selectedProperties(req);
  return {
    '@odata.context': `${ctx.graphBase}/$metadata#users/$entity`,
    ...render(user, select ?? DEFAULT_PROPERTIES),
  };
}

export const directoryRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: 'users',
    kind: 'users',
    handler: (ctx, req) => {
      const user = createUser(ctx, req);
      ctx.commit({ t: 'userPut', user });
      return jsonResponse(201, {
        '@odata.context': `${ctx.graphBase}/$metadata#users/$entity`,
        ...render(user, DEFAULT_PROPERTIES),
      });
    },
  },
  { method: 'GET', pattern: 'users', kind: 'users', handler: (ctx, req) => jsonResponse(200, listUsers(ctx, req)) },
  {
    method: 'GET',
    pattern: 'users/:user',
    kind: 'user',
    handler: (ctx, req, p) => jsonResponse(200, getUser(ctx, req, p.user ?? '')),
  },
];
