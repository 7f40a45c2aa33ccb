/** Every object in a card, depth first. */
export function* cardNodes(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) {
    for (const item of value) yield* cardNodes(item);
  } else if (typeof value === 'object' && value !== null) {
    yield value as Record<string, unknown>;
    for (const child of Object.values(value)) yield* cardNodes(child);
  }
}

/** Every Action.Execute in a card, found anywhere in its tree (what a Teams client would render as a button). */
export function executeActions(card: unknown): { verb: string; data: Record<string, unknown> }[] {
  return [...cardNodes(card)].flatMap((n) =>
    n.type === 'Action.Execute' && typeof n.verb === 'string'
      ? [{ verb: n.verb, data: n.data as Record<string, unknown> }]
      : [],
  );
}
