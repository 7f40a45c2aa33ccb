/**
 * Column definitions (items 6–8) and field-value rules (items 10, 11, 16): what a column
 * accepts, how a written value is coerced and stored, and how `$filter`/`$orderby`
 * resolve `fields/X` (with the indexed flag that item 18 checks).
 */
import { z } from 'zod';
import { GraphHttpError, invalidRequest } from './errors.js';
import { isoSeconds, isRecord } from './json.js';
import type { JsonObject } from './json.js';
import type { ColumnRecord, ColumnType, FieldValue, ItemRecord, ListMeta } from './records.js';
import type { ResolvedValue } from './odata-filter.js';
import { dateInZone, wallTimeToUtcMs } from './time-zones.js';

export const MAX_INDEXED_COLUMNS = 20;
const MAX_DOUBLE = 1.7976931348623157e308;

/** Fields SharePoint maintains itself; writing them is refused. */
export const SYSTEM_FIELD_NAMES = [
  'id',
  'ID',
  'ContentType',
  'Created',
  'Modified',
  'Author',
  'Editor',
  'AuthorLookupId',
  'EditorLookupId',
  'AppAuthor',
  'AppEditor',
  'AppAuthorLookupId',
  'AppEditorLookupId',
  '_UIVersionString',
  'Attachments',
  'Edit',
  'LinkTitle',
  'LinkTitleNoMenu',
  'ItemChildCount',
  'FolderChildCount',
  '_ComplianceFlags',
  '_ComplianceTag',
  '_ComplianceTagWrittenTime',
  '_ComplianceTagUserId',
] as const;
const SYSTEM_FIELDS = new Set<string>(SYSTEM_FIELD_NAMES);

const facetSchema = z.record(z.string(), z.unknown());

const columnBodySchema = z.looseObject({
  name: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().optional(),
  columnGroup: z.string().optional(),
  enforceUniqueValues: z.boolean().optional(),
  hidden: z.boolean().optional(),
  indexed: z.boolean().optional(),
  required: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  text: facetSchema.optional(),
  number: facetSchema.optional(),
  currency: facetSchema.optional(),
  boolean: facetSchema.optional(),
  dateTime: facetSchema.optional(),
  choice: facetSchema.optional(),
  personOrGroup: facetSchema.optional(),
  lookup: facetSchema.optional(),
});

const columnPatchSchema = z.looseObject({
  displayName: z.string().optional(),
  description: z.string().optional(),
  enforceUniqueValues: z.boolean().optional(),
  hidden: z.boolean().optional(),
  indexed: z.boolean().optional(),
  required: z.boolean().optional(),
});

export function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'Invalid request body.';
  const where = issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
  return `Invalid request body${where}: ${issue.message}`;
}

const DEFAULT_FACETS: Readonly<Record<ColumnType, JsonObject>> = {
  text: { allowMultipleLines: false, appendChangesToExistingText: false, linesForEditing: 0, maxLength: 255 },
  number: { decimalPlaces: 'automatic', displayAs: 'number', maximum: MAX_DOUBLE, minimum: -MAX_DOUBLE },
  currency: { locale: 'en-GB' },
  boolean: {},
  dateTime: { displayAs: 'default', format: 'dateTime' },
  choice: { allowTextEntry: false, choices: [], displayAs: 'dropDownMenu' },
  personOrGroup: { allowMultipleSelection: false, chooseFromType: 'peopleOnly', displayAs: 'account' },
  lookup: { allowMultipleValues: false, allowUnlimitedLength: false },
};

const facetBool = (col: ColumnRecord, key: string): boolean => col.facet[key] === true;

/** Multi-line text ("note"). */
export const isNote = (col: ColumnRecord): boolean => col.type === 'text' && facetBool(col, 'allowMultipleLines');

export function isMultiValue(col: ColumnRecord): boolean {
  switch (col.type) {
    case 'choice':
      return col.facet.displayAs === 'checkBoxes';
    case 'personOrGroup':
      return facetBool(col, 'allowMultipleSelection');
    case 'lookup':
      return facetBool(col, 'allowMultipleValues');
    case 'text':
    case 'number':
    case 'currency':
    case 'boolean':
    case 'dateTime':
      return false;
  }
}

