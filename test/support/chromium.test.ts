import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from './chromium.js';

const executablePath = findChromium();

describe.skipIf(executablePath === undefined)('the tests’ Chromium', () => {
  let browser: Browser;
  let server: Server;
  let local = '';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>here</p>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    local = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium(executablePath);
  });

  afterAll(async () => {
    await browser.close();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  });

  it('opens a page in a new context without the address bar’s popups beside it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(local);
    expect(await page.locator('p').textContent()).toBe('here');
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] };
    await cdp.detach();
    expect(targetInfos.filter((t) => t.url.startsWith('chrome://'))).toEqual([]);
    expect(targetInfos.map((t) => t.url)).toContain(local);
    await context.close();
  });

  it('reaches this machine only, and keeps Playwright’s own disabled features (HTTP stays HTTP)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const error = await page.goto('http://www.example.com/').then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect(error).toMatch(/ERR_NAME_NOT_RESOLVED/);
    // Answered by the test before any name is resolved: Playwright's HttpsUpgrades stays off.
    const seen: string[] = [];
    await context.route('**/*', (route) => {
      seen.push(route.request().url());
      return route.fulfill({ contentType: 'text/html', body: '<p>stood in</p>' });
    });
    await page.goto('http://teams.example/');
    expect(await page.locator('p').textContent()).toBe('stood in');
    expect(seen).toEqual(['http://teams.example/']);
    await context.close();
  });
});
