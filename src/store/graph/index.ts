/**
 * The domain-agnostic Graph list layer. Repositories in src/store build on this; nothing
 * outside src/store should import it, because column names and Graph shapes stop here.
 */
export {
  createGraphClient,
  DEFAULT_GRAPH_RETRY_POLICY,
  GRAPH_DEFAULT_SCOPE,
  GRAPH_MAX_RETRIES,
  GRAPH_MAX_RETRY_AFTER_SECONDS,
  GRAPH_RETRY_BASE_DELAY_SECONDS,
  userAgent,
} from './client.js';
export type {
  CustomGraphClientConfig,
  GraphClientConfig,
  GraphRetryPolicy,
  TenantGraphClientConfig,
} from './client.js';

export {
  classifyGraphError,
  ConflictError,
  GRAPH_STORE_ERROR_CODES,
  GraphStoreError,
  isConflictError,
  isGraphStoreError,
} from './errors.js';
export type { GraphStoreErrorCode } from './errors.js';

export {
  assertValidListSchema,
  COLUMN_KINDS,
  defineListSchema,
  MAX_INDEXED_COLUMNS_PER_LIST,
  toColumnDefinition,
} from './list-schema.js';
export type {
  BooleanColumn,
  ChoiceColumn,
  ColumnKind,
  ColumnSchema,
  ColumnValue,
  DateTimeColumn,
  ListSchema,
  NoteColumn,
  NumberColumn,
  TextColumn,
} from './list-schema.js';

export { provisionLists } from './provision.js';
export type { ColumnMismatch, ProvisionedList, ProvisionReport } from './provision.js';

export {
  and,
  column,
  dateOnlyValue,
  dateTimeValue,
  eq,
  ge,
  gt,
  itemProperty,
  le,
  lt,
  ne,
  ODataFilter,
  or,
  startsWith,
} from './odata.js';
export type { FilterValue, ItemProperty, OrderBy } from './odata.js';

export { collectAll, GRAPH_MAX_PAGE_SIZE, ListItemStore, listItemPath, listItemsPath, parseListItem } from './items.js';
export type {
  CreateItemResult,
  FieldValue,
  FieldValues,
  ItemQuery,
  ListItem,
  ListItemStoreOptions,
  ListRef,
} from './items.js';

export { BATCH_MAX_ATTEMPTS, batchResultError, executeBatch, GRAPH_BATCH_MAX_REQUESTS } from './batch.js';
export type { BatchMethod, BatchOptions, BatchOutcome, BatchRequest, BatchResult } from './batch.js';

export { DeltaCache } from './delta.js';
export type { DeltaCacheOptions, DeltaSyncResult } from './delta.js';
