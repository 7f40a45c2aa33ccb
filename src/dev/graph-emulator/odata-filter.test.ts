import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFilter, filterProps, FilterSyntaxError, parseFilter } from './odata-filter.js';
import type { ResolvedValue } from './odata-filter.js';
import { parseExpand, parseOrderBy, parseQueryString } from './odata-query.js';

const row =
  (values: Record<string, ResolvedValue>) =>
  (path: string): ResolvedValue =>
    values[path] ?? { kind: 'string', value: undefined };

describe('odata filter parser', () => {
  it('round-trips any string literal through quote doubling', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const expr = parseFilter(`fields/Name eq '${s.replace(/'/g, "''")}'`);
        return evaluateFilter(expr, row({ 'fields/Name': { kind: 'string', value: s } }));
      }),
    );
  });

  it('binds and tighter than or, honours parentheses and not', () => {
    const r = row({
      a: { kind: 'number', value: 1 },
      b: { kind: 'number', value: 2 },
      c: { kind: 'number', value: 3 },
    });
    expect(evaluateFilter(parseFilter('a eq 1 or b eq 9 and c eq 9'), r)).toBe(true);
    expect(evaluateFilter(parseFilter('(a eq 1 or b eq 9) and c eq 9'), r)).toBe(false);
    expect(evaluateFilter(parseFilter('not (a eq 2)'), r)).toBe(true);
    expect(evaluateFilter(parseFilter('1 eq a'), r)).toBe(true);
    expect(evaluateFilter(parseFilter('3 gt b'), r)).toBe(true);
  });

  it('coerces literals by the column kind: dates, booleans, numbers as strings; case-insensitive text', () => {
    const r = row({
      d: { kind: 'datetime', value: '2026-06-01T10:00:00Z' },
      f: { kind: 'boolean', value: true },
      n: { kind: 'number', value: 12 },
      s: { kind: 'string', value: 'Hello' },
      m: { kind: 'string', value: ['a', 'B'] },
      e: { kind: 'string', value: undefined },
    });
    expect(evaluateFilter(parseFilter('d gt 2026-06-01T09:00:00Z'), r)).toBe(true);
    expect(evaluateFilter(parseFilter("d lt '2026-06-01T09:00:00+00:00'"), r)).toBe(false);
    expect(evaluateFilter(parseFilter('f eq true and f eq 1'), r)).toBe(true);
    expect(evaluateFilter(parseFilter("n eq '12'"), r)).toBe(true);
    expect(evaluateFilter(parseFilter("s eq 'hello' and startswith(s,'HE')"), r)).toBe(true);
    expect(evaluateFilter(parseFilter("m eq 'b'"), r)).toBe(true);
    expect(evaluateFilter(parseFilter('e eq null and s ne null'), r)).toBe(true);
    expect(evaluateFilter(parseFilter("startswith(s,'x') eq false"), r)).toBe(true);
  });

  it('reports the properties a filter reads', () => {
    expect(filterProps(parseFilter("fields/A eq 1 and (startswith(fields/B,'x') or id gt 3)"))).toEqual([
      'fields/A',
      'fields/B',
      'id',
    ]);
  });

  it('rejects malformed input with FilterSyntaxError', () => {
    for (const bad of ["a eq 'x", 'a eq', 'eq 1', '(a eq 1', 'a eq 1)', 'a foo 1', 'contains(a,1)', '']) {
      expect(() => parseFilter(bad)).toThrow(FilterSyntaxError);
    }
  });
});

describe('query options', () => {
  it('normalises $-less keys, decodes values and keeps the client spelling', () => {
    const q = parseQueryString("expand=fields(select=A,B)&%24filter=fields%2FA%20eq%20'x'&$top=5&token=latest&a+b=c+d");
    expect(q.map((p) => p.key)).toEqual(['$expand', '$filter', '$top', 'token', 'a b']);
    expect(q[0]?.rawKey).toBe('expand');
    expect(q[1]?.value).toBe("fields/A eq 'x'");
    expect(q[4]?.value).toBe('c d');
  });

  it('parses expand with select in both spellings, and orderby lists', () => {
    expect(parseExpand('fields(select=A,B)')).toEqual([{ name: 'fields', select: ['A', 'B'] }]);
    expect(parseExpand('fields($select=A),columns')).toEqual([{ name: 'fields', select: ['A'] }, { name: 'columns' }]);
    expect(parseOrderBy('fields/A desc, id')).toEqual([
      { path: 'fields/A', desc: true },
      { path: 'id', desc: false },
    ]);
  });
});
