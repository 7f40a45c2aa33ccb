import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalMode } from '../../src/compose/local.js';
import { startTabEnvironment, type TabEnvironment, signedInAs } from './tab-harness.js';

/**
 * "Edit plan" on the case workspace, end to end against local mode: the wizard's plan parts,
 * prefilled from the plan, saved with PUT /api/cases/:id/plan and If-Match; when people have
 * signed, saving asks first and withdraws their signatures.
 */
let env: TabEnvironment;
let local: RunningLocalMode;

interface PlanReply {
  readonly status: string;
  readonly plan: {
    readonly signatures: readonly unknown[];
    readonly content: {
      readonly reviewDate?: string;
      readonly trainingNeeds?: string;
      readonly targets: readonly { readonly id: string; readonly text: string }[];
    };
  };
}

async function caseAs(upn: string, caseId: string): Promise<PlanReply> {
  const reply = await fetch(`${local.url}/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upn }),
  });
  const { token } = (await reply.json()) as { token: string };
  return (await (
    await fetch(`${local.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as PlanReply;
}

beforeAll(async () => {
  env = await startTabEnvironment('edit-plan');
  ({ local } = env);
});

afterAll(async () => {
  await env.close();
});

const COURSE_LEAD = 'mark.whitfield@bcu.example';

describe('Edit plan', () => {
  it('edits a target and the review date of a plan being drafted, and the change is there after a reload', async () => {
    const caseId = 'demo-bcu-drafting';
    const before = await caseAs(COURSE_LEAD, caseId);
    expect(before.status).toBe('planning');
    expect(before.plan.content.targets.length).toBeGreaterThan(0);
    const page = await signedInAs(env, 'Mark Whitfield', `/cases/${caseId}`);
    await page.getByRole('button', { name: 'Edit plan', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit the plan' });
    const target = form.getByLabel('Target 1', { exact: true });
    expect(await target.inputValue()).toBe(before.plan.content.targets[0]?.text);
    await target.fill('Plan phonics lessons that build on the previous day, with <b>one</b> clear objective.');
    const date = form.getByLabel(/^Review date/);
    const earliest = (await date.getAttribute('min')) ?? '';
    const chosen = new Date(`${earliest}T00:00:00Z`);
    chosen.setUTCDate(chosen.getUTCDate() + 6);
    const reviewDate = chosen.toISOString().slice(0, 10);
    await date.fill(reviewDate);
    await form.getByRole('button', { name: 'Save the plan' }).click();
    await form.waitFor({ state: 'detached' });

    await page.reload();
    await page
      .getByText('Plan phonics lessons that build on the previous day, with <b>one</b> clear objective.')
      .first()
      .waitFor();
    const after = await caseAs(COURSE_LEAD, caseId);
    expect(after.plan.content.targets[0]?.text).toBe(
      'Plan phonics lessons that build on the previous day, with <b>one</b> clear objective.',
    );
    expect(after.plan.content.targets[0]?.id).toBe(before.plan.content.targets[0]?.id);
    expect(after.plan.content.reviewDate).toBe(reviewDate);
  });

  it('round-trips training needs, and asks before withdrawing signatures', async () => {
    const caseId = 'demo-bcu-awaiting-signatures';
    const before = await caseAs(COURSE_LEAD, caseId);
    expect(before.plan.signatures.length).toBeGreaterThan(0);
    const page = await signedInAs(env, 'Mark Whitfield', `/cases/${caseId}`);
    await page.getByRole('button', { name: 'Edit plan', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit the plan' });
    await form.getByLabel('Training needs').fill('Phonics training with the English lead.');
    await form.getByRole('button', { name: 'Save the plan' }).click();
    await form.getByText('Tick the box to confirm the signatures will be withdrawn.').waitFor();
    await form.getByLabel('I understand the signatures will be withdrawn').check();
    await form.getByRole('button', { name: 'Save the plan' }).click();
    await form.waitFor({ state: 'detached' });

    await page.reload();
    await page.getByText('Phonics training with the English lead.').first().waitFor();
    const after = await caseAs(COURSE_LEAD, caseId);
    expect(after.plan.content.trainingNeeds).toBe('Phonics training with the English lead.');
    expect(after.plan.signatures).toEqual([]);

    await page.getByRole('button', { name: 'Edit plan', exact: true }).click();
    expect(await page.getByRole('form', { name: 'Edit the plan' }).getByLabel('Training needs').inputValue()).toBe(
      'Phonics training with the English lead.',
    );
  });
});
