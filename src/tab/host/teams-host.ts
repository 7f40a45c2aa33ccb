import type { IPublicClientApplication } from '@azure/msal-browser';
import type { ClientConfig } from '../api/types';
import type { ThemeName } from './theme';
import { themeNameOf } from './theme';

/**
 * Inside Teams, Outlook or the Microsoft 365 app. teams-js is loaded only here, on demand, so a
 * browser never downloads it. `app.initialize` is given a deadline: a page framed by something
 * that is not a Microsoft 365 host must still fall back to the browser path.
 */
export interface HostSession {
  readonly hostName: string;
  readonly theme: ThemeName;
  /** The case a deep link (or a card's "Open") points at: the context's subPageId. */
  readonly subPageId: string | undefined;
  readonly userPrincipalName: string | undefined;
  onThemeChange(handler: (theme: ThemeName) => void): void;
  notifySuccess(): void;
  notifyFailure(message: string): void;
  /** Nested app authentication when the host recommends it; otherwise Teams SSO. */
  getToken(config: MsalSettings | undefined): Promise<string>;
}

/** GET /api/client-config's `msal`: the app registration the tab asks tokens for. */
export type MsalSettings = NonNullable<ClientConfig['msal']>;

const INITIALIZE_DEADLINE_MS = 6000;

/** A tab is hosted when framed, or when the manifest's content URL says so (mobile webviews). */
export function looksHosted(win: Window): boolean {
  const params = new URLSearchParams(win.location.search);
  return params.get('inHost') === '1' || (win.parent !== win && params.get('inHost') !== '0');
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('The host did not answer.'));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

async function createNestableClient(config: MsalSettings): Promise<IPublicClientApplication> {
  const msal = await import('@azure/msal-browser');
  return msal.createNestablePublicClientApplication({
    auth: { clientId: config.clientId, authority: config.authority },
  });
}

export async function connectToHost(): Promise<HostSession | undefined> {
  const teams = await import('@microsoft/teams-js');
  try {
    await withDeadline(teams.app.initialize(), INITIALIZE_DEADLINE_MS);
  } catch {
    return undefined;
  }
  const context = await teams.app.getContext();
  let nestable: Promise<IPublicClientApplication> | undefined;
  return {
    hostName: context.app.host.name,
    theme: themeNameOf(context.app.theme),
    subPageId: context.page.subPageId || undefined,
    userPrincipalName: context.user?.userPrincipalName,
    onThemeChange(handler) {
      teams.app.registerOnThemeChangeHandler((theme) => {
        handler(themeNameOf(theme));
      });
    },
    notifySuccess() {
      // Nothing to do if the host did not hear it: the tab is already usable.
      teams.app.notifySuccess().catch(() => undefined);
    },
    notifyFailure(message) {
      teams.app.notifyFailure({ reason: teams.app.FailedReason.Other, message });
    },
    async getToken(config) {
      if (config && teams.nestedAppAuth.isNAAChannelRecommended()) {
        // One client for the session: a new one per renewal would repeat the bridge handshake
        // (GetInitContext) and add another message listener each time.
        nestable ??= createNestableClient(config);
        let pca: IPublicClientApplication;
        try {
          pca = await nestable;
        } catch (error) {
          nestable = undefined;
          throw error;
        }
        const request = { scopes: [...config.scopes] };
        const account = pca.getActiveAccount() ?? pca.getAllAccounts()[0];
        try {
          const result = await pca.acquireTokenSilent({ ...request, ...(account ? { account } : {}) });
          return result.accessToken;
        } catch {
          return (await pca.acquireTokenPopup(request)).accessToken;
        }
      }
      return teams.authentication.getAuthToken();
    },
  };
}
