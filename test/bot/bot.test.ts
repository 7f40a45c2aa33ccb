/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- invoke response bodies are JSON asserted field by field */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonDateOf, parseLocalDate } from '../../src/domain/calendar/index.js';
import type { CaseSummary, StoredCase } from '../../src/domain/ports.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { DEMO_PROVIDERS } from '../../src/dev/local-mode/personas.js';
import { demoChannelIdOf } from '../../src/dev/local-mode/demo-channels.js';
import { devObjectIdOf } from '../../src/bot/identity.js';
import { reviewersOf } from '../../src/cards/index.js';
import { calendarFor, outstandingSignatories, signingBlocker } from '../../src/domain/case/index.js';
import { memoryLogger } from '../../src/app/logger.js';
import { demoPeople, personalDataIn } from '../support/personal-data.js';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import { executeActions } from './card-tree.js';
import { actionableCardOf } from '../../src/notify/email.js';
import { DEMO_OUTLOOK_ORIGINATOR } from '../../src/compose/notify-config.js';
import { parseCard } from '../cards/adaptive-cards-lib.js';
import { PINNED_NOW, seededDataDir } from '../support/local-mode-seeds.js';

/**
 * The bot through the real Teams SDK request path: activities POSTed to /api/messages on a
 * running local-mode server (real emulator, real repository, demo data), invoke responses
 * and stored cases asserted.
 */
let dataDir: string;
let local: RunningLocalMode;
/** Every line Trellis and the Teams SDK log during the whole file, for the last test's grep. */
const captured = memoryLogger();
// The seed's clock: the copy local mode starts from was loaded on this day.
const realNow = PINNED_NOW;

let activeCase: StoredCase;
/** Other active cases with reviewers, each used by one test, so no test meets another's changes. */
let otherCase: StoredCase;
let reminderCase: StoredCase;
/** Reviewed from an Outlook actionable message. */
let outlookCase: StoredCase;
let reviewerUpn: string;
let outsiderUpn: string;

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`Missing: ${what}`);
  return value;
}

function activity(upn: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    channelId: 'msteams',
    serviceUrl: `${local.url}/dev/connector`,
    from: { id: `29:${upn}`, aadObjectId: devObjectIdOf(upn), name: upn },
    recipient: { id: '28:trellis', name: 'Trellis' },
    conversation: { id: `a:personal-${upn}`, conversationType: 'personal', tenantId: 'local' },
    id: `activity-${Math.random().toString(36).slice(2)}`,
    ...extra,
  };
}

