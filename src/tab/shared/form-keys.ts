// Started from the clock, so keys in a draft restored after a reload never meet new ones.
let counter = Date.now();

/** A key for a row people add and remove in a form: React needs one that stays with the row as rows come and go. */
export const newKey = (prefix: string): string => `${prefix}-${++counter}`;
