/** Command-line runner: `npx tsx scripts/graph-emulator.ts --data .trellis-data/graph --port 8443`. */
import { parseArgs } from 'node:util';
import { startGraphEmulator } from './index.js';
import { latencyProfileNamed } from './latency.js';
import type { GraphEmulatorOptions } from './types.js';

const USAGE = `Usage: graph-emulator [--data DIR] [--port N] [--durability fsync|none] [--threshold N]
                      [--seed N] [--site-tz ZONE] [--compact-every N] [--shuffle-batch] [--log] [--json]
                      [--latency tenant[:SEED]]

  --data           data directory for cert.pem/key.pem and state (default .trellis-data/graph)
  --port           HTTPS port on 127.0.0.1 (default 8443; 0 = ephemeral)
  --json           print one JSON line {baseUrl, siteId, caCertPath, pid} when ready (for scripts)
  --log            print one line per Graph request
  --latency        delay every Graph request as a tenant would (tenant: 80–250 ms, writes slower than
                   reads, a $batch by its parts); off by default. Change it while running with
                   POST /_emulator/latency {"profile":"tenant"} or {"profile":null}`;

function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return n;
}

export async function runGraphEmulatorCli(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string', default: '.trellis-data/graph' },
      port: { type: 'string' },
      durability: { type: 'string' },
      threshold: { type: 'string' },
      seed: { type: 'string' },
      'site-tz': { type: 'string' },
      'compact-every': { type: 'string' },
      'shuffle-batch': { type: 'boolean', default: false },
      latency: { type: 'string' },
      log: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const durability = values.durability ?? 'fsync';
  if (durability !== 'fsync' && durability !== 'none') throw new Error("--durability must be 'fsync' or 'none'");
  const options: GraphEmulatorOptions = {
    dataDir: values.data,
    port: intOption('port', values.port, 8443),
    durability,
    listViewThreshold: intOption('threshold', values.threshold, 5000),
    seed: intOption('seed', values.seed, 1),
    compactEvery: intOption('compact-every', values['compact-every'], 20_000),
    shuffleBatchResponses: values['shuffle-batch'],
  };
  if (values['site-tz'] !== undefined) options.siteTimeZone = values['site-tz'];
  if (values.latency !== undefined) options.latency = latencyProfileNamed(values.latency);
  if (values.log) options.log = (line) => process.stderr.write(`${line}\n`);
  const emulator = await startGraphEmulator(options);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ baseUrl: emulator.baseUrl, siteId: emulator.siteId, caCertPath: emulator.caCertPath, pid: process.pid })}\n`,
    );
  } else {
    process.stdout.write(
      [
        `Graph emulator listening on ${emulator.baseUrl}/v1.0`,
        `  siteId:      ${emulator.siteId}`,
        `  certificate: ${emulator.caCertPath}`,
        `  trust it:    NODE_EXTRA_CA_CERTS=${emulator.caCertPath}  (or an undici Agent with connect.ca)`,
        `  controls:    ${emulator.baseUrl}/_emulator/inspect`,
        ...(options.latency === undefined
          ? []
          : [`  latency:     ${options.latency.name} (seed ${String(options.latency.seed)}); see latency.ts`]),
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`graph emulator: close failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
