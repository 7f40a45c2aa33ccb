import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { calendarFor, openCase } from '../../../src/domain/case/index.js';
import type { OpenCaseInput } from '../../../src/domain/case/commands/open-case.js';
import type { Actor } from '../../../src/domain/case/types.js';
import { SEED_PROCEDURES } from '../../../src/domain/procedures/index.js';
import { createApp } from '../../../src/server/app.js';
import { createTokenVerifier, entraIssuers, type TokenVerifier } from '../../../src/server/auth/verify-token.js';
import { serverConfigFromEnv, type ServerConfig } from '../../../src/compose/config.js';
import { silentLogger } from '../../../src/app/logger.js';
import { GraphCaseRepository } from '../../../src/store/case-repository.js';
import { GraphPlacementRoster } from '../../../src/store/placements.js';
import { roleSidesOf } from '../../../src/store/case-rows.js';
import { startProvisionedEmulator } from '../../support/provisioned-emulator.js';
import { keepIdleConnections } from '../../../src/server/http/idle-connections.js';

/**
 * Trellis in tenant mode, as `startTenantServer` composes it, with two stand-ins and nothing
 * else changed: SharePoint is the local Graph emulator, and Entra ID is a test identity provider
 * (an RSA key made for the run, trusted through a local JWKS instead of the tenant's published
 * keys). Configuration goes through `serverConfigFromEnv` like a deployment's environment, and
 * the app registration's resource and NAA scopes come from the real manifest template, so a
 * mismatch between the manifest and the server's audience fails here as it would in a tenant.
 * The server serves the built tab itself, with its production headers (CSP frame-ancestors).
 */

/** Teams' own client id: the `azp` of the SSO tokens Teams obtains on an app's behalf. */
const TEAMS_CLIENT_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
const TOKEN_SECONDS = 3600;

export interface TenantUser {
  readonly upn: string;
  readonly name: string;
  /** Entra app role values ('CourseTeam', 'Admin'). */
  readonly roles: readonly string[];
}

/** What the manifest's webApplicationInfo says about the app (read from manifest/manifest.template.json). */
export interface AppRegistration {
  readonly clientId: string;
  /** The Application ID URI Teams SSO tokens are issued for. */
  readonly resource: string;
  /** The scopes nested app authentication may ask for. */
  readonly naaScopes: readonly string[];
}

export type TokenRequest =
  | { readonly flow: 'sso' }
  | { readonly flow: 'naa'; readonly clientId: string; readonly scope: string }
  /** MSAL in a plain browser (auth code + PKCE, then refresh tokens): the app asks for its own API scope. */
  | { readonly flow: 'browser'; readonly clientId: string; readonly scope: string };

export interface IssuedTokens {
  readonly accessToken: string;
  readonly idToken: string;
  readonly expiresIn: number;
  readonly scope: string;
}

