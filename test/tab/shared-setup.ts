import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inject } from 'vitest';
import { SHARED_SETUP_DONE } from './shared-setup-done.js';

/**
 * Setup file of the `tab` project: waits until the global setup (test/tab/global-setup.ts) has
 * built the tab and seeded local mode, which it does while the other projects' tests already
 * run. Outside that project (a file run on its own) there is nothing to wait for. A setup that
 * failed fails every tab file with its reason; one that never ends is a hung build, failed after
 * ten minutes rather than waited on for ever.
 */
const dir = inject('sharedSetupDir') as string | undefined;
if (dir !== undefined) {
  const giveUp = Date.now() + 600_000;
  for (;;) {
    const text = await readFile(path.join(dir, SHARED_SETUP_DONE), 'utf8').catch(() => undefined);
    const done = text === undefined ? undefined : (JSON.parse(text) as { ok: boolean; error?: string });
    if (done?.ok === true) break;
    if (done !== undefined) throw new Error(`The tab project's shared setup failed:\n${done.error ?? ''}`);
    if (Date.now() > giveUp) throw new Error("The tab project's shared setup did not finish in ten minutes");
    await delay(100);
  }
}
