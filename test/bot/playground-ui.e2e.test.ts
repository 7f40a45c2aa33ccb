import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { silentLogger } from '../../src/app/logger.js';
import {
  freePort,
  PLAYGROUND_BIN,
  startPlayground,
  startTrellisForPlayground,
  type RunningPlayground,
} from '../../scripts/playground.js';

/**
 * The same Playground, through its own web UI in headless chromium: the mentor types in the
 * personal chat, the review card renders (Adaptive Cards with Action.Execute), they fill it in
 * and submit, and the card is replaced by the recorded outcome. The browser reaches nothing but
 * this machine (test/support/chromium.ts): the UI's request to a CDN for fonts fails at once.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The demo mentor with a review due in the BCU demo data. */
const MENTOR = 'gareth.evans@hollybank.example';
const realNow = (): Date => londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);
const PLAYGROUND_START_MS = 60_000;

let dataDir: string;
let trellis: RunningLocalMode;
let playground: RunningPlayground | undefined;
let browser: Browser | undefined;
let notStarted = '';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-playground-ui-'));
  const playgroundPort = await freePort();
  trellis = await startTrellisForPlayground({
    dataDir,
    port: 0,
    playgroundPort,
    logger: silentLogger,
    realNow,
    durability: 'none',
  });
  if (!existsSync(PLAYGROUND_BIN) || !existsSync(CHROMIUM)) {
    notStarted = `needs the Agents Playground (${PLAYGROUND_BIN}) and chromium (${CHROMIUM})`;
    return;
  }
  try {
    // A machine busy with other work can take a while to start it; a failure to start skips the test, so wait long enough.
    playground = await startPlayground({
      endpoint: `${trellis.url}/api/messages`,
      port: playgroundPort,
      upn: MENTOR,
      timeoutMs: PLAYGROUND_START_MS,
    });
    browser = await launchChromium(CHROMIUM);
  } catch (error) {
    notStarted = `the Agents Playground or chromium could not start here: ${error instanceof Error ? error.message : String(error)}`;
  }
}, PLAYGROUND_START_MS + 30_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
  await trellis.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Agents Playground UI', () => {
  it('renders the review card, takes the mentor’s review and replaces the card with the outcome', async (ctx) => {
    if (notStarted !== '' || !browser || !playground) {
      ctx.skip(notStarted);
      return;
    }
    const before = await trellis.repository.list({ personId: MENTOR, status: 'active', limit: 50 });
    const page = await browser.newPage();
    await page.goto(playground.url);
    await page.getByText('Personal Chat').first().click({ timeout: 30_000 });
    const composer = page.locator('[data-lexical-editor="true"][role="textbox"]');
    await composer.click();
    await composer.fill('my cases');
    await page.keyboard.press('Enter');

    const form = page
      .locator('.ac-adaptiveCard')
      .filter({ has: page.getByRole('button', { name: 'Record review' }) })
      .first();
    await form.waitFor({ timeout: 30_000 });
    for (const radio of await form.locator('input[type="radio"][value="met"]').all())
      await radio.check({ force: true });
    // The outcome: the last radio group on the form; its first choice (the stage's "targets met" outcome).
    const names = await Promise.all(
      (await form.locator('input[type="radio"]').all()).map(async (radio) => (await radio.getAttribute('name')) ?? ''),
    );
    const groups = [...new Set(names)];
    const outcomeGroup = groups.at(-1) ?? '';
    await form.locator(`input[type="radio"][name="${outcomeGroup}"]`).first().check({ force: true });
    await form.locator('textarea').first().fill('Seen in two lessons <b>bold</b> *stars*');
    await form.getByRole('button', { name: 'Record review' }).click();

    const outcome = page.locator('.ac-adaptiveCard').filter({ hasText: 'REVIEW RECORDED' }).first();
    // An outcome that closes the case is confirmed on a second card first.
    const confirm = page.getByRole('button', { name: /^Yes, record it/ }).first();
    await outcome.or(confirm).first().waitFor({ timeout: 30_000 });
    if (await confirm.isVisible()) await confirm.click();
    await outcome.waitFor({ timeout: 30_000 });
    // The mentor's words appear as typed: no markup, no markdown.
    await expect(outcome.innerText()).resolves.toContain('Seen in two lessons <b>bold</b> *stars*');
    const after = await trellis.repository.list({ personId: MENTOR, status: 'active', limit: 50 });
    const reviewed = before.items.filter((s) => !after.items.some((a) => a.id === s.id && a.version === s.version));
    expect(reviewed).toHaveLength(1);
    await page.close();
  });
});
