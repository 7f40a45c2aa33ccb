import { describe, expect, it } from 'vitest';
import { engineTestProcedure } from '../case/fixtures.js';
import { SEED_PROCEDURES } from '../procedures/index.js';
import { checkProcedure, entryStages, procedureRoutes } from './check-procedure.js';
import { readProcedureDefinition } from './procedure-file.js';
import type { Procedure } from './schema.js';

/** A mutable copy of the engine's test procedure, as a provider's file would be once parsed. */
type Json = Record<string, unknown> & {
  stages: (Record<string, unknown> & {
    plan?: Record<string, unknown>;
    review?: { outcomes: Record<string, unknown>[] };
  })[];
  roles: Record<string, unknown>[];
  panels: Record<string, unknown>[];
};

function copy(procedure: Procedure = engineTestProcedure): Json {
  return JSON.parse(JSON.stringify(procedure)) as Json;
}

function stage(json: Json, id: string): Json['stages'][number] {
  const found = json.stages.find((s) => s.id === id);
  if (!found) throw new Error(`no stage ${id}`);
  return found;
}

const problems = (json: Json) => readProcedureDefinition(json);

describe('the walk checks accept what the providers wrote', () => {
  it.each(SEED_PROCEDURES.map((p) => [p.id, p] as const))('%s has no walk errors', (_id, procedure) => {
    expect(checkProcedure(procedure).errors).toEqual([]);
  });

  it('warn, for the seeds, only where an optional role is told and may be missing from a case', () => {
    const warnings = SEED_PROCEDURES.flatMap((p) => checkProcedure(p).warnings.map((w) => `${p.id} ${w.path}`));
    expect(warnings).toEqual([
      'bcu-rapid-improvement-targets stages[4].inform[0].to[4]',
      // The accepting school's Headteacher/Professional Mentor, told of the deferment where the case has one.
      'rcttp-concern-procedures stages[4].inform[1].to[2]',
      'enhanced-support stages[1].inform[0].to[0]',
      'enhanced-support stages[2].inform[0].to[2]',
      'enhanced-support stages[2].inform[0].to[3]',
      'bright-futures-support stages[1].inform[0].to[1]',
    ]);
  });

  it('accept the engine test procedure, and read a file form of it identically', () => {
    expect(checkProcedure(engineTestProcedure).errors).toEqual([]);
    const json = copy();
    json.$schema = '../schemas/procedure.schema.json';
    json.frameworks = ['teachers-standards'];
    expect(problems(json).procedure).toEqual(engineTestProcedure);
  });
});

