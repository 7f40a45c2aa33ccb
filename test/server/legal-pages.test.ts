import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { loadOrCreateDevKeys } from '../../src/dev/local-mode/dev-keys.js';
import { createApp } from '../../src/server/app.js';
import { createTokenVerifier } from '../../src/server/auth/verify-token.js';
import { memoryLogger } from '../../src/app/logger.js';
import type { Operator } from '../../src/server/pages/legal.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { GraphPlacementRoster } from '../../src/store/placements.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';
import { buildManifest, packageConfig } from '../../scripts/package-app.js';
import { keepIdleConnections } from '../../src/server/http/idle-connections.js';

/**
 * /privacy and /terms: the pages the app manifest's developer.privacyUrl and termsOfUseUrl point
 * at. The real app on an ephemeral port (real repository on the Graph emulator, real token
 * verifier), with the built tab's single-page fallback in place so the pages must win over it.
 */
const HOSTILE_NAME = '<img src=x onerror="alert(1)">Bright & Early SCITT';

describe('privacy and terms pages', () => {
  let emulator: ProvisionedEmulator;
  let workDir: string;
  const servers: Server[] = [];

  async function start(operator?: Operator): Promise<string> {
    const keys = await loadOrCreateDevKeys(workDir);
    const app = createApp({
      placements: new GraphPlacementRoster(emulator.client, emulator.site.lists.placements),
      repository: new GraphCaseRepository(emulator.client, emulator.site, { roleSides: roleSidesOf(SEED_PROCEDURES) }),
      procedures: SEED_PROCEDURES,
      clock: () => new Date('2026-11-23T10:00:00Z'),
      verifyToken: createTokenVerifier({
        keys: keys.jwks,
        tenantId: keys.tenantId,
        audiences: [keys.audience],
        programmes: { from: 'claim' },
      }),
      config: { mode: 'tenant', publicUrl: 'https://trellis.provider.example', ...(operator ? { operator } : {}) },
      logger: memoryLogger(),
      tabDir: path.join(workDir, 'tab'),
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => {
        resolve(keepIdleConnections(s));
      });
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function get(url: string): Promise<{ status: number; type: string; csp: string; text: string }> {
    const response = await fetch(url, { headers: { accept: 'text/html' } });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      csp: response.headers.get('content-security-policy') ?? '',
      text: await response.text(),
    };
  }

  beforeAll(async () => {
    emulator = await startProvisionedEmulator();
    workDir = await mkdtemp(path.join(tmpdir(), 'trellis-legal-'));
    // A stand-in for the built tab: any page address would otherwise get this shell.
    await mkdir(path.join(workDir, 'tab', 'assets'), { recursive: true });
    await writeFile(path.join(workDir, 'tab', 'index.html'), '<!doctype html><title>tab shell</title>');
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
    await emulator.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it.each(['/privacy', '/terms'])(
    '%s is a public HTML page with no script, served before the tab shell',
    async (route) => {
      const base = await start();
      const page = await get(`${base}${route}`);
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^text\/html/);
      expect(page.text).not.toContain('tab shell');
      expect(page.text).not.toMatch(/<script/i);
      expect(page.csp).toContain("script-src 'self'");
      expect(page.text).toContain('the teacher-training provider that runs this copy of Trellis');
    },
  );

  it('says what Trellis keeps, where, and who sees it', async () => {
    const page = await get(`${await start()}/privacy`);
    expect(page.text).toContain('<h1>Privacy</h1>');
    expect(page.text).toContain('SharePoint lists on a site in the provider');
    expect(page.text).toContain('without panel deliberations or review notes');
    expect(page.text).toContain('href="/terms"');
    const terms = await get(`${await start()}/terms`);
    expect(terms.text).toContain('<h1>Terms of use</h1>');
    expect(terms.text).toContain('href="/privacy"');
  });

  it("escapes the operator's name and contact, and links only https and mail addresses", async () => {
    const mail = await get(`${await start({ name: HOSTILE_NAME, contact: 'dpo@provider.example' })}/privacy`);
    expect(mail.text).not.toContain('<img');
    expect(mail.text).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Bright &amp; Early SCITT');
    expect(mail.text).toContain('<a href="mailto:dpo@provider.example">dpo@provider.example</a>');

    const web = await get(
      `${await start({ name: 'Mid-Essex ITT', contact: 'https://provider.example/privacy?a=1&b=2' })}/terms`,
    );
    expect(web.text).toContain('<a href="https://provider.example/privacy?a=1&amp;b=2">');

    const script = await get(`${await start({ name: 'X', contact: 'javascript:alert(1)' })}/privacy`);
    expect(script.text).not.toMatch(/href="javascript:/i);
    expect(script.text).toContain('Questions about privacy: javascript:alert(1).');
  });

  it('is where the app manifest links to', () => {
    const manifest = buildManifest(packageConfig({ PUBLIC_URL: 'https://trellis.provider.example' }));
    expect(manifest.developer).toMatchObject({
      privacyUrl: 'https://trellis.provider.example/privacy',
      termsOfUseUrl: 'https://trellis.provider.example/terms',
    });
  });
});
