import { describe, expect, it } from 'vitest';
import { jsonLogger, memoryLogger, privateLogger, scrubLogText } from './logger.js';
import { requestIdFrom, runInRequestContext } from './request-context.js';

describe('logs carry ids, not personal data', () => {
  it('masks addresses and quoted values, keeps ids and codes', () => {
    expect(scrubLogText('Resource "Ada Lovelace" not found for ada.lovelace@trainee.example (case c-1)')).toBe(
      'Resource [text] not found for [address] (case c-1)',
    );
    expect(scrubLogText("user 'Evie Marshall' isn't here")).toBe("user [text] isn't here");
    expect(scrubLogText('x'.repeat(900))).toHaveLength(501);
  });

  it('masks a sign-in name in a request path, where it is percent-encoded', () => {
    expect(scrubLogText('/api/people/gareth.evans%40hollybank.example/export')).toBe('/api/people/[address]/export');
    expect(scrubLogText('/api/trainees/Priya.Sharma%40Mail.BCU.example/export')).toBe('/api/trainees/[address]/export');
  });

  it('scrubs every field of a wrapped logger, nested and in errors', () => {
    const inner = memoryLogger();
    privateLogger(inner).error('failed for sam@school.example', {
      caseId: 'case-7',
      error: new Error('Graph said "Sam Brown" is busy'),
      detail: { to: ['sam@school.example'], count: 2 },
    });
    expect(inner.lines).toEqual([
      {
        level: 'error',
        message: 'failed for [address]',
        fields: {
          caseId: 'case-7',
          error: 'Error: Graph said [text] is busy',
          detail: { to: ['[address]'], count: 2 },
        },
      },
    ]);
  });

  it('writes scrubbed JSON lines', () => {
    const written: string[] = [];
    jsonLogger((text) => written.push(text)).info('sent', { recipient: 'mark.whitfield@bcu.example' });
    expect(written.join('')).not.toContain('mark.whitfield');
    expect(written.join('')).toContain('[address]');
  });

  it('adds the request id to every line written inside a request, through awaits, and none outside', async () => {
    const inner = memoryLogger();
    const logger = privateLogger(inner);
    await runInRequestContext({ requestId: 'req-0001-abcd' }, async () => {
      logger.info('first');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.warn('second', { caseId: 'case-1' });
    });
    logger.info('outside');
    expect(inner.lines).toEqual([
      { level: 'info', message: 'first', fields: { requestId: 'req-0001-abcd' } },
      { level: 'warn', message: 'second', fields: { requestId: 'req-0001-abcd', caseId: 'case-1' } },
      { level: 'info', message: 'outside' },
    ]);
  });

  it('takes a sane incoming id or a traceparent trace id, and makes one up otherwise', () => {
    expect(requestIdFrom({ requestId: 'abc-12345678' })).toBe('abc-12345678');
    expect(requestIdFrom({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(requestIdFrom({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    for (const bad of ['a b c d e f g h', 'ada@school.example', '"quoted-id-value"', 'x'.repeat(129)])
      expect(requestIdFrom({ requestId: bad })).toMatch(/^[0-9a-f-]{36}$/);
  });
});