/** Why the identity provider refused: the shape of an MSAL bridge error. */
export class TokenRefusal extends Error {
  override readonly name = 'TokenRefusal';
  constructor(
    readonly status: 'PERSISTENT_ERROR' | 'USER_INTERACTION_REQUIRED',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IssueOptions {
  readonly lifetimeSeconds?: number;
  /** The `nonce` of the authorize request the tokens answer; the id token carries it back. */
  readonly nonce?: string;
}

export interface TestIdentityProvider {
  readonly tenantId: string;
  readonly app: AppRegistration;
  readonly publicJwk: JWK;
  /** Tokens for `user`, as Entra would issue them for this request; throws TokenRefusal otherwise. */
  issue(user: TenantUser, request: TokenRequest, options?: IssueOptions): Promise<IssuedTokens>;
}

export const objectIdOf = (upn: string): string => {
  // A stable GUID-shaped id per person, so the same person has the same `oid` in every token.
  const hex = Buffer.from(upn.toLowerCase()).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

export async function appRegistrationFromManifest(clientId: string, publicHostname: string): Promise<AppRegistration> {
  const template = await readFile(path.resolve('manifest/manifest.template.json'), 'utf8');
  const filled = template
    .replaceAll('${{ENTRA_CLIENT_ID}}', clientId)
    .replaceAll('${{PUBLIC_HOSTNAME}}', publicHostname);
  const manifest = JSON.parse(filled) as {
    webApplicationInfo?: { id?: string; resource?: string; nestedAppAuthInfo?: { scopes?: string[] }[] };
  };
  const info = manifest.webApplicationInfo;
  if (info?.resource === undefined)
    throw new Error('manifest/manifest.template.json has no webApplicationInfo.resource');
  return {
    clientId: info.id ?? clientId,
    resource: info.resource,
    naaScopes: (info.nestedAppAuthInfo ?? []).flatMap((n) => n.scopes ?? []),
  };
}

export async function createTestIdentityProvider(
  app: AppRegistration,
  now: () => Date = () => new Date(),
): Promise<TestIdentityProvider> {
  const tenantId = randomUUID();
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const [v2Issuer = '', v1Issuer = ''] = entraIssuers(tenantId);
  const sign = (
    claims: Record<string, unknown>,
    issuer: string,
    audience: string,
    lifetimeSeconds: number,
  ): Promise<string> => {
    const iat = Math.floor(now().getTime() / 1000);
    // `uti`, as Entra's: every token is distinct, even two issued within the same second.
    return new SignJWT({ uti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + lifetimeSeconds)
      .sign(privateKey);
  };
  return {
    tenantId,
    app,
    publicJwk,
    async issue(user, request, options = {}) {
      const lifetime = options.lifetimeSeconds ?? TOKEN_SECONDS;
      const oid = objectIdOf(user.upn);
      const person = { tid: tenantId, oid, sub: oid, name: user.name };
      const idToken = await sign(
        {
          ...person,
          preferred_username: user.upn,
          ver: '2.0',
          ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
        },
        v2Issuer,
        app.clientId,
        lifetime,
      );
      if (request.flow === 'sso') {
        // Teams SSO: a v1.0 access token for the manifest's resource (aud = the Application ID URI, upn claim).
        const accessToken = await sign(
          {
            ...person,
            upn: user.upn,
            roles: [...user.roles],
            scp: 'access_as_user',
            appid: TEAMS_CLIENT_ID,
            ver: '1.0',
          },
          v1Issuer,
          app.resource,
          lifetime,
        );
        return { accessToken, idToken, expiresIn: lifetime, scope: `${app.resource}/access_as_user` };
      }
      if (request.clientId.toLowerCase() !== app.clientId.toLowerCase()) {
        throw new TokenRefusal(
          'PERSISTENT_ERROR',
          'unauthorized_client',
          `The app ${request.clientId} is not the one this host runs (${app.clientId}).`,
        );
      }
      const scopes = request.scope
        .split(' ')
        .filter((s) => s !== '' && !['openid', 'profile', 'offline_access'].includes(s));
      // NAA may ask only for the scopes the manifest lists for it; a browser, for the scope the app exposes.
      const allowed = request.flow === 'naa' ? app.naaScopes : [`${app.resource}/access_as_user`];
      const unknown = scopes.filter((s) => !allowed.includes(s));
      if (scopes.length === 0 || unknown.length > 0) {
        const how = request.flow === 'naa' ? 'for nested app authentication' : 'to this app';
        throw new TokenRefusal(
          'PERSISTENT_ERROR',
          'invalid_scope',
          `The app registration does not expose ${unknown.join(' ') || 'the requested scope'} ${how}.`,
        );
      }
      // NAA and MSAL in a browser: a v2.0 access token for the app itself (aud = client id, preferred_username claim).
      const accessToken = await sign(
        {
          ...person,
          preferred_username: user.upn,
          roles: [...user.roles],
          scp: 'access_as_user',
          azp: app.clientId,
          ver: '2.0',
        },
        v2Issuer,
        app.clientId,
        lifetime,
      );
      return { accessToken, idToken, expiresIn: lifetime, scope: scopes.join(' ') };
    },
  };
}

export interface TenantModeServer {
  /** The tab and the API, on one origin (http://127.0.0.1:port). */
  readonly url: string;
  readonly config: Extract<ServerConfig, { mode: 'tenant' }>;
  readonly idp: TestIdentityProvider;
  readonly repository: GraphCaseRepository;
  /** Every bearer token the API accepted, in order. */
  readonly acceptedTokens: readonly string[];
  /** Opens a case through the domain's own command, as the course team would. */
  seedCase(caseId: string, input: OpenCaseInput): Promise<void>;
  close(): Promise<void>;
}

export async function startTenantModeServer(options: {
  readonly tabDir: string;
  readonly courseTeamProgrammes: string;
}): Promise<TenantModeServer> {
  const clientId = randomUUID();
  const publicHostname = 'trellis.test';
  const app = await appRegistrationFromManifest(clientId, publicHostname);
  const idp = await createTestIdentityProvider(app);
  const config = serverConfigFromEnv({
    GRAPH_TENANT_ID: idp.tenantId,
    GRAPH_CLIENT_ID: clientId,
    GRAPH_CLIENT_SECRET: 'unused: Graph is the local emulator',
    GRAPH_SITE_ID: 'trellis.test,11111111-1111-1111-1111-111111111111,22222222-2222-2222-2222-222222222222',
    // No ENTRA_AUDIENCE: the default must be the manifest's resource (api://<host>/<client id>).
    PUBLIC_URL: `https://${publicHostname}`,
    TRELLIS_COURSE_TEAM_PROGRAMMES: options.courseTeamProgrammes,
  });
  if (config.mode !== 'tenant') throw new Error('expected a tenant configuration');

  const emulator = await startProvisionedEmulator();
  const procedures = SEED_PROCEDURES;
  const repository = new GraphCaseRepository(emulator.client, emulator.site, { roleSides: roleSidesOf(procedures) });
  const verify = createTokenVerifier({
    keys: createLocalJWKSet({ keys: [idp.publicJwk] }),
    tenantId: config.auth.tenantId,
    audiences: config.auth.audiences,
    programmes: { from: 'config', value: config.courseTeamProgrammes },
  });
  const acceptedTokens: string[] = [];
  const verifyToken: TokenVerifier = async (token) => {
    const caller = await verify(token);
    acceptedTokens.push(token);
    return caller;
  };
  const expressApp = createApp({
    repository,
    placements: new GraphPlacementRoster(emulator.client, emulator.site.lists.placements),
    procedures,
    clock: () => new Date(),
    verifyToken,
    config: { mode: 'tenant', publicUrl: config.publicUrl },
    logger: silentLogger,
    tabDir: options.tabDir,
    // What src/compose/tenant.ts hands the tab in tenant mode.
    clientConfig: {
      msal: {
        clientId: config.auth.clientId,
        authority: `https://login.microsoftonline.com/${config.auth.tenantId}`,
        scopes: [`${config.auth.audiences[0] ?? `api://${config.auth.clientId}`}/access_as_user`],
      },
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = expressApp.listen(0, '127.0.0.1', () => {
      resolve(keepIdleConnections(s));
    });
  });
  const seeder: Actor = { id: 'seed.course.team@trellis.test', name: 'Seed', appRoles: ['course_team'] };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    config,
    idp,
    repository,
    acceptedTokens,
    async seedCase(caseId, input) {
      const procedure = procedures.find((p) => p.id === 'bcu-rapid-improvement-targets');
      if (!procedure) throw new Error('the BCU procedure is missing');
      await repository.create(
        openCase(
          { procedure, calendar: calendarFor(procedure), now: new Date(), actor: seeder },
          { caseId, previousCases: 0 },
          input,
        ),
      );
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await emulator.close();
    },
  };
}
