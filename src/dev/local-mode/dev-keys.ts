import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { entraIssuers } from '../../server/auth/verify-token.js';

/**
 * Local mode's stand-in for Entra ID: an RSA key pair kept in the data folder signs dev tokens
 * shaped like Entra access tokens (v2.0 issuer for a local tenant id, app roles in `roles`),
 * and the server checks them with the same verifier it uses for a tenant, against this JWKS.
 */
export const DEV_AUDIENCE = 'api://trellis-local';
const DEV_TOKEN_SECONDS = 8 * 60 * 60;

const storedKeySchema = z.object({
  tenantId: z.uuid(),
  kid: z.string(),
  privateJwk: z.record(z.string(), z.unknown()),
});

export interface DevKeys {
  readonly tenantId: string;
  readonly audience: string;
  readonly kid: string;
  readonly jwks: JWTVerifyGetKey;
  readonly publicJwk: JWK;
  sign(claims: DevTokenClaims, now: Date, options?: { readonly expiresInSeconds?: number }): Promise<string>;
}

export interface DevTokenClaims {
  readonly upn: string;
  readonly name: string;
  /** Entra app role values: 'CourseTeam', 'Admin'. */
  readonly roles: readonly string[];
  /** Programmes a course-team member sees (dev tokens only; tenant mode reads configuration). */
  readonly programmes?: readonly string[];
}

async function createKeys(file: string): Promise<z.infer<typeof storedKeySchema>> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const stored = { tenantId: randomUUID(), kid: randomUUID(), privateJwk: { ...(await exportJWK(privateKey)) } };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(stored), { mode: 0o600 });
  return stored;
}

export async function loadOrCreateDevKeys(dataDir: string): Promise<DevKeys> {
  const file = path.join(dataDir, 'dev-signing-key.json');
  let stored: z.infer<typeof storedKeySchema>;
  try {
    stored = storedKeySchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    stored = await createKeys(file);
  }
  const privateJwk = stored.privateJwk as JWK;
  const privateKey = await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = privateJwk;
  const publicJwk: JWK = { ...publicPart, kid: stored.kid, alg: 'RS256', use: 'sig' };
  const [issuer] = entraIssuers(stored.tenantId);
  return {
    tenantId: stored.tenantId,
    audience: DEV_AUDIENCE,
    kid: stored.kid,
    jwks: createLocalJWKSet({ keys: [publicJwk] }),
    publicJwk,
    sign: async (claims, now, options = {}) => {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({
        tid: stored.tenantId,
        preferred_username: claims.upn,
        name: claims.name,
        roles: [...claims.roles],
        ...(claims.programmes ? { programmes: [...claims.programmes] } : {}),
        // An access token for the API, as Entra issues to the tab (src/server/auth/verify-token.ts).
        scp: 'access_as_user',
        ver: '2.0',
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: stored.kid })
        .setIssuer(issuer ?? '')
        .setAudience(DEV_AUDIENCE)
        .setSubject(claims.upn)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + (options.expiresInSeconds ?? DEV_TOKEN_SECONDS))
        .sign(privateKey);
    },
  };
}
