/**
 * Persisted record shapes. They are zod schemas because the write-ahead log and the snapshot
 * are read back from disk, where nothing can be trusted to still match the TypeScript types.
 */
import { z } from 'zod';

/** What a SharePoint field can hold once coerced: scalars, multi-choice text, multi-lookup ids. */
export const fieldValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  z.array(z.number()),
]);
export type FieldValue = z.infer<typeof fieldValueSchema>;

export const siteRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  webUrl: z.string(),
  createdDateTime: z.string(),
  /** The Microsoft 365 group the site is connected to (a team's site), when it is one. */
  groupId: z.string().optional(),
});
export type SiteRecord = z.infer<typeof siteRecordSchema>;

export const COLUMN_TYPES = [
  'text',
  'number',
  'currency',
  'boolean',
  'dateTime',
  'choice',
  'personOrGroup',
  'lookup',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const columnRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  columnGroup: z.string(),
  indexed: z.boolean(),
  enforceUniqueValues: z.boolean(),
  hidden: z.boolean(),
  required: z.boolean(),
  readOnly: z.boolean(),
  type: z.enum(COLUMN_TYPES),
  /** The type facet exactly as Graph renders it, defaults applied (e.g. `text.maxLength: 255`). */
  facet: z.record(z.string(), z.unknown()),
});
export type ColumnRecord = z.infer<typeof columnRecordSchema>;

export const listMetaSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  createdDateTime: z.string(),
  lastModifiedDateTime: z.string(),
  template: z.string(),
  hidden: z.boolean(),
  contentTypesEnabled: z.boolean(),
  version: z.number(),
  columns: z.array(columnRecordSchema),
});
export type ListMeta = z.infer<typeof listMetaSchema>;

export const itemRecordSchema = z.object({
  id: z.string(),
  guid: z.string(),
  version: z.number(),
  createdDateTime: z.string(),
  lastModifiedDateTime: z.string(),
  /** Position in the list's change feed (delta); bumped on every write. */
  seq: z.number(),
  fields: z.record(z.string(), fieldValueSchema),
});
export type ItemRecord = z.infer<typeof itemRecordSchema>;

export const tombstoneSchema = z.object({ id: z.string(), seq: z.number(), deletedDateTime: z.string() });
export type Tombstone = z.infer<typeof tombstoneSchema>;

export const mailAttachmentSchema = z.object({
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  contentBytes: z.string(),
  isInline: z.boolean(),
  contentId: z.string().optional(),
});
export type MailAttachment = z.infer<typeof mailAttachmentSchema>;

export const sentMailSchema = z.object({
  id: z.string(),
  mailbox: z.string(),
  sentDateTime: z.string(),
  saveToSentItems: z.boolean(),
  subject: z.string(),
  bodyContentType: z.enum(['text', 'html']),
  bodyContent: z.string(),
  toRecipients: z.array(z.string()),
  ccRecipients: z.array(z.string()),
  bccRecipients: z.array(z.string()),
  attachments: z.array(mailAttachmentSchema),
  internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })),
  /** The message as received, minus `attachments` (kept once, above). */
  message: z.record(z.string(), z.unknown()),
});
export type SentMail = z.infer<typeof sentMailSchema>;

export const eventRecordSchema = z.object({
  id: z.string(),
  mailbox: z.string(),
  createdDateTime: z.string(),
  lastModifiedDateTime: z.string(),
  changeKey: z.string(),
  iCalUId: z.string(),
  transactionId: z.string().optional(),
  startUtcMs: z.number(),
  endUtcMs: z.number(),
  originalStartTimeZone: z.string(),
  originalEndTimeZone: z.string(),
  /** Every other event property as sent (subject, body, attendees, reminders...). */
  props: z.record(z.string(), z.unknown()),
});
export type EventRecord = z.infer<typeof eventRecordSchema>;

export const installationSchema = z.object({
  id: z.string(),
  userId: z.string(),
  teamsAppId: z.string(),
  installedDateTime: z.string(),
  chatId: z.string(),
});
export type Installation = z.infer<typeof installationSchema>;

/** An app role granted to a user for a resource service principal (src/dev/graph-emulator/app-roles.ts). */
export const appRoleAssignmentSchema = z.object({
  id: z.string(),
  appRoleId: z.string(),
  principalId: z.string(),
  principalType: z.enum(['User', 'Group', 'ServicePrincipal']),
  resourceId: z.string(),
  resourceDisplayName: z.string(),
  createdDateTime: z.string(),
});
export type AppRoleAssignmentRecord = z.infer<typeof appRoleAssignmentSchema>;

