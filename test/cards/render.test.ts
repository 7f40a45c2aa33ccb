import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildReviewFormCard,
  reviewFormView,
  type AdaptiveCardJson,
  type CardTemplateName,
} from '../../src/cards/index.js';
import { docsImagesDir } from '../docs-images.js';
import { findChromium, launchChromium } from '../support/chromium.js';
import { cardsFor, hostileCase, SCENARIOS, sourceOf, teamsUserIdOf } from './fixtures.js';

/**
 * Renders the cards with the real `adaptivecards` browser bundle in headless Chromium, with a
 * Teams-like host config, and takes one screenshot per template for docs/cards/ (where they go:
 * ../docs-images.ts). Every request that is not to the local harness server is blocked.
 */

const executablePath = findChromium();
const harness = readFileSync(new URL('./render-harness.html', import.meta.url), 'utf8');
const bundle = readFileSync(createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');

interface RenderResult {
  readonly events: readonly string[];
  readonly rendered: boolean;
  readonly links: number;
  readonly bold: number;
  readonly text: string;
}

/** Which procedure shows each template in the docs, so the screenshots cover all five. */
const SHOWN_BY: Record<CardTemplateName, number> = {
  review_form: 0,
  case_closed: 0,
  placement_suspended: 2,
  concern_raised: 1,
  overdue_escalation: 1,
  review_due: 2,
  outcome_recorded: 2,
  plan_agreed: 3,
  stage_changed: 3,
  signature_request: 4,
  case_summary: 4,
  notice_card: 0,
};

describe.skipIf(executablePath === undefined || !existsSync(executablePath))('cards rendered in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let origin = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/adaptivecards.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      } else if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(harness);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(executablePath);
    page = await browser.newPage({ viewport: { width: 600, height: 800 }, deviceScaleFactor: 1 });
    await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
  });

  afterAll(async () => {
    await browser.close();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  const render = (card: AdaptiveCardJson): Promise<RenderResult> =>
    page.evaluate(
      (json) => (globalThis as unknown as { renderCard: (j: unknown) => RenderResult }).renderCard(json),
      card as unknown,
    );

  const screenshot = async (file: string): Promise<void> => {
    await page.locator('#frame').screenshot({ path: path.join(docsImagesDir('cards'), file), animations: 'disabled' });
  };

  it('renders every card of every procedure with no parse or validation events', async () => {
    for (const scenario of SCENARIOS) {
      for (const { template, variant, card } of cardsFor(scenario)) {
        const result = await render(card);
        expect({ procedure: scenario.procedure.id, template, variant, ...result, text: undefined }).toEqual({
          procedure: scenario.procedure.id,
          template,
          variant,
          events: [],
          rendered: true,
          links: 0,
          bold: 0,
          text: undefined,
        });
      }
    }
  });

  it('takes a screenshot of each template for docs/cards', async () => {
    const done = new Set<string>();
    for (const [template, index] of Object.entries(SHOWN_BY) as [CardTemplateName, number][]) {
      const scenario = SCENARIOS[index];
      if (!scenario) throw new Error(`no scenario ${index}`);
      const cards = cardsFor(scenario).filter((c) => c.template === template);
      const shown =
        template === 'signature_request'
          ? cards.find((c) => c.variant === 'trainee')
          : cards.find((c) => c.variant === 'default');
      if (!shown) throw new Error(`no ${template} card`);
      const result = await render(shown.card);
      expect(result.rendered).toBe(true);
      await screenshot(`${template.replace(/_/g, '-')}.png`);
      done.add(template);
    }
    expect(done.size).toBe(Object.keys(SHOWN_BY).length);
  });

  it('shows the review form to a mentor and a read-only view to anyone else', async () => {
    const scenario = SCENARIOS[0];
    if (!scenario) throw new Error('no scenario');
    const source = sourceOf(scenario, scenario.agreed, scenario.dueOn);
    const mentor = await render(buildReviewFormCard(reviewFormView(source, { editable: true, teamsUserIdOf })));
    const inputsForMentor = await page.locator('#card input, #card textarea, #card select').count();
    await screenshot('review-form-mentor.png');
    const viewer = await render(buildReviewFormCard(reviewFormView(source, { editable: false, teamsUserIdOf })));
    const inputsForViewer = await page.locator('#card input, #card textarea, #card select').count();
    await screenshot('review-form-read-only.png');
    expect(inputsForMentor).toBeGreaterThan(10);
    expect(inputsForViewer).toBe(0);
    expect(mentor.text).toContain('Record review');
    expect(viewer.text).not.toContain('Record review');
    expect(viewer.text).toContain('This review is recorded by the people below.');
  });

  it('shows a suspended placement to the staff, and to the trainee in their own words', async () => {
    const scenario = SCENARIOS[SHOWN_BY.placement_suspended];
    if (!scenario) throw new Error('no scenario');
    const cards = cardsFor(scenario).filter((c) => c.template === 'placement_suspended');
    const staffCard = cards.find((c) => c.variant === 'default');
    const traineeCard = cards.find((c) => c.variant === 'trainee');
    if (!staffCard || !traineeCard) throw new Error('no placement_suspended cards');
    const staff = await render(staffCard.card);
    const trainee = await render(traineeCard.card);
    await screenshot('placement-suspended-trainee.png');
    expect(staff.text).toContain('Placement suspended for Emily Clarke');
    expect(trainee.text).toContain('Your placement is suspended');
    for (const result of [staff, trainee]) {
      expect(result.text).toContain('To avoid negative impact on pupils’ progress while the decision is made.');
      expect(result.text).toContain('What happens next');
    }
    expect(trainee.text).toContain('the support available to you');
    expect(trainee.text).not.toContain('Emily Clarke does not teach');
  });

  it('renders hostile names and targets as literal text: no links, bold, headings, lists or images', async () => {
    const scenario = SCENARIOS[0];
    if (!scenario) throw new Error('no scenario');
    const card = buildReviewFormCard(
      reviewFormView(sourceOf(scenario, hostileCase(scenario.agreed), scenario.dueOn), {
        editable: true,
        teamsUserIdOf,
      }),
    );
    const result = await render(card);
    await screenshot('hostile-text.png');
    expect(result.links).toBe(0);
    expect(result.bold).toBe(0);
    const visible = result.text.replaceAll('\u200B', '');
    expect(visible).toContain('[Click to verify](https://evil.example/login) **URGENT**');
    expect(visible).toContain('1. ![x](http://tracker.example/p.png) ${header.caseId} @{caseId} _x_');
  });
});
