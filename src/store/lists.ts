import { z } from 'zod';
import { defineListSchema, type ListSchema } from './graph/list-schema.js';

/**
 * The SharePoint lists Trellis keeps, as a course team sees them in Microsoft Lists. Column
 * names stay inside src/store. Every column a query filters or sorts on is indexed, so every
 * query keeps working past 5,000 items.
 *
 * The event trail is the record; the case row, people, targets, reviews and signatures are
 * projections of it kept for list views, Excel and Power BI.
 */

export const CASE_STATUS_CHOICES = [
  'planning',
  'awaiting_signatures',
  'active',
  'awaiting_decision',
  'closed',
] as const;

export const casesList = defineListSchema({
  displayName: 'Trellis Cases',
  description: 'One row per trainee support case (a projection of its event trail).',
  columns: [
    { kind: 'text', name: 'CaseId', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'Reference', indexed: true },
    { kind: 'text', name: 'ProcedureId', indexed: true },
    { kind: 'text', name: 'StageId', indexed: true },
    { kind: 'choice', name: 'Status', choices: CASE_STATUS_CHOICES, indexed: true },
    { kind: 'text', name: 'Programme', indexed: true },
    { kind: 'text', name: 'TraineeId', indexed: true },
    { kind: 'text', name: 'TraineeName' },
    { kind: 'text', name: 'MentorId', indexed: true, description: 'The first school-side person named on the case.' },
    { kind: 'text', name: 'TutorId', indexed: true, description: 'The first provider-side person named on the case.' },
    { kind: 'text', name: 'School' },
    { kind: 'dateTime', name: 'NextReviewDate', format: 'dateOnly', indexed: true },
    { kind: 'dateTime', name: 'OpenedOn', format: 'dateOnly', indexed: true },
    { kind: 'dateTime', name: 'ClosedOn', format: 'dateOnly' },
    { kind: 'boolean', name: 'Paused' },
    { kind: 'number', name: 'CaseVersion', decimalPlaces: 'none' },
    { kind: 'note', name: 'Summary', description: 'The case summary as JSON, for list views.' },
  ],
});

export const eventsList = defineListSchema({
  displayName: 'Trellis Case Events',
  description:
    'The event trail of every case: steps are only ever appended. The one edit is a rectification: a correction for inaccuracy or excess rewrites the corrected text in the events it names.',
  columns: [
    {
      kind: 'text',
      name: 'EventKey',
      indexed: true,
      enforceUniqueValues: true,
      required: true,
      description: 'CaseId:Seq; unique, so two writers can never append the same step.',
    },
    { kind: 'text', name: 'CaseId', indexed: true },
    { kind: 'number', name: 'Seq', decimalPlaces: 'none' },
    { kind: 'text', name: 'EventType' },
    { kind: 'dateTime', name: 'OccurredAt', format: 'dateTime' },
    { kind: 'text', name: 'ActorId' },
    { kind: 'note', name: 'EventData' },
  ],
});

export const peopleList = defineListSchema({
  displayName: 'Trellis Case People',
  description: 'Who is named on each case, in which role: "my cases" and access checks query it.',
  columns: [
    { kind: 'text', name: 'MembershipKey', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'CaseId', indexed: true },
    { kind: 'text', name: 'PersonId', indexed: true },
    { kind: 'text', name: 'Role' },
    { kind: 'text', name: 'PersonName' },
  ],
});

export const targetsList = defineListSchema({
  displayName: 'Trellis Targets',
  description: 'Targets of every agreed plan, with the standards they link to.',
  columns: [
    { kind: 'text', name: 'TargetKey', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'CaseId', indexed: true },
    { kind: 'number', name: 'PlanVersion', decimalPlaces: 'none' },
    { kind: 'text', name: 'TargetId' },
    { kind: 'note', name: 'TargetText' },
    { kind: 'text', name: 'Standards', maxLength: 255 },
    { kind: 'dateTime', name: 'AgreedOn', format: 'dateOnly' },
    { kind: 'dateTime', name: 'ReviewDate', format: 'dateOnly' },
  ],
});

