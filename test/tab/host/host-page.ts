/**
 * AN EMULATED MICROSOFT 365 HOST FOR TESTS. NOT TEAMS, NOT OUTLOOK.
 *
 * The page frames the Trellis tab and answers it in the window.postMessage protocol that
 * @microsoft/teams-js 2.58.0 speaks (read from its dist source, not from documentation), only for
 * the messages the tab uses:
 *
 *   tab → host                              host → tab
 *   initialize [version, apiVersion, …]     [frameContext, hostClientType, SDK version, runtime JSON]
 *   getContext                              [legacy context: theme, subEntityId, upn, tid, hostName…]
 *   registerHandler ['themeChange'|'save']  (none)                  later: { func: 'themeChange', args: [theme] }
 *   appInitialization.success / .failure    (none)
 *   authentication.getAuthToken             [true, token] | [false, reason]
 *   nestedAppAuth.execute (data: MSAL's     [null, '{"messageType":"NestedAppAuthResponse",…}']
 *     NestedAppAuthRequest as JSON)
 *   settings.setValidityState [valid]       (none; enables the Save button)
 *   settings.getSettings                    [the saved settings] (empty contentUrl before the first save)
 *   settings.setSettings [config]           [true] | [false, reason]
 *   settings.save.success / .failure        (none)                  after Save: { func: 'settings.save', args: [{}] }
 *
 * Requests carry `id` (number) and `uuidAsString`; answers echo both with `args`. Messages the host
 * starts carry `func` and no numeric `id`. The runtime JSON goes in the fourth initialize argument
 * and the SDK version in the third: teams-js parses the third, falls back to the fourth, and its NAA
 * bridge polyfill reads `supports.nestedAppAuth` from the fourth, so that is the order that makes
 * both work. Every message both ways is appended to `window.__emulatedHost.log`.
 *
 * It runs in the browser and is compiled on its own (vite), without the DOM library in the test
 * TypeScript program, so the few browser objects it touches are typed by hand below.
 */

interface HostMessageEvent {
  readonly data: unknown;
  readonly origin: string;
  readonly source: unknown;
}
interface TabWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}
interface Element {
  textContent: string | null;
  setAttribute(name: string, value: string): void;
  append(...nodes: Element[]): void;
  addEventListener(type: 'click', listener: () => void): void;
}
interface ButtonElement extends Element {
  disabled: boolean;
}
interface FrameElement extends Element {
  src: string;
  readonly contentWindow: TabWindow | null;
}
interface HostGlobal {
  addEventListener(type: 'message', listener: (event: HostMessageEvent) => void): void;
  readonly document: {
    readonly body: Element;
    getElementById(id: string): Element | null;
    createElement(tag: 'iframe'): FrameElement;
    createElement(tag: 'button'): ButtonElement;
    createElement(tag: string): Element;
  };
  /** Node's side of the host (exposed by Playwright to this page): configuration and tokens. */
  __emulatedHostBackend(request: BackendRequest): Promise<unknown>;
  __emulatedHost?: HostControls;
}

export type ThemeName = 'default' | 'dark' | 'contrast';

/** What emulated-host.ts hands the page. */
export interface HostConfig {
  readonly tabUrl: string;
  readonly frameContext: 'content' | 'settings';
  readonly hostName: string;
  readonly hostClientType: string;
  readonly theme: ThemeName;
  readonly naaRecommended: boolean;
  readonly entityId: string;
  readonly subEntityId: string | undefined;
  readonly locale: string;
  readonly user: { readonly upn: string; readonly name: string; readonly objectId: string; readonly tenantId: string };
  readonly channel:
    { readonly id: string; readonly name: string; readonly teamName: string; readonly groupId: string } | undefined;
  /** The tab's settings as saved earlier (a channel tab being reconfigured), answered to settings.getSettings. */
  readonly savedSettings: Record<string, unknown> | undefined;
}

export type BackendRequest =
  | { readonly kind: 'config' }
  | { readonly kind: 'token'; readonly flow: 'sso' }
  | { readonly kind: 'token'; readonly flow: 'naa'; readonly clientId: string; readonly scope: string };

export type TokenAnswer =
  | {
      readonly ok: true;
      readonly accessToken: string;
      readonly idToken: string;
      readonly expiresIn: number;
      readonly scope: string;
    }
  | { readonly ok: false; readonly status: string; readonly code: string; readonly description: string };

