/** Calendar events (item 28): create/read/update/delete, transactionId dedupe, time zones. */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { zodMessage } from './columns.js';
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError } from './errors.js';
import { emptyResponse, jsonResponse, queryValue } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import { checkMailboxAllowed } from './mail.js';
import { parseTop } from './odata-query.js';
import type { EventRecord } from './records.js';
import { eventTransactionKey } from './state.js';
import { preferredTimeZone, resolveTimeZone, utcMsToWallTime, wallTimeToUtcMs } from './time-zones.js';

const dateTimeTimeZoneSchema = z.looseObject({ dateTime: z.string(), timeZone: z.string() });

const eventBodySchema = z.looseObject({
  subject: z.string().optional(),
  body: z.looseObject({ contentType: z.string(), content: z.string() }).optional(),
  start: dateTimeTimeZoneSchema.optional(),
  end: dateTimeTimeZoneSchema.optional(),
  transactionId: z.string().min(1).optional(),
  isReminderOn: z.boolean().optional(),
  reminderMinutesBeforeStart: z.number().int().nonnegative().optional(),
  attendees: z.array(z.looseObject({ emailAddress: z.looseObject({ address: z.string() }) })).optional(),
});

/** Computed by the server; a client copy of them is ignored. */
const SERVER_PROPS = new Set([
  'id',
  'start',
  'end',
  'transactionId',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'iCalUId',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'webLink',
  'organizer',
]);

const unsupportedZone = (name: string): GraphHttpError =>
  new GraphHttpError(
    400,
    'TimeZoneNotSupportedException',
    `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`,
  );

function toUtcMs(value: z.infer<typeof dateTimeTimeZoneSchema>, field: string): number {
  const zone = resolveTimeZone(value.timeZone);
  if (zone === undefined) throw unsupportedZone(value.timeZone);
  const ms = /(?:Z|[+-]\d{2}:\d{2})$/i.test(value.dateTime)
    ? Date.parse(value.dateTime)
    : wallTimeToUtcMs(value.dateTime, zone);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new GraphHttpError(
      400,
      'UnableToDeserializePostBody',
      `Cannot convert the literal '${value.dateTime}' to the expected type of '${field}'.`,
    );
  }
  return ms;
}

/** `2026-11-02T10:00:00.1230000Z`: Exchange's 7-digit timestamps. */
function exchangeTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000Z`;
}

function newEventId(): string {
  return `AAMkAGI${randomBytes(48).toString('base64url')}`;
}

function clientProps(body: Record<string, unknown>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith('@odata.') && !SERVER_PROPS.has(key)) props[key] = value;
  }
  return props;
}

function bodyPreview(props: Record<string, unknown>): string {
  const body = props.body;
  if (typeof body !== 'object' || body === null || !('content' in body) || typeof body.content !== 'string') return '';
  return body.content
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

export function renderEvent(
  ctx: HandlerContext,
  event: EventRecord,
  preferZone: string | undefined,
  withContext: boolean,
): Record<string, unknown> {
  const zoneName = preferZone ?? 'UTC';
  const zone = resolveTimeZone(zoneName) ?? 'UTC';
  const p = event.props;
  const attendees = Array.isArray(p.attendees)
    ? p.attendees.map((a: unknown) => ({
        type: 'required',
        status: { response: 'none', time: '0001-01-01T00:00:00Z' },
        ...(typeof a === 'object' && a !== null ? a : {}),
      }))
    : [];
  const out: Record<string, unknown> = withContext
    ? { '@odata.context': `${ctx.graphBase}/$metadata#users('${event.mailbox}')/events/$entity` }
    : {};
  Object.assign(out, {
    '@odata.etag': `W/"${event.changeKey}"`,
    id: event.id,
    createdDateTime: event.createdDateTime,
    lastModifiedDateTime: event.lastModifiedDateTime,
    changeKey: event.changeKey,
    categories: [],
    ...(event.transactionId === undefined ? {} : { transactionId: event.transactionId }),
    originalStartTimeZone: event.originalStartTimeZone,
    originalEndTimeZone: event.originalEndTimeZone,
    iCalUId: event.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: '',
    bodyPreview: bodyPreview(p),
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: null,
    showAs: 'busy',
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(event.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    body: { contentType: 'html', content: '' },
    location: { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} },
    locations: [],
    ...p,
    attendees,
    start: { dateTime: utcMsToWallTime(event.startUtcMs, zone), timeZone: zoneName },
    end: { dateTime: utcMsToWallTime(event.endUtcMs, zone), timeZone: zoneName },
    organizer: { emailAddress: { name: event.mailbox, address: event.mailbox } },
  });
  return out;
}

function preferZone(req: EmuRequest): string | undefined {
  const zone = preferredTimeZone(req.headers.prefer);
  if (zone !== undefined && resolveTimeZone(zone) === undefined) throw unsupportedZone(zone);
  return zone;
}

function parseEventBody(body: unknown): z.infer<typeof eventBodySchema> & Record<string, unknown> {
  const parsed = eventBodySchema.safeParse(body);
  if (!parsed.success) throw new GraphHttpError(400, 'UnableToDeserializePostBody', zodMessage(parsed.error));
  return parsed.data;
}

function checkOrder(startMs: number, endMs: number): void {
  if (endMs < startMs)
    throw new GraphHttpError(400, 'ErrorInvalidRequest', 'The end date you entered occurs before the start date.');
}

