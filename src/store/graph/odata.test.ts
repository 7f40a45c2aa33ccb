import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  and,
  column,
  dateOnlyValue,
  dateTimeValue,
  eq,
  formatOrderBy,
  ge,
  gt,
  itemProperty,
  le,
  lt,
  ne,
  ODataFilter,
  or,
  quoteString,
  startsWith,
} from './odata.js';

/** Reads one OData string literal back, the way a server tokenizer does. */
function unquote(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const inner = literal.slice(1, -1);
  // Every quote inside must come in pairs, or the literal would end early.
  expect(inner.replaceAll("''", '')).not.toContain("'");
  return inner.replaceAll("''", "'");
}

describe('odata filter builder', () => {
  it.each([
    [eq('Status', 'open'), "fields/Status eq 'open'"],
    [ne('Status', 'closed'), "fields/Status ne 'closed'"],
    [lt('Count', 3), 'fields/Count lt 3'],
    [le('Count', -2.5), 'fields/Count le -2.5'],
    [gt('Active', true), 'fields/Active gt true'],
    [
      ge(itemProperty('lastModifiedDateTime'), dateTimeValue('2026-03-01T10:00:00.123+01:00')),
      "lastModifiedDateTime ge '2026-03-01T09:00:00Z'",
    ],
    [eq('Due', dateOnlyValue('2026-12-31')), "fields/Due eq '2026-12-31'"],
    [startsWith('Name', "O'Brien"), "startswith(fields/Name,'O''Brien')"],
    [eq(column('Key'), "a' or 1 eq 1 or 'x"), "fields/Key eq 'a'' or 1 eq 1 or ''x'"],
  ])('renders %s', (filter, expected) => {
    expect(filter.expression).toBe(expected);
  });

  it('parenthesises or inside and, and flattens same-operator chains', () => {
    const filter = and(eq('A', 1), or(eq('B', 'x'), eq('C', 'y')), and(eq('D', true), eq('E', false)));
    expect(filter.expression).toBe(
      "fields/A eq 1 and (fields/B eq 'x' or fields/C eq 'y') and fields/D eq true and fields/E eq false",
    );
    expect(filter.columns).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('records only list columns, not item properties', () => {
    expect(and(eq('A', 1), gt(itemProperty('id'), 3)).columns).toEqual(['A']);
  });

  it('refuses column names that could carry query syntax', () => {
    for (const name of ['', 'a b', 'x/y', "a'", 'a)', '1abc', 'fields/A']) {
      expect(() => eq(name, 1)).toThrow(TypeError);
    }
  });

  it('refuses values that have no OData literal', () => {
    expect(() => eq('A', Number.NaN)).toThrow(TypeError);
    expect(() => eq('A', Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => eq('A', 1e21)).toThrow(TypeError);
    expect(() => dateTimeValue('not a date')).toThrow(TypeError);
    expect(() => dateOnlyValue('2026-02-30')).toThrow(TypeError);
    expect(() => dateOnlyValue('2026-1-3')).toThrow(TypeError);
  });

  it('cannot be constructed from a raw string', () => {
    // The constructor is public only for TypeScript's sake; the token keeps it closed.
    const forge = ODataFilter as unknown as new (token: symbol, text: string) => ODataFilter;
    expect(() => new forge(Symbol('odata-filter-builder'), '1 eq 1')).toThrow(TypeError);
  });

  it('quotes any text so that it reads back unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expect(unquote(quoteString(text))).toBe(text);
        const rendered = eq('Name', text).expression;
        expect(rendered.startsWith('fields/Name eq ')).toBe(true);
        expect(unquote(rendered.slice('fields/Name eq '.length))).toBe(text);
      }),
    );
  });

  it('renders order by with directions', () => {
    expect(formatOrderBy([{ column: 'Due' }, { column: 'Key', direction: 'desc' }])).toBe('fields/Due,fields/Key desc');
    expect(() => formatOrderBy([{ column: 'Due desc' }])).toThrow(TypeError);
  });
});
