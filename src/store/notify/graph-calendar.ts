import type { Client } from '@microsoft/microsoft-graph-client';
import type { CalendarRequest, Notification } from '../../notify/notification.js';
import type { Sender } from '../../notify/ports.js';
import { renderEventBody, type EventLinks } from '../../notify/event-body.js';
import { failureFromError } from '../graph/errors.js';
import { quoteString } from '../graph/odata.js';

const statusOf = (error: unknown): number | undefined => failureFromError(error)?.status;

/**
 * Review meetings in the organiser's Outlook calendar. The create carries transactionId (one
 * per plan version), so a repeated create never makes a second event; a moved date PATCHes the
 * same event; a cancel deletes it (already gone counts as done).
 */

const LONDON = 'Europe/London';

export function graphCalendarSender(deps: {
  readonly client: Client;
  /** The case's page in Trellis in a browser, put in the event's body. */
  readonly caseLink?: (caseId: string) => string;
  /** The case in the Trellis tab (a Teams deep link), put in the event's body. */
  readonly caseTabLink?: (caseId: string, reference: string) => string;
}): Sender {
  return async (notification: Notification) => {
    const request = notification.calendar;
    if (!request) throw new Error(`${notification.key} has no calendar request`);
    const events = `/users/${encodeURIComponent(request.organizer)}/events`;
    if (request.action === 'cancel') {
      await deleteCalendarEvent(deps.client, request.organizer, request.transactionId);
      return;
    }
    const body = eventBody(notification, request, {
      web: deps.caseLink?.(notification.caseId),
      tab: deps.caseTabLink?.(notification.caseId, notification.reference),
    });
    let id: string | undefined;
    try {
      const created = (await deps.client.api(events).post({ ...body, transactionId: request.transactionId })) as {
        id?: unknown;
      };
      id = typeof created.id === 'string' ? created.id : undefined;
    } catch (error) {
      // Graph may answer a repeated transactionId with 409 (undocumented): find the event instead.
      if (statusOf(error) !== 409) throw error;
    }
    id ??= await findByTransactionId(deps.client, events, request.transactionId);
    if (id === undefined) throw new Error(`no event for ${request.transactionId}`);
    // The create returned the existing event when the date moved: bring it to the new date.
    await deps.client.api(`${events}/${encodeURIComponent(id)}`).patch(body);
  };
}

/**
 * Deletes the event made with this transactionId from the organiser's calendar (a cancelled
 * meeting, or a removed case); true if there was one. Already gone counts as done.
 */
export async function deleteCalendarEvent(client: Client, organizer: string, transactionId: string): Promise<boolean> {
  const events = `/users/${encodeURIComponent(organizer)}/events`;
  const id = await findByTransactionId(client, events, transactionId);
  if (id === undefined) return false;
  try {
    await client.api(`${events}/${encodeURIComponent(id)}`).delete();
    return true;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    return false;
  }
}

/** The Graph event a calendar notification becomes: the notification's own lines, the targets, links to the case, the place. */
export function eventBody(
  notification: Notification,
  request: CalendarRequest,
  links: EventLinks = {},
): Record<string, unknown> {
  return {
    subject: notification.subject,
    body: { contentType: 'html', content: renderEventBody(notification, request, links) },
    ...(request.location === undefined ? {} : { location: { displayName: request.location } }),
    start: { dateTime: `${request.date}T${request.startTime}:00`, timeZone: LONDON },
    end: { dateTime: `${request.date}T${addMinutes(request.startTime, request.durationMinutes)}:00`, timeZone: LONDON },
    isReminderOn: true,
    reminderMinutesBeforeStart: request.reminderMinutesBeforeStart,
    attendees: request.attendees.map((address) => ({ emailAddress: { address }, type: 'required' })),
    ...(request.online ? { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' } : {}),
  };
}

/** "15:30" + 60 → "16:30" (same day; review meetings do not cross midnight). */
export function addMinutes(hhmm: string, minutes: number): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  const total = Math.min(h * 60 + m + minutes, 23 * 60 + 59);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

async function findByTransactionId(client: Client, events: string, transactionId: string): Promise<string | undefined> {
  // transactionId is only returned to the app that set it; filter client-side too in case the server ignores $filter.
  const page = (await client
    .api(events)
    .filter(`transactionId eq ${quoteString(transactionId)}`)
    .top(1000)
    .get()) as { value?: unknown };
  const value = Array.isArray(page.value) ? (page.value as { id?: unknown; transactionId?: unknown }[]) : [];
  const hit = value.find((e) => e.transactionId === transactionId);
  return typeof hit?.id === 'string' ? hit.id : undefined;
}
