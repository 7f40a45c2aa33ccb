/**
 * `npm run playground`: Trellis in local mode plus the Microsoft 365 Agents Playground (the
 * local Teams client, `@microsoft/m365agentsplayground`) wired to its /api/messages, so the
 * bot, its cards (Action.Execute, Universal Actions refresh) and the message extension can be
 * tried without a tenant.
 *
 * The Playground's current user is a demo person: TRELLIS_PLAYGROUND_UPN (default the BCU
 * school mentor Gareth Evans), given their dev object id (src/bot/identity.ts), so the bot
 * knows them as that person. Other demo people are the Playground's other users. Proactive
 * cards go to the Playground's `_connector`.
 *
 *   PORT                      Trellis's port (default 3978)
 *   PLAYGROUND_PORT           the Playground's port (default a free one)
 *   TRELLIS_PLAYGROUND_UPN    who you are in the Playground
 *   TRELLIS_DATA_DIR          the local data folder (default .trellis-data)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { devObjectIdOf } from '../src/bot/identity.js';
import { SEED_PROCEDURES } from '../src/domain/procedures/index.js';
import { personas, type Persona } from '../src/dev/local-mode/personas.js';
import { startLocalMode, type RunningLocalMode } from '../src/compose/local.js';
import { jsonLogger } from '../src/app/logger.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PLAYGROUND_BIN = path.join(ROOT, 'node_modules', '.bin', 'agentsplayground');
export const DEFAULT_PLAYGROUND_UPN = 'gareth.evans@hollybank.example';
/** The Playground's bot id and tenant (ids only it uses). */
const BOT_ID = '00000000-0000-0000-0000-00000000000011';
const TENANT_ID = '00000000-0000-0000-0000-0000000000001';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function demoPeople(): Persona[] {
  const roleLabel = (procedureId: string, roleId: string): string =>
    SEED_PROCEDURES.find((p) => p.id === procedureId)?.roles.find((r) => r.id === roleId)?.label ?? roleId;
  return personas(roleLabel, (id) => SEED_PROCEDURES.some((p) => p.id === id));
}

const yamlString = (value: string): string => JSON.stringify(value);

function userYaml(person: Persona, id: string, indent: string): string {
  const [given = person.name, ...rest] = person.name.split(' ');
  return [
    `${indent}id: ${yamlString(id)}`,
    `${indent}name: ${yamlString(person.name)}`,
    `${indent}userPrincipleName: ${yamlString(person.upn)}`,
    `${indent}aadObjectId: ${yamlString(devObjectIdOf(person.upn))}`,
    `${indent}givenName: ${yamlString(given)}`,
    `${indent}surname: ${yamlString(rest.join(' ') || given)}`,
    `${indent}email: ${yamlString(person.upn)}`,
  ].join('\n');
}

/** The Playground's configuration: who the current user is and who else is in its chats. */
export function playgroundConfig(currentUpn: string): string {
  const people = demoPeople();
  const current = people.find((p) => p.upn === currentUpn.toLowerCase());
  if (!current) throw new Error(`${currentUpn} is not a demo person; GET /dev/personas lists them.`);
  // The Playground takes at most five other users: colleagues first, then two trainees.
  const others = people.filter((p) => p.provider === current.provider && p.upn !== current.upn);
  const trainees = others.filter((p) => /trainee/i.test(p.title));
  const bcu = [...others.filter((p) => !trainees.includes(p)).slice(0, 3), ...trainees.slice(0, 2)].slice(0, 5);
  return [
    'version: "0.1.1"',
    `tenantId: ${TENANT_ID}`,
    'bot:',
    `  id: ${BOT_ID}`,
    '  name: Trellis',
    'currentUser:',
    userYaml(current, 'user-id-0', '  '),
    'users:',
    ...bcu.map((p, i) => `  -\n${userYaml(p, `user-id-${i + 1}`, '    ')}`),
    'personalChat:',
    '  id: __PERSONAL_CHAT_ID__',
    'groupChat:',
    '  id: __GROUP_CHAT_ID__',
    '  name: Course chat',
    'team:',
    '  id: team-id',
    '  name: Course team',
    '  aadGroupId: 00000000-0000-0000-0000-000000000031',
    '  channels:',
    '    - id: channel-cases-id',
    '      name: Cases',
    '',
  ].join('\n');
}

export interface RunningPlayground {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns the Playground against a bot endpoint; resolves once `GET /_debug/ping` answers. */
export async function startPlayground(options: {
  readonly endpoint: string;
  readonly port: number;
  readonly upn: string;
  readonly timeoutMs?: number;
}): Promise<RunningPlayground> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trellis-playground-'));
  const configPath = path.join(dir, '.m365agentsplayground.yml');
  await writeFile(configPath, playgroundConfig(options.upn));
  const child = spawn(
    PLAYGROUND_BIN,
    ['-e', options.endpoint, '-c', 'msteams', '-p', String(options.port), '--disable-telemetry'],
    {
      cwd: dir,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: path.join(dir, 'playground.log'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://localhost:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The Agents Playground exited (${child.exitCode}): ${output.slice(-500)}`);
    try {
      const ping = await fetch(`${url}/_debug/ping`);
      if (ping.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`The Agents Playground did not start on port ${options.port}: ${output.slice(-500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port: options.port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill();
      }),
  };
}

/** Trellis in local mode with its proactive sends pointed at the Playground's connector. */
export async function startTrellisForPlayground(options: {
  readonly dataDir: string;
  readonly port: number;
  readonly playgroundPort: number;
  readonly logger?: Parameters<typeof startLocalMode>[0]['logger'];
  readonly realNow?: () => Date;
  readonly durability?: 'fsync' | 'none';
}): Promise<RunningLocalMode> {
  return startLocalMode({
    dataDir: options.dataDir,
    port: options.port,
    botServiceUrl: `http://localhost:${options.playgroundPort}/_connector`,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.realNow ? { realNow: options.realNow } : {}),
    ...(options.durability ? { durability: options.durability } : {}),
  });
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? '3978');
  const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? (await freePort()));
  const upn = (process.env.TRELLIS_PLAYGROUND_UPN ?? DEFAULT_PLAYGROUND_UPN).trim().toLowerCase();
  const trellis = await startTrellisForPlayground({
    dataDir: process.env.TRELLIS_DATA_DIR ?? '.trellis-data',
    port,
    playgroundPort,
    logger: jsonLogger(),
  });
  let playground: RunningPlayground;
  try {
    playground = await startPlayground({ endpoint: `${trellis.url}/api/messages`, port: playgroundPort, upn });
  } catch (error) {
    await trellis.close();
    throw error;
  }
  process.stdout.write(
    [
      '',
      `Trellis:            ${trellis.url}  (the bot at ${trellis.url}/api/messages)`,
      `Agents Playground:  ${playground.url}  (you are ${upn}; TRELLIS_PLAYGROUND_UPN picks someone else)`,
      '',
      'In the Playground: say anything in the personal chat to get your cases (the review form where you review);',
      'use the message extension to search cases; Ctrl+C stops both.',
      '',
    ].join('\n'),
  );
  const stop = async (): Promise<void> => {
    await playground.stop();
    await trellis.close();
    process.exit(0);
  };
  process.once('SIGINT', () => {
    void stop();
  });
  process.once('SIGTERM', () => {
    void stop();
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