const isLookupLike = (col: ColumnRecord): boolean => col.type === 'personOrGroup' || col.type === 'lookup';

function validateIndexing(meta: ListMeta, col: ColumnRecord, others: readonly ColumnRecord[]): void {
  // Item 8: the exact text SharePoint gives; unique needs an index first.
  if (col.enforceUniqueValues && !col.indexed)
    throw invalidRequest('The field must first be indexed to enforce unique values.');
  const unindexable = isMultiValue(col) || isNote(col);
  if (col.enforceUniqueValues && (unindexable || col.type === 'boolean')) {
    throw invalidRequest(`The column '${col.name}' cannot enforce unique values: its type does not support it.`);
  }
  if (col.indexed && unindexable) {
    throw invalidRequest(
      `The column '${col.name}' cannot be indexed: multi-value and multi-line columns are not indexable.`,
    );
  }
  if (col.indexed && others.filter((c) => c.indexed).length >= MAX_INDEXED_COLUMNS) {
    // Item 7: the 20-index cap.
    throw invalidRequest(
      `Cannot create an index on column '${col.name}': the list '${meta.displayName}' already has the maximum of ${MAX_INDEXED_COLUMNS} indexed columns.`,
    );
  }
}

const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ColumnContext {
  readonly newGuid: () => string;
  /** Resolves a lookup target list in the same site. */
  readonly findList: (idOrName: string) => ListMeta | undefined;
}

/** Builds a validated column from a `POST …/columns` (or inline list create) body. */
export function createColumn(meta: ListMeta, body: unknown, ctx: ColumnContext): ColumnRecord {
  const parsed = columnBodySchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
  const b = parsed.data;
  if (b.name.trim() !== b.name || !COLUMN_NAME.test(b.name))
    throw invalidRequest(`The column name '${b.name}' is not valid.`);
  if (SYSTEM_FIELDS.has(b.name) || meta.columns.some((c) => c.name.toLowerCase() === b.name.toLowerCase())) {
    throw new GraphHttpError(409, 'nameAlreadyExists', `A duplicate field name "${b.name}" was found.`);
  }
  const facets = (
    ['text', 'number', 'currency', 'boolean', 'dateTime', 'choice', 'personOrGroup', 'lookup'] as const
  ).filter((t) => b[t] !== undefined);
  const type = facets[0];
  if (type === undefined || facets.length > 1)
    throw invalidRequest('A column must have exactly one type facet (text, number, choice, ...).');
  const facet: JsonObject = { ...DEFAULT_FACETS[type], ...b[type] };
  if (type === 'text' && facet.allowMultipleLines !== true) {
    const max = facet.maxLength;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 255) {
      throw invalidRequest('text.maxLength must be an integer between 1 and 255.');
    }
  }
  if (type === 'text' && facet.allowMultipleLines === true) {
    delete facet.maxLength;
    facet.linesForEditing = typeof b.text?.linesForEditing === 'number' ? b.text.linesForEditing : 6;
  }
  if (type === 'choice') {
    const choices = facet.choices;
    if (!Array.isArray(choices) || !choices.every((c) => typeof c === 'string')) {
      throw invalidRequest('choice.choices must be an array of strings.');
    }
  }
  if (type === 'dateTime' && facet.format !== 'dateTime' && facet.format !== 'dateOnly') {
    throw invalidRequest("dateTime.format must be 'dateTime' or 'dateOnly'.");
  }
  if (type === 'lookup') {
    const listId = facet.listId;
    const columnName = facet.columnName;
    const target = typeof listId === 'string' ? ctx.findList(listId) : undefined;
    if (target === undefined) throw invalidRequest('lookup.listId must name a list in the same site.');
    if (typeof columnName !== 'string' || !columnNamesOf(target).includes(columnName)) {
      throw invalidRequest('lookup.columnName must name a column of the target list.');
    }
    facet.listId = target.id;
  }
  const col: ColumnRecord = {
    id: ctx.newGuid(),
    name: b.name,
    displayName: b.displayName ?? b.name,
    description: b.description ?? '',
    columnGroup: b.columnGroup ?? 'Custom Columns',
    indexed: b.indexed ?? false,
    enforceUniqueValues: b.enforceUniqueValues ?? false,
    hidden: b.hidden ?? false,
    required: b.required ?? false,
    readOnly: b.readOnly ?? false,
    type,
    facet,
  };
  validateIndexing(meta, col, meta.columns);
  return col;
}

