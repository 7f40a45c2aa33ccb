import './zod-jitless';
import { Link, MessageBar, MessageBarBody, Spinner, Text } from '@fluentui/react-components';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { App, Gate, ThemedShell } from './app/App';
import { deepLinkPath } from './app/paths';
import { navigate } from './app/router';
import { startSession, type StartResult } from './host/session';
import { browserTheme, watchBrowserTheme, type ThemeName } from './host/theme';
import './global.css';

/**
 * Start: find out where we run (Teams/Outlook or a browser), get a token, apply the host's
 * theme (and follow changes live), open a deep-linked case, then tell the host we are ready.
 */
function Root() {
  const [start, setStart] = useState<StartResult | undefined>();
  const [theme, setTheme] = useState<ThemeName>(() => browserTheme(window.location.search));

  useEffect(() => {
    let stopWatching = watchBrowserTheme(window.location.search, setTheme);
    void startSession(window).then((result) => {
      const host = result.kind === 'signed_out' ? undefined : result.host;
      if (host) {
        stopWatching();
        stopWatching = () => undefined;
        setTheme(host.theme);
        host.onThemeChange(setTheme);
        // A deep link (a card's or email's "Open in Trellis"): the case, at the form it names.
        const linked = deepLinkPath(host.subPageId);
        if (linked !== undefined && window.location.pathname === '/') navigate(linked, { replace: true });
        if (result.kind === 'ready') host.notifySuccess();
        else if (result.kind === 'failed') host.notifyFailure(result.message);
      }
      setStart(result);
    });
    return () => {
      stopWatching();
    };
  }, []);

  return <ThemedShell theme={theme}>{body(start)}</ThemedShell>;
}

function body(start: StartResult | undefined) {
  if (start === undefined) {
    return (
      <Gate title="Trellis">
        <Spinner label="Starting Trellis…" />
      </Gate>
    );
  }
  switch (start.kind) {
    case 'ready':
      return (
        <App
          session={{
            api: createApiClient({ token: start.token }),
            user: start.user,
            mode: start.mode,
            inHost: start.host !== undefined,
          }}
        />
      );
    case 'signed_out':
      return (
        <Gate title="Sign in to Trellis">
          <Text>{start.message}</Text>
          <Link href={start.signInUrl}>Sign in as a demo person</Link>
        </Gate>
      );
    case 'failed':
      return (
        <Gate title="Trellis could not start">
          <MessageBar intent="error" role="alert">
            <MessageBarBody>{start.message}</MessageBarBody>
          </MessageBar>
        </Gate>
      );
  }
}

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
