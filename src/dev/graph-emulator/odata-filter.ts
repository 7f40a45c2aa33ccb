/**
 * OData `$filter` subset that Graph accepts on list items (item 17): eq ne lt gt le ge,
 * startswith(), and/or/not, parentheses, string literals with '' escaping, numbers,
 * booleans, null and unquoted ISO date-times. Values are resolved through a callback so the
 * same parser serves list items, lists and Teams app installations.
 */

export const COMPARISON_OPS = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export type Literal =
  | { readonly k: 'lit'; readonly type: 'string'; readonly value: string }
  | { readonly k: 'lit'; readonly type: 'number'; readonly value: number }
  | { readonly k: 'lit'; readonly type: 'boolean'; readonly value: boolean }
  | { readonly k: 'lit'; readonly type: 'null'; readonly value: null }
  | { readonly k: 'lit'; readonly type: 'datetime'; readonly value: string };

export interface PropRef {
  readonly k: 'prop';
  readonly path: string;
}

export type Operand = Literal | PropRef;

export type FilterExpr =
  | { readonly k: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly k: 'not'; readonly expr: FilterExpr }
  | { readonly k: 'cmp'; readonly op: ComparisonOp; readonly left: Operand; readonly right: Operand }
  | { readonly k: 'startswith'; readonly target: Operand; readonly prefix: Operand };

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

type Token =
  | { readonly t: 'lparen' | 'rparen' | 'comma'; readonly pos: number }
  | { readonly t: 'word'; readonly text: string; readonly pos: number }
  | { readonly t: 'string'; readonly text: string; readonly pos: number }
  | { readonly t: 'number'; readonly value: number; readonly pos: number }
  | { readonly t: 'datetime'; readonly text: string; readonly pos: number };

