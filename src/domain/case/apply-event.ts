import { DomainError } from '../errors.js';
import { correctTrail } from './corrections.js';
import type { CaseEvent, PlanContentData } from './events.js';
import type { CaseState, Plan, PlanContent } from './types.js';

/**
 * Folds one event into the case. Commands decide; this only records what they decided, so
 * replaying a stored trail always rebuilds the same state (no rule is re-evaluated here).
 */

/** Stored plan content (optional fields absent) as the case holds it (optional fields undefined). */
export function toContent(data: PlanContentData): PlanContent {
  return {
    concernStatement: data.concernStatement,
    concerns: data.concerns,
    targets: data.targets.map((t) => ({
      ...t,
      successCriteria: t.successCriteria,
      timescale: t.timescale,
      supportRequired: t.supportRequired,
      monitoring: t.monitoring,
    })),
    trainingNeeds: data.trainingNeeds,
    supportMeasures: data.supportMeasures,
    reviewDate: data.reviewDate,
    meeting: {
      heldOn: data.meeting.heldOn,
      mode: data.meeting.mode,
      attendees: data.meeting.attendees,
      placementConcern: data.meeting.placementConcern,
    },
  };
}

const EMPTY_CONTENT: PlanContentData = {
  concerns: [],
  targets: [],
  supportMeasures: [],
  meeting: { attendees: [], placementConcern: false },
};

function withPlan(state: CaseState, version: number, change: (plan: Plan) => Plan): CaseState {
  if (state.plan?.version !== version) {
    throw new DomainError('invalid_input', `The event trail refers to plan ${version}, which is not the current plan.`);
  }
  return { ...state, plan: change(state.plan) };
}

function requireState(state: CaseState | undefined, event: CaseEvent): CaseState {
  if (!state) throw new DomainError('invalid_input', `The event trail starts with ${event.type}, not case_opened.`);
  return state;
}

