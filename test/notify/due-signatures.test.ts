import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { calendarFor } from '../../src/domain/case/command-kit.js';
import { changePerson } from '../../src/domain/case/commands/change-people.js';
import { signingBlocker } from '../../src/domain/case/queries.js';
import type { CaseState } from '../../src/domain/case/types.js';
import type { CaseDriver } from '../../src/domain/case/testing.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { midEssexEarlySupport as me } from '../../src/domain/procedures/index.js';
import { sign } from '../../src/domain/procedures/walks/walk-kit.js';
import type { CommandResult } from '../../src/domain/case/command-kit.js';
import { signatureRequestsOwed } from '../../src/notify/due-signatures.js';
import { planNotifications } from '../../src/notify/plan.js';
import { CONFIG, draftPlan, open } from './kit.js';

const d = parseLocalDate;
const meeting = { heldOn: d('2026-11-02'), attendees: ['trainee', 'course_tutor'], placementConcern: false };
const ROLES = ['trainee', 'course_tutor', 'mentor'];
const calendar = calendarFor(me);

/**
 * Mid-Essex: "A review date will be recorded on the paperwork which should be within two weeks."
 * The drafts here were written under a four-week window (the form as an earlier version of the
 * procedure had it), so a review date of Friday 27 November, drafted on Monday 2 November, can be
 * signed under today's form only from Friday 13 November, with no command in between.
 */
const fourWeeks: Procedure = {
  ...me,
  stages: me.stages.map((s) =>
    s.plan ? { ...s, plan: { ...s.plan, reviewWindow: { amount: 28, unit: 'calendar_days' } } } : s,
  ),
};

/** An outbox: the keys claimed so far. */
type Outbox = Set<string>;

/** Runs a command and delivers what it plans under today's form, as the server does after a command. */
function command(c: CaseDriver, outbox: Outbox, act: () => CommandResult): string[] {
  const before: CaseState = c.state;
  const result = act();
  const planned = planNotifications({
    procedure: me,
    before,
    after: c.state,
    events: result.events,
    config: CONFIG,
    today: c.clock.today,
    calendar,
  });
  for (const n of planned) outbox.add(n.key);
  return planned
    .filter((n) => n.kind === 'signature_needed' && n.channel === 'chat_card')
    .map((n) => (n.recipient.kind === 'person' ? n.recipient.role : ''));
}

/** One daily sweep on the driver's day: the requests owed and not yet in the outbox are sent ("role key"). */
function sweep(c: CaseDriver, outbox: Outbox): string[] {
  const owed = signatureRequestsOwed({
    procedure: me,
    state: c.state,
    events: c.events,
    today: c.clock.today,
    calendar,
  });
  const sent = owed.filter((o) => !o.askedUnder.some((key) => outbox.has(key))).map((o) => o.notification);
  for (const n of sent) outbox.add(n.key);
  return sent.map((n) => `${n.recipient.kind === 'person' ? n.recipient.role : n.recipient.kind} ${n.key}`);
}

function farAhead(outbox: Outbox): CaseDriver {
  const c = open(fourWeeks, ROLES);
  expect(command(c, outbox, () => draftPlan(c, { reviewDate: d('2026-11-27'), meeting }))).toEqual([]);
  expect(signingBlocker(me, c.state, { calendar, today: c.clock.today })).toBeDefined();
  return c;
}

describe('signature requests owed outside a command (the daily sweep)', () => {
  it('a plan whose review date comes inside the window is sent for signature that day, once per person', () => {
    const outbox: Outbox = new Set();
    const c = farAhead(outbox);
    c.clock.set(d('2026-11-12'));
    expect(sweep(c, outbox)).toEqual([]);
    c.clock.set(d('2026-11-13'));
    expect(sweep(c, outbox)).toEqual([
      'trainee case-1:3:signature_due:chat_card:person:trainee@provider.test',
      'course_tutor case-1:3:signature_due:chat_card:person:course.tutor@provider.test',
      'mentor case-1:3:signature_due:chat_card:person:mentor@provider.test',
    ]);
    const [request] = signatureRequestsOwed({
      procedure: me,
      state: c.state,
      events: c.events,
      today: c.clock.today,
      calendar,
    });
    expect(request?.notification).toMatchObject({
      kind: 'signature_needed',
      channel: 'chat_card',
      subject: 'CASE-1: please sign the Early Support Plan',
      lines: ['The Early Support Plan for Trainee is waiting for your signature as Trainee.'],
      caseVersion: c.state.version,
    });
    // The next sweeps that day and the day after send nothing more.
    expect(sweep(c, outbox)).toEqual([]);
    c.clock.set(d('2026-11-16'));
    expect(sweep(c, outbox)).toEqual([]);
  });

  it('whoever signs before the sweep has run is not asked; the others are', () => {
    const outbox: Outbox = new Set();
    const c = farAhead(outbox);
    c.clock.set(d('2026-11-13'));
    // The mentor signs from the case page first thing: the command asks nobody, since the plan
    // could already be signed that day before the signature.
    expect(command(c, outbox, () => sign(c, 'mentor'))).toEqual([]);
    expect(sweep(c, outbox).map((line) => line.split(' ')[0])).toEqual(['trainee', 'course_tutor']);
  });

  it('a plan a command sent for signature is not asked for again', () => {
    const outbox: Outbox = new Set();
    const c = open(me, ROLES);
    expect(command(c, outbox, () => draftPlan(c, { reviewDate: d('2026-11-13'), meeting })).sort()).toEqual([
      'course_tutor',
      'mentor',
      'trainee',
    ]);
    expect(sweep(c, outbox)).toEqual([]);
    c.clock.set(d('2026-11-05'));
    expect(sweep(c, outbox)).toEqual([]);
  });

  it('a mentor who took over while the plan waited is asked once it can be signed, under the key of their joining', () => {
    const outbox: Outbox = new Set();
    const c = farAhead(outbox);
    c.clock.set(d('2026-11-04'));
    const added = command(c, outbox, () =>
      c.run('course_team', changePerson, {
        role: 'mentor',
        removeId: 'mentor@provider.test',
        add: { id: 'new.mentor@school.test', name: 'New Mentor', email: 'new.mentor@school.test' },
        reason: 'The subject mentor has left the school.',
      }),
    );
    expect(added).toEqual([]);
    const joinedAt = String(c.events.at(-1)?.seq);
    c.clock.set(d('2026-11-13'));
    expect(sweep(c, outbox)).toEqual([
      'trainee case-1:3:signature_due:chat_card:person:trainee@provider.test',
      'course_tutor case-1:3:signature_due:chat_card:person:course.tutor@provider.test',
      `mentor case-1:${joinedAt}:signature_due:chat_card:person:new.mentor@school.test`,
    ]);
  });

  it('a withdrawn signature starts a new round for its signer: asked again once, the others not', () => {
    const outbox: Outbox = new Set();
    const c = open(me, ROLES);
    command(c, outbox, () => draftPlan(c, { reviewDate: d('2026-11-13'), meeting }));
    command(c, outbox, () => sign(c, 'mentor'));
    // The edit withdraws the mentor's signature; the command asks the mentor again itself.
    expect(command(c, outbox, () => draftPlan(c, { reviewDate: d('2026-11-12'), meeting }, true))).toEqual(['mentor']);
    expect(sweep(c, outbox)).toEqual([]);
  });

  it('a review date that has passed holds the requests back', () => {
    const outbox: Outbox = new Set();
    const c = farAhead(outbox);
    c.clock.set(d('2026-11-30'));
    expect(sweep(c, outbox)).toEqual([]);
  });
});
