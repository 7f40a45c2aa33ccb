import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES, CaseNotFoundError, failureOf, InputError } from '../../src/app/errors.js';
import { NotificationNotFailedError, NotificationNotFoundError } from '../../src/app/notifications/failed.js';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { calendarFor } from '../../src/domain/case/command-kit.js';
import { assertReviewDateInWindow, reviewWindow } from '../../src/domain/case/plan-rules.js';
import { DomainError } from '../../src/domain/errors.js';
import type { PlanRules } from '../../src/domain/procedure/schema.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';

/**
 * Every refusal a person can meet reads as one clear sentence (or a few whole ones): it starts
 * with a capital, ends with a full stop, never says "undefined", never runs a sentence of the
 * procedure's into the middle of its own ("the review must be Using professional judgement,
 * …"), and never shows an internal id where a name belongs.
 *
 * Two walks: every refusal written in the domain and the use cases (each `new DomainError`,
 * each use-case error class, read from the source with the TypeScript parser and rendered with
 * stand-ins for the values it interpolates), which must between them cover every code of
 * APP_ERROR_CODES; and the refusals whose words come from the procedures (review windows,
 * labels), produced by the real rules from every procedure there is.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCES = ['src/domain', 'src/app', 'src/server/http', 'src/server/routes'].map((dir) => path.join(ROOT, dir));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'walks' ? [] : filesUnder(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.includes('testing') ? [full] : [];
  });
}

interface Written {
  readonly where: string;
  readonly code: string | undefined;
  /** The message with each interpolated value replaced by a stand-in; undefined when it is built elsewhere. */
  readonly rendered: readonly string[] | undefined;
  /** The interpolated expressions, as written. */
  readonly values: readonly string[];
}

/** A stand-in for an interpolated value: capitalised where it opens the message. */
function standIn(atStart: boolean): string {
  return atStart ? 'Target 1' : 'the mentor';
}

function render(node: ts.Expression, source: ts.SourceFile): { texts: string[]; values: string[] } | undefined {
  if (ts.isParenthesizedExpression(node)) return render(node.expression, source);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { texts: [node.text], values: [] };
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    const values: string[] = [];
    for (const span of node.templateSpans) {
      const inner = span.expression;
      // A nested template or a choice between literals is rendered as its first form.
      const nested = render(inner, source);
      text += nested?.texts[0] ?? standIn(text.trim() === '');
      values.push(inner.getText(source), ...(nested?.values ?? []));
      text += span.literal.text;
    }
    return { texts: [text], values };
  }
  if (ts.isConditionalExpression(node)) {
    const a = render(node.whenTrue, source);
    const b = render(node.whenFalse, source);
    if (!a || !b) return undefined;
    return { texts: [...a.texts, ...b.texts], values: [...a.values, ...b.values] };
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const a = render(node.left, source);
    const b = render(node.right, source);
    if (!a || !b) return undefined;
    return { texts: a.texts.flatMap((x) => b.texts.map((y) => x + y)), values: [...a.values, ...b.values] };
  }
  return undefined;
}

