import { applyEvent } from '../domain/case/apply-event.js';
import type { CaseEvent } from '../domain/case/events.js';
import type { CaseState } from '../domain/case/types.js';
import type { WorkingCalendar } from '../domain/calendar/index.js';
import type { Procedure } from '../domain/procedure/schema.js';
import type { Notification } from './notification.js';
import { planNotifications, type NotifyConfig } from './plan.js';

/**
 * Crash recovery, pure: the notifications a case's trail owes for the commands run since
 * `since`, planned exactly as the server planned them after each command (same before/after
 * states, same events, so the same keys). A process that died between the append and the
 * delivery leaves keys missing from the outbox; the sweep re-plans and claims only those.
 *
 * A command's events share their instant and actor (one `caseEvent` stamp per command run),
 * so consecutive events with the same `at` and `actorId` are one command.
 */
export function replanTrail(input: {
  readonly procedure: Procedure;
  readonly events: readonly CaseEvent[];
  readonly config: NotifyConfig;
  readonly since: string;
  /** The provider's calendar; each command is re-planned on the day it ran, as it was planned then. */
  readonly calendar: WorkingCalendar;
}): Notification[] {
  const since = Date.parse(input.since);
  const out: Notification[] = [];
  let state: CaseState | undefined;
  for (const group of commandsOf(input.events)) {
    const before = state;
    for (const event of group) state = applyEvent(state, event);
    const first = group[0];
    if (state === undefined || first === undefined || Date.parse(first.at) < since) continue;
    out.push(
      ...planNotifications({
        procedure: input.procedure,
        before,
        after: state,
        events: group,
        config: input.config,
        today: first.on,
        calendar: input.calendar,
      }),
    );
  }
  return out;
}

export function commandsOf(events: readonly CaseEvent[]): CaseEvent[][] {
  const groups: CaseEvent[][] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const last = groups.at(-1);
    const head = last?.[0];
    if (last && head && head.at === event.at && head.actorId === event.actorId) last.push(event);
    else groups.push([event]);
  }
  return groups;
}
