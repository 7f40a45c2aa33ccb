import type { Font } from 'fontkit';

/**
 * pdfkit registers a font already parsed by fontkit (anything with a `layout` method) as well as
 * a file's bytes; its published types list only the bytes. fonts.ts parses each face once per
 * process and every document registers the parsed face.
 */
declare global {
  namespace PDFKit.Mixins {
    interface PDFFont {
      registerFont(name: string, src: Font): this;
    }
  }
}
