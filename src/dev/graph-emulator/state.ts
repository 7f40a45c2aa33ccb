/**
 * In-memory emulator state and the single reducer that changes it. Handlers never mutate
 * state directly: they build a `Mutation` carrying every computed value (ids, timestamps,
 * GUIDs) and commit it, so replaying the write-ahead log rebuilds exactly the same state.
 */
import type {
  ActivityNotification,
  AppRoleAssignmentRecord,
  ChannelMessage,
  EventRecord,
  FieldValue,
  GroupRecord,
  Installation,
  ItemRecord,
  ListMeta,
  Mutation,
  SentMail,
  SerializedState,
  SiteRecord,
  Tombstone,
  UserRecord,
} from './records.js';

export interface ListState {
  meta: ListMeta;
  nextItemId: number;
  changeSeq: number;
  /** Ascending id order: ids are handed out monotonically and updates keep their slot. */
  readonly items: Map<string, ItemRecord>;
  readonly tombstones: Map<string, Tombstone>;
  /** id → seq, iterated in seq order (entries are deleted and re-added on change): the delta feed. */
  readonly changeOrder: Map<string, number>;
  /** Derived, never persisted: unique column name → lower-cased value → item id. */
  uniqueIndex: Map<string, Map<string, string>>;
  /**
   * Derived, never persisted: indexed (non-unique) column → lower-cased value → item ids. What
   * SharePoint's column index does: an `eq` on an indexed column reads the matching rows only.
   */
  valueIndex: Map<string, Map<string, Set<string>>>;
}

export interface EmulatorState {
  readonly sites: Map<string, SiteRecord>;
  readonly lists: Map<string, ListState>;
  mails: SentMail[];
  readonly events: Map<string, EventRecord>;
  /** `${mailbox}\u0000${transactionId}` → event id (item 28 dedupe). */
  readonly eventTransactions: Map<string, string>;
  readonly installs: Map<string, Installation>;
  channelMessages: ChannelMessage[];
  activityNotifications: ActivityNotification[];
  /** id → assignment (app-roles.ts). */
  readonly appRoleAssignments: Map<string, AppRoleAssignmentRecord>;
  /** id → user (directory.ts); sign-in names are unique case-insensitively. */
  readonly users: Map<string, UserRecord>;
  /** id → Microsoft 365 group (groups.ts). */
  readonly groups: Map<string, GroupRecord>;
  deltaEpoch: number;
}

export function emptyState(): EmulatorState {
  return {
    sites: new Map(),
    lists: new Map(),
    mails: [],
    events: new Map(),
    eventTransactions: new Map(),
    installs: new Map(),
    channelMessages: [],
    activityNotifications: [],
    appRoleAssignments: new Map(),
    users: new Map(),
    groups: new Map(),
    deltaEpoch: 0,
  };
}

/** Case-insensitive uniqueness key (SharePoint compares unique text case-insensitively); empty values are not indexed. */
export function uniqueKey(value: FieldValue | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  const text = typeof value === 'string' ? value : String(value);
  return text === '' ? undefined : text.toLowerCase();
}

function uniqueColumnNames(meta: ListMeta): string[] {
  return meta.columns.filter((c) => c.enforceUniqueValues).map((c) => c.name);
}

const VALUE_INDEXED_TYPES = new Set(['text', 'choice', 'number']);

function valueIndexedColumnNames(meta: ListMeta): string[] {
  return meta.columns
    .filter((c) => c.indexed && !c.enforceUniqueValues && VALUE_INDEXED_TYPES.has(c.type))
    .map((c) => c.name);
}

