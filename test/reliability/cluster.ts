import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startGraphEmulator, type RunningGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import { bundleForChild, type ChildBundle } from '../support/child-bundle.js';
import { sleep, type LocalTrellis } from './kit.js';

/**
 * Trellis as the reliability scenarios run it: one process in this one (what `npm test` runs),
 * or child processes — one with its own embedded emulator (killed with it), or several sharing
 * one emulator that this process runs, as instances behind a load balancer share one site.
 * Scenarios send each request to a process in turn, so a case is read on one process and
 * written on another.
 */
export interface Cluster {
  /** How many Trellis processes serve requests. */
  readonly size: number;
  /** The current address of process `index` (it changes when a process restarts). */
  url(index: number): string;
  /** The emulator, when this process runs it (not when it is embedded in a child). */
  readonly emulator: RunningGraphEmulator | undefined;
  /** Where the data folder is (a child's embedded emulator keeps its state in `graph/` there). */
  readonly dataDir: string;
  /** Error lines the processes logged, as `message` (and where from). */
  errors(): readonly { readonly message: string; readonly process: number }[];
  /** Waits until the processes' background work (notifications) has finished. */
  settle(): Promise<void>;
  /** SIGKILL, then waits for the exit (children only). */
  kill(index: number): Promise<void>;
  /** Starts a killed process again on the same data folder. */
  restart(index: number): Promise<void>;
  close(): Promise<void>;
}

/** One Trellis in this process (`startLocal`: local mode with its emulator, as `npm start` runs it). */
export function inProcessCluster(trellis: LocalTrellis): Cluster {
  return {
    size: 1,
    url: () => trellis.url,
    emulator: trellis.running.emulator,
    dataDir: trellis.dataDir,
    errors: () =>
      trellis.logger.lines.filter((l) => l.level === 'error').map((l) => ({ message: l.message, process: 0 })),
    settle: () => trellis.running.notifications.background.idle(),
    kill: () => Promise.reject(new Error('the in-process Trellis cannot be killed')),
    restart: () => Promise.reject(new Error('the in-process Trellis cannot be restarted')),
    close: () => trellis.close(),
  };
}

const CHILD = path.join(import.meta.dirname, 'crash-child.ts');
/** A first start provisions the lists and loads the demo data; a busy machine needs a while. */
const START_TIMEOUT_MS = 120_000;

interface Child {
  process: ChildProcess;
  url: string;
}

/**
 * `size` Trellis child processes on one data folder. `shared`: on an emulator this process runs
 * (durability as given); otherwise (size 1) the child embeds its own, fsync'd, and dies with it.
 */
export async function childCluster(options: {
  readonly size: number;
  readonly shared: boolean;
  readonly durability?: 'fsync' | 'none';
  /** False: the processes run no scheduler, so every sweep is one a test asked for. */
  readonly scheduler?: boolean;
}): Promise<Cluster> {
  if (!options.shared && options.size !== 1) throw new Error('several processes need a shared emulator');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-cluster-'));
  // Bundled once, started many times (test/support/child-bundle.ts): local mode serves the dev
  // outbox's script from the assets folder next to its code.
  let bundle: ChildBundle;
  try {
    bundle = await bundleForChild(CHILD, { assets: { 'src/dev/local-mode/assets': 'assets' } });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const errors: { message: string; process: number }[] = [];
  const children: (Child | undefined)[] = Array.from({ length: options.size }, () => undefined);
  let emulator: RunningGraphEmulator | undefined;
  if (options.shared) {
    emulator = await startGraphEmulator({
      dataDir: path.join(dataDir, 'shared-graph'),
      durability: options.durability ?? 'fsync',
    });
  }
  const graphArgs = [
    ...(emulator === undefined
      ? []
      : ['--graph-url', emulator.baseUrl, '--graph-ca', path.join(dataDir, 'shared-graph', 'cert.pem')]),
    ...(options.scheduler === false ? ['--no-scheduler'] : []),
  ];

  async function start(index: number): Promise<void> {
    const proc = spawn(process.execPath, ['--enable-source-maps', bundle.file, dataDir, ...graphArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // A lasting name per process, as App Service and Container Apps give each instance: a restarted
      // process frees the job leases its earlier life held (src/compose/jobs.ts).
      env: { ...process.env, NODE_ENV: 'production', TRELLIS_INSTANCE_NAME: `trellis-${String(index)}` },
    });
    let stderr = '';
    createInterface({ input: proc.stderr }).on('line', (line) => {
      stderr = `${stderr}${line}\n`.slice(-4000);
      try {
        const parsed = JSON.parse(line) as { level?: string; message?: string };
        if (parsed.level === 'error') errors.push({ message: String(parsed.message), process: index });
      } catch {
        // Not a log line (a warning from Node itself).
      }
    });
    const lines = createInterface({ input: proc.stdout });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Trellis process ${index} did not start in time: ${stderr}`));
      }, START_TIMEOUT_MS);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Trellis process ${index} exited with ${String(code)} before it was ready: ${stderr}`));
      });
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { ready?: boolean; port?: number };
          if (parsed.ready === true && typeof parsed.port === 'number') {
            clearTimeout(timer);
            resolve(parsed.port);
          }
        } catch {
          // Not our line.
        }
      });
    });
    children[index] = { process: proc, url: `http://127.0.0.1:${port}` };
  }

  async function kill(index: number): Promise<void> {
    const child = children[index];
    if (child === undefined || child.process.exitCode !== null || child.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      child.process.once('exit', () => {
        resolve();
      }),
    );
    child.process.kill('SIGKILL');
    await exited;
  }

  try {
    // The first provisions the lists, makes the dev sign-in key and loads the demo data; the
    // others then find them.
    await start(0);
    await Promise.all(children.slice(1).map((_, i) => start(i + 1)));
  } catch (error) {
    await Promise.all(children.map((_, i) => kill(i)));
    await emulator?.close();
    await rm(dataDir, { recursive: true, force: true });
    await bundle.remove();
    throw error;
  }

  return {
    size: options.size,
    url(index) {
      const child = children[index];
      if (child === undefined) throw new Error(`no Trellis process ${index}`);
      return child.url;
    },
    emulator,
    dataDir,
    errors: () => errors,
    async settle() {
      // Nothing in the children reports idle; their Graph traffic falling silent for a moment does.
      if (emulator === undefined) return;
      const deadline = Date.now() + 60_000;
      let last = emulator.inspect().counters.total;
      while (Date.now() < deadline) {
        await sleep(750);
        const now = emulator.inspect().counters.total;
        if (now === last) return;
        last = now;
      }
    },
    kill,
    restart: start,
    async close() {
      await Promise.all(children.map((_, i) => kill(i)));
      await emulator?.close();
      await rm(dataDir, { recursive: true, force: true });
      await bundle.remove();
    },
  };
}
