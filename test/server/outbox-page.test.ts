import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseSummaryCard } from '../../src/cards/build-cards.js';
import { caseSummaryView } from '../../src/cards/views/lifecycle.js';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { getProcedure } from '../../src/domain/procedures/index.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { EMULATOR_DELEGATED_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import { silentLogger } from '../../src/app/logger.js';
import { docsImagesDir } from '../docs-images.js';
import { reviewersOf } from '../../src/cards/index.js';
import { DEMO_OUTLOOK_ORIGINATOR } from '../../src/compose/notify-config.js';
import { seededDataDir } from '../support/local-mode-seeds.js';

/** The dev outbox shows channel cards rendered with the Adaptive Cards library, as Teams would. */
let dataDir: string;
let local: RunningLocalMode;
let browser: Browser;
const today = parseLocalDate('2026-11-23');

beforeAll(async () => {
  dataDir = await seededDataDir('trellis-outbox', 'pinned');
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: silentLogger,
    realNow: () => londonInstantAt(today, 10, 0),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('dev outbox page', () => {
  it('renders a channel card, and a trainee name with markup stays text', async () => {
    const summary = (await local.repository.list({ procedureId: 'bcu-rapid-improvement-targets' })).items[0];
    if (!summary) throw new Error('no demo case');
    const stored = await local.repository.find(summary.id);
    if (!stored) throw new Error('case');
    const hostile = {
      ...stored.state,
      people: stored.state.people.map((p) =>
        p.role === 'trainee' ? { ...p, name: '<img src=x onerror=alert(1)> **Bold** [x](https://evil.example)' } : p,
      ),
    };
    const card = buildCaseSummaryCard(
      caseSummaryView({
        procedure: getProcedure(stored.state.procedureId),
        state: hostile,
        today,
        links: { appId: 'app', tabEntityId: 'cases', publicUrl: local.url },
      }),
    );
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: local.emulator.baseUrl,
      caCertPem: local.emulator.caCertPem,
      token: EMULATOR_DELEGATED_TOKEN,
    });
    await client.api('/teams/course-team/channels/cases/messages').post({
      body: { contentType: 'html', content: '<attachment id="card1"></attachment>' },
      attachments: [
        { id: 'card1', contentType: 'application/vnd.microsoft.card.adaptive', content: JSON.stringify(card) },
      ],
    });

    // A review reminder as local mode sends it: an actionable message with the demo originator.
    let reviewed:
      | { caseId: string; reference: string; reviewer: { id: string; role: string; name: string; email: string } }
      | undefined;
    for (const item of (await local.repository.list({ status: 'active', limit: 50 })).items) {
      const found = await local.repository.find(item.id);
      const reviewer = found && reviewersOf(getProcedure(found.state.procedureId), found.state)[0];
      if (found && reviewer && !found.state.paused) {
        reviewed = { caseId: found.state.id, reference: found.state.reference, reviewer };
        break;
      }
    }
    if (!reviewed || !local.notifications.runtime.senders.email) throw new Error('no case to remind about');
    const { reviewer } = reviewed;
    await local.notifications.runtime.senders.email({
      key: `outbox-page:${reviewed.caseId}`,
      caseId: reviewed.caseId,
      reference: reviewed.reference,
      kind: 'review_overdue',
      about: undefined,
      channel: 'email',
      recipient: {
        kind: 'person',
        role: reviewer.role,
        personId: reviewer.id,
        name: reviewer.name,
        email: reviewer.email,
      },
      subject: `${reviewed.reference}: review overdue`,
      lines: ['The review is overdue.'],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    });
    const json = (await (await fetch(`${local.url}/dev/outbox?format=json`)).json()) as {
      mails: { subject: string; bodyContent: string; actionableCard?: { originator?: string } }[];
    };
    const reminder = json.mails.find((m) => m.subject === `${reviewed.reference}: review overdue`);
    expect(reminder?.bodyContent).toContain('<script type="application/adaptivecard+json">');
    expect(reminder?.actionableCard?.originator).toBe(DEMO_OUTLOOK_ORIGINATOR);

    const page = await browser.newPage();
    const alerts: string[] = [];
    page.on('dialog', (dialog) => {
      alerts.push(dialog.message());
      void dialog.dismiss();
    });
    await page.route('**/*', (route) =>
      new URL(route.request().url()).hostname === '127.0.0.1' || new URL(route.request().url()).hostname === 'localhost'
        ? route.continue()
        : route.abort(),
    );
    await page.goto(`${local.url}/dev/outbox`);
    const rendered = page.locator('.card-host:not(.actionable) .ac-adaptiveCard');
    await rendered.first().waitFor();
    const text = await rendered.first().innerText();
    expect(text).toContain(stored.state.reference);
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('.card-host img[src="x"]').count()).toBe(0);
    expect(await page.locator('.card-host a[href^="https://evil"]').count()).toBe(0);
    // The actionable email's card, rendered as Outlook shows it: the review form with its button.
    const actionable = page.locator('.card-host.actionable .ac-adaptiveCard');
    await actionable.first().waitFor();
    expect(await actionable.first().innerText()).toContain('Record review');
    expect(alerts).toEqual([]);
    await page.screenshot({ path: path.join(docsImagesDir('screenshots'), 'dev-outbox.png'), fullPage: false });
    await page.close();
  });
});
