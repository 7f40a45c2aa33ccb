import { useCallback, useEffect, useRef, useState } from 'react';
import { isDraftOf, type DraftFields } from './draft-shape';

/**
 * Nothing typed is lost: a long form (the new-case wizard, a review, the plan, the trainee's
 * perceptions, the case actions: meetings, extensions, escalations, panels and their decisions,
 * people changes, closures and withdrawals) keeps what has been typed as a draft in this browser's localStorage, one per
 * person, case and form, and puts it back when the form opens again (after a reload, a crash, a
 * click elsewhere). Sending the form successfully clears the draft. While any form holds changes
 * not yet sent, leaving the page asks first: the browser's own prompt on reload or close, and a
 * dialog for a move inside the tab (`confirmLeave`, used by the router).
 */

const PREFIX = 'trellis:draft:';

/** Where a draft is kept: who typed it, on which case (`new` for the wizard) and in which form. */
export interface DraftKey {
  readonly user: string;
  readonly caseId: string;
  readonly form: string;
}

export const draftStorageKey = (key: DraftKey): string =>
  `${PREFIX}${key.user.toLowerCase()}:${key.caseId}:${key.form}`;

function read(storageKey: string): unknown {
  try {
    const text = window.localStorage.getItem(storageKey);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function write(storageKey: string, value: unknown): void {
  try {
    window.localStorage.setItem(storageKey, JSON.stringify(value));
  } catch {
    // Storage full or switched off: the form still works, the draft is just not kept.
  }
}

function remove(storageKey: string): void {
  try {
    window.localStorage.removeItem(storageKey);
  } catch {
    // As above.
  }
}

/** Forms holding changes not yet sent, by storage key. */
const unsaved = new Set<string>();

function markUnsaved(storageKey: string, dirty: boolean): void {
  if (dirty) unsaved.add(storageKey);
  else unsaved.delete(storageKey);
}

export function hasUnsavedChanges(): boolean {
  return unsaved.size > 0;
}

/** Forgets every unsaved mark (the person chose to leave): their drafts stay stored for next time. */
export function forgetUnsavedChanges(): void {
  unsaved.clear();
}

function onBeforeUnload(event: BeforeUnloadEvent): void {
  if (!hasUnsavedChanges()) return;
  // The browser asks "Leave site?" in its own words.
  event.preventDefault();
}
window.addEventListener('beforeunload', onBeforeUnload);

/**
 * A form's state kept as a draft. `initial` is the form's starting state; `accept` checks a stored
 * draft is still of the form's shape (a draft from an older version of the tab is dropped).
 * Returns the state, its setter, whether it was restored from a draft, `saved` (after a
 * successful send) and `discard` (the person throws their changes away).
 */
export function useDraft<T>(
  key: DraftKey,
  initial: () => T,
  accept: (stored: unknown) => stored is T,
): {
  readonly value: T;
  readonly set: React.Dispatch<React.SetStateAction<T>>;
  readonly restored: boolean;
  readonly saved: () => void;
  readonly discard: () => void;
} {
  const storageKey = draftStorageKey(key);
  const initialJson = useRef<string | undefined>(undefined);
  // The newest `initial` (after a send, the form starts again from what is now saved).
  const initialRef = useRef(initial);
  initialRef.current = initial;
  const [state, setState] = useState<{ value: T; restored: boolean }>(() => {
    const start = initial();
    initialJson.current = JSON.stringify(start);
    const stored = read(storageKey);
    return stored !== undefined && accept(stored)
      ? { value: stored, restored: true }
      : { value: start, restored: false };
  });
  const set = useCallback<React.Dispatch<React.SetStateAction<T>>>((change) => {
    setState((s) => ({
      ...s,
      value: typeof change === 'function' ? (change as (previous: T) => T)(s.value) : change,
    }));
  }, []);

  useEffect(() => {
    const json = JSON.stringify(state.value);
    const dirty = json !== initialJson.current;
    if (dirty) write(storageKey, state.value);
    else remove(storageKey);
    markUnsaved(storageKey, dirty);
  }, [state.value, storageKey]);
  useEffect(
    () => () => {
      markUnsaved(storageKey, false);
    },
    [storageKey],
  );

  /** Sent: what is on screen is now what is saved, so the draft goes and nothing is unsent. */
  const saved = useCallback(() => {
    remove(storageKey);
    markUnsaved(storageKey, false);
    setState((s) => {
      initialJson.current = JSON.stringify(s.value);
      return { ...s, restored: false };
    });
  }, [storageKey]);

  /** Thrown away (Cancel): the draft goes and the form starts again from `initial`. */
  const discard = useCallback(() => {
    const fresh = initialRef.current();
    initialJson.current = JSON.stringify(fresh);
    remove(storageKey);
    markUnsaved(storageKey, false);
    setState({ value: fresh, restored: false });
  }, [storageKey]);

  return { value: state.value, set, restored: state.restored, saved, discard };
}

/**
 * A form of several fields kept as one draft (the case actions): `fields` by name, `setField`
 * to change one. A stored draft is put back only in the form's own shape (draft-shape.ts).
 */
export function useFieldsDraft<T extends DraftFields>(
  key: DraftKey,
  initial: () => T,
): {
  readonly fields: T;
  readonly setField: <K extends keyof T>(name: K, value: T[K]) => void;
  readonly restored: boolean;
  readonly saved: () => void;
  readonly discard: () => void;
} {
  const initialRef = useRef(initial);
  initialRef.current = initial;
  const accept = useCallback((stored: unknown): stored is T => isDraftOf(stored, initialRef.current()), []);
  const draft = useDraft<T>(key, initial, accept);
  const { set } = draft;
  const setField = useCallback(
    <K extends keyof T>(name: K, value: T[K]) => {
      set((fields) => ({ ...fields, [name]: value }));
    },
    [set],
  );
  return { fields: draft.value, setField, restored: draft.restored, saved: draft.saved, discard: draft.discard };
}

/** A plain object (what JSON.parse gives for `{…}`): for the shape checks of stored drafts. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
