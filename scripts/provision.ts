/**
 * `npm run provision`: creates the Trellis lists and columns that are missing, never drops or
 * rewrites anything, and prints what it did. Against the tenant in GRAPH_* variables, or the
 * local emulator's data folder (TRELLIS_DATA_DIR, default .trellis-data) when none are set.
 */
import path from 'node:path';
import { EMULATOR_APP_TOKEN, startGraphEmulator } from '../src/dev/graph-emulator/index.js';
import { ConfigError, graphTargetFromEnv } from '../src/compose/graph-config.js';
import { createGraphClient } from '../src/store/graph/client.js';
import { provisionLists } from '../src/store/graph/provision.js';
import { TRELLIS_LISTS } from '../src/store/lists.js';

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
