import { devObjectIdOf } from '../src/bot/identity.js';

/**
 * A card's Action.Execute as Teams sends it to `/api/messages` in a person's chat with the bot,
 * on local mode at `baseUrl` (its dev connector stands in for the Bot Framework): the invoke
 * response's body as text.
 */
export async function invokeCardAction(baseUrl: string, upn: string, verb: string, data: unknown): Promise<string> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelId: 'msteams',
      serviceUrl: `${baseUrl}/dev/connector`,
      from: { id: `29:${upn}`, aadObjectId: devObjectIdOf(upn) },
      recipient: { id: '28:trellis' },
      conversation: { id: `a:${upn}`, conversationType: 'personal' },
      value: { action: { type: 'Action.Execute', verb, data } },
    }),
  });
  return response.text();
}
