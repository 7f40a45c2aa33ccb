import { assertTasksDoneBeforeDecision } from './stage-tasks.js';
import { z } from 'zod';
import { formatLongDate, isAfter, localDateSchema } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  assertOpen,
  currentStage,
  EventBuilder,
  isCourseTeam,
  roleLabel,
  rolesOnCase,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { applyOutcome } from '../transitions.js';
import type { CaseState } from '../types.js';
import { getPanel } from './convene-panel.js';
import { decideLinkedCase, linkedCaseTargetsSchema } from './linked-case.js';

export const recordPanelMeetingInputSchema = z.strictObject({
  panelId: z.string().max(60),
  heldOn: localDateSchema.optional(),
  /** Member ids present. */
  attendees: z.array(z.string().trim().min(1).max(320)).min(1).max(20),
  /** Member id of the chair, agreed at the first meeting where the procedure says so. */
  chair: z.string().trim().max(320).optional(),
  decisionId: z.string().max(60).optional(),
  rationale: z.string().trim().max(4000).optional(),
  /** Where the decision opens a linked case: the targets it carries (see linked-case.ts). */
  linkedCaseTargets: linkedCaseTargetsSchema.optional(),
});

export type RecordPanelMeetingInput = z.infer<typeof recordPanelMeetingInputSchema>;

/** Records a panel meeting; with a decision, applies what the decision does to the case. */
export function recordPanelMeeting(
  ctx: CommandContext,
  state: CaseState,
  input: RecordPanelMeetingInput,
): CommandResult {
  const { procedure, actor } = ctx;
  const panel = getPanel(procedure, input.panelId);
  if (!isCourseTeam(actor) && !rolesOnCase(state, actor).some((r) => panel.convenedBy.includes(r))) {
    throw new DomainError(
      'not_permitted',
      `Meetings of the ${panel.title} are recorded by ${[...panel.convenedBy.map((r) => roleLabel(procedure, r)), 'the course team'].join(', ')}.`,
    );
  }
  assertOpen(state);
  const convened = state.panels.findLast((p) => p.panelId === panel.id);
  if (!convened || convened.decisionId !== undefined) {
    throw new DomainError('panel_not_convened', `The ${panel.title} has not been convened.`);
  }
  const today = todayOf(ctx);
  const heldOn = input.heldOn ?? today;
  if (isAfter(heldOn, today)) throw new DomainError('invalid_date', 'A meeting cannot be recorded before it is held.');
  if (isAfter(convened.convenedOn, heldOn)) {
    throw new DomainError(
      'invalid_date',
      `The panel was convened on ${formatLongDate(convened.convenedOn)}; the meeting cannot be earlier.`,
    );
  }
  const members = new Set(convened.members.map((m) => m.id));
  const attendees = [...new Set(input.attendees.map((a) => a.toLowerCase()))];
  const stranger = attendees.find((a) => !members.has(a));
  if (stranger !== undefined)
    throw new DomainError('invalid_input', `${stranger} is not a member of the ${panel.title}.`);
  if (panel.quorum !== undefined && attendees.length < panel.quorum) {
    throw new DomainError(
      'panel_not_quorate',
      `The ${panel.title} is quorate with ${panel.quorum} members present; ${attendees.length} attended.`,
      {
        quorum: panel.quorum,
        present: attendees.length,
      },
    );
  }
  const chair = input.chair?.toLowerCase();
  if (panel.chairAgreedAtFirstMeeting && convened.chair === undefined) {
    if (chair === undefined)
      throw new DomainError('missing_field', `At its first meeting the ${panel.title} agrees a chair: name who it is.`);
  }
  if (chair !== undefined) {
    if (convened.chair !== undefined && convened.chair !== chair) {
      throw new DomainError('invalid_input', `The ${panel.title} already has its chair.`);
    }
    if (!attendees.includes(chair))
      throw new DomainError('invalid_input', 'The chair must be one of the members present.');
  }
  const decision = input.decisionId === undefined ? undefined : panel.decisions.find((d) => d.id === input.decisionId);
  if (input.decisionId !== undefined && !decision) {
    throw new DomainError(
      'unknown_decision',
      `The ${panel.title}'s decisions are: ${panel.decisions.map((d) => d.label).join('; ')}.`,
      {
        decisions: panel.decisions.map((d) => d.id),
      },
    );
  }
  // The stage's own panel decides once the stage's preparatory tasks are done; a side panel (RCTTP exceptional circumstances) does not wait.
  const stage = currentStage(state, procedure);
  if (decision && stage.panel === panel.id) assertTasksDoneBeforeDecision(state, stage);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('panel_met', {
    panelId: panel.id,
    heldOn,
    attendees,
    ...(chair === undefined || convened.chair !== undefined ? {} : { chair }),
    ...(decision ? { decisionId: decision.id } : {}),
    ...(input.rationale ? { rationale: input.rationale } : {}),
  });
  if (decision) {
    decideLinkedCase(builder, ctx, decision, { panelId: panel.id }, input.linkedCaseTargets);
    applyOutcome(builder, ctx, decision, { stageId: state.stageId, panelId: panel.id });
  } else if (input.linkedCaseTargets !== undefined && input.linkedCaseTargets.length > 0) {
    throw new DomainError('invalid_input', 'Targets for a new case come with the decision that opens it.');
  }
  return builder.result();
}
