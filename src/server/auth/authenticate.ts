import type { NextFunction, Request, Response } from 'express';
import { unauthenticated } from '../http/problem.js';
import type { Caller } from '../../app/caller.js';
import { TokenError, type TokenVerifier } from './verify-token.js';

/** Bearer tokens only; the caller lands in `res.locals.caller`. */
export function authenticate(verify: TokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+([A-Za-z0-9\-_.~+/=]+)\s*$/i.exec(header);
    if (!match?.[1]) {
      next(unauthenticated('Sign in first: send an access token as "Authorization: Bearer <token>".'));
      return;
    }
    try {
      res.locals.caller = await verify(match[1]);
      next();
    } catch (error) {
      next(error instanceof TokenError ? unauthenticated(`Sign in again: ${error.message}.`) : error);
    }
  };
}

export function callerOf(res: Response): Caller {
  const caller = (res.locals as { caller?: Caller }).caller;
  if (!caller) throw unauthenticated('Sign in first.');
  return caller;
}