export interface LoggedMessage {
  readonly direction: 'tab→host' | 'host→tab';
  readonly func: string;
  readonly message: unknown;
  /** For tab→host: whether the host implements it (set once answered). */
  handled?: boolean;
}

export interface HostControls {
  readonly log: LoggedMessage[];
  readonly saved: unknown[];
  readonly state: { valid: boolean; saveOutcome: 'none' | 'pending' | 'success' | 'failure'; saveFailure?: string };
  themeChange(theme: ThemeName): void;
  save(): void;
}

interface TabRequest {
  readonly id: number;
  readonly uuidAsString?: string;
  readonly func: string;
  readonly args?: readonly unknown[];
  readonly data?: string;
}

const TEAMS_JS_VERSION = '2.58.0';

const isTabRequest = (value: unknown): value is TabRequest =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'number' &&
  typeof (value as { func?: unknown }).func === 'string';

function runtimeFor(config: HostConfig): string {
  return JSON.stringify({
    apiVersion: 4,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    isNAAChannelRecommended: config.naaRecommended,
    isLegacyTeams: false,
    supports: {
      app: {},
      appEntity: {},
      teamsCore: {},
      pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
      // The bridge exists either way (Teams has it); isNAAChannelRecommended says whether to use it.
      nestedAppAuth: {},
      ...(config.hostName === 'Teams'
        ? { chat: {}, conversation: {}, dialog: { url: {}, update: {} } }
        : { dialog: { url: {}, update: {} } }),
    },
  });
}

function legacyContextFor(config: HostConfig): Record<string, unknown> {
  return {
    locale: config.locale,
    theme: config.theme,
    entityId: config.entityId,
    subEntityId: config.subEntityId,
    frameContext: config.frameContext,
    hostClientType: config.hostClientType,
    hostName: config.hostName,
    appSessionId: 'emulated-app-session',
    sessionId: 'emulated-host-session',
    userObjectId: config.user.objectId,
    userPrincipalName: config.user.upn,
    loginHint: config.user.upn,
    userDisplayName: config.user.name,
    tid: config.user.tenantId,
    ...(config.channel
      ? {
          channelId: config.channel.id,
          channelName: config.channel.name,
          teamName: config.channel.teamName,
          groupId: config.channel.groupId,
          teamId: config.channel.id,
        }
      : {}),
  };
}

