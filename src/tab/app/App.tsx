import { Button, FluentProvider, Link, Text } from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { getMe } from '../api/trellis-api';
import type { Me } from '../api/types';
import { Dashboard } from '../features/dashboard/Dashboard';
import { fluentThemeFor, type ThemeName } from '../host/theme';
import { LOCAL_TOKEN_KEY } from '../host/session';
import { EmptyState, Loading } from '../shared/Feedback';
import { useAppStyles } from './App.styles';
import { navigate, useLinkHandler, useRoute } from './router';
import { SessionContext, type TabSession } from './session-context';

// The case workspace (and its forms) loads on demand: the dashboard is the first paint.
const CaseWorkspace = lazy(() => import('./pages/CaseWorkspace'));
// So do the wizard, reports and the channel configuration page: most people never open them.
const NewCaseWizard = lazy(() => import('../features/new-case/NewCaseWizard'));
const ReportsPage = lazy(() => import('../features/reports/ReportsPage'));
const NotificationsPage = lazy(() => import('../features/notifications/NotificationsPage'));
const ChannelConfig = lazy(() => import('../features/config/ChannelConfig'));

const TITLES: Readonly<Record<string, string>> = {
  dashboard: 'Trellis — cases',
  case: 'Trellis — case',
  new_case: 'Trellis — open a case',
  reports: 'Trellis — reports',
  notifications: 'Trellis — notifications',
  config: 'Trellis — set up the channel tab',
};

export function ThemedShell(props: { readonly theme: ThemeName; readonly children: React.ReactNode }) {
  const styles = useAppStyles();
  return (
    // The page style sits on a div inside the provider: Fluent copies the provider's class onto its
    // portal nodes (tooltips), and a full-height portal node would cover the page and swallow clicks.
    <FluentProvider theme={fluentThemeFor(props.theme)} data-theme={props.theme}>
      <div className={styles.root}>{props.children}</div>
    </FluentProvider>
  );
}

export function Gate(props: { readonly title: string; readonly children: React.ReactNode }) {
  const styles = useAppStyles();
  return (
    <main className={styles.gate}>
      <Text block as="h1" size={600} weight="semibold">
        {props.title}
      </Text>
      {props.children}
    </main>
  );
}

export function App(props: { readonly session: TabSession }) {
  const styles = useAppStyles();
  const route = useRoute();
  const toDashboard = useLinkHandler('/');
  const toReports = useLinkHandler('/reports');
  const toNotifications = useLinkHandler('/notifications');
  const [signedOut, setSignedOut] = useState(false);
  const [me, setMe] = useState<Me | undefined>();
  const [meFailed, setMeFailed] = useState(false);

  useEffect(() => {
    document.title = TITLES[route.name] ?? 'Trellis';
  }, [route]);

  useEffect(() => {
    let live = true;
    // What to offer (new case, reports) depends on who this is; the pages work without it meanwhile.
    getMe(props.session.api).then(
      (value) => {
        if (live) setMe(value);
      },
      () => {
        if (live) setMeFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [props.session.api]);

  const session = useMemo<TabSession>(
    () => ({ ...props.session, me, meSettled: me !== undefined || meFailed }),
    [props.session, me, meFailed],
  );
  const loadingPage = <Loading label="Opening…" />;

  if (signedOut) {
    return (
      <Gate title="Signed out">
        <Link href="/dev/sign-in">Sign in as a demo person</Link>
      </Gate>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <header className={styles.header}>
        <Link href="/" onClick={toDashboard} className={styles.brand}>
          Trellis
        </Link>
        <nav aria-label="Trellis" className={styles.nav}>
          <Link href="/" onClick={toDashboard} aria-current={route.name === 'dashboard' ? 'page' : undefined}>
            Cases
          </Link>
          {me?.can.seeReports === true ? (
            <Link href="/reports" onClick={toReports} aria-current={route.name === 'reports' ? 'page' : undefined}>
              Reports
            </Link>
          ) : null}
          {me?.can.seeReports === true ? (
            <Link
              href="/notifications"
              onClick={toNotifications}
              aria-current={route.name === 'notifications' ? 'page' : undefined}
            >
              Notifications
            </Link>
          ) : null}
        </nav>
        <span className={styles.spacer} />
        <Text>
          Signed in as {props.session.user.name}
          {props.session.mode === 'local' ? ' (demo)' : ''}
        </Text>
        {props.session.mode === 'local' && !props.session.inHost ? (
          <Button
            appearance="subtle"
            onClick={() => {
              window.localStorage.removeItem(LOCAL_TOKEN_KEY);
              setSignedOut(true);
            }}
          >
            Sign out
          </Button>
        ) : null}
      </header>
      <main className={styles.main}>
        {route.name === 'dashboard' ? <Dashboard /> : null}
        {meFailed ? (
          <Text role="status">
            Trellis could not tell what you may do here, so some actions are hidden. Reload the page to try again.
          </Text>
        ) : null}
        {route.name === 'case' ? (
          <Suspense fallback={<Loading label="Opening the case…" />}>
            <CaseWorkspace key={route.caseId} caseId={route.caseId} />
          </Suspense>
        ) : null}
        {route.name === 'new_case' ? (
          <Suspense fallback={loadingPage}>
            <NewCaseWizard />
          </Suspense>
        ) : null}
        {route.name === 'reports' ? (
          <Suspense fallback={loadingPage}>
            <ReportsPage />
          </Suspense>
        ) : null}
        {route.name === 'notifications' ? (
          <Suspense fallback={loadingPage}>
            <NotificationsPage />
          </Suspense>
        ) : null}
        {route.name === 'config' ? (
          <Suspense fallback={loadingPage}>
            <ChannelConfig />
          </Suspense>
        ) : null}
        {route.name === 'not_found' ? (
          <EmptyState title="There is nothing at this address">
            <Text>The link may be old or mistyped.</Text>
            <Button
              appearance="primary"
              onClick={() => {
                navigate('/');
              }}
            >
              Go to your cases
            </Button>
          </EmptyState>
        ) : null}
      </main>
    </SessionContext.Provider>
  );
}
