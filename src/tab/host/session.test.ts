import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { RENEWAL_FAILED_SENTENCE, renewingToken } from './session';

/** A token-shaped string with only the claims the tab reads (the server verifies the rest). */
const tokenExpiringAt = (exp: number, n = 0): string => `h.${btoa(JSON.stringify({ exp, n }))}.s`;

const NOW_MS = 1_800_000_000_000;
const now = (): number => NOW_MS;
const inSeconds = (s: number): number => NOW_MS / 1000 + s;

describe('renewingToken (the host token behind every API call)', () => {
  it('uses the token while it has more than 30 seconds left', async () => {
    let renewals = 0;
    const source = renewingToken(
      tokenExpiringAt(inSeconds(600)),
      () => Promise.resolve(tokenExpiringAt(inSeconds(3600), ++renewals)),
      now,
    );
    expect(await source()).toBe(tokenExpiringAt(inSeconds(600)));
    expect(renewals).toBe(0);
  });

  it('renews a token about to expire once for calls made together, then keeps the renewed one', async () => {
    let renewals = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const source = renewingToken(
      tokenExpiringAt(inSeconds(10)),
      async () => {
        renewals += 1;
        await gate;
        return tokenExpiringAt(inSeconds(3600), renewals);
      },
      now,
    );
    const together = Promise.all([source(), source(), source()]);
    release();
    const tokens = await together;
    expect(renewals).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(await source()).toBe(tokens[0]);
    expect(renewals).toBe(1);
  });

  it('turns a refused renewal into a plain sentence, and tries again on the next call', async () => {
    let attempts = 0;
    const source = renewingToken(
      tokenExpiringAt(inSeconds(-5)),
      () => {
        attempts += 1;
        return attempts === 1
          ? Promise.reject(new Error('InteractionRequiredAuthError: consent_required'))
          : Promise.resolve(tokenExpiringAt(inSeconds(3600)));
      },
      now,
    );
    const failure = await source().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).message).toBe(RENEWAL_FAILED_SENTENCE);
    expect((failure as ApiError).message).not.toContain('consent_required');
    expect(await source()).toBe(tokenExpiringAt(inSeconds(3600)));
  });
});
