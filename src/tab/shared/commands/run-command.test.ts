import { describe, expect, it } from 'vitest';
import { ApiError, ConflictError, type Versioned } from '../../api/client';
import type { CaseView } from '../../api/types';
import { runCommand, type Command } from './run-command';

/** Running a command against the version on screen: what the page adopts, what the form is told. */

const version = (n: number, over: Partial<CaseView> = {}): Versioned<CaseView> => ({
  etag: `"${n}"`,
  data: {
    view: 'full',
    id: 'c1',
    reference: 'BCU-RIT-1',
    version: n,
    procedure: {
      id: 'bcu-rapid-improvement-targets',
      name: 'Rapid Improvement Targets',
      provider: { id: 'provider', name: 'BCU', shortName: 'BCU' },
      confidential: false,
      version: 1,
      hash: '0'.repeat(64),
    },
    status: 'active',
    stage: { id: 'stage_1', title: 'Stage 1' },
    people: [],
    placement: { school: 'Hollybank Primary', programme: 'P1' },
    formerPeople: [],
    formerPlacements: [],
    meetings: [],
    reasons: [],
    openedOn: '2026-11-02',
    stageHistory: [{ stageId: 'stage_1', enteredOn: '2026-11-02', via: 'opened', title: 'Stage 1' }],
    previousPlans: [],
    reviews: [],
    panels: [],
    tasksDone: [],
    openedBy: 'lead@x.example',
    updatedAt: '2026-11-23T10:00:00Z',
    derived: {
      today: '2026-11-23',
      reviewOverdue: false,
      outstandingSignatories: [],
      milestones: [],
      outcomes: [],
      escalateTo: [],
      panels: [],
      tasks: [],
      nextSteps: [],
    },
    ...over,
  },
});

/** Runs `command` against version 3 and records what the page adopted. */
async function run(command: Command) {
  const adopted: Versioned<CaseView>[] = [];
  const outcome = await runCommand(version(3), command, (v) => {
    adopted.push(v);
    return Promise.resolve();
  });
  return { outcome, adopted: adopted.map((v) => v.data.version) };
}

describe('running a command against the version on screen', () => {
  it('sends it against that version, and the page adopts the version that results', async () => {
    const sentAgainst: string[] = [];
    const result = await run((current) => {
      sentAgainst.push(current.etag);
      return Promise.resolve(version(4));
    });
    expect(sentAgainst).toEqual(['"3"']);
    expect(result).toEqual({ outcome: { ok: true }, adopted: [4] });
  });

  it('after a 412, adopts the case as it is now and tells the form what changed', async () => {
    const now = version(5, { status: 'closed' });
    const result = await run(() =>
      Promise.reject(new ConflictError('Someone else changed this case.', { status: 412 }, now)),
    );
    expect(result).toEqual({
      outcome: {
        ok: false,
        message: 'Someone else changed this case.',
        changes: ['Status changed from “Under review” to “Closed”.'],
      },
      adopted: [5],
    });
  });

  it('passes a refusal on in the server’s sentence and keeps the version on screen', async () => {
    expect(
      await run(() => Promise.reject(new ApiError(403, 'forbidden', 'Only the course team can close a case.', {}))),
    ).toEqual({ outcome: { ok: false, message: 'Only the course team can close a case.' }, adopted: [] });
    // A 412 that did not say what the case is now: nothing to show, only the sentence.
    expect(
      await run(() => Promise.reject(new ConflictError('The case changed. Reload it.', { status: 412 }, undefined))),
    ).toEqual({ outcome: { ok: false, message: 'The case changed. Reload it.' }, adopted: [] });
    expect(await run(() => Promise.reject(new Error('Network down')))).toEqual({
      outcome: { ok: false, message: 'Network down' },
      adopted: [],
    });
  });
});
