import {
  formatLongDate,
  isAfter,
  londonDateOf,
  type LocalDate,
  type WorkingCalendar,
} from '../../domain/calendar/index.js';
import {
  calendarFor,
  currentReviewWindow,
  lastDayToReopen,
  milestoneStatuses,
  nextReviewDate,
  REOPEN_WITHIN_WORKING_DAYS,
  reviewDateConcerns,
  outstandingSignatories,
  decisionsOn,
  planEditorsOnCase,
  signingBlocker,
  versionMoveRefusal,
  type CaseEvent,
  type CaseState,
} from '../../domain/case/index.js';
import type { StoredCase } from '../../domain/ports.js';
import type { Outcome, OutcomeEffect, Procedure, Stage } from '../../domain/procedure/schema.js';
import type { CaseAccess } from '../access.js';
import { nextSteps, reviewerRolesOf } from '../../domain/case/next-steps.js';
import { procedureChanges } from '../../domain/procedure/versions.js';
import { procedureHash, type ProcedureVersion } from '../cases/procedure-versions.js';

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
    ...(outcome.opensLinkedCase === undefined
      ? {}
      : {
          opensLinkedCase: {
            stageId: outcome.opensLinkedCase.stage,
            stageTitle: stageTitleIn(procedure, outcome.opensLinkedCase.stage),
            targetsRequired: outcome.opensLinkedCase.targetsRequired,
          },
        }),
  };
}

/** The words of a decision recorded anywhere in the procedure (a review outcome or a panel decision). */
function decisionLabelIn(procedure: Procedure, outcomeId: string): string {
  const all = [
    ...procedure.stages.flatMap((s) => s.review?.outcomes ?? []),
    ...procedure.panels.flatMap((p) => p.decisions),
  ];
  return all.find((o) => o.id === outcomeId)?.label ?? outcomeId;
}

/** What follows a decision and is still open to record: a fee to waive, a decision to appeal. */
function afterDecisions(procedure: Procedure, state: CaseState) {
  const decisions = decisionsOn(procedure, state);
  const feeDecision = decisions.findLast((d) => d.outcome.waivableFee !== undefined);
  const fee = feeDecision?.outcome.waivableFee;
  const rule = procedure.appeal;
  const appealable = rule === undefined ? undefined : decisions.findLast((d) => rule.against.includes(d.outcome.id));
  return {
    ...(feeDecision && fee && !state.feeWaivers.some((w) => w.outcomeId === feeDecision.outcome.id)
      ? { feeWaiver: { amount: fee.amount, outcomeLabel: feeDecision.outcome.label, letter: fee.letter } }
      : {}),
    ...(rule && appealable
      ? { appeal: { against: appealable.outcome.id, againstLabel: appealable.outcome.label, text: rule.text } }
      : {}),
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
    // A group's members and who attended are its deliberations, like a panel's.
    reviews: state.reviews.map(({ notes: _notes, members: _members, ...review }) => ({ ...review, notes: undefined })),
    setAsideReviews: state.setAsideReviews.map(({ notes: _notes, members: _members, ...review }) => ({
      ...review,
      notes: undefined,
    })),
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
    feeWaivers: state.feeWaivers.map((w) => ({ ...w, reason: undefined, letter: undefined })),
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
        const { notes: _notes, members: _members, ...data } = event.data;
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
      case 'fee_waived': {
        if (!health) return event;
        const { reason: _reason, letter: _letter, ...data } = event.data;
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
      case 'case_reopened':
      case 'milestone_done':
      case 'person_changed':
      case 'placement_changed':
      case 'review_meeting_scheduled':
      case 'procedure_version_changed':
      case 'linked_case_decided':
      case 'appeal_lodged':
      case 'appeal_decided':
        return event;
    }
  });
}

/**
 * The version of its procedure the case follows, and (when new cases open under another) that
 * version with what moving the case to it would change, or why it cannot move.
 */
function procedureVersionView(state: CaseState, procedure: Procedure, running: ProcedureVersion | undefined) {
  const hash = state.procedureHash ?? procedureHash(procedure);
  if (running === undefined || running.hash === hash) return { version: procedure.version, hash };
  const refusal = versionMoveRefusal({ procedure }, state, running);
  return {
    version: procedure.version,
    hash,
    runningVersion: {
      version: running.procedure.version,
      hash: running.hash,
      changes: procedureChanges(procedure, running.procedure),
      ...(refusal === undefined ? {} : { cannotMove: refusal }),
    },
  };
}

/**
 * `procedure` is the version the case follows; `running`, the version new cases open under when
 * that is another (load-case.ts `runningVersionFor`).
 */
