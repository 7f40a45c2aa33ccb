import type { NextStep } from '../api/types';
import { formatDate } from './format';

/**
 * How a case's next step reads, on the home's "What you need to do" and at the top of the case
 * page: by when, and from whom (you, named people, the course team).
 */

export function stepWhen(step: Pick<NextStep, 'kind' | 'by' | 'overdue'>): string | undefined {
  if (step.by === undefined) return undefined;
  if (step.overdue) return `Overdue: due ${formatDate(step.by)}`;
  return step.kind === 'meeting' ? `On ${formatDate(step.by)}` : `By ${formatDate(step.by)}`;
}

/** A meeting is each person's ("and"); anything else is for whichever of them does it ("or"), you first. */
export function stepFrom(step: Pick<NextStep, 'kind' | 'from' | 'courseTeam'>, myUpn: string): string {
  const me = myUpn.toLowerCase();
  const mine = step.from.some((p) => p.id.toLowerCase() === me);
  const names = [
    ...(mine ? ['you'] : []),
    ...step.from.filter((p) => p.id.toLowerCase() !== me).map((p) => `${p.name} (${p.roleLabel})`),
  ];
  if (step.courseTeam) names.push('the course team');
  if (names.length === 0) return 'the course team';
  const joiner = step.kind === 'meeting' ? 'and' : 'or';
  return names.length === 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${joiner} ${names.at(-1) ?? ''}`;
}

export function isMine(step: Pick<NextStep, 'from'>, myUpn: string): boolean {
  const me = myUpn.toLowerCase();
  return step.from.some((p) => p.id.toLowerCase() === me);
}
