import { stripMentionsText, type ActivityLike, type CloudEnvironment } from '@microsoft/teams.api';
import { versionsOf } from '../app/cases/procedure-versions.js';
import { isAdaptiveCard } from '@microsoft/teams.cards';
import { App, type HttpMethod, type HttpRouteHandler, type IHttpServerAdapter } from '@microsoft/teams.apps';
import type { ILogger } from '@microsoft/teams.common';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { linkChannel, unlinkChannel } from '../app/channels.js';
import type { Caller } from '../app/caller.js';
import type { Logger } from '../app/logger.js';
import type { UseCaseDeps } from '../app/deps.js';
import { listCases } from '../app/cases/list-cases.js';
import { recordRead } from '../app/access-log.js';
import { OUTLOOK_CHANNEL_ID, type CardLinks } from '../cards/index.js';
import type { Conversations } from '../app/ports.js';
import { handleCardAction } from './card-actions.js';
import { isReviewer, personalSummaryCardFor, reviewCardFor } from './case-cards.js';
import type { IdentityResolver, MemberInfo, ResolvedUser } from './identity.js';
import { openConcernDialog, searchCases, submitConcern } from './message-extension.js';

/**
 * The Trellis bot on the Teams SDK (`@microsoft/teams.apps`), inside our own express app: the
 * SDK's HttpServer registers its /api/messages route with an adapter that only captures it,
 * and `messages` (mounted by createApp at POST /api/messages) hands each request to it. One
 * process, one port; the SDK validates Bot Framework tokens in a tenant.
 */
/** The Teams SDK app with Trellis's transport settings, before any handler is registered. */
export interface TeamsAppOptions {
  readonly mode: 'local' | 'tenant';
  readonly logger: Logger;
  /** Tenant mode: the bot's Entra app registration (BOT_ID/BOT_PASSWORD or ENTRA_*). */
  readonly credentials?: { readonly clientId: string; readonly clientSecret: string; readonly tenantId: string };
  /**
   * Tests only: where the SDK fetches Bot Framework signing keys and which issuer it accepts
   * (a local JWKS), in place of the public cloud. Configuration never sets it.
   */
  readonly cloud?: CloudEnvironment;
}

export interface TeamsApp {
  readonly mode: 'local' | 'tenant';
  readonly app: App;
  /** The HTTP client carrying the bot's Bot Framework token: what proactive senders post with. */
  readonly http: App['api']['http'];
  readonly adapter: MountedAdapter;
}

/**
 * Step one of the bot: the SDK app and its authenticated HTTP client. The card senders are made
 * from `http` before the notifications exist, and the handlers (createBot) after, so nothing
 * needs binding late.
 */
export function createTeamsApp(options: TeamsAppOptions): TeamsApp {
  const adapter = new MountedAdapter();
  const app = new App({
    httpServerAdapter: adapter,
    logger: sdkLogger(options.logger),
    // Local mode only, and only from this machine (checked below for every request).
    dangerouslyAllowUnauthenticatedRequests: options.mode === 'local',
    ...(options.credentials
      ? {
          clientId: options.credentials.clientId,
          clientSecret: options.credentials.clientSecret,
          tenantId: options.credentials.tenantId,
        }
      : {}),
    ...(options.cloud ? { cloud: options.cloud } : {}),
  });
  return { mode: options.mode, app, http: app.api.http, adapter };
}

export interface BotOptions {
  readonly useCases: UseCaseDeps;
  readonly conversations: Conversations;
  readonly links: CardLinks;
  readonly identity: IdentityResolver;
  readonly logger: Logger;
  /** Where proactive sends go when nothing stored says (local: the dev connector or the Playground). */
  readonly defaultServiceUrl: () => string;
  /** The actionable-message originator registered for the bot's Outlook channel: every card answered to Outlook carries it. */
  readonly outlookOriginator?: string | undefined;
}

export interface TrellisBot {
  /** POST /api/messages. */
  readonly messages: RequestHandler;
  readonly app: App;
}