export function applyEvent(previous: CaseState | undefined, event: CaseEvent): CaseState {
  if (event.type === 'case_opened') {
    if (previous) throw new DomainError('invalid_input', 'The event trail opens the case twice.');
    const d = event.data;
    return {
      id: event.caseId,
      reference: d.reference,
      procedureId: d.procedureId,
      procedureVersion: d.procedureVersion,
      procedureHash: d.procedureHash,
      reasons: d.reasons,
      people: d.people,
      placement: {
        school: d.placement.school,
        subject: d.placement.subject,
        phase: d.placement.phase,
        programme: d.placement.programme,
        startsOn: d.placement.startsOn,
        endsOn: d.placement.endsOn,
        schoolContactEmail: d.placement.schoolContactEmail,
      },
      openedOn: event.on,
      openedBy: event.actorId,
      reinitiation: d.reinitiation
        ? { groundId: d.reinitiation.groundId, evidence: d.reinitiation.evidence }
        : undefined,
      status: 'awaiting_decision',
      stageId: '',
      stageStartsOn: event.on,
      stageHistory: [],
      plan: undefined,
      previousPlans: [],
      reviews: [],
      panels: [],
      tasksDone: [],
      paused: undefined,
      placementSuspended: undefined,
      acknowledgements: [],
      closure: undefined,
      formerPeople: [],
      formerPlacements: [],
      meetings: [],
      corrections: [],
      linkedFrom: d.linkedFrom ? { ...d.linkedFrom } : undefined,
      linkedCases: [],
      feeWaivers: [],
      appeals: [],
      statusBeforeClosure: undefined,
      pausedBeforeClosure: undefined,
      reopenings: [],
      setAsideReviews: [],
      milestonesDone: [],
      version: event.seq,
      updatedAt: event.at,
    };
  }
  const base = requireState(previous, event);
  if (event.seq !== base.version + 1) {
    throw new DomainError('invalid_input', `Event ${event.seq} does not follow version ${base.version}.`);
  }
  const state: CaseState = { ...base, version: event.seq, updatedAt: event.at };

  switch (event.type) {
    case 'stage_entered': {
      const d = event.data;
      return {
        ...state,
        stageId: d.stageId,
        stageStartsOn: d.startsOn,
        stageHistory: [...state.stageHistory, { stageId: d.stageId, enteredOn: event.on, via: d.via }],
        // A stage is awaiting a decision until a plan is started or carried into review.
        status:
          state.plan?.agreedOn !== undefined && state.plan.reviewAt === d.stageId ? 'active' : 'awaiting_decision',
      };
    }
    case 'plan_started': {
      const d = event.data;
      const plan: Plan = {
        version: d.version,
        stageId: d.stageId,
        reviewAt: d.reviewAt,
        rulesFrom: {
          stageId: d.rulesFrom.stageId,
          outcome: d.rulesFrom.outcome
            ? {
                stageId: d.rulesFrom.outcome.stageId,
                outcomeId: d.rulesFrom.outcome.outcomeId,
                ...(d.rulesFrom.outcome.panelId === undefined ? {} : { panelId: d.rulesFrom.outcome.panelId }),
              }
            : undefined,
        },
        content: toContent(d.content),
        perceptions: undefined,
        signatures: [],
        agreedOn: undefined,
        pausedWorkingDays: 0,
        extensions: [],
        reviewMeeting: undefined,
      };
      return {
        ...state,
        previousPlans: state.plan ? [...state.previousPlans, state.plan] : state.previousPlans,
        plan,
        status: 'planning',
      };
    }
    case 'plan_edited':
      return withPlan(state, event.data.version, (plan) => ({ ...plan, content: toContent(event.data.content) }));
    case 'signatures_withdrawn':
      return { ...withPlan(state, event.data.version, (plan) => ({ ...plan, signatures: [] })), status: 'planning' };
    case 'trainee_perceptions_recorded':
      return withPlan(state, event.data.version, (plan) => ({
        ...plan,
        perceptions: { text: event.data.text, recordedBy: event.actorId, recordedOn: event.on },
      }));
    case 'plan_signed': {
      const d = event.data;
      return {
        ...withPlan(state, d.version, (plan) => ({
          ...plan,
          signatures: [
            ...plan.signatures,
            { role: d.role, personId: d.personId, typedName: d.typedName, signedOn: event.on, at: event.at },
          ],
        })),
        status: 'awaiting_signatures',
      };
    }
    case 'plan_agreed':
      return {
        ...withPlan(state, event.data.version, (plan) => ({
          ...plan,
          agreedOn: event.on,
          content: { ...plan.content, reviewDate: event.data.reviewDate },
        })),
        status: 'active',
      };
    case 'review_recorded': {
      const d = event.data;
      return {
        ...state,
        reviews: [
          ...state.reviews,
          {
            id: d.reviewId,
            stageId: d.stageId,
            planVersion: d.planVersion,
            reviewedOn: d.reviewedOn,
            progress: d.progress.map((p) => ({ targetId: p.targetId, rating: p.rating, comment: p.comment })),
            evidence: d.evidence,
            notes: d.notes,
            attendees: d.attendees,
            outcomeId: d.outcomeId,
            nextSteps: d.nextSteps,
            recordedBy: event.actorId,
            ...(d.members === undefined
              ? {}
              : { members: d.members.map((m) => ({ name: m.name, role: m.role, attended: m.attended })) }),
          },
        ],
      };
    }
    case 'review_date_extended': {
      const d = event.data;
      const plan = state.plan;
      if (!plan) throw new DomainError('invalid_input', 'The event trail extends a review date with no plan.');
      return {
        ...state,
        plan: {
          ...plan,
          content: { ...plan.content, reviewDate: d.to },
          extensions: [...plan.extensions, { from: d.from, to: d.to, reason: d.reason }],
        },
      };
    }
    case 'case_escalated':
      return state;
    case 'case_paused':
      return { ...state, paused: { since: event.on, reason: event.data.reason } };
    case 'case_resumed': {
      const d = event.data;
      const plan = state.plan;
      return {
        ...state,
        paused: undefined,
        plan:
          plan?.agreedOn === undefined
            ? plan
            : {
                ...plan,
                pausedWorkingDays: plan.pausedWorkingDays + d.workingDaysPaused,
                content: { ...plan.content, reviewDate: d.reviewDate ?? plan.content.reviewDate },
              },
      };
    }
    case 'panel_convened': {
      const d = event.data;
      return {
        ...state,
        panels: [
          ...state.panels,
          {
            panelId: d.panelId,
            stageId: state.stageId,
            convenedOn: event.on,
            members: d.members.map((m) => ({ id: m.id, name: m.name, role: m.role })),
            evidence: d.evidence,
            chair: undefined,
            meetings: [],
            decisionId: undefined,
          },
        ],
      };
    }
    case 'panel_met': {
      const d = event.data;
      const index = state.panels.findLastIndex((p) => p.panelId === d.panelId);
      const panel = state.panels[index];
      if (!panel)
        throw new DomainError(
          'invalid_input',
          'The event trail records a panel meeting before the panel was convened.',
        );
      const panels = [...state.panels];
      panels[index] = {
        ...panel,
        chair: panel.chair ?? d.chair,
        meetings: [
          ...panel.meetings,
          { heldOn: d.heldOn, attendees: d.attendees, decisionId: d.decisionId, rationale: d.rationale },
        ],
        decisionId: d.decisionId ?? panel.decisionId,
      };
      return { ...state, panels };
    }
    case 'task_completed':
      return {
        ...state,
        tasksDone: [
          ...state.tasksDone,
          {
            stageId: event.data.stageId,
            taskId: event.data.taskId,
            by: event.actorId,
            on: event.on,
            note: event.data.note,
            visit: state.stageHistory.length - 1,
          },
        ],
      };
    case 'stage_start_set':
      return { ...state, stageStartsOn: event.data.startsOn };
    case 'placement_suspended':
      return {
        ...state,
        placementSuspended: { on: event.on, by: event.actorId, byName: event.data.byName, reason: event.data.reason },
      };
    case 'notice_acknowledged': {
      const d = event.data;
      return {
        ...state,
        acknowledgements: [
          ...state.acknowledgements,
          {
            about: d.about,
            stageId: d.stageId,
            reviewDate: d.reviewDate,
            by: event.actorId,
            byName: d.byName,
            on: event.on,
            at: event.at,
          },
        ],
      };
    }
    case 'case_closed': {
      const d = event.data;
      return {
        ...state,
        status: 'closed',
        statusBeforeClosure: state.status,
        pausedBeforeClosure: state.paused,
        paused: undefined,
        closure: {
          on: event.on,
          resolution: d.resolution,
          outcomeId: d.outcomeId,
          reason: d.reason,
          handOffTo: d.handOffTo,
        },
      };
    }
    case 'case_reopened': {
      const d = event.data;
      const setAside =
        d.setAsideReviewId === undefined ? undefined : state.reviews.find((r) => r.id === d.setAsideReviewId);
      return {
        ...state,
        status: state.statusBeforeClosure ?? 'active',
        paused: state.pausedBeforeClosure,
        pausedBeforeClosure: undefined,
        closure: undefined,
        reviews: setAside ? state.reviews.filter((r) => r !== setAside) : state.reviews,
        setAsideReviews: setAside ? [...state.setAsideReviews, setAside] : state.setAsideReviews,
        reopenings: [
          ...state.reopenings,
          {
            on: event.on,
            by: event.actorId,
            byName: d.byName,
            reason: d.reason,
            closedOn: d.closedOn,
            resolution: d.resolution,
            outcomeId: d.outcomeId,
            setAsideReviewId: d.setAsideReviewId,
          },
        ],
      };
    }
    case 'milestone_done':
      return {
        ...state,
        milestonesDone: [
          ...state.milestonesDone,
          {
            stageId: event.data.stageId,
            milestoneId: event.data.milestoneId,
            by: event.actorId,
            byName: event.data.byName,
            on: event.on,
            note: event.data.note,
            visit: state.stageHistory.length - 1,
          },
        ],
      };
    case 'person_changed': {
      const d = event.data;
      const removed = d.removed;
      const leaving =
        removed === undefined
          ? undefined
          : state.people.find((p) => p.role === removed.role && p.id.toLowerCase() === removed.id.toLowerCase());
      const people = state.people.filter((p) => p !== leaving);
      return {
        ...state,
        people: d.added ? [...people, { ...d.added }] : people,
        formerPeople: leaving
          ? [...state.formerPeople, { person: leaving, until: d.effectiveOn, reason: d.reason }]
          : state.formerPeople,
      };
    }
    case 'placement_changed': {
      const p = event.data.placement;
      return {
        ...state,
        placement: {
          school: p.school,
          subject: p.subject,
          phase: p.phase,
          programme: p.programme,
          startsOn: p.startsOn,
          endsOn: p.endsOn,
          schoolContactEmail: p.schoolContactEmail,
        },
        formerPlacements: [
          ...state.formerPlacements,
          { placement: state.placement, until: event.data.effectiveOn, reason: event.data.reason },
        ],
      };
    }
    case 'meeting_recorded': {
      const d = event.data;
      const meeting = {
        id: d.meetingId,
        kind: d.kind,
        stageId: d.stageId,
        planVersion: d.planVersion,
        heldOn: d.heldOn,
        startTime: d.startTime,
        mode: d.mode,
        location: d.location,
        onlineLink: d.onlineLink,
        attendees: d.attendees.map((a) => ({ ...a })),
        placementConcern: d.placementConcern,
        notes: d.notes,
        recordedBy: event.actorId,
        recordedOn: event.on,
      };
      const recorded = { ...state, meetings: [...state.meetings, meeting] };
      if (d.kind !== 'plan') return recorded;
      // The plan meeting is the draft's meeting: its date, mode and the roles present, as the form prints them.
      return withPlan(recorded, d.planVersion, (plan) => ({
        ...plan,
        content: {
          ...plan.content,
          meeting: {
            heldOn: d.heldOn,
            mode: d.mode,
            attendees: [...new Set(d.attendees.map((a) => a.role))],
            placementConcern: d.placementConcern ?? plan.content.meeting.placementConcern,
          },
        },
      }));
    }
    case 'review_meeting_scheduled': {
      const d = event.data;
      return withPlan(state, d.version, (plan) => ({
        ...plan,
        reviewMeeting: {
          startTime: d.startTime,
          durationMinutes: d.durationMinutes,
          mode: d.mode,
          location: d.location,
        },
      }));
    }
    case 'procedure_version_changed':
      // From here on the case follows the other version (the version move checked that its stage is in it).
      return { ...state, procedureVersion: event.data.toVersion, procedureHash: event.data.toHash };
    case 'linked_case_decided': {
      const d = event.data;
      return {
        ...state,
        linkedCases: [
          ...state.linkedCases,
          {
            caseId: d.caseId,
            reference: d.reference,
            outcomeId: d.outcomeId,
            stageId: d.stageId,
            panelId: d.panelId,
            decidedOn: event.on,
            decidedBy: event.actorId,
            targets: toContent({ ...EMPTY_CONTENT, targets: d.targets }).targets,
          },
        ],
      };
    }
    case 'fee_waived': {
      const d = event.data;
      return {
        ...state,
        feeWaivers: [
          ...state.feeWaivers,
          {
            outcomeId: d.outcomeId,
            amount: d.amount,
            reason: d.reason,
            letter: d.letter,
            by: event.actorId,
            byName: d.byName,
            on: event.on,
          },
        ],
      };
    }
    case 'appeal_lodged': {
      const d = event.data;
      return {
        ...state,
        appeals: [
          ...state.appeals,
          {
            id: d.appealId,
            lodgedOn: d.lodgedOn,
            grounds: d.grounds,
            against: d.against,
            recordedBy: event.actorId,
            recordedByName: d.byName,
            decision: undefined,
          },
        ],
      };
    }
    case 'appeal_decided': {
      const d = event.data;
      return {
        ...state,
        appeals: state.appeals.map((a) =>
          a.id === d.appealId
            ? { ...a, decision: { on: d.decidedOn, outcome: d.outcome, reasons: d.reasons, byName: d.byName } }
            : a,
        ),
      };
    }
    case 'text_corrected': {
      // The wording itself is corrected where the trail is read (correctTrail, applied by
      // `replay`); the fold records the correction, and marks signatures given to the earlier
      // wording of the plan it corrected.
      const d = event.data;
      const marked = (plan: Plan): Plan =>
        plan.version !== d.planVersion
          ? plan
          : {
              ...plan,
              signatures: plan.signatures.map((s) =>
                s.wordingCorrectedOn === undefined ? { ...s, wordingCorrectedOn: event.on } : s,
              ),
            };
      return {
        ...state,
        plan: state.plan === undefined ? undefined : marked(state.plan),
        previousPlans: state.previousPlans.map(marked),
        corrections: [
          ...state.corrections,
          {
            seq: d.seq,
            field: d.field,
            planVersion: d.planVersion,
            reason: d.reason,
            explanation: d.explanation,
            by: event.actorId,
            byName: d.byName,
            on: event.on,
            at: event.at,
          },
        ],
      };
    }
  }
}

/** Rebuilds a case from its trail, with every correction in it applied (corrections.ts). */
export function replay(events: readonly CaseEvent[]): CaseState {
  const state = correctTrail(events).reduce<CaseState | undefined>(applyEvent, undefined);
  if (!state) throw new DomainError('invalid_input', 'A case needs at least its case_opened event.');
  return state;
}

/**
 * The case as it was at `version` (the seq of one of its events): the trail replayed up to and
 * including that event. A notification, a copy of a form or an earlier form is rendered from
 * this, so what is sent shows the case as it was when the thing happened, not as it is when the
 * send happens. Undefined when the trail does not reach back to `version`.
 */
export function stateAt(events: readonly CaseEvent[], version: number): CaseState | undefined {
  // Corrections made later still apply: an earlier form never shows a wording since corrected.
  const upTo = correctTrail(events).filter((e) => e.seq <= version);
  if (upTo.length === 0 || upTo.length !== version || upTo[0]?.type !== 'case_opened') return undefined;
  return replay(upTo);
}
