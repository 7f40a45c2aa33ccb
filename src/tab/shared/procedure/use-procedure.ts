import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import { getCaseProcedure, getProcedure, type ProcedureDefinition } from '../../api/trellis-api';

/** Procedure definitions change only with a deployment: read each once per page load. */
const cache = new Map<string, Promise<ProcedureDefinition>>();

export function loadProcedure(api: ApiClient, procedureId: string): Promise<ProcedureDefinition> {
  let pending = cache.get(procedureId);
  if (pending === undefined) {
    pending = getProcedure(api, procedureId);
    // A failed read is not remembered, so the next page tries again.
    pending.catch(() => cache.delete(procedureId));
    cache.set(procedureId, pending);
  }
  return pending;
}

/** Versions of procedures cases follow, by `procedureId@hash`: a version never changes, so each is read once. */
const versions = new Map<string, Promise<ProcedureDefinition>>();

/** The version of its procedure a case follows, read through the case (GET /api/cases/{id}/procedure). */
export function loadCaseProcedure(
  api: ApiClient,
  caseId: string,
  version: { readonly id: string; readonly hash: string },
): Promise<ProcedureDefinition> {
  const key = `${version.id}@${version.hash}`;
  let pending = versions.get(key);
  if (pending === undefined) {
    pending = getCaseProcedure(api, caseId);
    pending.catch(() => versions.delete(key));
    versions.set(key, pending);
  }
  return pending;
}

/**
 * The definition a case follows, or undefined while loading or when it could not be read.
 * `version` is the case view's `procedure` (its id and hash): a case moved to another version
 * reads that one.
 */
export function useCaseProcedure(
  api: ApiClient,
  caseId: string,
  version: { readonly id: string; readonly hash: string } | undefined,
): ProcedureDefinition | undefined {
  const [procedure, setProcedure] = useState<{ readonly key: string; readonly definition: ProcedureDefinition }>();
  const id = version?.id;
  const hash = version?.hash;
  useEffect(() => {
    if (id === undefined || hash === undefined) return;
    let live = true;
    loadCaseProcedure(api, caseId, { id, hash }).then(
      (definition) => {
        if (live) setProcedure({ key: `${id}@${hash}`, definition });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, caseId, id, hash]);
  return procedure !== undefined && procedure.key === `${id ?? ''}@${hash ?? ''}` ? procedure.definition : undefined;
}
