import { teamsDarkTheme, teamsHighContrastTheme } from '@fluentui/react-components';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P1, P2 } from '../server/fixtures.js';
import {
  buildEmulatedHost,
  EMULATED_HOST_ORIGIN,
  openInEmulatedHost,
  type EmulatedHost,
  type HostSettings,
} from './host/emulated-host.js';
import type { TenantModeServer } from './host/tenant-mode.js';
import {
  newTabContext,
  startTenantTabEnvironment,
  TENANT_COURSE_LEAD,
  TENANT_TUTOR,
  type TenantTabEnvironment,
} from './tab-harness.js';

/**
 * The tab inside an EMULATED Microsoft 365 host (test/tab/host: a page that speaks teams-js
 * 2.58.0's postMessage protocol; not Teams), against Trellis in tenant mode with a test identity
 * provider. What this proves and what only a real tenant can: see README "Status".
 */
let env: TenantTabEnvironment;
let server: TenantModeServer;
let browser: Browser;
const tutor = TENANT_TUTOR;
const courseLead = TENANT_COURSE_LEAD;

beforeAll(async () => {
  env = await startTenantTabEnvironment('in-host', {
    courseTeamProgrammes: `${P1};${P2}`,
    alsoBuild: buildEmulatedHost,
  });
  ({ server, browser } = env);
});

afterAll(async () => {
  await env.close();
});

async function openHost(settings: Omit<HostSettings, 'tabUrl'> & { readonly path?: string }): Promise<EmulatedHost> {
  const context = env.track(await newTabContext(browser));
  return openInEmulatedHost(
    context,
    { tabUrl: `${server.url}${settings.path ?? '/?inHost=1'}`, ...settings },
    server.idp,
  );
}

/** The tab used only messages the host implements (an unanswered one would hang teams-js). */
async function expectOnlyHandledMessages(host: EmulatedHost): Promise<void> {
  const unhandled = (await host.log())
    .filter((m) => m.direction === 'tab→host' && m.handled !== true)
    .map((m) => m.func);
  expect(unhandled).toEqual([]);
}

/** NAA requests as MSAL sent them over the bridge: the envelope's method. */
async function naaMethods(host: EmulatedHost): Promise<string[]> {
  return (await host.fromTab('nestedAppAuth.execute')).map(
    (m) => (JSON.parse((m.message as { data: string }).data) as { method: string }).method,
  );
}

