import { z } from 'zod';
import { DomainError } from '../errors.js';
import { isLocalDate } from '../calendar/index.js';
import { procedureSchema, type Outcome, type PlanRules, type Procedure, type Stage } from './schema.js';

export interface ProcedureProblem {
  /** Where in the definition, e.g. `stages[2].review.outcomes[1].effect.stage`. */
  readonly path: string;
  readonly message: string;
}

export type ProblemPathSegment = string | number;

export function formatProblemPath(path: readonly PropertyKey[]): string {
  const text = path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return out === '' ? name : `${out}.${name}`;
  }, '');
  return text === '' ? '(root)' : text;
}

/**
 * The segments of a problem's path (`stages[2].plan` → `['stages', 2, 'plan']`), so a file
 * loader can find the place in the text a problem points at. `(root)` and `(file)` have none.
 */
export function parseProblemPath(path: string): ProblemPathSegment[] {
  if (path.startsWith('(')) return [];
  const segments: ProblemPathSegment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[1] !== undefined) segments.push(match[1]);
  }
  return segments;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function sizeLimit(issue: { origin: string; inclusive?: boolean }, bound: number | bigint, least: boolean): string {
  const n = Number(bound);
  const limit = least ? (issue.inclusive === false ? n + 1 : n) : issue.inclusive === false ? n - 1 : n;
  const word = least ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'array':
      return least && limit === 1 ? 'needs at least one entry' : `needs ${word} ${limit} entries`;
    case 'string':
      return least && limit === 1 ? 'must not be empty' : `must be ${word} ${limit} characters long`;
    default:
      return `must be ${word} ${limit}`;
  }
}

/** A bound's own sentence where the schema gives one (zod's default starts "Too small" / "Too big"). */
function ownMessage(message: string): string | undefined {
  return /^Too (small|big)\b/.test(message) ? undefined : message;
}