/** `PATCH …/columns/{id}`: only the flags (changing a type is not something Trellis does). */
export function patchColumn(
  meta: ListMeta,
  col: ColumnRecord,
  body: unknown,
  hasDuplicates: (name: string) => boolean,
): ColumnRecord {
  const parsed = columnPatchSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
  const p = parsed.data;
  const next: ColumnRecord = {
    ...col,
    displayName: p.displayName ?? col.displayName,
    description: p.description ?? col.description,
    enforceUniqueValues: p.enforceUniqueValues ?? col.enforceUniqueValues,
    hidden: p.hidden ?? col.hidden,
    indexed: p.indexed ?? col.indexed,
    required: p.required ?? col.required,
  };
  validateIndexing(
    meta,
    next,
    meta.columns.filter((c) => c.id !== col.id),
  );
  if (next.enforceUniqueValues && !col.enforceUniqueValues && hasDuplicates(col.name)) {
    throw invalidRequest(
      `The column '${col.name}' cannot enforce unique values because the list already contains duplicate values.`,
    );
  }
  return next;
}

export function titleColumn(id: string): ColumnRecord {
  return {
    id,
    name: 'Title',
    displayName: 'Title',
    description: '',
    columnGroup: 'Custom Columns',
    indexed: false,
    enforceUniqueValues: false,
    hidden: false,
    // Shown as required like SharePoint's, but (as through Graph) not enforced on create.
    required: true,
    readOnly: false,
    type: 'text',
    facet: { ...DEFAULT_FACETS.text },
  };
}

export function renderColumn(col: ColumnRecord): JsonObject {
  return {
    columnGroup: col.columnGroup,
    description: col.description,
    displayName: col.displayName,
    enforceUniqueValues: col.enforceUniqueValues,
    hidden: col.hidden,
    id: col.id,
    indexed: col.indexed,
    name: col.name,
    readOnly: col.readOnly,
    required: col.required,
    [col.type]: col.facet,
  };
}

/** Read-only system columns listed by `GET …/columns` after the user columns. */
export function systemColumns(): JsonObject[] {
  const sys = (name: string, type: string, facet: JsonObject, id: string): JsonObject => ({
    columnGroup: '_Hidden',
    description: '',
    displayName: name,
    enforceUniqueValues: false,
    hidden: false,
    id,
    indexed: name === 'ID',
    name,
    readOnly: true,
    required: false,
    [type]: facet,
  });
  return [
    sys('ID', 'number', { decimalPlaces: 'none', displayAs: 'number' }, '1d22ea11-1e32-424e-89ab-9fedbadb6ce1'),
    sys('ContentType', 'text', { ...DEFAULT_FACETS.text }, 'c042a256-787d-4a6f-8a8a-cf6ab767f12d'),
    sys('Modified', 'dateTime', { displayAs: 'default', format: 'dateTime' }, '28cf69c5-fa48-462a-b5cd-27b6f9d2bd5f'),
    sys('Created', 'dateTime', { displayAs: 'default', format: 'dateTime' }, '8c06beca-0777-48f7-91c7-6da68bc07b69'),
    sys('Author', 'personOrGroup', { ...DEFAULT_FACETS.personOrGroup }, '1df5e554-ec7e-46a6-901d-d85a3881cb18'),
    sys('Editor', 'personOrGroup', { ...DEFAULT_FACETS.personOrGroup }, 'd31655d1-1d5b-4511-95a1-7a09e9b75bf2'),
    sys('_UIVersionString', 'text', { ...DEFAULT_FACETS.text }, 'dce8262a-3ae9-45aa-aab4-83bd75fb738a'),
    sys('Attachments', 'boolean', {}, '67df98f4-9dec-48ff-a553-29bece9c5bf4'),
  ];
}

