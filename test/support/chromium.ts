import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`CHROMIUM_PATH` overrides), or undefined where it is not installed. */
export function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Chromium features the tests switch off. Headless Chromium is the whole browser without a screen:
 * every browser context opens a window, and each window starts renderer processes for its
 * address bar's suggestion popups (chrome://omnibox-popup.top-chrome), about a second of CPU a
 * context that no test looks at. Chromium also keeps a spare renderer process started ahead of
 * the next navigation, which the tests do not need: two tab files used 4% and 8% less CPU in two
 * runs without it.
 */
const DISABLED_FEATURES = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
  'SpareRendererForSitePerProcess',
] as const;

const JOIN_FEATURES = fileURLToPath(new URL('./chromium-features.sh', import.meta.url));

/**
 * Chromium's host resolver for the tests: every name but this machine's fails, so a page reaches
 * nothing but the servers the test started (a request to anywhere else fails at once, as it would
 * if it were blocked, without Playwright pausing every request to look at it). A test that stands
 * in for a remote host (Entra, the Teams web client) serves it with `context.route`, which answers
 * before any name is resolved.
 */
const LOCAL_ONLY = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1';

/**
 * Starts Chromium headless for a test, with the flags every test uses. It goes through
 * chromium-features.sh, which keeps Playwright's own disabled features alongside the ones above.
 */
export function launchChromium(executablePath = findChromium() ?? '/usr/bin/chromium'): Promise<Browser> {
  return chromium.launch({
    executablePath: JOIN_FEATURES,
    env: { ...process.env, TRELLIS_CHROMIUM: executablePath },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      LOCAL_ONLY,
      `--disable-features=${DISABLED_FEATURES.join(',')}`,
    ],
  });
}
