import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import { loadProcedure, loadProcedureJson, type ProcedureProblem } from '../procedure/load-procedure.js';
import type { Outcome, Procedure } from '../procedure/schema.js';
import { findProcedure, getProcedure, SEED_PROCEDURES } from './index.js';

/** A mutable deep copy, as a provider's JSON file would be. */
function asJson(procedure: Procedure): Record<string, unknown> & { stages: Record<string, unknown>[] } {
  return JSON.parse(JSON.stringify(procedure)) as Record<string, unknown> & { stages: Record<string, unknown>[] };
}

function problemsOf(load: () => unknown): ProcedureProblem[] {
  try {
    load();
  } catch (error) {
    if (isDomainError(error) && error.code === 'invalid_procedure') {
      return error.details?.problems as ProcedureProblem[];
    }
    throw error;
  }
  throw new Error('the definition was accepted');
}

function allOutcomes(procedure: Procedure): Outcome[] {
  return [
    ...procedure.stages.flatMap((stage) => stage.review?.outcomes ?? []),
    ...procedure.panels.flatMap((panel) => panel.decisions),
  ];
}

describe('the seed procedures', () => {
  it('are the five providers, by id', () => {
    expect(SEED_PROCEDURES.map((p) => p.id)).toEqual([
      'bcu-rapid-improvement-targets',
      'rcttp-concern-procedures',
      'enhanced-support',
      'bright-futures-support',
      'mid-essex-early-support',
    ]);
  });

  it.each(SEED_PROCEDURES.map((p) => [p.id, p] as const))('%s passes loadProcedure unchanged', (_id, procedure) => {
    expect(loadProcedure(procedure)).toEqual(procedure);
  });

  it.each(SEED_PROCEDURES.map((p) => [p.id, p] as const))('%s survives a JSON round trip', (_id, procedure) => {
    expect(loadProcedureJson(JSON.stringify(procedure))).toEqual(procedure);
  });

  it.each(SEED_PROCEDURES.map((p) => [p.id, p] as const))(
    '%s explains every outcome in words other than its label',
    (_id, procedure) => {
      for (const outcome of allOutcomes(procedure)) {
        expect(outcome.explanation, outcome.id).not.toBe(outcome.label);
      }
    },
  );

  it.each(SEED_PROCEDURES.map((p) => [p.id, p] as const))('%s can be opened at its first stage', (_id, procedure) => {
    expect(procedure.stages[0]?.openable).toBe(true);
  });
});

describe('findProcedure and getProcedure', () => {
  it('find a seed procedure by id', () => {
    expect(findProcedure('mid-essex-early-support')?.provider.name).toBe('Mid-Essex ITT');
    expect(getProcedure('bcu-rapid-improvement-targets').provider.shortName).toBe('BCU');
  });

  it('findProcedure returns nothing for an unknown id', () => {
    expect(findProcedure('no-such-procedure')).toBeUndefined();
  });

  it('getProcedure throws unknown_procedure for an unknown id', () => {
    expect(() => getProcedure('no-such-procedure')).toThrow(
      expect.objectContaining({ code: 'unknown_procedure' }) as Error,
    );
  });
});

describe('a provider JSON file with errors', () => {
  const bcu = getProcedure('bcu-rapid-improvement-targets');

  it('is rejected when an outcome goes to an unknown stage', () => {
    const json = asJson(bcu);
    const review = json.stages[2]?.review as { outcomes: { effect: { stage: string } }[] };
    const last = review.outcomes[2];
    if (last) last.effect.stage = 'stage_9';
    expect(problemsOf(() => loadProcedureJson(JSON.stringify(json)))).toEqual([
      { path: 'stages[2].review.outcomes[2].effect.stage', message: 'unknown stage "stage_9"' },
    ]);
  });

  it('is rejected when the placement roster fills a role the procedure does not have', () => {
    const json = { ...asJson(bcu), roster: { tutor: 'link_tutor' } };
    expect(problemsOf(() => loadProcedureJson(JSON.stringify(json)))).toEqual([
      { path: 'roster.tutor', message: 'unknown role "link_tutor"' },
    ]);
  });

  it('is rejected when a signatory is an unknown role', () => {
    const json = asJson(bcu);
    const plan = json.stages[0]?.plan as { signatures: { required: { anyOf: string[] }[] } };
    plan.signatures.required[1] = { anyOf: ['headteacher'] };
    expect(problemsOf(() => loadProcedureJson(JSON.stringify(json)))).toEqual([
      { path: 'stages[0].plan.signatures.required[1].anyOf[0]', message: 'unknown role "headteacher"' },
    ]);
  });

  it('is rejected when a judgement waits for a milestone the stage does not have', () => {
    const json = asJson(getProcedure('rcttp-concern-procedures'));
    const index = json.stages.findIndex((stage) => stage.id === 'deferred_final_assessment');
    const review = json.stages[index]?.review as { afterMilestone: string };
    review.afterMilestone = 'week_9_observations';
    expect(problemsOf(() => loadProcedureJson(JSON.stringify(json)))).toEqual([
      { path: `stages[${index}].review.afterMilestone`, message: 'the stage has no milestone "week_9_observations"' },
    ]);
  });

  it('is rejected when a panel is referred to but not defined', () => {
    const json = asJson(bcu);
    json.panels = [];
    expect(problemsOf(() => loadProcedureJson(JSON.stringify(json)))).toEqual([
      { path: 'stages[4].panel', message: 'unknown panel "placement_review_panel"' },
    ]);
  });

  it('is rejected, naming each path, when required fields are missing', () => {
    const json = asJson(bcu);
    delete json.name;
    const outcome = (json.stages[1]?.review as { outcomes: Record<string, unknown>[] }).outcomes[0];
    if (outcome) delete outcome.explanation;
    const paths = problemsOf(() => loadProcedureJson(JSON.stringify(json))).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'stages[1].review.outcomes[0].explanation']));
  });

  it('is rejected when it is not JSON', () => {
    expect(problemsOf(() => loadProcedureJson('{ "id": '))).toEqual([
      { path: '(file)', message: expect.any(String) as string },
    ]);
  });
});
