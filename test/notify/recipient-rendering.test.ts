import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formForNotification } from '../../src/app/views/recipient-view.js';
import type { Conversations, ChannelConversation, PersonConversation } from '../../src/app/ports.js';
import { cardFor } from '../../src/bot/senders.js';
import {
  audienceOf,
  reviewCardFor,
  signatureCardFor,
  sourceOf,
  summaryCardFor,
  type CaseCardContext,
} from '../../src/bot/case-cards.js';
import { buildCaseSummaryCard, caseSummaryView } from '../../src/cards/index.js';
import type { Caller } from '../../src/app/caller.js';
import { addDays, parseLocalDate } from '../../src/domain/calendar/index.js';
import { convenePanel } from '../../src/domain/case/commands/convene-panel.js';
import { editPlan } from '../../src/domain/case/commands/edit-plan.js';
import { openCase } from '../../src/domain/case/commands/open-case.js';
import { recordPanelMeeting } from '../../src/domain/case/commands/record-panel-meeting.js';
import { recordReview } from '../../src/domain/case/commands/record-review.js';
import { signPlan } from '../../src/domain/case/commands/sign-plan.js';
import { replay, stateAt } from '../../src/domain/case/apply-event.js';
import { calendarFor, type CommandResult } from '../../src/domain/case/command-kit.js';
import { engineTestProcedure } from '../../src/domain/case/fixtures.js';
import { actorFor, aDraft, CaseDriver, Clock, courseTeam, personFor } from '../../src/domain/case/testing.js';
import type { StoredCase } from '../../src/domain/ports.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import { recipientAudience, type Audience } from '../../src/notify/audience.js';
import { renderEmail } from '../../src/notify/email.js';
import type { Notification } from '../../src/notify/notification.js';
import { planNotifications } from '../../src/notify/plan.js';
import { eventBody } from '../../src/store/notify/graph-calendar.js';

/**
 * Every message is rendered for its recipient: markers are written into every field a view
 * hides (review notes and panel rationale from the trainee; a medical ground's evidence from
 * school staff and offices), the case is driven through plan, signatures, a revising review,
 * a review that goes to the panel and the panel's decision, and every notification planned on
 * the way is rendered as it is delivered (email body, attached form through pdftotext, 1:1
 * or channel card, calendar body) from the case as stored at the end. No rendering for an
 * audience whose API view hides a field may contain that field's marker.
 */

const MARK = {
  notes: 'MARKERNOTESQ7',
  rationale: 'MARKERRATIONALEZ4',
  health: 'MARKERHEALTHK9',
} as const;

const HIDDEN: Readonly<Record<Audience, readonly string[]>> = {
  full: [],
  staff: [MARK.health],
  trainee: [MARK.notes, MARK.rationale],
};

/** The fixture procedure with the school and the mentor told of the panel's decision, the form attached. */
const procedure: Procedure = {
  ...engineTestProcedure,
  stages: engineTestProcedure.stages.map((stage) =>
    stage.id === 's2'
      ? {
          ...stage,
          inform: [
            {
              on: 'decision_recorded' as const,
              to: [
                { kind: 'office' as const, office: 'school', label: 'The school' },
                { kind: 'role' as const, role: 'mentor' },
              ],
              note: 'The school is told of the decision.',
              attachForm: true,
              outcomes: [],
            },
          ],
        }
      : stage,
  ),
};

