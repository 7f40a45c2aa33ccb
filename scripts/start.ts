/**
 * Starts Trellis: with no GRAPH_* variables, local mode on the embedded Graph emulator
 * (TRELLIS_DATA_DIR, default .trellis-data; PORT, default 3978), or on an emulator already
 * running (`npm run graph-emulator`) when TRELLIS_LOCAL_GRAPH_URL names it; with them, tenant mode.
 * Configuration comes from the environment and `.env`, checked before anything starts, and so
 * are the procedures (built-in, and any in TRELLIS_PROCEDURES_DIR): an invalid procedure file
 * stops the start with one line per problem.
 *
 * Two ways in: `npm start` runs this file from source through scripts/start-dev.ts (which
 * builds the tab into build/tab first when it is missing); `npm run start:prod` runs the
 * compiled dist/scripts/start.js from `npm run build`, on production dependencies only, and
 * serves dist/tab. This file never builds anything, so production needs neither tsx nor Vite.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentWithDotEnv, serverConfigFromEnv } from '../src/compose/config.js';
import { ConfigError } from '../src/compose/graph-config.js';
import { proceduresFromEnv } from '../src/compose/procedures-config.js';
import { startTelemetry, telemetrySettingsFromEnv } from '../src/compose/telemetry.js';

/**
 * Where the built tab is, found from this file rather than the working directory: compiled
 * (dist/scripts/start.js) it is dist/tab beside it; from source (scripts/start.ts) it is the
 * repository's build/tab.
 */
export function tabDirectoryFor(moduleUrl: string): string {
  const compiled = !moduleUrl.endsWith('.ts');
  return fileURLToPath(new URL(compiled ? '../tab' : '../build/tab', moduleUrl));
}

export const TAB_DIR = tabDirectoryFor(import.meta.url);

/** Prints why Trellis could not start (a configuration problem: one line each) and sets a failing exit code. */
export function reportStartFailure(error: unknown): void {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `Trellis could not start: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exitCode = 1;
}

export async function main(): Promise<void> {
  const env = environmentWithDotEnv(process.env);
  const config = serverConfigFromEnv(env);
  const { procedures, fromFiles } = await proceduresFromEnv(env, (line) => process.stderr.write(`warning: ${line}\n`));
  if (fromFiles) {
    process.stdout.write(`Procedures: ${procedures.map((p) => `${p.id} (version ${p.version})`).join(', ')}\n`);
  }
  // Application Insights (when configured) starts before express and Node's http are loaded, so
  // the http instrumentation sees the server: the composition is imported only after it.
  const telemetry = await startTelemetry(telemetrySettingsFromEnv(env));
  if (telemetry) process.stdout.write('Telemetry goes to Application Insights.\n');
  const { startLocalMode, startLocalModeOnSharedGraph } = await import('../src/compose/local.js');
  const { startTenantServer } = await import('../src/compose/tenant.js');
  if (!existsSync(path.join(TAB_DIR, 'index.html')))
    process.stdout.write(`The tab is not built (no ${TAB_DIR}); / shows a plain page. \`npm run build\` builds it.\n`);
  let close: () => Promise<void>;
  if (config.mode === 'local') {
    const options = {
      dataDir: config.dataDir,
      port: config.port,
      tabDir: TAB_DIR,
      procedures,
      schedule: config.scheduler,
      accessLogRetentionDays: config.accessLogRetentionDays,
      paceSends: config.paceSends,
      sendingProcesses: config.sendingProcesses,
    };
    // Several local processes on one emulator (docs/reliability.md).
    const local =
      config.sharedGraph === undefined
        ? await startLocalMode(options)
        : await startLocalModeOnSharedGraph(options, {
            baseUrl: config.sharedGraph.baseUrl,
            caCertPem: readFileSync(config.sharedGraph.caCertPath, 'utf8'),
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
    const server = await startTenantServer(config, { tabDir: TAB_DIR, procedures });
    close = () => server.close();
    process.stdout.write(`Trellis is running in tenant mode on port ${server.port} (${config.publicUrl}).\n`);
  }
  const stop = (): void => {
    close()
      .then(() => telemetry?.shutdown())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(reportStartFailure);
}