export function rebuildUniqueIndex(list: ListState): void {
  const byValue = new Map<string, Map<string, Set<string>>>();
  for (const name of valueIndexedColumnNames(list.meta)) {
    const values = new Map<string, Set<string>>();
    for (const item of list.items.values()) {
      const key = uniqueKey(item.fields[name]);
      if (key === undefined) continue;
      const ids = values.get(key) ?? new Set<string>();
      ids.add(item.id);
      values.set(key, ids);
    }
    byValue.set(name, values);
  }
  list.valueIndex = byValue;
  const index = new Map<string, Map<string, string>>();
  for (const name of uniqueColumnNames(list.meta)) {
    const values = new Map<string, string>();
    for (const item of list.items.values()) {
      const key = uniqueKey(item.fields[name]);
      if (key !== undefined && !values.has(key)) values.set(key, item.id);
    }
    index.set(name, values);
  }
  list.uniqueIndex = index;
}

function unindexItem(list: ListState, item: ItemRecord): void {
  for (const [name, values] of list.uniqueIndex) {
    const key = uniqueKey(item.fields[name]);
    if (key !== undefined && values.get(key) === item.id) values.delete(key);
  }
  for (const [name, values] of list.valueIndex) {
    const key = uniqueKey(item.fields[name]);
    const ids = key === undefined ? undefined : values.get(key);
    if (key === undefined || ids === undefined) continue;
    ids.delete(item.id);
    if (ids.size === 0) values.delete(key);
  }
}

function indexItem(list: ListState, item: ItemRecord): void {
  for (const [name, values] of list.uniqueIndex) {
    const key = uniqueKey(item.fields[name]);
    if (key !== undefined) values.set(key, item.id);
  }
  for (const [name, values] of list.valueIndex) {
    const key = uniqueKey(item.fields[name]);
    if (key === undefined) continue;
    const ids = values.get(key) ?? new Set<string>();
    ids.add(item.id);
    values.set(key, ids);
  }
}

function moveToEndOfFeed(list: ListState, id: string, seq: number): void {
  list.changeOrder.delete(id);
  list.changeOrder.set(id, seq);
  if (seq > list.changeSeq) list.changeSeq = seq;
}

function newListState(meta: ListMeta): ListState {
  return {
    meta,
    nextItemId: 1,
    changeSeq: 0,
    items: new Map(),
    tombstones: new Map(),
    changeOrder: new Map(),
    uniqueIndex: new Map(),
    valueIndex: new Map(),
  };
}

const transactionKey = (mailbox: string, transactionId: string): string => `${mailbox}\u0000${transactionId}`;

export function eventTransactionKey(mailbox: string, transactionId: string): string {
  return transactionKey(mailbox, transactionId);
}

export function applyMutation(state: EmulatorState, m: Mutation): void {
  switch (m.t) {
    case 'site':
      state.sites.set(m.site.id, m.site);
      return;
    case 'list': {
      const existing = state.lists.get(m.list.id);
      if (existing === undefined) {
        const list = newListState(m.list);
        rebuildUniqueIndex(list);
        state.lists.set(m.list.id, list);
      } else {
        existing.meta = m.list;
        rebuildUniqueIndex(existing);
      }
      return;
    }
    case 'listDelete':
      state.lists.delete(m.listId);
      return;
    case 'itemPut': {
      const list = state.lists.get(m.listId);
      if (list === undefined) return;
      const previous = list.items.get(m.item.id);
      if (previous !== undefined) unindexItem(list, previous);
      list.items.set(m.item.id, m.item);
      indexItem(list, m.item);
      list.tombstones.delete(m.item.id);
      moveToEndOfFeed(list, m.item.id, m.item.seq);
      list.nextItemId = Math.max(list.nextItemId, Number(m.item.id) + 1);
      return;
    }
    case 'itemDelete': {
      const list = state.lists.get(m.listId);
      if (list === undefined) return;
      const previous = list.items.get(m.id);
      if (previous !== undefined) unindexItem(list, previous);
      list.items.delete(m.id);
      list.tombstones.set(m.id, { id: m.id, seq: m.seq, deletedDateTime: m.deletedDateTime });
      moveToEndOfFeed(list, m.id, m.seq);
      return;
    }
    case 'mail':
      state.mails.push(m.mail);
      return;
    case 'eventPut':
      state.events.set(m.event.id, m.event);
      if (m.event.transactionId !== undefined) {
        state.eventTransactions.set(transactionKey(m.event.mailbox, m.event.transactionId), m.event.id);
      }
      return;
    case 'eventDelete': {
      const event = state.events.get(m.id);
      if (event === undefined) return;
      state.events.delete(m.id);
      if (event.transactionId !== undefined) {
        state.eventTransactions.delete(transactionKey(event.mailbox, event.transactionId));
      }
      return;
    }
    case 'install':
      state.installs.set(m.install.id, m.install);
      return;
    case 'uninstall':
      state.installs.delete(m.id);
      return;
    case 'channelMessage':
      state.channelMessages.push(m.message);
      return;
    case 'activity':
      state.activityNotifications.push(m.notification);
      return;
    case 'appRoleAssignmentPut':
      state.appRoleAssignments.set(m.assignment.id, m.assignment);
      return;
    case 'appRoleAssignmentDelete':
      state.appRoleAssignments.delete(m.id);
      return;
    case 'userPut':
      state.users.set(m.user.id, m.user);
      return;
    case 'groupPut':
      state.groups.set(m.group.id, m.group);
      return;
    case 'deltaEpoch':
      state.deltaEpoch = m.epoch;
      return;
    case 'reset':
      state.lists.clear();
      state.mails = [];
      state.events.clear();
      state.eventTransactions.clear();
      state.installs.clear();
      state.channelMessages = [];
      state.activityNotifications = [];
      state.appRoleAssignments.clear();
      state.users.clear();
      state.groups.clear();
      // Old delta tokens must not resolve against the fresh lists.
      state.deltaEpoch += 1;
      return;
  }
}