export const reviewsList = defineListSchema({
  displayName: 'Trellis Reviews',
  description: 'Every review and its outcome.',
  columns: [
    { kind: 'text', name: 'ReviewKey', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'CaseId', indexed: true },
    { kind: 'text', name: 'StageId' },
    { kind: 'dateTime', name: 'ReviewedOn', format: 'dateOnly', indexed: true },
    { kind: 'text', name: 'OutcomeId', indexed: true },
    { kind: 'note', name: 'Progress' },
    { kind: 'note', name: 'Evidence' },
    {
      kind: 'dateTime',
      name: 'SetAsideOn',
      format: 'dateOnly',
      description:
        'The day the course team reopened the case this review closed by mistake: the review was set aside, and its outcome no longer stands. Empty otherwise.',
    },
  ],
});

export const signaturesList = defineListSchema({
  displayName: 'Trellis Signatures',
  description: 'Typed signatures on plans (append-only).',
  columns: [
    { kind: 'text', name: 'SignatureKey', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'CaseId', indexed: true },
    { kind: 'number', name: 'PlanVersion', decimalPlaces: 'none' },
    { kind: 'text', name: 'Role' },
    { kind: 'text', name: 'PersonId' },
    { kind: 'text', name: 'TypedName' },
    { kind: 'dateTime', name: 'SignedAt', format: 'dateTime' },
  ],
});

export const OUTBOX_STATUS_CHOICES = ['pending', 'claimed', 'sent', 'failed'] as const;

export const outboxList = defineListSchema({
  displayName: 'Trellis Notification Outbox',
  description: 'Every notification, claimed through its unique key before it is sent.',
  columns: [
    { kind: 'text', name: 'NotificationKey', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'CaseId', indexed: true },
    { kind: 'text', name: 'Kind' },
    { kind: 'text', name: 'Channel' },
    { kind: 'text', name: 'Recipient' },
    { kind: 'choice', name: 'DeliveryStatus', choices: OUTBOX_STATUS_CHOICES, indexed: true },
    { kind: 'number', name: 'Attempts', decimalPlaces: 'none' },
    { kind: 'dateTime', name: 'NextAttemptAt', format: 'dateTime', indexed: true },
    { kind: 'text', name: 'ClaimedBy' },
    { kind: 'dateTime', name: 'ClaimedAt', format: 'dateTime' },
    { kind: 'note', name: 'Payload' },
    { kind: 'note', name: 'LastError' },
    // Added after the first release (provisioning only adds columns). A `sending` choice would
    // change DeliveryStatus on existing sites, so "sending" is a claimed row with SendingAt set.
    {
      kind: 'text',
      name: 'EventId',
      indexed: true,
      description: 'What the notification is about: CaseId:Seq of the event, or the review it reminds of.',
    },
    {
      kind: 'dateTime',
      name: 'SendingAt',
      format: 'dateTime',
      description: 'Set just before a send that cannot be repeated; a crash after it means "possibly sent".',
    },
    {
      kind: 'text',
      name: 'FailedDay',
      indexed: true,
      description:
        'The day (UTC, YYYY-MM-DD) a failed or possibly sent row was given up on; empty otherwise. The failed list reads one day at a time.',
    },
  ],
});

export const conversationsList = defineListSchema({
  displayName: 'Trellis Conversations',
  description: 'Bot conversation references, so Trellis can message people 1:1 and post to channels.',
  columns: [
    { kind: 'text', name: 'ConversationKey', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'UserId', indexed: true },
    { kind: 'text', name: 'ConversationId' },
    { kind: 'text', name: 'ServiceUrl' },
    { kind: 'note', name: 'Reference' },
  ],
});

export const placementsList = defineListSchema({
  displayName: 'Trellis Placements',
  description:
    'The placement roster: per trainee, programme and term, the school, mentor(s), tutor and professional mentor. Kept by the course team (CSV import in the Trellis tab).',
  columns: [
    {
      kind: 'text',
      name: 'PlacementKey',
      indexed: true,
      enforceUniqueValues: true,
      required: true,
      description: 'trainee|programme|term start, lower case.',
    },
    { kind: 'text', name: 'PlacementId', indexed: true },
    { kind: 'text', name: 'TraineeId', indexed: true },
    { kind: 'text', name: 'TraineeName' },
    { kind: 'text', name: 'Programme', indexed: true },
    { kind: 'text', name: 'School' },
    { kind: 'text', name: 'MentorIds', maxLength: 255 },
    { kind: 'text', name: 'TutorId', indexed: true },
    { kind: 'text', name: 'ProfessionalMentorId' },
    { kind: 'dateTime', name: 'TermStart', format: 'dateOnly' },
    { kind: 'dateTime', name: 'TermEnd', format: 'dateOnly' },
    { kind: 'number', name: 'RowVersion', decimalPlaces: 'none' },
    { kind: 'note', name: 'Placement', description: 'The row as JSON: what Trellis reads.' },
  ],
});

