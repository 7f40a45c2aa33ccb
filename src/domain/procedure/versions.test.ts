import { describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../calendar/index.js';
import { calendarFor, openCase, replay } from '../case/index.js';
import { moveToProcedureVersion, versionMoveRefusal } from '../case/commands/move-procedure-version.js';
import { courseTeam, openInput } from '../case/testing.js';
import type { Actor } from '../case/types.js';
import { DomainError } from '../errors.js';
import { bcuRapidImprovementTargets, brightFuturesSupport, SEED_PROCEDURES } from '../procedures/index.js';
import type { Procedure } from './schema.js';
import { canonicalProcedureJson, procedureChanges } from './versions.js';

const admin: Actor = { id: 'admin@provider.test', name: 'Admin', appRoles: ['admin'] };
const now = londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);
const HASH_1 = '1'.repeat(64);
const HASH_2 = '2'.repeat(64);

/** Bright Futures with Stage 1's review window, target limit and an outcome changed, and a role added. */
function revised(p: Procedure): Procedure {
  const [first, ...rest] = p.stages;
  if (!first?.plan || !first.review) throw new Error('Bright Futures Stage 1 has a plan and a review');
  const [kept, ...others] = first.review.outcomes;
  if (!kept) throw new Error('an outcome');
  return {
    ...p,
    version: 2,
    roles: [...p.roles, { id: 'senco', label: 'SENCo', side: 'school', requiredOnCase: false, multiple: false }],
    stages: [
      {
        ...first,
        plan: { ...first.plan, reviewWindow: { amount: 6, unit: 'weeks' }, maxTargets: 4 },
        review: { ...first.review, outcomes: [{ ...kept, label: `${kept.label} (revised)` }, ...others.slice(1)] },
      },
      ...rest,
    ],
  };
}

describe('procedureChanges', () => {
  it('finds nothing between a procedure and itself, for each built-in one', () => {
    for (const procedure of SEED_PROCEDURES) expect(procedureChanges(procedure, procedure)).toEqual([]);
  });

  it('lists windows, target limits, outcomes and roles in plain words', () => {
    const before = brightFuturesSupport;
    const after = revised(before);
    const stage = before.stages[0];
    const removed = stage?.review?.outcomes[1];
    const kept = stage?.review?.outcomes[0];
    const changes = procedureChanges(before, after);
    expect(changes).toContain('A new role: SENCo.');
    // Bright Futures sets Stage 1's review date with the plan: no window in the definition.
    expect(changes).toContain('Stage 1: the review window is 6 weeks, where it was no set review window.');
    expect(changes).toContain('Stage 1: targets at least 1, at most 4, where it was at least 1, no upper limit.');
    expect(changes).toContain(`${stage?.title ?? ''}: the outcome "${removed?.label ?? ''}" is removed.`);
    expect(changes).toContain(
      `${stage?.title ?? ''}: the outcome "${kept?.label ?? ''}" is now "${kept?.label ?? ''} (revised)".`,
    );
  });

  it('says where an outcome now leads, and names added and removed stages', () => {
    const before = bcuRapidImprovementTargets;
    const last = before.stages.at(-1);
    if (!last) throw new Error('a stage');
    const without = { ...before, stages: before.stages.slice(0, -1) };
    expect(procedureChanges(before, without)).toContain(`The stage "${last.title}" is removed.`);
    expect(procedureChanges(without, before)).toContain(`A new stage: "${last.title}".`);
  });

  it('sums up a change of wording alone in one line', () => {
    const p = brightFuturesSupport;
    expect(procedureChanges(p, { ...p, purpose: `${p.purpose} Revised.` })).toEqual([
      'Wording only: no stage, window, target limit, outcome or role changes.',
    ]);
  });
});

describe('canonicalProcedureJson', () => {
  it('is the same whatever order the keys were written in', () => {
    const p = brightFuturesSupport;
    const reordered = Object.fromEntries(Object.entries(p).reverse()) as Procedure;
    expect(canonicalProcedureJson(reordered)).toBe(canonicalProcedureJson(p));
    expect(canonicalProcedureJson({ ...p, version: 2 })).not.toBe(canonicalProcedureJson(p));
  });
});

describe('moving a case to another version', () => {
  const procedure = brightFuturesSupport;
  const ctx = (actor: Actor, p: Procedure = procedure) => ({ procedure: p, calendar: calendarFor(p), now, actor });
  const opened = openCase(
    ctx(courseTeam),
    { caseId: 'c1', previousCases: 0, procedureHash: HASH_1 },
    openInput(procedure),
  );

  it('records the version, the changes, and from then on the case names the new version', () => {
    const to = { procedure: revised(procedure), hash: HASH_2 };
    expect(opened.state.procedureHash).toBe(HASH_1);
    const result = moveToProcedureVersion(ctx(admin), opened.state, to);
    expect(result.events).toHaveLength(1);
    const event = result.events[0];
    expect(event?.type).toBe('procedure_version_changed');
    expect(event?.data).toMatchObject({
      fromVersion: procedure.version,
      fromHash: HASH_1,
      toVersion: 2,
      toHash: HASH_2,
    });
    expect(event?.type === 'procedure_version_changed' ? event.data.changes : []).toEqual(
      procedureChanges(procedure, to.procedure),
    );
    expect(result.state).toMatchObject({ procedureVersion: 2, procedureHash: HASH_2 });
    expect(replay([...opened.events, ...result.events])).toEqual(result.state);
  });

  it('is for an administrator only, on an open case not already on that version', () => {
    const to = { procedure: revised(procedure), hash: HASH_2 };
    expect(() => moveToProcedureVersion(ctx(courseTeam), opened.state, to)).toThrow(
      'Only a Trellis administrator can move a case to another version of its procedure.',
    );
    const same = { procedure, hash: HASH_1 };
    expect(versionMoveRefusal({ procedure }, opened.state, same)).toBe(
      `Case CASE-1 already follows version ${String(procedure.version)} of ${procedure.name}.`,
    );
  });

  it('is refused with a sentence when the case’s stage is not in the new version', () => {
    const first = procedure.stages[0];
    if (!first) throw new Error('a stage');
    const renamed = JSON.parse(
      JSON.stringify({ ...procedure, version: 3 }).replaceAll(`"${first.id}"`, '"renamed_stage"'),
    ) as Procedure;
    let refusal: unknown;
    try {
      moveToProcedureVersion(ctx(admin), opened.state, { procedure: renamed, hash: HASH_2 });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'version_not_movable',
      userMessage: `The case is at "${first.title}", which version 3 of ${procedure.name} does not have, so it cannot follow that version; it stays on its own.`,
    });
  });
});
