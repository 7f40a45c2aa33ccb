/** A string a renderer runs through markdown: a TextBlock's text, or a fact's title and value. */
export type CardText =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'fact'; readonly title: string; readonly value: string };

/** Every TextBlock text and FactSet fact below `node`, in document order. */
export function cardTexts(node: unknown): CardText[] {
  const out: CardText[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      const o = value as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') out.push({ kind: 'text', text: o.text });
      if (typeof o.title === 'string' && typeof o.value === 'string' && o.type === undefined)
        out.push({ kind: 'fact', title: o.title, value: o.value });
      Object.values(o).forEach(visit);
    }
  };
  visit(node);
  return out;
}
