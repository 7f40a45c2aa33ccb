/**
 * The shape check for a form's stored draft (shared/drafts.ts): a draft is put back only when it
 * has exactly the fields the form has now, each of the same kind, so a draft kept by an older
 * version of the tab (a field renamed, a list that became text) is dropped instead of filling the
 * form with values it cannot show.
 */

/** What a form field holds: text, a tick, a list of choices, or a list of rows of text (panel members). */
export type DraftValue = string | boolean | readonly string[] | readonly object[];

export type DraftFields = Readonly<Record<string, DraftValue>>;

const isTextRow = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string');

function sameKind(stored: unknown, like: DraftValue): boolean {
  if (typeof like === 'string' || typeof like === 'boolean') return typeof stored === typeof like;
  if (!Array.isArray(stored)) return false;
  // A list's kind is that of the form's own rows; an empty starting list takes text or rows alike.
  const sample: unknown = like[0];
  if (sample === undefined) return stored.every((v) => typeof v === 'string' || isTextRow(v));
  if (typeof sample === 'string') return stored.every((v) => typeof v === 'string');
  if (typeof sample !== 'object' || sample === null) return false;
  const fields = Object.keys(sample).sort().join();
  return stored.every(
    (v) =>
      isTextRow(v) &&
      Object.keys(v as object)
        .sort()
        .join() === fields,
  );
}

/** Whether `stored` is a draft of a form whose fields start as `like`. */
export function isDraftOf<T extends DraftFields>(stored: unknown, like: T): stored is T {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return false;
  const record = stored as Record<string, unknown>;
  const keys = Object.keys(like);
  return (
    Object.keys(record).length === keys.length &&
    keys.every((k) => k in record && sameKind(record[k], like[k] as DraftValue))
  );
}
