/**
 * Card action handling time: Action.Execute invokes POSTed to /api/messages on local mode (real
 * Teams SDK path, real repository on the Graph emulator with fsync), timed from request to the
 * invoke response. Teams gives a card action about 5 s before it shows an error; the goal is
 * far inside that. `npm run bench:cards`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reviewersOf } from '../src/cards/index.js';
import type { StoredCase } from '../src/domain/ports.js';
import { SEED_PROCEDURES } from '../src/domain/procedures/index.js';
import { startLocalMode } from '../src/compose/local.js';
import { silentLogger } from '../src/app/logger.js';
import { invokeCardAction } from './card-invoke.js';
import { machine, median, ms, percentile, writeSection } from './results.js';

const REFRESH_RUNS = 100;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-bench-cards-'));
  const local = await startLocalMode({ dataDir, port: 0, logger: silentLogger, schedule: false });
  const invoke = async (upn: string, verb: string, data: unknown): Promise<{ ms: number; body: string }> => {
    const started = performance.now();
    const body = await invokeCardAction(local.url, upn, verb, data);
    return { ms: performance.now() - started, body };
  };

  const reviewable: { stored: StoredCase; reviewer: string }[] = [];
  for (const summary of (await local.repository.list({ status: 'active', limit: 100 })).items) {
    const stored = await local.repository.find(summary.id);
    const procedure = SEED_PROCEDURES.find((p) => p.id === summary.procedureId);
    const reviewer = stored && procedure ? reviewersOf(procedure, stored.state)[0] : undefined;
    if (stored && reviewer && !stored.state.paused && (stored.state.plan?.content.targets.length ?? 0) > 0)
      reviewable.push({ stored, reviewer: reviewer.id });
  }
  const first = reviewable[0];
  if (!first) throw new Error('No active demo case to benchmark.');

  const refresh: number[] = [];
  const refreshData = {
    action: 'refresh',
    caseId: first.stored.state.id,
    version: first.stored.state.version,
    card: 'review_form',
  };
  await invoke(first.reviewer, 'refresh', refreshData);
  for (let i = 0; i < REFRESH_RUNS; i += 1) refresh.push((await invoke(first.reviewer, 'refresh', refreshData)).ms);

  const record: number[] = [];
  const stale: number[] = [];
  for (const { stored, reviewer } of reviewable) {
    const procedure = SEED_PROCEDURES.find((p) => p.id === stored.state.procedureId);
    const outcome = procedure?.stages
      .find((s) => s.id === stored.state.stageId)
      ?.review?.outcomes.find((o) => o.condition === undefined || o.condition === 'all_targets_met');
    if (!outcome) continue;
    const targetIds = (stored.state.plan?.content.targets ?? []).map((t) => t.id);
    const data: Record<string, unknown> = {
      action: 'record_review',
      caseId: stored.state.id,
      version: stored.state.version,
      targetIds,
      outcomeId: outcome.id,
      evidence: 'Benchmark evidence',
    };
    for (const id of targetIds) data[`rating_${id}`] = 'met';
    stale.push((await invoke(reviewer, 'record_review', { ...data, version: stored.state.version - 1 })).ms);
    const answer = await invoke(reviewer, 'record_review', data);
    if (answer.body.includes('REVIEW RECORDED')) record.push(answer.ms);
  }

  await local.close();
  await rm(dataDir, { recursive: true, force: true });

  const row = (name: string, values: readonly number[]): string =>
    values.length === 0
      ? `| ${name} | — | — | 0 |`
      : `| ${name} | ${ms(median(values))} | ${ms(percentile(values, 95))} | ${values.length} |`;
  const body = [
    '## Card actions: Action.Execute through /api/messages',
    '',
    `Machine: ${machine()}. Local mode, emulator with fsync, demo data; time from POST to the invoke response.`,
    '',
    '| action | median | p95 | runs |',
    '|---|---|---|---|',
    row('refresh (review card for the reviewer)', refresh),
    row('record review (load, check version, append, outcome card)', record),
    row('record review on a stale card (refreshed card + what changed)', stale),
    '',
    'Goal: every card action answered well inside the Teams limit (about 5 s): median under 500 ms on this machine.',
  ].join('\n');
  await writeSection('cards', body);
  process.stdout.write(`${body}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
