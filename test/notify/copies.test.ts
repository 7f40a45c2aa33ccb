import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { calendarFor } from '../../src/domain/case/command-kit.js';
import { midEssexEarlySupport as me, bcuRapidImprovementTargets as bcu } from '../../src/domain/procedures/index.js';
import { withCorrespondenceCopies } from '../../src/notify/copies.js';
import { planDueReviews } from '../../src/notify/due-reviews.js';
import { renderEmail } from '../../src/notify/email.js';
import type { Notification } from '../../src/notify/notification.js';
import { CONFIG, draftPlan, open, signAll, step } from './kit.js';

/**
 * Mid-Essex: "Other relevant partnership staff should be informed and all correspondence
 * copied to the Director." The copy is a rule in the procedure's data (copyAllCorrespondenceTo):
 * signature requests, what the trainee is sent and review reminders are copied too.
 */

const REVIEW = parseLocalDate('2026-11-13');
const STAFF = ['trainee', 'course_tutor', 'director', 'professional_mentor', 'mentor', 'lead_subject_mentor'];
const toDirector = (ns: readonly Notification[]): Notification[] =>
  ns.filter((n) => n.recipient.kind === 'person' && n.recipient.role === 'director');

describe('all correspondence copied to the Director', () => {
  it('copies signature requests and the trainee’s emails to the Director on the case, once each', () => {
    const c = open(me, STAFF);
    const drafted = step(c, CONFIG, () => draftPlan(c, { reviewDate: REVIEW }));
    const requests = drafted.filter((n) => n.kind === 'signature_needed');
    expect(requests.length).toBeGreaterThan(1);
    // The Director signs the form too, so has their own request about the same draft: no copy of the others'.
    expect(toDirector(drafted).map((n) => `${n.kind} ${n.channel}`)).toEqual(['signature_needed chat_card']);

    const signed = step(c, CONFIG, () => signAll(c));
    const traineeMail = signed.find((n) => n.kind === 'trainee_informed' && n.about === 'plan_agreed');
    expect(traineeMail).toBeDefined();
    const traineeCopy = toDirector(signed).find((n) => n.kind === 'trainee_informed');
    expect(traineeCopy?.subject).toBe(`Copy: ${traineeMail?.subject ?? ''}`);
    expect(traineeCopy?.lines.slice(1)).toEqual(traineeMail?.lines);
    // The Director's own plan-agreed email (with the form) is not copied to them again.
    expect(toDirector(signed).filter((n) => n.kind === 'plan_agreed')).toHaveLength(1);
    // Planned twice, the same keys: nothing is sent twice.
    expect(new Set(signed.map((n) => n.key)).size).toBe(signed.length);
  });

  it('with no Director on the case, copies go to the configured Director mailbox, or the course team is asked to pass them on', () => {
    const roles = STAFF.filter((r) => r !== 'director');
    const c = open(me, roles);
    const configured = { ...CONFIG, officeMailboxes: { director: 'director@mid-essex.test' } };
    const drafted = step(c, configured, () => draftPlan(c, { reviewDate: REVIEW }));
    const office = drafted.filter((n) => n.recipient.kind === 'office' && n.recipient.office === 'director');
    // A copy of each signatory's request (each names the role they sign as), by email.
    const requests = drafted.filter((n) => n.kind === 'signature_needed' && n.recipient.kind === 'person');
    expect(office).toHaveLength(requests.length);
    expect(office.every((n) => n.kind === 'signature_needed' && n.channel === 'email')).toBe(true);
    expect(office[0]?.subject).toMatch(/^Copy: .*please sign the Early Support Plan/);
    expect(office.map((n) => n.lines[0])).toContain(
      `A copy of what Trellis sent to ${c.person('trainee').name} (Trainee):`,
    );
    expect(office[0]?.because).toMatch(/all correspondence copied to the Director/);

    const c2 = open(me, roles);
    const unaddressed = step(c2, CONFIG, () => draftPlan(c2, { reviewDate: REVIEW }));
    const passOn = unaddressed.filter((n) => n.passOnTo?.includes('Director'));
    expect(passOn.length).toBeGreaterThan(0);
    expect(passOn.every((n) => n.recipient.kind === 'course_mailbox')).toBe(true);
    expect(renderEmail(passOn[0] as Notification).html).toContain('Please pass this on to Director');
  });

  it('copies review reminders, and a procedure without the rule copies nothing', () => {
    const c = open(me, STAFF);
    step(c, CONFIG, () => draftPlan(c, { reviewDate: REVIEW }));
    step(c, CONFIG, () => signAll(c));
    const reviewDate = c.state.plan?.content.reviewDate;
    expect(reviewDate).toBeDefined();
    if (!reviewDate) return;
    const reminders = planDueReviews({
      cases: [
        {
          caseId: c.state.id,
          reference: c.state.reference,
          stageId: c.state.stageId,
          stageTitle: 'Early Support Plan',
          programme: c.state.placement.programme,
          reviewDate,
          people: c.state.people,
        },
      ],
      today: reviewDate,
      calendar: calendarFor(me),
      leadWorkingDays: 2,
      escalateAfterWorkingDays: 3,
    });
    expect(reminders.length).toBeGreaterThan(0);
    const copied = withCorrespondenceCopies(
      { procedure: me, people: c.state.people, placement: c.state.placement, config: CONFIG },
      reminders,
    );
    const copies = toDirector(copied).filter((n) => n.subject.startsWith('Copy: '));
    expect(copies.map((n) => n.kind)).toEqual(['review_due_today']);
    expect(
      withCorrespondenceCopies(
        { procedure: bcu, people: c.state.people, placement: c.state.placement, config: CONFIG },
        reminders,
      ),
    ).toEqual(reminders);
  });
});
