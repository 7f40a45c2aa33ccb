import type { CaseView } from '../../api/types';
import { formatDate, STATUS_LABELS } from '../format';

/**
 * "Someone else saved first": what is different between the case the person was looking at
 * and the case as it is now, in sentences, so they can decide whether to send their change again.
 */
export function changesBetween(before: CaseView, after: CaseView): string[] {
  const changes: string[] = [];
  if (before.status !== after.status)
    changes.push(`Status changed from “${STATUS_LABELS[before.status]}” to “${STATUS_LABELS[after.status]}”.`);
  if (before.stage.id !== after.stage.id)
    changes.push(`The case moved from ${before.stage.title} to ${after.stage.title}.`);
  const signedBefore = new Set((before.plan?.signatures ?? []).map((s) => `${s.role}|${s.personId}`));
  for (const s of after.plan?.signatures ?? []) {
    if (!signedBefore.has(`${s.role}|${s.personId}`)) changes.push(`${s.typedName} signed the plan.`);
  }
  if ((before.plan?.version ?? 0) !== (after.plan?.version ?? 0)) changes.push('A new plan was started.');
  if (
    before.plan?.content.reviewDate !== after.plan?.content.reviewDate &&
    before.plan?.version === after.plan?.version
  ) {
    changes.push(
      `The review date changed from ${formatDate(before.plan?.content.reviewDate)} to ${formatDate(after.plan?.content.reviewDate)}.`,
    );
  }
  if (
    JSON.stringify(before.plan?.content.targets ?? []) !== JSON.stringify(after.plan?.content.targets ?? []) &&
    before.plan?.version === after.plan?.version
  ) {
    changes.push('The targets were edited.');
  }
  if (before.plan?.perceptions?.text !== after.plan?.perceptions?.text)
    changes.push('The trainee’s perceptions were updated.');
  for (const review of after.reviews.slice(before.reviews.length))
    changes.push(`A review was recorded on ${formatDate(review.reviewedOn)}: ${review.outcomeLabel}.`);
  if (before.placementSuspended === undefined && after.placementSuspended !== undefined)
    changes.push(`The placement was suspended on ${formatDate(after.placementSuspended.on)}.`);
  if (before.stage.id === after.stage.id && before.stage.startsOn !== after.stage.startsOn)
    changes.push(`${after.stage.title} now starts on ${formatDate(after.stage.startsOn)}.`);
  if (before.closure === undefined && after.closure !== undefined) changes.push('The case was closed.');
  if (changes.length === 0)
    changes.push(
      `The case was updated (version ${before.version} → ${after.version}), but nothing shown on this page changed.`,
    );
  return changes;
}
