/**
 * A tiny `$filter` builder. Filters are values of a class only this module can construct,
 * so a raw string, and therefore a trainee's name typed into a search box, can never reach
 * a Graph query without going through the literal escaping below.
 *
 * ```ts
 * and(eq('Status', 'open'), startsWith('TraineeName', userText), lt('NextReview', dateTimeValue(now)))
 * ```
 */

/** Item properties Graph can filter on directly; everything else is a column under `fields/`. */
export const ITEM_PROPERTIES = ['id', 'createdDateTime', 'lastModifiedDateTime'] as const;
export type ItemProperty = (typeof ITEM_PROPERTIES)[number];

const COLUMN_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Internal column names go into query strings verbatim, so only plain identifiers pass. */
export function assertColumnName(name: string): string {
  if (!COLUMN_NAME_PATTERN.test(name)) throw new TypeError(`Not a column internal name: ${JSON.stringify(name)}`);
  return name;
}

/** A reference to something filterable: a list column (`fields/X`) or an item property. */
export class FilterTarget {
  private constructor(
    readonly path: string,
    /** Column name when this is a list column; indexes matter only for those. */
    readonly column: string | undefined,
  ) {}

  static column(name: string): FilterTarget {
    return new FilterTarget(`fields/${assertColumnName(name)}`, name);
  }

  static property(name: ItemProperty): FilterTarget {
    if (!(ITEM_PROPERTIES as readonly string[]).includes(name))
      throw new TypeError(`Not a filterable item property: ${name}`);
    return new FilterTarget(name, undefined);
  }
}

/** Dates are rendered by us, never by a caller's toString(). */
export class ODataDate {
  private constructor(readonly literal: string) {}

  /** An instant, sent as UTC ISO 8601 without milliseconds (the form SharePoint returns). */
  static instant(value: Date | string): ODataDate {
    const date = typeof value === 'string' ? new Date(value) : value;
    if (Number.isNaN(date.getTime())) throw new TypeError(`Not a valid date-time: ${String(value)}`);
    return new ODataDate(date.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }

  /**
   * A calendar date (`YYYY-MM-DD`) for dateOnly columns. SharePoint resolves it in the site's
   * time zone, which is exactly how it stores such columns.
   */
  static dateOnly(value: string): ODataDate {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const date = match === null ? undefined : new Date(`${value}T00:00:00Z`);
    if (date === undefined || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      throw new TypeError(`Not a calendar date (YYYY-MM-DD): ${value}`);
    }
    return new ODataDate(value);
  }
}

export type FilterValue = string | number | boolean | ODataDate;

/** Only this module holds it, so only the builders below can construct a filter. */
const BUILDER = Symbol('odata-filter-builder');

export class ODataFilter {
  constructor(
    token: typeof BUILDER,
    /** The `$filter` text, with every literal already escaped. */
    readonly expression: string,
    /** Columns the filter touches, so callers can check them against the indexed ones. */
    readonly columns: readonly string[],
    /** Top-level operator, to decide where parentheses are needed when combining. */
    readonly precedence: 'atom' | 'and' | 'or',
  ) {
    if (token !== BUILDER) throw new TypeError('Build filters with eq/ne/lt/le/gt/ge/startsWith/and/or');
  }

  toString(): string {
    return this.expression;
  }
}

function operand(filter: ODataFilter, parent: 'and' | 'or'): string {
  const needsParens = filter.precedence !== 'atom' && filter.precedence !== parent;
  return needsParens ? `(${filter.expression})` : filter.expression;
}

/** OData string literal: single quotes, an embedded `'` doubled. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function formatLiteral(value: FilterValue): string {
  if (value instanceof ODataDate) return quoteString(value.literal);
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new TypeError(`Cannot filter on a non-finite number: ${value}`);
  // Integers and plain decimals only: String(1e21) gives "1e+21", which is not an OData literal.
  const text = String(value);
  if (/e/i.test(text)) throw new TypeError(`Number out of range for a filter: ${text}`);
  return text;
}

type Target = string | FilterTarget;

function toTarget(target: Target): FilterTarget {
  return typeof target === 'string' ? FilterTarget.column(target) : target;
}

function comparison(
  operator: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge',
  target: Target,
  value: FilterValue,
): ODataFilter {
  const resolved = toTarget(target);
  const columns = resolved.column === undefined ? [] : [resolved.column];
  return new ODataFilter(BUILDER, `${resolved.path} ${operator} ${formatLiteral(value)}`, columns, 'atom');
}

/** A list column by internal name; plain strings passed to the comparisons mean the same. */
export const column = (name: string): FilterTarget => FilterTarget.column(name);
export const itemProperty = (name: ItemProperty): FilterTarget => FilterTarget.property(name);
export const dateTimeValue = (value: Date | string): ODataDate => ODataDate.instant(value);
export const dateOnlyValue = (value: string): ODataDate => ODataDate.dateOnly(value);

export const eq = (target: Target, value: FilterValue): ODataFilter => comparison('eq', target, value);
export const ne = (target: Target, value: FilterValue): ODataFilter => comparison('ne', target, value);
export const lt = (target: Target, value: FilterValue): ODataFilter => comparison('lt', target, value);
export const le = (target: Target, value: FilterValue): ODataFilter => comparison('le', target, value);
export const gt = (target: Target, value: FilterValue): ODataFilter => comparison('gt', target, value);
export const ge = (target: Target, value: FilterValue): ODataFilter => comparison('ge', target, value);

export function startsWith(target: Target, prefix: string): ODataFilter {
  const resolved = toTarget(target);
  const columns = resolved.column === undefined ? [] : [resolved.column];
  return new ODataFilter(BUILDER, `startswith(${resolved.path},${quoteString(prefix)})`, columns, 'atom');
}

function combine(operator: 'and' | 'or', filters: readonly ODataFilter[]): ODataFilter {
  const [first, ...rest] = filters;
  if (first === undefined) throw new TypeError(`${operator}() needs at least one filter`);
  if (rest.length === 0) return first;
  const expression = filters.map((filter) => operand(filter, operator)).join(` ${operator} `);
  const columns = [...new Set(filters.flatMap((filter) => filter.columns))];
  return new ODataFilter(BUILDER, expression, columns, operator);
}

export const and = (...filters: readonly ODataFilter[]): ODataFilter => combine('and', filters);
export const or = (...filters: readonly ODataFilter[]): ODataFilter => combine('or', filters);

export interface OrderBy {
  readonly column: string;
  readonly direction?: 'asc' | 'desc';
}

export function formatOrderBy(orderBy: readonly OrderBy[]): string {
  return orderBy
    .map(({ column: name, direction }) => `${FilterTarget.column(name).path}${direction === 'desc' ? ' desc' : ''}`)
    .join(',');
}
