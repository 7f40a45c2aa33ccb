import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  FluentProvider,
  Link,
  Menu,
  MenuButton,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Text,
} from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { getMe } from '../api/trellis-api';
import type { Me } from '../api/types';
import { fluentThemeFor, type ThemeName } from '../host/theme';
import { LOCAL_TOKEN_KEY } from '../host/session';
import { EmptyState, Loading } from '../shared/Feedback';
import { useAppStyles } from './App.styles';
import { Home } from './pages/Home';
import {
  CONFIRM_LEAVE,
  FIRST_CASE,
  navigate,
  useLinkHandler,
  useRoute,
  type ConfirmLeaveDetail,
  type Route,
} from './router';
import { forgetUnsavedChanges } from '../shared/drafts';
import { useNarrow } from '../shared/use-narrow';
import { SessionContext, type TabSession } from './session-context';

// The case workspace (and its forms) loads on demand: the dashboard is the first paint.
const CaseWorkspace = lazy(() => import('./pages/CaseWorkspace'));
const CaseProcedure = lazy(() => import('./pages/CaseProcedure'));
// So do the wizard, reports and the channel configuration page: most people never open them.
const NewCaseWizard = lazy(() => import('../features/new-case/NewCaseWizard'));
const ReportsPage = lazy(() => import('../features/reports/ReportsPage'));
const NotificationsPage = lazy(() => import('../features/notifications/NotificationsPage'));
const RosterPage = lazy(() => import('../features/roster/RosterPage'));
const ChannelConfig = lazy(() => import('../features/config/ChannelConfig'));

