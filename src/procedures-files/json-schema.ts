import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { procedureFileSchema } from '../domain/procedure/procedure-file.js';

/**
 * The JSON Schema of a procedure file, generated from the domain's zod schema so the two cannot
 * drift (a test compares it with the committed `schemas/procedure.schema.json`). Editors use it
 * to complete and check procedure files as they are written: VS Code through
 * `.vscode/settings.json`, and any editor through the file's `$schema` (JSON) or
 * `# yaml-language-server: $schema=…` line (YAML). Fields with defaults are optional, as in a file.
 */

/** Where the schema is committed, from the repository root. */
export const PROCEDURE_SCHEMA_PATH = 'schemas/procedure.schema.json';

/**
 * What editors show on hover for the fields a provider most often writes, by field name (only
 * names that mean one thing wherever they appear). A test checks each still exists.
 */
export const FIELD_HELP: Readonly<Record<string, string>> = {
  $schema: 'Where editors find this JSON Schema; Trellis ignores it.',
  version:
    'This revision of the procedure: a whole number (1, 2, …) or your label ("2026-27"). Each case records the version it was opened under.',
  provider: 'Who runs the procedure. provider.id also keys the course mailbox (TRELLIS_COURSE_MAILBOXES).',
  purpose: "The provider's words on what the procedure is for.",
  confidential: 'The procedure is marked confidential on its forms.',
  raisedBy: 'Roles who may raise a concern and open a case (the course team always may).',
  side: 'Whose side the role is on: the trainee, the school or the provider.',
  requiredOnCase: 'A case cannot be opened without someone in this role.',
  multiple: 'Several people may hold the role on one case (several mentors).',
  conduct: "The reason is about conduct (Teachers' Standards Part Two).",
  formality: 'How formal the stage is: informal, formal, panel or decision.',
  openable: 'A case may be opened directly at this stage (it may always be opened at the first).',
  minTargets: 'The fewest targets the plan may have (default 1).',
  maxTargets: 'The most targets the plan may have (at most 10).',
  reviewWindow:
    'The latest review date, counted from the day the plan is agreed: { amount, unit } in working_days, calendar_days or weeks.',
  reviewWindowText: "The provider's words about the review date, shown on the form.",
  extensionCap: 'The latest review date after extensions, counted from the day the plan was agreed.',
  targetsLinkedToFramework: 'Each target must cite at least one framework item (default true).',
  actionParties: 'Roles who get actions of their own for each target.',
  actionsForEveryParty: 'Every target needs an action from each action party someone on the case holds.',
  oneTargetPerObservation: 'Only one target is the focus of an observation at a time.',
  grades:
    'Concerns are graded on this scale against the grade descriptors; a concern graded belowExpectation needs a target linked to one of its standards before the plan is signed.',
  belowExpectation: 'A concern with this grade must be addressed by a target.',
  smartTargets: 'Targets are expected to be SMART.',
  signatures:
    'Who signs the plan (required: each entry is met by a signature from anyOf its roles) and the statement they sign.',
  anyOf: 'The requirement is met by a signature from any one of these roles.',
  whenAssigned: 'Required only when someone on the case holds one of these roles ("if applicable").',
  everyone: 'Every person on the case in these roles signs, not just one of them.',
  reviewers: 'Roles who record the review (the course team always may).',
  perTarget: 'Progress is recorded for each target: met, partly met or not met (default true).',
  effect:
    'What the outcome does: close the case, go_to_stage, revise (new targets reviewed at reviewAt), hand_off to a separate procedure, or continue.',
  reviewAt: 'The stage at which the revised targets are reviewed.',
  traineeNotice: 'Information given to the trainee with this outcome.',
  next: 'For a stage with a plan and no review: the stage that reviews the agreed plan.',
  escalateTo: 'Stages the course team may move the case to without a review.',
  inform:
    'Who is told, on which event: the "a copy is sent to …" steps. Each rule has on (the event), to (recipients) and optionally attachForm and outcomes.',
  attachForm: 'The completed form is attached as a PDF.',
  otherwise: 'The office told instead when nobody on the case holds the role.',
  availableAt: 'Stages at which the panel may be convened; empty: any stage.',
  quorum: 'How many members must attend for the panel to decide.',
  maxMembers: 'The most members the panel may have.',
  decisions: "The panel's possible decisions, each with its effect.",
  closures: 'Provider closure days ("2026-12-24" or { from, to, reason }) on top of weekends and bank holidays.',
};

/** Adds FIELD_HELP descriptions to every property of that name in a generated schema. */
function withFieldHelp(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withFieldHelp);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'properties' && value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, schema]) => {
          const help = FIELD_HELP[name];
          const described = withFieldHelp(schema);
          return [
            name,
            help === undefined || described === null || typeof described !== 'object'
              ? described
              : { description: help, ...(described as Record<string, unknown>) },
          ];
        }),
      );
    } else out[key] = withFieldHelp(value);
  }
  return out;
}

export function procedureJsonSchema(): Record<string, unknown> {
  const generated = withFieldHelp(
    z.toJSONSchema(procedureFileSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }),
  ) as Record<string, unknown>;
  return {
    ...generated,
    title: 'Trellis procedure',
    description:
      "A teacher-training provider's trainee support procedure, run by Trellis: roles, stages, plans, reviews, outcomes, panels and who is told. Check a file with `npm run procedure:check <file>`.",
  };
}

/** What to do when the committed schema no longer matches the code. */
export const SCHEMA_OUT_OF_DATE = `${PROCEDURE_SCHEMA_PATH} does not match the procedure schema in src/domain/procedure: run \`npm run procedure:schema\` and commit the file.`;

/** Whether the committed text is the schema the code generates (formatting aside). */
export function schemaMatches(committedText: string): boolean {
  let committed: unknown;
  try {
    committed = JSON.parse(committedText);
  } catch {
    return false;
  }
  return isDeepStrictEqual(committed, JSON.parse(JSON.stringify(procedureJsonSchema())));
}
