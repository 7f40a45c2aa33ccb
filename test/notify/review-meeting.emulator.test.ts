import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { scheduleReviewMeeting } from '../../src/domain/case/commands/meetings.js';
import { bcuRapidImprovementTargets as bcu, brightFuturesSupport as bf } from '../../src/domain/procedures/index.js';
import { graphCalendarSender } from '../../src/store/notify/graph-calendar.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';
import { CONFIG, draftPlan, open, signAll, step } from './kit.js';

const d = parseLocalDate;
const LINK = 'https://trellis.provider.test/cases/case-1';
const TAB_LINK = 'https://teams.microsoft.com/l/entity/app/my-cases?webUrl=x&context=%7B%7D';

let emu: ProvisionedEmulator;
beforeEach(async () => {
  emu = await startProvisionedEmulator();
});
afterEach(async () => {
  await emu.close();
});

/**
 * The review meeting as the calendar carries it: the time and place chosen on the case (or the
 * defaults), an online Teams meeting where the procedure or the choice says online, the targets
 * to review and a link to the case in the body; moving it updates the one event.
 */
describe('the review meeting in Outlook', () => {
  it('carries the chosen time, place, targets and the case link; rescheduling online updates the same event', async () => {
    const c = open(bcu, ['trainee', 'mentor', 'tutor']);
    draftPlan(c, {
      reviewDate: d('2026-11-13'),
      meeting: { heldOn: d('2026-11-02'), attendees: ['trainee', 'mentor', 'tutor'], placementConcern: false },
    });
    const send = graphCalendarSender({ client: emu.client, caseLink: () => LINK, caseTabLink: () => TAB_LINK });
    const agreed = step(c, CONFIG, () => signAll(c)).find((n) => n.channel === 'calendar');
    if (!agreed) throw new Error('no calendar event planned');
    // Nobody has chosen yet: the default time, in person, place to be confirmed.
    expect(agreed.calendar).toMatchObject({ startTime: '15:30', durationMinutes: 60, online: false });
    expect(agreed.lines).toContain('In person; the place is to be confirmed.');
    await send(agreed);

    const moved = step(c, CONFIG, () =>
      c.run('tutor', scheduleReviewMeeting, {
        startTime: '16:15',
        durationMinutes: 45,
        mode: 'in_person',
        location: 'Hollybank Primary, Room 4',
      }),
    );
    expect(moved.map((n) => `${n.kind} ${n.channel}`)).toEqual(['review_date_moved calendar']);
    const [update] = moved;
    if (!update) throw new Error('no update');
    expect(update.lines).toEqual([
      'Review of the Rapid Improvement Targets for Trainee on Friday 13 November 2026 at 16:15.',
      'Where: Hollybank Primary, Room 4.',
    ]);
    expect(update.calendar?.targets).toEqual(['Target 1: establish routines']);
    await send(update);
    let events = emu.emulator.inspect().events;
    expect(events).toHaveLength(1);
    const event = events[0]?.event as Record<string, unknown> & {
      start: { dateTime: string; timeZone: string };
      end: { dateTime: string };
      location: { displayName: string };
      body: { content: string };
    };
    // Stored in UTC: London is on GMT in November.
    expect(event.start).toMatchObject({ dateTime: '2026-11-13T16:15:00.0000000', timeZone: 'UTC' });
    expect(event.end.dateTime).toBe('2026-11-13T17:00:00.0000000');
    expect(event.location.displayName).toBe('Hollybank Primary, Room 4');
    // An HTML body: the targets as a numbered list, the case in the Trellis tab and in a browser.
    expect(event.body.content).toContain('<ol><li>Target 1: establish routines</li></ol>');
    expect(event.body.content).toContain(`<a href="${TAB_LINK.replace(/&/g, '&amp;')}">Open the case in Trellis</a>`);
    expect(event.body.content).toContain(`<a href="${LINK}">in a browser</a>`);

    const online = step(c, CONFIG, () =>
      c.run('tutor', scheduleReviewMeeting, { startTime: '09:00', durationMinutes: 30, mode: 'online' }),
    );
    await send(online[0] ?? update);
    events = emu.emulator.inspect().events;
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
  });

  it('Bright Futures “Professional Mentor to observe lesson on agreed date, review targets and feed back to Lead”: the Professional Mentor is invited', () => {
    const c = open(bf, ['trainee', 'lead', 'mentor', 'professional_mentor']);
    draftPlan(c, {
      reviewDate: d('2026-11-13'),
      meeting: {
        heldOn: d('2026-11-02'),
        attendees: ['lead', 'mentor', 'trainee'],
        placementConcern: false,
        mode: 'online',
      },
    });
    const event = step(c, CONFIG, () => signAll(c)).find((n) => n.channel === 'calendar')?.calendar;
    expect(event?.online).toBe(true);
    expect([...(event?.attendees ?? [])].sort()).toEqual([
      'mentor@provider.test',
      'professional.mentor@provider.test',
      'trainee@provider.test',
    ]);
  });
});
