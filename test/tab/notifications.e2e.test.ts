import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import type { Notification } from '../../src/notify/notification.js';
import {
  describeViolations,
  seriousViolations,
  signInAs,
  startTabEnvironment,
  type TabEnvironment,
  type TabServer,
} from './tab-harness.js';

/**
 * The course team's Notifications page in Chromium against local mode: a notification that
 * failed is listed with why, Retry sends it (it lands in the emulator's mailbox), and "Run
 * review sweep now" reports what the sweep did.
 */
let env: TabEnvironment;
let local: RunningLocalMode;
let tab: TabServer;

beforeAll(async () => {
  env = await startTabEnvironment('tab-notify', { schedule: false });
  ({ local, tab } = env);
});

afterAll(async () => {
  await env.close();
});

describe('the Notifications page', () => {
  it('lists a failed notification with its reason; Retry sends it once; the sweep button reports what it did', async () => {
    const page0 = await local.repository.list({ programme: 'PGCE Primary and Early Years 2026/27', limit: 1 });
    const demo = page0.items[0];
    if (!demo) throw new Error('no demo case on the BCU programme');
    const hostileName = 'Sam <img src=x onerror=alert(1)>';
    const notification: Notification = {
      key: `${demo.id}:99:plan_agreed:email:person:sam@school.example`,
      caseId: demo.id,
      reference: demo.reference,
      kind: 'plan_agreed',
      about: 'plan_agreed',
      channel: 'email',
      recipient: {
        kind: 'person',
        role: 'mentor',
        personId: 'sam@school.example',
        name: hostileName,
        email: 'sam@school.example',
      },
      subject: `${demo.reference}: plan agreed`,
      lines: ['The plan was agreed.'],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    };
    const outbox = local.notifications.runtime.outbox;
    const claimed = await outbox.claimNew(notification, { token: 'e2e:1', at: local.clock.now() });
    if (claimed.outcome !== 'claimed') throw new Error('fixture');
    await outbox.markFailed(claimed.record, {
      attempts: 5,
      error: '503 The mailbox is temporarily unavailable',
      at: local.clock.now(),
    });

    const page = await env.page();
    await signInAs(page, tab.url, 'Mark Whitfield');
    await page.getByRole('navigation', { name: 'Trellis' }).getByRole('link', { name: 'Notifications' }).click();
    await page.waitForURL(`${tab.url}/notifications`);
    const table = page.getByRole('table', { name: /Failed/ });
    await table.waitFor();
    const row = table.locator(`tr[data-notification="${notification.key}"]`);
    await expect.poll(() => row.textContent()).toContain('503 The mailbox is temporarily unavailable');
    // Text from people is text: the name shows as typed, and nothing was injected.
    expect(await row.textContent()).toContain(`${hostileName} <sam@school.example>`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await row.getByRole('button', { name: /^Retry / }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'is being sent again' }).count()).toBe(1);
    await local.notifications.background.idle();
    const sent = local.emulator
      .inspect()
      .mails.filter((m) =>
        m.internetMessageHeaders.some((h) => h.name === 'x-trellis-key' && h.value === notification.key),
      );
    expect(sent).toHaveLength(1);
    await expect.poll(() => table.locator(`tr[data-notification="${notification.key}"]`).count()).toBe(0);

    await page.getByRole('button', { name: 'Run review sweep now' }).click();
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({
              hasText:
                /^Review sweep done across every programme: \d+ cases? with reviews coming up or overdue; \d+ sent/,
            })
            .count(),
        // The sweep goes over every demo case of every provider; on a machine busy with other
        // work that has taken over half a minute.
        { timeout: 150_000 },
      )
      .toBe(1);
    // The list under the sweep's words is reloaded from the same outbox. The sweep speaks for
    // every programme and the list for the caller's own, and each says so: "4 will be tried
    // again" never sits above a bare "nothing waiting".
    const said = (await page.getByRole('status').textContent()) ?? '';
    expect(said).toContain('across every programme');
    const summary = page.getByTestId('failed-summary');
    await expect.poll(() => summary.textContent()).toMatch(/waiting to be tried again|could not count/);
    expect(await summary.textContent()).toContain('on your programmes’ cases');

    // What was sent on the case: found by its reference, the retried email is there, sent, to whom it went.
    await page.getByLabel('Trainee name or case reference').fill(demo.reference);
    await page.getByRole('button', { name: 'Find the case' }).click();
    await page.getByRole('button', { name: `${demo.reference} · ` }).click();
    const sentRow = page.locator(`tr[data-sent="${notification.key}"]`);
    await expect.poll(() => sentRow.textContent()).toContain('Sent');
    expect(await sentRow.textContent()).toContain(`${hostileName} <sam@school.example>`);
    expect(await page.getByTestId('sent-summary').textContent()).toMatch(/\d+ sent, \d+ waiting, \d+ failed\./);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  }, 240_000);

  it('is not offered to a mentor, and says so at its address', async () => {
    const page = await env.page();
    await signInAs(page, tab.url, 'Gareth Evans');
    await page.getByRole('table', { name: 'Cases' }).waitFor();
    expect(
      await page.getByRole('navigation', { name: 'Trellis' }).getByRole('link', { name: 'Notifications' }).count(),
    ).toBe(0);
    await page.goto(`${tab.url}/notifications`);
    await page.getByText('Notifications are for the course team').waitFor({ timeout: 20_000 });
  });
});
