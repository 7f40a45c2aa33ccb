import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/dev/local-mode/pages.js';

/** /dev/sign-in?returnTo= (local mode): links in dev emails and cards land on the case after signing in. */
describe('dev sign-in return address', () => {
  it('returns only to a path on this site after dev sign-in', () => {
    expect(safeReturnTo('/cases/demo-bcu-overdue')).toBe('/cases/demo-bcu-overdue');
    expect(safeReturnTo('/?programme=PGCE%20Primary')).toBe('/?programme=PGCE%20Primary');
    for (const hostile of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '',
      'cases/x',
      '/a\nb',
      42,
      undefined,
      `/${'a'.repeat(600)}`,
    ]) {
      expect(safeReturnTo(hostile)).toBe('/');
    }
  });
});