export const accessLogList = defineListSchema({
  displayName: 'Trellis Access Log',
  description:
    'Who looked at which case, when and how (api, pdf, card, export, list). Written in batches; entries older than the retention (a year by default) are deleted.',
  columns: [
    { kind: 'text', name: 'CaseId', indexed: true },
    { kind: 'text', name: 'PersonId', indexed: true, description: 'The sign-in name of who looked.' },
    { kind: 'text', name: 'PersonName' },
    { kind: 'text', name: 'How' },
    { kind: 'dateTime', name: 'AccessedAt', format: 'dateTime', indexed: true },
  ],
});

export const REMOVAL_STATE_CHOICES = ['removing', 'removed'] as const;
export const REMOVAL_ACTION_CHOICES = ['delete', 'anonymise', 'erase'] as const;

export const tombstonesList = defineListSchema({
  displayName: 'Trellis Removed Cases',
  description:
    'A tombstone for each case removed by the retention policy or erased on request: no names, so the reports stay explainable.',
  columns: [
    { kind: 'text', name: 'CaseId', indexed: true, enforceUniqueValues: true, required: true },
    { kind: 'text', name: 'ProviderId', indexed: true },
    { kind: 'text', name: 'ProcedureId', indexed: true },
    { kind: 'text', name: 'Programme', indexed: true },
    { kind: 'dateTime', name: 'OpenedOn', format: 'dateOnly' },
    { kind: 'dateTime', name: 'ClosedOn', format: 'dateOnly' },
    { kind: 'dateTime', name: 'RemovedOn', format: 'dateOnly', indexed: true },
    { kind: 'choice', name: 'RemovalAction', choices: REMOVAL_ACTION_CHOICES },
    { kind: 'text', name: 'Policy' },
    {
      kind: 'choice',
      name: 'RemovalState',
      choices: REMOVAL_STATE_CHOICES,
      indexed: true,
      description: 'removing: written before the first row of the case is deleted; removed: every row is gone.',
    },
    { kind: 'note', name: 'Counts', description: 'Anonymised cases: stage, reasons and outcome as JSON, for reports.' },
    { kind: 'text', name: 'RequestedBy', description: 'Erasure: the administrator who erased the case.' },
    { kind: 'note', name: 'Reason', description: 'Erasure: the request it answers.' },
  ],
});

export const procedureVersionsList = defineListSchema({
  displayName: 'Trellis Procedure Versions',
  description:
    'Every version of a procedure a case has followed, written once and never edited: the definition as JSON, in parts of at most 60,000 characters.',
  columns: [
    {
      kind: 'text',
      name: 'VersionKey',
      indexed: true,
      enforceUniqueValues: true,
      required: true,
      description: 'ProcedureId@Hash#Part; unique, so a version is written once however many write it.',
    },
    { kind: 'text', name: 'ProcedureId', indexed: true },
    {
      kind: 'text',
      name: 'Hash',
      indexed: true,
      description: "The SHA-256 of the definition as canonical JSON: what a case's opening event names.",
    },
    {
      kind: 'text',
      name: 'VersionLabel',
      description: "The procedure's own version (a number or the provider's label).",
    },
    { kind: 'number', name: 'Part', decimalPlaces: 'none' },
    { kind: 'number', name: 'Parts', decimalPlaces: 'none' },
    { kind: 'note', name: 'Definition' },
  ],
});

export const JOB_STATE_CHOICES = ['running', 'succeeded', 'failed'] as const;

