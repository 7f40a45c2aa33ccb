import { londonDateOf, type LocalDate, type WorkingCalendar } from '../../domain/calendar/index.js';
import {
  calendarFor,
  currentReviewWindow,
  datedMilestones,
  nextReviewDate,
  outstandingSignatories,
  signingBlocker,
  type CaseEvent,
  type CaseState,
} from '../../domain/case/index.js';
import type { StoredCase } from '../../domain/ports.js';
import type { Outcome, OutcomeEffect, Procedure, Stage } from '../../domain/procedure/schema.js';
import type { CaseAccess } from '../access.js';
import { nextSteps, reviewerRolesOf } from './next-steps.js';

/**
 * What GET /api/cases/:id returns: the case as stored plus what a person needs to act on it
 * (stage title, who still signs, the review window and date, what each outcome does). The
 * trainee view leaves out what access.ts TRAINEE_VIEW_HIDES lists, the staff view what
 * STAFF_VIEW_HIDES lists (`redactFor` below).
 */

export type ViewAccess = Exclude<CaseAccess, 'none'>;

export function etagOf(state: Pick<CaseState, 'version'>): string {
  return `"v${state.version}"`;
}

const roleLabelIn = (procedure: Procedure, roleId: string): string =>
  procedure.roles.find((r) => r.id === roleId)?.label ?? roleId;
const stageTitleIn = (procedure: Procedure, stageId: string): string =>
  procedure.stages.find((s) => s.id === stageId)?.title ?? stageId;

export function describeEffect(procedure: Procedure, effect: OutcomeEffect): string {
  switch (effect.type) {
    case 'close':
      return `Closes the case (${effect.resolution}).`;
    case 'go_to_stage':
      return `Moves the case to ${stageTitleIn(procedure, effect.stage)}.`;
    case 'revise':
      return `New targets are agreed and signed, then reviewed at ${stageTitleIn(procedure, effect.reviewAt)}.`;
    case 'hand_off':
      return `Closes this case and hands it on to: ${effect.to}.`;
    case 'continue':
      return 'The case continues where it is.';
  }
}

function outcomeView(procedure: Procedure, outcome: Outcome) {
  return {
    id: outcome.id,
    label: outcome.label,
    explanation: outcome.explanation,
    effect: { type: outcome.effect.type, description: describeEffect(procedure, outcome.effect) },
    condition: outcome.condition,
    traineeNotice: outcome.traineeNotice,
  };
}

function availableActions(procedure: Procedure, state: CaseState, stage: Stage | undefined) {
  if (!stage || state.status === 'closed') return { outcomes: [], escalateTo: [], panels: [], tasks: [] };
  const visit = state.stageHistory.length - 1;
  return {
    outcomes: (stage.review?.outcomes ?? []).map((o) => outcomeView(procedure, o)),
    // Who may record the review: its reviewers (or, where it is agreed with the course team, those who
    // speak for it) and anyone an outcome names as deciding it (Bright Futures' Lead).
    reviewers: reviewerRolesOf(stage).map((id) => ({ id, label: roleLabelIn(procedure, id) })),
    escalateTo: stage.escalateTo.map((id) => ({ id, title: stageTitleIn(procedure, id) })),
    panels: procedure.panels
      .filter(
        (p) =>
          stage.panel === p.id ||
          (stage.panel === undefined && (p.availableAt.length === 0 || p.availableAt.includes(stage.id))),
      )
      .map((p) => ({
        id: p.id,
        title: p.title,
        maxMembers: p.maxMembers,
        quorum: p.quorum,
        decisions: p.decisions.map((d) => outcomeView(procedure, d)),
      })),
    tasks: stage.tasks.map((t) => ({
      id: t.id,
      label: t.label,
      done: state.tasksDone.some((d) => d.stageId === stage.id && d.taskId === t.id && d.visit === visit),
    })),
  };
}

/**
 * Who a rendering of a case is for. The API's views are the access levels (access.ts): `full`
 * (course team, admin, the course mailbox), `staff` (named on the case, not course team: no
 * health details, `STAFF_VIEW_HIDES`) and `trainee` (no deliberations or review notes,
 * `TRAINEE_VIEW_HIDES`). `shared` is for a card that may be passed into any chat (search
 * results, the case summary card): it hides what both of those hide.
 */
export type CaseAudience = ViewAccess | 'shared';

const hidesFromTrainee = (audience: CaseAudience): boolean => audience === 'trainee' || audience === 'shared';
const hidesHealth = (audience: CaseAudience): boolean => audience === 'staff' || audience === 'shared';

