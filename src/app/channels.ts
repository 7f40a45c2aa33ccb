import { isAdmin, isCourseTeamFor } from './access.js';
import type { Caller } from './caller.js';
import type { Conversations } from './ports.js';

/**
 * Linking a Teams channel to a programme, so the programme's case cards go there: only the
 * programme's course team may (or an admin, for '*', the channel of every programme without one
 * of its own). The bot runs it when a course team member writes "use this channel for …" in a
 * channel; local mode runs it for its demo course teams at start.
 */
export interface ChannelLink {
  readonly programme: string;
  readonly conversationId: string;
  readonly serviceUrl: string;
  readonly tenantId: string | undefined;
  readonly teamId: string | undefined;
}

export type ChannelLinkResult = 'linked' | 'unlinked' | 'not_linked_here' | 'not_allowed';

export function mayLinkChannel(caller: Caller, programme: string): boolean {
  return programme === '*' ? isAdmin(caller) : isCourseTeamFor(caller, programme);
}

export async function linkChannel(
  conversations: Conversations,
  caller: Caller,
  link: ChannelLink,
): Promise<Extract<ChannelLinkResult, 'linked' | 'not_allowed'>> {
  if (!mayLinkChannel(caller, link.programme)) return 'not_allowed';
  await conversations.saveChannel({ ...link, linkedBy: caller.actor.id });
  return 'linked';
}

export async function unlinkChannel(
  conversations: Conversations,
  caller: Caller,
  programme: string,
  conversationId: string,
): Promise<Extract<ChannelLinkResult, 'unlinked' | 'not_linked_here' | 'not_allowed'>> {
  if (!mayLinkChannel(caller, programme)) return 'not_allowed';
  return (await conversations.removeChannel(programme, conversationId)) ? 'unlinked' : 'not_linked_here';
}
