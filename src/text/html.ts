/**
 * The one HTML escaper in Trellis: the server's pages, email bodies and Teams' thumbnail cards
 * all put people's text into HTML through it. It escapes the five characters that matter in
 * element content and in quoted attribute values, so the text can go in either; never build
 * HTML from people's text any other way.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string | number | boolean | undefined | null): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}
