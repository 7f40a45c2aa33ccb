import { z } from 'zod';
import { DomainError } from '../../errors.js';
import type { Panel, Procedure } from '../../procedure/schema.js';
import {
  assertOpen,
  currentStage,
  EventBuilder,
  isCourseTeam,
  roleLabel,
  rolesOnCase,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import type { CaseState } from '../types.js';

export const convenePanelInputSchema = z.strictObject({
  panelId: z.string().max(60),
  members: z
    .array(
      z.strictObject({
        id: z.string().trim().min(1).max(320),
        name: z.string().trim().min(1).max(200),
        role: z.string().trim().max(200).optional(),
      }),
    )
    .min(1)
    .max(20),
  /** Which of the panel's evidence items have been gathered for it. */
  evidence: z.array(z.string().trim().min(1).max(500)).max(30).default([]),
});

export type ConvenePanelInput = z.infer<typeof convenePanelInputSchema>;

export function getPanel(procedure: Procedure, panelId: string): Panel {
  const panel = procedure.panels.find((p) => p.id === panelId);
  if (!panel) throw new DomainError('panel_not_allowed', `${procedure.name} has no panel "${panelId}".`);
  return panel;
}

/** A panel is available when it is the stage's own, or a side panel allowed at this stage. */
export function assertPanelAvailable(procedure: Procedure, state: CaseState, panel: Panel): void {
  const stage = currentStage(state, procedure);
  const available =
    stage.panel === panel.id ||
    (stage.panel === undefined && (panel.availableAt.length === 0 || panel.availableAt.includes(stage.id)));
  if (!available)
    throw new DomainError('panel_not_allowed', `The ${panel.title} cannot be convened at ${stage.title}.`);
}

export function convenePanel(ctx: CommandContext, state: CaseState, input: ConvenePanelInput): CommandResult {
  const { procedure, actor } = ctx;
  const panel = getPanel(procedure, input.panelId);
  if (!isCourseTeam(actor) && !rolesOnCase(state, actor).some((r) => panel.convenedBy.includes(r))) {
    const by = panel.convenedBy.map((r) => roleLabel(procedure, r));
    throw new DomainError(
      'not_permitted',
      `The ${panel.title} is convened by ${[...by, 'the course team'].join(', ')}.`,
    );
  }
  assertOpen(state);
  assertPanelAvailable(procedure, state, panel);
  const open = state.panels.find((p) => p.panelId === panel.id && p.decisionId === undefined);
  if (open)
    throw new DomainError('panel_not_allowed', `The ${panel.title} is already convened and has not yet decided.`);
  if (panel.maxMembers !== undefined && input.members.length > panel.maxMembers) {
    throw new DomainError(
      'panel_too_large',
      `The ${panel.title} has up to ${panel.maxMembers} people; ${input.members.length} were named.`,
      {
        max: panel.maxMembers,
      },
    );
  }
  const ids = new Set(input.members.map((m) => m.id.toLowerCase()));
  if (ids.size !== input.members.length) throw new DomainError('invalid_input', 'A panel member is named twice.');
  if (panel.quorum !== undefined && input.members.length < panel.quorum) {
    throw new DomainError(
      'panel_not_quorate',
      `The ${panel.title} needs at least ${panel.quorum} members to be quorate.`,
    );
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('panel_convened', {
    panelId: panel.id,
    members: input.members.map((m) => ({ id: m.id.toLowerCase(), name: m.name, ...(m.role ? { role: m.role } : {}) })),
    evidence: input.evidence,
  });
  return builder.result();
}
