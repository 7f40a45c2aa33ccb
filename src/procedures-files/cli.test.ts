import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PROCEDURES } from '../domain/procedures/index.js';
import { runProcedureCheck, runProcedureExport, runProcedureSchema } from './cli.js';
import { FIELD_HELP, PROCEDURE_SCHEMA_PATH, SCHEMA_OUT_OF_DATE, schemaMatches } from './json-schema.js';
import { loadProcedureFile } from './load-procedure-files.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'procedures', 'kestrel-scitt-cause-for-concern.yaml');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trellis-procedure-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('procedure:export', () => {
  it.each(SEED_PROCEDURES.map((p) => [p.id, p] as const))(
    '%s exports to JSON and YAML files that load back to exactly the built-in procedure',
    async (id, procedure) => {
      for (const [extension, flags] of [
        ['json', []],
        ['yaml', ['--yaml']],
      ] as const) {
        const out = path.join(dir, 'procedures', `${id}.${extension}`);
        const result = await runProcedureExport([id, '--out', out, ...flags], SEED_PROCEDURES, ROOT);
        expect(result).toMatchObject({ exitCode: 0, stdout: '' });
        const loaded = await loadProcedureFile(out);
        expect(loaded.errors).toEqual([]);
        expect(loaded.procedure).toEqual(procedure);
      }
    },
  );

  it('prints JSON with a $schema reference, naming the built-in framework by id and leaving defaults out', async () => {
    const result = await runProcedureExport(['mid-essex-early-support'], SEED_PROCEDURES);
    expect(result.exitCode).toBe(0);
    const file = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(file).slice(0, 2)).toEqual(['$schema', 'id']);
    expect(file.$schema).toBe('../schemas/procedure.schema.json');
    expect(file.frameworks).toEqual(['teachers-standards']);
    expect(result.stdout).not.toContain('"requiredOnCase": false');
  });

  it('points $schema at the committed schema from wherever --out writes the file', async () => {
    const out = path.join(dir, 'deep', 'down', 'bcu.json');
    await runProcedureExport(['bcu-rapid-improvement-targets', '--out', out], SEED_PROCEDURES, ROOT);
    const file = JSON.parse(await readFile(out, 'utf8')) as { $schema: string };
    expect(path.resolve(path.dirname(out), file.$schema)).toBe(path.join(ROOT, PROCEDURE_SCHEMA_PATH));
  });

  it('refuses an unknown procedure, naming the ones there are', async () => {
    const result = await runProcedureExport(['bcu'], SEED_PROCEDURES);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('There is no built-in procedure "bcu".');
    expect(result.stderr).toContain(SEED_PROCEDURES.map((p) => p.id).join(', '));
    expect((await runProcedureExport([], SEED_PROCEDURES)).exitCode).toBe(2);
    expect((await runProcedureExport(['enhanced-support', '--yml'], SEED_PROCEDURES)).stderr).toContain(
      'Unknown option: --yml',
    );
  });
});

