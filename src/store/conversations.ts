import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { eq } from './graph/odata.js';
import { ConflictError } from './graph/errors.js';
import { ListItemStore, type ListItem, type ListRef } from './graph/items.js';
import type { ChannelConversation, Conversations, PersonConversation } from '../app/ports.js';

export type { ChannelConversation, PersonConversation } from '../app/ports.js';

/**
 * Bot conversation references in the "Trellis Conversations" list (src/store/lists.ts), so
 * Trellis can write to a person 1:1 and post to a course team's channel from any instance.
 *
 * Rows, by ConversationKey:
 *  - `person:<upn>`: a person's 1:1 chat with the bot; UserId is their Entra object id, so an
 *    activity's `from.aadObjectId` maps back to who they are (the Teams user id is kept too,
 *    for Universal Actions `refresh.userIds`);
 *  - `channel:<programme>` (lower case) or `channel:*` (every programme without its own): the
 *    channel where the course team gets case cards.
 * (Acknowledgements used to be `ack:<about>:<caseId>` rows here; they are now events in the
 * case's trail, so rows left from before are simply never read.)
 */

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const rowSchema = z
  .object({
    ConversationKey: z.string(),
    UserId: text,
    ConversationId: text,
    ServiceUrl: text,
    Reference: text,
  })
  .loose();
type Row = z.infer<typeof rowSchema>;

const personReference = z.object({
  upn: z.string(),
  name: z.string(),
  aadObjectId: z.string(),
  teamsUserId: z.string(),
  tenantId: z.string().optional(),
});
const channelReference = z.object({
  programme: z.string(),
  tenantId: z.string().optional(),
  teamId: z.string().optional(),
});

/** SharePoint single-line text holds 255 characters. */
const MAX_KEY = 255;
/** Object ids already mapped to a person: an identity never changes, so this is a safe cache. */
const KNOWN_IDS = 5000;

export const personKey = (upn: string): string => `person:${upn.trim().toLowerCase()}`.slice(0, MAX_KEY);
export const channelKey = (programme: string): string => `channel:${programme.trim().toLowerCase()}`.slice(0, MAX_KEY);

function parseJson<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toPerson(row: Row): PersonConversation | undefined {
  const ref = parseJson(personReference, row.Reference);
  if (!ref) return undefined;
  return {
    upn: ref.upn,
    name: ref.name,
    aadObjectId: ref.aadObjectId,
    teamsUserId: ref.teamsUserId,
    tenantId: ref.tenantId,
    conversationId: row.ConversationId,
    serviceUrl: row.ServiceUrl,
  };
}

export class ConversationStore implements Conversations {
  private readonly items: ListItemStore<Row>;
  private readonly byObjectId = new Map<string, PersonConversation>();

  constructor(client: Client, list: ListRef) {
    this.items = new ListItemStore(client, list, { fields: rowSchema, keyField: 'ConversationKey' });
  }

  /**
   * Records what Teams told us about a person. Fields not given (a conversation id learnt
   * only from a 1:1 chat) keep their stored value, so a message in a group chat never
   * forgets the person's 1:1 conversation.
   */
  async savePerson(person: PersonConversation): Promise<PersonConversation> {
    const key = personKey(person.upn);
    const existing = await this.items.findByKey(key);
    const previous = existing ? toPerson(existing.fields) : undefined;
    const merged: PersonConversation = {
      ...person,
      upn: person.upn.trim().toLowerCase(),
      conversationId: person.conversationId ?? previous?.conversationId,
      serviceUrl: person.serviceUrl ?? previous?.serviceUrl,
    };
    const fields = {
      Title: merged.name.slice(0, MAX_KEY),
      ConversationKey: key,
      UserId: merged.aadObjectId,
      ConversationId: merged.conversationId ?? null,
      ServiceUrl: merged.serviceUrl ?? null,
      Reference: JSON.stringify({
        upn: merged.upn,
        name: merged.name,
        aadObjectId: merged.aadObjectId,
        teamsUserId: merged.teamsUserId,
        tenantId: merged.tenantId,
      }),
    };
    await this.upsert(existing, fields);
    this.remember(merged);
    return merged;
  }

  async findPerson(upn: string): Promise<PersonConversation | undefined> {
    const item = await this.items.findByKey(personKey(upn));
    const person = item ? toPerson(item.fields) : undefined;
    if (person) this.remember(person);
    return person;
  }

  /** The person with this Entra object id, from the indexed UserId column. */
  async findPersonByObjectId(aadObjectId: string): Promise<PersonConversation | undefined> {
    const id = aadObjectId.toLowerCase();
    const known = this.byObjectId.get(id);
    if (known) return known;
    for await (const page of this.items.queryItems({ filter: eq('UserId', aadObjectId), top: 5 })) {
      for (const item of page) {
        if (!item.fields.ConversationKey.startsWith('person:')) continue;
        const person = toPerson(item.fields);
        if (person) {
          this.remember(person);
          return person;
        }
      }
    }
    return undefined;
  }

  async saveChannel(channel: ChannelConversation): Promise<void> {
    const key = channelKey(channel.programme);
    const existing = await this.items.findByKey(key);
    await this.upsert(existing, {
      Title: `Channel for ${channel.programme}`.slice(0, MAX_KEY),
      ConversationKey: key,
      UserId: null,
      ConversationId: channel.conversationId,
      ServiceUrl: channel.serviceUrl,
      Reference: JSON.stringify({ programme: channel.programme, tenantId: channel.tenantId, teamId: channel.teamId }),
    });
  }

  /** The programme's own channel, else the default one (`*`). */
  async findChannel(programme: string): Promise<ChannelConversation | undefined> {
    for (const key of [channelKey(programme), channelKey('*')]) {
      const item = await this.items.findByKey(key);
      const ref = item ? parseJson(channelReference, item.fields.Reference) : undefined;
      if (item && ref && item.fields.ConversationId && item.fields.ServiceUrl) {
        return {
          programme: ref.programme,
          conversationId: item.fields.ConversationId,
          serviceUrl: item.fields.ServiceUrl,
          tenantId: ref.tenantId,
          teamId: ref.teamId,
        };
      }
    }
    return undefined;
  }

  private remember(person: PersonConversation): void {
    if (this.byObjectId.size >= KNOWN_IDS) this.byObjectId.clear();
    this.byObjectId.set(person.aadObjectId.toLowerCase(), person);
  }

  /** Create, or update with the eTag just read; a concurrent writer's newer row is re-read and written over once. */
  private async upsert(existing: ListItem<Row> | undefined, fields: Record<string, string | null>): Promise<void> {
    if (!existing) {
      const created = await this.items.createItem(fields);
      if (created.created) return;
      existing = created.item;
    }
    try {
      await this.items.updateItem(existing.id, fields, existing.eTag);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const now = await this.items.getItem(existing.id);
      await this.items.updateItem(now.id, fields, now.eTag);
    }
  }
}
