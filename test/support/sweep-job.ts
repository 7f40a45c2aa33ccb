import type { Reply } from '../server/harness.js';

/**
 * Runs the review sweep through the API as a client would: POST /api/jobs/review-sweep (202 and
 * its job), then GET the job until it has finished. Answers the last reply: the finished job
 * (200 with state succeeded or failed), or the first refusal (401, 403, 503…).
 */
/** An API answer as the test harness gives it. */
export type SweepReply = Reply;

type Send = (
  method: string,
  route: string,
  options?: { readonly token?: string; readonly headers?: Readonly<Record<string, string>> },
) => Promise<SweepReply>;

export async function sweepThroughApi(send: Send, token: string, pollMs = 100): Promise<SweepReply> {
  const started = await send('POST', '/api/jobs/review-sweep', { token });
  if (started.status !== 202) return started;
  let reply = started;
  const job = (r: SweepReply): { state?: unknown; href?: unknown } =>
    (r.body ?? {}) as { state?: unknown; href?: unknown };
  const href = String(job(started).href);
  while (reply.status === 202 || (reply.status === 200 && job(reply).state === 'running')) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    reply = await send('GET', href, { token });
  }
  return reply;
}
