/**
 * An emulator another process runs (`npm run graph-emulator`, or a test runner), seen from a
 * Trellis process that uses it: where it is, and what it sent (for the dev outbox). Several
 * Trellis processes can share one emulator, as several instances share one SharePoint site.
 */
import { Agent, fetch } from 'undici';
import { z } from 'zod';
import type { EmulatorInspection } from './types.js';

export interface SharedGraphEmulator {
  /** e.g. `https://localhost:8443` (no `/v1.0`). */
  readonly baseUrl: string;
  readonly caCertPem: string;
  /** The emulator's default site. */
  readonly siteId: string;
  /** Mails, calendar events, installs and messages it holds (`GET /_emulator/inspect`). */
  inspect(): Promise<EmulatorInspection>;
  /** Closes this process's connections; the emulator itself keeps running. */
  close(): Promise<void>;
}

const healthSchema = z.object({ ok: z.literal(true), siteId: z.string().min(1) }).loose();

export async function connectGraphEmulator(options: {
  readonly baseUrl: string;
  readonly caCertPem: string;
}): Promise<SharedGraphEmulator> {
  const origin = new URL(options.baseUrl).origin;
  const dispatcher = new Agent({ connect: { ca: options.caCertPem } });
  const control = async (path: string): Promise<unknown> => {
    const response = await fetch(`${origin}${path}`, { dispatcher });
    if (!response.ok) throw new Error(`graph emulator at ${origin}: ${path} answered ${response.status}`);
    return response.json();
  };
  try {
    const health = healthSchema.parse(await control('/_emulator/health'));
    return {
      baseUrl: origin,
      caCertPem: options.caCertPem,
      siteId: health.siteId,
      // The emulator's own answer, typed by the emulator that sends it.
      inspect: async () => (await control('/_emulator/inspect')) as EmulatorInspection,
      close: () => dispatcher.close(),
    };
  } catch (error) {
    await dispatcher.close();
    throw new Error(
      `No Graph emulator answers at ${origin}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
