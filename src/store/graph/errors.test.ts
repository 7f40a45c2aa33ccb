import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  classifyGraphError,
  GraphStoreError,
  isDuplicateKeyFailure,
  parseRetryAfter,
} from './errors.js';
import type { GraphFailure, GraphStoreErrorCode } from './errors.js';
import { fieldsHoldValues } from './items.js';

const duplicateMessage =
  'The list item could not be added or updated because duplicate values were found in the following field(s) in the list: [CaseKey].';

describe('classifying Graph failures', () => {
  it.each<[GraphFailure, GraphStoreErrorCode]>([
    [{ status: 412, graphCode: 'resourceModified' }, 'conflict'],
    [{ status: 412, graphCode: 'notAllowed' }, 'conflict'],
    [{ status: 409, graphCode: 'resourceModified' }, 'conflict'],
    [{ status: 409, graphCode: 'nameAlreadyExists', message: duplicateMessage }, 'duplicate_key'],
    [{ status: 400, graphCode: 'invalidRequest', message: duplicateMessage }, 'duplicate_key'],
    [{ status: 500, graphCode: 'generalException', message: duplicateMessage }, 'duplicate_key'],
    [{ status: 500, graphCode: 'generalException', message: 'General exception while processing' }, 'unavailable'],
    [{ status: 409, graphCode: 'conflict', message: 'something else' }, 'bad_request'],
    [{ status: 404, graphCode: 'itemNotFound' }, 'not_found'],
    [{ status: 410, graphCode: 'resyncChangesApplyDifferences' }, 'not_found'],
    [{ status: 429, graphCode: 'activityLimitReached' }, 'throttled'],
    [{ status: 503 }, 'unavailable'],
    [{ status: 504 }, 'unavailable'],
    [{ status: -1, graphCode: 'TypeError', message: 'fetch failed' }, 'unavailable'],
    [
      {
        status: 400,
        graphCode: 'invalidRequest',
        message: "Field 'X' cannot be referenced in filter or orderby as it is not indexed.",
      },
      'bad_request',
    ],
    [{ status: 403, graphCode: 'accessDenied' }, 'unexpected'],
  ])('%o → %s', (failure, code) => {
    expect(classifyFailure(failure)).toBe(code);
  });

  it('needs evidence before calling a 400/500 a duplicate', () => {
    expect(isDuplicateKeyFailure({ status: 400, message: 'Invalid request' })).toBe(false);
    expect(isDuplicateKeyFailure({ status: 409, graphCode: 'nameAlreadyExists' })).toBe(true);
  });

  it('reads status, code, request id and Retry-After from an SDK GraphError', () => {
    const sdkError = new GraphError(429, 'Please retry again later.');
    sdkError.code = 'TooManyRequests';
    sdkError.requestId = 'req-1';
    sdkError.headers = new Headers({ 'Retry-After': '2.128' });
    const error = classifyGraphError(sdkError, 'Listing');
    expect(error).toBeInstanceOf(GraphStoreError);
    expect(error.code).toBe('throttled');
    expect(error.status).toBe(429);
    expect(error.graphCode).toBe('TooManyRequests');
    expect(error.requestId).toBe('req-1');
    expect(error.retryAfterSeconds).toBeCloseTo(2.128);
    expect(error.message).toContain('Listing');
    expect(error.userMessage).not.toContain('429');
  });

  it('passes GraphStoreErrors through and wraps anything else as unexpected', () => {
    const original = new GraphStoreError('not_found', 'gone');
    expect(classifyGraphError(original, 'x')).toBe(original);
    expect(classifyGraphError(new Error('boom'), 'x').code).toBe('unexpected');
  });

  it('parses Retry-After as seconds (fractional) or an HTTP date', () => {
    const now = Date.parse('2026-11-02T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter('0.25', now)).toBe(0.25);
    expect(parseRetryAfter('Mon, 02 Nov 2026 10:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('recognising our own applied write after a re-sent PATCH', () => {
  it('compares values the way SharePoint normalises them', () => {
    const stored = { Status: 'open', Count: 3, Active: true, At: '2026-03-01T09:00:00Z', Tags: ['a', 'b'], Empty: '' };
    expect(fieldsHoldValues(stored, { Status: 'open', Count: 3, Active: true })).toBe(true);
    expect(fieldsHoldValues(stored, { At: '2026-03-01T10:00:00.000+01:00' })).toBe(true);
    expect(fieldsHoldValues(stored, { Tags: ['b', 'a'], Empty: null, Missing: null })).toBe(true);
    expect(fieldsHoldValues(stored, { Status: 'Open' })).toBe(false);
    expect(fieldsHoldValues(stored, { Count: 4 })).toBe(false);
    expect(fieldsHoldValues(stored, { Tags: ['a'] })).toBe(false);
    expect(fieldsHoldValues(stored, { Active: false })).toBe(false);
  });
});
