import PDFDocument from 'pdfkit';
import { FACE_NAMES, pdfFonts } from './fonts.js';

/**
 * A small layout kit over pdfkit for the provider forms: headings, label/value detail tables,
 * grid tables whose rows grow with their text and break across pages (the header row repeated),
 * and paragraphs. Text is printed in embedded Unicode fonts (fonts.ts), so names print as
 * written; every string passes through `pdfText` first, which folds only what no font draws.
 */

export type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 42;
const PAD = 4;
const BODY = 9;
const BORDER = '#444444';
const HEADER_FILL = '#e6e6e6';

/** Text the embedded fonts can draw: controls removed, anything no font has folded or "?"; bounded length. */
export function pdfText(value: string | undefined, max = 20_000): string {
  if (value === undefined) return '';
  const fonts = pdfFonts();
  let out = '';
  for (const ch of Array.from(value.replace(/\r\n?/g, '\n')).slice(0, max)) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n' || ch === '\t') out += ch === '\t' ? ' ' : '\n';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    else if (fonts.faceFor(ch) !== undefined) out += ch;
    else {
      const folded = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += folded !== '' && Array.from(folded).every((c) => fonts.faceFor(c) !== undefined) ? folded : '?';
    }
  }
  return out;
}

type Weight = 'regular' | 'bold';

/** Sets the body face of that weight (the one heights are measured in). */
function useFont(doc: Doc, weight: Weight): Doc {
  return doc.font(weight === 'bold' ? FACE_NAMES.bodyBold : FACE_NAMES.body);
}

/**
 * Draws text (already through pdfText) in the body face, switching to the Latin face for the
 * characters it draws instead (letters the body face lacks, typographic punctuation), as one
 * flowing paragraph (pdfkit's continued text). Heights are measured in the body face alone,
 * where those characters measure as wide or wider (its missing-glyph box, its full-width
 * punctuation): a drawn paragraph is never taller than its measure.
 */
function write(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  options: PDFKit.Mixins.TextOptions & { readonly weight?: Weight },
): void {
  const { weight = 'regular', ...rest } = options;
  const fonts = pdfFonts();
  const runs: { latin: boolean; text: string }[] = [];
  for (const ch of text) {
    const latin = fonts.faceFor(ch) === 'latin';
    const last = runs[runs.length - 1];
    if (last !== undefined && last.latin === latin) last.text += ch;
    else runs.push({ latin, text: ch });
  }
  if (runs.length <= 1) {
    const only = runs[0];
    doc.font(faceOf(only?.latin ?? false, weight)).text(text, x, y, rest);
    return;
  }
  runs.forEach((run, i) => {
    doc.font(faceOf(run.latin, weight));
    const continued = i < runs.length - 1;
    if (i === 0) doc.text(run.text, x, y, { ...rest, continued });
    else doc.text(run.text, { ...rest, continued });
  });
  useFont(doc, weight);
}

function faceOf(latin: boolean, weight: Weight): string {
  if (latin) return weight === 'bold' ? FACE_NAMES.latinBold : FACE_NAMES.latin;
  return weight === 'bold' ? FACE_NAMES.bodyBold : FACE_NAMES.body;
}

export function createDoc(options: {
  readonly title: string;
  readonly compress: boolean;
  readonly runningHeader?: string;
}): { doc: Doc; done: Promise<Uint8Array> } {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress,
    bufferPages: true,
    info: { Title: pdfText(options.title, 200), Creator: 'Trellis' },
  });
  const { faces } = pdfFonts();
  for (const face of ['body', 'bodyBold', 'latin', 'latinBold'] as const)
    doc.registerFont(FACE_NAMES[face], faces[face]);
  useFont(doc, 'regular');
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => {
      resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    doc.on('error', reject);
  });
  if (options.runningHeader !== undefined) {
    const header = pdfText(options.runningHeader, 200);
    const draw = (): void => {
      const { x, y } = { x: doc.x, y: doc.y };
      doc.fontSize(8).fillColor('#000000');
      write(doc, header, MARGIN, 20, {
        width: doc.page.width - 2 * MARGIN,
        align: 'center',
        lineBreak: false,
        weight: 'bold',
      });
      doc.x = x;
      doc.y = y;
    };
    draw();
    doc.on('pageAdded', draw);
  }
  return { doc, done };
}