describe('the walk checks refuse', () => {
  it('a stage nothing leads to', () => {
    const json = copy();
    const s1 = stage(json, 's1');
    s1.escalateTo = [];
    const review = s1.review;
    if (!review) throw new Error('s1 has a review');
    review.outcomes = review.outcomes.filter((o) => o.id !== 'not_met');
    expect(problems(json).errors).toEqual([
      {
        path: 'stages[1]',
        message:
          'stage "s2" cannot be reached: no entry, outcome, decision, escalation or "next" leads to it (mark it "openable" if cases may start there)',
      },
    ]);
  });

  it('stages a case can never leave: every outcome from them goes round without closing', () => {
    const json = copy();
    for (const outcome of stage(json, 's1').review?.outcomes ?? []) {
      if ((outcome.effect as { type: string }).type === 'close') outcome.effect = { type: 'go_to_stage', stage: 's2' };
    }
    for (const panel of json.panels) {
      panel.decisions = (panel.decisions as Record<string, unknown>[]).map((d) => ({
        ...d,
        effect: { type: 'go_to_stage', stage: 's1' },
      }));
    }
    expect(problems(json).errors.map((p) => p.message)).toEqual([
      'a case at stage "s1" can never end: no outcome or decision from here on closes the case or hands it off',
      'a case at stage "s2" can never end: no outcome or decision from here on closes the case or hands it off',
    ]);
  });

  it('a role no one defined, named by a rule (before any walking)', () => {
    const json = copy();
    const review = stage(json, 's1').review as unknown as { reviewers: string[] };
    review.reviewers = ['mentor', 'headteacher'];
    expect(problems(json).errors).toEqual([
      { path: 'stages[0].review.reviewers[1]', message: 'unknown role "headteacher"' },
    ]);
  });

  it('an outcome that goes to a stage that does not exist (a dangling outcome)', () => {
    const json = copy();
    const outcome = stage(json, 's1').review?.outcomes.find((o) => o.id === 'not_met');
    if (!outcome) throw new Error('no not_met');
    outcome.effect = { type: 'go_to_stage', stage: 'stage_9' };
    expect(problems(json).errors).toEqual([
      { path: 'stages[0].review.outcomes[2].effect.stage', message: 'unknown stage "stage_9"' },
    ]);
  });

  it.each([
    [{ amount: 60, unit: 'weeks' }, 'a review window of 60 weeks is a year or more: reviews must come sooner'],
    [{ amount: 365, unit: 'calendar_days' }, 'a review window of 365 days is a year or more: reviews must come sooner'],
    [
      { amount: 261, unit: 'working_days' },
      'a review window of 261 working days is a year or more: reviews must come sooner',
    ],
  ])('a silly review window: %o', (window, message) => {
    const json = copy();
    const s1 = stage(json, 's1');
    delete s1.extensionCap;
    if (s1.plan) s1.plan.reviewWindow = window;
    expect(problems(json).errors).toEqual([{ path: 'stages[0].plan.reviewWindow', message }]);
  });

  it('a review window of nothing at all (the schema: a whole number from 1)', () => {
    const json = copy();
    const plan = stage(json, 's1').plan;
    if (plan) plan.reviewWindow = { amount: 0, unit: 'weeks' };
    expect(problems(json).errors).toEqual([
      { path: 'stages[0].plan.reviewWindow.amount', message: 'must be at least 1' },
    ]);
  });

  it('a review window longer than the cap on extending it', () => {
    const json = copy();
    const plan = stage(json, 's1').plan;
    if (plan) plan.reviewWindow = { amount: 6, unit: 'weeks' };
    expect(problems(json).errors).toEqual([
      {
        path: 'stages[0].plan.reviewWindow',
        message: "the review window (6 weeks) is longer than the stage's extension cap (4 weeks)",
      },
    ]);
  });

  it('more than ten targets, and fewer allowed than needed', () => {
    const json = copy();
    const plan = stage(json, 's1').plan;
    if (plan) plan.maxTargets = 12;
    expect(problems(json).errors).toEqual([
      { path: 'stages[0].plan.maxTargets', message: '12 targets is not a focused plan: allow at most 10' },
    ]);
    if (plan) Object.assign(plan, { maxTargets: 2, minTargets: 3 });
    expect(problems(json).errors).toEqual([
      { path: 'stages[0].plan.maxTargets', message: 'maxTargets is below minTargets' },
    ]);
  });

  it('a plan-only stage handing its plan to a stage with nothing to judge it', () => {
    const json = copy();
    const plan = stage(json, 's1').plan;
    json.stages.push(
      { id: 's3', title: 'Stage 3', formality: 'formal', openable: true, plan, next: 's4' },
      { id: 's4', title: 'Stage 4', formality: 'formal', plan, next: 's1' },
    );
    expect(problems(json).errors).toEqual([
      { path: 'stages[2].next', message: 'stage "s4" has no review or panel to judge the plan agreed here' },
    ]);
  });

  it('a stage with nothing to do (the schema: a plan, a review or a panel)', () => {
    const json = copy();
    json.stages.push({ id: 's3', title: 'Stage 3', formality: 'formal', tasks: [{ id: 't', label: 'Tick' }] });
    expect(problems(json).errors).toEqual([
      { path: 'stages[2]', message: 'a stage needs a plan, a review or a panel' },
    ]);
  });

  it('one office under two names (its mailbox is configured by id)', () => {
    const json = copy();
    stage(json, 's1').inform = [
      { on: 'plan_agreed', to: [{ kind: 'office', office: 'school', label: 'The school' }] },
      { on: 'review_recorded', to: [{ kind: 'office', office: 'school', label: 'The headteacher' }] },
    ];
    expect(problems(json).errors).toEqual([
      {
        path: 'stages[0].inform[1].to[0]',
        message:
          'office "school" is called "The headteacher" here and "The school" at stages[0].inform[0].to[0]: its mailbox is configured by id, so give each office one name',
      },
    ]);
  });

  it('a copy rule for an outcome the procedure does not have', () => {
    const json = copy();
    stage(json, 's1').inform = [{ on: 'review_recorded', to: [{ kind: 'course_mailbox' }], outcomes: ['limitted'] }];
    expect(problems(json).errors).toEqual([
      {
        path: 'stages[0].inform[0].outcomes[0]',
        message: 'there is no outcome or decision "limitted" in this procedure, so this rule would never apply',
      },
    ]);
  });
});

