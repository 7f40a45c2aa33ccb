import type { Request } from 'express';
import { HttpProblem } from './problem.js';

/**
 * Writes are conditional: `If-Match: "v<version>"` (the ETag of the case as last read) is
 * required, so nobody overwrites a change they have not seen. `*` means "whatever it is now".
 * Only the exact form the server sends matches: `"v8"`, never `"v008"`, `"v+8"` or a weak
 * `W/"v8"` (If-Match compares strongly); anything else is a version that cannot be current.
 */
export function expectedVersionOf(req: Request): number | 'any' {
  const header = req.get('if-match');
  if (header === undefined || header.trim() === '') {
    throw new HttpProblem(
      428,
      'precondition_required',
      'If-Match is required',
      'Send the case’s ETag in an If-Match header (read the case first), so that you never overwrite a change you have not seen.',
    );
  }
  const values = header.split(',').map((v) => v.trim());
  if (values.includes('*')) return 'any';
  for (const value of values) {
    const match = /^"v([1-9]\d{0,8})"$/.exec(value);
    if (match?.[1]) return Number(match[1]);
  }
  // Not a version this server issues: it cannot match the current one.
  return -1;
}
