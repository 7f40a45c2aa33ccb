import { z } from 'zod';
import { londonInstantAt, localDateSchema, type LocalDate } from '../domain/calendar/index.js';
import {
  CASE_STATUSES,
  CLOSE_RESOLUTIONS,
  parseCaseEvent,
  type CaseEvent,
  type CaseState,
} from '../domain/case/index.js';
import { CaseDataError, summarise, type CaseSummary } from '../domain/ports.js';
import type { FieldValues } from './graph/items.js';
import type { EventRow } from './lists.js';

/**
 * Mapping between domain values and list rows. Rows are parsed with zod at this boundary: a
 * row someone edited by hand into a bad state becomes a CaseDataError naming the case.
 */

export type RoleSide = 'trainee' | 'school' | 'provider';
/** Which side a role is on in a procedure (from its definition). */
export type RoleSides = (procedureId: string, roleId: string) => RoleSide | undefined;

const summarySchema = z.strictObject({
  id: z.string(),
  reference: z.string(),
  procedureId: z.string(),
  stageId: z.string(),
  status: z.enum(CASE_STATUSES),
  paused: z.boolean(),
  programme: z.string(),
  school: z.string(),
  traineeId: z.string(),
  traineeName: z.string(),
  people: z.array(z.strictObject({ role: z.string(), id: z.string(), name: z.string() })),
  reasons: z.array(z.string()),
  openedOn: localDateSchema,
  nextReviewDate: localDateSchema.optional(),
  awaitingSignatures: z.boolean(),
  closedOn: localDateSchema.optional(),
  resolution: z.enum(CLOSE_RESOLUTIONS).optional(),
  outcomeId: z.string().optional(),
  version: z.number().int().min(1),
  updatedAt: z.string(),
});

export function parseSummary(caseId: string, json: string | undefined): CaseSummary {
  if (json === undefined) throw new CaseDataError(caseId, 'the case row has no summary');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CaseDataError(caseId, 'the case row summary is not valid JSON');
  }
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CaseDataError(
      caseId,
      `the case row summary is damaged at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  if (parsed.data.id !== caseId)
    throw new CaseDataError(caseId, `the case row summary belongs to case ${parsed.data.id}`);
  const d = parsed.data;
  return {
    ...d,
    nextReviewDate: d.nextReviewDate,
    closedOn: d.closedOn,
    resolution: d.resolution,
    outcomeId: d.outcomeId,
  };
}

/** A date-only column holds the site's local midnight; Europe/London is the site zone. */
export function dateOnlyValue(date: LocalDate | undefined): string | null {
  return date === undefined ? null : londonInstantAt(date, 0, 0).toISOString();
}

export function caseRowFields(state: CaseState, sides: RoleSides): FieldValues {
  const summary = summarise(
    state,
    state.people.filter((p) => sides(state.procedureId, p.role) === 'trainee').map((p) => p.role),
  );
  const firstOn = (side: RoleSide): string | null =>
    state.people.find((p) => sides(state.procedureId, p.role) === side)?.id ?? null;
  return {
    Title: state.reference,
    CaseId: state.id,
    Reference: state.reference,
    ProcedureId: state.procedureId,
    StageId: state.stageId,
    Status: state.status,
    Programme: state.placement.programme,
    TraineeId: summary.traineeId,
    TraineeName: summary.traineeName,
    MentorId: firstOn('school'),
    TutorId: firstOn('provider'),
    School: state.placement.school,
    NextReviewDate: dateOnlyValue(summary.nextReviewDate),
    OpenedOn: dateOnlyValue(state.openedOn),
    ClosedOn: dateOnlyValue(summary.closedOn),
    Paused: summary.paused,
    CaseVersion: state.version,
    Summary: JSON.stringify(summary),
  };
}

export const eventKey = (caseId: string, seq: number): string => `${caseId}:${seq}`;

export function eventRowFields(event: CaseEvent): FieldValues {
  return {
    Title: `${event.type} #${event.seq}`,
    EventKey: eventKey(event.caseId, event.seq),
    CaseId: event.caseId,
    Seq: event.seq,
    EventType: event.type,
    OccurredAt: event.at,
    ActorId: event.actorId,
    // The instant goes in the JSON too: a dateTime column keeps whole seconds only.
    EventData: JSON.stringify({ at: event.at, on: event.on, data: event.data }),
  };
}

const storedEventDataSchema = z.object({ at: z.string(), on: z.string(), data: z.unknown() });