const TITLES: Readonly<Record<string, string>> = {
  dashboard: 'Trellis — home',
  case: 'Trellis — case',
  case_procedure: 'Trellis — the procedure a case follows',
  new_case: 'Trellis — open a case',
  reports: 'Trellis — reports',
  notifications: 'Trellis — notifications',
  roster: 'Trellis — placement roster',
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

/** A link for keyboard users, shown when focused: it moves focus to `target` (an element id). */
function SkipLink(props: { readonly target: string; readonly children: React.ReactNode }) {
  const styles = useAppStyles();
  return (
    <a
      href={`#${props.target}`}
      className={styles.skipLink}
      onClick={(event) => {
        event.preventDefault();
        const target = document.getElementById(props.target);
        target?.focus();
        target?.scrollIntoView({ block: 'start' });
      }}
    >
      {props.children}
    </a>
  );
}

/**
 * "Leave this page?" when a move inside the tab would leave unsent changes: a modal dialog (focus
 * stays inside it, and goes back to what was focused when it closes). The draft is kept either way.
 */
function LeaveDialog() {
  const [pending, setPending] = useState<ConfirmLeaveDetail | undefined>();
  const [asked, setAsked] = useState(false);
  // What had the focus when the dialog opened: it gets it back when the person stays.
  const returnTo = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const ask = (event: Event): void => {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setPending((event as CustomEvent<ConfirmLeaveDetail>).detail);
      setAsked(true);
    };
    window.addEventListener(CONFIRM_LEAVE, ask);
    return () => {
      window.removeEventListener(CONFIRM_LEAVE, ask);
    };
  }, []);
  const stay = (): void => {
    if (pending === undefined) return;
    setPending(undefined);
    const target = returnTo.current;
    window.setTimeout(() => target?.focus(), 0);
  };
  const leave = (): void => {
    if (pending === undefined) return;
    setPending(undefined);
    forgetUnsavedChanges();
    navigate(pending.path, { replace: pending.replace, force: true });
  };
  // Mounted from the first time it asks (a Fluent dialog, even closed, leaves focus-trap helpers in the
  // page), and then kept, so it closes the way Fluent closes it, giving the page back to assistive technology.
  if (!asked) return null;
  return (
    <Dialog
      modalType="modal"
      open={pending !== undefined}
      onOpenChange={(_event, data) => {
        if (!data.open) stay();
      }}
    >
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Leave this page?</DialogTitle>
          <DialogContent>
            What you typed has not been sent yet. It is kept as a draft on this device and comes back when you open the
            form again.
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={stay}>
              Stay on this page
            </Button>
            <Button onClick={leave}>Leave</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function HeaderLink(props: { readonly path: string; readonly current: boolean; readonly children: React.ReactNode }) {
  const onClick = useLinkHandler(props.path);
  return (
    <Link href={props.path} onClick={onClick} aria-current={props.current ? 'page' : undefined}>
      {props.children}
    </Link>
  );
}

export function App(props: { readonly session: TabSession }) {
  const styles = useAppStyles();
  const route = useRoute();
  const toDashboard = useLinkHandler('/');
  const narrow = useNarrow();
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
  const pages: readonly { readonly path: string; readonly label: string; readonly route: Route['name'] }[] = [
    { path: '/', label: 'Cases', route: 'dashboard' },
    ...(me?.can.seeReports === true
      ? [
          { path: '/reports', label: 'Reports', route: 'reports' as const },
          { path: '/notifications', label: 'Notifications', route: 'notifications' as const },
        ]
      : []),
    ...(me?.can.keepRoster === true ? [{ path: '/roster', label: 'Placement roster', route: 'roster' as const }] : []),
  ];
  const signOut =
    props.session.mode === 'local' && !props.session.inHost
      ? () => {
          window.localStorage.removeItem(LOCAL_TOKEN_KEY);
          setSignedOut(true);
        }
      : undefined;

  if (signedOut) {
    return (
      <Gate title="Signed out">
        <Link href="/dev/sign-in">Sign in as a demo person</Link>
      </Gate>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <nav aria-label="Skip links" className={styles.skipLinks}>
        <SkipLink target="main">Skip to main content</SkipLink>
        {route.name === 'dashboard' ? <SkipLink target={FIRST_CASE}>Skip to your cases</SkipLink> : null}
      </nav>
      <header className={styles.header}>
        <Link href="/" onClick={toDashboard} className={styles.brand}>
          Trellis
        </Link>
        {narrow ? (
          <>
            <span className={styles.spacer} />
            <Menu>
              <MenuTrigger disableButtonEnhancement>
                <MenuButton appearance="subtle" className={styles.menuButton}>
                  Menu
                </MenuButton>
              </MenuTrigger>
              <MenuPopover>
                <MenuList>
                  {pages.map((page) => (
                    <MenuItem
                      key={page.path}
                      onClick={() => {
                        navigate(page.path);
                      }}
                    >
                      {page.label}
                    </MenuItem>
                  ))}
                  {signOut === undefined ? null : <MenuItem onClick={signOut}>Sign out</MenuItem>}
                </MenuList>
              </MenuPopover>
            </Menu>
          </>
        ) : (
          <>
            <nav aria-label="Trellis" className={styles.nav}>
              {pages.map((page) => (
                <HeaderLink key={page.path} path={page.path} current={route.name === page.route}>
                  {page.label}
                </HeaderLink>
              ))}
            </nav>
            <span className={styles.spacer} />
            <Text>
              Signed in as {props.session.user.name}
              {props.session.mode === 'local' ? ' (demo)' : ''}
            </Text>
            {signOut === undefined ? null : (
              <Button appearance="subtle" onClick={signOut}>
                Sign out
              </Button>
            )}
          </>
        )}
      </header>
      <main id="main" tabIndex={-1} className={styles.main}>
        {route.name === 'dashboard' ? <Home /> : null}
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
        {route.name === 'case_procedure' ? (
          <Suspense fallback={<Loading label="Opening the procedure…" />}>
            <CaseProcedure key={route.caseId} caseId={route.caseId} />
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
        {route.name === 'roster' ? (
          <Suspense fallback={loadingPage}>
            <RosterPage />
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
      <LeaveDialog />
    </SessionContext.Provider>
  );
}
