import { useCallback, useState } from 'react';
import type { CommandOutcome } from './run-command';

export interface CommandFormState {
  readonly busy: boolean;
  readonly error: string | undefined;
  readonly conflict: readonly string[] | undefined;
  readonly done: boolean;
}

/**
 * Submitting a form: busy while sending, a plain sentence when refused, the list of changes
 * after a conflict, and `retry` to send the same input again against the newest version.
 */
export function useCommandForm(send: () => Promise<CommandOutcome>) {
  const [state, setState] = useState<CommandFormState>({
    busy: false,
    error: undefined,
    conflict: undefined,
    done: false,
  });
  const submit = useCallback(async () => {
    setState((s) => ({ ...s, busy: true, error: undefined }));
    const outcome = await send();
    if (outcome.ok) setState({ busy: false, error: undefined, conflict: undefined, done: true });
    else if (outcome.changes) setState({ busy: false, error: undefined, conflict: outcome.changes, done: false });
    else setState({ busy: false, error: outcome.message, conflict: undefined, done: false });
  }, [send]);
  return { state, submit };
}
