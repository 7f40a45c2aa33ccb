import { z } from 'zod';
import { GraphStoreError } from './errors.js';

/**
 * Declarative SharePoint list shapes. A schema is plain data so the provisioner can diff
 * it against what a site already has, and so the same definition documents the columns a
 * course team sees when it opens the list in Microsoft Lists.
 */
export const COLUMN_KINDS = ['text', 'note', 'number', 'boolean', 'dateTime', 'choice'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

/** SharePoint refuses more indexed columns than this on one list. */
export const MAX_INDEXED_COLUMNS_PER_LIST = 20;
/** Single-line text columns hold at most this many characters. */
export const MAX_TEXT_LENGTH = 255;
/** SharePoint truncates longer internal names, which would break our column lookups. */
const MAX_COLUMN_NAME_LENGTH = 32;
const COLUMN_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Names SharePoint already uses on every list item. Declaring one would either fail or, worse,
 * silently bind to the system field. `Title` is the exception: it is a real text column that
 * a schema may reuse, and provisioning then only checks it.
 */
const RESERVED_COLUMN_NAMES = new Set(
  [
    'ID',
    'Id',
    'ContentType',
    'ContentTypeId',
    'Created',
    'Modified',
    'Author',
    'Editor',
    'Attachments',
    'Edit',
    'LinkTitle',
    'LinkTitleNoMenu',
    'ItemChildCount',
    'FolderChildCount',
    'AppAuthor',
    'AppEditor',
    'FileLeafRef',
    'FileRef',
    'GUID',
    'Version',
    '_UIVersionString',
  ].map((name) => name.toLowerCase()),
);

interface ColumnCommon<K extends ColumnKind> {
  readonly kind: K;
  /** Internal name: what Graph reads and writes in `fields`. Never shown outside src/store. */
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly required?: boolean;
}

interface IndexOptions {
  /** Needed for any column used in $filter or $orderby once a list passes 5,000 items. */
  readonly indexed?: boolean;
}

interface UniqueOptions extends IndexOptions {
  /** Unique (case-insensitive) across the list; SharePoint requires `indexed: true` too. */
  readonly enforceUniqueValues?: boolean;
}

export interface TextColumn extends ColumnCommon<'text'>, UniqueOptions {
  readonly maxLength?: number;
}

/** Multi-line plain text: cannot be indexed, filtered or made unique. */
export type NoteColumn = ColumnCommon<'note'>;

export interface NumberColumn extends ColumnCommon<'number'>, UniqueOptions {
  readonly decimalPlaces?: 'automatic' | 'none' | 'one' | 'two' | 'three' | 'four' | 'five';
  readonly minimum?: number;
  readonly maximum?: number;
}

/** Yes/No: indexable, but SharePoint does not allow it to be unique. */
export interface BooleanColumn extends ColumnCommon<'boolean'>, IndexOptions {}

export interface DateTimeColumn extends ColumnCommon<'dateTime'>, UniqueOptions {
  /** `dateOnly` for calendar dates (review due on), `dateTime` for instants (signed at). */
  readonly format: 'dateOnly' | 'dateTime';
}

export interface ChoiceColumn extends ColumnCommon<'choice'>, UniqueOptions {
  readonly choices: readonly [string, ...string[]];
  readonly allowTextEntry?: boolean;
}

export type ColumnSchema = TextColumn | NoteColumn | NumberColumn | BooleanColumn | DateTimeColumn | ChoiceColumn;

export interface ListSchema {
  /** Lists are found by display name: Graph gives a list's `name` from its URL, not ours. */
  readonly displayName: string;
  readonly description?: string;
  readonly columns: readonly ColumnSchema[];
}

/** Returns the schema unchanged after checking it, so a bad definition fails at load time. */
export function defineListSchema<const S extends ListSchema>(schema: S): S {
  assertValidListSchema(schema);
  return schema;
}

export function isIndexed(column: ColumnSchema): boolean {
  return column.kind !== 'note' && column.indexed === true;
}

export function isUnique(column: ColumnSchema): boolean {
  return column.kind !== 'note' && column.kind !== 'boolean' && column.enforceUniqueValues === true;
}

export function assertValidListSchema(schema: ListSchema): void {
  const fail = (detail: string): never => {
    throw new GraphStoreError('bad_request', `List schema "${schema.displayName}": ${detail}`);
  };
  if (schema.displayName.trim() === '') fail('displayName is empty');
  const seen = new Set<string>();
  for (const column of schema.columns) {
    if (!COLUMN_NAME_PATTERN.test(column.name) || column.name.length > MAX_COLUMN_NAME_LENGTH) {
      fail(
        `column name "${column.name}" must be a letter then letters, digits or _ (at most ${MAX_COLUMN_NAME_LENGTH})`,
      );
    }
    if (RESERVED_COLUMN_NAMES.has(column.name.toLowerCase()))
      fail(`column name "${column.name}" is a SharePoint system field`);
    // SharePoint internal names compare case-insensitively.
    const key = column.name.toLowerCase();
    if (seen.has(key)) fail(`column "${column.name}" is declared twice`);
    seen.add(key);
    assertValidColumn(column, fail);
  }
  const indexed = schema.columns.filter(isIndexed).length;
  if (indexed > MAX_INDEXED_COLUMNS_PER_LIST) {
    fail(`${indexed} indexed columns declared; SharePoint allows at most ${MAX_INDEXED_COLUMNS_PER_LIST} per list`);
  }
}

function assertValidColumn(column: ColumnSchema, fail: (detail: string) => never): void {
  switch (column.kind) {
    case 'note':
      return;
    case 'boolean':
      return;
    case 'text':
      if (
        column.maxLength !== undefined &&
        !(Number.isInteger(column.maxLength) && column.maxLength >= 1 && column.maxLength <= MAX_TEXT_LENGTH)
      ) {
        fail(`column "${column.name}" maxLength must be 1..${MAX_TEXT_LENGTH}`);
      }
      break;
    case 'number':
      if (column.minimum !== undefined && column.maximum !== undefined && column.minimum > column.maximum) {
        fail(`column "${column.name}" minimum is above maximum`);
      }
      break;
    case 'dateTime':
      break;
    case 'choice':
      if (new Set(column.choices).size !== column.choices.length) fail(`column "${column.name}" repeats a choice`);
      if (column.choices.some((choice) => choice.trim() === '')) fail(`column "${column.name}" has an empty choice`);
      break;
  }
  // SharePoint: "The field must first be indexed to enforce unique values."
  if (column.enforceUniqueValues === true && column.indexed !== true) {
    fail(`column "${column.name}" is unique but not indexed; SharePoint requires both`);
  }
}

/** Body for `POST /sites/{site}/lists/{list}/columns`. */
export function toColumnDefinition(column: ColumnSchema): Record<string, unknown> {
  const common: Record<string, unknown> = {
    name: column.name,
    displayName: column.displayName ?? column.name,
    required: column.required ?? false,
    indexed: isIndexed(column),
    enforceUniqueValues: isUnique(column),
  };
  if (column.description !== undefined) common.description = column.description;
  switch (column.kind) {
    case 'text':
      return { ...common, text: { allowMultipleLines: false, maxLength: column.maxLength ?? MAX_TEXT_LENGTH } };
    case 'note':
      return {
        ...common,
        text: { allowMultipleLines: true, textType: 'plain', linesForEditing: 6, appendChangesToExistingText: false },
      };
    case 'number':
      return {
        ...common,
        number: {
          decimalPlaces: column.decimalPlaces ?? 'automatic',
          displayAs: 'number',
          ...(column.minimum === undefined ? {} : { minimum: column.minimum }),
          ...(column.maximum === undefined ? {} : { maximum: column.maximum }),
        },
      };
    case 'boolean':
      return { ...common, boolean: {} };
    case 'dateTime':
      return { ...common, dateTime: { format: column.format, displayAs: 'standard' } };
    case 'choice':
      return {
        ...common,
        choice: {
          allowTextEntry: column.allowTextEntry ?? false,
          choices: [...column.choices],
          displayAs: 'dropDownMenu',
        },
      };
  }
}

/** Body for `POST /sites/{site}/lists` (columns are added one by one afterwards). */
export function toListDefinition(schema: ListSchema): Record<string, unknown> {
  return {
    displayName: schema.displayName,
    ...(schema.description === undefined ? {} : { description: schema.description }),
    list: { template: 'genericList' },
  };
}

/** The part of a Graph columnDefinition we compare against; other facets are ignored. */
export const existingColumnSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  displayName: z.string().optional(),
  indexed: z.boolean().optional(),
  enforceUniqueValues: z.boolean().optional(),
  hidden: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  text: z.object({ allowMultipleLines: z.boolean().optional() }).loose().optional(),
  number: z.object({}).loose().optional(),
  boolean: z.object({}).loose().optional(),
  dateTime: z.object({ format: z.string().optional() }).loose().optional(),
  choice: z.object({ allowMultipleValues: z.boolean().optional() }).loose().optional(),
});
export type ExistingColumn = z.infer<typeof existingColumnSchema>;

