import type { Procedure } from '../domain/procedure/schema.js';
import type { NotificationRecipient } from './notification.js';

/**
 * Whose view of the case a notification is rendered in, the same three views the API serves:
 *  - `full`: the course team's channel and the course mailbox (the whole record);
 *  - `staff`: anyone else named on the case and the offices a procedure names (the school, a
 *    director): no health details and no medical grounds;
 *  - `trainee`: a trainee-side role: no review notes and no panel deliberations or rationale.
 * Every rendering of a notification (email body, attached form, card, calendar body) is built
 * from the case redacted for this audience.
 */
export type Audience = 'full' | 'staff' | 'trainee';

export function recipientAudience(procedure: Procedure, recipient: NotificationRecipient): Audience {
  switch (recipient.kind) {
    case 'course_mailbox':
    case 'course_team_channel':
      return 'full';
    case 'office':
      return 'staff';
    case 'person':
      return procedure.roles.find((r) => r.id === recipient.role)?.side === 'trainee' ? 'trainee' : 'staff';
  }
}