function writtenRefusals(): Written[] {
  const found: Written[] = [];
  for (const file of SOURCES.flatMap(filesUnder)) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node): string =>
      `${path.relative(ROOT, file)}:${String(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1)}`;
    const add = (node: ts.Node, codeArg: ts.Expression | undefined, messageArg: ts.Expression | undefined): void => {
      if (messageArg === undefined) return;
      const code = codeArg !== undefined && ts.isStringLiteral(codeArg) ? codeArg.text : undefined;
      const r = render(messageArg, source);
      found.push({ where: where(node), code, rendered: r?.texts, values: r?.values ?? [] });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const name = node.expression.text;
        const args = node.arguments ?? [];
        if (name === 'DomainError' || name === 'UseCaseError') add(node, args[0], args[1]);
        else if (name === 'NotAllowedError') add(node, undefined, args[0]);
        // The HTTP edge's own refusals (a missing If-Match): status, code, title, the sentence.
        else if (name === 'HttpProblem') add(node, args[1], args[3]);
      }
      // `super('code', 'message', …)` in the use cases' error classes.
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.SuperKeyword &&
        node.arguments.length >= 2 &&
        ts.isStringLiteral(node.arguments[0] as ts.Expression)
      ) {
        const cls = ts.findAncestor(node, ts.isClassDeclaration);
        const base = cls?.heritageClauses?.[0]?.types[0]?.expression.getText(source);
        if (base === 'UseCaseError') add(node, node.arguments[0], node.arguments[1]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** What makes a refusal read badly; empty when it reads whole. */
function problemsOf(message: string): string[] {
  const problems: string[] = [];
  if (!/^[A-Z“"‘(]/.test(message)) problems.push('does not start with a capital');
  if (!/[.!?][”"’)]?$/.test(message.trim())) problems.push('does not end with a full stop');
  if (/\b(undefined|null|NaN)\b|\[object /.test(message)) problems.push('shows undefined, null or an object');
  if (/(?<!\.)\.\.(?!\.)|\s[,.;:](?!\d)|[.!?]\s*[,;:]/.test(message)) problems.push('has doubled or stray punctuation');
  // A sentence of someone else's run into this one: "must be Using professional judgement".
  if (/\b(?:must|be|is|are|the|to|of|and|or|for|with|by|that) (?!Ofsted|English|Welsh)[A-Z][a-z]+ing\b/.test(message))
    problems.push('runs a capitalised sentence into the middle of its own');
  if (/[a-z]\. [a-z]/.test(message)) problems.push('a sentence ends and the next one starts in lower case');
  return problems;
}

/** Every plan form a procedure defines: its stages' and those its outcomes and decisions revise to. */
function planRulesIn(value: unknown, found: PlanRules[] = []): PlanRules[] {
  if (Array.isArray(value)) for (const v of value) planRulesIn(v, found);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if ('frameworks' in record && 'actionParties' in record && 'fields' in record) found.push(value as PlanRules);
    else for (const v of Object.values(record)) planRulesIn(v, found);
  }
  return found;
}

/** Interpolations that would show an internal id where a person expects a name. */
const RAW_ID =
  /(?:\b|\.)(?:id|[a-z]+Id|stageId|procedureId|outcomeId|panelId|decisionId|targetId)(?:\.slice\([^)]*\))?$/;
/**
 * Ids that are the person's own input said back to them (what they asked for does not exist),
 * not an internal name shown in place of a label: file and expression.
 */
const ECHOED_INPUT = new Set([
  'src/app/errors.ts caseId.slice(0, 80)',
  'src/server/http/conditional.ts caseId.slice(0, 80)',
  'src/domain/case/commands/change-people.ts roleId',
  'src/domain/case/commands/change-people.ts change.removeId',
  'src/domain/case/commands/convene-panel.ts panelId',
  'src/domain/case/commands/meetings.ts id',
  'src/domain/case/commands/record-review.ts p.targetId',
  'src/domain/case/commands/stage-tasks.ts input.taskId',
  'src/domain/case/plan-rules.ts target.id',
  'src/domain/procedure/load-procedure.ts stageId',
  'src/domain/procedures/index.ts id',
  'src/app/cases/procedures.ts id',
  'src/app/cases/procedure-versions.ts procedureId',
  'src/app/cases/procedure-versions.ts id',
  'src/domain/case/commands/decisions-after.ts input.appealId',
  'src/domain/case/commands/decisions-after.ts appeal.id',
  'src/domain/case/commands/stage-tasks.ts input.milestoneId',
]);

describe('every refusal reads as one clear sentence', () => {
  const written = writtenRefusals();

  it('finds the refusals in the source, covering every error code', () => {
    expect(written.length).toBeGreaterThan(100);
    const codes = new Set(written.map((w) => w.code).filter((c) => c !== undefined));
    // `forbidden` is NotAllowedError's; `internal_error` and `service_unavailable` come from failureOf (below).
    codes.add('forbidden');
    codes.add('internal_error');
    codes.add('service_unavailable');
    expect(APP_ERROR_CODES.filter((code) => !codes.has(code))).toEqual([]);
  });

  it('each refusal written in the domain and the use cases reads whole', () => {
    const bad = written.flatMap((w) =>
      (w.rendered ?? []).flatMap((text) => problemsOf(text).map((p) => `${w.where} (${w.code ?? '?'}): ${p}: ${text}`)),
    );
    expect(bad).toEqual([]);
  });

  it('no refusal puts an internal id where a name belongs', () => {
    const raw = written.flatMap((w) =>
      w.values
        .filter((v) => RAW_ID.test(v) && !ECHOED_INPUT.has(`${w.where.replace(/:\d+$/, '')} ${v}`))
        .map((v) => `${w.where}: \${${v}}`),
    );
    expect(raw).toEqual([]);
  });

  it('the late review date, for every plan of every procedure, names the limit in one sentence', () => {
    let checked = 0;
    for (const procedure of SEED_PROCEDURES) {
      const calendar = calendarFor(procedure);
      for (const rules of planRulesIn(procedure)) {
        if (rules.reviewWindow === undefined) continue;
        const start = parseLocalDate('2026-11-02');
        const window = reviewWindow(rules, start, calendar);
        const messages: string[] = [];
        for (const date of [start, parseLocalDate('2027-06-30')]) {
          try {
            assertReviewDateInWindow(date, window);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            messages.push(error.userMessage);
          }
        }
        expect(messages).toHaveLength(2);
        for (const message of messages) expect(problemsOf(message), message).toEqual([]);
        expect(messages[1]).toMatch(
          /^The review date .+ is too late: the review must be on or before .+, within .+\.$/,
        );
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('the use cases’ refusals and what people are told when something fails read whole', () => {
    const messages = [
      new CaseNotFoundError('case-1').userMessage,
      new InputError([{ path: 'reviewDate', message: 'must be a date' }]).userMessage,
      new NotificationNotFoundError('k').userMessage,
      new NotificationNotFailedError('k', 'sent').userMessage,
      failureOf(new Error('boom')).userMessage,
      failureOf(new DomainError('invalid_procedure', 'The procedure is broken.')).userMessage,
    ];
    for (const message of messages) expect(problemsOf(message), message).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    expect(problemsOf('the review date is late.')).toContain('does not start with a capital');
    expect(problemsOf('The review date is late')).toContain('does not end with a full stop');
    expect(problemsOf('The review is on undefined.')).toContain('shows undefined, null or an object');
    expect(
      problemsOf('The review must be Using professional judgement, a timescale of up to 10 working days..'),
    ).toEqual(
      expect.arrayContaining([
        'runs a capitalised sentence into the middle of its own',
        'has doubled or stray punctuation',
      ]),
    );
    expect(problemsOf('The review date must be after Monday 2 November 2026, the day the plan starts.')).toEqual([]);
  });
});
