/**
 * Crash-safe persistence: an append-only write-ahead log (one JSON line per mutation) plus
 * periodic snapshots. A mutation is applied in memory at once, appended to the pending batch,
 * and its request is answered only after the batch is written and fdatasync'd (group commit:
 * all mutations that arrive while one fsync runs share the next one). Snapshots go to a temp
 * file that is fsync'd and renamed over the old one, so every file on disk is always either
 * the old or the new complete version; a torn last WAL line (kill -9 mid-write) is cut off
 * on recovery and was, by construction, never acknowledged.
 */
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

export type Durability = 'fsync' | 'none';

const SNAPSHOT_FILE = 'snapshot.json';
const SNAPSHOT_TMP = 'snapshot.json.tmp';
const WAL_FILE = 'wal.jsonl';
const LOCK_FILE = 'emulator.lock';
const SNAPSHOT_FORMAT = 1;

export interface RecoveredJournal<T> {
  /** The `state` member of the last snapshot, still unvalidated. */
  readonly snapshotState: unknown;
  readonly snapshotSeq: number;
  /** Mutations logged after the snapshot, in order. */
  readonly mutations: readonly T[];
  readonly lastSeq: number;
  readonly walEntries: number;
  /** Bytes cut from a torn WAL tail (0 after a clean shutdown). */
  readonly truncatedBytes: number;
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function readLine(buffer: Buffer, start: number, end: number): { s: number; m: unknown } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8', start, end));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('s' in parsed) || !('m' in parsed)) return undefined;
  const seq = parsed.s;
  return typeof seq === 'number' && Number.isInteger(seq) ? { s: seq, m: parsed.m } : undefined;
}

/**
 * Reads the snapshot and WAL of `dir`, cutting any torn or unreadable WAL tail so later
 * appends never land behind garbage. `parse` validates each mutation; the first invalid
 * line ends the log (everything after it was never acknowledged).
 */
