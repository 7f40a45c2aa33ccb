import PDFDocument from 'pdfkit';

/**
 * A small layout kit over pdfkit for the provider forms: headings, label/value detail tables,
 * grid tables whose rows grow with their text and break across pages (the header row repeated),
 * and paragraphs. Every string passes through `pdfText` first: the standard PDF fonts know only
 * Windows-1252, so anything else is folded to its closest letter or a "?", never a crash.
 */

export type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 42;
const PAD = 4;
const BODY = 9;
const BORDER = '#444444';
const HEADER_FILL = '#e6e6e6';

/** Windows-1252 beyond Latin-1: what the standard fonts can show above 0x7E besides 0xA0–0xFF. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can draw: controls removed, accents folded, the rest "?"; bounded length. */
export function pdfText(value: string | undefined, max = 20_000): string {
  if (value === undefined) return '';
  let out = '';
  for (const ch of value.slice(0, max)) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n' || ch === '\t') out += ch === '\t' ? ' ' : '\n';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    else if (code <= 0xff || CP1252_EXTRA.has(ch)) out += ch;
    else {
      const folded = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += folded !== '' && Array.from(folded).every((c) => (c.codePointAt(0) ?? 0x100) <= 0xff) ? folded : '?';
    }
  }
  return out.replace(/\r\n?/g, '\n');
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
      doc
        .font('Helvetica-Bold')
        .fontSize(8)
        .fillColor('#000000')
        .text(header, MARGIN, 20, { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false });
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
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor('#555555')
      .text(`${pdfText(footer, 200)}  ·  Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 28, {
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
  doc
    .font('Helvetica-Bold')
    .fontSize(15)
    .fillColor('#000000')
    .text(pdfText(text, 300), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  if (subtitle !== undefined) doc.font('Helvetica').fontSize(10).text(pdfText(subtitle, 300));
  doc.moveDown(0.6);
}

export function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 40);
  doc
    .moveDown(0.4)
    .font('Helvetica-Bold')
    .fontSize(11)
    .fillColor('#000000')
    .text(pdfText(text, 300), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.2);
}

export function paragraph(
  doc: Doc,
  text: string,
  options: { readonly bold?: boolean; readonly size?: number } = {},
): void {
  doc
    .font(options.bold ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(options.size ?? BODY)
    .fillColor('#000000')
    .text(pdfText(text), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
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
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY);
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
      doc
        .font(kind === 'header' || shaded ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(BODY)
        .fillColor('#000000')
        .text(text, x + PAD, y + PAD, { width: w - 2 * PAD });
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
  doc.font('Helvetica').fontSize(BODY);
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