export function columnNamesOf(meta: ListMeta): string[] {
  return meta.columns.map((c) => c.name);
}

export function findColumn(meta: ListMeta, name: string): ColumnRecord | undefined {
  return meta.columns.find((c) => c.name === name);
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/**
 * Item 16: store UTC at second precision; date-only columns keep midnight of the date in
 * the site zone, expressed in UTC (Europe/London in summer: `…T23:00:00Z` the day before).
 */
export function normaliseDateTime(col: ColumnRecord, raw: string, siteTimeZone: string): string | undefined {
  const dateOnly = col.facet.format === 'dateOnly';
  let ms: number;
  if (ISO_WITH_ZONE.test(raw)) ms = Date.parse(raw);
  else if (ISO_LOCAL.test(raw))
    ms = dateOnly
      ? (wallTimeToUtcMs(raw, siteTimeZone) ?? Number.NaN)
      : Date.parse(`${raw.length === 10 ? `${raw}T00:00:00` : raw}Z`);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  if (dateOnly) {
    const midnight = wallTimeToUtcMs(`${dateInZone(ms, siteTimeZone)}T00:00:00`, siteTimeZone);
    if (midnight === undefined) return undefined;
    ms = midnight;
  }
  return isoSeconds(Math.floor(ms / 1000) * 1000);
}

export interface FieldWrites {
  readonly set: Record<string, FieldValue>;
  readonly clear: readonly string[];
}

const GENERAL_EXCEPTION = (): GraphHttpError =>
  new GraphHttpError(500, 'generalException', 'General exception while processing');

function parseLookupIds(key: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw invalidRequest(`The value of '${key}' must be an array of ids.`);
  return value.map((v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < 1) throw invalidRequest(`'${String(v)}' is not a valid lookup id in '${key}'.`);
    return n;
  });
}

/** Items 10/11/16: validates and coerces a `fields` object against the list's columns. */
export function coerceFieldWrites(meta: ListMeta, fields: unknown, siteTimeZone: string): FieldWrites {
  if (fields === undefined || fields === null) return { set: {}, clear: [] };
  if (!isRecord(fields)) throw invalidRequest("The 'fields' value must be an object.");
  const set: Record<string, FieldValue> = {};
  const clear: string[] = [];
  const annotation = (name: string): unknown => fields[`${name}@odata.type`];
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith('@odata.') || key.endsWith('@odata.type')) continue;
    let col = findColumn(meta, key);
    let viaLookupId = false;
    if (col === undefined && key.endsWith('LookupId')) {
      const base = findColumn(meta, key.slice(0, -'LookupId'.length));
      if (base !== undefined && isLookupLike(base)) {
        col = base;
        viaLookupId = true;
      }
    }
    if (col === undefined) {
      if (SYSTEM_FIELDS.has(key)) throw invalidRequest(`Field '${key}' is read-only.`);
      throw invalidRequest(`Field '${key}' is not recognized`);
    }
    if (col.readOnly) throw invalidRequest(`Field '${key}' is read-only.`);
    if (value === null) {
      clear.push(col.name);
      continue;
    }
    if (isLookupLike(col)) {
      if (!viaLookupId) {
        throw invalidRequest(`Field '${key}' is a ${col.type} column: write '${col.name}LookupId' instead.`);
      }
      if (isMultiValue(col)) {
        const type = annotation(key);
        if (type !== 'Collection(Edm.Int32)' && type !== 'Collection(Edm.String)') {
          throw invalidRequest(`A multi-value lookup needs '${key}@odata.type': 'Collection(Edm.Int32)'.`);
        }
        set[col.name] = parseLookupIds(key, value);
        continue;
      }
      // Item 11 (observed): a JSON number here is a 500, the id must be a string.
      if (typeof value === 'number') throw GENERAL_EXCEPTION();
      if (typeof value !== 'string' || !/^\d+$/.test(value))
        throw invalidRequest(`'${key}' must be a numeric id string.`);
      set[col.name] = value;
      continue;
    }
    set[col.name] = coerceScalar(col, key, value, annotation(key), siteTimeZone);
  }
  return { set, clear };
}