describe('the tab in an emulated Microsoft 365 host (teams-js 2.58.0 protocol), tenant mode', () => {
  it('personal tab, nested app auth recommended: signs in through the NAA bridge, shows my cases, notifies success', async () => {
    const host = await openHost({ frameContext: 'content', naaRecommended: true, user: tutor });
    const table = host.tab.getByRole('table', { name: 'Cases' });
    await table.getByRole('link', { name: 'Priya Sharma' }).waitFor();
    // Case B is another tutor's: the tenant-mode server never sends it.
    expect(await table.getByText('Tom Fletcher').count()).toBe(0);
    expect(await host.tab.getByText(`Signed in as ${tutor.name}`).count()).toBe(1);

    await expect.poll(async () => (await host.fromTab('appInitialization.success')).length).toBe(1);
    expect(await naaMethods(host)).toEqual(['GetInitContext', 'GetToken']);
    expect(await host.fromTab('authentication.getAuthToken')).toEqual([]);
    // The token the host issued over the bridge is the one the API verified.
    const bridgeReplies = (await host.log()).filter(
      (m) => m.direction === 'host→tab' && m.func === 'nestedAppAuth.execute',
    );
    const issued = host.issuedTokens[0];
    expect(issued).toBeDefined();
    expect(JSON.stringify(bridgeReplies)).toContain(issued);
    expect(server.acceptedTokens).toContain(issued);
    await expectOnlyHandledMessages(host);
  });

  it('personal tab, NAA not recommended: signs in with Teams SSO (getAuthToken) instead', async () => {
    const host = await openHost({ frameContext: 'content', naaRecommended: false, user: tutor, hostName: 'Outlook' });
    await host.tab.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Priya Sharma' }).waitFor();
    await expect.poll(async () => (await host.fromTab('appInitialization.success')).length).toBe(1);
    expect((await host.fromTab('authentication.getAuthToken')).length).toBe(1);
    expect(await naaMethods(host)).toEqual([]);
    const reply = (await host.log()).find(
      (m) => m.direction === 'host→tab' && m.func === 'authentication.getAuthToken',
    );
    expect(reply?.message).toMatchObject({ args: [true, host.issuedTokens[0]] });
    expect(server.acceptedTokens).toContain(host.issuedTokens[0]);
    await expectOnlyHandledMessages(host);
  });

  it('deep link: the context’s page.subPageId opens that case at the form it names', async () => {
    // A card's "Open in Trellis" names the case and the form (`<caseId>#<form>`) as its subEntityId.
    const host = await openHost({
      frameContext: 'content',
      naaRecommended: true,
      user: tutor,
      subPageId: 'case-a#meetings',
    });
    await host.tab.getByRole('heading', { name: /Priya Sharma — RIT-A/ }).waitFor();
    const url = new URL(host.tabFrame().url());
    expect(`${url.pathname}${url.hash}`).toBe('/cases/case-a#meetings');
    // The case page brings that form into view and puts the keyboard in it.
    await expect
      .poll(() =>
        host
          .tabFrame()
          .evaluate<string>(
            "document.activeElement?.closest('[data-form-anchor]')?.getAttribute('data-form-anchor') ?? ''",
          ),
      )
      .toBe('meetings');
    await expectOnlyHandledMessages(host);
  });

  it('theme: starts in the host’s dark theme and follows a live change to high contrast', async () => {
    const host = await openHost({ frameContext: 'content', naaRecommended: true, user: tutor, theme: 'dark' });
    await host.tab.getByRole('table', { name: 'Cases' }).waitFor();
    const provider = host.tab.locator('.fui-FluentProvider').first();
    const style = (selector: string, property: string): Promise<string> =>
      host
        .tabFrame()
        .evaluate<string>(
          `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)}).trim()`,
        );
    expect(await provider.getAttribute('data-theme')).toBe('dark');
    expect(await style('.fui-FluentProvider', '--colorNeutralBackground3')).toBe(
      teamsDarkTheme.colorNeutralBackground3,
    );
    // teams-js asked to hear about theme changes before the host sends one.
    await expect
      .poll(async () =>
        (await host.fromTab('registerHandler')).some((m) => JSON.stringify(m.message).includes('themeChange')),
      )
      .toBe(true);

    await host.themeChange('contrast');
    await expect.poll(() => provider.getAttribute('data-theme')).toBe('contrast');
    expect(await style('.fui-FluentProvider', '--colorNeutralBackground3')).toBe(
      teamsHighContrastTheme.colorNeutralBackground3,
    );
    // The page itself is painted in the new theme, not only the variables (#000000).
    expect(await style('.fui-FluentProvider > div', 'background-color')).toBe('rgb(0, 0, 0)');
    await expectOnlyHandledMessages(host);
  });

  it('channel tab: the configuration page saves the programme’s content URL through pages.config, and that URL shows only its cases', async () => {
    const channel = {
      id: '19:course-team@thread.tacv2',
      name: 'Course team',
      teamName: 'PGCE Primary',
      groupId: 'a1b2c3d4-0000-4000-8000-000000000001',
    };
    const host = await openHost({
      path: '/config?inHost=1',
      frameContext: 'settings',
      naaRecommended: true,
      user: courseLead,
      entityId: '',
      channel,
    });
    const choice = host.tab.getByRole('radiogroup');
    await choice.getByRole('radio', { name: P1 }).waitFor();
    expect(await choice.getByRole('radio', { name: P2 }).count()).toBe(1);
    expect((await host.state()).valid).toBe(false);
    expect(await host.page.locator('#host-save').isDisabled()).toBe(true);

    await choice.getByRole('radio', { name: P1 }).check();
    await expect.poll(async () => (await host.state()).valid).toBe(true);
    const validity = (await host.fromTab('settings.setValidityState')).map(
      (m) => (m.message as { args: unknown[] }).args[0],
    );
    expect(validity.at(-1)).toBe(true);

    await host.page.locator('#host-save').click();
    await expect.poll(async () => (await host.state()).saveOutcome).toBe('success');
    const expectedUrl = `${server.url}/?inHost=1&programme=${encodeURIComponent(P1)}`;
    expect(await host.saved()).toEqual([
      {
        entityId: 'trellis-pgce-primary-2026-27',
        contentUrl: expectedUrl,
        websiteUrl: `${server.url}/?programme=${encodeURIComponent(P1)}`,
        suggestedDisplayName: `Trellis — ${P1}`,
      },
    ]);
    expect((await host.fromTab('settings.save.success')).length).toBe(1);
    await expectOnlyHandledMessages(host);

    // The channel now opens the saved content URL as a content frame.
    const saved = (await host.saved())[0] as { entityId: string; contentUrl: string };
    const context = env.track(await newTabContext(browser));
    const channelTab = await openInEmulatedHost(
      context,
      {
        tabUrl: saved.contentUrl,
        frameContext: 'content',
        naaRecommended: true,
        user: courseLead,
        entityId: saved.entityId,
        channel,
      },
      server.idp,
    );
    const table = channelTab.tab.getByRole('table', { name: 'Cases' });
    await table.getByRole('link', { name: 'Priya Sharma' }).waitFor();
    expect(await table.getByText('Tom Fletcher').count()).toBe(0);
    expect(await channelTab.tab.getByRole('heading', { name: `Cases — ${P1}` }).count()).toBe(1);

    // Reopened to change it (settings.getSettings answers what was saved): the saved choice is shown.
    const reopenContext = env.track(await newTabContext(browser));
    const reopened = await openInEmulatedHost(
      reopenContext,
      {
        tabUrl: `${server.url}/config?inHost=1`,
        frameContext: 'settings',
        naaRecommended: true,
        user: courseLead,
        entityId: saved.entityId,
        channel,
        savedSettings: { ...saved, suggestedDisplayName: 'Primary cases' },
      },
      server.idp,
    );
    const reopenedChoice = reopened.tab.getByRole('radiogroup');
    await expect.poll(() => reopenedChoice.getByRole('radio', { name: P1 }).isChecked()).toBe(true);
    expect(await reopened.tab.getByRole('textbox', { name: /Tab name/ }).inputValue()).toBe('Primary cases');
    await expect.poll(async () => (await reopened.state()).valid).toBe(true);
    expect((await reopened.fromTab('settings.getSettings')).length).toBe(1);
    await expectOnlyHandledMessages(reopened);
  });

  it.each([
    ['nested app auth', true],
    ['Teams SSO', false],
  ])(
    'failure (%s): the host refuses the token → a plain sentence, and notifyFailure',
    async (_flow, naaRecommended) => {
      const host = await openHost({ frameContext: 'content', naaRecommended, user: tutor, tokens: 'refuse' });
      const alert = host.tab.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toContain(
        'Teams could not sign you in to Trellis. Close the tab and open it again',
      );
      await expect.poll(async () => (await host.fromTab('appInitialization.failure')).length).toBe(1);
      const failure = (await host.fromTab('appInitialization.failure'))[0]?.message as { args: unknown[] };
      expect(failure.args[0]).toBe('Other');
      expect(String(failure.args[1])).toContain('Teams could not sign you in');
      expect(await host.fromTab('appInitialization.success')).toEqual([]);
      expect(host.issuedTokens).toEqual([]);
      await expectOnlyHandledMessages(host);
    },
  );

  it('renewal: a short-lived token is renewed through the one NAA client the session made, and calls made together share one renewal', async () => {
    // 20 s tokens are stale to the tab at once (it renews 30 s before expiry), so every API call needs a renewal.
    const host = await openHost({
      frameContext: 'content',
      naaRecommended: true,
      user: tutor,
      tokenLifetimeSeconds: 20,
    });
    await host.tab.getByRole('table', { name: 'Cases' }).getByRole('link', { name: 'Priya Sharma' }).waitFor();
    const methods = await naaMethods(host);
    expect(methods.filter((m) => m === 'GetInitContext')).toEqual(['GetInitContext']);
    const renewals = methods.filter((m) => m === 'GetToken').length;
    expect(renewals).toBeGreaterThan(1);
    // The dashboard asks for /api/me and /api/cases together: one renewal serves both.
    const apiCalls = server.acceptedTokens.filter((t) => host.issuedTokens.includes(t)).length;
    expect(renewals).toBeLessThanOrEqual(apiCalls);
    await expectOnlyHandledMessages(host);
  });

  it('renewal refused: the page says so in a plain sentence, not the sign-in library’s error', async () => {
    const host = await openHost({
      frameContext: 'content',
      naaRecommended: true,
      user: tutor,
      tokenLifetimeSeconds: 20,
      tokens: 'issue-once',
    });
    const notice = host.tab.getByText(/Teams could not renew your sign-in to Trellis/).first();
    await notice.waitFor();
    // Signing in worked (the tab said so); only the renewal failed, and the page explains it.
    expect((await host.fromTab('appInitialization.success')).length).toBe(1);
    const page = await host.tab.locator('main').first().innerText();
    expect(page).not.toMatch(
      /consent_required|interaction_required|USER_INTERACTION|BrowserAuthError|InteractionRequired/i,
    );
  });

  it('the server’s CSP lets only Microsoft hosts frame the tab: the same tab framed elsewhere does not load', async () => {
    const context = env.track(await newTabContext(browser));
    const elsewhere = 'https://not-a-microsoft-host.example';
    await context.grantPermissions(['local-network-access'], { origin: elsewhere });
    await context.route(`${elsewhere}/**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<iframe id="tab" src="${server.url}/?inHost=1"></iframe>`,
      }),
    );
    const page = await context.newPage();
    const blocked = page.waitForEvent('console', (m) => m.text().includes('frame-ancestors'));
    await page.goto(`${elsewhere}/`);
    expect((await blocked).text()).toContain(EMULATED_HOST_ORIGIN);
    const framed = page.frames().find((f) => f.parentFrame() === page.mainFrame());
    expect(framed?.url().startsWith(server.url)).not.toBe(true);
  });
});
