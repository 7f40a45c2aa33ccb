import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import { listItemsPath } from '../../src/store/graph/items.js';
import { sweepThroughApi } from '../support/sweep-job.js';
import { childCluster, type Cluster } from './cluster.js';
import { call, provider, signIn, sleep, type Reply } from './kit.js';

/**
 * Jobs across instances: three Trellis processes (local mode, no scheduler of their own) on one
 * Graph emulator, as three instances behind a load balancer share one site. A sweep started on
 * one is followed on another; two started at the same moment on two instances are one sweep.
 */

let cluster: Cluster | undefined;
let token = '';

beforeAll(async () => {
  cluster = await childCluster({ size: 3, shared: true, durability: 'none', scheduler: false });
  token = await signIn(cluster.url(0), provider('bcu').courseTeam.upn);
});

afterAll(async () => {
  await cluster?.close();
});

function on(index: number) {
  const c = cluster;
  if (c === undefined) throw new Error('Trellis did not start');
  return (
    method: string,
    route: string,
    options?: { readonly token?: string; readonly headers?: Readonly<Record<string, string>> },
  ): Promise<Reply> => call(c.url(index), method, route, options);
}

interface JobBody {
  readonly id: string;
  readonly state: string;
  readonly href: string;
  readonly result?: { readonly planned: number; readonly sent: number; readonly already: number };
}
const jobOf = (reply: Reply): JobBody => reply.body as JobBody;

/** Follows a job on one process until it has finished. */
async function finished(index: number, href: string): Promise<Reply> {
  for (;;) {
    const reply = await on(index)('GET', href, { token });
    if (reply.status !== 200 || jobOf(reply).state !== 'running') return reply;
    await sleep(200);
  }
}

/** The job rows in the shared store (the lease rows left out). */
async function storedJobIds(): Promise<string[]> {
  const emulator = cluster?.emulator;
  if (emulator === undefined) throw new Error('no shared emulator');
  const client = createGraphClient({
    kind: 'custom',
    baseUrl: emulator.baseUrl,
    caCertPem: emulator.caCertPem,
    token: EMULATOR_APP_TOKEN,
  });
  const site = await openTrellisSite(client, emulator.siteId);
  const rows = (await client.api(`${listItemsPath(site.lists.jobs)}?expand=fields&$top=500`).get()) as {
    value: { fields: { JobKey: string } }[];
  };
  return rows.value.map((r) => r.fields.JobKey).filter((k) => k.startsWith('job:'));
}

describe('the review sweep as a job on three instances', () => {
  it('two sweeps asked for at once on two instances are one sweep, followed on a third', async () => {
    const [first, second] = await Promise.all([
      on(0)('POST', '/api/jobs/review-sweep', { token }),
      on(1)('POST', '/api/jobs/review-sweep', { token }),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    // The second joined the first: the same job, whichever instance answered.
    expect(jobOf(second).id).toBe(jobOf(first).id);
    const done = await finished(2, jobOf(first).href);
    expect(done.status).toBe(200);
    expect(jobOf(done)).toMatchObject({ id: jobOf(first).id, state: 'succeeded' });
    expect(jobOf(done).result?.planned).toBeGreaterThan(0);
    // Read the same on the instance that did not run it either.
    expect(jobOf(await on(1)('GET', jobOf(first).href, { token }))).toEqual(jobOf(done));
    expect(await storedJobIds()).toEqual([`job:${jobOf(first).id}`]);
  });

  it('once it has finished, the next sweep (on another instance) is a new job, and sends nothing twice', async () => {
    const reply = await sweepThroughApi(on(2), token);
    expect(reply.status).toBe(200);
    const job = jobOf(reply);
    expect(job.state).toBe('succeeded');
    expect(job.result?.sent).toBe(0);
    expect(job.result?.already).toBe(job.result?.planned);
    expect(await storedJobIds()).toHaveLength(2);
    // An id no instance knows is 404 on every one.
    for (const index of [0, 1, 2])
      expect((await on(index)('GET', '/api/jobs/00000000-0000-4000-8000-000000000000', { token })).status).toBe(404);
  });
});
