import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipText, escapeCardText, LINK_BREAK, plainCardText } from '../../src/cards/index.js';

const Z = LINK_BREAK;

/** Undoes escapeCardText: drops the backslash before escaped punctuation and the link breaks. */
function unescape(text: string): string {
  return text.replace(/\\([\\*_[\]()#>`~|<!+\-=.)])/g, '$1').replaceAll(Z, '');
}

/** What escaping keeps of the input: line breaks normalised, control characters dropped. */
function kept(text: string): string {
  return plainCardText(text).replaceAll(Z, '');
}

/** True when `text` has a markdown metacharacter not preceded by an (odd) backslash run. */
function hasBareMetacharacter(text: string): boolean {
  return /(^|[^\\])(\\\\)*[*_[\]()#>`~|<!]/.test(text);
}

describe('escapeCardText', () => {
  it.each([
    ['**bold** and _italic_', String.raw`\*\*bold\*\* and \_italic\_`],
    ['[click](https://evil.example/x)', `\\[click\\]\\(https:${Z}//evil.${Z}example/x\\)`],
    ['# Heading', String.raw`\# Heading`],
    ['> quoted', String.raw`\> quoted`],
    ['- item\n+ item\n  - nested', String.raw`\- item` + '\n' + String.raw`\+ item` + '\n' + String.raw`  \- nested`],
    ['1. first\n2) second', String.raw`1\. first` + '\n' + String.raw`2\) second`],
    ['Title\n===', 'Title\n' + String.raw`\===`],
    ['C:\\path\\to', String.raw`C:\\path\\to`],
    ['visit www.evil.com today', `visit www.${Z}evil.${Z}com today`],
    ['mail a.b@evil.co.uk', `mail a.${Z}b@evil.${Z}co.${Z}uk`],
    ['`code` ~~strike~~ | pipe', String.raw`\`code\` \~\~strike\~\~ \| pipe`],
    ['<b>html</b>', String.raw`\<b\>html\</b\>`],
    ['![img](x)', String.raw`\!\[img\]\(x\)`],
    ['line\r\nbreak\u2028sep', 'line\nbreak\nsep'],
    ['bell\u0007 null\u0000', 'bell null'],
    ['Mrs O’Neill-Smith, 3.5 hours', 'Mrs O’Neill-Smith, 3.5 hours'],
  ])('escapes %j', (input, expected) => {
    expect(escapeCardText(input)).toBe(expected);
  });

  it('leaves ordinary names, dates and sentences alone', () => {
    for (const text of [
      'Priya Sharma',
      'Hollybank Primary School, Birmingham',
      'Wednesday 25 November 2026',
      'Siân Jones',
    ]) {
      expect(escapeCardText(text)).toBe(text);
    }
  });

  it('never leaves a bare markdown metacharacter (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), (text) => {
        expect(hasBareMetacharacter(escapeCardText(text))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('starts no line with a list, quote or heading marker (property)', () => {
    const lines = fc
      .array(fc.constantFrom('-', '+', '=', '*', '#', '>', '1.', '2)', ' ', 'a', '\n', '\r\n', '  - '), {
        maxLength: 30,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(lines, (text) => {
        for (const line of escapeCardText(text).split('\n')) {
          expect(line).not.toMatch(/^\s*([-+=*#>]|\d+[.)])/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('breaks every address a client would turn into a link (property)', () => {
    const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const url = fc.tuple(
      fc.constantFrom('http://', 'https://', 'HTTPS://', 'ftp://', 'mailto:', 'www.', ''),
      host,
      fc.constantFrom('.com', '.co.uk', '.ac.uk', '.example'),
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        url,
        fc.string({ maxLength: 20 }),
        (before, [scheme, name, tld], after) => {
          const escaped = escapeCardText(`${before} ${scheme}${name}${tld} ${after}`);
          expect(escaped).not.toMatch(/[a-z0-9]:\/\//i);
          expect(escaped).not.toMatch(/www\.[a-z]/i);
          expect(escaped).not.toMatch(/[a-z0-9]\.(com|co|ac|uk|example)\b/i);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps every character the person typed, in order (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(unescape(escapeCardText(text))).toBe(kept(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('clipText', () => {
  it('keeps short text and shortens long text with an ellipsis, never splitting an emoji', () => {
    expect(clipText('  short  ', 10)).toBe('short');
    expect(clipText('abcdefghij', 5)).toBe('abcd…');
    expect(clipText('😀😀😀😀😀😀', 4)).toBe('😀😀😀…');
  });
});