async function post(body: unknown, raw?: string) {
  const response = await fetch(`${local.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience: bodies are asserted field by field
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, body: json };
}

const current = async (): Promise<StoredCase> => must(await local.repository.find(activeCase.state.id), 'the case');
const invoke = (upn: string, name: string, value: unknown) => post(activity(upn, { type: 'invoke', name, value }));
const cardAction = (upn: string, verb: string, data: unknown) =>
  invoke(upn, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb, data } });

beforeAll(async () => {
  dataDir = await seededDataDir('trellis-bot', 'pinned');
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: captured,
    realNow,
    schedule: false,
  });
  const page = await local.repository.list({ status: 'active', limit: 100 });
  const candidates: StoredCase[] = [];
  for (const summary of page.items as CaseSummary[]) {
    const stored = await local.repository.find(summary.id);
    if (!stored || stored.state.paused) continue;
    const procedure = SEED_PROCEDURES.find((p) => p.id === stored.state.procedureId);
    if (
      procedure &&
      reviewersOf(procedure, stored.state).length > 0 &&
      (stored.state.plan?.content.targets.length ?? 0) > 0
    )
      candidates.push(stored);
  }
  const found = candidates[0];
  if (!found) throw new Error('The demo data has no active case with reviewers and targets.');
  activeCase = found;
  // Not the BCU programme whose first case the acknowledge test uses.
  const spare = candidates.filter(
    (c) => c.state.id !== found.state.id && c.state.placement.programme !== 'PGCE Primary and Early Years 2026/27',
  );
  otherCase = must(spare[0], 'a second active case');
  reminderCase = must(spare[1], 'a third active case');
  outlookCase = must(spare[2], 'a fourth active case');
  const procedure = SEED_PROCEDURES.find((p) => p.id === found.state.procedureId);
  reviewerUpn = must(reviewersOf(must(procedure, 'procedure'), found.state)[0], 'a reviewer').id;
  // A mentor of another trainee: a demo mentor not named on this case.
  const onCase = new Set(found.state.people.map((p) => p.id.toLowerCase()));
  const other = [...page.items]
    .flatMap((s) => s.people)
    .find((p) => p.role.includes('mentor') && !onCase.has(p.id.toLowerCase()));
  if (!other) throw new Error('No mentor outside the case in the demo data.');
  outsiderUpn = other.id;
});

afterAll(async () => {
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('bot at /api/messages', () => {
  it('answers a chat message with the person’s cases, the review form where they review', async () => {
    const before = local.connector.activities().length;
    const reply = await post(activity(reviewerUpn, { type: 'message', text: 'hello' }));
    expect(reply.status).toBe(200);
    const sent = local.connector.activities().slice(before);
    expect(sent.length).toBeGreaterThan(0);
    const cards = sent.flatMap((a) =>
      ((a.activity as { attachments?: { content: unknown }[] }).attachments ?? []).map((x) => x.content),
    );
    expect(
      cards.some((c) =>
        executeActions(c).some((a) => a.verb === 'record_review' && a.data.caseId === activeCase.state.id),
      ),
    ).toBe(true);
  });

  it('gives the reviewer the form on refresh, a read-only view to a course leader, and refuses a mentor of another trainee', async () => {
    const version = activeCase.state.version;
    const mine = await cardAction(reviewerUpn, 'refresh', {
      action: 'refresh',
      caseId: activeCase.state.id,
      version,
      card: 'review_form',
    });
    expect(mine.status).toBe(200);
    expect(mine.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(executeActions(mine.body.value).some((a) => a.verb === 'record_review')).toBe(true);

    // The reviewer wrote to the bot in the test before: their Teams id is in refresh.userIds.
    expect(mine.body.value.refresh.userIds).toContain(`29:${reviewerUpn}`);

    const leader = must(
      DEMO_PROVIDERS.find((p) => p.programme === activeCase.state.placement.programme),
      'provider',
    ).courseTeam.upn;
    const readOnly = await cardAction(leader, 'refresh', {
      action: 'refresh',
      caseId: activeCase.state.id,
      version,
      card: 'review_form',
    });
    expect(readOnly.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(executeActions(readOnly.body.value).some((a) => a.verb === 'record_review')).toBe(false);

    const outsider = await cardAction(outsiderUpn, 'refresh', {
      action: 'refresh',
      caseId: activeCase.state.id,
      version,
      card: 'review_form',
    });
    expect(outsider.status).toBe(200);
    expect(outsider.body).toMatchObject({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'not_found' },
    });

    const stranger = await post(
      activity('nobody@elsewhere.example', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: {
            verb: 'refresh',
            data: { action: 'refresh', caseId: activeCase.state.id, version, card: 'review_form' },
          },
        },
      }),
    );
    expect(stranger.body.value.code).toBe('unknown_person');
  });

  it('answers a stale review card with the current card and what changed, and records a current one', async () => {
    const opened = await cardAction(reviewerUpn, 'open_review', {
      action: 'open_review',
      caseId: activeCase.state.id,
      version: activeCase.state.version,
    });
    const submit = executeActions(opened.body.value).find((a) => a.verb === 'record_review');
    expect(submit).toBeDefined();
    const procedure = must(
      SEED_PROCEDURES.find((p) => p.id === activeCase.state.procedureId),
      'procedure',
    );
    const outcomes = procedure.stages.find((s) => s.id === activeCase.state.stageId)?.review?.outcomes ?? [];
    const outcome = must(
      outcomes.find((o) => o.condition === undefined || o.condition === 'all_targets_met'),
      'an outcome',
    );
    const form = must(submit, 'the record_review action').data;
    const targetIds = form.targetIds as string[];
    const inputs: Record<string, unknown> = { evidence: 'Observed two lessons <b>*well*</b>', outcomeId: outcome.id };
    for (const id of targetIds) inputs[`rating_${id}`] = 'met';

    // Missing ratings: the form again with the problem, nothing written.
    const incomplete = await cardAction(reviewerUpn, 'record_review', { ...form, outcomeId: outcome.id });
    expect(incomplete.body.type).toBe('application/vnd.microsoft.card.adaptive');
    if (targetIds.length > 0) expect(JSON.stringify(incomplete.body.value)).toContain('Not saved');
    expect((await current()).state.version).toBe(activeCase.state.version);

    const stale = await cardAction(reviewerUpn, 'record_review', {
      ...form,
      ...inputs,
      version: activeCase.state.version - 1,
    });
    expect(stale.status).toBe(200);
    expect(stale.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(stale.body.value)).toContain('This card was out of date');
    expect((await current()).state.reviews.length).toBe(activeCase.state.reviews.length);

    // A closing outcome asks first: a second card, nothing recorded until it is confirmed there.
    const closes = outcome.effect.type === 'close' || outcome.effect.type === 'hand_off';
    const asked = await cardAction(reviewerUpn, 'record_review', { ...form, ...inputs });
    expect(asked.body.type).toBe('application/vnd.microsoft.card.adaptive');
    let confirmed = { ...form, ...inputs };
    if (closes) {
      expect(JSON.stringify(asked.body.value)).toContain('This outcome closes the case');
      expect(parseCard(asked.body.value)).toEqual({ errors: [], warnings: [] });
      expect((await current()).state.version).toBe(activeCase.state.version);
      const actions = executeActions(asked.body.value);
      expect(actions.map((a) => a.verb)).toEqual(['record_review', 'open_review']);
      confirmed = must(actions[0], 'the confirmation').data;
      expect(confirmed).toMatchObject({ confirmClose: true, outcomeId: outcome.id, caseId: activeCase.state.id });
    }
    const saved = closes ? await cardAction(reviewerUpn, 'record_review', confirmed) : asked;
    expect(saved.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(saved.body.value)).toContain('REVIEW RECORDED');
    // The reviewer's words are shown as text: no markup or markdown survives into the card.
    expect(JSON.stringify(saved.body.value)).toContain('Observed two lessons \\\\<b\\\\>\\\\*well\\\\*');
    const after = await current();
    expect(after.state.reviews.length).toBe(activeCase.state.reviews.length + 1);
    expect(after.state.reviews.at(-1)?.outcomeId).toBe(outcome.id);
    // A review recorded in the card is notified like one recorded in the tab: the course mailbox gets the email.
    await local.notifications.background.idle();
    const reviewMails = local.emulator
      .inspect()
      .mails.filter((m) =>
        m.internetMessageHeaders.some(
          (h) => h.name === 'x-trellis-key' && h.value.includes(after.state.id) && h.value.includes('review_recorded'),
        ),
      );
    expect(reviewMails.length).toBeGreaterThan(0);

    // Anyone refreshing the old card now sees the recorded outcome.
    const refreshed = await cardAction(reviewerUpn, 'refresh', {
      action: 'refresh',
      caseId: activeCase.state.id,
      version: activeCase.state.version,
      card: 'review_form',
    });
    expect(JSON.stringify(refreshed.body.value)).toContain('REVIEW RECORDED');
    // The same submission again is stale now: nothing is recorded twice.
    const again = await cardAction(reviewerUpn, 'record_review', { ...form, ...inputs });
    expect(JSON.stringify(again.body.value)).toContain('out of date');
    expect((await current()).state.reviews.length).toBe(after.state.reviews.length);
  });

  it('never answers malformed activities or invoke values with a 5xx', async () => {
    const bodies: unknown[] = [
      {},
      { type: 'invoke' },
      activity(reviewerUpn, { type: 'invoke', name: 'adaptiveCard/action', value: null }),
      activity(reviewerUpn, { type: 'invoke', name: 'adaptiveCard/action', value: { action: 'x' } }),
      activity(reviewerUpn, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { verb: 'sign', data: { caseId: 5 } } },
      }),
      activity(reviewerUpn, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { verb: 'drop_tables', data: {} } },
      }),
      activity(reviewerUpn, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: {
            verb: 'record_review',
            data: { action: 'record_review', caseId: 'nope', version: 1, targetIds: [], outcomeId: 'x' },
          },
        },
      }),
      activity(reviewerUpn, { type: 'invoke', name: 'composeExtension/query', value: { parameters: 'x' } }),
      activity(reviewerUpn, {
        type: 'invoke',
        name: 'composeExtension/fetchTask',
        value: { messagePayload: { body: 7 } },
      }),
      activity(reviewerUpn, { type: 'invoke', name: 'composeExtension/submitAction', value: { data: [] } }),
      activity(reviewerUpn, {
        type: 'invoke',
        name: 'composeExtension/submitAction',
        value: { commandId: 'raiseConcern', data: { procedureId: 'nope' } },
      }),
      { ...activity(reviewerUpn, { type: 'message', text: 'hi' }), serviceUrl: 'http://169.254.169.254/latest' },
    ];
    for (const body of bodies) {
      const reply = await post(body);
      expect(reply.status, JSON.stringify(body).slice(0, 200)).toBeLessThan(500);
      if (reply.body?.statusCode !== undefined)
        expect(reply.body.statusCode, JSON.stringify(reply.body)).toBeLessThan(500);
    }
    expect((await post(undefined, '{not json')).status).toBe(400);
  });

  it('finds cases through the message extension, only those the caller may see', async () => {
    const reference = activeCase.state.reference;
    const mine = await invoke(reviewerUpn, 'composeExtension/query', {
      commandId: 'searchCases',
      parameters: [{ name: 'query', value: reference }],
    });
    expect(mine.status).toBe(200);
    const attachments = mine.body.composeExtension.attachments as {
      content: unknown;
      preview: { content: { title: string } };
    }[];
    expect(attachments.length).toBe(1);
    expect(must(attachments[0], 'a result').preview.content.title).toContain(reference);
    expect(JSON.stringify(must(attachments[0], 'a result').content)).toContain(activeCase.state.id);

    const theirs = await invoke(outsiderUpn, 'composeExtension/query', {
      commandId: 'searchCases',
      parameters: [{ name: 'query', value: reference }],
    });
    expect(theirs.body.composeExtension.attachments).toEqual([]);
  });

  it('raises a concern from a message: a prefilled dialog, problems shown in it, a draft case on submit', async () => {
    const courseLeader = 'mark.whitfield@bcu.example';
    const hostile = 'Missed <b>three</b> lessons [click](https://evil.example) ${secret}';
    const open = await invoke(courseLeader, 'composeExtension/fetchTask', {
      commandId: 'raiseConcern',
      commandContext: 'message',
      messagePayload: {
        id: 'm-1',
        body: { contentType: 'html', content: `<p>${hostile}</p>` },
        from: {
          user: {
            id: '29:x',
            displayName: 'Priya Sharma',
            aadObjectId: devObjectIdOf('priya.sharma@mail.bcu.example'),
          },
        },
      },
    });
    expect(open.body.task.type).toBe('continue');
    const dialog = open.body.task.value.card.content;
    const concernInput = JSON.stringify(dialog);
    expect(concernInput).toContain('Missed three lessons');
    expect(concernInput).not.toContain('<b>');
    const traineeEmail = (dialog.body as { id?: string; value?: string }[]).find((b) => b.id === 'traineeEmail')?.value;
    expect(traineeEmail).toBe('priya.sharma@mail.bcu.example');

    const bad = await invoke(courseLeader, 'composeExtension/submitAction', {
      commandId: 'raiseConcern',
      data: {
        procedureId: 'bcu-rapid-improvement-targets',
        reference: '',
        traineeName: 'Priya Sharma',
        traineeEmail: 'not-an-email',
        programme: 'PGCE',
        school: 'X',
        messageId: 'm-1',
      },
    });
    expect(bad.body.task.type).toBe('continue');
    expect(JSON.stringify(bad.body.task.value.card.content)).toContain('Not opened');

    // Every demo trainee of BCU has an open case: the mentor is refused, with the case named.
    const mentorUpn = 'gareth.evans@hollybank.example';
    const forPriya = await invoke(mentorUpn, 'composeExtension/submitAction', {
      commandId: 'raiseConcern',
      data: {
        procedureId: 'bcu-rapid-improvement-targets',
        reference: 'BCU-RIT-TEST-000',
        traineeName: 'Priya Sharma',
        traineeEmail: 'priya.sharma@mail.bcu.example',
        programme: 'PGCE Primary and Early Years 2026/27',
        school: 'Hollybank Primary School, Birmingham',
        'reasons_bcu-rapid-improvement-targets': 'not_expected_progress',
        'myRole_bcu-rapid-improvement-targets': 'mentor',
        messageId: 'm-0',
      },
    });
    expect(JSON.stringify(forPriya.body.task.value.card.content)).toMatch(/Not opened: .*already has an open case/);

    // A new trainee on the roster, mentored by Gareth: the mentor raises it, and the people come
    // from the roster row (the tutor the dialog names is not used).
    await local.placements.save({
      id: 'a0a0a0a0a0a0a0a0a0a0a0a0',
      key: 'nadia.khan@mail.bcu.example|pgce primary and early years 2026/27|2026-09-01',
      version: 1,
      trainee: { id: 'nadia.khan@mail.bcu.example', name: 'Nadia Khan' },
      programme: 'PGCE Primary and Early Years 2026/27',
      provider: undefined,
      school: 'Hollybank Primary School, Birmingham',
      schoolContactEmail: undefined,
      mentors: [{ id: mentorUpn, name: 'Gareth Evans' }],
      tutor: { id: 'helen.okafor@bcu.example', name: 'Helen Okafor' },
      professionalMentor: undefined,
      startsOn: parseLocalDate('2026-09-01'),
      endsOn: parseLocalDate('2027-07-16'),
      updatedAt: realNow().toISOString(),
      updatedBy: 'test',
    });
    const submit = {
      commandId: 'raiseConcern',
      data: {
        procedureId: 'bcu-rapid-improvement-targets',
        reference: 'BCU-RIT-TEST-001',
        traineeName: 'Nadia Khan',
        traineeEmail: 'nadia.khan@mail.bcu.example',
        programme: 'PGCE Primary and Early Years 2026/27',
        school: 'Hollybank Primary School, Birmingham',
        concern: hostile,
        'reasons_bcu-rapid-improvement-targets': 'not_expected_progress,plateau',
        'myRole_bcu-rapid-improvement-targets': 'mentor',
        'name_bcu-rapid-improvement-targets_tutor': 'Someone Else',
        'email_bcu-rapid-improvement-targets_tutor': 'someone.else@evil.example',
        messageId: 'm-2',
      },
    };
    const opened = await invoke(mentorUpn, 'composeExtension/submitAction', submit);
    expect(opened.body.task.type, JSON.stringify(opened.body)).toBe('message');
    expect(opened.body.task.value).toContain('BCU-RIT-TEST-001');
    const found = (await local.repository.list({ search: 'BCU-RIT-TEST-001', limit: 5 })).items;
    expect(found).toHaveLength(1);
    const draft = must(await local.repository.find(must(found[0], 'draft').id), 'draft case');
    expect(draft.state.plan?.content.concernStatement).toBe(hostile);
    expect(draft.state.people.map((p) => p.id).sort()).toEqual([
      'gareth.evans@hollybank.example',
      'helen.okafor@bcu.example',
      'nadia.khan@mail.bcu.example',
    ]);
    // Submitting the same dialog again, ten times at once: the same case, ten answers, no 5xx.
    const again = await Promise.all(
      Array.from({ length: 10 }, () => invoke(mentorUpn, 'composeExtension/submitAction', submit)),
    );
    for (const twice of again) {
      expect(twice.status).toBe(200);
      expect(twice.body.task.value).toContain('BCU-RIT-TEST-001');
    }
    expect((await local.repository.list({ search: 'BCU-RIT-TEST-001', limit: 5 })).items).toHaveLength(1);

    // Ten first submissions of one dialog at once (another trainee): one case, ten answers.
    await local.placements.save({
      id: 'b0b0b0b0b0b0b0b0b0b0b0b0',
      key: 'omar.haddad@mail.bcu.example|pgce primary and early years 2026/27|2026-09-01',
      version: 1,
      trainee: { id: 'omar.haddad@mail.bcu.example', name: 'Omar Haddad' },
      programme: 'PGCE Primary and Early Years 2026/27',
      provider: undefined,
      school: 'Hollybank Primary School, Birmingham',
      schoolContactEmail: undefined,
      mentors: [{ id: mentorUpn, name: 'Gareth Evans' }],
      tutor: { id: 'helen.okafor@bcu.example', name: 'Helen Okafor' },
      professionalMentor: undefined,
      startsOn: parseLocalDate('2026-09-01'),
      endsOn: parseLocalDate('2027-07-16'),
      updatedAt: realNow().toISOString(),
      updatedBy: 'test',
    });
    const omar = {
      commandId: 'raiseConcern',
      data: {
        ...submit.data,
        reference: 'BCU-RIT-TEST-002',
        traineeName: 'Omar Haddad',
        traineeEmail: 'omar.haddad@mail.bcu.example',
        messageId: 'm-3',
      },
    };
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => invoke(mentorUpn, 'composeExtension/submitAction', omar)),
    );
    for (const answer of burst) {
      expect(answer.status).toBe(200);
      expect(answer.body.task.type, JSON.stringify(answer.body)).toBe('message');
      expect(answer.body.task.value).toContain('BCU-RIT-TEST-002');
    }
    expect((await local.repository.list({ search: 'BCU-RIT-TEST-002', limit: 5 })).items).toHaveLength(1);
  });
});

describe('signing, acknowledging, install events and proactive cards', () => {
  it('signs from the signature card; a stale card is answered with the current one', async () => {
    let target: { stored: StoredCase; upn: string; role: string; name: string } | undefined;
    for (const summary of (await local.repository.list({ status: 'awaiting_signatures', limit: 100 })).items) {
      const stored = must(await local.repository.find(summary.id), 'case');
      const procedure = must(
        SEED_PROCEDURES.find((p) => p.id === stored.state.procedureId),
        'procedure',
      );
      const waiting = outstandingSignatories(procedure, stored.state).flatMap((o) => o.people);
      const signer = waiting[0];
      if (signer && stored.state.plan?.content.reviewDate !== undefined) {
        target = { stored, upn: signer.id, role: signer.role, name: signer.name };
        break;
      }
    }
    const { stored, upn, role, name } = must(target, 'a case awaiting a signature');
    const planVersion = must(stored.state.plan, 'plan').version;
    const stale = await cardAction(upn, 'sign', {
      action: 'sign',
      caseId: stored.state.id,
      version: stored.state.version - 1,
      role,
      planVersion,
      typedName: name,
    });
    expect(JSON.stringify(stale.body.value)).toContain('This card was out of date');
    const signed = await cardAction(upn, 'sign', {
      action: 'sign',
      caseId: stored.state.id,
      version: stored.state.version,
      role,
      planVersion,
      typedName: name,
    });
    expect(signed.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const after = must(await local.repository.find(stored.state.id), 'case');
    expect(after.state.plan?.signatures.length).toBe((stored.state.plan?.signatures.length ?? 0) + 1);
    // Someone not on the case cannot sign it.
    const outsider = await cardAction(outsiderUpn, 'sign', {
      action: 'sign',
      caseId: stored.state.id,
      version: after.state.version,
      role,
      planVersion,
      typedName: 'Someone Else',
    });
    expect(outsider.body.value.code).toBe('not_found');
  });

  it('offers a signatory Sign on the case summary in chat, refreshed for each person the case awaits', async () => {
    let found: { stored: StoredCase; signer: string; other: string } | undefined;
    for (const summary of (await local.repository.list({ status: 'awaiting_signatures', limit: 100 })).items) {
      const stored = must(await local.repository.find(summary.id), 'case');
      const procedure = must(
        SEED_PROCEDURES.find((p) => p.id === stored.state.procedureId),
        'procedure',
      );
      const day = { calendar: calendarFor(procedure), today: londonDateOf(local.clock.now()) };
      if (signingBlocker(procedure, stored.state, day) !== undefined) continue;
      const waiting = outstandingSignatories(procedure, stored.state).flatMap((o) => o.people);
      const signer = waiting[0];
      const other = stored.state.people.find((p) => !waiting.some((w) => w.id === p.id));
      if (signer && other) {
        found = { stored, signer: signer.id, other: other.id };
        break;
      }
    }
    const { stored, signer, other } = must(found, 'a case awaiting a signature');
    const buttons = (card: unknown) =>
      executeActions(card)
        .map((a) => a.verb)
        .filter((v) => v !== 'refresh');

    // Writing to Trellis in chat: the signatory's case comes with their Sign button.
    const before = local.connector.activities().length;
    await post(activity(signer, { type: 'message', text: 'my cases' }));
    const cards = local.connector
      .activities()
      .slice(before)
      .flatMap((a) =>
        ((a.activity as { attachments?: { content: unknown }[] }).attachments ?? []).map((x) => x.content),
      );
    const mine = must(
      cards.find((c) => executeActions(c).some((a) => a.data.caseId === stored.state.id)),
      'the case’s card',
    ) as { refresh?: { userIds?: string[]; action: { data: unknown } } };
    expect(buttons(mine)).toEqual(['open_sign']);
    // Refreshed for the people it awaits (their Teams ids, once Trellis knows them): each sees their own button.
    expect(mine.refresh?.userIds).toContain(`29:${signer}`);
    const refresh = { action: 'refresh', caseId: stored.state.id, version: stored.state.version, card: 'case_summary' };
    expect(mine.refresh?.action.data).toEqual(refresh);
    const forSigner = await cardAction(signer, 'refresh', refresh);
    expect(buttons(forSigner.body.value)).toEqual(['open_sign']);
    const forOther = await cardAction(other, 'refresh', refresh);
    expect(forOther.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(buttons(forOther.body.value)).toEqual([]);
    expect((await cardAction(outsiderUpn, 'refresh', refresh)).body.value.code).toBe('not_found');

    // Sign opens the signature card in place of the summary, for the signatory only.
    const open = { action: 'open_sign', caseId: stored.state.id, version: stored.state.version };
    const signCard = await cardAction(signer, 'open_sign', open);
    expect(executeActions(signCard.body.value).some((a) => a.verb === 'sign')).toBe(true);
    const notTheirs = await cardAction(other, 'open_sign', open);
    expect(executeActions(notTheirs.body.value).some((a) => a.verb === 'sign')).toBe(false);
    // Nothing was written by looking.
    expect(must(await local.repository.find(stored.state.id), 'case').state.version).toBe(stored.state.version);
  });

  it('lets the course team acknowledge a raised concern once, in the case’s trail, and nobody else', async () => {
    const courseLeader = 'mark.whitfield@bcu.example';
    const bcu = (await local.repository.list({ programme: 'PGCE Primary and Early Years 2026/27', limit: 1 })).items[0];
    const stored = must(await local.repository.find(must(bcu, 'a BCU case').id), 'case');
    const data = {
      action: 'acknowledge',
      caseId: stored.state.id,
      version: stored.state.version,
      about: 'concern_raised',
    };
    const first = await cardAction(courseLeader, 'acknowledge', data);
    expect(JSON.stringify(first.body.value)).toContain('You acknowledged this');
    expect(executeActions(first.body.value).some((a) => a.verb === 'acknowledge')).toBe(false);
    const recorded = must(await local.repository.find(stored.state.id), 'case');
    expect(recorded.events.slice(stored.events.length)).toMatchObject([
      {
        type: 'notice_acknowledged',
        actorId: courseLeader,
        data: { about: 'concern_raised', byName: 'Mark Whitfield' },
      },
    ]);

    // Pressed again (or from another copy of the card): who got there first, and nothing more in the trail.
    const second = await cardAction(courseLeader, 'acknowledge', data);
    expect(JSON.stringify(second.body.value)).toContain('Mark Whitfield already acknowledged this');
    expect(executeActions(second.body.value).some((a) => a.verb === 'acknowledge')).toBe(false);
    const mentorOnCase = must(
      stored.state.people.find((p) => p.role === 'mentor'),
      'a mentor',
    ).id;
    const refused = await cardAction(mentorOnCase, 'acknowledge', data);
    expect(refused.body).toMatchObject({ statusCode: 400, value: { code: 'forbidden' } });
    expect((await local.repository.find(stored.state.id))?.state.version).toBe(recorded.state.version);
  });

  it('does not make a review card sent before an acknowledgement out of date', async () => {
    const procedure = must(
      SEED_PROCEDURES.find((p) => p.id === otherCase.state.procedureId),
      'procedure',
    );
    const reviewer = must(reviewersOf(procedure, otherCase.state)[0], 'a reviewer').id;
    const leader = must(
      DEMO_PROVIDERS.find((p) => p.programme === otherCase.state.placement.programme),
      'provider',
    ).courseTeam.upn;
    const sentAt = otherCase.state.version;
    const form = must(
      executeActions(
        (
          await cardAction(reviewer, 'open_review', {
            action: 'open_review',
            caseId: otherCase.state.id,
            version: sentAt,
          })
        ).body.value,
      ).find((a) => a.verb === 'record_review'),
      'the review form',
    ).data;
    expect(form.version).toBe(sentAt);

    const acknowledged = await cardAction(leader, 'acknowledge', {
      action: 'acknowledge',
      caseId: otherCase.state.id,
      version: sentAt,
      about: 'concern_raised',
    });
    expect(JSON.stringify(acknowledged.body.value)).toMatch(/acknowledged this/);
    const between = must(await local.repository.find(otherCase.state.id), 'case');
    expect(between.state.version).toBe(sentAt + 1);

    const outcome = must(
      procedure.stages
        .find((s) => s.id === otherCase.state.stageId)
        ?.review?.outcomes.find((o) => o.condition === undefined || o.condition === 'all_targets_met'),
      'an outcome',
    );
    const inputs: Record<string, unknown> = {
      evidence: 'Seen after the acknowledgement.',
      outcomeId: outcome.id,
      confirmClose: true,
    };
    for (const id of form.targetIds as string[]) inputs[`rating_${id}`] = 'met';
    const saved = await cardAction(reviewer, 'record_review', { ...form, ...inputs });
    expect(JSON.stringify(saved.body.value)).not.toContain('out of date');
    expect(JSON.stringify(saved.body.value)).toContain('REVIEW RECORDED');
    const after = must(await local.repository.find(otherCase.state.id), 'case');
    expect(after.events.slice(otherCase.events.length).map((e) => e.type)).toContain('review_recorded');
    expect(after.state.reviews).toHaveLength(otherCase.state.reviews.length + 1);
  });

  it('reminds reviewers of a review coming up with the review-due card, whose button opens the form for them only', async () => {
    const state = must(await local.repository.find(reminderCase.state.id), 'case').state;
    const procedure = must(
      SEED_PROCEDURES.find((p) => p.id === state.procedureId),
      'procedure',
    );
    const reviewer = must(reviewersOf(procedure, state)[0], 'a reviewer');
    const notification = (kind: 'review_coming_up' | 'review_due_today') => ({
      key: `test:${kind}`,
      caseId: state.id,
      reference: state.reference,
      kind,
      about: undefined,
      channel: 'chat_card' as const,
      recipient: {
        kind: 'person' as const,
        role: reviewer.role,
        personId: reviewer.id,
        name: reviewer.name,
        email: reviewer.email,
      },
      subject: 'Review',
      lines: [],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    });
    const sentCard = async (kind: 'review_coming_up' | 'review_due_today'): Promise<unknown> => {
      const before = local.connector.activities().length;
      await local.cardSenders.chat_card(notification(kind));
      // Only the reviewer's chat: the course team's channel may still be receiving the cards of the
      // review recorded in the test before, delivered after that command answered.
      const sent = local.connector
        .activities()
        .slice(before)
        .filter((a) => !a.conversationId.endsWith('@thread.tacv2'));
      expect(sent).toHaveLength(1);
      return must((sent[0]?.activity as { attachments?: { content: unknown }[] }).attachments?.[0], 'the card').content;
    };
    const reminder = await sentCard('review_coming_up');
    expect(JSON.stringify(reminder)).toMatch(/REVIEW (COMING UP|DUE TODAY)/);
    const buttons = executeActions(reminder);
    expect(buttons.map((a) => a.verb)).toEqual(['open_review']);
    const open = must(buttons[0], 'Complete the review').data;

    const forReviewer = await cardAction(reviewer.id, 'open_review', open);
    expect(executeActions(forReviewer.body.value).some((a) => a.verb === 'record_review')).toBe(true);
    const leader = must(
      DEMO_PROVIDERS.find((p) => p.programme === state.placement.programme),
      'provider',
    ).courseTeam.upn;
    const forLeader = await cardAction(leader, 'open_review', open);
    expect(forLeader.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(executeActions(forLeader.body.value).some((a) => a.verb === 'record_review')).toBe(false);
    const forOutsider = await cardAction(outsiderUpn, 'open_review', open);
    expect(forOutsider.body).toMatchObject({ statusCode: 400, value: { code: 'not_found' } });

    // On the day (and after), the reviewer gets the form itself.
    const dueToday = await sentCard('review_due_today');
    expect(executeActions(dueToday).some((a) => a.verb === 'record_review')).toBe(true);
  });

  it('stores a person’s 1:1 conversation when they install the app, and answers help', async () => {
    const upn = 'tom.fletcher@mail.bcu.example';
    const installed = await post({
      ...activity(upn, { type: 'installationUpdate', action: 'add' }),
      conversation: { id: 'a:tom-1on1', conversationType: 'personal', tenantId: 'local' },
    });
    expect(installed.status).toBe(200);
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: local.emulator.baseUrl,
      caCertPem: local.emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    const site = await openTrellisSite(client, local.emulator.siteId);
    const stored = await new ConversationStore(client, site.lists.conversations).findPerson(upn);
    expect(stored).toMatchObject({
      conversationId: 'a:tom-1on1',
      teamsUserId: `29:${upn}`,
      serviceUrl: `${local.url}/dev/connector`,
    });
    const before = local.connector.activities().length;
    await post(activity(upn, { type: 'message', text: 'help' }));
    expect(JSON.stringify(local.connector.activities().slice(before))).toContain('Search cases');
  });

  it('links a channel only at the course team’s word: adding Trellis links nothing; @mentions are parsed; no case lists there', async () => {
    const channelId = '19:course-team@thread.tacv2';
    const programme = activeCase.state.placement.programme;
    const courseTeam = must(
      DEMO_PROVIDERS.find((p) => p.programme === programme),
      'the provider of the case',
    ).courseTeam.upn;
    const trainee = must(
      activeCase.state.people.find((p) => p.role === 'trainee'),
      'trainee',
    ).id;
    const inChannel = (upn: string, text: string, conversationId = channelId) =>
      post({
        ...activity(upn, {
          type: 'message',
          text: `<at>Trellis</at> ${text}`,
          entities: [{ type: 'mention', text: '<at>Trellis</at>', mentioned: { id: '28:trellis', name: 'Trellis' } }],
        }),
        conversation: { id: conversationId, conversationType: 'channel', tenantId: 'local' },
        channelData: { team: { id: '19:team@thread.tacv2' } },
      });
    const channelCard = () =>
      local.cardSenders.channel_card({
        key: 'test:channel',
        caseId: activeCase.state.id,
        reference: activeCase.state.reference,
        kind: 'case_opened',
        about: undefined,
        channel: 'channel_card',
        recipient: { kind: 'course_team_channel', programme },
        subject: 'A concern was raised',
        lines: [],
        because: undefined,
        attachForm: false,
        calendar: undefined,
      });
    const sentSince = (before: number) => local.connector.activities().slice(before);
    const cardsIn = (sent: ReturnType<typeof sentSince>) =>
      sent.filter((a) => ((a.activity as { attachments?: unknown[] }).attachments ?? []).length > 0);

    // Local mode linked its demo channel for the programme at start: the course team unlinks it.
    await inChannel(courseTeam, `stop using this channel for ${programme}`, demoChannelIdOf(programme));
    await expect(channelCard()).rejects.toThrow(/No Teams channel is linked/);

    // A trainee adds Trellis to a team: it says how to link, and links nothing.
    let before = local.connector.activities().length;
    const added = await post({
      ...activity(trainee, { type: 'conversationUpdate' }),
      conversation: { id: channelId, conversationType: 'channel', tenantId: 'local' },
      membersAdded: [{ id: '28:trellis' }],
      channelData: { eventType: 'teamMemberAdded', team: { id: '19:team@thread.tacv2' } },
    });
    expect(added.status).toBe(200);
    expect(JSON.stringify(sentSince(before))).toContain('use this channel for');
    await expect(channelCard()).rejects.toThrow(/No Teams channel is linked/);

    // "@Trellis help" and "@Trellis hello" in the channel: how to link, never anyone's cases.
    before = local.connector.activities().length;
    await inChannel(courseTeam, 'help');
    await inChannel(courseTeam, 'hello');
    const said = sentSince(before);
    expect(cardsIn(said)).toEqual([]);
    expect(JSON.stringify(said)).toContain('shows no one');

    // The trainee cannot link it; the course team of the programme can, with the bot mentioned.
    before = local.connector.activities().length;
    await inChannel(trainee, `use this channel for ${programme}`);
    expect(JSON.stringify(sentSince(before))).toContain('Nothing was changed');
    await expect(channelCard()).rejects.toThrow(/No Teams channel is linked/);
    await inChannel(courseTeam, `use this channel for ${programme}`);
    before = local.connector.activities().length;
    await channelCard();
    expect(sentSince(before).map((a) => a.conversationId)).toEqual([channelId]);
    expect(JSON.stringify(sentSince(before)[0]?.activity)).toContain('CONCERN');

    // Unlinked, then linked again.
    await inChannel(courseTeam, `stop using this channel for ${programme}`);
    await expect(channelCard()).rejects.toThrow(/No Teams channel is linked/);
    await inChannel(courseTeam, `use this channel for ${programme}`);
    before = local.connector.activities().length;
    await channelCard();
    expect(sentSince(before).map((a) => a.conversationId)).toEqual([channelId]);
  });

  it('answers malformed messages and sign-in invokes Trellis does not use without a 5xx', async () => {
    for (const text of [null, 42, { a: 1 }, ['x']]) {
      const reply = await post(activity(reviewerUpn, { type: 'message', text }));
      expect(reply.status, JSON.stringify(text)).toBe(200);
    }
    const badMention = await post(
      activity(reviewerUpn, { type: 'message', text: '<at>Trellis</at> help', entities: [{ type: 'mention' }, 7] }),
    );
    expect(badMention.status).toBe(200);
    const verify = await invoke(reviewerUpn, 'signin/verifyState', { state: '123456' });
    expect(verify.status).toBeGreaterThanOrEqual(400);
    expect(verify.status).toBeLessThan(500);
    const exchange = await invoke(reviewerUpn, 'signin/tokenExchange', { id: 'x', connectionName: 'c', token: 't' });
    expect(exchange.status).toBe(412);
    expect(exchange.body.failureDetail).toMatch(/does not use bot sign-in/);
  });

  it('installs the app through Graph for someone with no chat yet, then sends them the card', async () => {
    const trainee = must(
      activeCase.state.people.find((p) => p.role === 'trainee'),
      'trainee',
    );
    const before = local.connector.activities().length;
    await local.cardSenders.chat_card({
      key: 'test:chat',
      caseId: activeCase.state.id,
      reference: activeCase.state.reference,
      kind: 'review_recorded',
      about: undefined,
      channel: 'chat_card',
      recipient: { kind: 'person', role: trainee.role, personId: trainee.id, name: trainee.name, email: trainee.email },
      subject: 'Your review was recorded',
      lines: [],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    });
    const sent = local.connector.activities().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.conversationId).toMatch(/@unq\.gbl\.spaces$/);
    const installs = local.emulator.inspect();
    expect(JSON.stringify(installs)).toContain(trainee.id.toLowerCase());
  });
});

/**
 * Outlook actionable messages: the review reminder email carries the review card, and Outlook
 * sends its actions to the same endpoint through the Bot Framework. Microsoft documents the
 * activity as an `invoke` named `adaptiveCard/action` whose `value.action` is a copy of the
 * Action.Execute as the card defines it (`type`, `verb`, `data` with the inputs' values merged
 * in, and the card's own `title`, `style` …) and whose `value.trigger` is "automatic" for the
 * refresh Outlook makes when the message is opened and "manual" for a button; the rest is the
 * Bot Framework activity, on the `outlook` channel, the person a ChannelAccount named by their
 * Entra object id (`from.aadObjectId`). Nothing documents `from.id` on this channel, so here it
 * is an opaque id, not an address: the bot must not need it to be one. Answers carry the
 * registered originator, or Outlook would not show them.
 */
describe('reviews from an Outlook actionable message', () => {
  const fromOutlook = (upn: string, value: unknown): Record<string, unknown> => ({
    type: 'invoke',
    name: 'adaptiveCard/action',
    channelId: 'outlook',
    serviceUrl: `${local.url}/dev/connector`,
    from: { id: `outlook-user-${devObjectIdOf(upn)}`, aadObjectId: devObjectIdOf(upn), name: 'Outlook user' },
    recipient: { id: 'trellis-bot', name: 'Trellis' },
    conversation: { id: `outlook-message-${upn}` },
    id: `outlook-${Math.random().toString(36).slice(2)}`,
    value,
  });
  /** `value.action` as documented: the card's Action.Execute copied whole, the inputs' values merged into its data. */
  const outlookAction = (
    upn: string,
    action: Record<string, unknown>,
    inputs: Record<string, unknown> = {},
    trigger = 'manual',
  ) =>
    post(
      fromOutlook(upn, {
        action: { ...action, type: 'Action.Execute', data: { ...(action.data as Record<string, unknown>), ...inputs } },
        trigger,
      }),
    );
  /** The card's Action.Execute with this verb, as the card defines it (Outlook copies it into the invoke). */
  const cardAction = (card: unknown, verb: string): Record<string, unknown> => {
    let found: Record<string, unknown> | undefined;
    const walk = (node: unknown): void => {
      if (found !== undefined) return;
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        const n = node as Record<string, unknown>;
        if (n.type === 'Action.Execute' && n.verb === verb) found = n;
        else Object.values(n).forEach(walk);
      }
    };
    walk(card);
    return must(found, `the card's ${verb} action`);
  };

  it('sends the review card in the reminder email; Outlook’s refresh, submission and repeat are answered as in Teams', async () => {
    const state = must(await local.repository.find(outlookCase.state.id), 'case').state;
    const procedure = must(
      SEED_PROCEDURES.find((p) => p.id === state.procedureId),
      'procedure',
    );
    const reviewer = must(reviewersOf(procedure, state)[0], 'a reviewer');
    const key = `test:outlook:${state.id}`;
    await must(
      local.notifications.runtime.senders.email,
      'the email sender',
    )({
      key,
      caseId: state.id,
      reference: state.reference,
      kind: 'review_due_today',
      about: undefined,
      channel: 'email',
      recipient: {
        kind: 'person',
        role: reviewer.role,
        personId: reviewer.id,
        name: reviewer.name,
        email: reviewer.email,
      },
      subject: `${state.reference}: review due today`,
      lines: [`The review for ${state.reference} is due today.`],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    });
    const mail = must(
      local.emulator.inspect().mails.find((m) => m.internetMessageHeaders.some((h) => h.value === key)),
      'the reminder email',
    );
    expect(mail.bodyContentType).toBe('html');
    expect(mail.toRecipients).toEqual([reviewer.email]);
    // Other mail clients: the words and a link to the case in the tab.
    expect(mail.bodyContent).toContain(`${local.url}/cases/${state.id}#review`);
    const emailed = actionableCardOf(mail.bodyContent) as Record<string, unknown>;
    expect(parseCard(emailed)).toEqual({ errors: [], warnings: [] });
    expect(emailed).toMatchObject({ version: '1.5', originator: DEMO_OUTLOOK_ORIGINATOR, hideOriginalBody: true });
    // "Open in Trellis" opens the tab at the review form: the deep link's subEntityId names it.
    const openInTeams = new URL(
      must(/https:\/\/teams\.microsoft\.com\/l\/entity\/[^"]+/.exec(JSON.stringify(emailed))?.[0], 'Open in Trellis'),
    );
    expect(JSON.parse(openInTeams.searchParams.get('context') ?? '')).toEqual({ subEntityId: `${state.id}#review` });
    expect(openInTeams.searchParams.get('webUrl')).toMatch(new RegExp(`/cases/${state.id}#review$`));
    const refresh = (emailed.refresh as { action: Record<string, unknown> }).action;
    expect(refresh).toMatchObject({ type: 'Action.Execute', verb: 'refresh' });

    // Opened by the reviewer: the form, with the originator.
    const opened = await outlookAction(reviewer.id, refresh, {}, 'automatic');
    expect(opened.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: { originator: DEMO_OUTLOOK_ORIGINATOR },
    });
    const submit = cardAction(opened.body.value, 'record_review');
    // The same email forwarded to someone on the case who does not review (the trainee), or to someone not on it.
    const trainee = must(
      state.people.find((p) => p.role === 'trainee' && !reviewersOf(procedure, state).some((r) => r.id === p.id)),
      'the trainee',
    ).id;
    const readOnly = await outlookAction(trainee, refresh, {}, 'automatic');
    expect(readOnly.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(executeActions(readOnly.body.value).some((a) => a.verb === 'record_review')).toBe(false);
    const onCase = new Set(state.people.map((p) => p.id.toLowerCase()));
    const stranger = must(
      (await local.repository.list({ status: 'active', limit: 100 })).items
        .flatMap((c) => c.people)
        .find((p) => p.role.includes('mentor') && !onCase.has(p.id.toLowerCase())),
      'a mentor not on the case',
    ).id;
    expect((await outlookAction(stranger, refresh, {}, 'automatic')).body).toMatchObject({
      statusCode: 400,
      value: { code: 'not_found' },
    });
    const nobody = await post({
      ...fromOutlook('someone@elsewhere.example', { action: refresh, trigger: 'automatic' }),
    });
    expect(nobody.body.value.code).toBe('unknown_person');

    const outcome = must(
      procedure.stages
        .find((s) => s.id === state.stageId)
        ?.review?.outcomes.find((o) => o.condition === undefined || o.condition === 'all_targets_met'),
      'an outcome',
    );
    const inputs: Record<string, unknown> = {
      evidence: 'Seen in Outlook </script>',
      outcomeId: outcome.id,
      confirmClose: true,
    };
    for (const id of (submit.data as { targetIds: string[] }).targetIds) inputs[`rating_${id}`] = 'met';
    const saved = await outlookAction(reviewer.id, submit, inputs);
    expect(saved.body.value.originator).toBe(DEMO_OUTLOOK_ORIGINATOR);
    expect(JSON.stringify(saved.body.value)).toContain('REVIEW RECORDED');
    const after = must(await local.repository.find(state.id), 'case');
    expect(after.state.reviews).toHaveLength(state.reviews.length + 1);
    expect(after.state.reviews.at(-1)?.recordedBy).toBe(reviewer.id.toLowerCase());

    // Pressed again (a second Outlook window): answered with what changed, nothing recorded twice.
    const again = await outlookAction(reviewer.id, submit, inputs);
    expect(again.body.value.originator).toBe(DEMO_OUTLOOK_ORIGINATOR);
    expect(JSON.stringify(again.body.value)).toContain('This card was out of date');
    expect(must(await local.repository.find(state.id), 'case').state.reviews).toHaveLength(state.reviews.length + 1);

    // The email opened later, by anyone on the case: the recorded outcome.
    for (const who of [reviewer.id, trainee]) {
      const later = await outlookAction(who, refresh, {}, 'automatic');
      expect(JSON.stringify(later.body.value)).toContain('REVIEW RECORDED');
      expect(later.body.value.originator).toBe(DEMO_OUTLOOK_ORIGINATOR);
    }
  });
});

describe('who looked', () => {
  /** Entries on a case by one person in one way, the buffer written first. */
  const reads = async (caseId: string, upn: string, how: string): Promise<number> =>
    ((await local.useCases.accessLog?.forCase(caseId)) ?? []).filter(
      (e) => e.how === how && e.personId === upn.toLowerCase(),
    ).length;

  it('records card refreshes and card actions in the access log as card reads, by who did them', async () => {
    expect(await reads(activeCase.state.id, reviewerUpn, 'card')).toBeGreaterThan(0);
    // A refresh alone (Teams asking for the card as it now is, for this person) is a read.
    const leader = must(
      DEMO_PROVIDERS.find((p) => p.programme === activeCase.state.placement.programme),
      'provider',
    ).courseTeam.upn;
    const before = await reads(activeCase.state.id, leader, 'card');
    const refreshed = await cardAction(leader, 'refresh', {
      action: 'refresh',
      caseId: activeCase.state.id,
      version: (await current()).state.version,
      card: 'case_summary',
    });
    expect(refreshed.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(await reads(activeCase.state.id, leader, 'card')).toBe(before + 1);
    // Refused (not theirs): nothing is recorded for the outsider.
    await cardAction(outsiderUpn, 'refresh', {
      action: 'refresh',
      caseId: activeCase.state.id,
      version: 1,
      card: 'case_summary',
    });
    expect(await reads(activeCase.state.id, outsiderUpn, 'card')).toBe(0);
  });

  it('records the cards a chat message answers with, and search results, as reads of each case shown', async () => {
    // A message in chat answers with a card for each of the person's open cases: each is a read.
    const answer = async (): Promise<string[]> => {
      const before = local.connector.activities().length;
      expect((await post(activity(reviewerUpn, { type: 'message', text: 'my cases' }))).status).toBe(200);
      return local.connector
        .activities()
        .slice(before)
        .flatMap((a) =>
          ((a.activity as { attachments?: { content: unknown }[] }).attachments ?? []).map((x) => x.content),
        )
        .flatMap((c) => executeActions(c).map((action) => action.data.caseId))
        .filter((id): id is string => typeof id === 'string');
    };
    const shown = must((await answer())[0], 'a case card in the answer');
    const cards = await reads(shown, reviewerUpn, 'card');
    expect(await answer()).toContain(shown);
    expect(await reads(shown, reviewerUpn, 'card')).toBe(cards + 1);

    // Search results in the message extension, by the course leader (who has not searched for it before).
    const leader = must(
      DEMO_PROVIDERS.find((p) => p.programme === activeCase.state.placement.programme),
      'provider',
    ).courseTeam.upn;
    expect(await reads(activeCase.state.id, leader, 'list')).toBe(0);
    const found = await invoke(leader, 'composeExtension/query', {
      commandId: 'searchCases',
      parameters: [{ name: 'query', value: activeCase.state.reference }],
    });
    expect(found.body.composeExtension.attachments).toHaveLength(1);
    expect(await reads(activeCase.state.id, leader, 'list')).toBe(1);
  });
});

describe('the Executive Group decision from a card', () => {
  it("gives the chair the group decision form; records the decision with its members and attendance and the new case's targets, refuses bad input and anyone else", async () => {
    const caseId = 'demo-rcttp-escalated';
    const before = must(await local.repository.find(caseId), 'the RCTTP case at the Executive Group');
    expect(before.state.stageId).toBe('executive_group');
    const chair = must(
      before.state.people.find((p) => p.role === 'executive_group_chair'),
      'the Executive Group chair on the case',
    );
    const mentor = must(
      before.state.people.find((p) => p.role === 'mentor'),
      'a mentor on the case',
    );
    const version = before.state.version;

    // The review's place opens the group decision form for its chair: members, attendance, the decision.
    const form = await cardAction(chair.id, 'open_review', { action: 'open_review', caseId, version });
    expect(form.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(parseCard(form.body.value)).toEqual({ errors: [], warnings: [] });
    expect(executeActions(form.body.value).map((a) => a.verb)).toEqual(['record_group_decision']);
    expect(JSON.stringify(form.body.value)).toContain('"id":"member_attended_0"');

    const submission = (extra: Record<string, unknown>) => ({
      action: 'record_group_decision',
      caseId,
      version,
      outcomeId: 'further_monitoring',
      evidence: 'The report presented to the group; mentor and tutor observations.',
      notes: 'The group asked for a further period of monitoring.',
      member_name_0: chair.name,
      member_role_0: 'Chair',
      member_attended_0: 'true',
      member_name_1: 'Joanna Price',
      member_role_1: 'Course Leader',
      member_attended_1: 'false',
      ...extra,
    });
    // Nobody attended: the domain's rule, as REST applies it, answered with an error response (the form keeps what was typed).
    const nobody = await cardAction(chair.id, 'record_group_decision', submission({ member_attended_0: 'false' }));
    expect(nobody.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(nobody.body.value.message).toMatch(/^Not saved: /);
    // Not a decision at all: refused as the card is parsed.
    const noDecision = await cardAction(chair.id, 'record_group_decision', submission({ outcomeId: '' }));
    expect(noDecision.body).toMatchObject({
      statusCode: 400,
      value: { code: 'bad_request', message: 'Choose the decision.' },
    });
    // A mentor on the case is not the one who records it.
    const mentorTry = await cardAction(mentor.id, 'record_group_decision', submission({}));
    expect(mentorTry.body).toMatchObject({ statusCode: 400, value: { code: 'forbidden' } });
    expect((await local.repository.find(caseId))?.state.version).toBe(version);

    // The stage's report comes before the decision, as over REST: the card says so, and records nothing.
    const early = await cardAction(chair.id, 'record_group_decision', submission({}));
    expect(early.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(early.body.value.message).toContain('A report is prepared and presented to the Executive Group.');
    expect((await local.repository.find(caseId))?.state.version).toBe(version);
    const token = await local.keys.sign({ upn: chair.id, name: chair.name, roles: [] }, realNow());
    const task = await fetch(`${local.url}/api/cases/${caseId}/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': '*' },
      body: JSON.stringify({ taskId: 'report', note: 'Report presented to the group.' }),
    });
    expect(task.status).toBe(200);
    const reported = must(await local.repository.find(caseId), 'the case with its report').state.version;

    // A decision that closes the case asks for confirmation first, carrying what was entered; nothing is recorded yet.
    const closing = await cardAction(
      chair.id,
      'record_group_decision',
      submission({ version: reported, outcomeId: 'direct_to_leave' }),
    );
    expect(closing.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(closing.body.value)).toContain('PLEASE CONFIRM');
    const confirm = must(
      executeActions(closing.body.value).find((a) => a.verb === 'record_group_decision'),
      'the confirm button',
    );
    expect(confirm.data).toMatchObject({
      outcomeId: 'direct_to_leave',
      confirmClose: true,
      member_name_0: chair.name,
      member_attended_0: 'true',
      member_attended_1: 'false',
    });
    expect((await local.repository.find(caseId))?.state.version).toBe(reported);

    // "Further teaching placement and/or training against a Progress Support Plan" opens a new
    // case from the targets the form names. A standard with no target, or one the new case's form
    // does not know, is an error response; nothing is recorded.
    const linked = (extra: Record<string, unknown>) =>
      submission({
        version: reported,
        outcomeId: 'further_placement_or_training',
        linked_target_0: 'Plan sequences of lessons that build on prior learning',
        linked_target_link_0: 'teachers-standards:TS4',
        linked_target_1: 'Use assessment to <b>adapt</b> teaching',
        ...extra,
      });
    const stray = await cardAction(
      chair.id,
      'record_group_decision',
      linked({ linked_target_link_2: 'teachers-standards:TS1' }),
    );
    expect(stray.body).toMatchObject({
      statusCode: 400,
      value: {
        code: 'bad_request',
        message: 'Target 3 has a standard but no words: write the target, or clear its standard.',
      },
    });
    const unknown = await cardAction(
      chair.id,
      'record_group_decision',
      linked({ confirmClose: true, linked_target_link_1: 'teachers-standards:TS99' }),
    );
    expect(unknown.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(unknown.body.value.message).toContain('TS99');
    expect((await local.repository.find(caseId))?.state.version).toBe(reported);
    // The decision closes this case: the confirmation carries the targets back with everything else.
    const asked = await cardAction(chair.id, 'record_group_decision', linked({}));
    const confirmLinked = must(
      executeActions(asked.body.value).find((a) => a.verb === 'record_group_decision'),
      'the confirm button',
    );
    expect(confirmLinked.data).toMatchObject({
      confirmClose: true,
      linked_target_0: 'Plan sequences of lessons that build on prior learning',
      linked_target_link_0: 'teachers-standards:TS4',
      linked_target_1: 'Use assessment to <b>adapt</b> teaching',
    });

    const done = await cardAction(chair.id, 'record_group_decision', confirmLinked.data);
    expect(done.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(parseCard(done.body.value)).toEqual({ errors: [], warnings: [] });
    const after = must(await local.repository.find(caseId), 'the case after the decision');
    expect(after.state.reviews.at(-1)).toMatchObject({
      stageId: 'executive_group',
      outcomeId: 'further_placement_or_training',
      recordedBy: chair.id.toLowerCase(),
      members: [
        { name: chair.name, role: 'Chair', attended: true },
        { name: 'Joanna Price', role: 'Course Leader', attended: false },
      ],
    });
    expect(after.state.status).toBe('closed');
    expect(after.state.linkedCases).toMatchObject([
      {
        stageId: 'progress_support_plan',
        targets: [
          {
            text: 'Plan sequences of lessons that build on prior learning',
            links: [{ frameworkId: 'teachers-standards', code: 'TS4' }],
          },
          { text: 'Use assessment to <b>adapt</b> teaching', links: [] },
        ],
      },
    ]);
  });
});

describe('the fee waiver from a card', () => {
  it("records the panel's decision from a card (confirmed, with the new case's targets); offers the course team the fee form on the decision card; waives the fee with the reason, refusing an empty reason and a mentor", async () => {
    const caseId = 'demo-bcu-at-panel';
    const at = must(await local.repository.find(caseId), 'the BCU case at its panel');
    const leader = must(
      DEMO_PROVIDERS.find((p) => p.programme === at.state.placement.programme),
      'its provider',
    ).courseTeam;
    const mentor = must(
      at.state.people.find((p) => p.role === 'mentor'),
      'a mentor on the case',
    );
    const token = await local.keys.sign(
      { upn: leader.upn, name: leader.name, roles: ['CourseTeam'], programmes: [at.state.placement.programme] },
      realNow(),
    );
    const rest = async (route: string, body: unknown): Promise<number> =>
      (
        await fetch(`${local.url}/api/cases/${caseId}${route}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': '*' },
          body: JSON.stringify(body),
        })
      ).status;
    for (const taskId of ['evidence_meeting', 'course_leadership_meeting', 'refer_to_panel', 'placement_review_form'])
      expect(await rest('/tasks', { taskId, note: 'Done.' }), taskId).toBe(200);
    const members = must(
      at.state.panels.find((p) => p.panelId === 'placement_review_panel'),
      'the convened panel',
    ).members.map((m) => m.id);

    // The panel's decision from the course leader's case summary in chat, as over REST: the form
    // lists the members convened, the panel's decisions and the new case's targets.
    const ready = must(await local.repository.find(caseId), 'the case with its tasks done');
    const summary = await cardAction(leader.upn, 'refresh', {
      action: 'refresh',
      caseId,
      version: ready.state.version,
      card: 'case_summary',
    });
    const openPanel = must(
      executeActions(summary.body.value).find((a) => a.verb === 'open_form' && a.data.form === 'panel_decision'),
      'the panel decision button',
    );
    expect((await cardAction(mentor.id, 'open_form', openPanel.data)).body).toMatchObject({
      statusCode: 400,
      value: { code: 'forbidden' },
    });
    const panelForm = await cardAction(leader.upn, 'open_form', openPanel.data);
    expect(parseCard(panelForm.body.value)).toEqual({ errors: [], warnings: [] });
    const recordPanel = must(
      executeActions(panelForm.body.value).find((a) => a.verb === 'record_panel_decision'),
      'the record button',
    );
    const panelSubmission = (extra: Record<string, unknown>) => ({
      ...recordPanel.data,
      attendees: members.join(','),
      decisionId: 'second_attempt_with_rit',
      rationale: 'The placement records <i>and</i> the forms show the standards were not met.',
      linked_target_0: 'Establish behaviour routines',
      linked_target_link_0: 'bcu-ite-formative-assessment-tracker:FAT1',
      ...extra,
    });
    // "… with a RIT in place to address identified targets": none named is refused, as over REST.
    const noTargets = await cardAction(
      leader.upn,
      'record_panel_decision',
      panelSubmission({ linked_target_0: '', linked_target_link_0: '', confirmClose: true }),
    );
    expect(noTargets.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(noTargets.body.value.message).toContain('name the targets the new case addresses');
    const nobody = await cardAction(leader.upn, 'record_panel_decision', panelSubmission({ attendees: '' }));
    expect(nobody.body).toMatchObject({
      statusCode: 400,
      value: { code: 'bad_request', message: 'Choose the members present at the meeting.' },
    });
    expect(
      (await cardAction(mentor.id, 'record_panel_decision', panelSubmission({ confirmClose: true }))).body,
    ).toMatchObject({ statusCode: 400, value: { code: 'forbidden' } });
    expect((await local.repository.find(caseId))?.state.version).toBe(ready.state.version);
    // Every decision of the panel closes the case: confirmed first, carrying what was entered.
    const confirmPanel = must(
      executeActions((await cardAction(leader.upn, 'record_panel_decision', panelSubmission({}))).body.value).find(
        (a) => a.verb === 'record_panel_decision',
      ),
      'the confirm button',
    );
    expect(confirmPanel.data).toMatchObject({
      confirmClose: true,
      attendees: members.join(','),
      linked_target_0: 'Establish behaviour routines',
    });
    expect((await local.repository.find(caseId))?.state.version).toBe(ready.state.version);
    const panelDone = await cardAction(leader.upn, 'record_panel_decision', confirmPanel.data);
    expect(panelDone.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(panelDone.body.value)).toContain('PANEL DECISION');
    const decided = must(await local.repository.find(caseId), 'the decided case');
    expect(decided.state.panels.at(-1)).toMatchObject({ decisionId: 'second_attempt_with_rit' });
    expect(decided.state.linkedCases.at(-1)?.targets).toMatchObject([
      {
        text: 'Establish behaviour routines',
        links: [{ frameworkId: 'bcu-ite-formative-assessment-tracker', code: 'FAT1' }],
      },
    ]);

    // The decision's card in the course team's channel carries the form's button.
    const before = local.connector.activities().length;
    await local.cardSenders.channel_card({
      key: 'test:decision',
      caseId,
      reference: decided.state.reference,
      kind: 'decision_recorded',
      about: undefined,
      channel: 'channel_card',
      recipient: { kind: 'course_team_channel', programme: decided.state.placement.programme },
      subject: `${decided.state.reference}: decision recorded`,
      lines: ['The panel decided.'],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    });
    const posted = local.connector
      .activities()
      .slice(before)
      .flatMap((a) =>
        ((a.activity as { attachments?: { content: unknown }[] }).attachments ?? []).map((x) => x.content),
      );
    const open = must(
      posted.flatMap((c) => executeActions(c)).find((a) => a.verb === 'open_form'),
      'the Waive the fee button',
    );
    expect(open.data).toMatchObject({ form: 'fee_waiver', caseId });

    // A mentor pressing it is told who waives a fee; the course leader gets the form.
    expect((await cardAction(mentor.id, 'open_form', open.data)).body).toMatchObject({
      statusCode: 400,
      value: { code: 'forbidden', message: 'Only the course team can waive a fee.' },
    });
    const form = await cardAction(leader.upn, 'open_form', open.data);
    expect(form.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(parseCard(form.body.value)).toEqual({ errors: [], warnings: [] });
    const submit = must(
      executeActions(form.body.value).find((a) => a.verb === 'waive_fee'),
      'the waive button',
    );
    const empty = await cardAction(leader.upn, 'waive_fee', { ...submit.data, reason: '  ' });
    expect(empty.body).toMatchObject({ statusCode: 400, value: { message: 'Write the reason the fee is waived.' } });
    expect((await cardAction(mentor.id, 'waive_fee', { ...submit.data, reason: 'Hardship' })).body).toMatchObject({
      statusCode: 400,
      value: { code: 'forbidden' },
    });
    expect((await local.repository.find(caseId))?.state.version).toBe(decided.state.version);

    // The case summary in chat, refreshed by Teams for the course leader, keeps the form's button
    // it is sent with; a mentor's refreshed summary has none.
    const summaryRefresh = { action: 'refresh', caseId, version: decided.state.version, card: 'case_summary' };
    const refreshed = await cardAction(leader.upn, 'refresh', summaryRefresh);
    expect(refreshed.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(parseCard(refreshed.body.value)).toEqual({ errors: [], warnings: [] });
    const formsOn = (value: unknown) =>
      executeActions(value)
        .filter((a) => a.verb === 'open_form')
        .map((a) => a.data.form);
    expect(formsOn(refreshed.body.value)).toContain('fee_waiver');
    expect(formsOn((await cardAction(mentor.id, 'refresh', summaryRefresh)).body.value)).not.toContain('fee_waiver');

    const reason = 'Bereavement during the placement <b>documented</b>.';
    const waived = await cardAction(leader.upn, 'waive_fee', { ...submit.data, reason });
    expect(waived.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(waived.body.value)).toContain('The fee of £1125 is waived');
    const after = must(await local.repository.find(caseId), 'the case after the waiver');
    expect(after.state.feeWaivers).toMatchObject([
      { outcomeId: 'second_attempt_with_rit', amount: '£1125', reason, by: leader.upn.toLowerCase() },
    ]);
  });
});

describe('logs', () => {
  it('carry no demo person’s name or address after the whole walk above', async () => {
    // Everything above ran through this process: cases opened from a message, plans signed,
    // reviews recorded, cards refreshed, proactive cards and emails sent, malformed activities.
    await local.notifications.background.idle();
    const text = JSON.stringify(captured.lines);
    expect(captured.lines.some((l) => l.message === 'case command')).toBe(true);
    expect(captured.lines.some((l) => l.message === 'notifications delivered')).toBe(true);
    expect(demoPeople().length).toBeGreaterThan(20);
    expect(personalDataIn(text)).toEqual([]);
  });
});
