import {
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Text,
} from '@fluentui/react-components';
import type * as TeamsJs from '@microsoft/teams-js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSession } from '../../app/session-context';
import { listAllCases } from '../../api/trellis-api';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import {
  ALL_PROGRAMMES,
  channelTabConfig,
  configProblem,
  defaultTabName,
  programmeOfSavedConfig,
  type ChannelTabConfig,
} from './config-model';
import { useConfigStyles } from './ChannelConfig.styles';

/** pages.config exists only where the host opened this page as a tab's configuration (it throws before initialisation). */
function configSupported(teams: typeof TeamsJs): boolean {
  try {
    return teams.pages.config.isSupported();
  } catch {
    return false;
  }
}

type Programmes =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly items: readonly string[] };

/** The programmes this person may give a channel: their course-team programmes, or (covering all) those with cases. */
function usePickableProgrammes(): Programmes {
  const session = useSession();
  const me = session.me;
  const [fromCases, setFromCases] = useState<Programmes>({ state: 'loading' });
  useEffect(() => {
    if (me?.programmes !== 'all') return;
    let live = true;
    listAllCases(session.api).then(
      ({ items }) => {
        if (live)
          setFromCases({
            state: 'ready',
            items: [...new Set(items.map((c) => c.programme))].sort((a, b) => a.localeCompare(b)),
          });
      },
      (error: unknown) => {
        if (live)
          setFromCases({
            state: 'failed',
            message: error instanceof Error ? error.message : 'The programmes could not be loaded.',
          });
      },
    );
    return () => {
      live = false;
    };
  }, [me?.programmes, session.api]);
  if (me === undefined) return { state: 'loading' };
  if (me.programmes === 'all') return fromCases;
  return { state: 'ready', items: [...me.programmes] };
}

/**
 * Inside Teams, the host shows this page when someone adds Trellis to a channel (the manifest's
 * configurationUrl): pick the programme, name the tab, and "Save" stores the content URL through
 * `pages.config`. In a browser the same form explains where it is used and shows what would be saved.
 */
export default function ChannelConfig() {
  const session = useSession();
  const styles = useConfigStyles();
  const programmes = usePickableProgrammes();
  const [programme, setProgramme] = useState<string | undefined>();
  const [name, setName] = useState('');
  const [nameEdited, setNameEdited] = useState(false);
  const [hostError, setHostError] = useState<string | undefined>();
  const problem = configProblem(programme, name);
  const config = useMemo(
    () => (programme === undefined ? undefined : channelTabConfig(window.location.origin, programme, name)),
    [programme, name],
  );
  // The save handler is registered once; it reads the latest choice from here.
  const latest = useRef<ChannelTabConfig | undefined>(undefined);
  latest.current = problem === undefined ? config : undefined;

  useEffect(() => {
    if (!session.inHost) return;
    let cancelled = false;
    void import('@microsoft/teams-js').then((teams) => {
      if (cancelled || !configSupported(teams)) return;
      // Reopened to change a channel tab: start from what it was saved with.
      teams.pages.getConfig().then(
        (saved) => {
          const savedProgramme = programmeOfSavedConfig(saved.contentUrl, window.location.origin);
          if (cancelled || savedProgramme === undefined) return;
          setProgramme((current) => current ?? savedProgramme);
          const savedName = saved.suggestedDisplayName?.trim() ?? '';
          setName((current) =>
            current === '' ? (savedName === '' ? defaultTabName(savedProgramme) : savedName) : current,
          );
        },
        () => undefined,
      );
      teams.pages.config.registerOnSaveHandler((saveEvent) => {
        const chosen = latest.current;
        if (chosen === undefined) {
          saveEvent.notifyFailure('Choose a programme and a tab name first.');
          return;
        }
        teams.pages.config.setConfig(chosen).then(
          () => {
            saveEvent.notifySuccess();
          },
          (error: unknown) => {
            const message = error instanceof Error ? error.message : 'Teams did not save the tab.';
            setHostError(message);
            saveEvent.notifyFailure(message);
          },
        );
      });
    });
    return () => {
      cancelled = true;
    };
  }, [session.inHost]);

  useEffect(() => {
    if (!session.inHost) return;
    void import('@microsoft/teams-js').then((teams) => {
      if (configSupported(teams)) teams.pages.config.setValidityState(problem === undefined);
    });
  }, [session.inHost, problem]);

  const choose = (value: string): void => {
    setProgramme(value);
    if (!nameEdited) setName(defaultTabName(value));
  };

  return (
    <div className={styles.page}>
      <Text block as="h1" size={700} weight="semibold">
        Set up Trellis for this channel
      </Text>
      {session.inHost ? null : (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>This page is used when adding Trellis to a Teams channel</MessageBarTitle>
            In Teams, open the course team’s channel, choose “+” (Add a tab), pick Trellis, and this page appears:
            choose the programme and select Save. Here in a browser it only shows what the tab would open.
          </MessageBarBody>
        </MessageBar>
      )}
      {session.me?.can.configureChannelTab === false ? (
        <EmptyState title="Only the course team sets up the channel tab">
          <Text>Ask your course leader to add Trellis to the channel. You can still add “My cases” for yourself.</Text>
        </EmptyState>
      ) : programmes.state === 'loading' ? (
        <Loading label="Loading your programmes…" />
      ) : programmes.state === 'failed' ? (
        <ErrorNotice title="Your programmes could not be loaded" message={programmes.message} />
      ) : (
        <form
          className={styles.form}
          aria-label="Channel tab settings"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <Field
            label="Programme whose cases this channel follows"
            required
            validationState={programme === undefined ? 'none' : 'success'}
          >
            <RadioGroup
              value={programme ?? ''}
              onChange={(_e, d) => {
                choose(d.value);
              }}
            >
              {programmes.items.map((p) => (
                <Radio key={p} value={p} label={p} />
              ))}
              {programmes.items.length > 1 ? <Radio value={ALL_PROGRAMMES} label="All my programmes" /> : null}
            </RadioGroup>
          </Field>
          {programmes.items.length === 0 ? (
            <Text>
              You look after no programme yet, so there is nothing to show in a channel. Ask your Trellis administrator.
            </Text>
          ) : null}
          <Field
            label="Tab name"
            required
            validationState={programme !== undefined && problem !== undefined ? 'error' : 'none'}
            validationMessage={programme !== undefined ? problem : undefined}
          >
            <Input
              value={name}
              maxLength={120}
              onChange={(_e, d) => {
                setNameEdited(true);
                setName(d.value);
              }}
            />
          </Field>
          <Text role="status" data-testid="config-validity">
            {problem === undefined ? 'Ready: select Save to add the tab.' : problem}
          </Text>
          {config !== undefined && problem === undefined ? (
            <Text block className={styles.preview} data-testid="config-content-url">
              {config.contentUrl}
            </Text>
          ) : null}
          {hostError !== undefined ? <ErrorNotice message={`Teams did not save the tab: ${hostError}`} /> : null}
        </form>
      )}
    </div>
  );
}