describe('the walk checks warn', () => {
  it('when a copy goes to a role a case may not have, a signature nobody may be there to give, a review with nowhere to go and a plan with no window', () => {
    const json = copy();
    const s1 = stage(json, 's1');
    const plan = s1.plan;
    if (!plan) throw new Error('s1 has a plan');
    delete plan.reviewWindow;
    delete plan.reviewWindowText;
    delete s1.extensionCap;
    (plan.signatures as { required: unknown[] }).required.push({ anyOf: ['programme_manager'] });
    s1.review?.outcomes.push({
      id: 'keep_going',
      label: 'Keep going',
      explanation: 'Nothing changes.',
      effect: { type: 'continue' },
    });
    const result = problems(json);
    expect(result.errors).toEqual([]);
    expect(result.procedure?.id).toBe('engine-test');
    expect(result.warnings).toEqual([
      {
        path: 'stages[0].plan',
        message:
          'the plan sets no review window ("reviewWindow") and says nothing about one ("reviewWindowText"): any review date will be accepted',
      },
      {
        path: 'stages[0].plan.signatures.required[3]',
        message:
          'a case can be opened without a Programme Manager, and then the plan can never be agreed: mark the role "requiredOnCase", or the signature "whenAssigned"',
      },
      {
        path: 'stages[0].review.outcomes[3].effect',
        message:
          'outcome "keep_going" leaves the case at this stage with its plan already reviewed: say where it goes ("go_to_stage", "revise", "close")',
      },
      {
        path: 'stages[0].inform[1].to[0]',
        message:
          'when nobody on a case is the Director, nobody is told: add "otherwise" with an office to tell instead, or mark the role "requiredOnCase"',
      },
    ]);
  });
});

describe('routes and entries', () => {
  it('lists every way on: outcomes, escalations, panel decisions', () => {
    const routes = procedureRoutes(engineTestProcedure).map(
      (r) =>
        `${r.from.kind === 'stage' ? r.from.stageId : r.from.panelId} ${r.via} ${r.outcome?.id ?? ''} → ${r.to.kind === 'stage' ? r.to.stageId : r.to.kind}`,
    );
    expect(routes).toContain('s1 outcome not_met → s2');
    expect(routes).toContain('s1 outcome limited → s1');
    expect(routes).toContain('s1 escalation  → s2');
    expect(routes).toContain('decision_panel decision again → s1');
    expect(routes).toContain('decision_panel decision pass → close');
  });

  it('opens at the first stage and at any openable one', () => {
    expect(entryStages(engineTestProcedure).map((s) => s.id)).toEqual(['s1']);
    const json = copy();
    stage(json, 's2').openable = true;
    expect(entryStages(problems(json).procedure ?? engineTestProcedure).map((s) => s.id)).toEqual(['s1', 's2']);
  });
});
