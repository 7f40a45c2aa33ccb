import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/notify/email.js';
import { renderEventBody } from '../../src/notify/event-body.js';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { escapeHtml } from '../../src/text/html.js';
import type { Notification } from '../../src/notify/notification.js';
import { suspendPlacement } from '../../src/domain/case/commands/stage-tasks.js';
import { atEnhancedSupportStep5, CONFIG, step } from './kit.js';

const hostile = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "O'Brien & Sons",
  '<a href="javascript:alert(1)">x</a>',
  '&lt;already&gt;',
];

describe('escapeHtml', () => {
  it.each(hostile)('leaves no markup in %s', (s) => {
    const out = escapeHtml(s);
    expect(out).not.toMatch(/[<>"']/);
    expect(
      out
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&'),
    ).toBe(s);
  });
});

describe('renderEmail', () => {
  it('escapes every user string and drops newlines from the subject', () => {
    const n: Notification = {
      key: 'k',
      caseId: 'c',
      reference: 'R',
      kind: 'plan_agreed',
      about: 'plan_agreed',
      channel: 'email',
      recipient: { kind: 'course_mailbox', address: 'a@b.test' },
      subject: 'Plan <b>agreed</b>\r\nBcc: evil@x.test',
      lines: [hostile[0] ?? ''],
      because: hostile[1],
      attachForm: true,
      calendar: undefined,
    };
    const { subject, html } = renderEmail(n, { caseLink: 'javascript:alert(1)' });
    expect(subject).not.toMatch(/[\r\n]/);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('The completed form is attached');
  });
});

describe('the placement-suspended email', () => {
  it('shows a hostile reason as text, in the staff and the trainee email alike', () => {
    const c = atEnhancedSupportStep5(['trainee', 'mentor', 'tutor']);
    const reason = '<script>alert(1)</script> "><img src=x onerror=alert(1)> <a href="javascript:alert(1)">details</a>';
    const sent = step(c, CONFIG, () => c.run('course_team', suspendPlacement, { reason }));
    const emails = sent.filter((n) => n.channel === 'email' && n.recipient.kind === 'person');
    expect(emails.map((n) => n.recipient.kind === 'person' && n.recipient.role).sort()).toEqual([
      'mentor',
      'trainee',
      'tutor',
    ]);
    for (const n of emails) {
      const { subject, html } = renderEmail(n, { caseLink: 'https://trellis.example/cases/case-1' });
      expect(subject).not.toMatch(/[<>\r\n]/);
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<a href="javascript:');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      // The only link is Trellis's own.
      expect(html.match(/<a /g)).toHaveLength(1);
      expect(html).toContain('<a href="https://trellis.example/cases/case-1">Open the case in Trellis</a>');
    }
    const trainee = emails.find((n) => n.kind === 'trainee_informed');
    if (!trainee) throw new Error('the trainee is told');
    expect(renderEmail(trainee).html).toContain(
      `<h1 style="font-size:18px">${trainee.reference}: Your placement has been suspended</h1>`,
    );
  });

  it('names a course team member who is not on the case by the name the event keeps, as text', () => {
    const c = atEnhancedSupportStep5(['trainee', 'mentor', 'tutor']);
    const actor = {
      id: 'mark.whitfield@provider.test',
      name: 'Mark <b>Whitfield</b>',
      appRoles: ['course_team'] as const,
    };
    const sent = step(c, CONFIG, () => {
      const result = suspendPlacement(c.context(actor), c.state, { reason: 'Pupils’ progress.' });
      c.state = result.state;
      return result;
    });
    const mentor = sent.find(
      (n) => n.channel === 'email' && n.recipient.kind === 'person' && n.recipient.role === 'mentor',
    );
    const trainee = sent.find((n) => n.channel === 'email' && n.kind === 'trainee_informed');
    if (!mentor || !trainee) throw new Error('the mentor and the trainee are emailed');
    const staffHtml = renderEmail(mentor).html;
    expect(staffHtml).toContain('Suspended by Mark &lt;b&gt;Whitfield&lt;/b&gt; (course team).');
    expect(staffHtml).not.toContain('mark.whitfield@provider.test');
    expect(renderEmail(trainee).html).toContain(
      'The decision was made by Mark &lt;b&gt;Whitfield&lt;/b&gt; (course team).',
    );
  });
});

describe('renderEventBody', () => {
  it('lists the targets to review as escaped text, with links to the case in the tab and a browser', () => {
    const n: Notification = {
      key: 'k',
      caseId: 'c',
      reference: 'R',
      kind: 'review_date_set',
      about: undefined,
      channel: 'calendar',
      recipient: { kind: 'person', role: 'tutor', personId: 't@x.test', name: 'T', email: 't@x.test' },
      subject: 'Review: R',
      lines: ['Review for <b>Sam</b> on Friday.', 'Where: Room 4.'],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    };
    const request = {
      action: 'upsert' as const,
      organizer: 't@x.test',
      transactionId: 'x',
      date: parseLocalDate('2026-11-13'),
      startTime: '15:30',
      durationMinutes: 60,
      reminderMinutesBeforeStart: 15,
      attendees: [],
      online: false,
      targets: hostile,
    };
    const html = renderEventBody(n, request, {
      tab: 'https://teams.microsoft.com/l/entity/a/my-cases?webUrl=w&label=Case%20R',
      web: 'https://trellis.example/cases/c',
    });
    expect(html).toContain('<p>Review for &lt;b&gt;Sam&lt;/b&gt; on Friday.</p>');
    expect(html).toContain(`<ol>${hostile.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ol>`);
    expect(html).toContain(
      '<a href="https://teams.microsoft.com/l/entity/a/my-cases?webUrl=w&amp;label=Case%20R">Open the case in Trellis</a>',
    );
    expect(html).toContain('<a href="https://trellis.example/cases/c">in a browser</a>');
    expect(renderEventBody(n, request, { tab: 'javascript:alert(1)' })).not.toContain('href="javascript:');
  });
});
