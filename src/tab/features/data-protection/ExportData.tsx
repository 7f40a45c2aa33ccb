import { Button, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { useSession } from '../../app/session-context';
import { saveFile } from '../../shared/csv';
import { ErrorNotice } from '../../shared/Feedback';
import { downloadTraineeExport, zipFileName } from './data-protection-api';

/**
 * A trainee's data as a zip (the subject access export): "Download my data" for the trainee,
 * "Export trainee's data" for the course team. The server decides what the caller gets; a
 * plain link cannot carry the bearer token, so the tab fetches the file and saves the bytes.
 */
export function ExportData(props: { readonly traineeUpn: string; readonly label: string; readonly note: string }) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const download = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const file = await downloadTraineeExport(session.api, props.traineeUpn);
      const name = zipFileName(file.filename);
      saveFile(file.blob, name);
      setSaved(name);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The export could not be made. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="export-data">
      <Text block as="p">
        {props.note}
      </Text>
      <Button onClick={() => void download()} disabled={busy}>
        {busy ? 'Preparing the export…' : props.label}
      </Button>
      {saved !== undefined && error === undefined ? <Text role="status"> Saved {saved}.</Text> : null}
      {error !== undefined ? <ErrorNotice title="The export could not be downloaded" message={error} /> : null}
    </div>
  );
}