export function serializeState(state: EmulatorState): SerializedState {
  return {
    sites: [...state.sites.values()],
    lists: [...state.lists.values()].map((list) => ({
      meta: list.meta,
      nextItemId: list.nextItemId,
      changeSeq: list.changeSeq,
      items: [...list.items.values()],
      tombstones: [...list.tombstones.values()],
    })),
    mails: state.mails,
    events: [...state.events.values()],
    installs: [...state.installs.values()],
    channelMessages: state.channelMessages,
    activityNotifications: state.activityNotifications,
    appRoleAssignments: [...state.appRoleAssignments.values()],
    users: [...state.users.values()],
    groups: [...state.groups.values()],
    deltaEpoch: state.deltaEpoch,
  };
}

export function deserializeState(data: SerializedState): EmulatorState {
  const state = emptyState();
  for (const site of data.sites) state.sites.set(site.id, site);
  for (const saved of data.lists) {
    const list = newListState(saved.meta);
    list.nextItemId = saved.nextItemId;
    list.changeSeq = saved.changeSeq;
    const items = [...saved.items].sort((a, b) => Number(a.id) - Number(b.id));
    for (const item of items) list.items.set(item.id, item);
    for (const tomb of saved.tombstones) list.tombstones.set(tomb.id, tomb);
    // The change feed order is recoverable from the seqs, so it is not stored.
    const feed: [string, number][] = [
      ...items.map((i): [string, number] => [i.id, i.seq]),
      ...saved.tombstones.map((t): [string, number] => [t.id, t.seq]),
    ].sort((a, b) => a[1] - b[1]);
    for (const [id, seq] of feed) list.changeOrder.set(id, seq);
    rebuildUniqueIndex(list);
    state.lists.set(list.meta.id, list);
  }
  state.mails = data.mails;
  for (const event of data.events) applyMutation(state, { t: 'eventPut', event });
  for (const install of data.installs) state.installs.set(install.id, install);
  state.channelMessages = data.channelMessages;
  state.activityNotifications = data.activityNotifications;
  for (const assignment of data.appRoleAssignments) state.appRoleAssignments.set(assignment.id, assignment);
  for (const user of data.users) state.users.set(user.id, user);
  for (const group of data.groups) state.groups.set(group.id, group);
  state.deltaEpoch = data.deltaEpoch;
  return state;
}