async function main(host: HostGlobal): Promise<void> {
  const config = (await host.__emulatedHostBackend({ kind: 'config' })) as HostConfig;
  const tabOrigin = new URL(config.tabUrl).origin;
  const log: LoggedMessage[] = [];
  const saved: unknown[] = [];
  const state: HostControls['state'] = { valid: false, saveOutcome: 'none' };
  const doc = host.document;

  const frame = doc.createElement('iframe');
  frame.setAttribute('id', 'tab');
  frame.setAttribute('title', 'Trellis tab (framed by the emulated host)');
  const saveButton = doc.createElement('button');
  saveButton.textContent = 'Save';
  saveButton.setAttribute('id', 'host-save');
  saveButton.disabled = true;
  const status = doc.createElement('p');
  status.setAttribute('id', 'host-status');

  const toTab = (message: Record<string, unknown>, func: string): void => {
    log.push({ direction: 'host→tab', func, message });
    frame.contentWindow?.postMessage(message, tabOrigin);
  };
  const reply = (request: TabRequest, args: readonly unknown[]): void => {
    toTab({ id: request.id, uuidAsString: request.uuidAsString, args }, request.func);
  };

  const naaResponse = (request: TabRequest, body: Record<string, unknown>): void => {
    reply(request, [null, JSON.stringify({ messageType: 'NestedAppAuthResponse', ...body })]);
  };

  async function nestedAppAuth(request: TabRequest): Promise<boolean> {
    const envelope = JSON.parse(request.data ?? 'null') as {
      messageType?: string;
      method?: string;
      requestId?: string;
      tokenParams?: { clientId?: string; scope?: string };
    } | null;
    if (envelope?.messageType !== 'NestedAppAuthRequest' || typeof envelope.requestId !== 'string') return false;
    const requestId = envelope.requestId;
    switch (envelope.method ?? '(none)') {
      case 'GetInitContext':
        naaResponse(request, {
          requestId,
          success: true,
          initContext: {
            sdkName: 'emulated-host',
            sdkVersion: TEAMS_JS_VERSION,
            capabilities: { queryAccount: false },
          },
        });
        return true;
      case 'GetToken':
      case 'GetTokenPopup': {
        const answer = (await host.__emulatedHostBackend({
          kind: 'token',
          flow: 'naa',
          clientId: envelope.tokenParams?.clientId ?? '',
          scope: envelope.tokenParams?.scope ?? '',
        })) as TokenAnswer;
        if (!answer.ok) {
          naaResponse(request, {
            requestId,
            success: false,
            error: { status: answer.status, code: answer.code, description: answer.description },
          });
          return true;
        }
        naaResponse(request, {
          requestId,
          success: true,
          token: {
            access_token: answer.accessToken,
            expires_in: answer.expiresIn,
            id_token: answer.idToken,
            properties: null,
            scope: answer.scope,
          },
          account: {
            environment: 'login.microsoftonline.com',
            homeAccountId: `${config.user.objectId}.${config.user.tenantId}`,
            localAccountId: config.user.objectId,
            tenantId: config.user.tenantId,
            username: config.user.upn,
            name: config.user.name,
          },
        });
        return true;
      }
      default:
        naaResponse(request, {
          requestId,
          success: false,
          error: {
            status: 'PERSISTENT_ERROR',
            code: 'unsupported_method',
            description: `The emulated host does not implement ${String(envelope.method)}.`,
          },
        });
        return false;
    }
  }

  /** Answers one request; returns whether it is one the host implements. */
  async function handle(request: TabRequest): Promise<boolean> {
    const args = request.args ?? [];
    switch (request.func) {
      case 'initialize':
        reply(request, [config.frameContext, config.hostClientType, TEAMS_JS_VERSION, runtimeFor(config)]);
        return true;
      case 'getContext':
        reply(request, [legacyContextFor(config)]);
        return true;
      case 'registerHandler':
      case 'appInitialization.success':
      case 'appInitialization.failure':
        return true;
      case 'authentication.getAuthToken': {
        const answer = (await host.__emulatedHostBackend({ kind: 'token', flow: 'sso' })) as TokenAnswer;
        reply(request, answer.ok ? [true, answer.accessToken] : [false, answer.description]);
        return true;
      }
      case 'nestedAppAuth.execute':
        return nestedAppAuth(request);
      case 'settings.setValidityState':
        state.valid = args[0] === true;
        saveButton.disabled = !state.valid;
        return true;
      case 'settings.getSettings':
        reply(request, [config.savedSettings ?? { entityId: config.entityId, contentUrl: '' }]);
        return true;
      case 'settings.setSettings':
        if (config.frameContext !== 'settings') {
          reply(request, [false, 'Only a configuration page can save settings.']);
          return true;
        }
        saved.push(args[0]);
        reply(request, [true]);
        return true;
      case 'settings.save.success':
        state.saveOutcome = 'success';
        status.textContent = 'Saved: the tab was added to the channel.';
        return true;
      case 'settings.save.failure':
        state.saveOutcome = 'failure';
        state.saveFailure = typeof args[0] === 'string' ? args[0] : '';
        status.textContent = `The tab could not be saved: ${state.saveFailure}`;
        return true;
      default:
        // teams-js would wait for ever on an answer; the test fails on unhandled messages instead.
        return false;
    }
  }

  host.addEventListener('message', (event) => {
    // A host listens only to its own frame, at the origin it framed.
    if (event.source !== frame.contentWindow || event.origin !== tabOrigin || !isTabRequest(event.data)) return;
    const request = event.data;
    const entry: LoggedMessage = { direction: 'tab→host', func: request.func, message: request };
    log.push(entry);
    void handle(request).then(
      (handled) => {
        entry.handled = handled;
      },
      (error: unknown) => {
        entry.handled = false;
        status.textContent = `The emulated host failed on ${request.func}: ${String(error)}`;
      },
    );
  });

  const controls: HostControls = {
    log,
    saved,
    state,
    themeChange(theme) {
      toTab({ func: 'themeChange', args: [theme] }, 'themeChange');
    },
    save() {
      state.saveOutcome = 'pending';
      toTab({ func: 'settings.save', args: [{}] }, 'settings.save');
    },
  };
  host.__emulatedHost = controls;
  saveButton.addEventListener('click', () => {
    controls.save();
  });

  const banner = doc.getElementById('banner');
  if (banner)
    banner.textContent = `Emulated ${config.hostName} host (teams-js ${TEAMS_JS_VERSION} protocol) — a test double, not Microsoft 365`;
  doc.body.append(frame);
  if (config.frameContext === 'settings') doc.body.append(saveButton, status);
  frame.src = config.tabUrl;
}

void main(globalThis as unknown as HostGlobal);