describe('the JSON Schema editors use', () => {
  it(`is committed at ${PROCEDURE_SCHEMA_PATH} and matches the procedure schema in the code`, async () => {
    const committed = await readFile(path.join(ROOT, PROCEDURE_SCHEMA_PATH), 'utf8');
    expect(schemaMatches(committed), SCHEMA_OUT_OF_DATE).toBe(true);
    expect(await runProcedureSchema(['--check'], ROOT)).toMatchObject({ exitCode: 0 });
  });

  it('describes the fields providers write most, on hover in an editor', async () => {
    const committed = await readFile(path.join(ROOT, PROCEDURE_SCHEMA_PATH), 'utf8');
    for (const [field, help] of Object.entries(FIELD_HELP)) {
      expect(committed, `no field "${field}" in the schema any more`).toContain(`"${field}": {\n`);
      expect(committed).toContain(JSON.stringify(help));
    }
  });

  it('tells how to regenerate it when it no longer matches', async () => {
    const stale = path.join(dir, 'stale');
    await rm(stale, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(stale, 'schemas'), { recursive: true });
    await writeFile(path.join(stale, PROCEDURE_SCHEMA_PATH), '{"type": "object"}\n');
    expect(await runProcedureSchema(['--check'], stale)).toEqual({
      stdout: '',
      stderr: `${SCHEMA_OUT_OF_DATE}\n`,
      exitCode: 1,
    });
    expect(SCHEMA_OUT_OF_DATE).toContain('run `npm run procedure:schema`');
  });

  it('is what procedure files and VS Code point at', async () => {
    const example = await readFile(EXAMPLE, 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(example)?.[1] ?? '';
    expect(path.resolve(path.dirname(EXAMPLE), modeline)).toBe(path.join(ROOT, PROCEDURE_SCHEMA_PATH));
    const settings = JSON.parse(await readFile(path.join(ROOT, '.vscode', 'settings.json'), 'utf8')) as {
      'json.schemas': { fileMatch: string[]; url: string }[];
      'yaml.schemas': Record<string, string[]>;
    };
    expect(settings['json.schemas'][0]).toEqual({
      fileMatch: ['/examples/procedures/*.json', '/procedures/*.json'],
      url: `./${PROCEDURE_SCHEMA_PATH}`,
    });
    expect(settings['yaml.schemas'][`./${PROCEDURE_SCHEMA_PATH}`]).toEqual(
      expect.arrayContaining(['examples/procedures/*.yaml', 'procedures/*.yaml']),
    );
  });
});

describe('procedure:check', () => {
  it('validates the example, then prints it in plain words and as a Mermaid flowchart', async () => {
    const result = await runProcedureCheck([EXAMPLE], SEED_PROCEDURES);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`${EXAMPLE}: kestrel-scitt-cause-for-concern (version 2026-27) is valid.`);
    for (const line of [
      'Cause for Concern Procedure — Kestrel Schools SCITT',
      '1. Stage 1: Cause for Concern [cause_for_concern] — informal',
      '   Plan "Cause for Concern support plan": 1–3 targets, each linked to Teachers\' Standards (SMART)',
      '     reviewed within 3 weeks of agreeing it; extensions up to 5 weeks',
      '     signed by: Trainee; School mentor; SCITT link tutor',
      '     when a plan is agreed: the course mailbox — with the form',
      '   Progress review meeting (decision) by SCITT director:',
      '     → Referred under the Fitness to Teach procedure [fitness_to_teach]: hands the case off to Kestrel SCITT Fitness to Teach procedure',
      "  The placement school's headteacher [placement_school]",
      'flowchart TD',
      '  opened --> s_cause_for_concern',
      '  s_cause_for_concern -->|"The targets have not been met"| s_formal_cause_for_concern',
      '  s_cause_for_concern -.->|"escalation"| s_formal_cause_for_concern',
      '  s_formal_cause_for_concern -->|"Referred under the Fitness to Teach procedure"| handoff_0',
      '  closed_withdrawn(["Closed: withdrawn"])',
    ]) {
      expect(result.stdout.split('\n')).toContain(line);
    }
  });

  it('prints only the diagram with --mermaid, a panel as a hexagon with its decisions', async () => {
    const result = await runProcedureCheck(['bcu-rapid-improvement-targets', '--mermaid'], SEED_PROCEDURES);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('  p_placement_review_panel{{"Placement Review Panel"}}');
    expect(lines).toContain('  s_stage_5 --> p_placement_review_panel');
    expect(lines).toContain('  s_stage_1 -->|"plan agreed"| s_stage_2');
    expect(lines.filter((l) => l.startsWith('  p_placement_review_panel -->'))).toHaveLength(5);
    // Quotes and angle brackets in a label cannot end the label or open markup.
    expect(lines.every((l) => !/"[^"|]*"[^|\]}]*"\|/.test(l))).toBe(true);
  });

  it('prints each problem of a broken file as file:line:col path — message, and exits 1', async () => {
    const text = (await readFile(EXAMPLE, 'utf8'))
      .replace('reviewers: [director]', 'reviewers: [headteacher]')
      .replace(
        'maxTargets: 3\n      reviewWindow: { amount: 3, unit: weeks }\n      reviewWindowText: The formal',
        'maxTargets: 30\n      reviewWindow: { amount: 3, unit: weeks }\n      reviewWindowText: The formal',
      );
    const broken = path.join(dir, 'broken.yaml');
    await writeFile(broken, text);
    const result = await runProcedureCheck([broken], SEED_PROCEDURES);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    const line = (needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
    expect(result.stderr.split('\n')).toEqual([
      `error: ${broken}:${line('maxTargets: 30')}:7 stages[1].plan.maxTargets — must be at most 20`,
      '1 error(s): fix them and check again.',
      '',
    ]);
    // The reference is checked once the schema is satisfied, and shown at the list item itself.
    const second = text.replace('maxTargets: 30', 'maxTargets: 3');
    await writeFile(broken, second);
    expect((await runProcedureCheck([broken], SEED_PROCEDURES)).stderr).toContain(
      `error: ${broken}:${line('[headteacher]')}:19 stages[1].review.reviewers[0] — unknown role "headteacher"`,
    );
  });

  it('checks a built-in procedure by id, a folder, and says what it cannot find', async () => {
    const builtIn = await runProcedureCheck(['enhanced-support'], SEED_PROCEDURES);
    expect(builtIn.exitCode).toBe(0);
    expect(builtIn.stderr).toContain('warning: built-in enhanced-support: stages[1].inform[0].to[0] — when nobody');
    const folder = await runProcedureCheck([path.dirname(EXAMPLE), '--mermaid'], SEED_PROCEDURES);
    expect(folder.exitCode).toBe(0);
    expect(folder.stdout.startsWith('flowchart TD\n')).toBe(true);
    const missing = await runProcedureCheck(['no-such-thing.yaml'], SEED_PROCEDURES);
    expect(missing).toEqual({
      stdout: '',
      stderr:
        'error: no-such-thing.yaml:1:1 (file) — no such file, folder or built-in procedure\n1 error(s): fix them and check again.\n',
      exitCode: 1,
    });
  });
});
