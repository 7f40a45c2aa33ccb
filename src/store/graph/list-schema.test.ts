import { describe, expect, it } from 'vitest';
import { GraphStoreError } from './errors.js';
import {
  assertValidListSchema,
  defineListSchema,
  describeColumnDifferences,
  existingColumnKind,
  existingColumnSchema,
  MAX_INDEXED_COLUMNS_PER_LIST,
  toColumnDefinition,
} from './list-schema.js';
import type { ColumnSchema, ListSchema } from './list-schema.js';

const schemaWith = (columns: readonly ColumnSchema[]): ListSchema => ({ displayName: 'Cases', columns });

function schemaError(schema: ListSchema): GraphStoreError {
  try {
    assertValidListSchema(schema);
  } catch (error) {
    if (error instanceof GraphStoreError) return error;
    throw error;
  }
  throw new Error('expected the schema to be rejected');
}

describe('list schema → columnDefinition', () => {
  it.each<[ColumnSchema, Record<string, unknown>]>([
    [
      { kind: 'text', name: 'CaseKey', indexed: true, enforceUniqueValues: true, required: true },
      {
        name: 'CaseKey',
        displayName: 'CaseKey',
        required: true,
        indexed: true,
        enforceUniqueValues: true,
        text: { allowMultipleLines: false, maxLength: 255 },
      },
    ],
    [
      { kind: 'note', name: 'Concern', displayName: 'Concern statement', description: 'Why' },
      {
        name: 'Concern',
        displayName: 'Concern statement',
        description: 'Why',
        required: false,
        indexed: false,
        enforceUniqueValues: false,
        text: { allowMultipleLines: true, textType: 'plain', linesForEditing: 6, appendChangesToExistingText: false },
      },
    ],
    [
      { kind: 'number', name: 'Targets', minimum: 0, maximum: 3, decimalPlaces: 'none' },
      {
        name: 'Targets',
        displayName: 'Targets',
        required: false,
        indexed: false,
        enforceUniqueValues: false,
        number: { decimalPlaces: 'none', displayAs: 'number', minimum: 0, maximum: 3 },
      },
    ],
    [
      { kind: 'boolean', name: 'Paused', indexed: true },
      {
        name: 'Paused',
        displayName: 'Paused',
        required: false,
        indexed: true,
        enforceUniqueValues: false,
        boolean: {},
      },
    ],
    [
      { kind: 'dateTime', name: 'NextReview', format: 'dateOnly', indexed: true },
      {
        name: 'NextReview',
        displayName: 'NextReview',
        required: false,
        indexed: true,
        enforceUniqueValues: false,
        dateTime: { format: 'dateOnly', displayAs: 'standard' },
      },
    ],
    [
      { kind: 'choice', name: 'Status', choices: ['open', 'closed'], indexed: true },
      {
        name: 'Status',
        displayName: 'Status',
        required: false,
        indexed: true,
        enforceUniqueValues: false,
        choice: { allowTextEntry: false, choices: ['open', 'closed'], displayAs: 'dropDownMenu' },
      },
    ],
  ])('maps %o', (column, expected) => {
    expect(toColumnDefinition(column)).toEqual(expected);
  });

  it('reads the kind back from what Graph returns', () => {
    const cases: [unknown, string][] = [
      [{ name: 'a', text: { allowMultipleLines: false } }, 'text'],
      [{ name: 'a', text: { allowMultipleLines: true } }, 'note'],
      [{ name: 'a', number: {} }, 'number'],
      [{ name: 'a', boolean: {} }, 'boolean'],
      [{ name: 'a', dateTime: { format: 'dateTime' } }, 'dateTime'],
      [{ name: 'a', choice: { choices: [] } }, 'choice'],
      [{ name: 'a', choice: { allowMultipleValues: true } }, 'other'],
      [{ name: 'a', lookup: {} }, 'other'],
    ];
    for (const [column, kind] of cases) {
      expect(existingColumnKind(existingColumnSchema.parse(column))).toBe(kind);
    }
  });

  it('describes type, format, index and uniqueness differences', () => {
    expect(
      describeColumnDifferences(
        { kind: 'choice', name: 'Status', choices: ['a'], indexed: true },
        { name: 'Status', text: {}, indexed: false },
      ),
    ).toEqual(['type is text, schema says choice', 'not indexed, schema says indexed']);
    expect(
      describeColumnDifferences(
        { kind: 'dateTime', name: 'Due', format: 'dateOnly', indexed: true, enforceUniqueValues: true },
        { name: 'Due', dateTime: { format: 'dateTime' }, indexed: true },
      ),
    ).toEqual(['date format is dateTime, schema says dateOnly', 'not unique, schema says unique']);
    expect(
      describeColumnDifferences({ kind: 'text', name: 'Title' }, { name: 'Title', text: {}, indexed: true }),
    ).toEqual([]);
  });
});

describe('list schema validation', () => {
  it('accepts a sensible schema and returns it unchanged', () => {
    const schema = defineListSchema({
      displayName: 'Cases',
      columns: [
        { kind: 'text', name: 'Title' },
        { kind: 'text', name: 'CaseKey', indexed: true, enforceUniqueValues: true },
      ],
    });
    expect(schema.columns[1].name).toBe('CaseKey');
  });

  it.each<[string, ListSchema]>([
    ['unique without index', schemaWith([{ kind: 'text', name: 'Key', enforceUniqueValues: true }])],
    [
      'duplicate names (case-insensitive)',
      schemaWith([
        { kind: 'text', name: 'Key' },
        { kind: 'number', name: 'key' },
      ]),
    ],
    ['system field', schemaWith([{ kind: 'text', name: 'Modified' }])],
    ['bad internal name', schemaWith([{ kind: 'text', name: 'Case Key' }])],
    ['too long a name', schemaWith([{ kind: 'text', name: 'A'.repeat(33) }])],
    ['text too long', schemaWith([{ kind: 'text', name: 'Key', maxLength: 256 }])],
    ['repeated choice', schemaWith([{ kind: 'choice', name: 'S', choices: ['a', 'a'] }])],
    ['inverted number range', schemaWith([{ kind: 'number', name: 'N', minimum: 3, maximum: 1 }])],
    ['empty display name', { displayName: ' ', columns: [] }],
  ])('rejects %s', (_label, schema) => {
    expect(schemaError(schema).code).toBe('bad_request');
  });

  it(`rejects more than ${MAX_INDEXED_COLUMNS_PER_LIST} indexed columns before any Graph call`, () => {
    const columns: ColumnSchema[] = Array.from({ length: MAX_INDEXED_COLUMNS_PER_LIST + 1 }, (_, index) => ({
      kind: 'number',
      name: `N${index}`,
      indexed: true,
    }));
    const error = schemaError(schemaWith(columns));
    expect(error.message).toContain('21 indexed columns');
    expect(() => {
      assertValidListSchema(schemaWith(columns.slice(0, MAX_INDEXED_COLUMNS_PER_LIST)));
    }).not.toThrow();
  });
});
