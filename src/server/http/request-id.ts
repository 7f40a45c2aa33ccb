import type { NextFunction, Request, Response } from 'express';
import { requestIdFrom, runInRequestContext } from '../../app/request-context.js';

/**
 * Gives each request an id (a sane incoming `x-request-id`, a `traceparent`'s trace id, or a new
 * one), answers it in `x-request-id`, and handles the request inside its context so every log
 * line carries it and problem bodies can quote it (`requestId`). Bot activities arrive as
 * requests to /api/messages, so each gets one too.
 */
export function requestIds(req: Request, res: Response, next: NextFunction): void {
  const requestId = requestIdFrom({ requestId: req.get('x-request-id'), traceparent: req.get('traceparent') });
  res.locals.requestId = requestId;
  res.set('x-request-id', requestId);
  runInRequestContext({ requestId }, next);
}

/** The id requestIds gave this request. */
export function requestIdOf(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : undefined;
}
