import { describe, expect, it } from 'vitest';
import {
  bcuRapidImprovementTargets,
  midEssexEarlySupport,
  rcttpConcernProcedures,
  SEED_PROCEDURES,
} from '../../../domain/procedures/index';
import { procedurePage } from './procedure-model';

describe('the procedure page', () => {
  it('has every stage in order, each with who does what, and every outcome with where it leads', () => {
    for (const procedure of SEED_PROCEDURES) {
      const page = procedurePage(procedure);
      expect(page.stages.map((s) => s.id)).toEqual(procedure.stages.map((s) => s.id));
      for (const [index, stage] of page.stages.entries()) {
        const defined = procedure.stages[index];
        expect(stage.whoDoesWhat.length, `${procedure.id} ${stage.id}`).toBeGreaterThan(0);
        expect(stage.outcomes.map((o) => o.id)).toEqual((defined?.review?.outcomes ?? []).map((o) => o.id));
        for (const outcome of stage.outcomes) expect(outcome.leadsTo).not.toBe('');
        expect(stage.whoIsTold).toHaveLength(defined?.inform.length ?? 0);
      }
      expect(page.version).toBe(String(procedure.version));
    }
  });

  it('says the review window, its cap and the target limits as the procedure sets them', () => {
    const page = procedurePage(rcttpConcernProcedures);
    const withWindow = rcttpConcernProcedures.stages.find((s) => s.plan?.reviewWindow && s.extensionCap);
    if (!withWindow?.plan?.reviewWindow || !withWindow.extensionCap) throw new Error('RCTTP caps a review window');
    const stage = page.stages.find((s) => s.id === withWindow.id);
    expect(stage?.reviewWindow).toMatch(
      /^The review is due \d+ (working days|days|weeks?) after the plan is agreed, and can be moved to at most \d+ /,
    );
    const bcu = procedurePage(bcuRapidImprovementTargets).stages[0];
    expect(bcu?.targets).toBe('1 to 3 targets.');
    expect(bcu?.whoDoesWhat).toContain('The agreed plan is reviewed at Stage 2.');
    expect(bcu?.reviewWindow).toBe(
      'Record and agree a date which will give enough time for trainees to demonstrate progress, to review outcomes.',
    );
  });

  it('names who is told, when, and with the form; and who is copied on everything', () => {
    const bcu = procedurePage(bcuRapidImprovementTargets).stages[0];
    expect(bcu?.whoIsTold[0]).toMatch(/^When the plan is agreed: the course mailbox/);
    expect(bcu?.whoIsTold.some((line) => line.includes('if not at the meeting'))).toBe(true);
    const midEssex = procedurePage(midEssexEarlySupport);
    expect(midEssex.copiedTo).toMatch(/^All correspondence is copied to /);
    expect(procedurePage(bcuRapidImprovementTargets).copiedTo).toBeUndefined();
  });

  it('lists panels with who convenes them, their size and their decisions', () => {
    const page = procedurePage(rcttpConcernProcedures);
    expect(page.panels).toHaveLength(rcttpConcernProcedures.panels.length);
    const panel = page.panels[0];
    expect(panel?.size).toBe('Up to 5 members, 3 to be quorate');
    expect(panel?.decisions.length).toBeGreaterThan(0);
  });
});
