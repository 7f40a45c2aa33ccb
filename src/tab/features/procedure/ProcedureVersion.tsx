import { Link, Text } from '@fluentui/react-components';
import { useSession } from '../../app/session-context';
import { procedurePath, useLinkHandler } from '../../app/router';
import { runCaseCommand } from '../../api/trellis-api';
import type { CaseView } from '../../api/types';
import { ActionForm } from '../../shared/commands/ActionForm';
import type { RunCommand } from '../../shared/commands/run-command';
import { useProcedurePageStyles } from './ProcedurePage.styles';

/**
 * Which version of its procedure the case follows, a link to read it, and (when new cases open
 * under another version) what that version changes; an administrator can move the case to it.
 */
export function ProcedureVersion(props: { readonly view: CaseView; readonly run: RunCommand }) {
  const styles = useProcedurePageStyles();
  const session = useSession();
  const { view } = props;
  const path = procedurePath(view.id);
  const open = useLinkHandler(path);
  const running = view.procedure.runningVersion;
  const admin = session.me?.roles.includes('admin') === true;
  return (
    <div className={styles.version} data-testid="procedure-version">
      <Text>
        This case follows {view.procedure.name}, version {String(view.procedure.version)}.
      </Text>
      <Link href={path} onClick={open}>
        Read the procedure this case follows
      </Link>
      {running !== undefined && view.view !== 'trainee' ? (
        <>
          <Text weight="semibold">
            New cases now open under version {String(running.version)}. This case stays on its own version unless an
            administrator moves it.
          </Text>
          <Text>What moving it would change:</Text>
          <ul className={styles.list} aria-label="What version changes">
            {running.changes.map((change) => (
              <li key={change}>
                <Text>{change}</Text>
              </li>
            ))}
          </ul>
          {running.cannotMove !== undefined ? <Text role="note">{running.cannotMove}</Text> : null}
          {admin && running.cannotMove === undefined && view.status !== 'closed' ? (
            <ActionForm
              label="Move to the current version"
              submitLabel={`Move to version ${String(running.version)}`}
              busyLabel="Moving…"
              problem={undefined}
              send={() =>
                props.run((current) =>
                  runCaseCommand(session.api, current, '/procedure-version', { toHash: running.hash }),
                )
              }
              doneMessage={`The case now follows version ${String(running.version)}.`}
            >
              <Text size={200}>The case keeps its history; from now on the version's rules apply to it.</Text>
            </ActionForm>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
