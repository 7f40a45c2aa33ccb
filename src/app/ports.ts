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

/** The channel where a programme's course team gets case cards. */
export interface ChannelConversation {
  /** Programme name, or '*' for every programme without a channel of its own. */
  readonly programme: string;
  readonly conversationId: string;
  readonly serviceUrl: string;
  readonly tenantId: string | undefined;
  readonly teamId: string | undefined;
}

/** Conversation references, shared by every instance. */
export interface Conversations {
  savePerson(person: PersonConversation): Promise<PersonConversation>;
  findPerson(upn: string): Promise<PersonConversation | undefined>;
  findPersonByObjectId(aadObjectId: string): Promise<PersonConversation | undefined>;
  saveChannel(channel: ChannelConversation): Promise<void>;
  findChannel(programme: string): Promise<ChannelConversation | undefined>;
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