function createEvent(ctx: HandlerContext, req: EmuRequest, mailbox: string): { status: number; event: EventRecord } {
  const body = parseEventBody(req.body);
  if (body.start === undefined || body.end === undefined) {
    throw new GraphHttpError(400, 'ErrorInvalidRequest', 'An event needs both start and end.');
  }
  const startUtcMs = toUtcMs(body.start, 'start');
  const endUtcMs = toUtcMs(body.end, 'end');
  checkOrder(startUtcMs, endUtcMs);
  if (body.transactionId !== undefined) {
    const existingId = ctx.state.eventTransactions.get(eventTransactionKey(mailbox, body.transactionId));
    const existing = existingId === undefined ? undefined : ctx.state.events.get(existingId);
    if (existing !== undefined) {
      if (ctx.config.duplicateTransactionId === 'conflict') {
        throw new GraphHttpError(
          409,
          'ErrorDuplicateTransactionId',
          `An event with transactionId '${body.transactionId}' already exists.`,
        );
      }
      // Item 28: a retried create must not make a second event.
      return { status: 201, event: existing };
    }
  }
  const now = exchangeTimestamp(ctx.now());
  const event: EventRecord = {
    id: newEventId(),
    mailbox,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: randomBytes(18).toString('base64'),
    iCalUId: `040000008200E00074C5B7101A82E008000000000000000000000000000000${createHash('sha256').update(ctx.newGuid()).digest('hex').slice(0, 48).toUpperCase()}`,
    startUtcMs,
    endUtcMs,
    originalStartTimeZone: body.start.timeZone,
    originalEndTimeZone: body.end.timeZone,
    props: clientProps(body),
  };
  if (body.transactionId !== undefined) event.transactionId = body.transactionId;
  ctx.commit({ t: 'eventPut', event });
  return { status: 201, event };
}

function requireEvent(ctx: HandlerContext, mailbox: string, id: string): EventRecord {
  const event = ctx.state.events.get(id);
  if (event === undefined || event.mailbox !== mailbox) {
    throw new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  }
  return event;
}

function patchEvent(ctx: HandlerContext, req: EmuRequest, mailbox: string, id: string): EventRecord {
  const event = requireEvent(ctx, mailbox, id);
  const body = parseEventBody(req.body);
  if (body.transactionId !== undefined && body.transactionId !== event.transactionId) {
    throw new GraphHttpError(400, 'ErrorInvalidRequest', 'The transactionId of an event cannot be changed.');
  }
  const startUtcMs = body.start === undefined ? event.startUtcMs : toUtcMs(body.start, 'start');
  const endUtcMs = body.end === undefined ? event.endUtcMs : toUtcMs(body.end, 'end');
  checkOrder(startUtcMs, endUtcMs);
  const next: EventRecord = {
    ...event,
    lastModifiedDateTime: exchangeTimestamp(ctx.now()),
    changeKey: randomBytes(18).toString('base64'),
    startUtcMs,
    endUtcMs,
    originalStartTimeZone: body.start?.timeZone ?? event.originalStartTimeZone,
    originalEndTimeZone: body.end?.timeZone ?? event.originalEndTimeZone,
    props: { ...event.props, ...clientProps(body) },
  };
  ctx.commit({ t: 'eventPut', event: next });
  return next;
}

const mailboxOf = (ctx: HandlerContext, p: Readonly<Record<string, string>>): string => {
  const mailbox = (p.user ?? '').toLowerCase();
  checkMailboxAllowed(ctx, mailbox);
  return mailbox;
};

function eventRoutes(prefix: string): Route[] {
  return [
    {
      method: 'POST',
      pattern: `${prefix}/events`,
      kind: 'events',
      handler: (ctx, req, p) => {
        const zone = preferZone(req);
        const { status, event } = createEvent(ctx, req, mailboxOf(ctx, p));
        return jsonResponse(status, renderEvent(ctx, event, zone, true));
      },
    },
    {
      method: 'GET',
      pattern: `${prefix}/events`,
      kind: 'events',
      handler: (ctx, req, p) => {
        const mailbox = mailboxOf(ctx, p);
        const zone = preferZone(req);
        const top = parseTop(queryValue(req, '$top'), 10, 1000);
        const value = [...ctx.state.events.values()]
          .filter((e) => e.mailbox === mailbox)
          .sort((a, b) => a.startUtcMs - b.startUtcMs)
          .slice(0, top)
          .map((e) => renderEvent(ctx, e, zone, false));
        return jsonResponse(200, { '@odata.context': `${ctx.graphBase}/$metadata#users('${mailbox}')/events`, value });
      },
    },
    {
      method: 'GET',
      pattern: `${prefix}/events/:event`,
      kind: 'event',
      handler: (ctx, req, p) => {
        const zone = preferZone(req);
        return jsonResponse(200, renderEvent(ctx, requireEvent(ctx, mailboxOf(ctx, p), p.event ?? ''), zone, true));
      },
    },
    {
      method: 'PATCH',
      pattern: `${prefix}/events/:event`,
      kind: 'event',
      handler: (ctx, req, p) => {
        const zone = preferZone(req);
        return jsonResponse(200, renderEvent(ctx, patchEvent(ctx, req, mailboxOf(ctx, p), p.event ?? ''), zone, true));
      },
    },
    {
      method: 'DELETE',
      pattern: `${prefix}/events/:event`,
      kind: 'event',
      handler: (ctx, _req, p) => {
        const event = requireEvent(ctx, mailboxOf(ctx, p), p.event ?? '');
        ctx.commit({ t: 'eventDelete', id: event.id });
        return emptyResponse(204);
      },
    },
  ];
}

export const calendarRoutes: readonly Route[] = [...eventRoutes('users/:user'), ...eventRoutes('users/:user/calendar')];
