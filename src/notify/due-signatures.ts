import type { LocalDate, WorkingCalendar } from '../domain/calendar/index.js';
import { applyEvent } from '../domain/case/apply-event.js';
import type { CaseEvent } from '../domain/case/events.js';
import { outstandingSignatories, signingBlocker } from '../domain/case/queries.js';
import type { CaseState } from '../domain/case/types.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { recipientToken, type Notification } from './notification.js';
import { commandNotificationKey, signatureRequestNotification } from './plan.js';
import { personRecipient } from './recipients.js';

/**
 * Signature requests owed outside any command, pure. A plan is sent for signature only once
 * signing would succeed (ready-to-sign), and a command plans the requests on the day it runs. A
 * plan can come to be signable when no command asked for signatures: a draft whose review date
 * fits the window only from a later day (kept from before dates were checked, or written against
 * a provider calendar since changed), a case moved to a newer version of its procedure (a command
 * that asks nobody), or a request lost with the process that planned it beyond the recovery
 * window, or someone signing on the first day it can be signed (that command asks nobody else).
 * The daily sweep therefore checks the plans waiting for signatures that someone has signed or
 * that changed recently (src/app/notifications/review-sweep.ts says why not every draft): once one
 * can be signed today, each signatory still to sign who has not been asked in their current round
 * is asked.
 *
 * A round starts for everyone when the plan is started, for those whose signatures are withdrawn
 * when the plan is changed after they signed, and for one person when they join the case. Whether
 * someone was asked in it is the outbox's to say: a command asked them under the key of one of the
 * round's events (`askedUnder` lists them all), or the sweep did, under its own key made of the
 * case, the event that started the round and the person. However often the sweep runs, each
 * request is sent once, and someone who has signed is never asked.
 */
export interface OwedSignatureRequest {
  readonly notification: Notification;
  /** Keys under which this person was already asked in the round: any one in the outbox means asked. */
  readonly askedUnder: readonly string[];
}

export function signatureRequestsOwed(input: {
  readonly procedure: Procedure;
  readonly state: CaseState;
  readonly events: readonly CaseEvent[];
  readonly today: LocalDate;
  readonly calendar: WorkingCalendar;
}): OwedSignatureRequest[] {
  const { procedure, state } = input;
  const plan = state.plan;
  if (
    !plan ||
    plan.agreedOn !== undefined ||
    state.status === 'closed' ||
    signingBlocker(procedure, state, { calendar: input.calendar, today: input.today }) !== undefined
  )
    return [];
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  let roundFrom = 0;
  /** The seq of the latest event that started one person's own round (by lower-case id). */
  const own = new Map<string, number>();
  let replayed: CaseState | undefined;
  for (const event of events) {
    if (event.type === 'plan_started' && event.data.version === plan.version) {
      roundFrom = event.seq;
      own.clear();
    } else if (event.type === 'signatures_withdrawn' && event.data.version === plan.version) {
      // Those whose signatures are withdrawn sign again; whoever had not signed yet was asked already.
      for (const signature of replayed?.plan?.signatures ?? []) own.set(signature.personId.toLowerCase(), event.seq);
    } else if (event.type === 'person_changed' && event.data.added) {
      own.set(event.data.added.id.toLowerCase(), event.seq);
    }
    replayed = applyEvent(replayed, event);
  }
  const out: OwedSignatureRequest[] = [];
  const seen = new Set<string>();
  for (const person of outstandingSignatories(procedure, state).flatMap((o) => o.people)) {
    const id = person.id.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    const from = Math.max(roundFrom, own.get(id) ?? 0);
    const recipient = personRecipient(person);
    const key = `${state.id}:${from}:signature_due:chat_card:${recipientToken(recipient)}`;
    const notification = signatureRequestNotification(procedure, state, person, key);
    if (!notification) continue;
    const askedUnder = [
      key,
      ...events
        .filter((e) => e.seq >= from)
        .map((e) => commandNotificationKey(state.id, e.seq, 'signature_needed', 'chat_card', recipient)),
    ];
    out.push({ notification, askedUnder });
  }
  return out;
}
