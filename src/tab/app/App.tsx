import { Button, FluentProvider, Link, Text } from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Dashboard } from '../features/dashboard/Dashboard';
import { fluentThemeFor, type ThemeName } from '../host/theme';
import { LOCAL_TOKEN_KEY } from '../host/session';
import { EmptyState, Loading } from '../shared/Feedback';
import { useAppStyles } from './App.styles';
import { navigate, useLinkHandler, useRoute } from './router';
import { SessionContext, type TabSession } from './session-context';

// The case workspace (and its forms) loads on demand: the dashboard is the first paint.
const CaseWorkspace = lazy(() => import('../features/case/CaseWorkspace'));

export function ThemedShell(props: { readonly theme: ThemeName; readonly children: React.ReactNode }) {
  const styles = useAppStyles();
  return (
    <FluentProvider theme={fluentThemeFor(props.theme)} className={styles.root} data-theme={props.theme}>
      {props.children}
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
  const [signedOut, setSignedOut] = useState(false);

  useEffect(() => {
    document.title = route.name === 'case' ? 'Trellis — case' : 'Trellis — cases';
  }, [route]);

  if (signedOut) {
    return (
      <Gate title="Signed out">
        <Link href="/dev/sign-in">Sign in as a demo person</Link>
      </Gate>
    );
  }

  return (
    <SessionContext.Provider value={props.session}>
      <header className={styles.header}>
        <Link href="/" onClick={toDashboard} className={styles.brand}>
          Trellis
        </Link>
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
        {route.name === 'case' ? (
          <Suspense fallback={<Loading label="Opening the case…" />}>
            <CaseWorkspace key={route.caseId} caseId={route.caseId} />
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
