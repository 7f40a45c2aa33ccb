/**
 * `/_emulator/*`: test and benchmark controls, deliberately outside `/v1.0` so they are
 * never counted as Graph traffic and cannot be mistaken for Graph by the app.
 */
import { z } from 'zod';
import type { EmulatorCore } from './emulator.js';
import { faultConfigSchema } from './faults.js';
import { latencyProfileNamed, latencyProfileSchema } from './latency.js';
import { zodMessage } from './columns.js';

export interface ControlResponse {
  readonly status: number;
  /** Omitted for 204. */
  readonly body?: unknown;
}

export interface ControlInfo {
  readonly baseUrl: string;
  readonly siteId: string;
}

export async function handleControl(
  core: EmulatorCore,
  info: ControlInfo,
  method: string,
  path: string,
  body: unknown,
): Promise<ControlResponse> {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_emulator/health':
      return { status: 200, body: { ok: true, ...info } };
    case 'GET /_emulator/inspect':
      return { status: 200, body: core.inspect() };
    case 'GET /_emulator/mails':
      return { status: 200, body: core.inspect().mails };
    case 'GET /_emulator/events':
      return { status: 200, body: core.inspect().events };
    case 'GET /_emulator/installed-apps':
      return { status: 200, body: core.inspect().installs };
    case 'GET /_emulator/channel-messages':
      return { status: 200, body: core.inspect().channelMessages };
    case 'GET /_emulator/activity-notifications':
      return { status: 200, body: core.inspect().activityNotifications };
    case 'GET /_emulator/counters':
      return { status: 200, body: core.counters.snapshot() };
    case 'GET /_emulator/requests':
      return { status: 200, body: core.counters.recent() };
    case 'POST /_emulator/counters/reset':
      core.counters.reset();
      return { status: 204 };
    case 'POST /_emulator/reset':
      await core.reset();
      return { status: 204 };
    case 'POST /_emulator/delta/expire':
      await core.expireDeltaTokens();
      return { status: 204 };
    case 'GET /_emulator/faults':
      return { status: 200, body: core.faults.config };
    case 'POST /_emulator/faults': {
      const parsed = faultConfigSchema.safeParse(body ?? {});
      if (!parsed.success)
        return { status: 400, body: { error: { code: 'invalidRequest', message: zodMessage(parsed.error) } } };
      core.faults.set(parsed.data);
      return { status: 200, body: core.faults.config };
    }
    case 'GET /_emulator/latency':
      return { status: 200, body: { profile: core.latencyProfile ?? null } };
    case 'POST /_emulator/latency': {
      // `{ "profile": "tenant" }` (or `"tenant:7"`), a whole profile, or `{ "profile": null }` for none.
      const parsed = z
        .strictObject({ profile: z.union([z.string().min(1), latencyProfileSchema, z.null()]) })
        .safeParse(body ?? {});
      if (!parsed.success)
        return { status: 400, body: { error: { code: 'invalidRequest', message: zodMessage(parsed.error) } } };
      const { profile } = parsed.data;
      try {
        core.setLatency(typeof profile === 'string' ? latencyProfileNamed(profile) : (profile ?? undefined));
      } catch (e) {
        return {
          status: 400,
          body: { error: { code: 'invalidRequest', message: e instanceof Error ? e.message : String(e) } },
        };
      }
      return { status: 200, body: { profile: core.latencyProfile ?? null } };
    }
    case 'GET /_emulator/faults/log':
      return { status: 200, body: core.faults.decisions() };
    case 'GET /_emulator/faults/held':
      return { status: 200, body: core.faults.held() };
    case 'POST /_emulator/faults/release': {
      const parsed = z.object({ name: z.string().min(1) }).safeParse(body ?? {});
      if (!parsed.success)
        return { status: 400, body: { error: { code: 'invalidRequest', message: zodMessage(parsed.error) } } };
      core.faults.releaseHeld(parsed.data.name);
      return { status: 204 };
    }
    default:
      return { status: 404, body: { error: { code: 'itemNotFound', message: `No emulator control at ${route}.` } } };
  }
}