const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_$@][\w$@./]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ t: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', pos: i });
      i += 1;
      continue;
    }
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new FilterSyntaxError(`Unterminated string literal at position ${i}.`);
        const c = text[j];
        if (c === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += c ?? '';
        j += 1;
      }
      tokens.push({ t: 'string', text: value, pos: i });
      i = j + 1;
      continue;
    }
    const rest = text.slice(i);
    const dt = DATETIME.exec(rest);
    if (dt !== null) {
      tokens.push({ t: 'datetime', text: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num !== null) {
      tokens.push({ t: 'number', value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word !== null) {
      tokens.push({ t: 'word', text: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    throw new FilterSyntaxError(`Syntax error at position ${i} in '${text}'.`);
  }
  return tokens;
}

const isComparisonOp = (word: string): word is ComparisonOp =>
  (COMPARISON_OPS as readonly string[]).includes(word.toLowerCase());

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): FilterExpr {
    const expr = this.parseOr();
    const extra = this.tokens[this.i];
    if (extra !== undefined) this.fail(extra.pos);
    return expr;
  }

  private fail(pos?: number): never {
    throw new FilterSyntaxError(
      pos === undefined
        ? `Syntax error: unexpected end of '${this.source}'.`
        : `Syntax error at position ${pos} in '${this.source}'.`,
    );
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.i];
    return token?.t === 'word' ? token.text.toLowerCase() : undefined;
  }

  private expect(t: 'lparen' | 'rparen' | 'comma'): void {
    const token = this.tokens[this.i];
    if (token?.t !== t) this.fail(token?.pos);
    this.i += 1;
  }

  private parseOr(): FilterExpr {
    let left = this.parseAnd();
    while (this.peekWord() === 'or') {
      this.i += 1;
      left = { k: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parseUnary();
    while (this.peekWord() === 'and') {
      this.i += 1;
      left = { k: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterExpr {
    if (this.peekWord() === 'not') {
      this.i += 1;
      return { k: 'not', expr: this.parseUnary() };
    }
    const token = this.tokens[this.i];
    if (token?.t === 'lparen') {
      this.i += 1;
      const inner = this.parseOr();
      this.expect('rparen');
      return inner;
    }
    if (token?.t === 'word' && this.tokens[this.i + 1]?.t === 'lparen') {
      const name = token.text.toLowerCase();
      if (name !== 'startswith') {
        throw new FilterSyntaxError(`Unsupported function '${token.text}' in filter.`);
      }
      this.i += 2;
      const target = this.parseOperand();
      this.expect('comma');
      const prefix = this.parseOperand();
      this.expect('rparen');
      // `startswith(x,'a') eq true` is also valid OData.
      if (this.peekWord() === 'eq' || this.peekWord() === 'ne') {
        const negate = this.peekWord() === 'ne';
        this.i += 1;
        const rhs = this.parseOperand();
        if (rhs.k !== 'lit' || rhs.type !== 'boolean') this.fail(this.tokens[this.i - 1]?.pos);
        const base: FilterExpr = { k: 'startswith', target, prefix };
        return rhs.value !== negate ? base : { k: 'not', expr: base };
      }
      return { k: 'startswith', target, prefix };
    }
    const left = this.parseOperand();
    const op = this.peekWord();
    if (op === undefined || !isComparisonOp(op)) this.fail(this.tokens[this.i]?.pos);
    this.i += 1;
    const right = this.parseOperand();
    return { k: 'cmp', op, left, right };
  }

  private parseOperand(): Operand {
    const token = this.tokens[this.i];
    if (token === undefined) this.fail();
    this.i += 1;
    switch (token.t) {
      case 'string':
        return { k: 'lit', type: 'string', value: token.text };
      case 'number':
        return { k: 'lit', type: 'number', value: token.value };
      case 'datetime':
        return { k: 'lit', type: 'datetime', value: token.text };
      case 'word': {
        const lower = token.text.toLowerCase();
        if (lower === 'true' || lower === 'false') return { k: 'lit', type: 'boolean', value: lower === 'true' };
        if (lower === 'null') return { k: 'lit', type: 'null', value: null };
        if (['and', 'or', 'not', ...COMPARISON_OPS].includes(lower)) this.fail(token.pos);
        return { k: 'prop', path: token.text };
      }
      case 'lparen':
      case 'rparen':
      case 'comma':
        return this.fail(token.pos);
    }
  }
}

export function parseFilter(text: string): FilterExpr {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new FilterSyntaxError('The filter is empty.');
  return new Parser(tokens, text).parse();
}

/** Every property path the filter reads, in source order. */
export function filterProps(expr: FilterExpr): string[] {
  const out: string[] = [];
  const visitOperand = (o: Operand): void => {
    if (o.k === 'prop') out.push(o.path);
  };
  const visit = (e: FilterExpr): void => {
    switch (e.k) {
      case 'and':
      case 'or':
        visit(e.left);
        visit(e.right);
        return;
      case 'not':
        visit(e.expr);
        return;
      case 'cmp':
        visitOperand(e.left);
        visitOperand(e.right);
        return;
      case 'startswith':
        visitOperand(e.target);
        visitOperand(e.prefix);
        return;
    }
  };
  visit(expr);
  return out;
}

/** Top-level `and` conjuncts, left to right (the "first predicate" SharePoint plans with). */
export function conjuncts(expr: FilterExpr): FilterExpr[] {
  return expr.k === 'and' ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}

/** How a resolved property compares: the column type decides the coercion of literals. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'datetime';

export interface ResolvedValue {
  readonly kind: ValueKind;
  /** `undefined` = empty/missing (SharePoint has no separate null); arrays = multi-value. */
  readonly value: string | number | boolean | readonly (string | number)[] | undefined;
}

export type PropResolver = (path: string) => ResolvedValue;

type Scalar = string | number | boolean;

function coerce(kind: ValueKind, value: Scalar | null): Scalar | undefined {
  if (value === null) return undefined;
  switch (kind) {
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number(value.trim());
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === '1' || value === 'true') return true;
      if (value === 0 || value === '0' || value === 'false') return false;
      return undefined;
    case 'datetime': {
      const ms = typeof value === 'number' ? value : Date.parse(String(value));
      return Number.isFinite(ms) ? ms : undefined;
    }
    case 'string':
      // SharePoint compares text case-insensitively.
      return String(value).toLowerCase();
  }
}

function compareScalars(op: ComparisonOp, a: Scalar | undefined, b: Scalar | undefined): boolean {
  if (a === undefined || b === undefined) {
    if (op === 'eq') return a === b;
    if (op === 'ne') return a !== b;
    return false;
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'lt':
      return a < b;
    case 'gt':
      return a > b;
    case 'le':
      return a <= b;
    case 'ge':
      return a >= b;
  }
}

const FLIP: Record<ComparisonOp, ComparisonOp> = { eq: 'eq', ne: 'ne', lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' };

function literalScalar(l: Literal): Scalar | null {
  return l.value;
}

/** The single value of a resolved property; multi-value properties have none. */
function scalarOf(v: ResolvedValue): Scalar | undefined {
  return typeof v.value === 'object' ? undefined : v.value;
}

function compare(op: ComparisonOp, prop: ResolvedValue, lit: Literal): boolean {
  const right = coerce(prop.kind, literalScalar(lit));
  const { value } = prop;
  if (typeof value === 'object') {
    // Multi-value columns: `eq` means "contains".
    const hits = value.some((v) => compareScalars(op === 'ne' ? 'eq' : op, coerce(prop.kind, v), right));
    return op === 'ne' ? !hits : hits;
  }
  const left = value === undefined ? undefined : coerce(prop.kind, value);
  return compareScalars(op, left, right);
}

export function evaluateFilter(expr: FilterExpr, resolve: PropResolver): boolean {
  switch (expr.k) {
    case 'and':
      return evaluateFilter(expr.left, resolve) && evaluateFilter(expr.right, resolve);
    case 'or':
      return evaluateFilter(expr.left, resolve) || evaluateFilter(expr.right, resolve);
    case 'not':
      return !evaluateFilter(expr.expr, resolve);
    case 'cmp': {
      const { left, right } = expr;
      if (left.k === 'prop' && right.k === 'lit') return compare(expr.op, resolve(left.path), right);
      if (left.k === 'lit' && right.k === 'prop') return compare(FLIP[expr.op], resolve(right.path), left);
      if (left.k === 'prop' && right.k === 'prop') {
        const a = resolve(left.path);
        const b = resolve(right.path);
        const av = coerce(a.kind, scalarOf(a) ?? null);
        const bv = coerce(a.kind, scalarOf(b) ?? null);
        return compareScalars(expr.op, av, bv);
      }
      throw new FilterSyntaxError('A comparison needs at least one property.');
    }
    case 'startswith': {
      if (expr.target.k !== 'prop' || expr.prefix.k !== 'lit') {
        throw new FilterSyntaxError('startswith expects (property, literal).');
      }
      const target = resolve(expr.target.path);
      const prefix = expr.prefix.value;
      if (prefix === null) return false;
      const p = String(prefix).toLowerCase();
      const values = typeof target.value === 'object' ? target.value : target.value === undefined ? [] : [target.value];
      return values.some((v) => String(v).toLowerCase().startsWith(p));
    }
  }
}
