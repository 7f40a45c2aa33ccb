/** Teams: app installations (31), activity notifications (30), channel messages (29). */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { zodMessage } from './columns.js';
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError } from './errors.js';
import { emptyResponse, jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import { base64UrlEncode } from './json.js';
import { evaluateFilter, FilterSyntaxError, parseFilter } from './odata-filter.js';
import { parseExpand } from './odata-query.js';
import type { ChannelMessage, Installation } from './records.js';

const badRequest = (message: string): GraphHttpError => new GraphHttpError(400, 'BadRequest', message);

/** A stable GUID-shaped id derived from text (users may be addressed by UPN). */
function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function userKey(p: Readonly<Record<string, string>>): string {
  return (p.user ?? '').toLowerCase();
}

function renderTeamsApp(appId: string): Record<string, unknown> {
  return { id: appId, externalId: appId, displayName: 'Trellis', distributionMethod: 'organization' };
}

function renderInstallation(
  ctx: HandlerContext,
  install: Installation,
  req: EmuRequest,
  withContext: boolean,
): Record<string, unknown> {
  const expand = parseExpand(queryValue(req, '$expand')).map((e) => e.name.toLowerCase());
  const out: Record<string, unknown> = withContext
    ? { '@odata.context': `${ctx.graphBase}/$metadata#users('${install.userId}')/teamwork/installedApps/$entity` }
    : {};
  out.id = install.id;
  if (expand.includes('teamsapp')) out.teamsApp = renderTeamsApp(install.teamsAppId);
  if (expand.includes('teamsappdefinition')) {
    out.teamsAppDefinition = {
      id: base64UrlEncode(`${install.teamsAppId}##1.0.0`),
      teamsAppId: install.teamsAppId,
      displayName: 'Trellis',
      version: '1.0.0',
    };
  }
  return out;
}

function userInstalls(ctx: HandlerContext, user: string): Installation[] {
  return [...ctx.state.installs.values()].filter((i) => i.userId === user);
}

function requireInstall(ctx: HandlerContext, user: string, id: string): Installation {
  const install = ctx.state.installs.get(id);
  if (install === undefined || install.userId !== user)
    throw new GraphHttpError(404, 'NotFound', 'The requested installation could not be found.');
  return install;
}

const installBodySchema = z.looseObject({ 'teamsApp@odata.bind': z.string().min(1) });

function install(ctx: HandlerContext, req: EmuRequest, user: string): void {
  const parsed = installBodySchema.safeParse(req.body);
  if (!parsed.success) throw badRequest(zodMessage(parsed.error));
  const bind = parsed.data['teamsApp@odata.bind'];
  const match = /\/appCatalogs\/teamsApps\/([^/?#]+)$/i.exec(bind);
  const appId = match?.[1];
  if (appId === undefined) throw badRequest(`Invalid teamsApp@odata.bind value '${bind}'.`);
  const catalog = ctx.config.teamsAppCatalog;
  if (catalog !== undefined && !catalog.has(appId)) {
    throw new GraphHttpError(404, 'NotFound', `The app '${appId}' was not found in the app catalog.`);
  }
  if (userInstalls(ctx, user).some((i) => i.teamsAppId === appId)) {
    // Company Communicator treats this 409 as "already installed, go on".
    throw new GraphHttpError(409, 'Conflict', 'The app is already installed for this user.');
  }
  ctx.commit({
    t: 'install',
    install: {
      id: base64UrlEncode(`${guidFrom(user)}##${appId}`),
      userId: user,
      teamsAppId: appId,
      installedDateTime: new Date(ctx.now()).toISOString(),
      chatId: `19:${guidFrom(user)}_${guidFrom(appId)}@unq.gbl.spaces`,
    },
  });
}

function listInstalls(ctx: HandlerContext, req: EmuRequest, user: string): Record<string, unknown>[] {
  const text = queryValue(req, '$filter');
  let filter;
  try {
    filter = text === undefined ? undefined : parseFilter(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw badRequest(e.message);
    throw e;
  }
  return userInstalls(ctx, user)
    .filter(
      (i) =>
        filter === undefined ||
        evaluateFilter(filter, (path) => {
          const key = path.toLowerCase();
          if (key === 'id') return { kind: 'string', value: i.id };
          if (key === 'teamsapp/id' || key === 'teamsapp/externalid') return { kind: 'string', value: i.teamsAppId };
          if (key === 'teamsapp/displayname') return { kind: 'string', value: 'Trellis' };
          if (key === 'teamsapp/distributionmethod') return { kind: 'string', value: 'organization' };
          throw badRequest(`Property '${path}' is not supported in a filter on installedApps.`);
        }),
    )
    .map((i) => renderInstallation(ctx, i, req, false));
}

const activitySchema = z.looseObject({
  topic: z.looseObject({ source: z.enum(['entityUrl', 'text']), value: z.string(), webUrl: z.string().optional() }),
  activityType: z.string().min(1),
  previewText: z.looseObject({ content: z.string() }),
  templateParameters: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
  chainId: z.number().int().optional(),
});

function sendActivity(ctx: HandlerContext, req: EmuRequest, user: string): void {
  const parsed = activitySchema.safeParse(req.body);
  if (!parsed.success) throw badRequest(zodMessage(parsed.error));
  const body = parsed.data;
  if (body.topic.source === 'text' && (body.topic.webUrl === undefined || body.topic.webUrl === '')) {
    throw badRequest('topic.webUrl is required when topic.source is text.');
  }
  if (ctx.config.activityRequiresInstall && userInstalls(ctx, user).length === 0) {
    throw new GraphHttpError(
      403,
      'Forbidden',
      `Application with AAD App Id '${ctx.appIdentity.id}' is not authorized to generate custom text notifications about '${body.topic.value}' to the recipient. Ensure that the expected Teams app is installed in the target scope (user, team, or chat).`,
    );
  }
  ctx.commit({
    t: 'activity',
    notification: {
      id: ctx.newGuid(),
      userId: user,
      receivedDateTime: new Date(ctx.now()).toISOString(),
      activityType: body.activityType,
      topic: body.topic,
      previewText: body.previewText,
      templateParameters: body.templateParameters ?? [],
      ...(body.chainId === undefined ? {} : { chainId: body.chainId }),
    },
  });
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

const channelMessageSchema = z.looseObject({
  body: z.looseObject({ contentType: z.string().optional(), content: z.string() }),
  attachments: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        contentType: z.string(),
        content: z.unknown(),
      }),
    )
    .optional(),
});

/** Per-channel post times for the 4 rps limit (not persisted: it is a rate, not state). */
const channelPosts = new WeakMap<HandlerContext, Map<string, number[]>>();
let lastMessageId = 0;

function checkChannelRate(ctx: HandlerContext, key: string): void {
  const limit = ctx.config.channelMessagesPerSecond;
  if (limit <= 0) return;
  let perChannel = channelPosts.get(ctx);
  if (perChannel === undefined) {
    perChannel = new Map();
    channelPosts.set(ctx, perChannel);
  }
  const now = ctx.now();
  const recent = (perChannel.get(key) ?? []).filter((t) => now - t < 1000);
  if (recent.length >= limit) {
    perChannel.set(key, recent);
    throw new GraphHttpError(429, 'TooManyRequests', 'Please retry again later.', { 'Retry-After': '1' }, '429');
  }
  recent.push(now);
  perChannel.set(key, recent);
}

function postChannelMessage(ctx: HandlerContext, req: EmuRequest, teamId: string, channelId: string): ChannelMessage {
  const callerKind = ctx.callerKind(req);
  if (callerKind === 'app' && !ctx.config.channelPostsAllowApp) {
    throw new GraphHttpError(
      403,
      'Forbidden',
      'Message POST is allowed in application-only context only for import purposes. Refer to https://docs.microsoft.com/microsoftteams/platform/graph-api/import-messages/import-external-messages-to-teams for more details.',
    );
  }
  const parsed = channelMessageSchema.safeParse(req.body);
  if (!parsed.success) throw badRequest(zodMessage(parsed.error));
  const { body, attachments = [] } = parsed.data;
  const cards: unknown[] = [];
  const ids = new Set<string>();
  for (const a of attachments) {
    if (typeof a.content !== 'string')
      throw badRequest(`Attachment '${a.id}': content must be a JSON-encoded string, not an object.`);
    if (a.contentType !== ADAPTIVE_CARD)
      throw badRequest(`Attachment '${a.id}': contentType must be '${ADAPTIVE_CARD}'.`);
    try {
      cards.push(JSON.parse(a.content));
    } catch {
      throw badRequest(`Attachment '${a.id}': content is not valid JSON.`);
    }
    ids.add(a.id);
  }
  const referenced = new Set(
    [...body.content.matchAll(/<attachment\s+id\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1] ?? ''),
  );
  for (const id of referenced)
    if (!ids.has(id)) throw badRequest(`The body references attachment '${id}' which is not in attachments.`);
  for (const id of ids)
    if (!referenced.has(id))
      throw badRequest(`Attachment '${id}' must be referenced in the body as <attachment id="${id}"></attachment>.`);
  checkChannelRate(ctx, `${teamId}\u0000${channelId}`);
  // id = etag = epoch milliseconds, kept unique when two posts share a millisecond.
  lastMessageId = Math.max(lastMessageId + 1, ctx.now());
  return {
    id: String(lastMessageId),
    teamId,
    channelId,
    createdDateTime: new Date(lastMessageId).toISOString(),
    callerKind,
    body,
    attachments,
    cards,
  };
}

function renderChannelMessage(ctx: HandlerContext, m: ChannelMessage, withContext: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = withContext
    ? {
        '@odata.context': `${ctx.graphBase}/$metadata#teams('${m.teamId}')/channels('${m.channelId}')/messages/$entity`,
      }
    : {};
  return Object.assign(out, {
    id: m.id,
    replyToId: null,
    etag: m.id,
    messageType: 'message',
    createdDateTime: m.createdDateTime,
    lastModifiedDateTime: m.createdDateTime,
    lastEditedDateTime: null,
    deletedDateTime: null,
    subject: null,
    summary: null,
    chatId: null,
    importance: 'normal',
    locale: 'en-us',
    webUrl: `https://teams.microsoft.com/l/message/${encodeURIComponent(m.channelId)}/${m.id}?groupId=${m.teamId}&parentMessageId=${m.id}`,
    from:
      m.callerKind === 'app'
        ? {
            application: {
              id: ctx.appIdentity.id,
              displayName: ctx.appIdentity.displayName,
              applicationIdentityType: 'bot',
            },
            device: null,
            user: null,
          }
        : {
            application: null,
            device: null,
            user: { id: guidFrom('delegated-user'), displayName: 'Local Developer', userIdentityType: 'aadUser' },
          },
    body: m.body,
    channelIdentity: { teamId: m.teamId, channelId: m.channelId },
    attachments: m.attachments,
    mentions: [],
    reactions: [],
  });
}

export const teamsRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: 'users/:user/teamwork/installedApps',
    kind: 'installedApps',
    handler: (ctx, req, p) => {
      install(ctx, req, userKey(p));
      // Item 31: 201 with no body (and so no JSON Content-Type).
      return emptyResponse(201);
    },
  },
  {
    method: 'GET',
    pattern: 'users/:user/teamwork/installedApps',
    kind: 'installedApps',
    handler: (ctx, req, p) =>
      jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#users('${userKey(p)}')/teamwork/installedApps`,
        value: listInstalls(ctx, req, userKey(p)),
      }),
  },
  {
    method: 'GET',
    pattern: 'users/:user/teamwork/installedApps/:install',
    kind: 'installedApp',
    handler: (ctx, req, p) =>
      jsonResponse(200, renderInstallation(ctx, requireInstall(ctx, userKey(p), p.install ?? ''), req, true)),
  },
  {
    method: 'DELETE',
    pattern: 'users/:user/teamwork/installedApps/:install',
    kind: 'installedApp',
    handler: (ctx, _req, p) => {
      const found = requireInstall(ctx, userKey(p), p.install ?? '');
      ctx.commit({ t: 'uninstall', id: found.id });
      return emptyResponse(204);
    },
  },
  {
    method: 'GET',
    pattern: 'users/:user/teamwork/installedApps/:install/chat',
    kind: 'installedAppChat',
    handler: (ctx, _req, p) => {
      const found = requireInstall(ctx, userKey(p), p.install ?? '');
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#chats/$entity`,
        id: found.chatId,
        topic: null,
        createdDateTime: found.installedDateTime,
        lastUpdatedDateTime: found.installedDateTime,
        chatType: 'oneOnOne',
        webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(found.chatId)}/0`,
        tenantId: guidFrom('trellis-local-tenant'),
      });
    },
  },
  {
    method: 'POST',
    pattern: 'users/:user/teamwork/sendActivityNotification',
    kind: 'activityNotification',
    handler: (ctx, req, p) => {
      sendActivity(ctx, req, userKey(p));
      return emptyResponse(204);
    },
  },
  {
    method: 'POST',
    pattern: 'teams/:team/channels/:channel/messages',
    kind: 'channelMessages',
    handler: (ctx, req, p) => {
      const message = postChannelMessage(ctx, req, p.team ?? '', p.channel ?? '');
      ctx.commit({ t: 'channelMessage', message });
      return jsonResponse(201, renderChannelMessage(ctx, message, true));
    },
  },
  {
    method: 'GET',
    pattern: 'teams/:team/channels/:channel/messages',
    kind: 'channelMessages',
    handler: (ctx, _req, p) => {
      const value = ctx.state.channelMessages
        .filter((m) => m.teamId === p.team && m.channelId === p.channel)
        .map((m) => renderChannelMessage(ctx, m, false));
      return jsonResponse(200, {
        '@odata.context': `${ctx.graphBase}/$metadata#teams('${p.team ?? ''}')/channels('${p.channel ?? ''}')/messages`,
        value,
      });
    },
  },
];
