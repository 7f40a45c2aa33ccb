import PDFDocument from 'pdfkit';
import { planRulesOf, roleLabel } from '../domain/case/command-kit.js';
import type { CaseState } from '../domain/case/types.js';
import type { Procedure } from '../domain/procedure/schema.js';

/**
 * The completed form as a PDF. First cut: one layout for every provider with the provider's own
 * form title, targets, actions, success criteria, the signature table (Full Name | Signature
 * (typed) | Date) and review outcomes. Provider-specific table layouts are still to do.
 */

export async function renderFormPdf(procedure: Procedure, state: CaseState, options: { readonly compress?: boolean } = {}): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress: options.compress ?? true, info: { Title: state.reference } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => { resolve(); }));
  const plan = state.plan;
  const title = plan ? planRulesOf(procedure, plan).title : procedure.name;
  doc.font('Helvetica-Bold').fontSize(16).text(`${procedure.provider.name}: ${title}`);
  if (procedure.confidential) doc.font('Helvetica-Bold').fontSize(10).text('CONFIDENTIAL');
  doc.moveDown(0.5).font('Helvetica').fontSize(10);
  const trainee = state.people.find((p) => p.role === 'trainee');
  doc.text(`Trainee: ${trainee?.name ?? ''}    Reference: ${state.reference}    School: ${state.placement.school}`);
  if (plan?.content.concernStatement) doc.moveDown().font('Helvetica-Bold').text('Statement of concern').font('Helvetica').text(plan.content.concernStatement);
  for (const [i, target] of (plan?.content.targets ?? []).entries()) {
    doc.moveDown().font('Helvetica-Bold').text(`Target ${i + 1}: ${target.text}`).font('Helvetica');
    if (target.links.length > 0) doc.text(`Linked to: ${target.links.map((l) => l.code).join(', ')}`);
    for (const action of target.actions) doc.text(`Action (${roleLabel(procedure, action.party)}): ${action.text}`);
    if (target.successCriteria) doc.text(`Success criteria: ${target.successCriteria}`);
  }
  if (plan?.content.reviewDate) doc.moveDown().text(`Review date: ${plan.content.reviewDate}`);
  doc.moveDown().font('Helvetica-Bold').text('Full Name | Signature (typed) | Date').font('Helvetica');
  for (const s of plan?.signatures ?? []) doc.text(`${roleLabel(procedure, s.role)}: ${s.typedName} | ${s.typedName} | ${s.signedOn}`);
  for (const review of state.reviews) {
    doc.moveDown().font('Helvetica-Bold').text(`Review ${review.reviewedOn}`).font('Helvetica').text(`Outcome: ${review.outcomeId}`);
  }
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
