import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { ProblemPathSegment } from '../domain/procedure/load-procedure.js';

/**
 * The text of a procedure file, parsed with its positions: YAML, and JSON (which is YAML), so a
 * problem found on the parsed value (`stages[1].plan.maxTargets`) can be shown at its line and
 * column in the file the provider wrote.
 */

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface TextProblem extends Position {
  readonly message: string;
}

export interface SourceText {
  /** The parsed value; undefined when the text could not be parsed. */
  readonly value: unknown;
  /** Syntax problems: a file with any is not read further. */
  readonly problems: readonly TextProblem[];
  /** Where a path into the value sits in the text: the field's name, a list item, or the nearest enclosing part. */
  locate(path: readonly ProblemPathSegment[]): Position;
}

export type SourceFormat = 'yaml' | 'json';

/** Aliases may be used to repeat a block (the same signatures at each stage); this many at most, against alias bombs. */
const MAX_ALIAS_COUNT = 200;

const FRIENDLIER: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'this field is given twice in the same place',
  MULTIPLE_DOCS: 'a procedure file holds one procedure: remove the second document (after "---")',
  TAB_AS_INDENT: 'tabs are not allowed as indentation in YAML: indent with spaces',
};

function jsonSyntaxProblem(text: string, lineCounter: LineCounter): TextProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message);
    const { line, col } = lineCounter.linePos(at ? Number(at[1]) : 0);
    return {
      line,
      column: col,
      message: `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
    };
  }
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

export function parseSourceText(text: string, format: SourceFormat): SourceText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2', merge: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // The first syntax error only: the ones after it are mostly the parser losing its place.
  const problems: TextProblem[] = doc.errors.slice(0, 1).map((error) => ({
    ...at(error.pos[0]),
    message: FRIENDLIER[error.code] ?? error.message,
  }));
  // YAML accepts what JSON does not (a trailing comma, a comment): a .json file must be JSON for every other tool too.
  if (problems.length === 0 && format === 'json') {
    const json = jsonSyntaxProblem(text, lineCounter);
    if (json) problems.push(json);
  }
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      problems.push({
        ...at(firstAliasOffset(doc)),
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const locate = (path: readonly ProblemPathSegment[]): Position => {
    let node: unknown = doc.contents;
    let offset = doc.contents?.range[0] ?? 0;
    for (const [index, segment] of path.entries()) {
      if (isAlias(node)) break;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
        if (!pair) break;
        const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        // The last segment is shown at the field's name; on the way there, at each value.
        if (index === path.length - 1) {
          offset = keyOffset ?? offset;
          break;
        }
        node = pair.value;
        offset = (isScalar(node) || isMap(node) || isSeq(node) ? node.range?.[0] : undefined) ?? keyOffset ?? offset;
        continue;
      }
      if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (!(isScalar(item) || isMap(item) || isSeq(item) || isAlias(item))) break;
        node = item;
        offset = item.range?.[0] ?? offset;
        continue;
      }
      break;
    }
    return at(offset);
  };

  return { value, problems, locate };
}
