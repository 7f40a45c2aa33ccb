/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- Playground responses are JSON asserted field by field */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import type { StoredCase } from '../../src/domain/ports.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { reviewersOf } from '../../src/cards/index.js';
import type { Notification } from '../../src/notify/notification.js';
import { silentLogger } from '../../src/app/logger.js';
import {
  freePort,
  PLAYGROUND_BIN,
  startPlayground,
  startTrellisForPlayground,
  type RunningPlayground,
} from '../../scripts/playground.js';
import { openWsReader, type WsReader } from './ws-reader.js';
import { executeActions } from './card-tree.js';

/**
 * A Teams client nobody here wrote: the Microsoft 365 Agents Playground, spawned for real and
 * driven over the HTTP endpoints its own UI uses (pinned version 0.2.28), against Trellis in
 * local mode. A mentor says hello and gets the review card, submits it and sees the updated
 * card; the message extension finds cases; a proactive card arrives.
 */
let dataDir: string;
let trellis: RunningLocalMode;
let playground: RunningPlayground | undefined;
let stream: WsReader | undefined;
let notStarted = '';
let mentor = '';
let reviewCase: StoredCase;
const realNow = (): Date => londonInstantAt(parseLocalDate('2026-11-23'), 10, 0);
const PLAYGROUND_START_MS = 60_000;

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`Missing: ${what}`);
  return value;
}

async function postJson(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-playground-e2e-'));
  const playgroundPort = await freePort();
  trellis = await startTrellisForPlayground({
    dataDir,
    port: 0,
    playgroundPort,
    logger: silentLogger,
    realNow,
    durability: 'none',
  });
  // The mentor: a reviewer on an active demo case with targets.
  for (const summary of (await trellis.repository.list({ status: 'active', limit: 100 })).items) {
    const stored = await trellis.repository.find(summary.id);
    const procedure = SEED_PROCEDURES.find((p) => p.id === summary.procedureId);
    if (!stored || !procedure || stored.state.paused || (stored.state.plan?.content.targets.length ?? 0) === 0)
      continue;
    const reviewer = reviewersOf(procedure, stored.state)[0];
    if (reviewer) {
      mentor = reviewer.id;
      reviewCase = stored;
      break;
    }
  }
  if (!existsSync(PLAYGROUND_BIN)) {
    notStarted = `the Agents Playground binary is missing (${PLAYGROUND_BIN})`;
    return;
  }
  try {
    // A machine busy with other work can take a while to start it; a failure to start skips the test, so wait long enough.
    playground = await startPlayground({
      endpoint: `${trellis.url}/api/messages`,
      port: playgroundPort,
      upn: mentor,
      timeoutMs: PLAYGROUND_START_MS,
    });
    stream = await openWsReader(`ws://localhost:${playgroundPort}/_ws_conversation/v1/conversations/stream`);
  } catch (error) {
    notStarted = `the Agents Playground could not start on this machine: ${error instanceof Error ? error.message : String(error)}`;
  }
}, PLAYGROUND_START_MS + 30_000);

afterAll(async () => {
  stream?.close();
  await playground?.stop();
  await trellis.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Agents Playground against Trellis', () => {
  it('delivers the review card to the mentor, takes the submission and shows the updated card', async (ctx) => {
    if (notStarted !== '') ctx.skip(notStarted);
    const pg = must(playground, 'playground');
    const ws = must(stream, 'stream');
    const { config } = (await (await fetch(`${pg.url}/_internal/v1/config`)).json()) as {
      config: { currentUser: { id: string }; personalChat: { id: string } };
    };
    const personal = config.personalChat.id;
    const me = config.currentUser.id;

    const sent = await postJson(`${pg.url}/_conversation/v1/conversations/${encodeURIComponent(personal)}/messages`, {
      from: { id: me },
      text: 'my cases',
      textFormat: 'plain',
    });
    expect(sent.status).toBeLessThan(300);
    const message = await ws.waitFor((m) => m.includes('record_review') && m.includes(reviewCase.state.id));
    const posted = (JSON.parse(message) as { message?: { messageId?: string; attachments?: { content: unknown }[] } })
      .message;
    const card = posted?.attachments
      ?.map((a) => a.content)
      .find((c) => executeActions(c).some((a) => a.verb === 'record_review' && a.data.caseId === reviewCase.state.id));
    const submit = must(
      executeActions(card).find((a) => a.verb === 'record_review'),
      'record_review action',
    );

    const procedure = must(
      SEED_PROCEDURES.find((p) => p.id === reviewCase.state.procedureId),
      'procedure',
    );
    const outcome = must(
      procedure.stages
        .find((s) => s.id === reviewCase.state.stageId)
        ?.review?.outcomes.find((o) => o.condition === undefined || o.condition === 'all_targets_met'),
      'outcome',
    );
    // A closing outcome confirmed on the card's second step (confirmClose), as the confirmation sends it.
    const inputs: Record<string, unknown> = {
      evidence: 'Observed in the Playground',
      outcomeId: outcome.id,
      confirmClose: true,
    };
    for (const id of submit.data.targetIds as string[]) inputs[`rating_${id}`] = 'met';
    const answer = await postJson(`${pg.url}/_conversation/v1/invoke`, {
      name: 'adaptiveCard/action',
      from: { id: me },
      conversation: { id: personal },
      replyToId: must(posted?.messageId, 'the card message id'),
      value: { action: { type: 'Action.Execute', verb: 'record_review', data: { ...submit.data, ...inputs } } },
    });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(200);
    expect(JSON.stringify(answer.body)).toContain('REVIEW RECORDED');
    const stored = must(await trellis.repository.find(reviewCase.state.id), 'case');
    expect(stored.state.reviews.length).toBe(reviewCase.state.reviews.length + 1);
  });

  it('searches cases through the message extension', async (ctx) => {
    if (notStarted !== '') ctx.skip(notStarted);
    const pg = must(playground, 'playground');
    const { config } = (await (await fetch(`${pg.url}/_internal/v1/config`)).json()) as {
      config: { currentUser: { id: string }; personalChat: { id: string } };
    };
    const answer = await postJson(`${pg.url}/_conversation/v1/invoke`, {
      name: 'composeExtension/query',
      from: { id: config.currentUser.id },
      replyToId: 'compose',
      conversation: { id: config.personalChat.id },
      value: { commandId: 'searchCases', parameters: [{ name: 'query', value: reviewCase.state.reference }] },
    });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).toContain(reviewCase.state.reference);
    expect(answer.body.composeExtension.attachments.length).toBeGreaterThan(0);
  });

  it('sends a proactive card to the mentor’s chat through the card sender', async (ctx) => {
    if (notStarted !== '') ctx.skip(notStarted);
    const ws = must(stream, 'stream');
    const before = ws.messages.length;
    const person = must(
      reviewCase.state.people.find((p) => p.id === mentor),
      'mentor on case',
    );
    const notification: Notification = {
      key: `test:${reviewCase.state.id}:summary`,
      caseId: reviewCase.state.id,
      reference: reviewCase.state.reference,
      kind: 'case_closed',
      about: undefined,
      channel: 'chat_card',
      recipient: { kind: 'person', role: person.role, personId: person.id, name: person.name, email: person.email },
      subject: `Case ${reviewCase.state.reference}`,
      lines: [],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    };
    await trellis.cardSenders.chat_card(notification);
    const arrived = await ws.waitFor((m) => ws.messages.indexOf(m) >= before && m.includes(reviewCase.state.id));
    expect(arrived).toContain('application/vnd.microsoft.card.adaptive');
  });
});