export function parseEventRow(row: EventRow): CaseEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(row.EventData);
  } catch {
    throw new CaseDataError(row.CaseId, `event ${row.Seq} is not valid JSON`);
  }
  const stored = storedEventDataSchema.safeParse(payload);
  if (!stored.success) throw new CaseDataError(row.CaseId, `event ${row.Seq} has no data`);
  try {
    return parseCaseEvent({
      caseId: row.CaseId,
      seq: row.Seq,
      at: stored.data.at,
      on: stored.data.on,
      actorId: row.ActorId ?? '',
      type: row.EventType,
      data: stored.data.data,
    });
  } catch (error) {
    const detail =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : String(error);
    throw new CaseDataError(row.CaseId, `event ${row.Seq} (${row.EventType}) is damaged: ${detail}`);
  }
}

/** The projection rows an event adds (keyed, so writing them twice is harmless). */
export function projectionRows(
  event: CaseEvent,
  state: CaseState,
): { list: 'people' | 'targets' | 'reviews' | 'signatures'; fields: FieldValues }[] {
  switch (event.type) {
    case 'case_opened':
      return event.data.people.map((p) => ({
        list: 'people' as const,
        fields: {
          Title: p.name,
          MembershipKey: `${event.caseId}|${p.role}|${p.id}`,
          CaseId: event.caseId,
          PersonId: p.id,
          Role: p.role,
          PersonName: p.name,
        },
      }));
    case 'plan_signed':
      return [
        {
          list: 'signatures',
          fields: {
            Title: event.data.typedName,
            SignatureKey: `${event.caseId}:${event.data.version}:${event.data.role}:${event.data.personId}`,
            CaseId: event.caseId,
            PlanVersion: event.data.version,
            Role: event.data.role,
            PersonId: event.data.personId,
            TypedName: event.data.typedName,
            SignedAt: event.at,
          },
        },
      ];
    case 'plan_agreed': {
      const plan = [state.plan, ...state.previousPlans].find((p) => p?.version === event.data.version);
      return (plan?.content.targets ?? []).map((t) => ({
        list: 'targets' as const,
        fields: {
          Title: t.text.slice(0, 255),
          TargetKey: `${event.caseId}:${event.data.version}:${t.id}`,
          CaseId: event.caseId,
          PlanVersion: event.data.version,
          TargetId: t.id,
          TargetText: t.text,
          Standards: t.links
            .map((l) => l.code)
            .join(', ')
            .slice(0, 255),
          AgreedOn: dateOnlyValue(event.on),
          ReviewDate: dateOnlyValue(event.data.reviewDate),
        },
      }));
    }
    case 'review_recorded':
      return [
        {
          list: 'reviews',
          fields: {
            Title: `${event.data.reviewId} ${event.data.outcomeId}`,
            ReviewKey: `${event.caseId}:${event.data.reviewId}`,
            CaseId: event.caseId,
            StageId: event.data.stageId,
            ReviewedOn: dateOnlyValue(event.data.reviewedOn),
            OutcomeId: event.data.outcomeId,
            Progress: JSON.stringify(event.data.progress),
            Evidence: event.data.evidence ?? '',
          },
        },
      ];
    case 'person_changed': {
      const added = event.data.added;
      return added === undefined
        ? []
        : [
            {
              list: 'people' as const,
              fields: {
                Title: added.name,
                MembershipKey: `${event.caseId}|${added.role}|${added.id}`,
                CaseId: event.caseId,
                PersonId: added.id,
                Role: added.role,
                PersonName: added.name,
              },
            },
          ];
    }
    case 'stage_entered':
    case 'plan_started':
    case 'plan_edited':
    case 'signatures_withdrawn':
    case 'trainee_perceptions_recorded':
    case 'review_date_extended':
    case 'case_escalated':
    case 'case_paused':
    case 'case_resumed':
    case 'panel_convened':
    case 'panel_met':
    case 'task_completed':
    case 'stage_start_set':
    case 'placement_suspended':
    case 'notice_acknowledged':
    case 'case_closed':
    case 'case_reopened':
    case 'milestone_done':
    case 'placement_changed':
    case 'meeting_recorded':
    case 'review_meeting_scheduled':
    case 'procedure_version_changed':
    case 'linked_case_decided':
    case 'fee_waived':
    case 'appeal_lodged':
    case 'appeal_decided':
    case 'text_corrected':
      // A correction adds no rows: the rectification step rewrites those copied from the events it corrects.
      return [];
  }
}

/** Role sides from procedure definitions (the roles' `side`). */
export function roleSidesOf(
  procedures: readonly {
    readonly id: string;
    readonly roles: readonly { readonly id: string; readonly side: RoleSide }[];
  }[],
): RoleSides {
  const sides = new Map(procedures.flatMap((p) => p.roles.map((r) => [`${p.id}|${r.id}`, r.side] as const)));
  return (procedureId, roleId) => sides.get(`${procedureId}|${roleId}`);
}
