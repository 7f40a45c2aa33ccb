/**
 * `npm run provision`: creates the Trellis lists and columns that are missing, never drops or
 * rewrites anything, and prints what it did. Against the tenant in GRAPH_* variables, or the
 * local emulator's data folder (TRELLIS_DATA_DIR, default .trellis-data) when none are set.
 * Then it says who besides the course team and administrators can open the site, as far as
 * Microsoft Graph can tell (src/store/site-audience.ts), with a WARNING line when someone can.
 */
import path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { EMULATOR_APP_IDENTITY, EMULATOR_APP_TOKEN, startGraphEmulator } from '../src/dev/graph-emulator/index.js';
import { ConfigError, graphTargetFromEnv } from '../src/compose/graph-config.js';
import { createGraphClient } from '../src/store/graph/client.js';
import { provisionLists } from '../src/store/graph/provision.js';
import { TRELLIS_LISTS } from '../src/store/lists.js';
import { checkSiteAudience, describeSiteAudience } from '../src/store/site-audience.js';

async function reportAudience(client: Client, siteId: string, appId: string): Promise<void> {
  const { warn, lines } = describeSiteAudience(await checkSiteAudience(client, { siteId, appId }));
  for (const line of lines) (warn ? process.stderr : process.stdout).write(`${line}\n`);
}

async function main(): Promise<void> {
  const target = graphTargetFromEnv(process.env);
  if (target.mode === 'tenant') {
    const client = createGraphClient({
      kind: 'tenant',
      tenantId: target.tenantId,
      clientId: target.clientId,
      clientSecret: target.clientSecret,
    });
    const report = await provisionLists(client, target.siteId, TRELLIS_LISTS);
    for (const line of report.lines) process.stdout.write(`${line}\n`);
    process.stdout.write(
      report.changed ? 'Provisioned the tenant site.\n' : 'The tenant site was already up to date.\n',
    );
    // The roles live on the Trellis app registration (ENTRA_CLIENT_ID), else on the Graph app.
    const roleApp = (process.env.ENTRA_CLIENT_ID ?? '').trim() || target.clientId;
    await reportAudience(client, target.siteId, roleApp);
    return;
  }
  const dataDir = path.resolve(process.env.TRELLIS_DATA_DIR ?? '.trellis-data', 'graph');
  const emulator = await startGraphEmulator({ dataDir });
  try {
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    const report = await provisionLists(client, emulator.siteId, TRELLIS_LISTS);
    for (const line of report.lines) process.stdout.write(`${line}\n`);
    process.stdout.write(
      `${report.changed ? 'Provisioned' : 'Already up to date:'} the local Graph emulator in ${dataDir}\n`,
    );
    await reportAudience(client, emulator.siteId, EMULATOR_APP_IDENTITY.id);
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `provision failed: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exitCode = 1;
});
