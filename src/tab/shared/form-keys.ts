let counter = 0;

/** A key for a row people add and remove in a form: React needs one that stays with the row as rows come and go. */
export const newKey = (prefix: string): string => `${prefix}-${++counter}`;
