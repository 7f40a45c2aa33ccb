import type { z } from 'zod';
import { DomainError } from '../errors.js';
import { isLocalDate } from '../calendar/index.js';
import { procedureSchema, type Outcome, type PlanRules, type Procedure, type Stage } from './schema.js';

export interface ProcedureProblem {
  /** Where in the definition, e.g. `stages[2].review.outcomes[1].effect.stage`. */
  readonly path: string;
  readonly message: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    return text === '' ? name : `${text}.${name}`;
  }, '');
}

function fromZod(error: z.ZodError): ProcedureProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path) || '(root)', message: issue.message }));
}

/**
 * Checks a parsed definition refers only to things it defines: stages, roles, frameworks and
 * panels named by id must exist, so the engine never meets a dangling reference mid-case.
 */
export function findReferenceProblems(procedure: Procedure): ProcedureProblem[] {
  const problems: ProcedureProblem[] = [];
  const stageIds = new Set(procedure.stages.map((stage) => stage.id));
  const roleIds = new Set(procedure.roles.map((role) => role.id));
  const panelIds = new Set(procedure.panels.map((panel) => panel.id));
  const frameworkIds = new Set(procedure.frameworks.map((framework) => framework.id));

  const duplicates = (ids: readonly string[], path: string, what: string): void => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      if (seen.has(id)) problems.push({ path: `${path}[${index}].id`, message: `${what} "${id}" is defined twice` });
      seen.add(id);
    });
  };
  const role = (id: string, path: string): void => {
    if (!roleIds.has(id)) problems.push({ path, message: `unknown role "${id}"` });
  };
  const stage = (id: string, path: string): void => {
    if (!stageIds.has(id)) problems.push({ path, message: `unknown stage "${id}"` });
  };
  const plan = (rules: PlanRules, path: string): void => {
    rules.frameworks.forEach((id, i) => {
      if (!frameworkIds.has(id))
        problems.push({ path: `${path}.frameworks[${i}]`, message: `unknown framework "${id}"` });
    });
    rules.actionParties.forEach((id, i) => {
      role(id, `${path}.actionParties[${i}]`);
    });
    rules.signatures.required.forEach((requirement, i) => {
      requirement.anyOf.forEach((id, j) => {
        role(id, `${path}.signatures.required[${i}].anyOf[${j}]`);
      });
    });
    rules.meeting?.attendees.forEach((id, i) => {
      role(id, `${path}.meeting.attendees[${i}]`);
    });
    rules.meeting?.attendeesWhenPlacementConcern.forEach((id, i) => {
      role(id, `${path}.meeting.attendeesWhenPlacementConcern[${i}]`);
    });
    if (rules.maxTargets !== undefined && rules.maxTargets < rules.minTargets) {
      problems.push({ path: `${path}.maxTargets`, message: 'maxTargets is below minTargets' });
    }
  };
  const outcomes = (list: readonly Outcome[], path: string, owner: Stage | undefined): void => {
    duplicates(
      list.map((o) => o.id),
      path,
      'outcome',
    );
    list.forEach((outcome, i) => {
      const effectPath = `${path}[${i}].effect`;
      const effect = outcome.effect;
      switch (effect.type) {
        case 'go_to_stage':
          stage(effect.stage, `${effectPath}.stage`);
          break;
        case 'revise': {
          stage(effect.reviewAt, `${effectPath}.reviewAt`);
          if (effect.plan) plan(effect.plan, `${effectPath}.plan`);
          else if (!owner?.plan) {
            problems.push({ path: effectPath, message: 'revised targets need plan rules here or on the stage' });
          }
          const target = procedure.stages.find((s) => s.id === effect.reviewAt);
          if (target && !target.review && !target.panel) {
            problems.push({ path: `${effectPath}.reviewAt`, message: `stage "${target.id}" has no review` });
          }
          break;
        }
        case 'close':
        case 'hand_off':
        case 'continue':
          break;
      }
    });
  };

  duplicates(
    procedure.stages.map((s) => s.id),
    'stages',
    'stage',
  );
  duplicates(
    procedure.roles.map((r) => r.id),
    'roles',
    'role',
  );
  duplicates(
    procedure.panels.map((p) => p.id),
    'panels',
    'panel',
  );
  duplicates(
    procedure.frameworks.map((f) => f.id),
    'frameworks',
    'framework',
  );
  duplicates(
    procedure.reasons.map((r) => r.id),
    'reasons',
    'reason',
  );
  if (!procedure.roles.some((r) => r.side === 'trainee')) {
    problems.push({ path: 'roles', message: 'a procedure needs a trainee role' });
  }
  procedure.raisedBy.forEach((id, i) => {
    role(id, `raisedBy[${i}]`);
  });

  procedure.stages.forEach((s, index) => {
    const path = `stages[${index}]`;
    if (s.plan) plan(s.plan, `${path}.plan`);
    if (s.plan && !s.review && !s.panel && s.next === undefined) {
      problems.push({
        path: `${path}.next`,
        message: 'a stage with a plan but no review must name the stage that reviews it',
      });
    }
    if (s.next !== undefined) stage(s.next, `${path}.next`);
    s.escalateTo.forEach((id, i) => {
      stage(id, `${path}.escalateTo[${i}]`);
    });
    if (s.panel !== undefined && !panelIds.has(s.panel)) {
      problems.push({ path: `${path}.panel`, message: `unknown panel "${s.panel}"` });
    }
    if (s.review) {
      s.review.reviewers.forEach((id, i) => {
        role(id, `${path}.review.reviewers[${i}]`);
      });
      s.review.commentsBy.forEach((id, i) => {
        role(id, `${path}.review.commentsBy[${i}]`);
      });
      s.review.observationBy.forEach((id, i) => {
        role(id, `${path}.review.observationBy[${i}]`);
      });
      outcomes(s.review.outcomes, `${path}.review.outcomes`, s);
      const after = s.review.afterMilestone;
      if (after !== undefined && !s.milestones.some((m) => m.id === after)) {
        problems.push({ path: `${path}.review.afterMilestone`, message: `the stage has no milestone "${after}"` });
      }
    }
    s.tasks.forEach((task, i) => {
      task.by.forEach((id, j) => {
        role(id, `${path}.tasks[${i}].by[${j}]`);
      });
    });
    s.milestones.forEach((m, i) => {
      if (m.toWeek < m.fromWeek)
        problems.push({ path: `${path}.milestones[${i}]`, message: 'toWeek is before fromWeek' });
      if (s.durationWeeks !== undefined && m.toWeek > s.durationWeeks) {
        problems.push({ path: `${path}.milestones[${i}].toWeek`, message: `the stage lasts ${s.durationWeeks} weeks` });
      }
    });
    s.inform.forEach((rule, i) => {
      rule.to.forEach((recipient, j) => {
        if (recipient.kind === 'role' || recipient.kind === 'role_if_absent') {
          role(recipient.role, `${path}.inform[${i}].to[${j}].role`);
        }
      });
    });
  });

  procedure.panels.forEach((panel, index) => {
    const path = `panels[${index}]`;
    panel.convenedBy.forEach((id, i) => {
      role(id, `${path}.convenedBy[${i}]`);
    });
    panel.availableAt.forEach((id, i) => {
      stage(id, `${path}.availableAt[${i}]`);
    });
    if (panel.quorum !== undefined && panel.maxMembers !== undefined && panel.quorum > panel.maxMembers) {
      problems.push({ path: `${path}.quorum`, message: 'quorum is larger than the panel' });
    }
    outcomes(panel.decisions, `${path}.decisions`, undefined);
  });

  procedure.calendar.closures.forEach((closure, i) => {
    const dates = typeof closure === 'string' ? [closure] : [closure.from, closure.to];
    if (!dates.every((d) => isLocalDate(d))) {
      problems.push({ path: `calendar.closures[${i}]`, message: 'closure dates must be YYYY-MM-DD' });
    }
  });
  return problems;
}

/**
 * Validates a procedure definition (a seed definition or a provider's JSON) and returns it
 * ready for the engine. A bad definition is rejected whole, with every problem named by path.
 */
export function loadProcedure(input: unknown): Procedure {
  const parsed = procedureSchema.safeParse(input);
  const problems = parsed.success ? findReferenceProblems(parsed.data) : fromZod(parsed.error);
  if (!parsed.success || problems.length > 0) {
    const summary = problems
      .slice(0, 5)
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ');
    throw new DomainError(
      'invalid_procedure',
      `The procedure definition has ${problems.length} problem(s): ${summary}`,
      {
        problems,
      },
    );
  }
  return parsed.data;
}

/** Loads a provider's own procedure from the text of a JSON file. */
export function loadProcedureJson(text: string): Procedure {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError('invalid_procedure', `The procedure file is not valid JSON: ${reason}`, {
      problems: [{ path: '(file)', message: reason }],
    });
  }
  return loadProcedure(value);
}

export function getStage(procedure: Procedure, stageId: string): Stage {
  const stage = procedure.stages.find((s) => s.id === stageId);
  if (!stage) throw new DomainError('unknown_stage', `This procedure has no stage "${stageId}".`);
  return stage;
}
