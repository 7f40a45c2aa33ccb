import { correctableTextsIn } from '../../../domain/case/corrections';
import { CORRECTION_REASONS, type CorrectionReason } from '../../../domain/case/types';
import type { CaseEvent, Tombstone } from '../../api/types';
import { formatDate } from '../../shared/format';

/**
 * The course team's correction form and the administrator's erasure, as rules: which recorded
 * texts a case offers to correct (from its event trail, as the course team reads it), what is
 * wrong with a draft in a plain sentence, and what an erasure leaves behind. The server decides;
 * these only keep a person from sending what it would refuse.
 */

export { CORRECTION_REASONS, type CorrectionReason };

/** One recorded free text on the case, as the correction form offers it. */
interface CorrectableText {
  /** Stable per event and field: what the form's choice holds. */
  readonly key: string;
  /** The event that recorded it (for a plan, the first save of that version holding this wording). */
  readonly eventSeq: number;
  readonly field: string;
  /** The wording as recorded now (earlier corrections applied). */
  readonly text: string;
  /** Where it is, in words: "Plan version 1: concern 1", "Review of 3 Dec 2026: comment on target T1". */
  readonly label: string;
}

export const REASON_LABELS: Readonly<Record<CorrectionReason, { readonly title: string; readonly effect: string }>> = {
  inaccurate: { title: 'Inaccurate', effect: 'The text is wrong. The old wording is removed from storage.' },
  incomplete: {
    title: 'Incomplete',
    effect:
      'The text is right as far as it goes. The fuller text is shown everywhere; the earlier wording stays in the record.',
  },
  excessive: {
    title: 'More than the record needs',
    effect: 'It holds personal data the record does not need (a health detail, a name). The old wording is removed.',
  },
};

const MAX_TEXT = 8000;
const MAX_EXPLANATION = 2000;
const MAX_ERASE_REASON = 500;

const PLAN_EVENTS = new Set(['plan_started', 'plan_edited']);

const nth = (part: string | undefined): string => String(Number(part ?? '0') + 1);

/** A plan field in words: "concern 1", "target 2, action 1", "the training needs". */
function planFieldLabel(field: string): string {
  const parts = field.split('.').slice(1);
  const [head, index, sub, subIndex] = parts;
  switch (head) {
    case 'concernStatement':
      return 'the concern statement';
    case 'concerns':
      return `concern ${nth(index)}`;
    case 'trainingNeeds':
      return 'the training needs';
    case 'supportMeasures':
      return `support measure ${nth(index)}`;
    case 'targets': {
      const target = `target ${nth(index)}`;
      if (sub === 'text') return target;
      if (sub === 'actions') return `${target}, action ${nth(subIndex)}`;
      if (sub === 'successCriteria') return `${target}, success criteria`;
      if (sub === 'supportRequired') return `${target}, support required`;
      return `${target}, ${sub ?? 'text'}`;
    }
    case undefined:
    default:
      return field;
  }
}

function humanise(type: string): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function eventFieldLabel(event: CaseEvent, field: string): string {
  const on = formatDate(event.on);
  switch (event.type) {
    case 'trainee_perceptions_recorded':
      return `The trainee’s perceptions (${on})`;
    case 'meeting_recorded':
      return `Meeting notes (${on})`;
    case 'review_recorded': {
      const [head, index] = field.split('.');
      if (head === 'progress') {
        const progress = event.data.progress;
        const row = Array.isArray(progress) ? (progress as readonly unknown[])[Number(index)] : undefined;
        const targetId =
          typeof row === 'object' && row !== null && 'targetId' in row && typeof row.targetId === 'string'
            ? row.targetId
            : `target ${nth(index)}`;
        return `Review of ${on}: comment on ${targetId}`;
      }
      return `Review of ${on}: ${head === 'nextSteps' ? 'next steps' : (head ?? field)}`;
    }
    case 'case_opened':
      return `Evidence for the second initiation (${on})`;
    case 'panel_convened':
      return `Panel evidence ${nth(field.split('.')[1])} (${on})`;
    case 'panel_met':
      return `Panel rationale (${on})`;
    case 'task_completed':
      return `Task note (${on})`;
    default:
      return `${humanise(event.type)} (${on}): the reason`;
  }
}

/**
 * The texts the correction form offers, in the trail's order. A plan's content is repeated in
 * every save of the same version: each wording its latest save holds is offered once, named by
 * the first save that recorded it (the server then corrects that save and the later ones).
 */
