/**
 * `npm start`: with no GRAPH_* variables, local mode on the embedded Graph emulator
 * (TRELLIS_DATA_DIR, default .trellis-data; PORT, default 3978), or on an emulator already
 * running (`npm run graph-emulator`) when TRELLIS_LOCAL_GRAPH_URL names it; with them, tenant mode.
 * Configuration comes from the environment and `.env`, checked before anything starts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startLocalMode, startLocalModeOnSharedGraph } from '../src/dev/local-mode/start-local.js';
import { environmentWithDotEnv, serverConfigFromEnv } from '../src/server/config.js';
import { startTenantServer } from '../src/server/main.js';
import { ConfigError } from '../src/store/config.js';

/** The tab's production build, made on first start (or after `npm run build:tab` removed it). */
async function ensureTabBuilt(): Promise<string> {
  const dir = path.resolve('build', 'tab');
  if (existsSync(path.join(dir, 'index.html'))) return dir;
  process.stdout.write('Building the tab (first start only)…\n');
  const { build } = await import('vite');
  await build({ configFile: path.resolve('src/tab/vite.config.ts'), logLevel: 'warn' });
  return dir;
}

async function main(): Promise<void> {
  const config = serverConfigFromEnv(environmentWithDotEnv(process.env));
  let close: () => Promise<void>;
  if (config.mode === 'local') {
    const options = { dataDir: config.dataDir, port: config.port, tabDir: await ensureTabBuilt() };
    // Several local processes on one emulator (docs/reliability.md): TRELLIS_LOCAL_GRAPH_URL is its
    // origin, TRELLIS_LOCAL_GRAPH_CA its certificate (cert.pem in its data folder).
    const sharedGraph = process.env.TRELLIS_LOCAL_GRAPH_URL;
    const local =
      sharedGraph === undefined || sharedGraph === ''
        ? await startLocalMode(options)
        : await startLocalModeOnSharedGraph(options, {
            baseUrl: sharedGraph,
            caCertPem: readFileSync(
              process.env.TRELLIS_LOCAL_GRAPH_CA ?? path.join(config.dataDir, 'graph', 'cert.pem'),
              'utf8',
            ),
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
    const server = await startTenantServer(config);
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