/**
 * The trainee view of the state: deliberations and internal notes removed, and the evidence
 * written for a second initiation (free text given with a ground such as long-term illness:
 * what a medical certificate says) kept for the course team alone. The ground itself is shown.
 */
export function traineeState(state: CaseState): CaseState {
  return {
    ...state,
    reinitiation: state.reinitiation === undefined ? undefined : { ...state.reinitiation, evidence: undefined },
    reviews: state.reviews.map(({ notes: _notes, ...review }) => ({ ...review, notes: undefined })),
    meetings: state.meetings.map(({ notes: _notes, ...meeting }) => ({ ...meeting, notes: undefined })),
    panels: state.panels.map((panel) => ({
      ...panel,
      members: [],
      evidence: [],
      chair: undefined,
      meetings: panel.meetings.map((m) => ({
        heldOn: m.heldOn,
        attendees: [],
        decisionId: m.decisionId,
        rationale: undefined,
      })),
    })),
  };
}

/** The staff view of the state: why the case is paused and the ground of a second initiation removed. */
export function staffState(state: CaseState): CaseState {
  return {
    ...state,
    paused: state.paused === undefined ? undefined : { since: state.paused.since, reason: undefined },
    reinitiation: undefined,
  };
}

/**
 * THE redaction of a case for whoever it is shown or sent to: the API's views, the form (HTML and
 * PDF) and the cards built for a person or for sharing all come from this, so a rule added here
 * holds everywhere. Notifications choose theirs with `recipientAudience` (src/notify/audience.ts).
 */
export function redactFor(state: CaseState, audience: CaseAudience): CaseState {
  const forTrainee = hidesFromTrainee(audience) ? traineeState(state) : state;
  return hidesHealth(audience) ? staffState(forTrainee) : forTrainee;
}

/** The API's view of the state for an access level (the same as `redactFor`). */
export function stateFor(state: CaseState, access: ViewAccess): CaseState {
  return redactFor(state, access);
}

/** An event as a view shows it: the same envelope, its data with what the audience may not see removed. */
export type CaseEventView = Omit<CaseEvent, 'data'> & { readonly data: Readonly<Record<string, unknown>> };

/** Events in a view: the same redactions as the state. */
export function eventsFor(events: readonly CaseEvent[], audience: CaseAudience): CaseEventView[] {
  if (audience === 'full') return [...events];
  const trainee = hidesFromTrainee(audience);
  const health = hidesHealth(audience);
  return events.map((event): CaseEventView => {
    switch (event.type) {
      case 'review_recorded': {
        if (!trainee) return event;
        const { notes: _notes, ...data } = event.data;
        return { ...event, data };
      }
      case 'meeting_recorded': {
        const { notes: _notes, ...data } = event.data;
        return { ...event, data };
      }
      case 'panel_convened':
        return trainee ? { ...event, data: { ...event.data, members: [], evidence: [] } } : event;
      case 'panel_met': {
        if (!trainee) return event;
        const { rationale: _rationale, chair: _chair, ...data } = event.data;
        return { ...event, data: { ...data, attendees: [] } };
      }
      case 'case_opened': {
        if (health) {
          const { reinitiation: _reinitiation, ...data } = event.data;
          return { ...event, data };
        }
        if (!trainee || event.data.reinitiation === undefined) return event;
        return { ...event, data: { ...event.data, reinitiation: { groundId: event.data.reinitiation.groundId } } };
      }
      case 'text_corrected': {
        // The new wording shows in the event it corrects, where the audience may see that field;
        // the explanation can describe what was wrong, so it is the course team's alone.
        const { text: _text, explanation: _explanation, ...data } = event.data;
        return { ...event, data };
      }
      case 'case_paused': {
        if (!health) return event;
        const { reason: _reason, ...data } = event.data;
        return { ...event, data };
      }
      case 'stage_entered':
      case 'plan_started':
      case 'plan_edited':
      case 'signatures_withdrawn':
      case 'trainee_perceptions_recorded':
      case 'plan_signed':
      case 'plan_agreed':
      case 'review_date_extended':
      case 'case_escalated':
      case 'case_resumed':
      case 'task_completed':
      case 'stage_start_set':
      case 'placement_suspended':
      case 'notice_acknowledged':
      case 'case_closed':
      case 'person_changed':
      case 'placement_changed':
      case 'review_meeting_scheduled':
        return event;
    }
  });
}