export async function recoverJournal<T>(
  dir: string,
  parse: (m: unknown) => T | undefined,
  durability: Durability,
): Promise<RecoveredJournal<T>> {
  await mkdir(dir, { recursive: true });
  await rm(path.join(dir, SNAPSHOT_TMP), { force: true });

  let snapshotState: unknown = undefined;
  let snapshotSeq = 0;
  const snapshotText = await readFile(path.join(dir, SNAPSHOT_FILE), 'utf8').catch((e: unknown) => {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (snapshotText !== undefined) {
    // Snapshots are only ever renamed into place complete, so a bad one is a real fault: refuse to start.
    const parsed: unknown = JSON.parse(snapshotText);
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      !('format' in parsed) ||
      parsed.format !== SNAPSHOT_FORMAT ||
      !('seq' in parsed) ||
      typeof parsed.seq !== 'number' ||
      !('state' in parsed)
    ) {
      throw new Error(`graph emulator: unreadable snapshot in ${dir}`);
    }
    snapshotState = parsed.state;
    snapshotSeq = parsed.seq;
  }

  const walPath = path.join(dir, WAL_FILE);
  const wal = await readFile(walPath).catch((e: unknown) => {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return Buffer.alloc(0);
    throw e;
  });
  const mutations: T[] = [];
  let lastSeq = snapshotSeq;
  let goodEnd = 0;
  let walEntries = 0;
  let start = 0;
  while (start < wal.length) {
    const newline = wal.indexOf(0x0a, start);
    if (newline === -1) break; // no terminator: torn write
    const line = readLine(wal, start, newline);
    if (line === undefined) break;
    const mutation = parse(line.m);
    if (mutation === undefined) break;
    walEntries += 1;
    if (line.s > lastSeq) {
      mutations.push(mutation);
      lastSeq = line.s;
    }
    start = newline + 1;
    goodEnd = start;
  }
  const truncatedBytes = wal.length - goodEnd;
  if (truncatedBytes > 0) {
    const handle = await open(walPath, 'r+');
    try {
      await handle.truncate(goodEnd);
      if (durability === 'fsync') await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return { snapshotState, snapshotSeq, mutations, lastSeq, walEntries, truncatedBytes };
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export interface JournalOptions {
  readonly dir: string;
  readonly durability: Durability;
  /** Write a snapshot (and empty the WAL) once the WAL would hold more entries than this. */
  readonly compactEvery: number;
  /** Returns the complete state; called synchronously so it is consistent with `appendedSeq`. */
  readonly serialize: () => unknown;
  readonly lastSeq: number;
  readonly walEntries: number;
}

export class Journal {
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private appendedSeq: number;
  private durableSeq: number;
  private walEntries: number;
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  /** Counters for the throughput report and tests. */
  readonly stats = { fsyncs: 0, snapshots: 0, appended: 0 };

  private constructor(
    private readonly options: JournalOptions,
    private readonly wal: FileHandle,
  ) {
    this.appendedSeq = options.lastSeq;
    this.durableSeq = options.lastSeq;
    this.walEntries = options.walEntries;
  }

  static async open(options: JournalOptions): Promise<Journal> {
    await mkdir(options.dir, { recursive: true });
    const wal = await open(path.join(options.dir, WAL_FILE), 'a');
    // Make the WAL's directory entry durable too, or a fresh log could vanish after power loss.
    if (options.durability === 'fsync') await fsyncPath(options.dir);
    return new Journal(options, wal);
  }

  /** Queues a mutation that has already been applied in memory. */
  append(mutation: unknown): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new Error('graph emulator: journal closed');
    this.appendedSeq += 1;
    this.stats.appended += 1;
    this.pending.push(`${JSON.stringify({ s: this.appendedSeq, m: mutation })}\n`);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flushLoop());
  }

  /** Resolves once every mutation appended so far is on disk. Reads wait too, so nobody acts on data a crash could take back. */
  barrier(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const target = this.appendedSeq;
    if (this.durableSeq >= target) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ target, resolve, reject }));
  }

  async close(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    this.closed = true;
    await this.wal.close();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.failure === undefined) {
        if (this.walEntries + this.pending.length > this.options.compactEvery) await this.compact();
        else await this.writeBatch();
        this.release();
      }
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      for (const waiter of this.waiters) waiter.reject(this.failure);
      this.waiters = [];
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeBatch(): Promise<void> {
    const lines = this.pending;
    const upto = this.appendedSeq;
    this.pending = [];
    const buffer = Buffer.from(lines.join(''), 'utf8');
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await this.wal.write(buffer, offset, buffer.length - offset);
      offset += bytesWritten;
    }
    if (this.options.durability === 'fsync') {
      await this.wal.datasync();
      this.stats.fsyncs += 1;
    }
    this.walEntries += lines.length;
    this.durableSeq = upto;
  }

  private async compact(): Promise<void> {
    // Serialised synchronously: the snapshot covers exactly the mutations up to `seq`,
    // including the pending batch, which therefore never needs to reach the WAL.
    const seq = this.appendedSeq;
    const text = JSON.stringify({ format: SNAPSHOT_FORMAT, seq, state: this.options.serialize() });
    this.pending = [];
    const dir = this.options.dir;
    const tmp = path.join(dir, SNAPSHOT_TMP);
    const fsync = this.options.durability === 'fsync';
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path.join(dir, SNAPSHOT_FILE));
    if (fsync) await fsyncPath(dir);
    // Only now may the log go: a crash before this line replays entries <= seq, which the snapshot already has.
    await this.wal.truncate(0);
    if (fsync) {
      await this.wal.datasync();
      this.stats.fsyncs += 1;
    }
    this.stats.snapshots += 1;
    this.walEntries = 0;
    this.durableSeq = seq;
  }

  private release(): void {
    const ready = this.waiters.filter((w) => w.target <= this.durableSeq);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.target > this.durableSeq);
    for (const waiter of ready) waiter.resolve();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
}

/**
 * One emulator per data directory: two writers appending to one WAL would interleave lines.
 * A lock left by a killed process (pid no longer alive) is taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && e.code === 'EEXIST')) throw e;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(
          `graph emulator: ${dataDir} is in use by process ${owner} (delete ${lockPath} if that process is not an emulator)`,
          {
            cause: e,
          },
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`graph emulator: could not lock ${dataDir}`);
}
