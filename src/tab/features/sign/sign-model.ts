import type { CaseView } from '../../api/types';
import { roleLabel } from '../../shared/case-people';
import { formatDate } from '../../shared/format';

/** The statement a signatory agrees to, in the provider's words for the roles and stage. */
export function signStatement(view: CaseView, roleLabel: string): string {
  const plan = view.plan;
  const targets = plan?.content.targets.length ?? 0;
  const review =
    plan?.content.reviewDate === undefined ? 'on the date the plan gives' : `on ${formatDate(plan.content.reviewDate)}`;
  const trainee = view.people.find((p) => p.role === 'trainee')?.name ?? 'the trainee';
  return `As ${roleLabel}, I have read this ${view.procedure.name} plan for ${trainee} at ${view.stage.title}. I agree to the ${targets} ${targets === 1 ? 'target' : 'targets'} and the actions set out for me, and that progress will be reviewed ${review}.`;
}

/** Typed signatures are the signer's full name; the server compares it with the name it holds. */
export function signatureProblem(typed: string, expectedName: string): string | undefined {
  const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
  if (norm(typed) === '') return 'Type your full name to sign.';
  if (norm(typed) !== norm(expectedName)) return `Type your full name as Trellis has it: ${expectedName}.`;
  return undefined;
}

/** The roles the signed-in person can still sign the plan in (usually one). */
export function signableRoles(view: CaseView, upn: string): { readonly id: string; readonly label: string }[] {
  if (!view.plan || view.plan.agreedOn !== undefined || view.status === 'closed') return [];
  const me = upn.toLowerCase();
  const roles = new Map<string, string>();
  for (const o of view.derived.outstandingSignatories) {
    for (const p of o.people) if (p.id.toLowerCase() === me) roles.set(p.role, roleLabel(view, p.role));
  }
  return [...roles.entries()].map(([id, label]) => ({ id, label }));
}
