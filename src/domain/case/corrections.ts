import { parseCaseEvent, type CaseEvent, type CaseEventType } from './events.js';

/**
 * Correcting recorded free texts (the right to rectification). The trail stays append-only: a
 * `text_corrected` event names the event and field that recorded a text and gives the new
 * wording, and the trail is read with every correction applied to the events it names, so the
 * corrected wording is what every view, form, card and export is built from.
 */

const PLAN_TEXTS = [
  'concernStatement',
  'concerns.*.text',
  'targets.*.text',
  'targets.*.actions.*.text',
  'targets.*.successCriteria',
  'targets.*.timescale',
  'targets.*.supportRequired',
  'targets.*.monitoring',
  'trainingNeeds',
  'supportMeasures.*',
].map((path) => `content.${path}`);

/** The free texts people write, by event type: only these can be corrected (`*` is a list position). */
const CORRECTABLE_TEXTS: Readonly<Partial<Record<CaseEventType, readonly string[]>>> = {
  case_opened: ['reinitiation.evidence'],
  plan_started: PLAN_TEXTS,
  plan_edited: PLAN_TEXTS,
  trainee_perceptions_recorded: ['text'],
  review_recorded: ['evidence', 'notes', 'nextSteps', 'progress.*.comment'],
  review_date_extended: ['reason'],
  case_escalated: ['reason'],
  panel_convened: ['evidence.*'],
  panel_met: ['rationale'],
  task_completed: ['note'],
  placement_suspended: ['reason'],
  case_closed: ['reason'],
  case_reopened: ['reason'],
  milestone_done: ['note'],
  person_changed: ['reason'],
  placement_changed: ['reason'],
  meeting_recorded: ['notes'],
  appeal_lodged: ['grounds'],
  appeal_decided: ['reasons'],
};

/** A field path as the wire gives it: names and list positions joined by dots ("progress.0.comment"). */
export const FIELD_PATH_PATTERN = /^[A-Za-z]+(\.([A-Za-z]+|\d{1,3}))*$/;

/** Whether `field` names one of the correctable texts of an event of this type. */
export function isCorrectableField(type: CaseEventType, field: string): boolean {
  if (!FIELD_PATH_PATTERN.test(field)) return false;
  const parts = field.split('.');
  return (CORRECTABLE_TEXTS[type] ?? []).some((pattern) => {
    const want = pattern.split('.');
    return (
      want.length === parts.length && want.every((w, i) => (w === '*' ? /^\d+$/.test(parts[i] ?? '') : w === parts[i]))
    );
  });
}

/**
 * Every correctable text an event of this type holds, with its field path ("content.concerns.0.text"),
 * in the order the patterns above list them: what a form offers to correct. Any event type that
 * records no free text answers none.
 */
export function correctableTextsIn(type: string, data: unknown): { readonly field: string; readonly text: string }[] {
  const patterns = Object.hasOwn(CORRECTABLE_TEXTS, type) ? (CORRECTABLE_TEXTS[type as CaseEventType] ?? []) : [];
  const out: { field: string; text: string }[] = [];
  const walk = (value: unknown, want: readonly string[], path: readonly string[]): void => {
    const [head, ...rest] = want;
    if (head === undefined) {
      if (typeof value === 'string' && value.trim() !== '') out.push({ field: path.join('.'), text: value });
      return;
    }
    if (head === '*') {
      if (Array.isArray(value))
        (value as readonly unknown[]).forEach((item, i) => {
          walk(item, rest, [...path, String(i)]);
        });
      return;
    }
    if (isRecord(value) && Object.hasOwn(value, head)) walk(value[head], rest, [...path, head]);
  };
  for (const pattern of patterns) walk(data, pattern.split('.'), []);
  return out;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text at `field` in an event's data; undefined when there is none there. */
export function textAt(event: CaseEvent, field: string): string | undefined {
  let at: unknown = event.data;
  for (const part of field.split('.')) {
    if (Array.isArray(at)) at = /^\d+$/.test(part) ? (at as readonly unknown[])[Number(part)] : undefined;
    else if (isRecord(at)) at = Object.hasOwn(at, part) ? at[part] : undefined;
    else return undefined;
  }
  return typeof at === 'string' ? at : undefined;
}

function withTextAt(value: unknown, parts: readonly string[], text: string): unknown {
  const [head, ...rest] = parts;
  if (head === undefined) return text;
  if (Array.isArray(value)) {
    const index = Number(head);
    return value.map((item: unknown, i) => (i === index ? withTextAt(item, rest, text) : item));
  }
  if (isRecord(value) && Object.hasOwn(value, head)) return { ...value, [head]: withTextAt(value[head], rest, text) };
  return value;
}

/**
 * The event with the text at `field` replaced, checked against the event's schema (so a text
 * longer than the field allows is refused here). Unchanged when the field holds no text.
 */
export function withCorrectedText(event: CaseEvent, field: string, text: string): CaseEvent {
  if (textAt(event, field) === undefined || textAt(event, field) === text) return event;
  return parseCaseEvent({ ...event, data: withTextAt(event.data, field.split('.'), text) });
}

/**
 * The trail as it is read: each `text_corrected` applied to the events it names. Applying it to
 * an event whose stored row already holds the new wording (rewritten for an inaccuracy) changes
 * nothing, so this is the same before and after the rewrite.
 */
export function correctTrail(events: readonly CaseEvent[]): CaseEvent[] {
  const corrections = events.filter((e) => e.type === 'text_corrected');
  if (corrections.length === 0) return [...events];
  const bySeq = new Map(events.map((e) => [e.seq, e] as const));
  for (const correction of corrections) {
    for (const seq of correction.data.seqs) {
      const target = bySeq.get(seq);
      if (target === undefined || target.seq >= correction.seq) continue;
      bySeq.set(seq, withCorrectedText(target, correction.data.field, correction.data.text));
    }
  }
  return events.map((e) => bySeq.get(e.seq) ?? e);
}
