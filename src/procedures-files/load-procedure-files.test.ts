import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PROCEDURES } from '../domain/procedures/index.js';
import { loadConfiguredProcedures, procedureSourcesFromEnv } from './config.js';
import { formatFileProblem, loadProcedureFiles, loadProcedureText } from './load-procedure-files.js';

/**
 * A small procedure written by hand in YAML, and the same as JSON, broken in one place at a time:
 * every problem must come back as `file:line:col path — message`, at the line of the mistake.
 */
const VALID_YAML = `# yaml-language-server: $schema=../schemas/procedure.schema.json
id: oak-support
version: 3
provider: { id: oak_scitt, name: Oak SCITT, shortName: Oak }
name: Support Procedure
purpose: Supports a trainee who is not making the expected progress.
frameworks: [teachers-standards]
reasons:
  - id: progress
    label: Not making the expected progress
roles:
  - { id: trainee, label: Trainee, side: trainee, requiredOnCase: true }
  - { id: mentor, label: Mentor, side: school, requiredOnCase: true }
  - { id: tutor, label: Tutor, side: provider, requiredOnCase: true }
stages:
  - id: support_plan
    title: Support plan
    formality: informal
    plan:
      title: Support plan
      maxTargets: 3
      reviewWindow: { amount: 3, unit: weeks }
      frameworks: [teachers-standards]
      signatures:
        required:
          - anyOf: [trainee]
          - anyOf: [mentor, tutor]
        statement: We agree this plan.
    review:
      kind: review
      title: Review
      reviewers: [mentor, tutor]
      outcomes:
        - id: met
          label: Targets met
          explanation: The case closes.
          effect: { type: close, resolution: resolved }
        - id: not_met
          label: Targets not met
          explanation: The case moves to the formal stage.
          effect: { type: go_to_stage, stage: formal }
  - id: formal
    title: Formal stage
    formality: formal
    review:
      kind: decision
      title: Decision
      reviewers: [tutor]
      perTarget: false
      outcomes:
        - id: continue_training
          label: Training continues
          explanation: The case closes.
          effect: { type: close, resolution: decision }
`;