/** Conversations as the card senders see them: nobody has a stored chat (no Teams ids on review cards). */
class NoConversations implements Conversations {
  savePerson(person: PersonConversation): Promise<PersonConversation> {
    return Promise.resolve(person);
  }
  findPerson(): Promise<PersonConversation | undefined> {
    return Promise.resolve(undefined);
  }
  findPersonByObjectId(): Promise<PersonConversation | undefined> {
    return Promise.resolve(undefined);
  }
  saveChannel(_channel: ChannelConversation): Promise<void> {
    return Promise.resolve();
  }
  findChannel(): Promise<ChannelConversation | undefined> {
    return Promise.resolve(undefined);
  }
  removeChannel(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

const work = mkdtempSync(join(tmpdir(), 'trellis-recipient-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function pdfText(bytes: Uint8Array, name: string): string {
  const file = join(work, name);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

interface Walked {
  readonly stored: StoredCase;
  readonly notifications: readonly Notification[];
}

function walk(): Walked {
  const clock = new Clock(parseLocalDate('2026-11-02'));
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  const people = ['trainee', 'mentor', 'tutor', 'director', 'programme_manager'].map((role) => personFor(role));
  const c = new CaseDriver(
    procedure,
    clock,
    openCase(
      ctx,
      { caseId: 'case-r', previousCases: 1 },
      {
        reference: 'TP-2026-001',
        reasons: ['progress'],
        people,
        placement: { school: 'Oak Primary', programme: 'PGCE Primary 2026/27', subject: 'Primary' },
        reinitiation: { groundId: 'illness', evidence: `Medical certificate ${MARK.health}` },
      },
    ),
  );
  const notifications: Notification[] = [
    ...planNotifications({
      procedure,
      before: undefined,
      after: c.state,
      events: c.events,
      config: { courseMailbox: 'course.team@provider.test' },
      today: clock.today,
      calendar: calendarFor(procedure),
    }),
  ];
  const step = (act: () => CommandResult | readonly CommandResult[]): void => {
    const before = c.state;
    const results = act();
    const events = (Array.isArray(results) ? results : [results]).flatMap((r: CommandResult) => r.events);
    notifications.push(
      ...planNotifications({
        procedure,
        before,
        after: c.state,
        events,
        config: { courseMailbox: 'course.team@provider.test' },
        today: clock.today,
        calendar: calendarFor(procedure),
      }),
    );
  };
  const agree = (roles: readonly string[]): void => {
    step(() =>
      c.run('tutor', editPlan, {
        plan: aDraft(procedure, { reviewDate: addDays(clock.today, 7) }),
        withdrawSignatures: true,
      }),
    );
    for (const role of roles) step(() => c.run(role, signPlan, { role, typedName: c.person(role).name }));
  };
  const review = (outcomeId: string, rating: 'partly_met' | 'not_met'): void => {
    clock.advance(9);
    const targets = c.state.plan?.content.targets ?? [];
    step(() =>
      c.run('tutor', recordReview, {
        progress: targets.map((t) => ({ targetId: t.id, rating })),
        evidence: 'Observed lessons',
        notes: `Private notes ${MARK.notes}`,
        attendees: ['tutor', 'mentor'],
        outcomeId,
      }),
    );
  };
  agree(['trainee', 'mentor', 'director']);
  review('limited', 'partly_met');
  agree(['trainee', 'tutor']);
  review('not_met', 'not_met');
  const members = ['a', 'b', 'c'].map((x) => ({ id: `${x}@provider.test`, name: `Member ${x.toUpperCase()}` }));
  step(() => c.run('programme_manager', convenePanel, { panelId: 'decision_panel', members, evidence: [] }));
  step(() =>
    c.run('programme_manager', recordPanelMeeting, {
      panelId: 'decision_panel',
      attendees: members.map((m) => m.id),
      chair: members[0]?.id,
      decisionId: 'again',
      rationale: `The panel's reasons ${MARK.rationale}`,
    }),
  );
  return { stored: { state: c.state, events: c.events, etag: 'x' }, notifications };
}

async function renderings(
  walked: Walked,
  n: Notification,
): Promise<{ readonly channel: string; readonly text: string }[]> {
  const out: { channel: string; text: string }[] = [];
  switch (n.channel) {
    case 'email': {
      out.push({ channel: 'email', text: renderEmail(n).html });
      if (n.attachForm) {
        const form = await formForNotification(procedure, walked.stored, n);
        out.push({
          channel: `pdf ${form.name}`,
          text: pdfText(form.bytes, `${n.key.replace(/[^a-z0-9]+/gi, '-')}.pdf`),
        });
      }
      break;
    }
    case 'calendar':
      if (n.calendar) out.push({ channel: 'calendar', text: JSON.stringify(eventBody(n, n.calendar)) });
      break;
    case 'chat_card':
    case 'channel_card': {
      const personId = n.recipient.kind === 'person' ? n.recipient.personId || n.recipient.email : undefined;
      const card = await cardFor(
        {
          links: { appId: 'app', tabEntityId: 'cases', publicUrl: 'https://trellis.test' },
          clock: () => new Date('2026-12-07T10:00:00Z'),
          conversations: new NoConversations(),
        },
        n,
        { stored: walked.stored, procedure },
        personId,
      );
      out.push({ channel: n.channel, text: JSON.stringify(card) });
      break;
    }
  }
  return out;
}

describe('every message is rendered for its recipient', () => {
  const walked = walk();

  it('never shows a recipient what their view of the case hides, on any channel', async () => {
    const seen = new Set<string>();
    const shownToFull = new Set<string>();
    for (const n of walked.notifications) {
      const audience = recipientAudience(procedure, n.recipient);
      seen.add(`${n.kind}/${audience}`);
      for (const { channel, text } of await renderings(walked, n)) {
        for (const marker of HIDDEN[audience]) {
          expect(text, `${n.key} (${audience}, ${channel}) shows ${marker}`).not.toContain(marker);
        }
        if (audience === 'full')
          for (const marker of Object.values(MARK)) if (text.includes(marker)) shownToFull.add(marker);
      }
    }
    // The walk reached every audience and the kinds that carry forms and decisions.
    for (const pair of [
      'plan_agreed/full',
      'plan_agreed/staff',
      'review_recorded/full',
      'review_recorded/staff',
      'decision_recorded/full',
      'decision_recorded/staff',
      'trainee_informed/trainee',
      'signature_needed/trainee',
      'signature_needed/staff',
      'review_date_set/staff',
    ]) {
      expect(seen, pair).toContain(pair);
    }
    // The markers did reach the renderings: the course team's copies carry the notes and the reasons.
    expect(shownToFull).toContain(MARK.notes);
    expect(shownToFull).toContain(MARK.rationale);
  }, 120_000);

  it('sends the course mailbox the form that was completed, not the next draft', async () => {
    const copy = walked.notifications.find(
      (n) => n.kind === 'review_recorded' && n.recipient.kind === 'course_mailbox' && n.attachForm,
    );
    expect(copy).toBeDefined();
    if (!copy) return;
    const form = await formForNotification(procedure, walked.stored, copy);
    const text = pdfText(form.bytes, 'first-review.pdf');
    // The first review revised the plan: the copy is the signed Support Plan with its review, not the revised draft.
    expect(form.name).toBe('TP-2026-001-form-v1.pdf');
    expect(text).toContain('Support Plan');
    expect(text).not.toContain('Revised Support Plan');
    expect(text).toContain('Limited progress');
    expect(text).toContain(personFor('director').name);
    // The case has since moved on: two plans agreed, two reviews, a panel decision.
    expect(walked.stored.state.previousPlans.length).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * The cards the bot answers with (a refreshed or opened review card, the signature card, the
 * outcome after a review, the case summary): built for whoever asks, in their view. Every
 * version of the walked trail, as it stands and with a health pause, for every person on the
 * case and the course team.
 */
describe('every card the bot answers with is built from its reader’s view', () => {
  const walked = walk();
  const PAUSED_FOR_HEALTH = 'Paused (health)';
  /** A card's text as a person reads it: its JSON without the backslashes that escape markdown ("Paused \\(health\\)"). */
  const shown = (card: unknown): string => JSON.stringify(card).replaceAll('\\\\', '');
  const CARD_HIDDEN: Readonly<Record<'full' | 'staff' | 'trainee', readonly string[]>> = {
    full: [],
    staff: [MARK.health, PAUSED_FOR_HEALTH],
    trainee: [MARK.notes, MARK.rationale, MARK.health],
  };
  const ctx: CaseCardContext = {
    links: { appId: 'app', tabEntityId: 'cases', publicUrl: 'https://trellis.test' },
    clock: () => new Date('2026-12-07T10:00:00Z'),
    conversations: new NoConversations(),
  };
  const programme = walked.stored.state.placement.programme;
  const readers: readonly { readonly caller: Caller; readonly audience: 'full' | 'staff' | 'trainee' }[] = [
    { caller: { actor: courseTeam, programmes: [programme] }, audience: 'full' },
    ...walked.stored.state.people.map((p) => ({
      caller: { actor: actorFor(p), programmes: [] },
      audience: p.role === 'trainee' ? ('trainee' as const) : ('staff' as const),
    })),
  ];

  it('never shows a reader what their view of the case hides, at any point of the case', async () => {
    let built = 0;
    for (let version = 1; version <= walked.stored.events.length; version++) {
      const then = stateAt(walked.stored.events, version);
      if (!then) continue;
      for (const state of [then, { ...then, paused: { since: then.openedOn, reason: 'health' as const } }]) {
        const stored: StoredCase = { state, events: walked.stored.events.slice(0, version), etag: 'x' };
        for (const { caller, audience } of readers) {
          const cards = [
            await reviewCardFor(ctx, caller, stored, procedure, 0),
            await reviewCardFor(ctx, caller, stored, procedure, state.version),
            ...procedure.roles.map((r) => signatureCardFor(ctx, caller, stored, procedure, r.id)),
            await summaryCardFor(ctx, stored, procedure, caller.actor.id),
          ];
          for (const card of cards) {
            const text = shown(card);
            built++;
            for (const marker of CARD_HIDDEN[audience])
              expect(text, `v${String(version)} ${caller.actor.id} (${audience}) sees ${marker}`).not.toContain(marker);
          }
        }
      }
    }
    expect(built).toBeGreaterThan(100);
  }, 120_000);

  it('builds a card from the view it is given: the reason for a pause shows in the full view only', () => {
    const state = {
      ...walked.stored.state,
      paused: { since: walked.stored.state.openedOn, reason: 'health' as const },
    };
    const stored: StoredCase = { ...walked.stored, state };
    const summary = (audience: 'full' | 'staff' | 'trainee' | 'shared'): string =>
      shown(buildCaseSummaryCard(caseSummaryView(sourceOf(ctx, stored, procedure, audience))));
    expect(summary('full')).toContain(PAUSED_FOR_HEALTH);
    expect(summary('trainee')).toContain(PAUSED_FOR_HEALTH);
    for (const audience of ['staff', 'shared'] as const) {
      expect(summary(audience)).not.toContain(PAUSED_FOR_HEALTH);
      expect(summary(audience)).toContain('Paused');
    }
    const mentor = walked.stored.state.people.find((p) => p.role === 'mentor');
    const trainee = walked.stored.state.people.find((p) => p.role === 'trainee');
    if (!mentor || !trainee) throw new Error('the walk has a mentor and a trainee');
    expect(audienceOf({ actor: actorFor(mentor), programmes: [] }, stored, procedure)).toBe('staff');
    expect(audienceOf({ actor: actorFor(trainee), programmes: [] }, stored, procedure)).toBe('trainee');
    expect(audienceOf({ actor: courseTeam, programmes: [programme] }, stored, procedure)).toBe('full');
    expect(audienceOf({ actor: courseTeam, programmes: ['Another programme'] }, stored, procedure)).toBe('shared');
  });
});

describe('the course team is told who still must hear, and the decision is said', () => {
  it('puts the decision, who made it, when and what next on the channel card, with whom to pass it on to', async () => {
    const walked = walk();
    const card = walked.notifications.find((n) => n.kind === 'decision_recorded' && n.channel === 'channel_card');
    expect(card?.passOnTo).toEqual(['The school']);
    if (!card) return;
    const [text] = await renderings(walked, card);
    expect(text?.text).toContain('DECISION');
    expect(text?.text).toContain('The decision: Further plan');
    expect(text?.text).toContain('Decided by the Decision Panel on');
    expect(text?.text).toContain('chaired by Member A');
    expect(text?.text).toContain('What happens next: A new support plan.');
    expect(text?.text).toContain('Please pass this on to The school, with the form');
    const mailbox = walked.notifications.find(
      (n) => n.kind === 'decision_recorded' && n.recipient.kind === 'course_mailbox',
    );
    expect(mailbox?.attachForm).toBe(true);
    expect(mailbox && renderEmail(mailbox).html).toContain('Please pass this on to The school, with the form');
  });
});

describe('what the trainee is sent', () => {
  it('names the case in the subject, speaks to them, says what happens next and links to the case', () => {
    const { notifications } = walk();
    const emails = notifications.filter((n) => n.kind === 'trainee_informed' && n.channel === 'email');
    expect(new Set(emails.map((n) => n.about))).toEqual(
      new Set(['plan_agreed', 'review_recorded', 'stage_changed', 'decision_recorded']),
    );
    for (const email of emails) {
      expect(email.subject, email.key).toMatch(/^TP-2026-001: /);
      expect(email.lines.join(' '), email.key).not.toMatch(/\bthe trainee\b/i);
      expect(email.lines.join(' '), email.key).toMatch(/\byour?\b/i);
      expect(
        email.lines.some((l) => l.startsWith('What happens next:') || l.startsWith('What to do next:')),
        email.key,
      ).toBe(true);
      expect(email.lines.at(-1)).toBe(
        `If you have any questions, talk to ${personFor('tutor').name} (University tutor).`,
      );
      const { html } = renderEmail(email, { caseLink: 'https://trellis.test/cases/case-r' });
      expect(html).toContain('<a href="https://trellis.test/cases/case-r">Open the case in Trellis</a>');
    }
  });
});

describe('stateAt', () => {
  it('rebuilds the case as it was at each version of its trail, and nothing it cannot', () => {
    const { stored } = walk();
    for (const event of stored.events) {
      expect(stateAt(stored.events, event.seq)).toEqual(replay(stored.events.slice(0, event.seq)));
    }
    expect(stateAt(stored.events, stored.events.length + 1)).toBeUndefined();
    expect(stateAt(stored.events.slice(2), 5)).toBeUndefined();
  });
});
