import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import { getProcedure, type ProcedureDefinition } from '../../api/trellis-api';

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

/** The definition, or undefined while loading or when it could not be read (actions needing it stay hidden). */
export function useProcedure(api: ApiClient, procedureId: string | undefined): ProcedureDefinition | undefined {
  const [procedure, setProcedure] = useState<ProcedureDefinition | undefined>();
  useEffect(() => {
    if (procedureId === undefined) return;
    let live = true;
    loadProcedure(api, procedureId).then(
      (p) => {
        if (live) setProcedure(p);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, procedureId]);
  return procedure;
}
