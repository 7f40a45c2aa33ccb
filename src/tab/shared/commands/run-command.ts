import { ConflictError, type Versioned } from '../../api/client';
import type { CaseView } from '../../api/types';
import { changesBetween } from './conflict-model';

/**
 * A change to a case, sent against the version the person was looking at (If-Match): it resolves
 * to the case as the change left it.
 */
export type Command = (current: Versioned<CaseView>) => Promise<Versioned<CaseView>>;

/** How a command went, for the form that sent it: a plain sentence when refused, what changed after a conflict. */
export type CommandOutcome =
  { readonly ok: true } | { readonly ok: false; readonly message: string; readonly changes?: readonly string[] };

/** What a page hands each of its forms: run this command against the case as the page shows it. */
export type RunCommand = (command: Command) => Promise<CommandOutcome>;

/**
 * Runs `command` against `before`, the version last read. The page `adopt`s the version that
 * results, or on a 412 the case as it is now, so it always shows the latest; after a conflict the
 * form is told what changed, keeps what the person typed and can send it again. `adopt` must not
 * throw: a page that cannot load the extras it shows with a version keeps the ones it had.
 */
export async function runCommand(
  before: Versioned<CaseView>,
  command: Command,
  adopt: (version: Versioned<CaseView>) => Promise<void>,
): Promise<CommandOutcome> {
  let next: Versioned<CaseView>;
  try {
    next = await command(before);
  } catch (error) {
    if (error instanceof ConflictError && error.current) {
      const now = error.current as Versioned<CaseView>;
      await adopt(now);
      return { ok: false, message: error.message, changes: changesBetween(before.data, now.data) };
    }
    return { ok: false, message: error instanceof Error ? error.message : 'That did not work. Try again.' };
  }
  await adopt(next);
  return { ok: true };
}
