import type { Caller } from '../../app/caller.js';
import { linkChannel } from '../../app/channels.js';
import type { Logger } from '../../app/logger.js';
import type { Conversations } from '../../app/ports.js';

/**
 * Local mode's course-team channels: one demo channel per programme, linked at start through the
 * same use case a course team member's "@Trellis use this channel for …" runs, so the
 * programme's channel cards land in /dev/connector/activities from the first sweep. A programme
 * already linked to another channel (someone linked one from the Agents Playground) is left as
 * it is; the demo channel is linked again on each start because its connector address (the
 * port) may have changed.
 */
export interface DemoCourseTeam {
  readonly programme: string;
  /** The course team member who links it, as the bot would resolve them. */
  readonly caller: Caller;
}

/** The demo channel's conversation id for a programme: shaped like a Teams channel's. */
export function demoChannelIdOf(programme: string): string {
  const slug = programme
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `19:trellis-demo-${slug}@thread.tacv2`;
}

export async function linkDemoChannels(options: {
  readonly conversations: Conversations;
  readonly courseTeams: readonly DemoCourseTeam[];
  /** Where the bot sends: the dev connector (or the Playground's) at this start's address. */
  readonly serviceUrl: string;
  readonly tenantId: string;
  readonly logger: Logger;
}): Promise<number> {
  let linked = 0;
  for (const { programme, caller } of options.courseTeams) {
    const conversationId = demoChannelIdOf(programme);
    const existing = await options.conversations.findChannel(programme);
    if (existing !== undefined && existing.conversationId !== conversationId) continue;
    if (existing?.serviceUrl === options.serviceUrl) continue;
    const result = await linkChannel(options.conversations, caller, {
      programme,
      conversationId,
      serviceUrl: options.serviceUrl,
      tenantId: options.tenantId,
      teamId: `19:trellis-demo-team@thread.tacv2`,
    });
    if (result === 'linked') linked++;
    else options.logger.warn('demo channel not linked: the demo course team may not link it', { programme });
  }
  if (linked > 0) options.logger.info('demo course-team channels linked', { channels: linked });
  return linked;
}
