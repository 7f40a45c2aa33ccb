/** Every Action.Execute in a card, found anywhere in its tree (what a Teams client would render as a button). */
export function executeActions(card: unknown): { verb: string; data: Record<string, unknown> }[] {
  const out: { verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const n = node as Record<string, unknown>;
      if (n.type === 'Action.Execute' && typeof n.verb === 'string')
        out.push({ verb: n.verb, data: n.data as Record<string, unknown> });
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}