/**
 * A sentence a person writing a procedure file can act on, for each kind of schema problem
 * (zod's own wording speaks to programmers: "Invalid input: expected string, received undefined").
 */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (input === undefined) return `is missing (it should be ${expected})`;
      return `should be ${expected}, not ${describeValue(input)}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describeValue(input)}`;
    case 'invalid_union': {
      if (input === undefined) return `is missing (${issue.message})`;
      // A discriminated union whose discriminator matched nothing lists what it accepts.
      if (issue.inclusive !== false && issue.discriminator !== undefined && issue.options) {
        return `must be one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}; got ${describeValue(input)}`;
      }
      return issue.message;
    }
    case 'too_small':
      return ownMessage(issue.message) ?? sizeLimit(issue, issue.minimum, true);
    case 'too_big':
      return ownMessage(issue.message) ?? sizeLimit(issue, issue.maximum, false);
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? `has a field this schema does not know: "${issue.keys[0] ?? ''}"`
        : `has fields this schema does not know: ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return issue.message;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

let fieldNames: readonly string[] | undefined;

/** Every field name the procedure schema knows, anywhere in it (for "did you mean"). */
function knownFieldNames(): readonly string[] {
  if (fieldNames) return fieldNames;
  const names = new Set<string>(['$schema']);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node as unknown[]) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'properties' && child !== null && typeof child === 'object') {
        for (const name of Object.keys(child)) names.add(name);
      }
      visit(child);
    }
  };
  visit(z.toJSONSchema(procedureSchema, { io: 'input', unrepresentable: 'any' }));
  fieldNames = [...names];
  return fieldNames;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known field an unknown one is most likely a misspelling of, if any is close. */
function closestFieldName(unknown: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of knownFieldNames()) {
    const distance = editDistance(unknown, name);
    if (distance <= Math.max(1, Math.floor(name.length / 4)) && (!best || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

function unknownFieldMessage(key: string): string {
  const suggestion = closestFieldName(key);
  return suggestion === undefined
    ? `unknown field "${key}" (check its spelling and where it sits)`
    : `unknown field "${key}": did you mean "${suggestion}"?`;
}

/**
 * Schema problems as paths and sentences. An unknown field is reported at the field itself
 * (one problem each), so a file loader can point at its line.
 */
export function problemsFromZod(error: z.ZodError, input: unknown): ProcedureProblem[] {
  return error.issues.flatMap((issue): ProcedureProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatProblemPath([...issue.path, key]),
        message: unknownFieldMessage(key),
      }));
    }
    return [{ path: formatProblemPath(issue.path), message: describeIssue(issue, valueAt(input, issue.path)) }];
  });
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
      const linked = outcome.opensLinkedCase;
      if (linked !== undefined) {
        const linkedPath = `${path}[${i}].opensLinkedCase`;
        stage(linked.stage, `${linkedPath}.stage`);
        const target = procedure.stages.find((s) => s.id === linked.stage);
        if (target && (!target.plan || (target !== procedure.stages[0] && !target.openable))) {
          problems.push({
            path: `${linkedPath}.stage`,
            message: `a linked case opens at a stage with a plan where a case may be opened; "${target.id}" is not one`,
          });
        }
        if (effect.type !== 'close') {
          problems.push({ path: effectPath, message: 'a decision that opens a linked case closes this one' });
        }
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
  for (const [column, id] of Object.entries(procedure.roster ?? {})) role(id, `roster.${column}`);

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
      s.review.meeting?.attendees.forEach((id, i) => {
        role(id, `${path}.review.meeting.attendees[${i}]`);
      });
      s.review.meeting?.attendeesWhenPlacementConcern.forEach((id, i) => {
        role(id, `${path}.review.meeting.attendeesWhenPlacementConcern[${i}]`);
      });
      s.review.meeting?.optionalAttendees.forEach((id, i) => {
        role(id, `${path}.review.meeting.optionalAttendees[${i}]`);
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

  procedure.copyAllCorrespondenceTo?.to.forEach((recipient, j) => {
    if (recipient.kind === 'role' || recipient.kind === 'role_if_absent') {
      role(recipient.role, `copyAllCorrespondenceTo.to[${j}].role`);
    }
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

  const appeal = procedure.appeal;
  if (appeal) {
    const decided = new Set([
      ...procedure.stages.flatMap((s) => s.review?.outcomes ?? []).map((o) => o.id),
      ...procedure.panels.flatMap((p) => p.decisions).map((d) => d.id),
    ]);
    appeal.against.forEach((id, i) => {
      if (!decided.has(id)) problems.push({ path: `appeal.against[${i}]`, message: `unknown outcome "${id}"` });
    });
    appeal.recordedBy.forEach((id, i) => {
      role(id, `appeal.recordedBy[${i}]`);
    });
    appeal.inform.forEach((recipient, j) => {
      if (recipient.kind === 'role' || recipient.kind === 'role_if_absent')
        role(recipient.role, `appeal.inform[${j}].role`);
    });
  }

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
  const problems = parsed.success ? findReferenceProblems(parsed.data) : problemsFromZod(parsed.error, input);
  if (!parsed.success || problems.length > 0) {
    const summary = problems
      .slice(0, 5)
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ');
    throw new DomainError(
      'invalid_procedure',
      `The procedure definition has ${problems.length} problem(s): ${summary.replace(/\.$/, '')}.`,
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
    throw new DomainError('invalid_procedure', `The procedure file is not valid JSON: ${reason.replace(/\.$/, '')}.`, {
      problems: [{ path: '(file)', message: reason }],
    });
  }
  // An exported file names its JSON Schema for editors; that reference is not part of the procedure.
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$schema' in value) {
    const { $schema: _editorSchema, ...definition } = value as Record<string, unknown>;
    return loadProcedure(definition);
  }
  return loadProcedure(value);
}

export function getStage(procedure: Procedure, stageId: string): Stage {
  const stage = procedure.stages.find((s) => s.id === stageId);
  if (!stage) throw new DomainError('unknown_stage', `This procedure has no stage "${stageId}".`);
  return stage;
}