function coerceScalar(
  col: ColumnRecord,
  key: string,
  value: unknown,
  odataType: unknown,
  siteTimeZone: string,
): FieldValue {
  const bad = (): never => {
    throw invalidRequest(`The value '${JSON.stringify(value)}' is not valid for field '${key}'.`);
  };
  switch (col.type) {
    case 'text': {
      if (typeof value !== 'string') return bad();
      const max = col.facet.maxLength;
      if (!isNote(col) && typeof max === 'number' && value.length > max) {
        throw invalidRequest(`The value of field '${key}' exceeds its maximum length of ${max} characters.`);
      }
      return value;
    }
    case 'number':
    case 'currency': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : Number.NaN;
      return Number.isFinite(n) ? n : bad();
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : bad();
    case 'dateTime':
      return typeof value === 'string' ? (normaliseDateTime(col, value, siteTimeZone) ?? bad()) : bad();
    case 'choice': {
      const choices = Array.isArray(col.facet.choices) ? col.facet.choices : [];
      const allowText = col.facet.allowTextEntry === true;
      const check = (v: unknown): string => {
        if (typeof v !== 'string') return bad();
        if (!allowText && !choices.includes(v)) {
          throw invalidRequest(`The value '${v}' is not one of the choices of field '${key}'.`);
        }
        return v;
      };
      if (Array.isArray(value)) {
        // Item 10: arrays need the collection annotation, and only multi-choice columns take them.
        if (odataType !== 'Collection(Edm.String)' || !isMultiValue(col)) {
          throw invalidRequest(
            `A multi-value field needs '${key}@odata.type': 'Collection(Edm.String)' and a multi-choice column.`,
          );
        }
        return value.map(check);
      }
      return check(value);
    }
    case 'personOrGroup':
    case 'lookup':
      return bad();
  }
}

/** Fields visible to filters/sorts, resolved per item. */
export interface FieldRef {
  readonly name: string;
  readonly indexed: boolean;
  readonly resolve: (item: ItemRecord) => ResolvedValue;
}

const columnKind = (col: ColumnRecord): ResolvedValue['kind'] => {
  switch (col.type) {
    case 'number':
    case 'currency':
    case 'personOrGroup':
    case 'lookup':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'dateTime':
      return 'datetime';
    case 'text':
    case 'choice':
      return 'string';
  }
};

/** Resolves `id`, `createdDateTime`, `lastModifiedDateTime` and `fields/X` for `$filter`/`$orderby`. */
export function resolveItemPath(meta: ListMeta, path: string): FieldRef {
  const lower = path.toLowerCase();
  if (lower === 'id' || lower === 'fields/id') {
    return { name: 'ID', indexed: true, resolve: (i) => ({ kind: 'number', value: Number(i.id) }) };
  }
  if (lower === 'createddatetime' || path === 'fields/Created') {
    return { name: 'Created', indexed: false, resolve: (i) => ({ kind: 'datetime', value: i.createdDateTime }) };
  }
  if (lower === 'lastmodifieddatetime' || path === 'fields/Modified') {
    return { name: 'Modified', indexed: false, resolve: (i) => ({ kind: 'datetime', value: i.lastModifiedDateTime }) };
  }
  if (!path.startsWith('fields/'))
    throw invalidRequest(`Property '${path}' cannot be used in filter or orderby on list items.`);
  const name = path.slice('fields/'.length);
  let col = findColumn(meta, name);
  if (col === undefined && name.endsWith('LookupId')) {
    const base = findColumn(meta, name.slice(0, -'LookupId'.length));
    if (base !== undefined && isLookupLike(base)) col = base;
  }
  if (col === undefined) throw invalidRequest(`Field '${name}' is not recognized`);
  const found = col;
  const kind = columnKind(found);
  return {
    name: found.name,
    indexed: found.indexed,
    resolve: (item) => {
      const v = item.fields[found.name];
      return { kind, value: v === '' ? undefined : v };
    },
  };
}

export function hasDuplicateValues(items: Iterable<ItemRecord>, name: string): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const v = item.fields[name];
    if (v === undefined || Array.isArray(v) || v === '') continue;
    const key = String(v).toLowerCase();
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}