/** What kind of column Graph says this is; `other` for kinds a schema cannot declare (lookup, person…). */
export function existingColumnKind(column: ExistingColumn): ColumnKind | 'other' {
  if (column.text !== undefined) return column.text.allowMultipleLines === true ? 'note' : 'text';
  if (column.number !== undefined) return 'number';
  if (column.boolean !== undefined) return 'boolean';
  if (column.dateTime !== undefined) return 'dateTime';
  if (column.choice !== undefined) return column.choice.allowMultipleValues === true ? 'other' : 'choice';
  return 'other';
}

/** Differences that matter to Trellis between a declared column and the one on the site. */
export function describeColumnDifferences(declared: ColumnSchema, existing: ExistingColumn): string[] {
  const differences: string[] = [];
  const kind = existingColumnKind(existing);
  if (kind !== declared.kind) differences.push(`type is ${kind}, schema says ${declared.kind}`);
  if (
    declared.kind === 'dateTime' &&
    existing.dateTime?.format !== undefined &&
    existing.dateTime.format !== declared.format
  ) {
    differences.push(`date format is ${existing.dateTime.format}, schema says ${declared.format}`);
  }
  // A missing index makes our filters fail past 5,000 items; a missing unique constraint
  // breaks idempotent creates. Both are worth a human's attention, neither is auto-fixed.
  if (isIndexed(declared) && existing.indexed !== true) differences.push('not indexed, schema says indexed');
  if (isUnique(declared) && existing.enforceUniqueValues !== true) differences.push('not unique, schema says unique');
  return differences;
}