export function caseView(
  stored: StoredCase,
  procedure: Procedure,
  now: Date,
  access: ViewAccess,
  calendar: WorkingCalendar = calendarFor(procedure),
) {
  const state = stateFor(stored.state, access);
  const today: LocalDate = londonDateOf(now);
  const stage = procedure.stages.find((s) => s.id === state.stageId);
  const window = state.status === 'closed' ? undefined : currentReviewWindow(procedure, state, calendar, today);
  const next = nextReviewDate(state);
  return {
    view: access,
    id: state.id,
    reference: state.reference,
    version: state.version,
    procedure: {
      id: procedure.id,
      name: procedure.name,
      provider: procedure.provider,
      confidential: procedure.confidential,
    },
    status: state.status,
    paused: state.paused,
    stage: stage
      ? {
          id: stage.id,
          title: stage.title,
          formality: stage.formality,
          description: stage.description,
          startsOn: state.stageStartsOn,
        }
      : { id: state.stageId, title: state.stageId },
    people: state.people.map((p) => ({ ...p, roleLabel: roleLabelIn(procedure, p.role) })),
    placement: state.placement,
    /** Who left the case and when: signatures they gave still say who gave them. */
    formerPeople: state.formerPeople.map((f) => ({
      ...f.person,
      roleLabel: roleLabelIn(procedure, f.person.role),
      until: f.until,
      reason: f.reason,
    })),
    formerPlacements: state.formerPlacements,
    reasons: state.reasons.map((id) => ({ id, label: procedure.reasons.find((r) => r.id === id)?.label ?? id })),
    openedOn: state.openedOn,
    openedBy: state.openedBy,
    stageHistory: state.stageHistory.map((v) => ({ ...v, title: stageTitleIn(procedure, v.stageId) })),
    plan: state.plan,
    previousPlans: state.previousPlans,
    reviews: state.reviews.map((r) => ({ ...r, outcomeLabel: findOutcomeLabel(procedure, r.stageId, r.outcomeId) })),
    meetings: state.meetings,
    panels: state.panels.map((p) => ({
      ...p,
      title: procedure.panels.find((d) => d.id === p.panelId)?.title ?? p.panelId,
      decisionLabel:
        p.decisionId === undefined
          ? undefined
          : procedure.panels.find((d) => d.id === p.panelId)?.decisions.find((d) => d.id === p.decisionId)?.label,
    })),
    tasksDone: state.tasksDone,
    placementSuspended: state.placementSuspended,
    closure: state.closure,
    updatedAt: state.updatedAt,
    derived: {
      today,
      nextReviewDate: next,
      reviewOverdue: next !== undefined && next < today,
      reviewWindow:
        window === undefined
          ? undefined
          : { earliest: window.earliest, latest: window.latest, description: window.description },
      outstandingSignatories: outstandingSignatories(procedure, state).map((o) => ({
        roles: o.roles.map((id) => ({ id, label: roleLabelIn(procedure, id) })),
        people: o.people.map((p) => ({ id: p.id, name: p.name, role: p.role })),
      })),
      milestones: stage ? datedMilestones(stage, state.stageStartsOn) : [],
      signing: signingView(procedure, state),
      nextSteps: nextSteps(procedure, state, today, calendar),
      ...availableActions(procedure, state, stage),
    },
  };
}

/**
 * Whether the plan being drawn up can be signed yet, and if not what is missing and who can add
 * it (whoever may edit the plan: staff named on the case or the course team). Absent once agreed.
 */
function signingView(
  procedure: Procedure,
  state: CaseState,
): { readonly ready: boolean; readonly missing?: string; readonly whoCanAdd?: string } | undefined {
  const plan = state.plan;
  if (!plan || plan.agreedOn !== undefined || state.status === 'closed') return undefined;
  const missing = signingBlocker(procedure, state);
  if (missing === undefined) return { ready: true };
  const staff = state.people
    .filter((p) => procedure.roles.find((r) => r.id === p.role)?.side !== 'trainee')
    .map((p) => `${p.name} (${roleLabelIn(procedure, p.role)})`);
  return {
    ready: false,
    missing,
    whoCanAdd: `${staff.length > 0 ? `${staff.join(', ')} or ` : ''}the course team, in Edit plan.`,
  };
}

function findOutcomeLabel(procedure: Procedure, stageId: string, outcomeId: string): string {
  return (
    procedure.stages.find((s) => s.id === stageId)?.review?.outcomes.find((o) => o.id === outcomeId)?.label ?? outcomeId
  );
}
