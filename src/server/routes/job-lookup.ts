import type { Request } from 'express';
import type { JobRecord, Jobs } from '../../app/notifications/jobs.js';

/**
 * GET /api/jobs/{id} is answered by whichever registry runs that kind of job (retention's router
 * first, then the review sweep's), and every registry of a process reads the one Trellis Jobs
 * list (src/compose/trellis.ts builds them over one store). So the stored job is read once per
 * request: the first router to ask reads it, the next is handed the same reading.
 */
const readings = new WeakMap<Request, { readonly id: string; readonly record: Promise<JobRecord | undefined> }>();

export function storedJob(
  req: Request,
  jobs: Pick<Jobs<unknown>, 'lookup'>,
  id: string,
): Promise<JobRecord | undefined> {
  const earlier = readings.get(req);
  if (earlier !== undefined && earlier.id === id) return earlier.record;
  const record = jobs.lookup(id);
  readings.set(req, { id, record });
  return record;
}
