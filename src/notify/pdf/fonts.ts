import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

/**
 * The fonts the forms are printed in, embedded (pdfkit subsets them: only the glyphs a form
 * uses go into the file). The standard PDF fonts know only Windows-1252, so "Łukasz" printed
 * as "?ukasz" and "李华" as "??"; a trainee's name must print as written.
 *
 * Noto Sans SC (Simplified Chinese, which also draws Latin, Greek and Cyrillic) is the body
 * font; the few letters it lacks (Ł, ŵ, ŷ, Ş and more of Latin Extended) come from Noto Sans,
 * the same family's Latin font. Both are Google's Noto fonts under the SIL Open Font
 * License 1.1, from npm packages that ship the TrueType files; the licence allows embedding
 * them in any document. A character neither font has is folded to its closest letter, else "?".
 */

const require = createRequire(import.meta.url);

const FILES = {
  body: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bodyBold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
  latin: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  latinBold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
} as const;

export type FontFace = keyof typeof FILES;

/** The names the faces are registered under in each document. */
export const FACE_NAMES: Readonly<Record<FontFace, string>> = {
  body: 'Trellis-Body',
  bodyBold: 'Trellis-Body-Bold',
  latin: 'Trellis-Latin',
  latinBold: 'Trellis-Latin-Bold',
};

export interface LoadedFonts {
  /**
   * The faces, read and parsed once per process: each document registers them and pdfkit embeds
   * a subset of each. Parsing the CJK files (10 MB each) took most of a form's render time when
   * every document parsed them again. A parsed font is only read after loading (its glyph and
   * layout caches fill as it is used), so documents share them safely.
   */
  readonly faces: Readonly<Record<FontFace, fontkit.Font>>;
  /** Which face draws a character: the body font, its Latin companion, or neither. */
  faceFor(char: string): 'body' | 'latin' | undefined;
}

let loaded: LoadedFonts | undefined;

/** Reads the fonts on first use (a process that never prints a form never loads them). */
export function pdfFonts(): LoadedFonts {
  if (loaded !== undefined) return loaded;
  const bytes = {
    body: readFileSync(require.resolve(FILES.body)),
    bodyBold: readFileSync(require.resolve(FILES.bodyBold)),
    latin: readFileSync(require.resolve(FILES.latin)),
    latinBold: readFileSync(require.resolve(FILES.latinBold)),
  };
  const faces = {
    body: singleFont(fontkit.create(bytes.body)),
    bodyBold: singleFont(fontkit.create(bytes.bodyBold)),
    latin: singleFont(fontkit.create(bytes.latin)),
    latinBold: singleFont(fontkit.create(bytes.latinBold)),
  };
  const { body, latin } = faces;
  const cache = new Map<number, 'body' | 'latin' | undefined>();
  loaded = {
    faces,
    faceFor(char) {
      const code = char.codePointAt(0) ?? 0;
      if (cache.has(code)) return cache.get(code);
      // Typographic punctuation (curly quotes, dashes, ellipsis) is full-width in the CJK font:
      // beside Latin text it comes from the Latin face, where it is as narrow as the letters.
      const punctuation = code >= 0x2000 && code <= 0x206f && latin.hasGlyphForCodePoint(code);
      const face =
        !punctuation && body.hasGlyphForCodePoint(code)
          ? 'body'
          : latin.hasGlyphForCodePoint(code)
            ? 'latin'
            : undefined;
      cache.set(code, face);
      return face;
    },
  };
  return loaded;
}

function singleFont(font: fontkit.Font | fontkit.FontCollection): fontkit.Font {
  if ('fonts' in font) {
    const first = font.fonts[0];
    if (first === undefined) throw new Error('The form font file holds no font');
    return first;
  }
  return font;
}