/** A user in the directory (directory.ts). `passwordProfile` is checked on create and never kept. */
export const userRecordSchema = z.object({
  id: z.string(),
  accountEnabled: z.boolean(),
  displayName: z.string(),
  mailNickname: z.string(),
  userPrincipalName: z.string(),
  givenName: z.string().nullable(),
  surname: z.string().nullable(),
  mail: z.string().nullable(),
  jobTitle: z.string().nullable(),
  department: z.string().nullable(),
  createdDateTime: z.string(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

/** A Microsoft 365 group (groups.ts): its members and owners by object id. */
export const groupRecordSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  mailNickname: z.string(),
  memberIds: z.array(z.string()),
  ownerIds: z.array(z.string()),
  createdDateTime: z.string(),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

export const CALLER_KINDS = ['app', 'delegated'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export const channelMessageSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  channelId: z.string(),
  createdDateTime: z.string(),
  callerKind: z.enum(CALLER_KINDS),
  body: z.unknown(),
  attachments: z.array(z.unknown()),
  /** Parsed `attachments[].content` (the adaptive cards), for assertions. */
  cards: z.array(z.unknown()),
});
export type ChannelMessage = z.infer<typeof channelMessageSchema>;

export const activityNotificationSchema = z.object({
  id: z.string(),
  userId: z.string(),
  receivedDateTime: z.string(),
  activityType: z.string(),
  topic: z.unknown(),
  previewText: z.unknown(),
  templateParameters: z.unknown(),
  chainId: z.number().optional(),
});
export type ActivityNotification = z.infer<typeof activityNotificationSchema>;

export const mutationSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('site'), site: siteRecordSchema }),
  z.object({ t: z.literal('list'), list: listMetaSchema }),
  z.object({ t: z.literal('listDelete'), listId: z.string() }),
  z.object({ t: z.literal('itemPut'), listId: z.string(), item: itemRecordSchema }),
  z.object({
    t: z.literal('itemDelete'),
    listId: z.string(),
    id: z.string(),
    seq: z.number(),
    deletedDateTime: z.string(),
  }),
  z.object({ t: z.literal('mail'), mail: sentMailSchema }),
  z.object({ t: z.literal('eventPut'), event: eventRecordSchema }),
  z.object({ t: z.literal('eventDelete'), id: z.string() }),
  z.object({ t: z.literal('install'), install: installationSchema }),
  z.object({ t: z.literal('uninstall'), id: z.string() }),
  z.object({ t: z.literal('channelMessage'), message: channelMessageSchema }),
  z.object({ t: z.literal('activity'), notification: activityNotificationSchema }),
  z.object({ t: z.literal('appRoleAssignmentPut'), assignment: appRoleAssignmentSchema }),
  z.object({ t: z.literal('appRoleAssignmentDelete'), id: z.string() }),
  z.object({ t: z.literal('userPut'), user: userRecordSchema }),
  z.object({ t: z.literal('groupPut'), group: groupRecordSchema }),
  z.object({ t: z.literal('deltaEpoch'), epoch: z.number() }),
  /** Wipes everything except sites, so `siteId` stays valid for running clients. */
  z.object({ t: z.literal('reset') }),
]);
export type Mutation = z.infer<typeof mutationSchema>;

export const serializedListSchema = z.object({
  meta: listMetaSchema,
  nextItemId: z.number(),
  changeSeq: z.number(),
  items: z.array(itemRecordSchema),
  tombstones: z.array(tombstoneSchema),
});

export const serializedStateSchema = z.object({
  sites: z.array(siteRecordSchema),
  lists: z.array(serializedListSchema),
  mails: z.array(sentMailSchema),
  events: z.array(eventRecordSchema),
  installs: z.array(installationSchema),
  channelMessages: z.array(channelMessageSchema),
  activityNotifications: z.array(activityNotificationSchema),
  /** Absent in snapshots written before app role assignments were emulated. */
  appRoleAssignments: z.array(appRoleAssignmentSchema).default([]),
  /** Absent in snapshots written before the directory was emulated. */
  users: z.array(userRecordSchema).default([]),
  /** Absent in snapshots written before groups were emulated. */
  groups: z.array(groupRecordSchema).default([]),
  deltaEpoch: z.number(),
});
export type SerializedState = z.infer<typeof serializedStateSchema>;