/** The manifest's "help" command. */
export const HELP_TEXT = [
  'Trellis shows your open cases here: write anything (or "my cases").',
  'Where you review a case, the review form comes as a card: fill it in and submit it here.',
  'Search cases and share a case card from the message extension; "Raise a concern" is on a message\'s … menu.',
  'Everything else is in the Trellis tab.',
].join('\n\n');

/** What Trellis says in a channel: how a course team links it (nothing is linked by adding the app). */
export const LINK_HELP = [
  'Trellis posts a programme’s case cards in a channel only once the programme’s course team links it.',
  'To link this channel, a course team member writes here: @Trellis use this channel for <programme name>.',
  'To unlink it: @Trellis stop using this channel for <programme name>.',
  'Trellis never shows anyone’s cases in a channel or group chat: write to Trellis in a 1:1 chat, or open the Trellis tab.',
].join('\n\n');

/** The answer to anything else in a channel or group chat. */
export const NOT_HERE =
  'Trellis shows no one’s cases in a channel or group chat. Write to Trellis in a 1:1 chat to see yours, or open the Trellis tab. Write "@Trellis help" here to see how a course team links this channel.';

export const NO_BOT_SIGN_IN = 'Trellis does not use bot sign-in: open the Trellis tab to sign in.';

/**
 * The message's text as a command: the bot's own @mention removed with the Teams SDK's mention
 * handling (other people's mentions keep their names), markup dropped. Undefined when the
 * activity carries no text (null, a number, an attachment only).
 */
export function messageText(activity: {
  readonly text?: unknown;
  readonly recipient?: { readonly id?: string };
  readonly entities?: unknown;
}): string | undefined {
  if (typeof activity.text !== 'string') return undefined;
  let text = activity.text;
  try {
    const entities = Array.isArray(activity.entities) ? activity.entities.filter(isMention) : [];
    text =
      stripMentionsText(
        { type: 'message', text, entities } as Parameters<typeof stripMentionsText>[0],
        activity.recipient?.id === undefined ? {} : { accountId: activity.recipient.id },
      ) ?? '';
  } catch {
    // Malformed mention entities: read the text as it is.
  }
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function isMention(entity: unknown): boolean {
  if (typeof entity !== 'object' || entity === null) return false;
  const e = entity as { type?: unknown; mentioned?: unknown; text?: unknown };
  return (
    e.type === 'mention' &&
    typeof e.mentioned === 'object' &&
    e.mentioned !== null &&
    (e.text === undefined || typeof e.text === 'string')
  );
}

/** Captures the SDK's route instead of starting a server of its own. */
export class MountedAdapter implements IHttpServerAdapter {
  handler: HttpRouteHandler | undefined;
  registerRoute(_method: HttpMethod, _path: string, handler: HttpRouteHandler): void {
    this.handler = handler;
  }
}

const EMAIL_ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** Bot activities are small; a card submission with long evidence is a few tens of KB. */
const ACTIVITY_LIMIT = '256kb';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The envelope every activity needs before the SDK touches it: malformed ones get a 400, never a 5xx. */
const activityEnvelope = z
  .object({
    type: z.string().min(1).max(60),
    serviceUrl: z.url().max(2000),
    channelId: z.string().max(60).optional(),
    from: z
      .object({
        id: z.string().min(1).max(400),
        aadObjectId: z.string().max(100).optional(),
        name: z.string().max(400).optional(),
      })
      .loose(),
    conversation: z
      .object({
        id: z.string().min(1).max(1000),
        conversationType: z.string().max(40).optional(),
        tenantId: z.string().max(100).optional(),
      })
      .loose(),
    recipient: z
      .object({ id: z.string().max(400) })
      .loose()
      .optional(),
    name: z.string().max(200).optional(),
  })
  .loose();
type ActivityEnvelope = z.infer<typeof activityEnvelope>;

function isLoopbackUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  } catch {
    return false;
  }
}

