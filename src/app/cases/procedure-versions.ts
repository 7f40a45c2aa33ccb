import { createHash } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import { loadProcedure } from '../../domain/procedure/load-procedure.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { canonicalJson, canonicalProcedureJson, versionLabel } from '../../domain/procedure/versions.js';
import type { UseCaseDeps } from '../deps.js';

/**
 * Versions of the procedures, as cases follow them. A case records the version it was opened
 * under (its procedure's id and the hash of the whole definition, in its opening event) and
 * keeps following it when the procedure file changes; new cases open under the definition that
 * runs now. Each version a case has been opened under (or moved to) is kept, written once, in
 * the store (the Trellis Procedure Versions list), so a server started with a newer file still
 * reads the older version of the cases that follow it. A version never changes, so each is read
 * from the store at most once per process.
 */

/** One kept version of a procedure: the definition as JSON, as `keep` was given it. */
export interface StoredProcedureVersion {
  readonly procedureId: string;
  readonly hash: string;
  readonly version: number | string;
  /** The loaded definition as JSON (every default in it). */
  readonly definition: string;
}

/** Where versions are kept: written once, never edited. */
export interface ProcedureVersionStore {
  /** The kept definition of this version, or undefined when it was never kept. */
  find(procedureId: string, hash: string): Promise<StoredProcedureVersion | undefined>;
  /** Keeps a version; keeping one already kept changes nothing. */
  keep(version: StoredProcedureVersion): Promise<void>;
}

/** A version of a procedure: its definition and the hash that names it. */
export interface ProcedureVersion {
  readonly procedure: Procedure;
  readonly hash: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A loaded procedure is never changed, so its hash is taken once. */
const hashes = new WeakMap<Procedure, string>();

/** The SHA-256 of the definition in canonical JSON: the same procedure in any key order, JSON or YAML, has the same hash. */
export function procedureHash(procedure: Procedure): string {
  let hash = hashes.get(procedure);
  if (hash === undefined) {
    hash = sha256(canonicalProcedureJson(procedure));
    hashes.set(procedure, hash);
  }
  return hash;
}

export class ProcedureVersions {
  private readonly running = new Map<string, ProcedureVersion>();
  /** Versions read (or being read) from the store, by `id@hash`; a failed read is not remembered. */
  private readonly read = new Map<string, Promise<Procedure>>();
  /** Versions read, for answers that cannot wait (an error answer built from a case just loaded). */
  private readonly known = new Map<string, Procedure>();
  /** Versions this process has kept in the store (or found there). */
  private readonly kept = new Map<string, Promise<void>>();

  constructor(
    procedures: readonly Procedure[],
    private readonly store: ProcedureVersionStore | undefined,
  ) {
    for (const procedure of procedures) {
      const hash = procedureHash(procedure);
      this.running.set(procedure.id, { procedure, hash });
      this.known.set(`${procedure.id}@${hash}`, procedure);
    }
  }

  /** The version new cases of this procedure open under, or undefined when the procedure does not run here. */
  runningVersion(procedureId: string): ProcedureVersion | undefined {
    return this.running.get(procedureId);
  }

  /**
   * The running version of a procedure, kept in the store before a case names it (so every case
   * names a version that can be read back). Written once per version; later calls are free.
   */
  async keepRunning(procedureId: string): Promise<ProcedureVersion> {
    const version = this.running.get(procedureId);
    if (version === undefined) {
      throw new DomainError('unknown_procedure', `There is no procedure "${procedureId}".`, {
        known: [...this.running.keys()],
      });
    }
    const key = `${procedureId}@${version.hash}`;
    let pending = this.kept.get(key);
    if (pending === undefined) {
      pending = this.keepOnce(version);
      pending.catch(() => this.kept.delete(key));
      this.kept.set(key, pending);
    }
    await pending;
    return version;
  }

  private async keepOnce({ procedure, hash }: ProcedureVersion): Promise<void> {
    if (this.store === undefined) return;
    const found = await this.store.find(procedure.id, hash);
    if (found !== undefined) return;
    await this.store.keep({
      procedureId: procedure.id,
      hash,
      version: procedure.version,
      definition: JSON.stringify(procedure),
    });
  }

  /**
   * The definition a case follows: the version named in its trail, or (for a case opened before
   * versions were kept) the one that runs now.
   */
  async of(state: { readonly procedureId: string; readonly procedureHash: string | undefined }): Promise<Procedure> {
    const running = this.running.get(state.procedureId);
    if (state.procedureHash === undefined || running?.hash === state.procedureHash) {
      if (running === undefined) throw unknownProcedure(state.procedureId, [...this.running.keys()]);
      return running.procedure;
    }
    const key = `${state.procedureId}@${state.procedureHash}`;
    let pending = this.read.get(key);
    if (pending === undefined) {
      pending = this.readVersion(state.procedureId, state.procedureHash);
      pending.then(
        (procedure) => this.known.set(key, procedure),
        () => this.read.delete(key),
      );
      this.read.set(key, pending);
    }
    return pending;
  }

  /**
   * The definition of a case when an answer cannot wait for the store: the version if this
   * process has read it (every case loaded through `of` has), else the one that runs now.
   */
  knownFor(state: { readonly procedureId: string; readonly procedureHash: string | undefined }): Procedure | undefined {
    if (state.procedureHash !== undefined) {
      const known = this.known.get(`${state.procedureId}@${state.procedureHash}`);
      if (known !== undefined) return known;
    }
    return this.running.get(state.procedureId)?.procedure;
  }

  private async readVersion(procedureId: string, hash: string): Promise<Procedure> {
    const stored = this.store === undefined ? undefined : await this.store.find(procedureId, hash);
    if (stored === undefined) {
      throw new DomainError(
        'unknown_procedure',
        `The version of "${procedureId}" this case follows is not among the kept procedure versions.`,
        { procedureId, hash },
      );
    }
    const definition: unknown = JSON.parse(stored.definition);
    // A kept definition that no longer hashes to its name was edited by hand: not the version the case followed.
    // (The text is checked, not the loaded procedure: a later Trellis may load it with defaults it has added since.)
    if (sha256(canonicalJson(definition)) !== hash) {
      throw new DomainError(
        'invalid_procedure',
        `The kept ${versionLabel(stored.version)} of "${procedureId}" does not match its hash; it was changed after it was kept.`,
        { procedureId, hash },
      );
    }
    return loadProcedure(definition);
  }
}

function unknownProcedure(id: string, known: readonly string[]): DomainError {
  return new DomainError('unknown_procedure', `There is no procedure "${id}".`, { known });
}

/** Use cases built without a store of versions (tests of one use case) share one per deps: cases follow the running versions. */
const unkept = new WeakMap<object, ProcedureVersions>();

export function versionsOf(deps: Pick<UseCaseDeps, 'procedures' | 'procedureVersions'>): ProcedureVersions {
  if (deps.procedureVersions !== undefined) return deps.procedureVersions;
  let versions = unkept.get(deps);
  if (versions === undefined) {
    versions = new ProcedureVersions(deps.procedures, undefined);
    unkept.set(deps, versions);
  }
  return versions;
}
