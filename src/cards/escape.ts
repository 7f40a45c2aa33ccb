/**
 * Text people type (names, targets, evidence, school names) is shown in TextBlocks and
 * FactSets, which Teams and Outlook render as markdown and scan for links. `escapeCardText`
 * makes such text render literally: no bold, lists, headings or links a user did not mean,
 * and no clickable address smuggled in through a trainee's name.
 *
 * It is applied once, in the view-model layer; templates bind the escaped strings as they are.
 * Text that is never rendered as markdown (Input values, choice titles, action titles) is
 * passed through `plainCardText` instead, so it does not show stray backslashes.
 */

/** A zero-width space: invisible, but it stops link detection matching across it. */
export const LINK_BREAK = '\u200B';

/** Markdown punctuation that has a meaning anywhere in a line. */
const INLINE_METACHARACTERS = /[\\*_[\]()#>`~|<!]/g;
/** "- " or "+ " at the start of a line would start a list; a line of "-" or "=" makes the line above a heading. */
const LIST_MARKER_AT_LINE_START = /^([ \t]*)([-+=])/gm;
/** "1. " or "1) " at the start of a line would start a numbered list. */
const NUMBERED_AT_LINE_START = /^([ \t]*\d+)([.)])/gm;
/** "scheme://", the start of every absolute link a client would detect. */
const SCHEME = /([A-Za-z][A-Za-z0-9+.-]*):(?=\/\/)/g;
/** A dot between a letter or digit and a letter: "www.", "evil.com", "a@b.co". */
const DOMAIN_DOT = /(?<=[A-Za-z0-9])\.(?=[A-Za-z])/g;
/** Characters that end or fold lines, which a renderer may treat as new blocks. */
const LINE_SEPARATORS = /\r\n?|[\u2028\u2029]/g;
/** Control characters other than tab and newline. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are removed.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Escapes user text for a markdown-rendered card field (TextBlock text, Fact title/value). */
export function escapeCardText(text: string): string {
  return text
    .replace(LINE_SEPARATORS, '\n')
    .replace(CONTROL, '')
    .replace(INLINE_METACHARACTERS, (ch) => `\\${ch}`)
    .replace(LIST_MARKER_AT_LINE_START, (_m, indent: string, marker: string) => `${indent}\\${marker}`)
    .replace(NUMBERED_AT_LINE_START, (_m, number: string, mark: string) => `${number}\\${mark}`)
    .replace(SCHEME, (_m, scheme: string) => `${scheme}:${LINK_BREAK}`)
    .replace(DOMAIN_DOT, `.${LINK_BREAK}`);
}

/** Cleans user text for fields that are never rendered as markdown (inputs, choice titles, action titles). */
export function plainCardText(text: string): string {
  return text.replace(LINE_SEPARATORS, '\n').replace(CONTROL, '');
}

/**
 * Shortens text to at most `max` characters (before escaping), so a card with long targets
 * stays inside the 28 KB message limit; the full text is one click away in the tab.
 */
export function clipText(text: string, max: number): string {
  const trimmed = text.trim();
  // Code points, not UTF-16 units, so an emoji is never cut in half.
  const points = Array.from(trimmed);
  if (points.length <= max) return trimmed;
  return `${points
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** Clip, then escape: the usual path for user text into a TextBlock. */
export function cardText(text: string, max = 600): string {
  return escapeCardText(clipText(text, max));
}