/**
 * The Teams SDK's log lines, through Trellis's logger. The SDK may pass whole activities, HTTP
 * answers or cards (message text, names, addresses): only its own words are kept (strings and
 * error messages, scrubbed by the logger), every object is dropped, and debug and trace lines,
 * which log activities whole, are never written.
 */
function sdkLogger(logger: Logger): ILogger {
  const text = (msg: unknown[]): string =>
    msg
      .map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : `[${typeof m}]`))
      .join(' ')
      .slice(0, 500);
  const out: ILogger = {
    debug: () => undefined,
    trace: () => undefined,
    info: (...msg: unknown[]) => {
      logger.info('teams sdk', { message: text(msg) });
    },
    warn: (...msg: unknown[]) => {
      logger.warn('teams sdk', { message: text(msg) });
    },
    error: (...msg: unknown[]) => {
      logger.error('teams sdk', { message: text(msg) });
    },
    log: (...msg: unknown[]) => {
      logger.info('teams sdk', { message: text(msg) });
    },
    child: () => out,
  };
  return out;
}

/** Step two: Trellis's handlers on the SDK app, then the route the server mounts at POST /api/messages. */
export async function createBot(teams: TeamsApp, options: BotOptions): Promise<TrellisBot> {
  const { app, adapter } = teams;
  const deps = {
    useCases: options.useCases,
    conversations: options.conversations,
    links: options.links,
    clock: options.useCases.clock,
  };

  interface Incoming {
    readonly activity: {
      readonly channelId?: unknown;
      readonly from: { readonly id: string; readonly aadObjectId?: string; readonly name?: string };
      readonly conversation: { readonly id: string; readonly tenantId?: string; readonly conversationType?: unknown };
    };
    readonly api: App['api'];
  }
  const resolve = async (ctx: Incoming): Promise<ResolvedUser | undefined> => {
    const { from, conversation } = ctx.activity;
    if (ctx.activity.channelId === OUTLOOK_CHANNEL_ID) {
      // Outlook has no conversation roster to ask: the person is the Bot Framework account
      // the activity comes from, named by Entra object id (`from.aadObjectId`). Microsoft
      // documents only the invoke's `value` for this channel, not what `from.id` holds, so
      // it is taken as the person's address only when it is one (a first meeting in a tenant).
      const address = from.id.trim().toLowerCase();
      return options.identity(
        {
          channel: 'outlook',
          teamsUserId: '',
          aadObjectId: from.aadObjectId,
          name: from.name,
          tenantId: conversation.tenantId,
        },
        () => Promise.resolve(EMAIL_ADDRESS.test(address) ? { email: address, name: from.name } : undefined),
      );
    }
    const lookup = async (): Promise<MemberInfo | undefined> => {
      try {
        const member = await ctx.api.conversations.getMemberById(conversation.id, from.id);
        return { userPrincipalName: member.userPrincipalName, email: member.email, name: member.name };
      } catch (error) {
        options.logger.warn('teams member lookup failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        return undefined;
      }
    };
    return options.identity(
      {
        channel: 'teams',
        teamsUserId: from.id,
        aadObjectId: from.aadObjectId,
        name: from.name,
        tenantId: conversation.tenantId,
      },
      lookup,
    );
  };
  const callerOf = async (ctx: Incoming): Promise<Caller | undefined> => (await resolve(ctx))?.caller;

  app.on('card.action', async (ctx) => {
    const answer = await handleCardAction(deps, await callerOf(ctx), ctx.activity.value);
    // Outlook shows a card the bot answers with only when it names the registered originator.
    const originator = options.outlookOriginator;
    if (ctx.activity.channelId !== OUTLOOK_CHANNEL_ID || originator === undefined) return answer;
    return answer.type === 'application/vnd.microsoft.card.adaptive'
      ? { ...answer, value: { ...answer.value, originator } }
      : answer;
  });
  app.on('message.ext.query', async (ctx) => searchCases(deps, await callerOf(ctx), ctx.activity.value));
  app.on('message.ext.open', async (ctx) => {
    const authorUpn = async (author: {
      id: string | undefined;
      aadObjectId: string | undefined;
      name: string | undefined;
    }) => {
      if (author.id === undefined) return undefined;
      const found = await options.identity(
        {
          channel: 'teams',
          teamsUserId: author.id,
          aadObjectId: author.aadObjectId,
          name: author.name,
          tenantId: ctx.activity.conversation.tenantId,
        },
        async () => {
          try {
            const member = await ctx.api.conversations.getMemberById(ctx.activity.conversation.id, author.id ?? '');
            return { userPrincipalName: member.userPrincipalName, email: member.email, name: member.name };
          } catch {
            return undefined;
          }
        },
      );
      return found?.person.upn;
    };
    return openConcernDialog(deps, await callerOf(ctx), ctx.activity.value, authorUpn);
  });
  app.on('message.ext.submit', async (ctx) => submitConcern(deps, await callerOf(ctx), ctx.activity.value));

  /**
   * Install and membership events: remember where to reach people. Adding Trellis to a team or a
   * group chat links nothing: the course team links a channel to their programme by writing to
   * Trellis in it (LINK_HELP), so nobody receives a programme's cards by installing the app.
   */
  const remember = async (
    ctx: Incoming & { readonly activity: { readonly serviceUrl?: string; readonly channelData?: unknown } },
  ): Promise<void> => {
    const { conversation } = ctx.activity;
    const serviceUrl = ctx.activity.serviceUrl ?? options.defaultServiceUrl();
    if (conversation.conversationType === 'personal' || conversation.conversationType === undefined) {
      const user = await resolve(ctx);
      if (user) await options.conversations.savePerson({ ...user.person, conversationId: conversation.id, serviceUrl });
    }
  };
  app.on('install.add', async (ctx) => {
    await remember(ctx);
  });
  app.on('conversationUpdate', async (ctx) => {
    const added = ctx.activity.membersAdded ?? [];
    if (added.length === 0) return;
    await remember(ctx);
    const botAdded = added.some((m) => m.id === ctx.activity.recipient.id);
    if (botAdded && ctx.activity.conversation.conversationType === 'channel') await ctx.send(LINK_HELP);
  });
  // Trellis does not use bot sign-in (the tab signs people in): these invokes are answered, not failed.
  app.on('signin.verify-state', () => Promise.resolve({ status: 400 }));
  app.on('signin.token-exchange', (ctx) => {
    const value: unknown = ctx.activity.value;
    const id =
      typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string' ? value.id : '';
    // 412: Teams gives up on single sign-on for the bot, which Trellis never asked for.
    return Promise.resolve({ status: 412, body: { id, connectionName: '', failureDetail: NO_BOT_SIGN_IN } });
  });

  app.on('message', async (ctx) => {
    const conversation = ctx.activity.conversation;
    // Typed as always present, but an activity may leave it out (a 1:1 chat then).
    const type: unknown = conversation.conversationType;
    const personal = type === 'personal' || type === undefined;
    const text = messageText(ctx.activity);
    if (text === undefined) {
      // No text (a number, null, only an attachment): nothing to act on.
      if (personal) await ctx.send('Trellis reads text messages. Write "help" to see what it can do.');
      return;
    }
    const user = await resolve(ctx);
    if (!user) {
      await ctx.send(
        'Trellis does not know who you are yet. Ask your course team to check that your sign-in name is on your cases.',
      );
      return;
    }
    if (conversation.conversationType === 'personal') {
      await options.conversations.savePerson({
        ...user.person,
        conversationId: conversation.id,
        serviceUrl: ctx.activity.serviceUrl,
      });
    }
    const link = /^use this channel for (.{1,200})$/i.exec(text);
    const unlink = /^stop using this channel for (.{1,200})$/i.exec(text);
    if ((link?.[1] ?? unlink?.[1]) !== undefined) {
      if (conversation.conversationType !== 'channel') {
        await ctx.send('Only a team channel can be linked to a programme. Write this in the channel you want to use.');
        return;
      }
      const programme = (link?.[1] ?? unlink?.[1] ?? '').trim();
      const shown = programme.replace(/[<>*_`[\]]/g, '');
      const refused = `Only the course team of ${shown} (or an admin) can choose its channel. Nothing was changed.`;
      if (unlink) {
        const result = await unlinkChannel(options.conversations, user.caller, programme, conversation.id);
        await ctx.send(
          result === 'not_allowed'
            ? refused
            : result === 'unlinked'
              ? `Cards about ${shown} cases will no longer come to this channel.`
              : `This channel is not linked to ${shown}; nothing was changed.`,
        );
        return;
      }
      const team = (ctx.activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
      const result = await linkChannel(options.conversations, user.caller, {
        programme,
        conversationId: conversation.id,
        serviceUrl: ctx.activity.serviceUrl ?? options.defaultServiceUrl(),
        tenantId: conversation.tenantId,
        teamId: team,
      });
      if (result === 'not_allowed') {
        await ctx.send(refused);
        return;
      }
      await ctx.send(`Cards about ${shown} cases will come to this channel.`);
      return;
    }
    if (/^help\b/i.test(text)) {
      await ctx.send(personal ? HELP_TEXT : LINK_HELP);
      return;
    }
    if (!personal) {
      // A channel or a group chat: everyone there would read someone's cases.
      await ctx.send(NOT_HERE);
      return;
    }
    await sendMyCases(ctx, user.caller);
  });

  /** Any message in chat: the person's open cases, with the review form where they review. */
  const sendMyCases = async (
    ctx: { send: (activity: ActivityLike) => Promise<unknown> },
    caller: Caller,
  ): Promise<void> => {
    const page = await listCases(options.useCases, caller, { mine: 'true', status: 'open', limit: '5' });
    if (page.items.length === 0) {
      await ctx.send('You have no open cases in Trellis.');
      return;
    }
    for (const summary of page.items) {
      const stored = await options.useCases.repository.find(summary.id);
      const procedure = stored
        ? await versionsOf(options.useCases)
            .of(stored.state)
            .catch(() => undefined)
        : undefined;
      if (!stored || !procedure) continue;
      const card =
        stored.state.status === 'active' && isReviewer(caller, stored, procedure)
          ? await reviewCardFor(deps, caller, stored, procedure, stored.state.version)
          : await personalSummaryCardFor(deps, caller, stored, procedure);
      // The SDK sends a card as the message's one Adaptive Card attachment.
      if (isAdaptiveCard(card)) {
        await ctx.send(card);
        recordRead(options.useCases, caller, stored.state.id, 'card');
      }
    }
  };

  await app.initialize();
  const handler = adapter.handler;
  if (!handler) throw new Error('The Teams SDK registered no messaging route.');

  const json = express.json({ limit: ACTIVITY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] });
  const messages = express.Router();
  messages.use((req: Request, res: Response, next: NextFunction) => {
    if (teams.mode === 'local' && !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      res.status(403).json({ error: 'The local bot endpoint only accepts requests from this machine.' });
      return;
    }
    next();
  });
  messages.use(json);
  messages.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(400).json({ error: 'The activity is not valid JSON (or is too large).' });
  });
  messages.use((req: Request, res: Response, next: NextFunction) => {
    handle(req, res).catch(next);
  });
  const handle = async (req: Request, res: Response): Promise<void> => {
    const parsed = activityEnvelope.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({
        error: `Not a Teams activity: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || 'body'} ${i.message}`)
          .join('; ')}.`,
      });
      return;
    }
    const activity: ActivityEnvelope = parsed.data;
    // Without token validation the serviceUrl would let anyone point the bot's replies anywhere.
    if (teams.mode === 'local' && !isLoopbackUrl(activity.serviceUrl)) {
      res.status(400).json({ error: 'In local mode the activity’s serviceUrl must be on this machine.' });
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value;
    const result = await handler({ body: activity, headers });
    if (result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
  };

  return { messages, app };
}
