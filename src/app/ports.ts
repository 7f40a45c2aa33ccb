import type { LocalDate } from '../domain/calendar/index.js';

/**
 * Ports the application layer owns for the Teams edge and the composition root; adapters in
 * src/store implement them over Graph. Nothing here names a Graph shape or a list column.
 */

/** A person's 1:1 conversation with the bot, as remembered so Trellis can write to them later. */
export interface PersonConversation {
  /** Sign-in name, lower case: the id people have on cases. */
  readonly upn: string;
  readonly name: string;
  /** Entra object id (`from.aadObjectId`). */
  readonly aadObjectId: string;
  /** The Teams user id (`from.id`, "29:…"): what `refresh.userIds` names. */
  readonly teamsUserId: string;
  readonly tenantId: string | undefined;
  /** The 1:1 conversation with the bot, once there is one. */
  readonly conversationId: string | undefined;
  readonly serviceUrl: string | undefined;
}

/**
 * The channel where a programme's course team gets case cards. Only a course-team member of the
 * programme (or an admin, for '*') links one, by writing to Trellis in that channel; adding
 * Trellis to a team links nothing.
 */
export interface ChannelConversation {
  /** Programme name, or '*' for every programme without a channel of its own (an admin's choice). */
  readonly programme: string;
  readonly conversationId: string;
  readonly serviceUrl: string;
  readonly tenantId: string | undefined;
  readonly teamId: string | undefined;
  /** Who linked it (sign-in name). */
  readonly linkedBy: string;
}

/** Conversation references, shared by every instance. */
export interface Conversations {
  savePerson(person: PersonConversation): Promise<PersonConversation>;
  findPerson(upn: string): Promise<PersonConversation | undefined>;
  findPersonByObjectId(aadObjectId: string): Promise<PersonConversation | undefined>;
  saveChannel(channel: ChannelConversation): Promise<void>;
  findChannel(programme: string): Promise<ChannelConversation | undefined>;
  /** Unlinks the programme's channel if it is this conversation; false when it was not linked here. */
  removeChannel(programme: string, conversationId: string): Promise<boolean>;
}

/** Trellis's app roles as Entra names them. */
export const APP_ROLE_NAMES = ['CourseTeam', 'Admin'] as const;
export type AppRoleName = (typeof APP_ROLE_NAMES)[number];

/** Which app roles a person holds, asked of the directory (bot activities carry none). */
export interface AppRoleDirectory {
  /** The roles granted to this Entra object id; throws a StoreError when the directory cannot say. */
  rolesOf(objectId: string): Promise<readonly AppRoleName[]>;
}

/** Installs the Teams app for a person who has never opened it, so Trellis can write to them. */
export interface TeamsAppInstaller {
  /** Installs Trellis for the person (already installed is fine) and returns the 1:1 chat's id. */
  installFor(upn: string): Promise<{ readonly chatId: string }>;
}

/** How a case left Trellis: by the retention policy (deleted, or anonymised to counts), or erased on request. */
export type RemovalAction = 'delete' | 'anonymise' | 'erase';

/**
 * What is kept of a removed case, so the reports stay explainable: no names, no free text (an
 * erasure's reason is the administrator's own note of the request it answers).
 */
export interface Tombstone {
  readonly caseId: string;
  readonly providerId: string;
  readonly procedureId: string;
  readonly programme: string;
  readonly openedOn: LocalDate;
  /** Undefined for a case erased while open. */
  readonly closedOn: LocalDate | undefined;
  readonly removedOn: LocalDate;
  readonly action: RemovalAction;
  /** The policy in words, as people read it on the tombstone. */
  readonly policy: string;
  /** `removing` from before the first row is deleted until the last one is gone. */
  readonly state: 'removing' | 'removed';
  /** Anonymised cases: what the cohort reports count. */
  readonly counts:
    | {
        readonly stageId: string;
        readonly reasons: readonly string[];
        readonly resolution: string | undefined;
        readonly outcomeId: string | undefined;
      }
    | undefined;
  readonly requestedBy: string | undefined;
  readonly reason: string | undefined;
}

/** What deleting one case's data removed. */
export interface RemovedCaseData {
  /** List rows: the case row, its events, projection rows and outbox rows. */
  readonly rows: number;
  /** Review meetings deleted from the organisers' Outlook calendars. */
  readonly calendarEvents: number;
}

/**
 * Removing cases for good (retention and erasure). The order is the caller's protocol: the
 * tombstone is written first (state `removing`), then the case's data is deleted, then the
 * tombstone is marked `removed`. Each step may be repeated: a run cut short anywhere is finished
 * by the next one, which finds the `removing` tombstone.
 */
export interface CaseRecords {
  tombstones(): Promise<readonly Tombstone[]>;
  findTombstone(caseId: string): Promise<Tombstone | undefined>;
  /** Writes the tombstone as `removing`; one already there for the case is answered as it is. */
  beginRemoval(tombstone: Tombstone): Promise<Tombstone>;
  /**
   * Deletes every row that holds the case (its events first, so a half-deleted case can no
   * longer be read or written as if whole; its row last) and the calendar events its
   * notifications made. Already gone counts as done.
   */
  removeCaseData(caseId: string): Promise<RemovedCaseData>;
  finishRemoval(caseId: string): Promise<Tombstone>;
}
