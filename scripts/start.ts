/**
 * `npm start`: with no GRAPH_* variables, local mode on the embedded Graph emulator
 * (TRELLIS_DATA_DIR, default .trellis-data; PORT, default 3978); with them, tenant mode.
 * Configuration comes from the environment and `.env`, checked before anything starts,
 * and so are the procedures: the built-in ones and any in TRELLIS_PROCEDURES_DIR, as chosen by
 * TRELLIS_PROVIDER_PROCEDURES (src/procedures-files/config.ts). An invalid procedure file stops
 * the start with one line per problem.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startLocalMode } from '../src/compose/local.js';
import { environmentWithDotEnv, serverConfigFromEnv } from '../src/compose/config.js';
import { startTenantServer } from '../src/compose/tenant.js';
import { ConfigError } from '../src/compose/graph-config.js';
import { SEED_PROCEDURES } from '../src/domain/procedures/index.js';
import type { Procedure } from '../src/domain/procedure/schema.js';
import { loadConfiguredProcedures, procedureSourcesFromEnv } from '../src/procedures-files/config.js';

/** The tab's production build, made on first start (or after `npm run build:tab` removed it). */
async function ensureTabBuilt(): Promise<string> {
  const dir = path.resolve('build', 'tab');
  if (existsSync(path.join(dir, 'index.html'))) return dir;
  process.stdout.write('Building the tab (first start only)…\n');
  const { build } = await import('vite');
  await build({ configFile: path.resolve('src/tab/vite.config.ts'), logLevel: 'warn' });
  return dir;
}

/** The procedures that run: refuses to start on any problem; warnings are printed and the start goes on. */
async function configuredProcedures(env: Readonly<Record<string, string | undefined>>): Promise<readonly Procedure[]> {
  const problems: string[] = [];
  const sources = procedureSourcesFromEnv(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const loaded = await loadConfiguredProcedures(sources, SEED_PROCEDURES);
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (sources.dir !== undefined || sources.selection !== 'all') {
    process.stdout.write(`Procedures: ${loaded.procedures.map((p) => `${p.id} (version ${p.version})`).join(', ')}\n`);
  }
  return loaded.procedures;
}

async function main(): Promise<void> {
  const env = environmentWithDotEnv(process.env);
  const config = serverConfigFromEnv(env);
  const procedures = await configuredProcedures(env);
  let close: () => Promise<void>;
  if (config.mode === 'local') {
    const local = await startLocalMode({
      dataDir: config.dataDir,
      port: config.port,
      tabDir: await ensureTabBuilt(),
      procedures,
    });
    close = () => local.close();
    const demo =
      local.demo === undefined
        ? 'demo data already loaded'
        : `loaded ${local.demo.created} demo cases${local.demo.failures.length > 0 ? ` (${local.demo.failures.length} failed; see the log)` : ''}`;
    process.stdout.write(
      [
        '',
        `Trellis is running in local mode on ${local.url}  (${demo}; data in ${config.dataDir})`,
        '',
        `  Sign in as a demo person:  ${local.url}/dev/sign-in`,
        `  Trellis (the tab):         ${local.url}/`,
        `  Outbox (mails, events):    ${local.url}/dev/outbox`,
        `  API description:           ${local.url}/api/openapi.json`,
        `  Move the dev clock:        curl -X POST ${local.url}/dev/clock -H 'Content-Type: application/json' -d '{"now":"2027-01-15"}'`,
        '',
        'Stop with Ctrl+C; `npm run reset` starts again from clean demo data.',
        '',
      ].join('\n'),
    );
  } else {
    const server = await startTenantServer(config, { procedures });
    close = () => server.close();
    process.stdout.write(`Trellis is running in tenant mode on port ${server.port} (${config.publicUrl}).\n`);
  }
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `Trellis could not start: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exitCode = 1;
});
