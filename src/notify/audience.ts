import type { Procedure } from '../domain/procedure/schema.js';
import type { NotificationRecipient } from './notification.js';

/**
 * Whose view of the case a notification is rendered in, the same three views the API serves:
 *  - `full`: the course mailbox (the whole record);
 *  - `staff`: anyone else named on the case, the offices a procedure names (the school, a
 *    director) and the course team's Teams channel, where everyone in the team reads the card:
 *    no health details and no medical grounds;
 *  - `trainee`: a trainee-side role: no review notes and no panel deliberations or rationale.
 * Every rendering of a notification (email body, attached form, card, calendar body) is built
 * from the case redacted for this audience.
 */
export type Audience = 'full' | 'staff' | 'trainee';

export function recipientAudience(procedure: Procedure, recipient: NotificationRecipient): Audience {
  switch (recipient.kind) {
    case 'course_mailbox':
      return 'full';
    case 'course_team_channel':
    case 'office':
      return 'staff';
    case 'person':
      return procedure.roles.find((r) => r.id === recipient.role)?.side === 'trainee' ? 'trainee' : 'staff';
  }
}
