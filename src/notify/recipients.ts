import type { Person, Placement } from '../domain/case/types.js';
import type { NotificationRecipient } from './notification.js';

/** Where notifications go: a person on the case, and the offices a procedure names. */

export function personRecipient(person: Person): NotificationRecipient {
  return { kind: 'person', role: person.role, personId: person.id, name: person.name, email: person.email };
}

/** The office that is the case's own placement school. */
export const PLACEMENT_SCHOOL_OFFICE = 'school';

/**
 * Where an office a procedure names is sent to: the school of the case's placement at the
 * placement's school contact address, else the provider's configured mailbox for the office.
 */
export function officeAddressFor(
  office: string,
  placement: Placement | undefined,
  config: { readonly officeMailboxes?: Readonly<Record<string, string>> | undefined },
): string | undefined {
  if (office === PLACEMENT_SCHOOL_OFFICE && placement?.schoolContactEmail) return placement.schoolContactEmail;
  return config.officeMailboxes?.[office];
}