/** Line and column (1-based) of the first `needle` in `text` (after the `after` marker, if given). */
function place(text: string, needle: string, after = ''): { line: number; column: number } {
  const offset = text.indexOf(needle, after === '' ? 0 : text.indexOf(after));
  if (offset < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function lines(text: string, file: string, format: 'yaml' | 'json' = 'yaml') {
  const result = loadProcedureText(text, file, format);
  return {
    ...result,
    errorLines: result.errors.map(formatFileProblem),
    warningLines: result.warnings.map(formatFileProblem),
  };
}

const at = (file: string, where: { line: number; column: number }, rest: string): string =>
  `${file}:${where.line}:${where.column} ${rest}`;

describe('a YAML procedure file', () => {
  const file = 'procedures/oak.yaml';

  it('loads when valid, with its version and the built-in framework it names', () => {
    const result = lines(VALID_YAML, file);
    expect(result.errorLines).toEqual([]);
    expect(result.warningLines).toEqual([]);
    expect(result.procedure?.version).toBe(3);
    expect(result.procedure?.frameworks[0]?.name).toBe("Teachers' Standards");
    expect(lines(VALID_YAML.replace('version: 3', 'version: "2026-27"'), file).procedure?.version).toBe('2026-27');
  });

  it('reports a syntax error at its line (the first only: the rest are the parser losing its place)', () => {
    const text = VALID_YAML.replace('    title: Support plan\n    formality', '    title: Support plan\n   formality');
    expect(lines(text, file).errorLines).toEqual([
      at(file, place(text, '   formality: informal'), '(file) — Sequence item without - indicator'),
    ]);
  });

  it('reports a field given twice', () => {
    const text = VALID_YAML.replace('name: Support Procedure\n', 'name: Support Procedure\nname: Again\n');
    expect(lines(text, file).errorLines).toEqual([
      at(file, place(text, 'name: Again'), '(file) — this field is given twice in the same place'),
    ]);
  });

  it('reports a missing field at the part that lacks it', () => {
    const text = VALID_YAML.replace('          explanation: The case moves to the formal stage.\n', '');
    expect(lines(text, file).errorLines).toEqual([
      at(file, place(text, 'id: not_met'), 'stages[0].review.outcomes[1].explanation — is missing (it should be text)'),
    ]);
  });

  it('reports a wrong type, an unknown field (with the likely one) and a value out of range', () => {
    const text = VALID_YAML.replace('maxTargets: 3', 'maxTarget: 3')
      .replace('formality: formal', 'formality: [formal]')
      .replace('reviewWindow: { amount: 3, unit: weeks }', 'reviewWindow: { amount: 3, unit: fortnights }');
    expect(lines(text, file).errorLines).toEqual([
      at(
        file,
        place(text, 'unit: fortnights'),
        'stages[0].plan.reviewWindow.unit — must be one of "working_days", "calendar_days", "weeks"; got "fortnights"',
      ),
      at(
        file,
        place(text, 'maxTarget: 3'),
        'stages[0].plan.maxTarget — unknown field "maxTarget": did you mean "maxTargets"?',
      ),
      at(
        file,
        place(text, 'formality: [formal]'),
        'stages[1].formality — must be one of "informal", "formal", "panel", "decision"; got a list',
      ),
    ]);
  });

  it('keeps closed cases six years by default, and refuses a retention that could remove recent cases', () => {
    expect(lines(VALID_YAML, file).procedure?.retention).toEqual({ yearsAfterClosure: 6, then: 'delete' });
    const anonymise = `${VALID_YAML}retention: { yearsAfterClosure: 7, then: anonymise }\n`;
    expect(lines(anonymise, file).procedure?.retention).toEqual({ yearsAfterClosure: 7, then: 'anonymise' });
    const text = `${VALID_YAML}retention: { yearsAfterClosure: 0, then: shred }\n`;
    const result = lines(text, file);
    expect(result.procedure).toBeUndefined();
    expect(result.errorLines).toEqual([
      at(
        file,
        place(text, 'yearsAfterClosure: 0'),
        'retention.yearsAfterClosure — keep closed cases at least 1 year after they close: a shorter time could remove a record still in use',
      ),
      at(file, place(text, 'then: shred'), 'retention.then — must be one of "delete", "anonymise"; got "shred"'),
    ]);
  });

  it('reports an outcome effect of an unknown kind, and a version that is neither a number nor a label', () => {
    const text = VALID_YAML.replace('{ type: go_to_stage, stage: formal }', '{ type: goto, stage: formal }').replace(
      'version: 3',
      'version: 2.5',
    );
    expect(lines(text, file).errorLines).toEqual([
      at(
        file,
        place(text, 'version: 2.5'),
        'version — a version is a whole number from 1, or a short label such as "2026-27" (quote it in YAML)',
      ),
      at(
        file,
        place(text, 'type: goto'),
        'stages[0].review.outcomes[1].effect.type — must be one of "close", "go_to_stage", "revise", "hand_off", "continue"; got "goto"',
      ),
    ]);
  });

  it('reports a reference to an unknown role and an unknown stage, at the reference', () => {
    const text = VALID_YAML.replace('reviewers: [tutor]', 'reviewers: [headteacher]').replace(
      'stage: formal }',
      'stage: formal_stage }',
    );
    expect(lines(text, file).errorLines).toEqual([
      at(
        file,
        place(text, 'stage: formal_stage'),
        'stages[0].review.outcomes[1].effect.stage — unknown stage "formal_stage"',
      ),
      at(file, place(text, 'headteacher'), 'stages[1].review.reviewers[0] — unknown role "headteacher"'),
    ]);
  });

  it('reports the walk checks: an unreachable stage, a stage that never ends, a silly window and too many targets', () => {
    const unreachable = VALID_YAML.replace(
      '{ type: go_to_stage, stage: formal }',
      '{ type: close, resolution: referred }',
    );
    expect(lines(unreachable, file).errorLines).toEqual([
      at(
        file,
        place(unreachable, 'id: formal'),
        'stages[1] — stage "formal" cannot be reached: no entry, outcome, decision, escalation or "next" leads to it (mark it "openable" if cases may start there)',
      ),
    ]);
    const endless = VALID_YAML.replace(
      '{ type: close, resolution: decision }',
      '{ type: go_to_stage, stage: support_plan }',
    ).replace('{ type: close, resolution: resolved }', '{ type: go_to_stage, stage: formal }');
    expect(lines(endless, file).errorLines).toEqual([
      at(
        file,
        place(endless, 'id: support_plan'),
        'stages[0] — a case at stage "support_plan" can never end: no outcome or decision from here on closes the case or hands it off',
      ),
      at(
        file,
        place(endless, 'id: formal'),
        'stages[1] — a case at stage "formal" can never end: no outcome or decision from here on closes the case or hands it off',
      ),
    ]);
    const silly = VALID_YAML.replace('{ amount: 3, unit: weeks }', '{ amount: 60, unit: weeks }').replace(
      'maxTargets: 3',
      'maxTargets: 15',
    );
    expect(lines(silly, file).errorLines).toEqual([
      at(
        file,
        place(silly, 'maxTargets: 15'),
        'stages[0].plan.maxTargets — 15 targets is not a focused plan: allow at most 10',
      ),
      at(
        file,
        place(silly, 'reviewWindow:'),
        'stages[0].plan.reviewWindow — a review window of 60 weeks is a year or more: reviews must come sooner',
      ),
    ]);
  });

  it('reports warnings, and still loads', () => {
    const text = VALID_YAML.replace(
      '  - { id: tutor, label: Tutor, side: provider, requiredOnCase: true }\n',
      '  - { id: tutor, label: Tutor, side: provider, requiredOnCase: true }\n  - { id: director, label: Director, side: provider }\n',
    ).replace(
      '    review:\n      kind: decision',
      '    inform:\n      - on: stage_entered\n        to: [{ kind: role, role: director }]\n    review:\n      kind: decision',
    );
    const result = lines(text, file);
    expect(result.errorLines).toEqual([]);
    expect(result.procedure?.id).toBe('oak-support');
    expect(result.warningLines).toEqual([
      at(
        file,
        place(text, '{ kind: role, role: director }'),
        'stages[1].inform[0].to[0] — when nobody on a case is the Director, nobody is told: add "otherwise" with an office to tell instead, or mark the role "requiredOnCase"',
      ),
    ]);
  });
});

describe('a JSON procedure file (JSON is YAML, so the same lines)', () => {
  const file = 'procedures/oak.json';
  const valid = loadProcedureText(VALID_YAML, file, 'yaml').procedure;
  const json = `${JSON.stringify({ $schema: '../schemas/procedure.schema.json', ...valid }, null, 2)}\n`;

  it('loads when valid, to the same procedure as the YAML', () => {
    expect(lines(json, file, 'json').errorLines).toEqual([]);
    expect(lines(json, file, 'json').procedure).toEqual(valid);
  });

  it('reports a syntax error that YAML would forgive (a trailing comma) at its line', () => {
    const text = json.replace('"shortName": "Oak"', '"shortName": "Oak",');
    expect(lines(text, file, 'yaml').errorLines).toEqual([]);
    const problems = lines(text, file, 'json').errorLines;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^procedures\/oak\.json:\d+:\d+ \(file\) — not valid JSON: /);
    expect(problems[0]).toContain(`${file}:${place(text, '}', '"shortName": "Oak",').line}:`);
  });

  it('reports a missing field, an unknown role and a silly window at their lines', () => {
    const parsed = JSON.parse(json) as {
      name?: string;
      stages: { review: { reviewers: string[] }; plan?: { reviewWindow: unknown } }[];
    };
    delete parsed.name;
    const formal = parsed.stages[1];
    if (formal) formal.review.reviewers = ['governor'];
    const text = `${JSON.stringify(parsed, null, 2)}\n`;
    expect(lines(text, file, 'json').errorLines).toEqual([
      at(file, { line: 1, column: 1 }, 'name — is missing (it should be text)'),
    ]);
    parsed.name = 'Support Procedure';
    const withRole = `${JSON.stringify(parsed, null, 2)}\n`;
    expect(lines(withRole, file, 'json').errorLines).toEqual([
      at(file, place(withRole, '"governor"'), 'stages[1].review.reviewers[0] — unknown role "governor"'),
    ]);
    if (formal) formal.review.reviewers = ['tutor'];
    const plan = parsed.stages[0]?.plan;
    if (plan) plan.reviewWindow = { amount: 380, unit: 'calendar_days' };
    const silly = `${JSON.stringify(parsed, null, 2)}\n`;
    expect(lines(silly, file, 'json').errorLines).toEqual([
      at(
        file,
        place(silly, '"reviewWindow"'),
        'stages[0].plan.reviewWindow — a review window of 380 days is a year or more: reviews must come sooner',
      ),
    ]);
  });
});

describe('a folder of procedure files', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trellis-procedures-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every .json, .yaml and .yml file beside a README, and names clashing ids', async () => {
    const folder = path.join(dir, 'mixed');
    await rm(folder, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder);
    await writeFile(path.join(folder, 'README.md'), '# not a procedure\n');
    await writeFile(path.join(folder, 'a-oak.yaml'), VALID_YAML);
    await writeFile(path.join(folder, 'b-oak-again.yml'), VALID_YAML);
    const bcu = SEED_PROCEDURES[0];
    await writeFile(path.join(folder, 'c-bcu.json'), JSON.stringify(bcu));
    const result = await loadProcedureFiles(folder, { builtIns: SEED_PROCEDURES });
    expect(result.procedures.map((p) => [path.basename(p.file), p.procedure.id])).toEqual([
      ['a-oak.yaml', 'oak-support'],
    ]);
    expect(result.problems.map(formatFileProblem)).toEqual([
      `${path.join(folder, 'b-oak-again.yml')}:${place(VALID_YAML, 'id: oak-support').line}:1 id — "oak-support" is also the id of the procedure in ${path.join(folder, 'a-oak.yaml')}`,
      `${path.join(folder, 'c-bcu.json')}:1:2 id — "bcu-rapid-improvement-targets" is the id of a procedure Trellis ships: give this procedure its own id`,
    ]);
  });

  it('follows links to files, as mounted configuration has them', async () => {
    const { mkdir, symlink } = await import('node:fs/promises');
    const folder = path.join(dir, 'linked');
    await mkdir(path.join(folder, '..data'), { recursive: true });
    await writeFile(path.join(folder, '..data', 'oak.yaml'), VALID_YAML);
    await symlink(path.join('..data', 'oak.yaml'), path.join(folder, 'oak.yaml'));
    const result = await loadProcedureFiles(folder);
    expect(result.problems).toEqual([]);
    expect(result.procedures.map((p) => path.basename(p.file))).toEqual(['oak.yaml']);
  });

  it('says when the folder is missing', async () => {
    const missing = path.join(dir, 'nowhere');
    const result = await loadProcedureFiles(missing);
    expect(result.problems.map(formatFileProblem)).toEqual([
      `${missing}:1:1 (folder) — the procedures folder does not exist`,
    ]);
  });

  it('runs the built-in procedures and the files, as TRELLIS_PROVIDER_PROCEDURES chooses', async () => {
    const folder = path.join(dir, 'choose');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'oak.yaml'), VALID_YAML);
    const problems: string[] = [];
    const all = procedureSourcesFromEnv({ TRELLIS_PROCEDURES_DIR: ` ${folder} ` }, problems);
    expect(all).toEqual({ dir: folder, selection: 'all' });
    expect((await loadConfiguredProcedures(all, SEED_PROCEDURES)).procedures.map((p) => p.id)).toEqual([
      ...SEED_PROCEDURES.map((p) => p.id),
      'oak-support',
    ]);
    const chosen = procedureSourcesFromEnv(
      { TRELLIS_PROCEDURES_DIR: folder, TRELLIS_PROVIDER_PROCEDURES: 'oak-support; mid-essex-early-support' },
      problems,
    );
    expect(problems).toEqual([]);
    expect((await loadConfiguredProcedures(chosen, SEED_PROCEDURES)).procedures.map((p) => p.id)).toEqual([
      'mid-essex-early-support',
      'oak-support',
    ]);
    const unknown = await loadConfiguredProcedures({ dir: folder, selection: ['oak-suport'] }, SEED_PROCEDURES);
    expect(unknown.procedures).toEqual([]);
    expect(unknown.problems).toEqual([
      `TRELLIS_PROVIDER_PROCEDURES names "oak-suport", which is not a built-in procedure or one in ${folder} (there are: ${[...SEED_PROCEDURES.map((p) => p.id), 'oak-support'].join(', ')})`,
    ]);
    procedureSourcesFromEnv({ TRELLIS_PROVIDER_PROCEDURES: 'Oak Support' }, problems);
    expect(problems).toEqual([
      'TRELLIS_PROVIDER_PROCEDURES lists procedure ids separated by ";" (lower-case letters, digits and hyphens), got "Oak Support"',
    ]);
  });

  it('refuses to run anything when a file in the folder is invalid, one line per problem', async () => {
    const folder = path.join(dir, 'broken');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    // The schema's problems come first: the role reference is checked only once the schema is satisfied.
    const broken = VALID_YAML.replace('reviewers: [tutor]', 'reviewers: [governor]').replace(
      'maxTargets: 3',
      'maxTargets: 30',
    );
    await writeFile(path.join(folder, 'oak.yaml'), broken);
    await writeFile(path.join(folder, 'elm.json'), '{}\n');
    const result = await loadConfiguredProcedures({ dir: folder, selection: 'all' }, SEED_PROCEDURES);
    expect(result.procedures).toEqual([]);
    const elm = path.join(folder, 'elm.json');
    expect(result.problems).toEqual([
      ...['id', 'version', 'provider', 'name', 'purpose', 'frameworks', 'reasons', 'roles', 'stages'].map(
        (field) =>
          expect.stringMatching(
            new RegExp(`^${elm.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1 ${field} — is missing`),
          ) as unknown,
      ),
      `${path.join(folder, 'oak.yaml')}:${place(broken, 'maxTargets: 30').line}:7 stages[0].plan.maxTargets — must be at most 20`,
    ]);
  });
});
