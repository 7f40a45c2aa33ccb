import { createHash } from 'node:crypto';
import type { AppRole } from '../domain/case/types.js';
import type { Caller } from '../app/caller.js';
import type { CourseTeamProgrammes } from '../app/caller.js';
import type { Conversations, PersonConversation } from '../app/ports.js';
import type { AppRoleLookup } from './app-roles.js';

/**
 * Who is asking, for a Teams activity. Teams names a person by `from.aadObjectId` (their
 * Entra object id) and `from.id` (their Teams user id); cases name people by sign-in name
 * (UPN). The resolved Caller goes through the same `accessTo` rules as a REST request.
 */
export interface TeamsUser {
  /**
   * Where the activity came from: Teams (chat, cards, message extension) or an Outlook
   * actionable message, whose `from` names the person by object id and has no Teams user id.
   */
  readonly channel: 'teams' | 'outlook';
  /** `from.id`: "29:…" in Teams; empty from Outlook. */
  readonly teamsUserId: string;
  readonly aadObjectId: string | undefined;
  readonly name: string | undefined;
  readonly tenantId: string | undefined;
}

/** What Teams says about a member when asked (the SDK's member lookup). */
export interface MemberInfo {
  readonly userPrincipalName?: string | undefined;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
}

export interface ResolvedUser {
  readonly caller: Caller;
  readonly person: PersonConversation;
}

/** `lookupMember` asks Teams (one round trip): only called when nothing stored answers. */
export type IdentityResolver = (
  user: TeamsUser,
  lookupMember: () => Promise<MemberInfo | undefined>,
) => Promise<ResolvedUser | undefined>;

export interface DirectoryPerson {
  readonly upn: string;
  readonly name: string;
  readonly roles: readonly ('CourseTeam' | 'Admin')[];
  readonly programmes: readonly string[];
}

const APP_ROLES: Readonly<Record<'CourseTeam' | 'Admin', AppRole>> = { CourseTeam: 'course_team', Admin: 'admin' };

/**
 * Local mode's object ids: a GUID derived from the sign-in name, the same for every run, so a
 * Teams client configured with it (the Playground, see scripts/playground.ts) is that person.
 */
export function devObjectIdOf(upn: string): string {
  const hex = createHash('sha256').update(`trellis-dev-user:${upn.trim().toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function callerFor(person: DirectoryPerson | undefined, upn: string, name: string): Caller {
  const appRoles = [...new Set((person?.roles ?? []).map((r) => APP_ROLES[r]))];
  const programmes: CourseTeamProgrammes = person?.programmes ?? [];
  return { actor: { id: upn.trim().toLowerCase(), name: person?.name ?? name, appRoles }, programmes };
}

/**
 * Local mode: a Teams user is the demo person whose dev object id (`devObjectIdOf`) equals
 * `from.aadObjectId`, with that person's dev roles. Anyone else is nobody: no case is theirs.
 */
export function directoryIdentity(people: readonly DirectoryPerson[]): IdentityResolver {
  const byObjectId = new Map(people.map((p) => [devObjectIdOf(p.upn), p]));
  return (user) => {
    const person = user.aadObjectId === undefined ? undefined : byObjectId.get(user.aadObjectId.toLowerCase());
    if (!person) return Promise.resolve(undefined);
    return Promise.resolve({
      caller: callerFor(person, person.upn, person.name),
      person: {
        upn: person.upn,
        name: person.name,
        aadObjectId: devObjectIdOf(person.upn),
        teamsUserId: user.teamsUserId,
        tenantId: user.tenantId,
        conversationId: undefined,
        serviceUrl: undefined,
      },
    });
  };
}

export interface TenantIdentityOptions {
  /**
   * App roles by Entra object id (`cachedAppRoles` over Graph, src/bot/app-roles.ts); it never
   * throws, a failed lookup gives none. Without it nobody has app roles in the bot.
   */
  readonly appRoles?: AppRoleLookup;
  /** TRELLIS_COURSE_TEAM_PROGRAMMES: what the CourseTeam role covers, exactly as for REST callers. */
  readonly programmes: CourseTeamProgrammes;
}

/**
 * A tenant: the stored conversation reference maps the object id to a sign-in name; the first
 * time we meet someone, the SDK's member lookup gives their UPN and it is stored. App roles do
 * not travel with bot activities, so they are looked up by object id (Graph, cached); the
 * programmes come from the same configuration REST callers get theirs from, so a person has
 * the same Caller in the bot as in the tab.
 */
export function tenantIdentity(
  store: Conversations,
  options: TenantIdentityOptions = { programmes: [] },
): IdentityResolver {
  return async (user, lookupMember) => {
    const objectId = user.aadObjectId?.trim() ?? '';
    if (objectId === '') return undefined;
    // Asked alongside the stored mapping, so a lookup that misses the cache adds no wait of its own.
    const roles = options.appRoles?.(objectId) ?? Promise.resolve([]);
    let person = await store.findPersonByObjectId(objectId);
    if (!person) {
      const member = await lookupMember();
      const upn = (member?.userPrincipalName ?? member?.email ?? '').trim().toLowerCase();
      if (upn === '' || !upn.includes('@')) return undefined;
      const met = {
        upn,
        name: member?.name ?? user.name ?? upn,
        aadObjectId: objectId,
        teamsUserId: user.teamsUserId,
        tenantId: user.tenantId,
        conversationId: undefined,
        serviceUrl: undefined,
      };
      // Remembered from Teams only: an Outlook action carries no Teams user id to write to later.
      person = user.channel === 'teams' ? await store.savePerson(met) : met;
    }
    const appRoles = [...new Set((await roles).map((r) => APP_ROLES[r]))];
    return {
      caller: {
        actor: { id: person.upn.trim().toLowerCase(), name: person.name, appRoles },
        programmes: options.programmes,
      },
      person,
    };
  };
}
