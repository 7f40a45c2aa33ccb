/** What the Graph SDK throws, read defensively: the notify adapters keep no SDK error types. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number')
    return error.statusCode;
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** A unique-column violation: 409, or 400/500 naming duplicate values (graph-emulator.md §6). */
export function isDuplicateKey(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 409) return true;
  return (status === 400 || status === 500) && /duplicate values were found/i.test(messageOf(error));
}

/** A stale If-Match: 412, or 409 resourceModified. */
export function isEtagConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || (status === 409 && /resourceModified|etag/i.test(messageOf(error)));
}

export function describeError(error: unknown): string {
  const status = statusOf(error);
  return `${status === undefined ? '' : `${status} `}${messageOf(error)}`.slice(0, 2000);
}