/** Page numbers ("Page 2 of 3") on every page, then the document is ended. */
export function finish(doc: Doc, footer: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(7).fillColor('#555555');
    write(doc, `${pdfText(footer, 200)}  ·  Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 28, {
      width: doc.page.width - 2 * MARGIN,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
}

const contentWidth = (doc: Doc): number => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottomOf = (doc: Doc): number => doc.page.height - doc.page.margins.bottom - 14;

export function title(doc: Doc, text: string, subtitle?: string): void {
  doc.fontSize(15).fillColor('#000000');
  write(doc, pdfText(text, 300), doc.page.margins.left, doc.y, { width: contentWidth(doc), weight: 'bold' });
  if (subtitle !== undefined) {
    doc.fontSize(10);
    write(doc, pdfText(subtitle, 300), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  }
  doc.moveDown(0.6);
}

export function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 40);
  doc.moveDown(0.4).fontSize(11).fillColor('#000000');
  write(doc, pdfText(text, 300), doc.page.margins.left, doc.y, { width: contentWidth(doc), weight: 'bold' });
  doc.moveDown(0.2);
}

export function paragraph(
  doc: Doc,
  text: string,
  options: { readonly bold?: boolean; readonly size?: number } = {},
): void {
  doc.fontSize(options.size ?? BODY).fillColor('#000000');
  write(doc, pdfText(text), doc.page.margins.left, doc.y, {
    width: contentWidth(doc),
    weight: options.bold ? 'bold' : 'regular',
  });
  doc.moveDown(0.3);
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottomOf(doc)) doc.addPage();
}

export interface Column {
  readonly header: string;
  /** Share of the table's width. */
  readonly weight: number;
}

/** A two-column table of labels (shaded) and values: the providers' "Trainee details" boxes. */
export function detailsTable(doc: Doc, rows: readonly (readonly [string, string])[], labelWeight = 0.3): void {
  grid(
    doc,
    [
      { header: '', weight: labelWeight },
      { header: '', weight: 1 - labelWeight },
    ],
    rows,
    { headerRow: false, shadeFirstColumn: true },
  );
}

/**
 * A bordered table. Rows grow to fit their text; a row that does not fit what is left of the
 * page moves to the next one under a repeated header; a row taller than a whole page is split
 * into continuation rows, so long text always wraps and paginates.
 */
export function grid(
  doc: Doc,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  options: { readonly headerRow?: boolean; readonly shadeFirstColumn?: boolean; readonly caption?: string } = {},
): void {
  const left = doc.page.margins.left;
  const total = columns.reduce((sum, c) => sum + c.weight, 0);
  const widths = columns.map((c) => (contentWidth(doc) * c.weight) / total);
  const showHeader = options.headerRow ?? true;
  const headers = columns.map((c) => pdfText(c.header, 300));
  const fullPage = bottomOf(doc) - doc.page.margins.top - 60;

  const heightOf = (cells: readonly string[], bold: boolean): number => {
    useFont(doc, bold ? 'bold' : 'regular').fontSize(BODY);
    return Math.max(
      14,
      ...cells.map(
        (text, i) => doc.heightOfString(text === '' ? ' ' : text, { width: (widths[i] ?? 20) - 2 * PAD }) + 2 * PAD,
      ),
    );
  };

  const drawRow = (cells: readonly string[], kind: 'header' | 'body'): void => {
    const height = heightOf(cells, kind === 'header');
    let x = left;
    const y = doc.y;
    cells.forEach((text, i) => {
      const w = widths[i] ?? 20;
      const shaded = kind === 'header' || (i === 0 && options.shadeFirstColumn === true);
      if (shaded) doc.rect(x, y, w, height).fillColor(HEADER_FILL).fill();
      doc.rect(x, y, w, height).lineWidth(0.6).strokeColor(BORDER).stroke();
      doc.fontSize(BODY).fillColor('#000000');
      write(doc, text, x + PAD, y + PAD, {
        width: w - 2 * PAD,
        weight: kind === 'header' || shaded ? 'bold' : 'regular',
      });
      x += w;
    });
    doc.x = left;
    doc.y = y + height;
  };

  const header = (): void => {
    if (showHeader) drawRow(headers, 'header');
  };

  if (options.caption !== undefined) heading(doc, options.caption);
  ensureSpace(doc, (showHeader ? heightOf(headers, true) : 0) + 20);
  header();
  for (const raw of rows) {
    const cells = columns.map((_, i) => pdfText(raw[i] ?? ''));
    for (const piece of splitRow(doc, cells, widths, fullPage)) {
      const height = heightOf(piece, false);
      if (doc.y + height > bottomOf(doc)) {
        doc.addPage();
        header();
      }
      drawRow(piece, 'body');
    }
  }
  doc.moveDown(0.5);
}

/** A row taller than `maxHeight` becomes several, each cell's text cut at word boundaries. */
function splitRow(doc: Doc, cells: readonly string[], widths: readonly number[], maxHeight: number): string[][] {
  useFont(doc, 'regular').fontSize(BODY);
  const fits = (text: string, i: number): boolean =>
    doc.heightOfString(text === '' ? ' ' : text, { width: (widths[i] ?? 20) - 2 * PAD }) + 2 * PAD <= maxHeight;
  if (cells.every((text, i) => fits(text, i))) return [[...cells]];
  const chunks = cells.map((text, i) => chunkText(text, (t) => fits(t, i)));
  const count = Math.max(...chunks.map((c) => c.length));
  return Array.from({ length: count }, (_, row) =>
    chunks.map((c, i) => c[row] ?? (i === 0 && row > 0 ? '(continued)' : '')),
  );
}

function chunkText(text: string, fits: (t: string) => boolean): string[] {
  // Every piece fits alone: words, and any "word" longer than a page cut by characters.
  const words = text.split(/(?<=\s)/).flatMap((w) => (fits(w) ? [w] : cutByCharacters(w, fits)));
  const out: string[] = [];
  let start = 0;
  while (start < words.length) {
    // The longest run of words from `start` that fits: a binary search keeps long texts fast.
    let lo = start + 1;
    let hi = words.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(words.slice(start, mid).join(''))) lo = mid;
      else hi = mid - 1;
    }
    out.push(words.slice(start, lo).join(''));
    start = lo;
  }
  return out;
}

function cutByCharacters(word: string, fits: (t: string) => boolean): string[] {
  const out: string[] = [];
  let rest = word;
  while (rest !== '') {
    let lo = 1;
    let hi = rest.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(rest.slice(0, mid))) lo = mid;
      else hi = mid - 1;
    }
    out.push(rest.slice(0, lo));
    rest = rest.slice(lo);
  }
  return out;
}
