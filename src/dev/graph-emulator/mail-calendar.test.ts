import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, asRecord, graphError, rawFetch, startTestEmulator } from './test-support.js';
import type { TestEmulator } from './test-support.js';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ allowedMailboxes: ['trellis@provider.ac.uk', 'other@provider.ac.uk'] });
});
afterAll(async () => {
  await t.close();
});

const MAILBOX = 'trellis@provider.ac.uk';
const message = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  message: {
    subject: 'Review due',
    body: { contentType: 'HTML', content: '<p>Hello</p>' },
    toRecipients: [{ emailAddress: { address: 'mentor@school.org' } }],
    ...extra,
  },
  saveToSentItems: false,
});

describe('sendMail (item 27)', () => {
  it('202 with an empty body and no JSON Content-Type, so the SDK resolves', async () => {
    const raw = await rawFetch(t.emu, `/v1.0/users/${MAILBOX}/sendMail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message()),
    });
    expect(raw.status).toBe(202);
    expect(raw.text).toBe('');
    expect(raw.headers['content-type']).toBeUndefined();
    await expect(t.client.api(`/users/${MAILBOX}/sendMail`).post(message())).resolves.not.toThrow();
  });

  it('keeps sent mail, with attachments, in the inspectable outbox', async () => {
    const before = t.emu.inspect().mails.length;
    await t.client.api(`/users/${MAILBOX}/sendMail`).post(
      message({
        attachments: [
          {
            '@odata.type': '#microsoft.graph.fileAttachment',
            name: 'plan.pdf',
            contentType: 'application/pdf',
            contentBytes: Buffer.from('%PDF-1.4').toString('base64'),
          },
        ],
        internetMessageHeaders: [{ name: 'x-case-id', value: 'CASE-123' }],
      }),
    );
    const mails = t.emu.inspect().mails;
    expect(mails).toHaveLength(before + 1);
    const mail = mails.at(-1);
    expect(mail).toMatchObject({
      mailbox: MAILBOX,
      subject: 'Review due',
      toRecipients: ['mentor@school.org'],
      saveToSentItems: false,
      bodyContentType: 'html',
    });
    expect(mail?.attachments[0]).toMatchObject({ name: 'plan.pdf', size: 8 });
    expect(Buffer.from(mail?.attachments[0]?.contentBytes ?? '', 'base64').toString()).toBe('%PDF-1.4');
    const overHttp = asArray(JSON.parse((await rawFetch(t.emu, '/_emulator/mails')).text));
    expect(overHttp).toHaveLength(mails.length);
  });

  it('validates recipients, body type and attachments', async () => {
    const send = (body: unknown): Promise<unknown> => t.client.api(`/users/${MAILBOX}/sendMail`).post(body);
    expect(
      (await graphError(() => send(message({ toRecipients: [{ emailAddress: { address: 'not-an-address' } }] })))).code,
    ).toBe('ErrorInvalidRecipients');
    expect((await graphError(() => send(message({ toRecipients: [] })))).statusCode).toBe(400);
    expect(
      (await graphError(() => send(message({ body: { contentType: 'Markdown', content: 'x' } })))).statusCode,
    ).toBe(400);
    expect(
      (
        await graphError(() =>
          send(message({ attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', contentBytes: 'AAAA' }] })),
        )
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await graphError(() =>
          send(
            message({
              attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a', contentBytes: '***' }],
            }),
          ),
        )
      ).statusCode,
    ).toBe(400);
    expect((await graphError(() => send({ saveToSentItems: true }))).statusCode).toBe(400);
  });

  it('bodies over 4 MB are 413 RequestEntityTooLarge', async () => {
    const big = Buffer.alloc(3_200_000, 1).toString('base64');
    const e = await graphError(() =>
      t.client.api(`/users/${MAILBOX}/sendMail`).post(
        message({
          attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'big.bin', contentBytes: big }],
        }),
      ),
    );
    expect(e.statusCode).toBe(413);
    expect(e.code).toBe('RequestEntityTooLarge');
  });

  it('a mailbox outside the allowed scope is 403 ErrorAccessDenied', async () => {
    const e = await graphError(() => t.client.api('/users/someone.else@provider.ac.uk/sendMail').post(message()));
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe('ErrorAccessDenied');
    expect(e.message).toBe('Access to OData is disabled.');
  });
});

describe('calendar events (item 28)', () => {
  const event = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    subject: 'Support plan review – CASE-123',
    start: { dateTime: '2026-12-03T15:30:00', timeZone: 'Europe/London' },
    end: { dateTime: '2026-12-03T16:00:00', timeZone: 'Europe/London' },
    attendees: [{ emailAddress: { address: 'mentor@school.org' }, type: 'required' }],
    ...extra,
  });
  const events = `/users/${MAILBOX}/events`;

  it('201 with Graph event shape, UTC times with 7 fractional digits, defaults', async () => {
    const created = asRecord(
      await t.client.api(events).post(
        event({
          start: { dateTime: '2026-07-03T15:30:00', timeZone: 'GMT Standard Time' },
          end: { dateTime: '2026-07-03T16:00:00', timeZone: 'GMT Standard Time' },
        }),
      ),
    );
    expect(created['@odata.etag']).toMatch(/^W\/".+"$/);
    expect(typeof created.id).toBe('string');
    expect(typeof created.iCalUId).toBe('string');
    expect(typeof created.changeKey).toBe('string');
    expect(created.originalStartTimeZone).toBe('GMT Standard Time');
    expect(created.reminderMinutesBeforeStart).toBe(15);
    expect(created.isReminderOn).toBe(true);
    expect(created.transactionId).toBeUndefined();
    // BST: 15:30 London = 14:30 UTC.
    expect(created.start).toEqual({ dateTime: '2026-07-03T14:30:00.0000000', timeZone: 'UTC' });
  });

  it('Prefer: outlook.timezone renders in that zone; UTC and IANA names are accepted; unknown zones are 400', async () => {
    const created = asRecord(
      await t.client.api(events).header('Prefer', 'outlook.timezone="Pacific Standard Time"').post(event()),
    );
    expect(created.start).toEqual({ dateTime: '2026-12-03T07:30:00.0000000', timeZone: 'Pacific Standard Time' });
    const utc = asRecord(
      await t.client.api(events).post(
        event({
          start: { dateTime: '2026-12-03T09:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-12-03T10:00:00', timeZone: 'UTC' },
        }),
      ),
    );
    const london = asRecord(
      await t.client
        .api(`${events}/${String(utc.id)}`)
        .header('Prefer', 'outlook.timezone="Europe/London"')
        .get(),
    );
    expect(london.start).toEqual({ dateTime: '2026-12-03T09:00:00.0000000', timeZone: 'Europe/London' });
    const e = await graphError(() =>
      t.client.api(events).post(event({ start: { dateTime: '2026-12-03T09:00:00', timeZone: 'Mars/Olympus' } })),
    );
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('TimeZoneNotSupportedException');
  });

  it('a repeated transactionId returns the existing event instead of creating a second one', async () => {
    const body = event({ transactionId: 'review-CASE-123-R2' });
    const first = asRecord(await t.client.api(events).post(body));
    const second = asRecord(await t.client.api(events).post(body));
    expect(second.id).toBe(first.id);
    expect(first.transactionId).toBe('review-CASE-123-R2');
    expect(t.emu.inspect().events.filter((e) => e.event.transactionId === 'review-CASE-123-R2')).toHaveLength(1);
    // Dedupe is per mailbox.
    const other = asRecord(await t.client.api('/users/other@provider.ac.uk/events').post(body));
    expect(other.id).not.toBe(first.id);
  });

  it('the duplicate transactionId can be configured to 409', async () => {
    const c = await startTestEmulator({ duplicateTransactionId: 'conflict' });
    try {
      await c.client.api('/users/x@y.org/events').post(event({ transactionId: 'tx-1' }));
      expect(
        (await graphError(() => c.client.api('/users/x@y.org/events').post(event({ transactionId: 'tx-1' }))))
          .statusCode,
      ).toBe(409);
    } finally {
      await c.close();
    }
  });

  it('GET, PATCH and DELETE an event', async () => {
    const created = asRecord(await t.client.api(events).post(event({ transactionId: 'tx-patch' })));
    const url = `${events}/${String(created.id)}`;
    const patched = asRecord(
      await t.client.api(url).patch({
        subject: 'Moved',
        start: { dateTime: '2026-12-04T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-04T11:00:00', timeZone: 'UTC' },
      }),
    );
    expect(patched.subject).toBe('Moved');
    expect(patched.changeKey).not.toBe(created.changeKey);
    expect(asRecord(patched.start).dateTime).toBe('2026-12-04T10:00:00.0000000');
    expect((await graphError(() => t.client.api(url).patch({ transactionId: 'other' }))).statusCode).toBe(400);
    const listed = asArray(asRecord(await t.client.api(events).top(100).get()).value).map(asRecord);
    expect(listed.some((e) => e.id === created.id)).toBe(true);
    await t.client.api(url).delete();
    expect((await graphError(() => t.client.api(url).get())).statusCode).toBe(404);
  });
});