export const jobsList = defineListSchema({
  displayName: 'Trellis Jobs',
  description:
    'Background jobs (the review sweep, retention runs) and one lease row per kind of job, so every instance reports the same job and only one runs each kind at a time.',
  columns: [
    {
      kind: 'text',
      name: 'JobKey',
      indexed: true,
      enforceUniqueValues: true,
      required: true,
      description: 'job:<id> for a job; lease:<kind> for the lease of that kind of job.',
    },
    { kind: 'text', name: 'Kind' },
    { kind: 'choice', name: 'JobState', choices: JOB_STATE_CHOICES },
    { kind: 'text', name: 'Owner', description: 'The instance (host:pid) running the job or holding the lease.' },
    { kind: 'dateTime', name: 'StartedAt', format: 'dateTime', indexed: true },
    { kind: 'dateTime', name: 'FinishedAt', format: 'dateTime' },
    {
      kind: 'dateTime',
      name: 'HeartbeatAt',
      format: 'dateTime',
      description:
        'Last sign of life from the instance running the job; a running job silent past its lease was abandoned.',
    },
    {
      kind: 'text',
      name: 'HolderJobId',
      description: 'Lease rows: the job holding the lease (empty for a scheduled pass).',
    },
    {
      kind: 'dateTime',
      name: 'LeaseUntil',
      format: 'dateTime',
      description: 'Lease rows: held until then unless renewed.',
    },
    { kind: 'number', name: 'Failures', decimalPlaces: 'none', description: 'Lease rows: failed runs in a row.' },
    {
      kind: 'dateTime',
      name: 'RetryAt',
      format: 'dateTime',
      description: 'Lease rows: after failures, scheduled runs wait until then.',
    },
    {
      kind: 'text',
      name: 'LastSucceededOn',
      description: 'Lease rows: the London date of the last successful daily run.',
    },
    { kind: 'note', name: 'Result', description: 'What the job did, as JSON (counts only).' },
    { kind: 'note', name: 'JobError', description: 'Why it failed, in words for the person who started it.' },
  ],
});

export const TRELLIS_LISTS: readonly ListSchema[] = [
  casesList,
  eventsList,
  peopleList,
  targetsList,
  reviewsList,
  signaturesList,
  outboxList,
  conversationsList,
  placementsList,
  accessLogList,
  tombstonesList,
  procedureVersionsList,
  jobsList,
];

export type TrellisListName =
  | 'cases'
  | 'events'
  | 'people'
  | 'targets'
  | 'reviews'
  | 'signatures'
  | 'outbox'
  | 'conversations'
  | 'placements'
  | 'accessLog'
  | 'tombstones'
  | 'procedureVersions'
  | 'jobs';

export const LIST_DISPLAY_NAMES: Readonly<Record<TrellisListName, string>> = {
  cases: casesList.displayName,
  events: eventsList.displayName,
  people: peopleList.displayName,
  targets: targetsList.displayName,
  reviews: reviewsList.displayName,
  signatures: signaturesList.displayName,
  outbox: outboxList.displayName,
  conversations: conversationsList.displayName,
  placements: placementsList.displayName,
  accessLog: accessLogList.displayName,
  tombstones: tombstonesList.displayName,
  procedureVersions: procedureVersionsList.displayName,
  jobs: jobsList.displayName,
};

/**
 * The same lists under prefixed names, so a contract run on a real tenant's site works on
 * lists of its own and never touches the provider's.
 */
export function trellisListSchemas(prefix = ''): ListSchema[] {
  return TRELLIS_LISTS.map((schema) => ({ ...schema, displayName: `${prefix}${schema.displayName}` }));
}

// Row shapes as Graph returns them. Loose objects: system fields come along and are ignored.
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

export const caseRowSchema = z
  .object({
    CaseId: z.string(),
    CaseVersion: z.number().nullish(),
    Summary: optionalString,
  })
  .loose();

export const eventRowSchema = z
  .object({
    EventKey: z.string(),
    CaseId: z.string(),
    Seq: z.number(),
    EventType: z.string(),
    OccurredAt: z.string(),
    ActorId: optionalString,
    EventData: z.string(),
  })
  .loose();

export type CaseRow = z.infer<typeof caseRowSchema>;
export type EventRow = z.infer<typeof eventRowSchema>;
