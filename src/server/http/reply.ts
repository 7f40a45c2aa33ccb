import type { Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../../app/logger.js';
import { HttpProblem } from './problem.js';

/**
 * Every JSON answer goes through `reply` with its schema from the wire contract (src/contract).
 * The body is typed as the schema's wire shape, so a route that builds something else fails the
 * typecheck. Where the composition root turns checking on (local mode, every test), the body is
 * also parsed as it will travel — undefined fields dropped, extra fields refused — and an answer
 * that does not match is a 500 naming the field, never a silent drift from the document.
 */
export interface ReplyChecks {
  readonly enabled: boolean;
  readonly logger: Logger;
}

const CHECKS = 'trellisReplyChecks';

export function setReplyChecks(locals: Record<string, unknown>, checks: ReplyChecks): void {
  locals[CHECKS] = checks;
}

/** A wire shape as code holds it: the same fields, with readonly arrays and objects accepted. */
export type Wire<T> = T extends (infer U)[]
  ? readonly Wire<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Wire<T[K]> }
    : T;

export function reply<S extends z.ZodType>(res: Response, schema: S, body: Wire<z.input<S>>, status = 200): void {
  const checks = res.app.locals[CHECKS] as ReplyChecks | undefined;
  if (checks?.enabled === true) {
    const wire: unknown = JSON.parse(JSON.stringify(body));
    const parsed = schema.safeParse(wire);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      checks.logger.error('answer does not match the contract', { path: res.req.path, issues });
      throw new HttpProblem(
        500,
        'internal_error',
        'Something went wrong',
        'Trellis built an answer its own API description does not allow. Tell your Trellis administrator.',
      );
    }
  }
  res.status(status).json(body);
}