export function caseView(
  stored: StoredCase,
  procedure: Procedure,
  now: Date,
  access: ViewAccess,
  running?: ProcedureVersion,
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
      ...procedureVersionView(state, procedure, running),
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
    /** Each reopening of the case after a closure made by mistake. */
    reopenings: state.reopenings.map((r) => ({
      on: r.on,
      byName: r.byName,
      reason: r.reason,
      closedOn: r.closedOn,
      resolution: r.resolution,
      outcomeId: r.outcomeId,
      setAsideReviewId: r.setAsideReviewId,
    })),
    /** Reviews whose closing outcome was set aside when the case was reopened. */
    setAsideReviews: state.setAsideReviews.map((r) => ({
      ...r,
      outcomeLabel: findOutcomeLabel(procedure, r.stageId, r.outcomeId),
    })),
    updatedAt: state.updatedAt,
    ...(state.linkedFrom === undefined
      ? {}
      : { linkedFrom: { ...state.linkedFrom, outcomeLabel: decisionLabelIn(procedure, state.linkedFrom.outcomeId) } }),
    linkedCases: state.linkedCases.map((l) => ({
      caseId: l.caseId,
      reference: l.reference,
      outcomeId: l.outcomeId,
      outcomeLabel: decisionLabelIn(procedure, l.outcomeId),
      decidedOn: l.decidedOn,
      stageId: l.stageId,
      targets: l.targets.map((t) => ({ id: t.id, text: t.text })),
    })),
    feeWaivers: state.feeWaivers,
    appeals: state.appeals.map((a) => ({
      id: a.id,
      lodgedOn: a.lodgedOn,
      grounds: a.grounds,
      against: a.against,
      againstLabel: decisionLabelIn(procedure, a.against),
      recordedByName: a.recordedByName,
      ...(a.decision === undefined ? {} : { decision: a.decision }),
    })),
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
      milestones: stage ? milestoneStatuses(stage, state) : [],
      reopen: reopenView(state, today, calendar),
      reviewDateWarnings: reviewDateWarnings(state, window, today, calendar),
      signing: signingView(procedure, state, today, calendar),
      nextSteps: nextSteps(procedure, state, today, calendar),
      ...availableActions(procedure, state, stage),
      ...(stage?.review?.membersRecorded === true && state.status !== 'closed' ? { membersRecorded: true } : {}),
      ...(stage?.review !== undefined && state.status !== 'closed' ? { perTarget: stage.review.perTarget } : {}),
      ...afterDecisions(procedure, state),
    },
  };
}

/**
 * Where the procedure sets no review window, what is doubtful about the plan's review date (a
 * day nobody works, after the placement ends, more than a year away): said, not refused.
 */
function reviewDateWarnings(
  state: CaseState,
  window: { readonly latest: LocalDate | undefined } | undefined,
  today: LocalDate,
  calendar: WorkingCalendar,
): string[] {
  const date = state.plan?.content.reviewDate;
  if (date === undefined || state.status === 'closed' || window === undefined || window.latest !== undefined) return [];
  return reviewDateConcerns(date, { calendar, placementEndsOn: state.placement.endsOn, today });
}

/**
 * For a closed case: until when the course team may reopen it (ten working days by the
 * provider's calendar), or, once that has passed, the sentence saying it can no longer be.
 */
function reopenView(
  state: CaseState,
  today: LocalDate,
  calendar: WorkingCalendar,
): { readonly lastDay: LocalDate; readonly open: boolean; readonly refusal?: string } | undefined {
  const closure = state.closure;
  if (state.status !== 'closed' || closure === undefined) return undefined;
  const lastDay = lastDayToReopen({ calendar }, closure.on);
  if (!isAfter(today, lastDay)) return { lastDay, open: true };
  return {
    lastDay,
    open: false,
    refusal: `This case closed on ${formatLongDate(closure.on)} and can no longer be reopened: a case is reopened only within ${REOPEN_WITHIN_WORKING_DAYS} working days of closing (the last day was ${formatLongDate(lastDay)}). Open a new case if the trainee needs support again.`,
  };
}

/**
 * Whether the plan being drawn up can be signed today, and if not what signing would refuse (the
 * same check signing makes: the form complete, and the review date still fitting the window, the
 * working days and the placement) and who can put it right: whoever may edit the plan, staff named
 * on the case or the course team. Absent once agreed.
 */
function signingView(
  procedure: Procedure,
  state: CaseState,
  today: LocalDate,
  calendar: WorkingCalendar,
): { readonly ready: boolean; readonly missing?: string; readonly whoCanAdd?: string } | undefined {
  const plan = state.plan;
  if (!plan || plan.agreedOn !== undefined || state.status === 'closed') return undefined;
  const missing = signingBlocker(procedure, state, { calendar, today });
  if (missing === undefined) return { ready: true };
  const staff = planEditorsOnCase(procedure, state).map((p) => `${p.name} (${roleLabelIn(procedure, p.role)})`);
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