export function correctableTexts(events: readonly CaseEvent[]): CorrectableText[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const latestPlanSave = new Map<number, number>();
  for (const event of sorted) {
    const version = event.data.version;
    if (PLAN_EVENTS.has(event.type) && typeof version === 'number') latestPlanSave.set(version, event.seq);
  }
  const out: CorrectableText[] = [];
  for (const event of sorted) {
    if (PLAN_EVENTS.has(event.type)) {
      const version = event.data.version;
      if (typeof version !== 'number' || latestPlanSave.get(version) !== event.seq) continue;
      const sameVersion = sorted.filter((e) => PLAN_EVENTS.has(e.type) && e.data.version === version);
      for (const { field, text } of correctableTextsIn(event.type, event.data)) {
        const first =
          sameVersion.find((e) => correctableTextsIn(e.type, e.data).some((t) => t.field === field && t.text === text))
            ?.seq ?? event.seq;
        out.push({
          key: `${String(first)}:${field}`,
          eventSeq: first,
          field,
          text,
          label: `Plan version ${String(version)}: ${planFieldLabel(field)}`,
        });
      }
      continue;
    }
    for (const { field, text } of correctableTextsIn(event.type, event.data)) {
      out.push({
        key: `${String(event.seq)}:${field}`,
        eventSeq: event.seq,
        field,
        text,
        label: eventFieldLabel(event, field),
      });
    }
  }
  return out;
}

export interface CorrectionDraft {
  readonly key: string;
  readonly text: string;
  readonly reason: CorrectionReason | '';
  readonly explanation: string;
}

/** The first thing that stops a correction being sent, in a sentence; undefined when it can go. */
export function correctionProblem(chosen: CorrectableText | undefined, draft: CorrectionDraft): string | undefined {
  if (chosen === undefined) return 'Choose the text to correct.';
  const text = draft.text.trim();
  if (text === '') return 'Type the corrected wording.';
  if (text === chosen.text.trim()) return 'The new wording is the same as the recorded one: change it first.';
  if (text.length > MAX_TEXT)
    return `The corrected wording can be at most ${MAX_TEXT.toLocaleString('en-GB')} characters.`;
  if (draft.reason === '') return 'Choose why the text is being corrected.';
  const explanation = draft.explanation.trim();
  if (explanation === '') return 'Explain the correction, for the record (the course team sees it).';
  if (explanation.length > MAX_EXPLANATION)
    return `The explanation can be at most ${MAX_EXPLANATION.toLocaleString('en-GB')} characters.`;
  return undefined;
}

/** POST /api/cases/{caseId}/corrections's body for a draft the problem check passed. */
export function correctionBody(
  chosen: CorrectableText,
  draft: CorrectionDraft,
): { eventSeq: number; field: string; text: string; reason: CorrectionReason | ''; explanation: string } {
  return {
    eventSeq: chosen.eventSeq,
    field: chosen.field,
    text: draft.text.trim(),
    reason: draft.reason,
    explanation: draft.explanation.trim(),
  };
}

/** What stops an erasure being sent: the case's reference typed exactly, and the request it answers. */
export function erasureProblem(reference: string, typed: string, reason: string): string | undefined {
  if (typed.trim() !== reference) return `Type the case reference, ${reference}, exactly, to confirm.`;
  const why = reason.trim();
  if (why === '') return 'Say which request this erasure answers: its reference, not the person’s name.';
  if (why.length > MAX_ERASE_REASON)
    return `The request can be described in at most ${String(MAX_ERASE_REASON)} characters.`;
  return undefined;
}

/** The sentence shown where an erased case was: what went, and what the tombstone keeps. */
export function tombstoneSentence(reference: string, tombstone: Tombstone): string {
  const closed = tombstone.closedOn === undefined ? '' : `, closed ${formatDate(tombstone.closedOn)}`;
  return (
    `Case ${reference} was erased on ${formatDate(tombstone.removedOn)}: its record, event trail, people, ` +
    `plan and review rows, notifications and review meetings are deleted. A tombstone keeps only that a case ` +
    `existed (${tombstone.programme}, opened ${formatDate(tombstone.openedOn)}${closed}) and the request it ` +
    `answered, so reports stay explainable. Emails and Teams messages already sent are not recalled.`
  );
}
