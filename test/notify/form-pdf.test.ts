import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { midEssexEarlySupport as me } from '../../src/domain/procedures/index.js';
import { renderFormPdf } from '../../src/notify/form-pdf.js';
import { draftPlan, open, signAll } from './kit.js';

/** Text of an uncompressed pdfkit PDF: the hex strings inside TJ arrays, in order. */
function extractText(pdf: Uint8Array): string {
  const src = Buffer.from(pdf).toString('latin1');
  const out: string[] = [];
  for (const m of src.matchAll(/\[(.*?)\] TJ/g)) {
    const parts = [...(m[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1] ?? '', 'hex').toString('latin1'));
    out.push(parts.join(''));
  }
  return out.join('\n');
}

describe('form PDF', () => {
  it('the Mid-Essex Early Support Plan carries its targets and typed signatures', async () => {
    const c = open(me, ['trainee', 'course_tutor', 'director']);
    draftPlan(c, { reviewDate: parseLocalDate('2026-11-13') });
    signAll(c);
    const pdf = await renderFormPdf(me, c.state, { compress: false });
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const text = extractText(pdf);
    expect(text).toContain('Early Support Plan');
    expect(text).toContain('CONFIDENTIAL');
    expect(text).toContain('Target 1: establish routines');
    expect(text).toContain('Full Name | Signature (typed) | Date');
    expect(text).toContain('Course Tutor: Course Tutor');
  });
});
