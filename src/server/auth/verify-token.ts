import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AppRole } from '../../domain/case/types.js';
import type { CourseTeamProgrammes } from '../../app/caller.js';
import type { Caller } from '../../app/caller.js';

/**
 * THE token check, for Entra ID access tokens in tenant mode and for dev tokens in local mode
 * (signed by a local key, checked against a local JWKS): the same code, only keys and expected
 * issuer/audience/tenant differ. RS256 only, so `alg: none` and HS256-with-the-public-key fail.
 */
export interface TokenVerifierOptions {
  /** Keys: `createRemoteJWKSet(<tenant discovery keys URL>)` or `createLocalJWKSet(...)`. */
  readonly keys: JWTVerifyGetKey;
  readonly tenantId: string;
  /** Accepted `aud` values (the app id URI and the client id). */
  readonly audiences: readonly string[];
  /** Where programmes for the course team come from: a `programmes` claim (dev tokens) or configuration. */
  readonly programmes: { readonly from: 'claim' } | { readonly from: 'config'; readonly value: CourseTeamProgrammes };
  /** Seconds of clock skew tolerated on exp/nbf. */
  readonly clockToleranceSeconds?: number;
  /** The verifying clock (the dev clock in local mode), so tokens age with it. */
  readonly now?: () => Date;
}

/** The issuer forms Entra uses for a tenant: v2.0 tokens and v1.0 tokens. */
export function entraIssuers(tenantId: string): string[] {
  return [`https://login.microsoftonline.com/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`];
}

export function entraJwksUrl(tenantId: string): URL {
  return new URL(`https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`);
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
}

const APP_ROLE_CLAIMS: Readonly<Record<string, AppRole>> = { CourseTeam: 'course_team', Admin: 'admin' };

export type TokenVerifier = (token: string) => Promise<Caller>;

const stringClaim = (payload: JWTPayload, name: string): string | undefined => {
  const value = payload[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
};

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const tenantId = options.tenantId.toLowerCase();
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        algorithms: ['RS256'],
        issuer: entraIssuers(tenantId),
        audience: [...options.audiences],
        clockTolerance: options.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp', 'iss', 'aud', 'tid'],
        ...(options.now ? { currentDate: options.now() } : {}),
      }));
    } catch (error) {
      throw new TokenError(describeJoseError(error));
    }
    if (stringClaim(payload, 'tid')?.toLowerCase() !== tenantId)
      throw new TokenError('the token is from another tenant');
    const upn = stringClaim(payload, 'preferred_username') ?? stringClaim(payload, 'upn');
    if (upn === undefined) throw new TokenError('the token names nobody (no preferred_username or upn)');
    const rawRoles = Array.isArray(payload.roles)
      ? payload.roles.filter((r): r is string => typeof r === 'string')
      : [];
    const appRoles = [...new Set(rawRoles.map((r) => APP_ROLE_CLAIMS[r]).filter((r): r is AppRole => r !== undefined))];
    let programmes: CourseTeamProgrammes;
    if (options.programmes.from === 'config') programmes = options.programmes.value;
    else {
      const claim = payload.programmes;
      programmes = Array.isArray(claim)
        ? claim.filter((p): p is string => typeof p === 'string')
        : claim === '*'
          ? 'all'
          : [];
    }
    return {
      actor: { id: upn.trim().toLowerCase(), name: stringClaim(payload, 'name') ?? upn, appRoles },
      programmes,
    };
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is not accepted`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is not signed with RS256';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'the token was signed by an unknown key';
  if (error instanceof joseErrors.JOSEError) return `the token is not valid (${error.code})`;
  return 'the token is not valid';
}
