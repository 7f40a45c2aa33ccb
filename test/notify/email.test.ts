import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEmail } from '../../src/notify/email.js';
import type { Notification } from '../../src/notify/notification.js';

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
    expect(out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')).toBe(s);
  });
});

describe('renderEmail', () => {
  it('escapes every user string and drops newlines from the subject', () => {
    const n: Notification = {
      key: 'k', caseId: 'c', reference: 'R', kind: 'plan_agreed', about: 'plan_agreed', channel: 'email',
      recipient: { kind: 'course_mailbox', address: 'a@b.test' },
      subject: 'Plan <b>agreed</b>\r\nBcc: evil@x.test', lines: [hostile[0] ?? ''], because: hostile[1], attachForm: true, calendar: undefined,
    };
    const { subject, html } = renderEmail(n, { caseLink: 'javascript:alert(1)' });
    expect(subject).not.toMatch(/[\r\n]/);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('The completed form is attached');
  });
});
